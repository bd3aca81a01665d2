"""Streamlit widgets shared by the secretariat's record pages (log a commitment, one commitment, partners
and events, capability assessments): the commitment form, SMART hints, duplicate suggestions, history.

Widgets collect plain data; the services in ``partners.services`` decide and write. Text people typed is
shown literally (``plain``), never as HTML or Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel, ValidationError

from partners.domain import smart
from partners.domain.model import (
    Actor,
    Commitment,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    Visibility,
    describe_validation_error,
)
from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.importing.parsing import DATE_HINT, parse_date_text, parse_number
from partners.presentation import changes, formatting
from partners.services import cache, frameworks, history, lookups, records, workflow
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


# -- numbers and dates, typed as text ------------------------------------------------------------------
# Streamlit's number and date widgets refuse some values in the browser (a negative budget below their
# minimum, a year outside the ten they offer) and hand back the old value or nothing: what was typed would
# be dropped, or saved as empty, without a word. So every form takes numbers and dates as text, read by the
# importer's parsers (one definition of what a number and a date are), and judged by the domain model; a
# value that cannot be read stops the save with "Not saved:", naming the field.

DATE_PLACEHOLDER = "YYYY-MM-DD, e.g. 2027-12-31"


def number_text(value: Any) -> str:
    """A stored number as people write it (40, not 40.0000), for the text field that edits it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def date_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return f"{pd.Timestamp(value).date():%Y-%m-%d}"


@dataclass
class Typed:
    """The numbers and dates of one form, read from what was typed; ``problems`` says what could not be."""

    problems: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the labels of those fields

    def _refuse(self, label: str, problem: str) -> None:
        self.problems.append(f"{label}: {problem}")
        self.failed.append(label)

    def read_number(self, label: str, text: str | None, column: str) -> Decimal | None:
        if not (text or "").strip():
            return None
        got = parse_number(text, column)
        if isinstance(got, tuple):
            self._refuse(label, f"{got[0]}: {got[1]}")
            return None
        return got

    def read_date(self, label: str, text: str | None) -> date | None:
        if not (text or "").strip():
            return None
        got = parse_date_text(text.strip())
        if isinstance(got, str):
            self._refuse(label, f"{got}: {DATE_HINT}")
            return None
        return got

    def number(
        self, label: str, *, value: Any, key: str, column: str, where: Any = st, placeholder: str = "", **kw: Any
    ) -> Decimal | None:
        text = where.text_input(label, value=number_text(value), key=key, placeholder=placeholder, **kw)
        return self.read_number(label, text, column)

    def date(self, label: str, *, value: Any, key: str, where: Any = st, **kw: Any) -> date | None:
        text = where.text_input(label, value=date_text(value), key=key, placeholder=DATE_PLACEHOLDER, **kw)
        return self.read_date(label, text)


def build(model: type[BaseModel], data: dict[str, Any], typed: Typed | None = None) -> Any:
    """The form data as a validated model; otherwise ValidationFailed naming every field that is wrong,
    the numbers and dates that could not be read among them (nothing is saved then)."""
    typed = typed or Typed()
    problems = list(typed.problems)
    try:
        built = model(**data)
    except ValidationError as exc:
        problems += [
            p for p in describe_validation_error(exc) if not any(p.startswith(f"{f}:") for f in typed.failed)
        ]
    if problems:
        raise ValidationFailed(problems)
    return built


# -- the commitment form ------------------------------------------------------------------------------


def _item_label(row: Any, names: dict[str, str]) -> str:
    parent = names.get(row.parent_key) if isinstance(row.parent_key, str) else None
    return f"{row.code} · {row.name}" + (f" ({parent})" if parent else f" [{row.kind}]")


def framework_picker(store: Store, actor: Actor, *, key: str, selected: list[str]) -> list[str]:
    """Framework links, one searchable list per framework (MNR capabilities, Global Alliance targets and
    goals, Voluntary Principles, ...). Returns the chosen item keys."""
    # current versions, plus links already made; remembered per data version and viewer, as the lookups below
    items = cache.cached(frameworks.picker_items, store, actor, tuple(selected))
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


@dataclass
class CommitmentForm:
    """What the commitment form holds: plain data for ``Commitment(**data)``, the numbers and dates as read
    (``typed.problems`` for those that could not be), and whether saving may go ahead as far as likely
    duplicates go (none, or the officer ticked that this is another pledge)."""

    data: dict[str, Any]
    typed: Typed
    may_save: bool

    def build(self) -> Commitment:
        return build(Commitment, self.data, self.typed)


