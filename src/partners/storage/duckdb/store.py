"""``DuckDBStore``: the storage port over DuckDB. Records, the audit log and dataset facts are here; the read
queries (``queries.py``), reference rows, whole-database backup and users are mixed in from their modules.
All SQL is parameterised; table and column names come only from this package's constants.
"""

from __future__ import annotations

import json
import operator
import os
import threading
import warnings
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from partners.domain.audit import AuditEntry
from partners.storage import MEMORY
from partners.storage.duckdb import history, status
from partners.storage.duckdb.backup import WholeDatabase
from partners.storage.duckdb.country_commitments import CountryCommitmentRows
from partners.storage.duckdb.dashboard import DashboardRows
from partners.storage.duckdb.database import Database, migrations, to_json, translated, writes  # noqa: F401 (migrations: for tests)
from partners.storage.duckdb.gaps import GapRows
from partners.storage.duckdb.queries import ReadQueries
from partners.storage.duckdb.reference_rows import ReferenceRows
from partners.storage.duckdb.scorecards import ScorecardRows
from partners.storage.duckdb.since import SinceRows
from partners.storage.duckdb.snapshots import SnapshotRows
from partners.storage.duckdb.tables import ENTITY_TABLES, TABLES
from partners.storage.duckdb.users import UserRows
from partners.storage.errors import ConcurrentEditError

# ``query_frame`` takes a result of this thread's cursor as Arrow on purpose (a relation cannot run while the
# cursor holds an unfinished result); the copy DuckDB warns of costs far less than converting text cell by cell.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


