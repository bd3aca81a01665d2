"""Set-up use cases: load the reference data files into the store, load and remove demo data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partners import reference
from partners.authz import UseCase, authorize
from partners.models import Actor
from partners.services.bulk import Dataset, LoadResult, load_dataset
from partners.storage import AuditEntry, Store, to_json


@dataclass(frozen=True)
class ReferenceResult:
    countries: int
    frameworks: int
    items: int
    phases: int


def load_reference(store: Store, actor: Actor) -> ReferenceResult:
    """Load (or reload) countries, frameworks and maturity phases from ``data/``. Idempotent.

    Country membership is kept: it is the alliance's data, not reference data.
    """
    authorize(actor, UseCase.MANAGE_REFERENCE)
    countries = reference.countries()
    frameworks = reference.frameworks()
    phases = reference.maturity_phases()
    cur = store.cur
    items = 0
    with store.transaction():
        for c in countries.values():
            cur.execute(
                "INSERT INTO countries (code, name, numeric, alpha2, region, subregion, global_north)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                " numeric = excluded.numeric, alpha2 = excluded.alpha2, region = excluded.region,"
                " subregion = excluded.subregion, global_north = excluded.global_north",
                [c.code, c.name, c.numeric, c.alpha2, c.region, c.subregion, c.global_north],
            )
        for ordinal, fw in enumerate(frameworks, start=1):
            before = store.query_rows("SELECT * FROM frameworks WHERE id = ?", [fw.id])
            cur.execute(
                "INSERT INTO frameworks (id, family, name, version, published, source_url, description,"
                " verified, ordinal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " family = excluded.family, name = excluded.name, version = excluded.version,"
                " published = excluded.published, source_url = excluded.source_url,"
                " description = excluded.description, verified = excluded.verified, ordinal = excluded.ordinal",
                [fw.id, fw.family, fw.name, fw.version, fw.published, fw.source_url, fw.description,
                 fw.verified, ordinal],
            )
            for it in fw.items:
                parent = f"{fw.id}:{it.parent_code}" if it.parent_code else None
                cur.execute(
                    "INSERT INTO framework_items (key, framework_id, code, kind, name, summary, ordinal,"
                    " parent_key, verified, source, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
                    " summary = excluded.summary, ordinal = excluded.ordinal, parent_key = excluded.parent_key,"
                    " verified = excluded.verified, source = excluded.source, extra = excluded.extra",
                    [it.key, fw.id, it.code, it.kind, it.name, it.summary, it.ordinal, parent,
                     it.verified, it.source or fw.source_url, to_json(it.extra)],
                )
                items += 1
            action = "update" if before else "create"
            store.audit(
                AuditEntry(actor.identity, actor.role.value, action, "framework", fw.id,
                           before[0] if before else None,
                           {"version": fw.version, "items": len(fw.items), "source": fw.source_url})
            )
        for ph in phases:
            cur.execute(
                "INSERT INTO maturity_phases (phase, label, description, verified) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (phase) DO UPDATE SET label = excluded.label,"
                " description = excluded.description, verified = excluded.verified",
                [ph.phase, ph.label, ph.description, ph.verified],
            )
        store.audit(
            AuditEntry(actor.identity, actor.role.value, "reload", "reference", "countries", None,
                       {"countries": len(countries), "maturity_phases": len(phases)})
        )
    return ReferenceResult(len(countries), len(frameworks), items, len(phases))


def has_reference(store: Store) -> bool:
    return store.count("frameworks") > 0 and store.count("countries") > 0


# -- demo data -----------------------------------------------------------------------------------

DEMO_META_KEY = "demo_generated"


def holds_demo(store: Store) -> bool:
    """Whether the store holds demo records (every page then says so)."""
    return store.meta(DEMO_META_KEY) is not None


def holds_real_records(store: Store) -> bool:
    """Whether any real (non-demo) record exists, real membership included."""
    return bool(
        store.scalar("SELECT count(*) FROM commitments WHERE NOT is_demo")
        or store.scalar("SELECT count(*) FROM partners WHERE NOT is_demo")
        or (not holds_demo(store) and store.scalar("SELECT count(*) FROM countries WHERE member"))
    )


class DemoRefused(RuntimeError):
    pass


def load_demo(store: Store, actor: Actor, dataset: Dataset, *, description: str) -> LoadResult:
    """Load a generated demo dataset. Refused where real records exist: demo data is never mixed in."""
    authorize(actor, UseCase.MANAGE_DEMO)
    if holds_real_records(store):
        raise DemoRefused(
            "this database holds real records; demo data is never mixed with them. "
            "Use a separate database (set PARTNERS_DB) for the demo."
        )
    with store.transaction():
        remove_demo(store, actor)
        result = load_dataset(store, actor, dataset)
        store.set_meta(DEMO_META_KEY, f"{description}; generated {datetime.now():%Y-%m-%d %H:%M}")
    return result


def remove_demo(store: Store, actor: Actor) -> int:
    """Delete every demo record (and the demo flag). Returns how many records went."""
    authorize(actor, UseCase.MANAGE_DEMO)
    cur = store.cur
    removed = 0
    with store.transaction():
        demo_commitments = "SELECT id FROM commitments WHERE is_demo"
        for table in ("commitment_partners", "commitment_countries", "commitment_items"):
            cur.execute(f"DELETE FROM {table} WHERE commitment_id IN ({demo_commitments})")
        for table in ("progress_updates", "capability_assessments", "commitments", "events", "partners"):
            removed += cur.execute(f"DELETE FROM {table} WHERE is_demo RETURNING 1").fetchall().__len__()
        if holds_demo(store):  # demo membership goes with the demo; real membership is never touched
            cur.execute("UPDATE countries SET member = false, member_since = NULL WHERE member")
        cur.execute("DELETE FROM dataset_meta WHERE key = ?", [DEMO_META_KEY])
        if removed:
            store.audit(AuditEntry(actor.identity, actor.role.value, "delete", "demo", "all", {"records": removed}))
    return removed