def commitment_fields(
    store: Store,
    actor: Actor,
    *,
    key: str,
    initial: dict[str, Any] | None = None,
    new: bool = True,
    exclude_id: int | None = None,
) -> CommitmentForm:
    """The commitment form as live widgets (hints update as the officer goes, likely duplicates show under
    the title). ``initial``: a stored commitment (``records.get_commitment``); ``exclude_id``: the
    commitment being edited (not its own duplicate)."""
    init = initial or {}
    typed = Typed()
    partner_names = cache.cached(lookups.partner_names, store, actor)  # a click reads none of them again
    country_names = cache.cached(lookups.country_names, store, actor)
    events = cache.cached(lookups.events, store, actor)
    event_names = {int(r.id): f"{r.name} ({r.date:%b %Y})" for r in events.itertuples()}

    title = st.text_input(
        "Title",
        value=init.get("title", ""),
        key=f"{key}_title",
        max_chars=300,
        placeholder="e.g. Train 200 investigators in victim identification by 2027",
    )
    duplicates_box = st.container()  # filled once the partners and countries are known (below)
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
    baseline = typed.number(
        "Baseline", value=init.get("baseline"), key=f"{key}_baseline", column="baseline", where=c1,
        placeholder="value today",
    )  # fmt: skip
    target = typed.number(
        "Target value", value=init.get("target_value"), key=f"{key}_target", column="target_value", where=c2,
        placeholder="value to reach",
    )  # fmt: skip
    c1, c2 = st.columns(2)
    start = typed.date("Start date", value=init.get("start_date"), key=f"{key}_start", where=c1)
    deadline = typed.date("Deadline", value=init.get("deadline"), key=f"{key}_deadline", where=c2)
    c1, c2 = st.columns(2)
    budget = typed.number(
        "Budget", value=init.get("budget"), key=f"{key}_budget", column="budget", where=c1,
        placeholder="optional, e.g. 250000",
    )  # fmt: skip
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
        "Embargo: hide it until a date and time",
        value=embargo_at is not None,
        key=f"{key}_embargo",
        help=(
            "For pledges to be announced on stage. Until then only the secretariat and the contributors of "
            "its own partners see it: not the public, members or the countries' focal points, in no view, "
            "figure or export."
        ),
    )
    embargo_until = None
    if embargoed:
        c1, c2 = st.columns(2)
        label = "Embargo until (date)"
        day = typed.date(label, value=embargo_at or date.today(), key=f"{key}_embargo_date", where=c1)
        at = c2.time_input(
            "Embargo until (time)",
            value=embargo_at.time() if embargo_at else time(9, 0),
            key=f"{key}_embargo_time",
        )
        if day is not None:
            embargo_until = datetime.combine(day, at)
        elif label not in typed.failed:
            typed.problems.append(f"{label}: give the date the embargo ends, or untick the embargo")

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

    data = {
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
        "baseline": baseline,
        "target_value": target,
        "start_date": start,
        "deadline": deadline,
        "budget": budget,
        "currency": currency.strip() or None,
        "event_id": event,
        "visibility": visibility.value,
        "review_state": review_state.value,
        "embargo_until": embargo_until,
        "external_ref": init.get("external_ref"),  # not on the form: an import's reference stays
        "is_demo": bool(init.get("is_demo", False)),
    }
    with duplicates_box:
        may_save = duplicates_gate(store, actor, data, key=key, exclude_id=exclude_id)
    return CommitmentForm(data, typed, may_save)


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


# -- progress updates ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _links_text(links: Any) -> str:
    return "\n".join(str(link) for link in (links if links is not None else []))


