"""An audit entry: who did what to which record, with the record before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    actor_role: str
    action: str
    entity: str
    entity_id: str
    before: Any = None
    after: Any = None
