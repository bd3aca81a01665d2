"""Errors the use cases raise, in words a secretariat officer can act on.

``PermissionDenied`` (the permission table's refusal) lives in ``partners.domain.permissions``; storage
problems (``StorageError``, ``ConcurrentEditError``, ``DatabaseBusyError``) are defined in
``partners.storage.errors`` and re-exported here, so pages catch everything a use case raises without
reaching below the services.
"""

from __future__ import annotations

from partners.domain.permissions import PermissionDenied
from partners.storage.errors import ConcurrentEditError, DatabaseBusyError, StorageError

__all__ = [
    "ConcurrentEditError", "DatabaseBusyError", "NotFound", "PermissionDenied", "StorageError", "ValidationFailed",
]


class ValidationFailed(ValueError):
    """Input that cannot be stored, with one plain sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class NotFound(LookupError):
    """The record asked for does not exist, or has been deleted."""
