"""Storage: the one place that opens DuckDB connections, runs migrations and talks SQL.

``Database`` owns one DuckDB connection per process and hands each thread its own cursor (Streamlit runs
each browser session in its own thread). ``Store`` is the repository the services use: it hides the
tables behind methods, so a server database could later replace the file without touching pages or
services. All SQL is parameterised; table and column names come only from constants in this module.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from partners.domain.audit import AuditEntry
from partners.storage import MEMORY, default_db_path
from partners.storage.duckdb.queries import ReadQueries
from partners.storage.errors import ConcurrentEditError, StorageError

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return [_jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package: (number, name, sql)."""
    found = []
    for entry in resources.files("partners.storage.duckdb.migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise StorageError(f"migrations must be numbered 001, 002, ... without gaps; found {numbers}")
    return found


class Database:
    """A DuckDB database (a file, or in memory for tests) with per-thread cursors and migrations."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        self.path = str(path) if path is not None else default_db_path()
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._root = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:  # locked by another process, unreadable, not a database…
            raise StorageError(f"cannot open the database at {self.path}: {exc}") from exc
        self._local = threading.local()
        self._lock = threading.Lock()

    # -- connections ------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (created on first use)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._root.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        self._root.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on this thread's cursor: commit on success, roll back on any error.

        Nested use joins the outer transaction, so a service can call another service.
        """
        cur = self.cursor()
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield cur
            finally:
                self._local.depth = depth
            return
        cur.execute("BEGIN TRANSACTION")
        self._local.depth = 1
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException as exc:
            _rollback_quietly(cur)
            if isinstance(exc, duckdb.TransactionException):
                # Two sessions wrote the same row at once: DuckDB refuses the second (during the write or
                # at commit). Say so in words and let the caller reload.
                raise ConcurrentEditError(
                    "someone else saved a change to the same record at the same moment; "
                    "reload to see their change, then make yours again"
                ) from exc
            raise
        finally:
            self._local.depth = 0

    # -- schema ----------------------------------------------------------------------------------
    def schema_version(self) -> int:
        cur = self.cursor()
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        if not exists:
            return 0
        return cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; re-running is a no-op. Returns the names applied."""
        cur = self.cursor()
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
        )
        current = self.schema_version()
        applied = []
        for number, name, sql in migrations():
            if number <= current:
                continue
            with self.transaction() as tx:
                for statement in _split_sql(sql):
                    tx.execute(statement)
                tx.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [number, name])
            applied.append(name)
        return applied


def _rollback_quietly(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already ended it)."""
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _split_sql(sql: str) -> list[str]:
    """Split a migration file into statements (migrations hold no semicolons inside strings)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# --------------------------------------------------------------------------------------------------
# The repository
# --------------------------------------------------------------------------------------------------

#: Tables holding records people edit (soft delete, versioned), with the entity name used in the audit log.
ENTITY_TABLES: dict[str, str] = {
    "partner": "partners",
    "event": "events",
    "commitment": "commitments",
    "progress_update": "progress_updates",
    "capability_assessment": "capability_assessments",
}

#: Every table with its columns, in the order backups and bulk loads use.
TABLES: tuple[str, ...] = (
    "countries",
    "frameworks",
    "framework_items",
    "framework_crosswalk",
    "maturity_phases",
    "partners",
    "events",
    "commitments",
    "commitment_partners",
    "commitment_countries",
    "commitment_items",
    "progress_updates",
    "capability_assessments",
    "audit_log",
    "dataset_meta",
    "users",
)


class DuckDBStore(ReadQueries):
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

    def transaction(self):
        return self.db.transaction()

    def close(self) -> None:
        self.db.close()

    @property
    def cur(self) -> duckdb.DuckDBPyConnection:
        return self.db.cursor()

    # -- generic helpers -----------------------------------------------------------------------
    def query_df(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """Run a read query (SQL owned by this package) and return a DataFrame."""
        return self.cur.execute(sql, params).df()

    def query_rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cur = self.cur.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.cur.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def next_ids(self, sequence: str, count: int) -> list[int]:
        """Reserve ``count`` ids from a sequence (for bulk inserts)."""
        if sequence not in {"partner_ids", "event_ids", "commitment_ids", "progress_ids", "assessment_ids"}:
            raise ValueError(f"unknown sequence {sequence}")
        if count <= 0:
            return []
        rows = self.cur.execute(f"SELECT nextval('{sequence}') FROM range(?)", [count]).fetchall()
        return [int(r[0]) for r in rows]

    def bulk_insert(self, table: str, rows: Sequence[dict[str, Any]] | pd.DataFrame) -> int:
        """Insert many rows at once through Arrow (one statement, not one per row)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        if frame.empty:
            return 0
        columns = list(frame.columns)
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        name = f"_bulk_{table}_{threading.get_ident()}"
        cur = self.cur
        cur.register(name, arrow)
        try:
            col_list = ", ".join(columns)
            cur.execute(f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM {name}")
        finally:
            cur.unregister(name)
        return len(frame)

    def count(self, table: str, *, live_only: bool = True) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        where = " WHERE deleted_at IS NULL" if live_only and table in ENTITY_TABLES.values() else ""
        return int(self.scalar(f"SELECT count(*) FROM {table}{where}"))

    # -- audit ----------------------------------------------------------------------------------
    def audit(self, entry: AuditEntry, at: datetime | None = None) -> None:
        self.cur.execute(
            "INSERT INTO audit_log (changed_at, actor, actor_role, action, entity, entity_id, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                at or datetime.now(),
                entry.actor,
                entry.actor_role,
                entry.action,
                entry.entity,
                entry.entity_id,
                to_json(entry.before),
                to_json(entry.after),
            ],
        )

    def audit_many(self, entries: Iterable[AuditEntry], at: datetime | None = None) -> int:
        now = at or datetime.now()
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

    # -- dataset facts ------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM dataset_meta WHERE key = ?", [key])

    def set_meta(self, key: str, value: str) -> None:
        self.cur.execute(
            "INSERT INTO dataset_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    # -- reference data and demo data ---------------------------------------------------------------
    def upsert_country(self, c: Any) -> None:
        """Insert or refresh a country's reference facts; membership (the alliance's data) is kept."""
        self.cur.execute(
            "INSERT INTO countries (code, name, numeric, alpha2, region, subregion, global_north)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
            " numeric = excluded.numeric, alpha2 = excluded.alpha2, region = excluded.region,"
            " subregion = excluded.subregion, global_north = excluded.global_north",
            [c.code, c.name, c.numeric, c.alpha2, c.region, c.subregion, c.global_north],
        )

    def get_framework_row(self, framework_id: str) -> dict[str, Any] | None:
        rows = self.query_rows("SELECT * FROM frameworks WHERE id = ?", [framework_id])
        return rows[0] if rows else None

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

    def upsert_maturity_phase(self, ph: Any) -> None:
        self.cur.execute(
            "INSERT INTO maturity_phases (phase, label, description, verified) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (phase) DO UPDATE SET label = excluded.label,"
            " description = excluded.description, verified = excluded.verified",
            [ph.phase, ph.label, ph.description, ph.verified],
        )

    def delete_demo_records(self, *, reset_membership: bool) -> int:
        """Delete every record flagged as demo (links first); returns how many records went."""
        cur = self.cur
        demo_commitments = "SELECT id FROM commitments WHERE is_demo"
        for table in ("commitment_partners", "commitment_countries", "commitment_items"):
            cur.execute(f"DELETE FROM {table} WHERE commitment_id IN ({demo_commitments})")  # noqa: S608
        removed = 0
        for table in ("progress_updates", "capability_assessments", "commitments", "events", "partners"):
            removed += len(cur.execute(f"DELETE FROM {table} WHERE is_demo RETURNING 1").fetchall())  # noqa: S608
        if reset_membership:
            cur.execute("UPDATE countries SET member = false, member_since = NULL WHERE member")
        return removed

    def has_real_records(self, *, count_membership: bool) -> bool:
        """Whether any record not flagged as demo exists (and, if asked, any country membership)."""
        return bool(
            self.scalar("SELECT count(*) FROM commitments WHERE NOT is_demo")
            or self.scalar("SELECT count(*) FROM partners WHERE NOT is_demo")
            or (count_membership and self.scalar("SELECT count(*) FROM countries WHERE member"))
        )

    def set_membership(self, code: str, since: Any) -> None:
        self.cur.execute("UPDATE countries SET member = true, member_since = ? WHERE code = ?", [since, code])

    def delete_meta(self, key: str) -> None:
        self.cur.execute("DELETE FROM dataset_meta WHERE key = ?", [key])

    # -- records --------------------------------------------------------------------------------
    def get_row(self, entity: str, record_id: int, *, include_deleted: bool = False) -> dict[str, Any] | None:
        table = ENTITY_TABLES[entity]
        where = "" if include_deleted else " AND deleted_at IS NULL"
        rows = self.query_rows(f"SELECT * FROM {table} WHERE id = ?{where}", [record_id])
        return rows[0] if rows else None

    def insert_row(self, entity: str, values: dict[str, Any]) -> int:
        table = ENTITY_TABLES[entity]
        cols = list(values)
        placeholders = ", ".join("?" for _ in cols)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders}) RETURNING id"
        return int(self.cur.execute(sql, [values[c] for c in cols]).fetchone()[0])

    def update_row(self, entity: str, record_id: int, values: dict[str, Any], expected_version: int) -> int:
        """Update a record if it still has ``expected_version``; returns the new version.

        Raises ConcurrentEditError (naming who changed it and when) when someone saved in between.
        """
        table = ENTITY_TABLES[entity]
        assignments = ", ".join(f"{c} = ?" for c in values)
        stamp = ", updated_at = ?" if entity in ("partner", "event", "commitment") else ""
        params = [*values.values()]
        if stamp:
            params.append(datetime.now())
        row = self.cur.execute(
            f"UPDATE {table} SET {assignments}{stamp}, version = version + 1"
            " WHERE id = ? AND version = ? RETURNING version",
            [*params, record_id, expected_version],
        ).fetchone()
        if row is None:
            last = self.last_change(entity, record_id)
            raise ConcurrentEditError(
                f"this {entity.replace('_', ' ')} was changed by {last or 'someone else'}; "
                "reload to see their change, then make yours again"
            )
        return int(row[0])

    def replace_links(self, table: str, commitment_id: int, rows: Sequence[dict[str, Any]]) -> None:
        if table not in {"commitment_partners", "commitment_countries", "commitment_items"}:
            raise ValueError(f"unknown link table {table}")
        self.cur.execute(f"DELETE FROM {table} WHERE commitment_id = ?", [commitment_id])
        if rows:
            self.bulk_insert(table, [{"commitment_id": commitment_id, **r} for r in rows])

    def commitment_links(self, commitment_id: int) -> dict[str, list]:
        partners = self.query_rows(
            "SELECT partner_id, role FROM commitment_partners WHERE commitment_id = ?"
            " ORDER BY role = 'lead' DESC, partner_id",
            [commitment_id],
        )
        countries = [
            r[0]
            for r in self.cur.execute(
                "SELECT country_code FROM commitment_countries WHERE commitment_id = ? ORDER BY country_code",
                [commitment_id],
            ).fetchall()
        ]
        items = [
            r[0]
            for r in self.cur.execute(
                "SELECT item_key FROM commitment_items WHERE commitment_id = ? ORDER BY item_key",
                [commitment_id],
            ).fetchall()
        ]
        return {"partners": partners, "countries": countries, "framework_items": items}

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

    # -- whole-database backup and restore ------------------------------------------------------
    def data_tables(self) -> list[str]:
        """Every table holding data: ``TABLES`` in order, then any table a later migration added that is
        not (yet) listed there, so a backup never silently leaves one out. ``schema_version`` is not data."""
        present = {
            r[0]
            for r in self.cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                " AND schema_name = current_schema() AND NOT internal AND NOT temporary"
            ).fetchall()
        } - {"schema_version"}
        return [t for t in TABLES if t in present] + sorted(present - set(TABLES))

    def table_columns(self, table: str) -> list[str]:
        """The columns of a data table, in table order."""
        if table not in self.data_tables():
            raise ValueError(f"unknown table {table}")
        rows = self.cur.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()"
            " AND schema_name = current_schema() AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    def row_counts(self) -> dict[str, int]:
        """Rows in every data table, soft-deleted ones included."""
        return {
            t: int(self.scalar(f"SELECT count(*) FROM {_ident(t)}"))  # noqa: S608 (catalog names only)
            for t in self.data_tables()
        }

    def dump_table(self, table: str) -> pa.Table:
        """Every row of a data table (soft-deleted ones included), in a stable order, as Arrow."""
        if table not in self.data_tables():
            raise ValueError(f"unknown table {table}")
        return self.cur.sql(f"SELECT * FROM {_ident(table)} ORDER BY ALL").to_arrow_table()  # noqa: S608

    def replace_all(self, data: dict[str, pa.Table]) -> dict[str, int]:
        """Replace the contents of every data table with ``data`` (table -> rows) in one transaction.

        Joins the caller's transaction, so the caller can add its audit entry to the same commit; any
        failure rolls everything back. Relies on the schema having no foreign keys: DuckDB refuses to
        delete a referenced row in the transaction that deleted its children. Sequences move past the
        largest restored id (never backwards, because sequences do not roll back with the transaction).
        """
        tables = self.data_tables()
        if set(data) != set(tables):
            missing = sorted(set(tables) - set(data))
            extra = sorted(set(data) - set(tables))
            raise StorageError(f"the tables do not match this database's: missing {missing}, extra {extra}")
        for table in tables:
            expected, got = self.table_columns(table), list(data[table].column_names)
            if got != expected:
                raise StorageError(f"table {table} has columns {got}; this database has {expected}")
        counts: dict[str, int] = {}
        with self.transaction() as cur:
            try:
                for table in reversed(tables):
                    cur.execute(f"DELETE FROM {_ident(table)}")  # noqa: S608 (catalog names only)
                for table in tables:
                    cols = ", ".join(_ident(c) for c in self.table_columns(table))
                    name = f"_restore_{table}_{threading.get_ident()}"
                    cur.register(name, data[table])
                    try:
                        sql = f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} FROM {_ident(name)}"  # noqa: S608
                        cur.execute(sql)
                    finally:
                        cur.unregister(name)
                    counts[table] = data[table].num_rows
                self._advance_sequences(tables)
            except duckdb.Error as exc:  # a constraint or type the rows break: say which, roll back
                raise StorageError(f"table {table}: {exc}") from exc
        return counts

    def _advance_sequences(self, tables: Sequence[str]) -> None:
        """Move each id sequence used by these tables past the largest id they now hold."""
        cur = self.cur
        rows = cur.execute(
            "SELECT table_name, column_name, column_default FROM duckdb_columns()"
            " WHERE database_name = current_database() AND schema_name = current_schema()"
            " AND table_name IN (SELECT unnest(?)) AND column_default LIKE 'nextval(%'",
            [list(tables)],
        ).fetchall()
        for table, column, default in rows:
            m = re.fullmatch(r"nextval\('([A-Za-z_][A-Za-z0-9_]*)'\)", default.strip())
            if not m:
                continue
            sequence = m.group(1)
            top = cur.execute(f"SELECT max({_ident(column)}) FROM {_ident(table)}").fetchone()[0]  # noqa: S608
            last = cur.execute(
                "SELECT coalesce(last_value, start_value - increment_by) FROM duckdb_sequences()"
                " WHERE database_name = current_database() AND sequence_name = ?",
                [sequence],
            ).fetchone()
            if top is not None and last is not None and top > last[0]:
                cur.execute("SELECT max(nextval(?)) FROM range(?)", [sequence, int(top - last[0])])

    # -- users -------------------------------------------------------------------------------------
    _USER_COLUMNS = "email, name, role, countries, partners, active, version, created_at, updated_at"

    def last_change(self, entity: str, entity_id: Any) -> str | None:
        """'who at when' of the newest audit entry for a record (for "changed by X at T" messages)."""
        return self.scalar(
            "SELECT actor || ' at ' || strftime(changed_at, '%Y-%m-%d %H:%M') FROM audit_log"
            " WHERE entity = ? AND entity_id = ? ORDER BY changed_at DESC, id DESC LIMIT 1",
            [entity, str(entity_id)],
        )

    def user_rows(self) -> list[dict[str, Any]]:
        return self.query_rows(f"SELECT {self._USER_COLUMNS} FROM users ORDER BY active DESC, email")

    def user_row(self, email: str) -> dict[str, Any] | None:
        rows = self.query_rows(f"SELECT {self._USER_COLUMNS} FROM users WHERE email = ?", [email])
        return rows[0] if rows else None

    def count_active_users(self, role: str, *, excluding: str) -> int:
        return int(
            self.scalar("SELECT count(*) FROM users WHERE active AND role = ? AND email <> ?", [role, excluding])
        )

    def insert_user(self, email: str, name: str, role: str, countries: list[str], partners: list[int]) -> None:
        self.cur.execute(
            "INSERT INTO users (email, name, role, countries, partners)"
            " VALUES (?, ?, ?, ?::VARCHAR[], ?::INTEGER[])",
            [email, name, role, countries, partners],
        )

    def update_user(
        self, email: str, name: str, role: str, countries: list[str], partners: list[int], active: bool,
        expected_version: int,
    ) -> None:
        """Update a user if it still has ``expected_version``, else raise ConcurrentEditError."""
        row = self.cur.execute(
            "UPDATE users SET name = ?, role = ?, countries = ?::VARCHAR[], partners = ?::INTEGER[], active = ?,"
            " updated_at = current_localtimestamp(), version = version + 1"
            " WHERE email = ? AND version = ? RETURNING version",
            [name, role, countries, partners, active, email, expected_version],
        ).fetchone()
        if row is None:
            raise ConcurrentEditError(
                f"the user {email} was changed by {self.last_change('user', email) or 'someone else'}; "
                "reload to see their change, then make yours again"
            )


def _ident(name: str) -> str:
    """A quoted SQL identifier (names come from this module or the catalog, never from people)."""
    return '"' + name.replace('"', '""') + '"'
