"""Reference data rows (countries, frameworks, maturity phases) and the demo flag: part of ``DuckDBStore``."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pyarrow as pa

from partners.storage.duckdb import history, status
from partners.storage.duckdb.database import to_json, writes


class ReferenceRows:
    """Mixed into ``DuckDBStore``."""

    cur: duckdb.DuckDBPyConnection
    db: Any  # the store's Database

    @writes
    def upsert_country(self, c: Any) -> None:
        """Insert or refresh a country's reference facts; membership (the alliance's data) is kept."""
        self.upsert_countries([c])

    @writes
    def upsert_countries(self, countries: Iterable[Any]) -> None:
        """``upsert_country`` for many: one statement for the rows and one history sync for all of them."""
        rows = {c.code: c for c in countries}  # a code given twice: the last one, as one call each would
        if not rows:
            return
        codes = list(rows)
        named = dict(self.cur.execute(
            "SELECT code, name FROM countries WHERE code IN (SELECT unnest(?))", [codes]
        ).fetchall())  # fmt: skip
        given = pa.table({
            "code": codes,
            "name": [c.name for c in rows.values()],
            "numeric": pa.array([c.numeric for c in rows.values()], pa.string()),
            "alpha2": pa.array([c.alpha2 for c in rows.values()], pa.string()),
            "region": [c.region for c in rows.values()],
            "subregion": pa.array([c.subregion for c in rows.values()], pa.string()),
            "global_north": pa.array([c.global_north for c in rows.values()], pa.bool_()),
        })  # fmt: skip
        name = f"_countries_{threading.get_ident()}"
        self.cur.register(name, given)
        try:
            self.cur.execute(
                "INSERT INTO countries (code, name, numeric, alpha2, region, subregion, global_north)"  # noqa: S608
                f" SELECT code, name, numeric, alpha2, region, subregion, global_north FROM {name}"
                " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                " numeric = excluded.numeric, alpha2 = excluded.alpha2, region = excluded.region,"
                " subregion = excluded.subregion, global_north = excluded.global_north"
            )
        finally:
            self.cur.unregister(name)
        history.sync(self.cur, "countries", self.db.now(), history.by_id("code"), {"ids": codes}, made=True)
        for code, c in rows.items():
            if code in named and named[code] != c.name:  # renamed: the lists that name it
                status.refresh_names(self.cur, status.commitments_naming(self.cur, country=code))

    def get_framework_row(self, framework_id: str) -> dict[str, Any] | None:
        rows = self.query_rows("SELECT * FROM frameworks WHERE id = ?", [framework_id])
        return rows[0] if rows else None

    @writes
    def upsert_framework(self, fw: Any, ordinal: int) -> None:
        self.cur.execute(
            "INSERT INTO frameworks (id, family, name, version, published, source_url, description,"
            " verified, ordinal, current_eligible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id)"
            " DO UPDATE SET family = excluded.family, name = excluded.name, version = excluded.version,"
            " published = excluded.published, source_url = excluded.source_url,"
            " description = excluded.description, verified = excluded.verified, ordinal = excluded.ordinal,"
            " current_eligible = excluded.current_eligible",
            [fw.id, fw.family, fw.name, fw.version, fw.published, fw.source_url, fw.description,
             fw.verified, ordinal, fw.current],
        )

    @writes
    def replace_crosswalk(self, cw: Any) -> None:
        """Store a crosswalk (``domain.frameworks.Crosswalk``), replacing the rows of the same pair."""
        self.cur.execute(
            "DELETE FROM framework_crosswalk WHERE from_framework = ? AND to_framework = ?",
            [cw.from_framework, cw.to_framework],
        )
        for row_no, row in enumerate(cw.rows, start=1):
            self.cur.execute(
                "INSERT INTO framework_crosswalk (from_framework, to_framework, row_no, kind, from_keys,"
                " to_keys, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [cw.from_framework, cw.to_framework, row_no, row.kind.value, list(row.from_keys),
                 list(row.to_keys), row.note],
            )

    @writes
    def upsert_framework_item(self, fw: Any, it: Any) -> None:
        parent = f"{fw.id}:{it.parent_code}" if it.parent_code else None
        self.cur.execute(
            "INSERT INTO framework_items (key, framework_id, code, kind, name, summary, ordinal,"
            " parent_key, verified, source, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
            " summary = excluded.summary, ordinal = excluded.ordinal, parent_key = excluded.parent_key,"
            " verified = excluded.verified, source = excluded.source, extra = excluded.extra",
            [it.key, fw.id, it.code, it.kind, it.name, it.summary, it.ordinal, parent,
             it.verified, it.source or fw.source_url, to_json(it.extra)],
        )

    @writes
    def upsert_maturity_phase(self, ph: Any) -> None:
        self.cur.execute(
            "INSERT INTO maturity_phases (phase, label, description, verified) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (phase) DO UPDATE SET label = excluded.label,"
            " description = excluded.description, verified = excluded.verified",
            [ph.phase, ph.label, ph.description, ph.verified],
        )

    @writes
    def delete_demo_records(self, *, reset_membership: bool) -> int:
        """Delete every record flagged as demo (links first); returns how many records went."""
        cur = self.cur
        demo_commitments = "SELECT id FROM commitments WHERE is_demo"
        for table in ("commitment_partners", "commitment_countries", "commitment_items"):
            cur.execute(f"DELETE FROM {table} WHERE commitment_id IN ({demo_commitments})")  # noqa: S608
        # the demo's sign-offs (holding demo assessments only) and their copies go with the demo
        cur.execute(
            "DELETE FROM signed_assessments WHERE signoff_id IN (SELECT id FROM scorecard_signoffs WHERE is_demo)"
        )
        cur.execute("DELETE FROM scorecard_signoffs WHERE is_demo")
        cur.execute("DELETE FROM snapshots WHERE is_demo")  # frozen from the demo's figures
        removed = 0
        for table in ("progress_updates", "capability_assessments", "assessment_rounds", "commitments", "events",
                      "partners"):
            removed += len(cur.execute(f"DELETE FROM {table} WHERE is_demo RETURNING 1").fetchall())  # noqa: S608
        if reset_membership:
            cur.execute("UPDATE countries SET member = false, member_since = NULL WHERE member")
        history.sync_all(cur, self.db.now())  # every version of a deleted record closes now
        status.rebuild(cur)
        return removed

    def has_real_records(self, *, count_membership: bool) -> bool:
        """Whether any record not flagged as demo exists (and, if asked, any country membership)."""
        return bool(
            self.scalar("SELECT count(*) FROM commitments WHERE NOT is_demo")
            or self.scalar("SELECT count(*) FROM partners WHERE NOT is_demo")
            or (count_membership and self.scalar("SELECT count(*) FROM countries WHERE member"))
        )

    @writes
    def set_membership(self, code: str, since: Any) -> None:
        self.cur.execute("UPDATE countries SET member = true, member_since = ? WHERE code = ?", [since, code])
        history.sync(self.cur, "countries", self.db.now(), history.by_id("code"), {"ids": [code]})

    def set_memberships(self, members: Mapping[str, Any], *, dated: bool = False) -> None:
        """``set_membership`` for many countries (code -> member since) in one statement. ``dated``: each
        joined on its member-since date (a load of the demo's storyline), so its history says so."""
        if not members:
            return
        codes = list(members)
        self.cur.execute(
            "UPDATE countries SET member = true, member_since = m.since"
            " FROM (SELECT unnest($codes) AS code, unnest($since)::DATE AS since) m WHERE countries.code = m.code",
            {"codes": codes, "since": [members[c] for c in codes]},
        )
        history.sync(self.cur, "countries", self.db.now(), history.by_id("code"), {"ids": codes})
        if dated:
            history.date_back(self.cur, "countries", self.db.now(), "CAST({a}.member_since AS TIMESTAMP)",
                              history.by_id("code"), {"ids": codes})
