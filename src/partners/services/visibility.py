"""What an actor may see: the view scope built from the permission table, and the one question every
write on a commitment asks first ("may this actor see it?"). Writing needs at least the right to read.

The rule itself is the store's (``Store.commitments`` applies the ``ViewScope``): nothing here re-derives it.
"""

from __future__ import annotations

from datetime import datetime

from partners.domain.model import Actor
from partners.domain.permissions import Scope, UseCase, authorize, scope_of
from partners.domain.scope import REPORTING_CYCLE_MONTHS, CommitmentFilter, ViewScope
from partners.services.settings import reporting_cycle_months
from partners.storage.port import Store


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


def can_see_commitment(store: Store, actor: Actor, commitment_id: int) -> bool:
    """Whether the commitment is among those the actor's view scope shows (the reads' own rule)."""
    scope = view_scope(actor, store=store)
    if scope.everything:
        # ``ViewScope.everything`` means every live record (the secretariat): no need for the list query,
        # which costs ~20 ms, once per row of an imported progress sheet.
        return store.get_row("commitment", commitment_id) is not None
    only_this = CommitmentFilter(ids=(commitment_id,))
    return not store.commitments(scope, only_this).empty
