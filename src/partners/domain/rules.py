"""The rules a commitment and a progress update must keep, each defined once.

The model's validators, the record services and the spreadsheet import all call these, so a form, an
import row and the demo data are refused (or accepted) for the same reasons, in the same words. A rule
returns None when it holds, else a :class:`Broken`: what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

#: Longest commitment title (and name of a partner or summit) accepted.
MAX_TITLE_CHARS = 300

_CURRENCY = re.compile(r"[A-Z]{3}")
_WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
_EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Broken:
    """A rule that does not hold: what is wrong (``message``) and how to fix it (``hint``)."""

    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


def is_web_address(text: str) -> bool:
    """Whether ``text`` is a web address starting with http:// or https:// (websites, evidence links)."""
    return bool(_WEB_ADDRESS.match(text))


def is_email_address(text: str) -> bool:
    """Whether ``text`` has the shape of an e-mail address (user accounts, partners' contact addresses)."""
    return bool(_EMAIL_ADDRESS.match(text))


def deadline_before_start(start: date | None, deadline: date | None) -> Broken | None:
    """A deadline cannot come before the start date."""
    if start and deadline and deadline < start:
        return Broken(
            f"the deadline ({deadline:%d %b %Y}) is before the start date ({start:%d %b %Y})",
            "correct one of the two dates",
        )
    return None


#: The years a record's dates may fall in: anything else (9999, 0202) is a slip of the keyboard.
EARLIEST_YEAR, LATEST_YEAR = 1950, 2100


def implausible_date(day: date | None) -> Broken | None:
    """A date of a commitment, progress report, assessment, partner or event lies between 1950 and 2100."""
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return Broken(
            f"the year {day.year} is not a year this record can have",
            f"write a date between {EARLIEST_YEAR} and {LATEST_YEAR}",
        )
    return None


def negative_budget(budget: Decimal | None) -> Broken | None:
    """A budget is never negative."""
    if budget is not None and budget < 0:
        return Broken("the budget cannot be negative", "write the amount without a minus sign")
    return None


def currency_code(value: str) -> str | Broken:
    """The currency code in ``value`` (three letters, any case), or why it is not one."""
    code = value.strip().upper()
    if not _CURRENCY.fullmatch(code):
        return Broken(f"'{value}' is not a currency code", "use the three-letter code, e.g. USD, EUR, GBP or KES")
    return code


def budget_without_currency(budget: Decimal | None, currency: str | None) -> Broken | None:
    """A budget says which currency it is in."""
    if budget is not None and not currency:
        return Broken("the budget has no currency", "write the three-letter currency code, e.g. USD, EUR or GBP")
    return None


def countries_or_global(is_global: bool, countries: Iterable[str]) -> Broken | None:
    """A commitment is either global (and names no country) or names at least one country."""
    named = list(countries)
    if is_global and named:
        return Broken("a global commitment names no countries", "untick 'global' or remove the countries")
    if not is_global and not named:
        return Broken("name at least one country, or mark the commitment as global", "")
    return None


def repeated_partner(partner_ids: Iterable[int]) -> Broken | None:
    """Each partner takes part in a commitment once."""
    ids = list(partner_ids)
    if len(set(ids)) != len(ids):
        return Broken("the same partner is listed twice", "list each partner once")
    return None


def verified_status_differs(verified: _Labelled, self_reported: _Labelled | None) -> str | None:
    """A verified status that differs from the partner's latest self-reported one needs a reason: the
    sentence saying how they differ, or None when no reason is needed."""
    if self_reported is None or verified == self_reported:
        return None
    return (
        f"the verified status ({verified.label}) differs from the partner's latest "
        f"self-reported status ({self_reported.label})"
    )
