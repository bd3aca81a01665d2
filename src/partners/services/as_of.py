"""The moment a scorecard is shown as of: a date (the end of that day) or a moment, never one still to come,
and the summits it can be shown "as at".

``moment`` turns what a page or a caller gives into the ``ViewScope.as_of`` the store reads the history at
(``storage/duckdb/history.py``); None is now (the live records).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.port import Store

AsOf = date | datetime | None


def moment(as_of: AsOf, now: datetime | None = None) -> datetime | None:
    """The moment to read the records at: a date means the end of that day; today (or None) means now, the
    live records (None). A moment after ``now`` is refused (``ValidationFailed``): there is no history of
    it yet."""
    if as_of is None:
        return None
    now = now or datetime.now()
    if not isinstance(as_of, datetime):  # a date: as it stood at the end of that day
        if as_of > now.date():
            raise ValidationFailed([f"{as_of.day} {as_of:%B %Y} is still to come: choose today or an earlier date"])
        if as_of == now.date():
            return None  # today: the scorecard as it stands now
        return datetime.combine(as_of, time.max)
    if as_of > now:
        raise ValidationFailed([f"{as_of.day} {as_of:%B %Y %H:%M} is still to come: choose now or an earlier moment"])
    return as_of


def parse(text: str, now: datetime | None = None) -> date | None:
    """A date written as YYYY-MM-DD (a URL's ``as_of``), checked by ``moment``; empty: None (today).
    ``ValidationFailed`` in words for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed([f"“{text[:40]}” is not a date: write it as year-month-day, e.g. 2024-11-20"]) from None
    moment(day, now)
    return day


@dataclass(frozen=True)
class Occasion:
    """A summit or other event a scorecard can be shown as at: its id, name and date."""

    event_id: int
    name: str
    on: date


def occasions(store: Store, actor: Actor, now: datetime | None = None) -> list[Occasion]:
    """The live events already held (on or before today), newest first: what "as at <summit>" offers."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    today = (now or datetime.now()).date()
    events = store.events()
    return [
        Occasion(int(e.id), str(e.name), _day(e.date))
        for e in events.itertuples(index=False)
        if _day(e.date) <= today
    ]


def occasion_date(store: Store, actor: Actor, event_id: int) -> date:
    """The date of an event (a summit): "as at the 2024 summit" is the scorecard at the end of its day.
    ``NotFound`` for an id that is no live event."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    for e in store.events().itertuples(index=False):
        if int(e.id) == int(event_id):
            return _day(e.date)
    raise NotFound(f"there is no summit or event {event_id}")


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()  # a pandas Timestamp's text
