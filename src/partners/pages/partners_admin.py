"""Partners and events: add, edit (refused when someone saved first), delete and restore, with history."""

from datetime import date

import streamlit as st

from partners.domain.model import Event, EventKind, Partner, StakeholderType
from partners.domain.permissions import UseCase, can
from partners.services import cache, lookups, records
from partners.ui import forms
from partners.ui.session import current_actor, get_store

store, actor = get_store(), current_actor()
st.title("Partners and events")
if not can(actor, UseCase.MANAGE_PARTNERS):
    st.info("Only the secretariat adds and edits partners and events.", icon=":material/lock:")
    st.stop()

country_names = cache.cached(lookups.country_names, store, actor)
country_options = [None, *country_names]


def country_label(code: str | None) -> str:
    return "None" if code is None else f"{country_names[code]} ({code})"


def save(action, *, done: str, version_key: str, round_key: str) -> None:
    """Run a create or update; on success forget the loaded version and start a fresh form."""
    try:
        action()
    except forms.REFUSALS as exc:
        forms.show_failure(exc)
        return
    forms.forget(version_key)
    st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
    st.session_state["admin_outcome"] = ("ok", done)
    st.rerun()


forms.show_outcome("admin_outcome")
partners_tab, events_tab = st.tabs(["Partners", "Summits, plans and other events"])

# -- partners -----------------------------------------------------------------------------------------
with partners_tab:
    names = cache.cached(lookups.partner_names, store, actor)
    pick = st.selectbox(
        "Partner",
        [None, *names],
        format_func=lambda i: "New partner" if i is None else f"{names[i]} (no. {i})",
        key="partner_pick",
        help="Choose a partner to edit it, or 'New partner' to add one.",
    )
    row = {} if pick is None else cache.cached(records.get_record, store, actor, "partner", pick)
    version_key, round_key = f"partner_{pick}_version", f"partner_{pick}_round"
    loaded = forms.loaded_version(version_key, row["version"]) if row else 0
    with st.form(f"partner_form_{pick}_{st.session_state.get(round_key, 0)}"):
        name = st.text_input("Name", value=row.get("name", ""), max_chars=300)
        types = list(StakeholderType)
        kind = st.selectbox(
            "Stakeholder type",
            types,
            index=types.index(StakeholderType(row["stakeholder_type"])) if row else 0,
            format_func=lambda t: t.label,
        )
        tags = st.multiselect(
            "Also (for hybrids)",
            types,
            default=[StakeholderType(t) for t in row.get("tags", [])],
            format_func=lambda t: t.label,
        )
        hq = st.selectbox(
            "Headquarters country",
            country_options,
            index=country_options.index(row.get("hq_country"))
            if row.get("hq_country") in country_names
            else 0,
            format_func=country_label,
        )
        typed = forms.Typed()
        since = typed.date(
            "Alliance member since",
            value=row.get("member_since"),
            key=f"partner_{pick}_since_{st.session_state.get(round_key, 0)}",
        )
        website = st.text_input("Website", value=row.get("website") or "", placeholder="https://")
        e1, e2 = st.columns(2)
        email = e1.text_input(
            "Contact e-mail",
            value=row.get("contact_email") or "",
            placeholder="secretariat@organisation.org",
            help="The organisation's address for reminders (a shared office address, not a person's private one).",
        )
        email_2 = e2.text_input(
            "Second contact e-mail",
            value=row.get("contact_email_2") or "",
            help="Copied on reminders (optional).",
        )
        if st.form_submit_button("Save partner" if row else "Add partner", icon=":material/save:"):
            data = {
                "name": name,
                "stakeholder_type": kind,
                "tags": tags,
                "hq_country": hq,
                "member_since": since,
                "website": website.strip() or None,
                "contact_email": email.strip() or None,
                "contact_email_2": email_2.strip() or None,
                "is_demo": bool(row.get("is_demo", False)),
            }
            if row:
                save(
                    lambda: records.update_partner(
                        store, actor, pick, forms.build(Partner, data, typed), loaded
                    ),
                    done=f"Partner {pick} saved.",
                    version_key=version_key,
                    round_key=round_key,
                )
            else:
                save(
                    lambda: records.create_partner(store, actor, forms.build(Partner, data, typed)),
                    done="Partner added.",
                    version_key=version_key,
                    round_key=round_key,
                )
    if row:
        if loaded != row["version"]:
            st.warning("Someone saved this partner after you opened it. Reload to see their change.")
        if st.button("Discard and reload", key=f"partner_{pick}_reload", icon=":material/refresh:"):
            forms.forget(version_key)
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            st.rerun()
        with st.expander("History", icon=":material/history:"):
            forms.show_outcome(f"partner{pick}_outcome")
            forms.history_view(store, actor, "partner", pick, key=f"partner{pick}")
            forms.delete_button(
                store,
                actor,
                "partner",
                pick,
                row["version"],
                key=f"partner{pick}",
                label="Delete this partner",
            )
    with st.expander("Deleted partners", icon=":material/delete:"):
        forms.show_outcome("deleted_partners_outcome")
        forms.deleted_list(store, actor, "partner", key="deleted_partners")

