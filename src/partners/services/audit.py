"""The one way a use case writes its audit entry: who did what to which record, before and after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from partners.domain.audit import AuditEntry
from partners.domain.model import Actor
from partners.storage.port import Store


def audit_entry(
    actor: Actor, action: str, entity: str, entity_id: Any, before: Any = None, after: Any = None
) -> AuditEntry:
    """The audit entry for ``actor`` doing ``action`` to one record (ids are kept as text)."""
    return AuditEntry(
        actor=actor.identity,
        actor_role=actor.role.value,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )


def record(
    store: Store, actor: Actor, action: str, entity: str, entity_id: Any, before: Any = None, after: Any = None,
    *, at: datetime | None = None,
) -> None:
    """Write one audit entry, inside the caller's transaction."""
    store.audit(audit_entry(actor, action, entity, entity_id, before, after), at)


def record_many(store: Store, entries: Iterable[AuditEntry], *, at: datetime | None = None) -> int:
    """Write many audit entries at once (bulk loads), inside the caller's transaction."""
    return store.audit_many(entries, at)
