"""One commitment (``?id=N``): details or the edit form next to its progress (self-reported and verified side
by side), the review workflow, and its history with restore."""

import pandas as pd
import streamlit as st

from partners.domain.permissions import UseCase, can
from partners.presentation import changes, charts, formatting, labels, status
from partners.services import cache, history, records, workflow
from partners.services.commitment_page import commitment_page
from partners.services.errors import NotFound
from partners.ui import forms, text
from partners.ui.session import chart_with_table, current_actor, get_store, show_table

store, actor = get_store(), current_actor()

raw = str(st.query_params.get("id", "")).strip()
if not raw.isdigit():
    st.title("Commitment")
    st.caption(
        "Open a commitment from the Commitments page, a country's page or the worklist, or by its number."
    )
    number = st.number_input("Commitment number", min_value=1, step=1, value=None, key="open_number")
    if number:
        st.query_params["id"] = str(int(number))
        st.rerun()
    if can(actor, UseCase.RESTORE_RECORD):
        with st.expander("Deleted commitments", icon=":material/delete:"):
            forms.show_outcome("deleted_commitments_outcome")
            forms.deleted_list(store, actor, "commitment", key="deleted_commitments")
    st.stop()

cid = int(raw)
key = f"c{cid}"
outcome_key = f"{key}_outcome"

try:
    page = cache.cached(commitment_page, store, actor, cid)  # per data version and viewer: a click reads nothing
except NotFound:
    st.title(f"Commitment {cid}")
    forms.show_outcome(outcome_key)
    gone = history.deleted_records(store, actor, "commitment") if can(actor, UseCase.VIEW_HISTORY) else None
    if gone is not None and cid in set(gone.id):
        st.warning(
            f"Commitment {cid} has been deleted: it shows nowhere until it is restored.",
            icon=":material/delete:",
        )
        row = gone.set_index("id").loc[cid]
        if can(actor, UseCase.RESTORE_RECORD):
            st.button(
                "Restore this commitment",
                icon=":material/restore_from_trash:",
                key=f"{key}_undelete",
                on_click=lambda version=int(row["version"]): forms.attempt(
                    lambda: history.restore_deleted(store, actor, "commitment", cid, version),
                    done=f"Commitment {cid} restored.",
                    key=outcome_key,
                ),
            )
        with st.expander("History", icon=":material/history:"):
            forms.history_view(store, actor, "commitment", cid, key=key)
    else:
        st.error(f"There is no commitment {cid} that you can see.", icon=":material/search_off:")
    st.stop()

version = page.version

st.title(f"Commitment {cid}")
st.header(forms.plain(page.title))
st.markdown(f"**{text.plain(status.status_line(page.comparison))}**")
facts = [
    text.plain(status.review_sentence(page.review_state, page.visibility, page.embargo_until)),
    f"SMART level: **{page.smart_level}**",
]
if page.is_demo:
    facts.append("**Demo record** (fictional)")
st.markdown(" · ".join(facts))
forms.show_outcome(outcome_key)

# -- review workflow ---------------------------------------------------------------------------------------
if last := page.last_review:
    why = f": {forms.plain(last['reason'])}" if last["reason"] else ""
    st.caption(
        f"Last review step: {history.ACTION_LABELS.get(last['action'], last['action']).lower()} by "
        f"{forms.plain(last['actor'])}, {formatting.moment(last['changed_at'])}{why}"
    )
if page.moves:
    with st.container(border=True):
        st.markdown("**Review**")
        for move in page.moves:
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            reason_key = f"{key}_reason_{move.action}"
            if move.needs_reason:
                c1.text_input(f"Why? ({move.label.lower()})", key=reason_key, placeholder="Required")
            c2.button(
                move.label,
                key=f"{key}_move_{move.action}",
                on_click=lambda move=move, reason_key=reason_key: forms.attempt(
                    lambda: workflow.transition(
                        store, actor, cid, move.target, version, reason=st.session_state.get(reason_key, "")
                    ),
                    done=f"The commitment is now {move.target.value}.",
                    key=outcome_key,
                ),
            )

left, right = st.columns([3, 2], gap="large")

