"""Read use cases: every view asks through here, so what a person sees is decided by the permission table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain.figures import HEADLINE_DEFINITIONS
from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.domain.scope import CommitmentFilter
from partners.services.errors import NotFound
from partners.services.records import get_commitment
from partners.services.settings import reporting_cycle_months
from partners.services.visibility import may_see, require_visible, view_scope  # noqa: F401 - re-exported
from partners.storage.port import Store


def headline_definitions(store: Store, actor: Actor) -> dict[str, str]:
    """What each headline figure counts, in words, with the current reporting cycle filled in."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    months = reporting_cycle_months(store)
    return {key: text.format(months=months) for key, text in HEADLINE_DEFINITIONS.items()}


def headline(store: Store, actor: Actor, *, now: datetime | None = None) -> dict[str, int]:
    return store.headline(view_scope(actor, now, store))


def breakdown(store: Store, actor: Actor, by: str, *, now: datetime | None = None) -> pd.DataFrame:
    return store.breakdown(view_scope(actor, now, store), by)


def commitments_per_country(store: Store, actor: Actor, *, now: datetime | None = None) -> pd.DataFrame:
    return store.commitments_per_country(view_scope(actor, now, store))


def find_commitments(
    store: Store, actor: Actor, flt: CommitmentFilter | None = None, *, now: datetime | None = None
) -> pd.DataFrame:
    return store.commitments(view_scope(actor, now, store), flt)


def count_commitments(
    store: Store, actor: Actor, flt: CommitmentFilter | None = None, *, now: datetime | None = None
) -> dict[str, int]:
    """How many commitments the actor may see match the filter (``commitments``), ``withdrawn`` among them."""
    return store.count_commitments(view_scope(actor, now, store), flt)


def commitment_detail(
    store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """One commitment with its links and progress history, if the actor may see it."""
    require_visible(store, actor, commitment_id, now=now)
    detail = get_commitment(store, commitment_id)
    detail["progress"] = store.progress_updates(commitment_id)
    return detail


def country_profile(store: Store, actor: Actor, code: str, *, now: datetime | None = None) -> dict[str, Any]:
    """A country's facts, the commitments that name it, and the capability assessments the actor may see."""
    scope = view_scope(actor, now, store)
    facts = store.country(code)
    if facts is None:
        raise NotFound(f"there is no country with code {code}")
    return {
        "country": facts,
        "commitments": store.commitments(scope, CommitmentFilter(countries=(code,))),
        "assessments": store.assessments(scope, code),
    }


def framework_items_with_counts(
    store: Store, actor: Actor, framework_id: str, *, now: datetime | None = None
) -> pd.DataFrame:
    return store.item_counts(view_scope(actor, now, store), framework_id)


def commitments_for_item(
    store: Store, actor: Actor, item_key: str, *, limit: int | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """The commitments linked to a framework item, newest first (``limit``: only that many)."""
    return store.commitments(view_scope(actor, now, store), CommitmentFilter(item_keys=(item_key,), limit=limit))


def history(store: Store, actor: Actor, entity: str, entity_id: int | str) -> list[dict[str, Any]]:
    authorize(actor, UseCase.VIEW_HISTORY)
    return store.history(entity, entity_id)
