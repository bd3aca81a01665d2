"""Streamlit widgets shared by the secretariat's record pages (log a commitment, one commitment, partners
and events, capability assessments): the commitment form, SMART hints, duplicate suggestions, history.

Widgets collect plain data; the services in ``partners.services`` decide and write. Text people typed is
shown literally (``plain``), never as HTML or Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from partners.domain import smart
from partners.domain.model import (
    Actor,
    Commitment,
    PartnerRole,
    ReviewState,
    Visibility,
    describe_validation_error,
)
from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.presentation import changes, formatting
from partners.services import frameworks, history, lookups, records, workflow
from partners.services.errors import ConcurrentEditError, NotFound, StorageError, ValidationFailed
from partners.services.setup import Store
from partners.ui.navigation import PAGES_DIR
from partners.ui.session import show_table
from partners.ui.text import plain

#: The page that shows one commitment (``?id=N``), as registered in ``partners.ui.navigation``.
COMMITMENT_PAGE = PAGES_DIR / "commitment.py"


def link_to_commitment(commitment_id: int, title: str, *, key: str | None = None) -> None:
    st.page_link(
        COMMITMENT_PAGE,
        label=f"Commitment {commitment_id}: {plain(title)}",
        icon=":material/open_in_new:",
        query_params={"id": str(commitment_id)},
    )


def show_failure(exc: Exception) -> None:
    """A refused action in plain words: what is wrong, or who changed the record first."""
    if isinstance(exc, ValidationFailed):
        st.error("Not saved:\n" + "\n".join(f"- {plain(p)}" for p in exc.problems), icon=":material/error:")
    elif isinstance(exc, ConcurrentEditError):
        st.error(f"Not saved: {plain(exc)}", icon=":material/sync_problem:")
    elif isinstance(exc, PermissionDenied):
        st.error(plain(exc), icon=":material/block:")
    else:
        st.error(f"Not saved: {plain(exc)}", icon=":material/error:")


#: Errors a service raises for bad input, refusals and lost races (everything else is a bug).
REFUSALS = (ValidationFailed, ConcurrentEditError, PermissionDenied, NotFound, StorageError, ValueError)


def attempt(action: Callable[[], Any], *, done: str, key: str) -> Any:
    """Run a service call; keep the outcome in the session (a success line, or the reason it failed) so it
    shows after the rerun. Returns the result, or None when refused."""
    try:
        result = action()
    except REFUSALS as exc:
        st.session_state[key] = ("error", exc)
        return None
    st.session_state[key] = ("ok", done)
    return result


def show_outcome(key: str) -> None:
    outcome = st.session_state.pop(key, None)
    if outcome is None:
        return
    kind, value = outcome
    if kind == "ok":
        st.success(value, icon=":material/check_circle:")
    else:
        show_failure(value)


def loaded_version(key: str, current: int) -> int:
    """The version of a record when the editor started working on it (kept across reruns), so a save
    over someone else's change is refused rather than applied to whatever is newest."""
    return int(st.session_state.setdefault(key, current))


