"""What an actor may see: the view scope built from the permission table, and the one question every
write on a commitment asks first ("may this actor see it?"). Writing needs at least the right to read.

The rule itself is the store's (``Store.is_visible`` and every read query apply the ``ViewScope``):
nothing here re-derives it.
"""

from __future__ import annotations

from datetime import datetime

from partners.domain.model import PUBLIC_VIEWER, Actor
from partners.domain.permissions import Scope, UseCase, authorize, scope_of
from partners.domain.scope import REPORTING_CYCLE_MONTHS, ViewScope
from partners.services.errors import NotFound
from partners.services.settings import reporting_cycle_months
from partners.storage.port import Store


def view_scope(
    actor: Actor, now: datetime | None = None, store: Store | None = None, *, as_of: datetime | None = None
) -> ViewScope:
    """Translate the permission table into what this actor may see. ``as_of``: see the records as they
    stood at that moment (``ViewScope.as_of``), which is then also the scope's ``now``."""
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
        now=as_of or now or datetime.now(),
        reporting_cycle_months=reporting_cycle_months(store) if store is not None else REPORTING_CYCLE_MONTHS,
        as_of=as_of,
    )


def may_see(store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None) -> bool:
    """Whether ``actor`` may see this commitment: the one visibility rule (``Store.is_visible``) that every
    list, count, chart and export applies. Writing to a commitment needs at least this."""
    return store.is_visible(view_scope(actor, now=now), commitment_id)


def require_visible(store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None) -> None:
    """NotFound, worded as for a missing one, unless ``actor`` may see this commitment (``may_see``)."""
    if not may_see(store, actor, commitment_id, now=now):
        raise NotFound(f"there is no commitment {commitment_id} that you can see")


def shown_as(actor: Actor, public: bool) -> Actor:
    """The viewer a dashboard view is computed for: the public (``PUBLIC_VIEWER``) when ``public`` is on,
    whatever the person's own role, else the person. Switching the public view off never widens a scope:
    it only returns to what ``actor`` may see anyway."""
    return PUBLIC_VIEWER if public else actor
