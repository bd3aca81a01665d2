"""The commitment page's view model: one call gathers everything the page about one commitment shows.

The page (``partners.pages.commitment``) then only lays it out. Every read here is the actor's: the
commitment must be visible to them (``NotFound`` otherwise), and what they may do with it comes from the
permission table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain import smart
from partners.domain.model import Actor, ReportSource, ReviewState, Visibility
from partners.domain.permissions import UseCase, can
from partners.services import lookups, read, workflow
from partners.storage.port import Store


@dataclass(frozen=True)
class CommitmentPage:
    """What the page of one commitment shows, and what the actor may do there."""

    id: int
    detail: dict[str, Any]  # the stored commitment with its links (the edit form starts from it)
    version: int
    title: str
    review_state: ReviewState
    visibility: Visibility
    smart_level: str  # "4 of 5: nearly SMART"
    embargo_until: datetime | None
    is_demo: bool
    fields: dict[str, str]  # the details table: field -> value in words
    smart_hints: list[str]
    last_review: dict[str, Any] | None  # the latest workflow move (for those who may see the history)
    moves: list[workflow.Transition]  # the workflow moves the actor may make now
    comparison: dict[str, Any]  # latest self-reported and verified statuses side by side
    progress: pd.DataFrame  # progress updates, newest first
    progress_sources: list[ReportSource]  # the sources the actor may record progress as
    editable: bool
    may_view_history: bool
    may_delete: bool


def _date(value: Any) -> str:
    return "" if value is None else f"{value:%d %b %Y}"


def _number(value: Any) -> str:
    return "" if value is None else f"{value:g}"


def _fields(store: Store, actor: Actor, detail: dict[str, Any]) -> dict[str, str]:
    partner_names = lookups.partner_names(store, actor)
    country_names = lookups.country_names(store, actor)
    items = lookups.framework_items(store, actor).set_index("key")
    partners = [
        f"{partner_names.get(p['partner_id'], p['partner_id'])}" + (" (lead)" if p["role"] == "lead" else "")
        for p in detail["partners"]
    ]
    countries = ["Global"] if detail["is_global"] else [country_names.get(c, c) for c in detail["countries"]]
    linked = [
        f"{items.loc[k, 'framework']}: {items.loc[k, 'code']} {items.loc[k, 'name']}" if k in items.index else k
        for k in detail["framework_items"]
    ]
    budget = "" if detail["budget"] is None else f"{detail['budget']:,.2f} {detail['currency'] or ''}".strip()
    rows = {
        "Partners": "; ".join(partners),
        "Countries": "; ".join(countries),
        "Framework links": "; ".join(linked) or "none",
        "Description": detail["description"],
        "Deliverable": detail["deliverable"],
        "Indicator": detail["indicator"],
        "Unit": detail["unit"],
        "Baseline": _number(detail["baseline"]),
        "Target value": _number(detail["target_value"]),
        "Start date": _date(detail["start_date"]),
        "Deadline": _date(detail["deadline"]),
        "Budget": budget,
    }
    return {field: str(value) for field, value in rows.items()}


def commitment_page(
    store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None
) -> CommitmentPage:
    """Everything the page of one commitment shows. NotFound unless the actor may see the commitment."""
    detail = read.commitment_detail(store, actor, commitment_id, now=now)
    history_allowed = can(actor, UseCase.VIEW_HISTORY)
    partner_ids = [p["partner_id"] for p in detail["partners"]]
    sources = [
        source
        for source, use_case in (
            (ReportSource.SELF_REPORTED, UseCase.RECORD_PROGRESS),
            (ReportSource.VERIFIED, UseCase.VERIFY_PROGRESS),
        )
        if can(actor, use_case, countries=detail["countries"], partners=partner_ids)
    ]
    return CommitmentPage(
        id=commitment_id,
        detail=detail,
        version=int(detail["version"]),
        title=detail["title"],
        review_state=ReviewState(detail["review_state"]),
        visibility=Visibility(detail["visibility"]),
        smart_level=smart.level_label(detail["smart_level"]),
        embargo_until=detail["embargo_until"],
        is_demo=bool(detail["is_demo"]),
        fields=_fields(store, actor, detail),
        smart_hints=[h.message for h in smart.hints(detail)],
        last_review=workflow.last_state_change(store, actor, commitment_id) if history_allowed else None,
        moves=workflow.available(actor, detail),
        comparison=workflow.status_comparison(store, actor, commitment_id, now=now),
        progress=workflow.progress_updates(store, actor, commitment_id, now=now),
        progress_sources=sources,
        editable=can(actor, UseCase.EDIT_COMMITMENT, countries=detail["countries"] or None),
        may_view_history=history_allowed,
        may_delete=can(actor, UseCase.DELETE_RECORD),
    )
