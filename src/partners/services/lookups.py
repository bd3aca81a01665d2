"""Pick-lists and reference tables for the pages: partners, events, countries, frameworks, maturity phases.

These are the names every form and filter offers. Partners, events and the reference data are public
(the public filters commitments by them), so each read asks for ``VIEW_PUBLIC``; what is private is the
commitments and assessments, which ``partners.services.read`` scopes to the actor.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.storage.port import Store


def countries(store: Store, actor: Actor) -> pd.DataFrame:
    """Every country (code, name, region, membership), by name."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.countries()


def country_names(store: Store, actor: Actor) -> dict[str, str]:
    """Country code -> name, by name."""
    found = countries(store, actor)
    return dict(zip(found.code, found.name, strict=True))


def countries_members_first(store: Store, actor: Actor) -> list[str]:
    """Country codes with the Alliance's member countries first, each group by name."""
    found = countries(store, actor)
    return list(found.sort_values(["member", "name"], ascending=[False, True]).code)


def partners(store: Store, actor: Actor) -> pd.DataFrame:
    """Every live partner, by name."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.partners()


def partner_names(store: Store, actor: Actor) -> dict[int, str]:
    """Partner id -> name, by name."""
    found = partners(store, actor)
    return dict(zip(found.id.astype(int), found.name, strict=True))


def names_of_partners(store: Store, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """Partner id -> name for these live partners only (a record's few, not every partner's)."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.partner_names(ids)


def events(store: Store, actor: Actor) -> pd.DataFrame:
    """Every live summit, plan or other event, newest first."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.events()


def frameworks(store: Store, actor: Actor) -> pd.DataFrame:
    """The reference frameworks in their order, with their item counts and sources."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.frameworks()


def framework_items(store: Store, actor: Actor) -> pd.DataFrame:
    """Every framework item (goal, target, capability...) with its framework's name, in framework order."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.framework_items()


def framework_item_labels(store: Store, actor: Actor) -> dict[str, str]:
    """Framework item key -> "framework: code name"."""
    items = framework_items(store, actor)
    return {
        k: f"{f}: {c} {n}" for k, f, c, n in zip(items.key, items.framework, items.code, items.name, strict=True)
    }


def maturity_phases(store: Store, actor: Actor) -> pd.DataFrame:
    """The Model National Response maturity phases (phase, label, description, verified)."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.maturity_phases()
