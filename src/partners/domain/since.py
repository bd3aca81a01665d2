"""What changed between two moments ("Since the last summit"), as plain figures: what the service computes
for one viewer, what the charts draw and what the generated paragraph reads out, one object for all three."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class End:
    """One end of the window: a day (the records as they stood at its end), the event it is the day of (its
    name; None: a date chosen as such) and whether it is today (the records as they stand now)."""

    day: date
    event: str | None = None
    event_id: int | None = None
    today: bool = False


@dataclass(frozen=True)
class Group:
    """One bar of a breakdown: its key, label, how many commitments, and over how many countries (None: not a
    breakdown over countries). ``held_back``: a public figure over fewer than 3 countries, not shown (its
    counts are then 0 and None: the figure never leaves the service)."""

    key: str
    label: str
    commitments: int
    countries: int | None = None
    held_back: bool = False


@dataclass(frozen=True)
class SinceFigures:
    """What changed from ``start`` to ``end``, for one viewer (``public``: the public view).

    new: commitments shown at the end and not at the start; new_joint: those with more than one partner;
    new_partners / new_countries: how many partners and countries the new commitments name; newly_complete,
    newly_stalled, newly_overdue: commitments complete, stalled or not reporting (no progress update for
    ``reporting_cycle_months``) at the end and not at the start; engaged_partners / engaged_countries: named
    by a commitment at the end and by none at the start (their first commitment in the window)."""

    start: End
    end: End
    public: bool
    new: int
    new_joint: int
    new_partners: int
    new_countries: int
    newly_complete: int
    newly_stalled: int
    newly_overdue: int
    engaged_partners: int
    engaged_countries: int
    new_by_type: tuple[Group, ...] = ()
    new_by_region: tuple[Group, ...] = ()
    complete_by_region: tuple[Group, ...] = ()
    complete_by_target: tuple[Group, ...] = ()
    reporting_cycle_months: int = 12
