"""Values as people write them: ``40`` and ``1,500,000 USD`` (not ``40.0000``), ``3 Mar 2026``, enumerations
in words, lists as lists. One function per kind of value, used by the commitment page, its history and
anything else that shows a stored value as text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import pandas as pd

from partners.domain.model import LabelledEnum


def number(value: Any) -> str:
    """A number with thousands separators and no trailing zeros: ``40``, ``1,500,000``, ``2.5``; nothing
    for a missing one (None, NaN)."""
    if _missing(value):
        return ""
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not exact.is_finite():
        return str(value)
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    return f"{exact.normalize():,f}"


def _missing(value: Any) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value)) if not isinstance(value, list | tuple) else False


def money(amount: Any, currency: Any = None) -> str:
    """An amount with its currency: ``1,500,000 USD``."""
    shown = number(amount)
    return f"{shown} {currency}".strip() if shown and currency else shown


def day(value: Any) -> str:
    """A date (or the day of a date and time): ``3 Mar 2026``."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%b %Y}"


def moment(value: Any) -> str:
    """A date and time to the minute: ``3 Mar 2026 14:05``; midnight shows as the day alone."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return day(value)
    return day(value) if (value.hour, value.minute) == (0, 0) else f"{day(value)} {value:%H:%M}"


def value_text(value: Any) -> str | list[str]:
    """Any stored value in words: a list stays a list (of texts), a tuple is one text of its parts (an
    event's name and date: ``Summit, 3 Mar 2026``), everything else becomes one text."""
    if isinstance(value, tuple):
        return ", ".join(t for v in value if (t := _one(v)))
    if isinstance(value, list | set | frozenset):
        return [t for v in value if (t := _one(v))]
    return _one(value)


def _one(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal | int | float):
        return number(value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return str(value)


def as_lines(value: str | list[str]) -> str:
    """A value in words on lines of its own (a list one item a line), for a table cell."""
    return "\n".join(value) if isinstance(value, list) else value
