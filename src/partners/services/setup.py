"""Set-up use cases: open the store, load the reference data files into it, load and remove demo data.

The UI opens its store here (``open_store``, ``default_db_path`` and the ``Store`` port are re-exported
from ``partners.storage``), so nothing above the services imports the storage layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from partners import reference
from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.services import audit
from partners.services.bulk import Dataset, LoadResult, load_parts
from partners.storage import default_db_path, open_store
from partners.storage.errors import StorageError
from partners.storage.port import Store

__all__ = [
    "DEMO_META_KEY",
    "DemoRefused",
    "ReferenceResult",
    "Store",
    "default_db_path",
    "demo_description",
    "has_reference",
    "holds_demo",
    "holds_real_records",
    "load_demo",
    "load_reference",
    "open_store",
    "remove_demo",
]


@dataclass(frozen=True)
class ReferenceResult:
    countries: int
    frameworks: int
    items: int
    phases: int
    crosswalks: int = 0


def load_reference(store: Store, actor: Actor) -> ReferenceResult:
    """Load (or reload) countries, frameworks, crosswalks and maturity phases from ``data/``. Idempotent.

    Country membership is kept: it is the alliance's data, not reference data.
    """
    authorize(actor, UseCase.MANAGE_REFERENCE)
    countries = reference.countries()
    frameworks = reference.frameworks()
    phases = reference.maturity_phases()
    crosswalks = reference.crosswalks()
    items = 0
    with store.transaction():
        store.upsert_countries(countries.values())
        for ordinal, fw in enumerate(frameworks, start=1):
            before = store.get_framework_row(fw.id)
            store.upsert_framework(fw, ordinal)
            for it in fw.items:
                store.upsert_framework_item(fw, it)
                items += 1
            audit.record(
                store, actor, "update" if before else "create", "framework", fw.id,
                before, {"version": fw.version, "items": len(fw.items), "source": fw.source_url},
            )
        for cw in crosswalks:
            store.replace_crosswalk(cw)
            audit.record(
                store, actor, "reload", "crosswalk", f"{cw.from_framework}->{cw.to_framework}",
                after={"rows": len(cw.rows)},
            )
        for ph in phases:
            store.upsert_maturity_phase(ph)
        audit.record(
            store, actor, "reload", "reference", "countries",
            after={"countries": len(countries), "maturity_phases": len(phases)},
        )
    return ReferenceResult(len(countries), len(frameworks), items, len(phases), len(crosswalks))


def has_reference(store: Store) -> bool:
    return store.count("frameworks") > 0 and store.count("countries") > 0


# -- demo data -----------------------------------------------------------------------------------

DEMO_META_KEY = "demo_generated"


def holds_demo(store: Store) -> bool:
    """Whether the store holds demo records (every page then says so)."""
    return store.meta(DEMO_META_KEY) is not None


def demo_description(store: Store, actor: Actor) -> str | None:
    """What the demo data in this store is ("N partners ...; generated T"), or None for real records only.

    Every visitor is told when what they see is demo data, so this asks only ``VIEW_PUBLIC``.
    """
    authorize(actor, UseCase.VIEW_PUBLIC)
    return store.meta(DEMO_META_KEY)


def holds_real_records(store: Store) -> bool:
    """Whether any real (non-demo) record exists, real membership included."""
    return store.has_real_records(count_membership=not holds_demo(store))


class DemoRefused(RuntimeError):
    pass


def load_demo(
    store: Store, actor: Actor, dataset: Dataset | Iterable[Dataset], *, description: str
) -> LoadResult:
    """Replace the demo data with a generated dataset, whole or in parts (``demo.generator.generate_parts``).
    Refused where real records exist: demo data is never mixed in.

    Each part is written in its own transaction, so that a large scale never weighs on memory at once. The
    store is flagged as holding demo data before the first part, so every page says so even of a load
    still under way or interrupted; a load that fails removes what it wrote, and an interrupted one is
    replaced by the next ``load_demo``.
    """
    authorize(actor, UseCase.MANAGE_DEMO)
    if holds_real_records(store):
        raise DemoRefused(
            "this database holds real records; demo data is never mixed with them. "
            "Use a separate database (set PARTNERS_DB) for the demo."
        )
    with store.transaction():
        remove_demo(store, actor)
        store.set_meta(DEMO_META_KEY, f"{description}; loading, not complete yet")
    try:
        result = load_parts(store, actor, [dataset] if isinstance(dataset, Dataset) else dataset, atomic=False)
    except BaseException:
        with contextlib.suppress(StorageError):  # if even that fails, the flag stays for the next load
            remove_demo(store, actor)
        raise
    with store.transaction():
        store.set_meta(DEMO_META_KEY, f"{description}; generated {datetime.now():%Y-%m-%d %H:%M}")
    return result


def remove_demo(store: Store, actor: Actor) -> int:
    """Delete every demo record (and the demo flag). Returns how many records went."""
    authorize(actor, UseCase.MANAGE_DEMO)
    with store.transaction():
        # Demo membership goes with the demo; real membership is never touched.
        removed = store.delete_demo_records(reset_membership=holds_demo(store))
        store.delete_meta(DEMO_META_KEY)
        if removed:
            audit.record(store, actor, "delete", "demo", "all", before={"records": removed})
    return removed