# -- events -------------------------------------------------------------------------------------------
with events_tab:
    if not can(actor, UseCase.MANAGE_EVENTS):
        st.info("You may not add or edit summits and plans.")
        st.stop()
    events = cache.cached(lookups.events, store, actor)
    event_names = {int(r.id): f"{r.name} ({r.date:%d %b %Y})" for r in events.itertuples()}
    pick = st.selectbox(
        "Summit, plan or other event",
        [None, *event_names],
        format_func=lambda i: "New event" if i is None else event_names[i],
        key="event_pick",
    )
    row = {} if pick is None else cache.cached(records.get_record, store, actor, "event", pick)
    version_key, round_key = f"event_{pick}_version", f"event_{pick}_round"
    loaded = forms.loaded_version(version_key, row["version"]) if row else 0
    with st.form(f"event_form_{pick}_{st.session_state.get(round_key, 0)}"):
        name = st.text_input("Name", value=row.get("name", ""), max_chars=300)
        kinds = list(EventKind)
        kind = st.selectbox(
            "Kind",
            kinds,
            index=kinds.index(EventKind(row["kind"])) if row else 0,
            format_func=lambda k: k.label,
        )
        typed = forms.Typed()
        day = typed.date(
            "Date", value=row.get("date", date.today()), key=f"event_{pick}_date_{st.session_state.get(round_key, 0)}"
        )
        location = st.text_input("Location", value=row.get("location", ""))
        where = st.selectbox(
            "Country",
            country_options,
            index=country_options.index(row.get("country")) if row.get("country") in country_names else 0,
            format_func=country_label,
        )
        if st.form_submit_button("Save event" if row else "Add event", icon=":material/save:"):
            data = {
                "name": name,
                "kind": kind,
                "date": day,
                "location": location,
                "country": where,
                "is_demo": bool(row.get("is_demo", False)),
            }
            if row:
                save(
                    lambda: records.update_event(store, actor, pick, forms.build(Event, data, typed), loaded),
                    done=f"Event {pick} saved.",
                    version_key=version_key,
                    round_key=round_key,
                )
            else:
                save(
                    lambda: records.create_event(store, actor, forms.build(Event, data, typed)),
                    done="Event added.",
                    version_key=version_key,
                    round_key=round_key,
                )
    if row:
        if loaded != row["version"]:
            st.warning("Someone saved this event after you opened it. Reload to see their change.")
        if st.button("Discard and reload", key=f"event_{pick}_reload", icon=":material/refresh:"):
            forms.forget(version_key)
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            st.rerun()
        with st.expander("History", icon=":material/history:"):
            forms.show_outcome(f"event{pick}_outcome")
            forms.history_view(store, actor, "event", pick, key=f"event{pick}")
            forms.delete_button(
                store, actor, "event", pick, row["version"], key=f"event{pick}", label="Delete this event"
            )
    with st.expander("Deleted events", icon=":material/delete:"):
        forms.show_outcome("deleted_events_outcome")
        forms.deleted_list(store, actor, "event", key="deleted_events")
