"""Errors the storage port raises, whatever the engine: services catch these, never an engine's own."""

from __future__ import annotations

RELOAD = "reload to see their change, then make yours again"


class StorageError(RuntimeError):
    """A storage problem described in words a secretariat officer can act on."""


class ConcurrentEditError(StorageError):
    """The record changed since the editor loaded it (optimistic version check)."""

    @classmethod
    def changed_by(cls, what: str, who_and_when: str | None) -> ConcurrentEditError:
        """The one wording of the refusal: "this commitment was changed by X at T; reload ...".

        ``who_and_when`` is the store's ``last_change`` ("editor@example.org at 2026-03-03 10:15")."""
        return cls(f"{what} was changed by {who_and_when or 'someone else'}; {RELOAD}")


class DuplicateKeyError(StorageError):
    """A record with the same key (an e-mail address, an id) already exists."""


class DatabaseBusyError(StorageError):
    """Another program holds the database file (DuckDB allows one writing process at a time).

    ``holder`` names that program when the engine says ("process 1234, /usr/bin/python3"), else is empty."""

    def __init__(self, message: str, *, holder: str = "") -> None:
        super().__init__(message)
        self.holder = holder
