"""The DuckDB database: one connection per process, a cursor per thread, transactions, migrations.

Engine errors are translated here into the port's (``partners.storage.errors``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb

from partners.storage import MEMORY, default_db_path
from partners.storage.duckdb import history, status
from partners.storage.errors import RELOAD, ConcurrentEditError, DatabaseBusyError, DuplicateKeyError, StorageError

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# DuckDB's lock refusal names the holder: "Conflicting lock is held in /usr/bin/python3 (PID 1234)".
_LOCK_HOLDER = re.compile(r"lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


#: Committed write transactions per database file in this process, so that every ``Database`` open on one
#: file (DuckDB shares one instance between them) knows when its remembered data version is old. No other
#: process can write meanwhile: DuckDB lets one process at a time open a file for writing, and none opens
#: it to read while that one has it.
_WRITES: dict[str, int] = {}
_WRITES_LOCK = threading.Lock()

P = ParamSpec("P")
R = TypeVar("R")

#: Work that belongs to a migration but is not SQL, run in that migration's transaction: number -> step.
_AFTER_MIGRATION: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    6: status.rebuild, 8: history.install, 9: history.install,
}


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


#: How ``_jsonable`` writes the commonest values ``json`` cannot write itself, by their exact type.
_JSON_WRITERS: dict[type, Any] = {date: date.isoformat, datetime: datetime.isoformat, Decimal: str}


def _json_default(value: Any) -> Any:
    """What ``json`` cannot write itself, as ``_jsonable`` writes it (the encoder calls this only for those)."""
    writer = _JSON_WRITERS.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, Enum | datetime | date | Decimal | set | frozenset):
        return _jsonable(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_json(value: Any) -> str | None:
    """The JSON text of a value (audit entries, reference extras): keys sorted, dates in ISO form, decimals
    as text, enumerations as their values, sets sorted. Tuples keep their order (the records hold none).
    The encoder walks the value in C and asks ``_json_default`` only about the few values it cannot write."""
    if value is None:
        return None
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


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
            if "lock" in str(exc).lower():
                held = _LOCK_HOLDER.search(str(exc))
                holder = f"process {held['pid']}, {held['program']}" if held else ""
                raise DatabaseBusyError(
                    f"the database at {self.path} is busy: another program has it open"
                    + (f" ({holder})" if holder else ""),
                    holder=holder,
                ) from exc
            raise StorageError(f"cannot open the database at {self.path}: {exc}") from exc
        self._local = threading.local()
        self._lock = threading.Lock()
        self._counts_changes = False  # whether the data_changes table exists yet (migration 006)
        # the data version as last read, with the file's count of writes (``_WRITES``) it was read at;
        # an in-memory database is its own file
        self._file = os.path.realpath(self.path) if self.path != MEMORY else f"{MEMORY}#{id(self)}"
        self._version: tuple[int, int | None] | None = None

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
    def transaction(self, at: datetime | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on this thread's cursor: commit on success, roll back on any error.

        Nested use joins the outer transaction, so a service can call another service. ``at``: the moment
        the transaction's writes are stamped with (``now``), for an outer transaction; by default the clock
        when it is first asked.
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
        self._local.at = at
        try:
            yield cur
            # Every transaction is taken to write (reads run outside them): it moves the data version on,
            # in the same commit, so a cached read never outlives the data it was computed from.
            if self._has_change_log(cur):
                cur.execute("INSERT INTO data_changes DEFAULT VALUES")
            try:
                cur.execute("COMMIT")
            finally:
                self._wrote()
        except BaseException as exc:
            _rollback_quietly(cur)
            if isinstance(exc, duckdb.Error):  # never let DuckDB's own error types cross the port
                raise engine_error(exc) from exc
            raise
        finally:
            self._local.depth = 0
            self._local.at = None

    def now(self) -> datetime:
        """The moment this thread's transaction writes at: the same for all of its writes (audit entries,
        ``updated_at``, history versions), so a record's versions and its audit entry agree. Outside a
        transaction, the clock."""
        if not getattr(self._local, "depth", 0):
            return datetime.now()
        at = getattr(self._local, "at", None)
        if at is None:
            at = self._local.at = datetime.now()
        return at

    def _has_change_log(self, cur: duckdb.DuckDBPyConnection) -> bool:
        if not self._counts_changes:  # looked up until the migration that makes it has run
            self._counts_changes = bool(
                cur.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                    " AND table_name = 'data_changes'"
                ).fetchone()[0]
            )
        return self._counts_changes

    def _wrote(self) -> None:
        """A write transaction ended: every ``Database`` of this file reads the data version again."""
        with _WRITES_LOCK:
            _WRITES[self._file] = _WRITES.get(self._file, 0) + 1

    def data_version(self) -> int | None:
        """The number of the last committed write transaction (None before migration 006): it only grows,
        in every process that opens this database, whoever made the write. Read from the database once
        after each write made in this process (the only process that can write while this one has the
        file open), so that a page's many reads ask it once."""
        with _WRITES_LOCK:
            writes, known = _WRITES.get(self._file, 0), self._version
        if known is not None and known[0] == writes:
            return known[1]
        cur = self.cursor()
        version = (
            int(cur.execute("SELECT coalesce(max(id), 0) FROM data_changes").fetchone()[0])
            if self._has_change_log(cur) else None
        )
        with _WRITES_LOCK:  # kept only if no write ended while it was read (else the next call reads again)
            if _WRITES.get(self._file, 0) == writes:
                self._version = (writes, version)
        return version

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
                if number in _AFTER_MIGRATION:
                    _AFTER_MIGRATION[number](tx)
                history.follow_columns(tx)  # a column a migration added to a recorded table: its history too
                tx.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [number, name])
            applied.append(name)
        return applied


def writes(method: Callable[P, R]) -> Callable[P, R]:
    """Mark a store method as a write: it runs in the caller's transaction, or in one of its own, so that it is
    atomic and counts as a change (``Database.transaction`` moves the data version on)."""

    @wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0].db.transaction():  # type: ignore[attr-defined]  (args[0]: the store)
            return method(*args, **kwargs)

    return run


def engine_error(exc: duckdb.Error) -> StorageError:
    """The port's error for one of DuckDB's: a write conflict, a refused constraint, or any other problem."""
    if isinstance(exc, duckdb.TransactionException):
        # Two sessions wrote the same row at once: DuckDB refuses the second (during the write or at
        # commit). Say so in words and let the caller reload.
        return ConcurrentEditError(f"someone else saved a change to the same record at the same moment; {RELOAD}")
    if isinstance(exc, duckdb.ConstraintException):
        return constraint_error(exc)
    return StorageError(str(exc))


@contextmanager
def translated() -> Iterator[None]:
    """Run engine calls so that DuckDB's errors leave as the port's (``engine_error``)."""
    try:
        yield
    except duckdb.Error as exc:
        raise engine_error(exc) from exc


def constraint_error(exc: duckdb.ConstraintException) -> StorageError:
    """The port's error for a refused constraint: a duplicate key as itself, anything else in DuckDB's words."""
    text = str(exc)
    if "duplicate key" in text.lower():
        return DuplicateKeyError(text)
    return StorageError(text)


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


def ident(name: str) -> str:
    """A quoted SQL identifier (names come from this module or the catalog, never from people)."""
    return '"' + name.replace('"', '""') + '"'
