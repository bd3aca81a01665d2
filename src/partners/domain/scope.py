"""The view scope: what a viewer may see, and the filter a search applies within it.

The service layer derives a ``ViewScope`` from the acting user and the permission table; storage only
applies it (every read query takes one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: A commitment with no progress update for this long is "not reporting" (UN SDG platform: within a year).
REPORTING_CYCLE_MONTHS = 12


@dataclass(frozen=True)
class ViewScope:
    """What a viewer may see. Built by the service layer from the actor and the permission table."""

    everything: bool = False  # the secretariat: every live record, in any state
    members: bool = False  # may see records shared with Alliance members
    countries: frozenset[str] = field(default_factory=frozenset)  # private records for these countries
    partners: frozenset[int] = field(default_factory=frozenset)  # private records of these partners
    assessments_all: bool = False  # unpublished capability assessments of every country
    assessment_countries: frozenset[str] = field(default_factory=frozenset)
    now: datetime = field(default_factory=datetime.now)
    reporting_cycle_months: int = REPORTING_CYCLE_MONTHS  # the admins' setting, passed in by the service
    #: Read the records as they stood at this moment (from the history tables), not as they are now; the
    #: service sets ``now`` to it too, so that embargoes and "not reporting" are judged as they were then.
    as_of: datetime | None = None


@dataclass(frozen=True)
class CommitmentFilter:
    text: str = ""
    countries: tuple[str, ...] = ()
    partner_ids: tuple[int, ...] = ()
    stakeholder_types: tuple[str, ...] = ()
    item_keys: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # reported status values, or "not_reported" (no update yet)
    event_ids: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()  # these commitments only (e.g. the suggested duplicates)
    limit: int | None = None  # this many at most (a page), from the ``offset``-th on (0: the first)
    offset: int = 0
