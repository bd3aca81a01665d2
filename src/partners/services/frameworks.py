"""Frameworks at run time, read from the database: the current version of a family, its items, the
check of item keys on write, and the crosswalk that shows records made against an older version on the
current one.

The database is loaded from ``data/frameworks`` and ``data/crosswalks`` by ``services.setup``; the rule
for which version is current is :func:`partners.domain.frameworks.current_version` (the newest
``published`` version of the family whose file does not say ``current: false``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from partners.domain.frameworks import (
    Crosswalk,
    CrosswalkKind,
    CrosswalkRow,
    Mapping,
    capability_order,
    current_version,
    map_key,
)
from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.reference import MNR_FAMILY
from partners.storage.port import Store

__all__ = [
    "MNR_FAMILY",
    "FrameworkVersion",
    "capabilities",
    "capability_labels",
    "crosswalk_note",
    "crosswalks",
    "current_framework",
    "current_ids",
    "is_capability",
    "map_to_current",
    "picker_items",
    "unknown_item_keys",
    "version_note",
    "versions",
]


@dataclass(frozen=True)
class FrameworkVersion:
    id: str
    family: str
    name: str
    version: str
    published: date | None
    current: bool  # False: its file says ``current: false`` (never the family's current version)
    ordinal: int = 0

    @property
    def label(self) -> str:
        """Short name for captions, e.g. "MNR 2016"."""
        return f"{self.family} {self.version}"


def versions(store: Store) -> list[FrameworkVersion]:
    """Every framework version in the database, in the order frameworks are listed."""
    return [FrameworkVersion(**row) for row in store.framework_versions()]


def current_framework(store: Store, family: str = MNR_FAMILY) -> FrameworkVersion | None:
    """The current version of a family (e.g. the current MNR), or None when none is loaded."""
    return current_version(versions(store), family)


def current_ids(store: Store) -> set[str]:
    """The id of the current version of every family."""
    all_versions = versions(store)
    found = (current_version(all_versions, family) for family in {v.family for v in all_versions})
    return {v.id for v in found if v is not None}


def capabilities(store: Store, framework_id: str | None = None) -> pd.DataFrame:
    """The capabilities of an MNR version (default: the current one) in their public numbering, with
    the name of their domain: key, code, name, domain."""
    if framework_id is None:
        current = current_framework(store, MNR_FAMILY)
        framework_id = current.id if current else ""
    items = store.framework_items()
    names = dict(zip(items.key, items.name, strict=True))
    caps = items[(items.framework_id == framework_id) & (items.kind == "capability")].copy()
    caps["domain"] = [names.get(p, "") if isinstance(p, str) else "" for p in caps.parent_key]
    caps["_order"] = [capability_order(c, i) for c, i in zip(caps.code, range(len(caps)), strict=True)]
    return caps.sort_values("_order")[["key", "code", "name", "domain"]].reset_index(drop=True)


def capability_labels(store: Store, actor: Actor) -> dict[str, str]:
    """The current MNR's capabilities as picker labels: key -> "4 · Dedicated law enforcement (Criminal justice)".

    Frameworks are public reference data: any visitor may read them."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    caps = capabilities(store)
    return {r.key: f"{r.code} · {r.name} ({r.domain})" for r in caps.itertuples()}