def progress_form(
    store: Store,
    actor: Actor,
    commitment_id: int,
    sources: list[ReportSource],
    *,
    key: str,
    outcome_key: str,
    existing: dict[str, Any] | None = None,
    forget_on_save: tuple[str, ...] = (),
) -> None:
    """Record a progress update on a commitment, or edit ``existing`` (a stored update, with its ``id`` and
    ``version``). What was typed stays in the fields until the save succeeds: a refused save (a bad link,
    a date that is not one) says why under the form and keeps every field; only a saved form starts empty."""
    init = existing or {}
    round_key = f"{key}_round"
    rnd = st.session_state.get(round_key, 0)
    k = f"{key}_{rnd}"
    loaded = loaded_version(f"{key}_version", int(init["version"])) if existing else 0
    typed = Typed()
    with st.form(f"{k}_form", border=True):
        st.markdown(f"**Edit progress update {init['id']}**" if existing else "**Record a progress update**")
        c1, c2 = st.columns(2)
        report_date = typed.date(
            "Report date", value=init.get("report_date", date.today()), key=f"{k}_date", where=c1
        )
        statuses = list(ProgressStatus)
        status = c2.selectbox(
            "Status",
            statuses,
            index=statuses.index(ProgressStatus(init["status"])) if existing else 0,
            format_func=lambda s: s.label,
            key=f"{k}_status",
        )
        was = ReportSource(init["source"]) if existing else None
        source = st.radio(
            "Source",
            sources,
            index=sources.index(was) if was in sources else 0,
            format_func=lambda s: s.label,
            horizontal=True,
            key=f"{k}_source",
        )
        value = typed.number(
            "Indicator value",
            value=init.get("indicator_value"),
            key=f"{k}_value",
            column="indicator_value",
            placeholder="optional, e.g. 40",
        )
        narrative = st.text_area("What happened", value=_text(init.get("narrative")), key=f"{k}_narrative")
        links = st.text_area(
            "Evidence links (one web address per line)",
            value=_links_text(init.get("evidence_links")),
            key=f"{k}_links",
        )
        reason = st.text_input(
            "Reason (when the verified status differs from the partner's self-reported one)",
            value=_text(init.get("reason")),
            key=f"{k}_reason",
        )
        submitted = st.form_submit_button(
            "Save changes" if existing else "Save progress update",
            icon=":material/save:" if existing else ":material/add_task:",
        )
    if not submitted:
        return
    data = {
        "commitment_id": commitment_id,
        "report_date": report_date,
        "status": status,
        "indicator_value": value,
        "narrative": narrative,
        "evidence_links": [line.strip() for line in links.splitlines() if line.strip()],
        "source": source,
        "is_demo": bool(init.get("is_demo", False)),
    }
    try:
        update = build(ProgressUpdate, data, typed)
        if existing:
            records.update_progress(store, actor, int(init["id"]), update, loaded, reason=reason)
        else:
            records.record_progress(store, actor, update, reason=reason)
    except REFUSALS as exc:
        show_failure(exc)  # the form keeps what was typed
        return
    forget(f"{key}_version", *forget_on_save)
    st.session_state[round_key] = rnd + 1
    st.session_state[outcome_key] = (
        "ok", f"Progress update {init['id']} saved." if existing else "Progress update saved."
    )
    st.rerun()


def progress_editor(
    store: Store,
    actor: Actor,
    commitment_id: int,
    updates: pd.DataFrame,
    sources: list[ReportSource],
    *,
    key: str,
    outcome_key: str,
) -> None:
    """An "Edit" for each progress update the actor may change (one they may record as that source), and
    the form: the chosen update's, or a new one's."""
    editing_key = f"{key}_pu_editing"
    rows = {
        int(r.id): r._asdict()
        for r in updates.itertuples(index=False)
        if ReportSource(r.source) in sources
    }
    if rows:
        st.markdown("**Edit a progress update**")
    for pid, row in rows.items():
        st.button(
            f"Edit no. {pid}: {row['report_date']:%d %b %Y}, {ProgressStatus(row['status']).label} "
            f"({ReportSource(row['source']).label.lower()})",
            type="tertiary",
            key=f"{key}_pu_edit_{pid}",
            icon=":material/edit:",
            on_click=lambda pid=pid: st.session_state.__setitem__(editing_key, pid),
        )
    editing = st.session_state.get(editing_key)
    if editing in rows:
        progress_form(
            store, actor, commitment_id, sources,
            key=f"{key}_pu{editing}", outcome_key=outcome_key, existing=rows[editing],
            forget_on_save=(editing_key,),
        )  # fmt: skip
        st.button(
            "Stop editing",
            key=f"{key}_pu_stop",
            icon=":material/close:",
            on_click=lambda: forget(editing_key, f"{key}_pu{editing}_version"),
        )
        return
    progress_form(store, actor, commitment_id, sources, key=f"{key}_pu_new", outcome_key=outcome_key)


# -- history ------------------------------------------------------------------------------------------


def history_view(store: Store, actor: Actor, entity: str, record_id: int, *, key: str) -> None:
    """The change history of one record as people read it: a list of the changes, then each change with
    its fields before and after; 'restore this version' for the secretariat, after a confirmation that
    shows what the restore would change."""
    if not can(actor, UseCase.VIEW_HISTORY):
        return
    entries = cache.cached(history.readable_history, store, actor, entity, record_id)  # a click reads it once
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
    current = cache.cached(history.current_version, store, actor, entity, record_id)
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
    gone = cache.cached(history.deleted_records, store, actor, entity, commitment_id=commitment_id)
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
