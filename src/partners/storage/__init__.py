"""Storage: the port services depend on (``port.Store``), its errors, and the engines behind it.

``open_store`` is the one place that picks the engine; today that is DuckDB (a file, or ``:memory:``).
"""

from __future__ import annotations

import os
from pathlib import Path

from partners.storage.port import Store

MEMORY = ":memory:"


def default_db_path() -> str:
    """Where the database lives: ``$PARTNERS_DB``, else ``var/partners.duckdb`` under the working directory."""
    return os.environ.get("PARTNERS_DB") or str(Path("var") / "partners.duckdb")


def open_store(path: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
    """Open the configured database (``path``, else ``$PARTNERS_DB``), applying pending migrations."""
    from partners.storage.duckdb.store import DuckDBStore

    return DuckDBStore.open(path if path is not None else default_db_path(), migrate=migrate)


def memory_store() -> Store:
    """A fresh, empty database in memory with the schema applied (for tests and dry runs)."""
    return open_store(MEMORY)


def close_store(store: Store) -> None:
    """Close the store's connection (the CLI and tests release the file this way)."""
    store.close()


__all__ = ["MEMORY", "Store", "close_store", "default_db_path", "memory_store", "open_store"]
