"""Errors the storage port raises, whatever the engine: services catch these, never an engine's own."""

from __future__ import annotations


class StorageError(RuntimeError):
    """A storage problem described in words a secretariat officer can act on."""


class ConcurrentEditError(StorageError):
    """The record changed since the editor loaded it (optimistic version check)."""


class DuplicateKeyError(StorageError):
    """A record with the same key (an e-mail address, an id) already exists."""


class DatabaseBusyError(StorageError):
    """Another program holds the database file (DuckDB allows one writing process at a time)."""