class DuckDBStore(
    ReadQueries, ScorecardRows, ReferenceRows, WholeDatabase, UserRows, CountryCommitmentRows, GapRows,
    SinceRows,  # since the last summit (since.py)
    DashboardRows,
    SnapshotRows,  # frozen snapshots of the public dashboard (snapshots.py)
):
    """The storage port (``partners.storage.port.Store``) over a DuckDB ``Database``.

    Services call it inside ``store.transaction()``; all of its SQL lives in this package.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> DuckDBStore:
        store = cls(Database(path))
        if migrate:
            store.db.migrate()
        return store

    @classmethod
    def memory(cls) -> DuckDBStore:
        """A fresh in-memory store with the schema applied (for tests)."""
        return cls.open(MEMORY)

    def transaction(self, at: datetime | None = None):
        """A transaction (``Database.transaction``); ``at``: the moment its writes are stamped with."""
        return self.db.transaction(at)

    def now(self) -> datetime:
        """The moment the current transaction writes at (``Database.now``)."""
        return self.db.now()

    def close(self) -> None:
        self.db.close()

    @property
    def location(self) -> str:
        return self.db.path

    def schema_version(self) -> int:
        return int(self.db.schema_version())

    def migrate(self) -> list[str]:
        return self.db.migrate()

    def data_version(self) -> int | None:
        return self.db.data_version()

    @property
    def cur(self) -> duckdb.DuckDBPyConnection:
        return self.db.cursor()

    # -- generic helpers -----------------------------------------------------------------------
    def query_df(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """Run a read query (SQL owned by this package) and return a DataFrame."""
        with translated():
            return self.cur.execute(sql, params).df()

    def query_frame(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """A read query's DataFrame by way of Arrow: text columns are taken over whole, not converted a cell
        at a time as ``query_df`` does (about half the time for a wide result of tens of thousands of rows).
        Unlike ``query_df``: integer columns holding nulls come as floats, dates as datetime64[ms], decimals
        as objects (cast them to DOUBLE in the query)."""
        with translated():
            return self.cur.execute(sql, params).to_arrow_table().to_pandas(date_as_object=False)

    def query_rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with translated():
            cur = self.cur.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with translated():
            row = self.cur.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def next_ids(self, sequence: str, count: int) -> list[int]:
        """Reserve ``count`` ids from a sequence (for bulk inserts)."""
        known = {"partner_ids", "event_ids", "commitment_ids", "progress_ids", "assessment_ids", "reminder_ids"}
        if sequence not in known:
            raise ValueError(f"unknown sequence {sequence}")
        if count <= 0:
            return []
        rows = self.cur.execute(f"SELECT nextval('{sequence}') FROM range(?)", [count]).fetchall()
        return [int(r[0]) for r in rows]

    @writes
    def bulk_insert(self, table: str, rows: Sequence[dict[str, Any]] | pd.DataFrame) -> int:
        """Insert many rows at once through Arrow (one statement, not one per row). Their history versions
        are valid from when each row was made (``created_at``, a link: its commitment's; at the latest now):
        records loaded with the times they were made keep them."""
        return self._insert_bulk(table, rows, made=True)

    def _insert_bulk(self, table: str, rows: Sequence[dict[str, Any]] | pd.DataFrame, *, made: bool) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        if isinstance(rows, pd.DataFrame):
            if rows.empty:
                return 0
            arrow = pa.Table.from_pandas(rows, preserve_index=False)
        else:
            rows = list(rows)
            if not rows:
                return 0
            # Straight to Arrow, column by column (no DataFrame in between: faster, and integers with
            # nulls stay integers). Rows with the same keys (the usual case) are transposed in one go.
            first = rows[0].keys()
            if all(row.keys() == first for row in rows):
                names = list(first)
                values = zip(*map(operator.itemgetter(*names), rows), strict=True) if len(names) > 1 else (
                    [row[names[0]] for row in rows],)  # fmt: skip
            else:
                names = list(dict.fromkeys(k for row in rows for k in row))
                values = ([row.get(k) for row in rows] for k in names)
            arrow = pa.table(dict(zip(names, map(pa.array, map(list, values)), strict=True)))
        columns = arrow.column_names
        name = f"_bulk_{table}_{threading.get_ident()}"
        cur = self.cur
        cur.register(name, arrow)
        try:
            col_list = ", ".join(columns)
            cur.execute(f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM {name}")
            if table in history.RECORDED:  # the versions of the rows inserted, in the same transaction
                key = history.RECORDED[table][1]
                history.sync(self.cur, table, self.db.now(), f"{{a}}.{key} IN (SELECT {key} FROM {name})",
                             made=made)
        finally:
            cur.unregister(name)
        if table in ("progress_updates", "commitment_partners", "commitment_countries"):
            ids = sorted(set(arrow.column("commitment_id").to_pylist()))
            if table == "progress_updates":  # each commitment's latest status follows its updates
                status.refresh(cur, ids)
            else:  # and its partners and countries in words follow its links
                status.refresh_names(cur, ids)
        return arrow.num_rows

    def count(self, table: str, *, live_only: bool = True) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        where = " WHERE deleted_at IS NULL" if live_only and table in ENTITY_TABLES.values() else ""
        return int(self.scalar(f"SELECT count(*) FROM {table}{where}"))

    # -- audit ----------------------------------------------------------------------------------
    @writes
    def audit(self, entry: AuditEntry, at: datetime | None = None) -> None:
        self.cur.execute(
            "INSERT INTO audit_log (changed_at, actor, actor_role, action, entity, entity_id, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                at or self.db.now(),
                entry.actor,
                entry.actor_role,
                entry.action,
                entry.entity,
                entry.entity_id,
                to_json(entry.before),
                to_json(entry.after),
            ],
        )

    @writes
    def audit_many(self, entries: Iterable[AuditEntry], at: datetime | None = None) -> int:
        now = at or self.db.now()
        rows = [
            {
                "changed_at": now,
                "actor": e.actor,
                "actor_role": e.actor_role,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "before": to_json(e.before),
                "after": to_json(e.after),
            }
            for e in entries
        ]
        return self.bulk_insert("audit_log", rows)

    def history(self, entity: str, entity_id: str | int) -> list[dict[str, Any]]:
        rows = self.query_rows(
            "SELECT id, changed_at, actor, actor_role, action, entity, entity_id, before, after FROM audit_log"
            " WHERE entity = ? AND entity_id = ? ORDER BY changed_at, id",
            [entity, str(entity_id)],
        )
        for row in rows:
            for key in ("before", "after"):
                row[key] = json.loads(row[key]) if row[key] else None
        return rows

    def last_change(self, entity: str, entity_id: Any) -> str | None:
        """'who at when' of the newest audit entry for a record (for "changed by X at T" messages)."""
        return self.scalar(
            "SELECT actor || ' at ' || strftime(changed_at, '%Y-%m-%d %H:%M') FROM audit_log"
            " WHERE entity = ? AND entity_id = ? ORDER BY changed_at DESC, id DESC LIMIT 1",
            [entity, str(entity_id)],
        )

    # -- dataset facts ------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM dataset_meta WHERE key = ?", [key])

    @writes
    def set_meta(self, key: str, value: str) -> None:
        self.cur.execute(
            "INSERT INTO dataset_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @writes
    def delete_meta(self, key: str) -> None:
        self.cur.execute("DELETE FROM dataset_meta WHERE key = ?", [key])

    # -- records --------------------------------------------------------------------------------
    def get_row(self, entity: str, record_id: int, *, include_deleted: bool = False) -> dict[str, Any] | None:
        table = ENTITY_TABLES[entity]
        where = "" if include_deleted else " AND deleted_at IS NULL"
        rows = self.query_rows(f"SELECT * FROM {table} WHERE id = ?{where}", [record_id])
        return rows[0] if rows else None

    @writes
    def insert_row(self, entity: str, values: dict[str, Any]) -> int:
        table = ENTITY_TABLES[entity]
        cols = list(values)
        placeholders = ", ".join("?" for _ in cols)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders}) RETURNING id"
        new_id = int(self.cur.execute(sql, [values[c] for c in cols]).fetchone()[0])
        history.sync(self.cur, table, self.db.now(), history.by_id(), {"ids": [new_id]})
        if table == "progress_updates":
            status.refresh(self.cur, [values["commitment_id"]])
        return new_id

    @writes
    def update_row(self, entity: str, record_id: int, values: dict[str, Any], expected_version: int) -> int:
        """Update a record if it still has ``expected_version``; returns the new version.

        Raises ConcurrentEditError (naming who changed it and when) when someone saved in between.
        """
        table = ENTITY_TABLES[entity]
        assignments = ", ".join(f"{c} = ?" for c in values)
        stamp = ", updated_at = ?" if entity in ("partner", "event", "commitment", "assessment_round") else ""
        params = [*values.values()]
        if stamp:
            params.append(self.db.now())
        row = self.cur.execute(
            f"UPDATE {table} SET {assignments}{stamp}, version = version + 1"
            " WHERE id = ? AND version = ? RETURNING version",
            [*params, record_id, expected_version],
        ).fetchone()
        if row is None:
            raise ConcurrentEditError.changed_by(
                f"this {entity.replace('_', ' ')}", self.last_change(entity, record_id)
            )
        history.sync(self.cur, table, self.db.now(), history.by_id(), {"ids": [record_id]})
        if table == "partners" and "name" in values:  # the lists that name the partner
            status.refresh_names(self.cur, status.commitments_naming(self.cur, partner_id=record_id))
        if table == "progress_updates":  # a changed, deleted or restored update moves its commitment's status
            status.refresh(
                self.cur,
                [r[0] for r in self.cur.execute("SELECT commitment_id FROM progress_updates WHERE id = ?",
                                                [record_id]).fetchall()],
            )
        return int(row[0])

    @writes
    def replace_links(self, table: str, commitment_id: int, rows: Sequence[dict[str, Any]]) -> None:
        if table not in {"commitment_partners", "commitment_countries", "commitment_items"}:
            raise ValueError(f"unknown link table {table}")
        self.cur.execute(f"DELETE FROM {table} WHERE commitment_id = ?", [commitment_id])
        if rows:
            self._insert_bulk(table, [{"commitment_id": commitment_id, **r} for r in rows], made=False)
        else:
            history.sync(self.cur, table, self.db.now(), history.by_id("commitment_id"), {"ids": [commitment_id]})
        if table in ("commitment_partners", "commitment_countries"):
            status.refresh_names(self.cur, [commitment_id])

    def commitment_links(self, commitment_id: int) -> dict[str, list]:
        """A commitment's partners (lead first, then by id), countries and framework items (sorted), read in one
        statement."""
        rows = self.cur.execute(
            "SELECT 'partner' AS kind, CAST(partner_id AS VARCHAR) AS value, role FROM commitment_partners"
            " WHERE commitment_id = $id"
            " UNION ALL SELECT 'country', country_code, NULL FROM commitment_countries WHERE commitment_id = $id"
            " UNION ALL SELECT 'item', item_key, NULL FROM commitment_items WHERE commitment_id = $id",
            {"id": int(commitment_id)},
        ).fetchall()
        partners = sorted(({"partner_id": int(v), "role": r} for k, v, r in rows if k == "partner"),
                          key=lambda p: (p["role"] != "lead", p["partner_id"]))
        return {
            "partners": partners,
            "countries": sorted(v for k, v, _ in rows if k == "country"),
            "framework_items": sorted(v for k, v, _ in rows if k == "item"),
        }

    def existing_keys(self, table: str, column: str, values: Iterable[Any]) -> set[Any]:
        """Which of ``values`` exist in ``table.column`` (for validating references in bulk)."""
        allowed = {
            ("countries", "code"),
            ("framework_items", "key"),
            ("partners", "id"),
            ("events", "id"),
            ("commitments", "id"),
            ("commitments", "external_ref"),
        }
        if (table, column) not in allowed:
            raise ValueError(f"unknown key column {table}.{column}")
        values = list(set(values))
        if not values:
            return set()
        live = " AND deleted_at IS NULL" if table in ENTITY_TABLES.values() else ""
        rows = self.cur.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN (SELECT unnest(?)){live}", [values]
        ).fetchall()
        return {r[0] for r in rows}
