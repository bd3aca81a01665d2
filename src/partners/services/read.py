"""Read use cases: every view asks through here, so what a person sees is decided by the permission table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain.model import Actor
from partners.domain.permissions import Scope, UseCase, authorize, scope_of
from partners.domain.scope import REPORTING_CYCLE_MONTHS, CommitmentFilter, ViewScope
from partners.services.records import NotFound, get_commitment
from partners.storage.duckdb import queries
from partners.storage.duckdb.store import Store


def view_scope(actor: Actor, now: datetime | None = None, store: Store | None = None) -> ViewScope:
    """Translate the permission table into what this actor may see."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    private = scope_of(actor, UseCase.VIEW_PRIVATE)
    assess = scope_of(actor, UseCase.VIEW_ASSESSMENTS)
    return ViewScope(
        everything=private is Scope.ALL,
        members=scope_of(actor, UseCase.VIEW_MEMBERS) is not None,
        countries=actor.countries if private is Scope.OWN_COUNTRIES else frozenset(),
        partners=actor.partners if private is Scope.OWN_PARTNERS else frozenset(),
        assessments_all=assess is Scope.ALL,
        assessment_countries=actor.countries if assess is Scope.OWN_COUNTRIES else frozenset(),
        now=now or datetime.now(),
        reporting_cycle_months=reporting_cycle_months(store) if store is not None else REPORTING_CYCLE_MONTHS,
    )


def reporting_cycle_months(store: Store) -> int:
    """The reporting cycle the admins set (see the Worklist page); 12 months by default."""
    from partners.services.worklist import reporting_cycle_months as stored_cycle  # avoids an import cycle

    return stored_cycle(store)


def headline_definitions(store: Store) -> dict[str, str]:
    """What each headline figure counts, in words, with the current reporting cycle filled in."""
    months = reporting_cycle_months(store)
    return {key: text.format(months=months) for key, text in queries.HEADLINE_DEFINITIONS.items()}


def headline(store: Store, actor: Actor) -> dict[str, int]:
    return queries.headline(store, view_scope(actor, store=store))


def breakdown(store: Store, actor: Actor, by: str) -> pd.DataFrame:
    return queries.breakdown(store, view_scope(actor, store=store), by)


def commitments_per_country(store: Store, actor: Actor) -> pd.DataFrame:
    return queries.commitments_per_country(store, view_scope(actor, store=store))


def find_commitments(store: Store, actor: Actor, flt: CommitmentFilter | None = None) -> pd.DataFrame:
    return queries.commitments(store, view_scope(actor, store=store), flt)


def commitment_detail(store: Store, actor: Actor, commitment_id: int) -> dict[str, Any]:
    """One commitment with its links and progress history, if the actor may see it."""
    only_this = CommitmentFilter(ids=(commitment_id,))
    if queries.commitments(store, view_scope(actor, store=store), only_this).empty:
        raise NotFound(f"there is no commitment {commitment_id} that you can see")
    detail = get_commitment(store, commitment_id)
    detail["progress"] = queries.progress_updates(store, commitment_id)
    return detail


def country_profile(store: Store, actor: Actor, code: str) -> dict[str, Any]:
    """A country's facts, the commitments that name it, and the capability assessments the actor may see."""
    scope = view_scope(actor, store=store)
    facts = queries.country(store, code)
    if facts is None:
        raise NotFound(f"there is no country with code {code}")
    return {
        "country": facts,
        "commitments": queries.commitments(store, scope, CommitmentFilter(countries=(code,))),
        "assessments": queries.assessments(store, scope, code),
    }


def framework_items_with_counts(store: Store, actor: Actor, framework_id: str) -> pd.DataFrame:
    return queries.item_counts(store, view_scope(actor, store=store), framework_id)


def commitments_for_item(store: Store, actor: Actor, item_key: str) -> pd.DataFrame:
    return queries.commitments(store, view_scope(actor, store=store), CommitmentFilter(item_keys=(item_key,)))


def history(store: Store, actor: Actor, entity: str, entity_id: int | str) -> list[dict[str, Any]]:
    authorize(actor, UseCase.VIEW_HISTORY)
    return store.history(entity, entity_id)