def forget(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


# -- the commitment form ------------------------------------------------------------------------------


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _item_label(row: Any, names: dict[str, str]) -> str:
    parent = names.get(row.parent_key) if isinstance(row.parent_key, str) else None
    return f"{row.code} · {row.name}" + (f" ({parent})" if parent else f" [{row.kind}]")


def framework_picker(store: Store, actor: Actor, *, key: str, selected: list[str]) -> list[str]:
    """Framework links, one searchable list per framework (MNR capabilities, Global Alliance targets and
    goals, Voluntary Principles, ...). Returns the chosen item keys."""
    items = frameworks.picker_items(store, actor, selected)  # current versions, plus links already made
    names = dict(zip(items.key, items.name, strict=True))
    chosen: list[str] = []
    for framework_id, group in items.groupby("framework_id", sort=False):
        labels = {row.key: _item_label(row, names) for row in group.itertuples()}
        chosen += st.multiselect(
            group.framework.iloc[0],
            list(labels),
            default=[k for k in selected if k in labels],
            format_func=labels.get,
            key=f"{key}_fw_{framework_id}",
            placeholder="Type to search",
        )
    return chosen


def commitment_fields(
    store: Store, actor: Actor, *, key: str, initial: dict[str, Any] | None = None, new: bool = True
) -> dict[str, Any]:
    """The commitment form as live widgets (hints update as the officer goes). Returns plain form data,
    ready for ``Commitment(**data)``. ``initial``: a stored commitment (``records.get_commitment``)."""
    init = initial or {}
    partner_names = lookups.partner_names(store, actor)
    country_names = lookups.country_names(store, actor)
    events = lookups.events(store, actor)
    event_names = {int(r.id): f"{r.name} ({r.date:%b %Y})" for r in events.itertuples()}

    title = st.text_input(
        "Title",
        value=init.get("title", ""),
        key=f"{key}_title",
        max_chars=300,
        placeholder="e.g. Train 200 investigators in victim identification by 2027",
    )
    description = st.text_area("Description", value=init.get("description", ""), key=f"{key}_description")

    st.markdown("**What exactly (SMART)**")
    deliverable = st.text_input(
        "Deliverable",
        value=init.get("deliverable", ""),
        key=f"{key}_deliverable",
        placeholder="What will exist when it is done",
    )
    c1, c2 = st.columns(2)
    indicator = c1.text_input(
        "Indicator",
        value=init.get("indicator", ""),
        key=f"{key}_indicator",
        placeholder="e.g. investigators trained",
    )
    unit = c2.text_input("Unit", value=init.get("unit", ""), key=f"{key}_unit", placeholder="e.g. people")
    c1, c2 = st.columns(2)
    baseline = c1.number_input(
        "Baseline",
        value=_float(init.get("baseline")),
        key=f"{key}_baseline",
        step=1.0,
        placeholder="value today",
    )
    target = c2.number_input(
        "Target value",
        value=_float(init.get("target_value")),
        key=f"{key}_target",
        step=1.0,
        placeholder="value to reach",
    )
    c1, c2 = st.columns(2)
    start = c1.date_input("Start date", value=init.get("start_date"), key=f"{key}_start", format="YYYY-MM-DD")
    deadline = c2.date_input(
        "Deadline", value=init.get("deadline"), key=f"{key}_deadline", format="YYYY-MM-DD"
    )
    c1, c2 = st.columns(2)
    budget = c1.number_input(
        "Budget",
        value=_float(init.get("budget")),
        min_value=0.0,
        step=1000.0,
        key=f"{key}_budget",
        placeholder="optional",
    )
    currency = c2.text_input(
        "Currency",
        value=init.get("currency") or "",
        max_chars=3,
        key=f"{key}_currency",
        placeholder="USD, EUR, GBP…",
    )

    st.markdown("**Who**")
    initial_partners = [p["partner_id"] for p in init.get("partners", [])]
    chosen = st.multiselect(
        "Partners",
        list(partner_names),
        default=[p for p in initial_partners if p in partner_names],
        format_func=lambda i: partner_names.get(i, f"partner {i}"),
        key=f"{key}_partners",
        placeholder="Type to search partners",
        help="Joint commitments: choose every partner, then the lead.",
    )
    leads = [p["partner_id"] for p in init.get("partners", []) if p["role"] == PartnerRole.LEAD.value]
    lead = None
    if chosen:
        lead = st.selectbox(
            "Lead partner",
            chosen,
            index=chosen.index(leads[0]) if leads and leads[0] in chosen else 0,
            format_func=lambda i: partner_names.get(i, f"partner {i}"),
            key=f"{key}_lead",
            help="The others take part as co-partners.",
        )

    st.markdown("**For which countries**")
    is_global = st.checkbox(
        "Global: serves every country rather than named ones",
        value=bool(init.get("is_global", False)),
        key=f"{key}_global",
    )
    picked_countries = st.multiselect(
        "Countries",
        list(country_names),
        default=[c for c in init.get("countries", []) if c in country_names],
        format_func=lambda c: f"{country_names[c]} ({c})",
        key=f"{key}_countries",
        disabled=is_global,
        placeholder="Type to search countries",
    )

    with st.expander("Framework links: the goals and capabilities it serves", expanded=bool(initial)):
        items = framework_picker(store, actor, key=key, selected=list(init.get("framework_items", [])))

    st.markdown("**Where it was made and who may see it**")
    event_ids = [None, *event_names]
    event = st.selectbox(
        "Made at (summit, plan, letter)",
        event_ids,
        index=event_ids.index(init.get("event_id")) if init.get("event_id") in event_ids else 0,
        format_func=lambda i: "Not at an event" if i is None else event_names[i],
        key=f"{key}_event",
    )
    visibilities = list(Visibility)
    visibility = st.radio(
        "Visibility",
        visibilities,
        format_func=lambda v: v.label,
        horizontal=True,
        key=f"{key}_visibility",
        index=visibilities.index(Visibility(init.get("visibility", Visibility.PRIVATE.value))),
    )
    embargo_at = init.get("embargo_until")
    embargoed = st.checkbox(
        "Embargo: keep it out of every public view and export until a date and time",
        value=embargo_at is not None,
        key=f"{key}_embargo",
        help="For pledges to be announced on stage.",
    )
    embargo_until = None
    if embargoed:
        c1, c2 = st.columns(2)
        day = c1.date_input(
            "Embargo until (date)",
            value=embargo_at.date() if embargo_at else date.today(),
            key=f"{key}_embargo_date",
            format="YYYY-MM-DD",
        )
        at = c2.time_input(
            "Embargo until (time)",
            value=embargo_at.time() if embargo_at else time(9, 0),
            key=f"{key}_embargo_time",
        )
        embargo_until = datetime.combine(day, at)

    review_state = ReviewState(init.get("review_state", ReviewState.DRAFT.value))
    if new:
        reachable = [
            s
            for s in ReviewState
            if s is not ReviewState.WITHDRAWN and all(can(actor, u) for u in workflow.use_cases_to_reach(s))
        ]
        review_state = st.selectbox(
            "Save as",
            reachable,
            format_func=lambda s: s.label,
            key=f"{key}_state",
            help="Draft until reviewed. A pledge already announced on stage can be saved as published.",
        )

    return {
        "title": title,
        "description": description,
        "partners": [
            {"partner_id": p, "role": (PartnerRole.LEAD if p == lead else PartnerRole.CO).value}
            for p in chosen
        ],
        "countries": [] if is_global else picked_countries,
        "is_global": is_global,
        "framework_items": items,
        "deliverable": deliverable,
        "indicator": indicator,
        "unit": unit,
        "baseline": _decimal(baseline),
        "target_value": _decimal(target),
        "start_date": start,
        "deadline": deadline,
        "budget": _decimal(budget),
        "currency": currency.strip() or None,
        "event_id": event,
        "visibility": visibility.value,
        "review_state": review_state.value,
        "embargo_until": embargo_until,
        "external_ref": init.get("external_ref"),  # not on the form: an import's reference stays
        "is_demo": bool(init.get("is_demo", False)),
    }


def smart_panel(data: dict[str, Any]) -> None:
    """The SMART level and the hints for what the officer has typed so far."""
    level = smart.level(data)
    st.metric(
        "SMART level",
        f"{level} of {smart.MAX_LEVEL}",
        help="Counts the five elements that make a commitment checkable: a deadline, a unit, a baseline, "
        "a target value and an indicator. Saved with the commitment.",
    )
    st.progress(level / smart.MAX_LEVEL, text=smart.LEVEL_WORDS[level])
    found = smart.hints(data)
    if not found:
        st.success("Specific, measurable and time-bound.", icon=":material/task_alt:")
    for hint in found:
        if hint.counts:
            st.warning(hint.message, icon=":material/rule:")
        else:
            st.info(hint.message, icon=":material/lightbulb:")


def duplicates_gate(
    store: Store, actor: Actor, data: dict[str, Any], *, key: str, exclude_id: int | None = None
) -> bool:
    """Suggest commitments that look like this one; True when saving may go ahead (none, or the officer
    confirmed this is a different pledge)."""
    if len(data["title"].strip()) < 4:
        return True
    found = records.find_duplicates(
        store,
        actor,
        data["title"],
        [p["partner_id"] for p in data["partners"]],
        data["countries"],
        exclude_id=exclude_id,
    )
    if not found:
        return True
    st.warning(
        "This looks like a commitment already logged. Open it instead, or confirm this is another pledge.",
        icon=":material/content_copy:",
    )
    for d in found:
        link_to_commitment(d.commitment_id, d.title)
        st.caption(f"Looks like commitment {d.commitment_id}: {plain(', '.join(d.reasons))}")
    return st.checkbox("None of these is the same pledge: save anyway", key=f"{key}_not_duplicate")


def build_commitment(data: dict[str, Any]) -> Commitment:
    """The form data as a validated Commitment (ValidationFailed in plain sentences otherwise)."""
    try:
        return Commitment(**data)
    except ValueError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from exc


# -- history ------------------------------------------------------------------------------------------


def history_view(store: Store, actor: Actor, entity: str, record_id: int, *, key: str) -> None:
    """The change history of one record as people read it: a list of the changes, then each change with
    its fields before and after; 'restore this version' for the secretariat, after a confirmation that
    shows what the restore would change."""
    if not can(actor, UseCase.VIEW_HISTORY):
        return
    entries = history.readable_history(store, actor, entity, record_id)
    long_form = pd.DataFrame(
        [
            {"Change": e["id"], "When": formatting.moment(e["changed_at"]), "Who": e["actor"], "What": e["what"],
             "Reason": e["reason"], "Field": row.Field, "Before": row.Before, "After": row.After}
            for e in entries
            for row in changes.change_table(entity, e["changes"]).itertuples()
        ],
        columns=["Change", "When", "Who", "What", "Reason", "Field", "Before", "After"],
    )
    show_table(
        changes.history_summary(entity, entries),
        download=f"history-{entity.replace('_', '-')}-{record_id}.csv",
        csv=long_form,
        key=f"{key}_history",
    )
    for e in entries:
        st.markdown(f"**{plain(changes.entry_heading(e))}**")
        if e["reason"]:
            st.caption(f"Reason: {plain(e['reason'])}")
        if e["changes"]:
            table = changes.change_table(entity, e["changes"])
            if e["action"] == "create":
                table = table.drop(columns="Before").rename(columns={"After": "Value"})
            show_table(
                table,
                key=f"{key}_change_{e['id']}",
                height=_table_height(len(table)),
                column_config={"Field": st.column_config.TextColumn(width="small")},
            )
    if not can(actor, UseCase.RESTORE_RECORD):
        return
    current = history.current_version(store, actor, entity, record_id)
    restorable = [e for e in entries[1:] if e["action"] != "delete" and e["after"]]
    if current is None or not restorable:
        return
    choices = {e["id"]: f"Change {e['id']}: {changes.entry_heading(e)}" for e in restorable}
    st.divider()
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(
        "Restore the record as it was after", list(choices), format_func=choices.get, key=f"{key}_restore_pick"
    )
    asked_key = f"{key}_restore_asked"
    if c2.button("Restore this version", key=f"{key}_restore", icon=":material/history:"):
        st.session_state[asked_key] = chosen
    asked = st.session_state.get(asked_key)
    if asked not in choices:
        return
    with st.container(border=True):
        st.warning(
            f"Restore the version after change {asked}? These fields go back to what they were then "
            "(the review state stays); the restore is recorded in the history.",
            icon=":material/history:",
        )
        preview = history.restore_preview(store, actor, entity, record_id, asked)
        if preview:
            table = changes.change_table(entity, preview, before="Now", after="After the restore")
            show_table(table, key=f"{key}_restore_preview", height=_table_height(len(table)))
        else:
            st.caption("Nothing would change: the record is as it was then.")
        b1, b2 = st.columns(2)

        def restore(entry: int = asked, version: int = current) -> None:
            st.session_state.pop(asked_key, None)
            attempt(
                lambda: history.restore_version(store, actor, entity, record_id, entry, version),
                done=f"Restored the version after change {entry}.",
                key=f"{key}_outcome",
            )

        b1.button("Yes, restore this version", type="primary", key=f"{key}_restore_confirm", on_click=restore)
        b2.button("Cancel", key=f"{key}_restore_cancel", on_click=lambda: st.session_state.pop(asked_key, None))


def _table_height(rows: int) -> int:
    """A table's height that shows all its rows, so no table scrolls inside the page."""
    return 35 * (rows + 1) + 3


def delete_button(
    store: Store, actor: Actor, entity: str, record_id: int, version: int, *, key: str, label: str = "Delete"
) -> None:
    """A delete button behind a confirmation (deletes are soft: the secretariat can restore)."""
    if not can(actor, UseCase.DELETE_RECORD):
        return
    sure = st.checkbox(f"{label}: yes, delete it (it can be restored from the history)", key=f"{key}_sure")
    st.button(
        label,
        key=f"{key}_delete",
        icon=":material/delete:",
        disabled=not sure,
        on_click=lambda: attempt(
            lambda: history.delete_record(store, actor, entity, record_id, version),
            done="Deleted. It no longer shows anywhere; restore it from the deleted records.",
            key=f"{key}_outcome",
        ),
    )


def deleted_list(
    store: Store, actor: Actor, entity: str, *, key: str, commitment_id: int | None = None
) -> None:
    """Soft-deleted records of one kind, each with a restore button (the secretariat only)."""
    if not can(actor, UseCase.RESTORE_RECORD):
        return
    gone = history.deleted_records(store, actor, entity, commitment_id=commitment_id)
    if gone.empty:
        st.caption("Nothing deleted.")
        return
    for row in gone.itertuples():
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.write(f"{plain(row.label)} (no. {row.id}), deleted {row.deleted_at:%d %b %Y %H:%M}")
        c2.button(
            "Restore",
            key=f"{key}_undelete_{row.id}",
            icon=":material/restore_from_trash:",
            on_click=lambda rid=int(row.id), version=int(row.version): attempt(
                lambda: history.restore_deleted(store, actor, entity, rid, version),
                done=f"Restored {entity.replace('_', ' ')} {rid}.",
                key=f"{key}_outcome",
            ),
        )
