"""Snapshots of a whole database, for asserting that a refused action changed nothing."""

from __future__ import annotations

from partners.storage.duckdb.store import TABLES
from partners.storage.duckdb.store import DuckDBStore as Store


def everything(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, soft-deleted ones included: 'nothing changed' means this is equal."""
    return {t: store.cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}  # noqa: S608


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table, soft-deleted ones included: the snapshot for 'nothing was written'."""
    return {table: store.count(table, live_only=False) for table in TABLES}
