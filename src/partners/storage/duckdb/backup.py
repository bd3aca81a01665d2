"""Whole-database dump and replace (backup and restore): part of ``DuckDBStore``."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from partners.storage.duckdb import history, status
from partners.storage.duckdb.database import ident as _ident
from partners.storage.duckdb.tables import DERIVED_TABLES, TABLES
from partners.storage.errors import StorageError


class WholeDatabase:
    """Mixed into ``DuckDBStore``."""

    cur: duckdb.DuckDBPyConnection
    db: Any  # the store's Database

    def data_tables(self) -> list[str]:
        """Every table holding data: ``TABLES`` in order, then any table a later migration added that is
        not (yet) listed there, so a backup never silently leaves one out. ``schema_version`` is not data, nor
        are the ``DERIVED_TABLES`` (rebuilt from the data)."""
        present = {
            r[0]
            for r in self.cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                " AND schema_name = current_schema() AND NOT internal AND NOT temporary"
            ).fetchall()
        } - {"schema_version", *DERIVED_TABLES}
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

    def table_schema(self, table: str) -> pa.Schema:
        """The Arrow schema the rows of a data table have (what ``dump_table`` gives)."""
        if table not in self.data_tables():
            raise ValueError(f"unknown table {table}")
        return self.cur.sql(f"SELECT * FROM {_ident(table)} LIMIT 0").to_arrow_table().schema  # noqa: S608

    def table_keys(self, table: str) -> dict[str, list[tuple[str, ...]]]:
        """A data table's ``not_null`` columns and ``unique`` column groups (primary key and UNIQUE)."""
        if table not in self.data_tables():
            raise ValueError(f"unknown table {table}")
        rows = self.cur.execute(
            "SELECT constraint_type, constraint_column_names FROM duckdb_constraints()"
            " WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ?"
            " AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'NOT NULL') ORDER BY constraint_index",
            [table],
        ).fetchall()
        return {
            "not_null": [tuple(cols) for kind, cols in rows if kind == "NOT NULL"],
            "unique": [tuple(cols) for kind, cols in rows if kind != "NOT NULL"],
        }

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
        columns = {table: ", ".join(_ident(c) for c in self.table_columns(table)) for table in tables}
        with self.transaction() as cur:
            table = "(deleting)"
            try:
                for table in reversed(tables):
                    cur.execute(f"DELETE FROM {_ident(table)}")  # noqa: S608 (catalog names only)
                for table in tables:
                    cols, name = columns[table], f"_restore_{table}_{threading.get_ident()}"
                    cur.register(name, data[table])
                    sql = f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} FROM {_ident(name)}"  # noqa: S608
                    try:
                        cur.execute(sql)
                    finally:
                        _unregister_quietly(cur, name)
                    counts[table] = data[table].num_rows
                self._advance_sequences(tables)
                # The history is the backup's (as-of reads of a restored database give what the backed-up
                # one showed), brought in line with the restored rows at the restore's moment.
                history.sync_all(cur, self.db.now())
                status.rebuild(cur)  # derived from the progress updates just restored
            except duckdb.Error as exc:  # a constraint or type the rows break: say which (as itself), roll back
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


def _unregister_quietly(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a registered view. After a failed statement the transaction is aborted and DuckDB refuses even
    this ("Current transaction is aborted"): that must not hide the error that aborted it."""
    try:
        cur.unregister(name)
    except duckdb.Error:
        pass