# -- details, or the edit form ------------------------------------------------------------------------
with left:
    edit_round = st.session_state.setdefault(f"{key}_edit_round", 0)
    editing = page.editable and st.toggle("Edit this commitment", key=f"{key}_editing_{edit_round}")
    if editing:
        form_key = f"{key}_edit{edit_round}"
        loaded = forms.loaded_version(f"{form_key}_version", version)
        form = forms.commitment_fields(
            store, actor, key=form_key, initial=page.detail, new=False, exclude_id=cid
        )
        with st.expander("SMART check", expanded=True):
            forms.smart_panel(form.data)
        c1, c2 = st.columns(2)
        if c1.button(
            "Save changes",
            type="primary",
            icon=":material/save:",
            disabled=not form.may_save,
            key=f"{form_key}_save",
        ):
            try:
                records.update_commitment(store, actor, cid, form.build(), loaded)
            except forms.REFUSALS as exc:
                forms.show_failure(exc)
            else:
                forms.forget(f"{form_key}_version")
                st.session_state[f"{key}_edit_round"] = edit_round + 1
                st.session_state[outcome_key] = ("ok", "Changes saved.")
                st.rerun()
        if c2.button(
            "Discard and reload",
            icon=":material/refresh:",
            key=f"{form_key}_reload",
            help="Start again from the version saved now (someone else's change included).",
        ):
            forms.forget(f"{form_key}_version")
            st.session_state[f"{key}_edit_round"] = edit_round + 1
            st.rerun()
    else:
        for label, value in changes.detail_rows(page.details):
            name, shown = st.columns([1, 3], gap="small")
            name.markdown(f"**{label}**")
            if isinstance(value, list) and len(value) > 1:
                shown.markdown("\n".join(f"- {text.plain(v)}" for v in value))
            elif value:
                shown.markdown(text.plain(value[0] if isinstance(value, list) else value))
            else:
                shown.markdown(":gray[not given]")
        if page.smart_hints:
            st.caption("SMART: " + " ".join(page.smart_hints))

# -- progress, self-reported and verified side by side ----------------------------------------------
with right:
    st.subheader("Progress")
    both = page.comparison
    if both["differ"]:
        st.warning(
            f"The verified status differs from the partner's. Reason: {forms.plain(both['reason'])}",
            icon=":material/compare_arrows:",
        )
    updates = page.progress
    if updates.empty:
        st.info("No progress reported yet.")
    else:
        values = charts.progress_table(updates)
        if values.empty:
            st.caption("No update gives an indicator value yet: the timeline shows once one does.")
        else:
            detail = page.detail
            chart_with_table(
                cache.remembered(  # the spec made and checked once per data version and viewer
                    store, actor, "commitment-progress-timeline", (cid,),
                    lambda: charts.progress_timeline(
                        values, baseline=detail["baseline"], target=detail["target_value"], unit=detail["unit"],
                        title="Indicator value over time",
                    ).to_dict(),
                ),
                values.assign(Date=values.Date.map(formatting.day), Value=values.Value.map(formatting.number)),
                name=f"indicator-{cid}",
                caption="Dashed line: the target; dotted line: the baseline.",
            )
        show_table(
            pd.DataFrame(
                {
                    "id": updates.id,
                    "report_date": updates.report_date.map(formatting.day),
                    "status": updates.status.map(labels.status_label),
                    "source": updates.source.map(labels.source_label),
                    "indicator_value": updates.indicator_value.map(formatting.number),
                    "narrative": updates.narrative,
                    "evidence_links": updates.evidence_links.map(lambda links: "\n".join(links)),
                    "reason": updates.reason,
                }
            ).rename(columns=labels.PROGRESS_COLUMNS),
            download=f"commitment-{cid}-progress.csv",
            key=f"{key}_progress",
        )
        evidenced = [u for u in updates.itertuples() if len(u.evidence_links)]
        if evidenced:  # the one field that is a link: evidence, each a web address the model checked
            st.markdown("**Evidence**\n" + "\n".join(
                f"- {u.report_date:%d %b %Y}: " + ", ".join(text.link(url) for url in u.evidence_links)
                for u in evidenced
            ))

    if page.progress_sources:
        forms.progress_editor(
            store, actor, cid, updates, page.progress_sources, key=key, outcome_key=outcome_key
        )

    if page.may_delete and not updates.empty:
        with st.expander("Delete or restore progress updates", icon=":material/delete:"):
            choices = {
                int(r.id): f"No. {r.id}: {r.report_date:%d %b %Y}, {labels.status_label(r.status)}"
                for r in updates.itertuples()
            }
            pick = st.selectbox("Progress update", list(choices), format_func=choices.get, key=f"{key}_pu_pick")
            pick_version = int(updates.set_index("id").loc[pick, "version"])
            forms.delete_button(
                store,
                actor,
                "progress_update",
                pick,
                pick_version,
                key=f"{key}_pu_{pick}",
                label="Delete this progress update",
            )
            st.markdown("**Deleted progress updates**")
            forms.deleted_list(store, actor, "progress_update", key=f"{key}_pu", commitment_id=cid)
    for k in [k for k in st.session_state if k.startswith(f"{key}_pu") and k.endswith("_outcome")]:
        forms.show_outcome(k)

# -- history ------------------------------------------------------------------------------------------
if page.may_view_history:
    with st.expander("History: every change, who made it and when", icon=":material/history:"):
        forms.history_view(store, actor, "commitment", cid, key=key)
        if page.may_delete:
            st.divider()
            forms.delete_button(
                store, actor, "commitment", cid, version, key=key, label="Delete this commitment"
            )