def picker_items(store: Store, actor: Actor, selected: Iterable[str] = ()) -> pd.DataFrame:
    """The items a commitment can be linked to: those of each family's current version, plus any item
    of an older version that is already ``selected`` (an existing link keeps its key). Columns as
    ``store.framework_items()``. Public reference data: any visitor may read it."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    items = store.framework_items()
    keep = items.framework_id.isin(current_ids(store)) | items.key.isin(set(selected))
    return items[keep].reset_index(drop=True)


# -- checks on write (forms, the importer and bulk loads all use these) ------------------------------


def unknown_item_keys(store: Store, keys: Iterable[str]) -> list[str]:
    """The keys, in the order given, that are not framework items in the database."""
    wanted = list(dict.fromkeys(keys))
    known = store.existing_keys("framework_items", "key", wanted) if wanted else set()
    return [k for k in wanted if k not in known]


def is_capability(store: Store, key: str) -> bool:
    """Whether ``key`` is an MNR capability of any version in the database (an assessment keeps the key
    of the version it was made against)."""
    item = store.framework_item(key) if isinstance(key, str) else None
    return item is not None and item["kind"] == "capability"


# -- crosswalks ---------------------------------------------------------------------------------------


def crosswalks(store: Store) -> list[Crosswalk]:
    """Every crosswalk in the database."""
    grouped: dict[tuple[str, str], list[CrosswalkRow]] = {}
    for r in store.crosswalk_rows():
        grouped.setdefault((r["from_framework"], r["to_framework"]), []).append(
            CrosswalkRow(tuple(r["from_keys"]), tuple(r["to_keys"]), CrosswalkKind(r["kind"]), r["note"])
        )
    return [Crosswalk(old, new, tuple(rows)) for (old, new), rows in grouped.items()]


def map_to_current(store: Store, keys: Iterable[str]) -> dict[str, Mapping | None]:
    """Where each recorded key lands on the current version of its family, through the crosswalks.

    A key of the current version maps to itself; None: no crosswalk leads from its version to the
    current one (or its framework is unknown).
    """
    all_versions = versions(store)
    family_of = {v.id: v.family for v in all_versions}
    walks = crosswalks(store)
    out: dict[str, Mapping | None] = {}
    for key in dict.fromkeys(keys):
        family = family_of.get(key.partition(":")[0])
        current = current_version(all_versions, family) if family else None
        out[key] = map_key(key, current.id, walks) if current else None
    return out


def crosswalk_note(store: Store, mapping: Mapping | None) -> str:
    """Say how a record made against another version is shown on the current one ("" when it was made
    against the current version), e.g. "Shown on MNR 2022 through the crosswalk from MNR 2016 (merged)"."""
    if mapping is None or not mapping.through_crosswalk:
        return ""
    labels = {v.id: v.label for v in versions(store)}
    on, made = labels.get(mapping.target_framework, mapping.target_framework), labels.get(mapping.path[0])
    kind = mapping.kind
    if kind is None:
        return f"Made against {made}; the crosswalk to {on} does not list it."
    if kind is CrosswalkKind.RETIRED:
        return f"Made against {made}; retired in {on} (no counterpart)."
    return f"Shown on {on} through the crosswalk from {made} ({kind.label.lower()})."


def version_note(store: Store, actor: Actor, keys: Iterable[str]) -> str:
    """One sentence for a list of records keyed by item (e.g. a country's assessments): "" when all were
    made against the current version; otherwise how many were made against an older one, that they keep
    their keys, and where each lands on the current version through the crosswalk."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    mappings = {k: m for k, m in map_to_current(store, keys).items() if m is None or m.through_crosswalk}
    if not mappings:
        return ""
    labels = {v.id: v.label for v in versions(store)}
    code = lambda key: key.partition(":")[2]  # noqa: E731 - local shorthand
    made = sorted({labels.get(k.partition(":")[0], k.partition(":")[0]) for k in mappings})
    parts = []
    current = ""
    for key, m in mappings.items():
        if m is None:
            parts.append(f"{code(key)} has no crosswalk")
            continue
        current = labels.get(m.target_framework, m.target_framework)
        if m.kind is None:
            parts.append(f"{code(key)} is not in the crosswalk")
        elif not m.targets:
            parts.append(f"{code(key)} retired")
        else:
            parts.append(f"{code(key)} → {', '.join(code(t) for t in m.targets)} ({m.kind.label.lower()})")
    on = f"shown on {current} through the crosswalk" if current else "no crosswalk leads to the current version"
    return (
        f"Made against {' and '.join(made)} (their items are kept as recorded); {on}: {'; '.join(parts)}."
    )
