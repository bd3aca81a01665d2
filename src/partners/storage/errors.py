"""Errors the storage port raises, whatever the engine: services catch these, never an engine's own."""

from __future__ import annotations


class StorageError(RuntimeError):
    """A storage problem described in words a secretariat officer can act on."""


class ConcurrentEditError(StorageError):
    """The record changed since the editor loaded it (optimistic version check)."""
