"""Settings the admins change in the app (stored in the dataset's facts, audited like records)."""

from __future__ import annotations

from typing import Any

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.domain.scope import REPORTING_CYCLE_MONTHS
from partners.services.audit import record
from partners.services.errors import ValidationFailed
from partners.storage.port import Store

CYCLE_META_KEY = "reporting_cycle_months"
CYCLE_RANGE = (1, 60)


def reporting_cycle_months(store: Store) -> int:
    """The reporting cycle in months: the stored setting, else ``REPORTING_CYCLE_MONTHS``."""
    stored = store.meta(CYCLE_META_KEY)
    try:
        months = int(stored) if stored is not None else REPORTING_CYCLE_MONTHS
    except ValueError:
        return REPORTING_CYCLE_MONTHS
    lo, hi = CYCLE_RANGE
    return months if lo <= months <= hi else REPORTING_CYCLE_MONTHS


def reporting_cycle(store: Store, actor: Actor) -> int:
    """The reporting cycle in months, for a page. Public: the headline "not reporting" figure says it."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return reporting_cycle_months(store)


def set_reporting_cycle(store: Store, actor: Actor, months: Any) -> int:
    """Change the reporting cycle (admins). Audited; returns the new value."""
    authorize(actor, UseCase.MANAGE_SETTINGS)
    value = whole_number("Reporting cycle (months)", months, *CYCLE_RANGE)
    with store.transaction():
        before = store.meta(CYCLE_META_KEY)
        store.set_meta(CYCLE_META_KEY, str(value))
        record(store, actor, "update", "setting", CYCLE_META_KEY,
               None if before is None else {"value": before}, {"value": str(value)})
    return value


def whole_number(label: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as a whole number from ``lo`` to ``hi``, or ValidationFailed naming ``label``."""
    if isinstance(value, bool):
        raise ValidationFailed([f"{label}: give a whole number from {lo} to {hi}"])
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed([f"{label}: '{value}' is not a whole number (give {lo} to {hi})"]) from None
    if not lo <= number <= hi:
        raise ValidationFailed([f"{label}: {number} is out of range (give {lo} to {hi})"])
    return number
