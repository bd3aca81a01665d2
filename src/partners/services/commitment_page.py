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
from partners.services import history, read, workflow
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
    details: dict[str, Any]  # field -> value (typed, ids and codes as names), see DETAIL_FIELDS
    smart_hints: list[str]
    last_review: dict[str, Any] | None  # the latest workflow move (for those who may see the history)
    moves: list[workflow.Transition]  # the workflow moves the actor may make now
    comparison: dict[str, Any]  # latest self-reported and verified statuses side by side
    progress: pd.DataFrame  # progress updates, newest first
    progress_sources: list[ReportSource]  # the sources the actor may record progress as
    editable: bool
    may_view_history: bool
    may_delete: bool


#: The details the page shows, in this order (field names of ``domain.model.Commitment``).
DETAIL_FIELDS = (
    "partners",
    "countries",
    "event_id",
    "framework_items",
    "description",
    "deliverable",
    "indicator",
    "unit",
    "baseline",
    "target_value",
    "start_date",
    "deadline",
    "budget",
    "currency",
)


def _details(store: Store, actor: Actor, detail: dict[str, Any]) -> dict[str, Any]:
    """Each detail field's value, typed and named: partners as "name (role)", countries by name ("Global"
    for a global commitment), the event as its name and date, framework items by code and name; numbers
    as Decimals and dates as dates (the page writes them as people do)."""
    names = history.RecordNames(store, actor)
    values: dict[str, Any] = {}
    for field in DETAIL_FIELDS:
        value = history.typed_value("commitment", field, detail.get(field))
        if field == "countries" and detail["is_global"]:
            values[field] = ["Global"]
        else:
            values[field] = names.resolve(field, value)
    return values


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
        details=_details(store, actor, detail),
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
