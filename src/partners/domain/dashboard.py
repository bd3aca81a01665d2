"""The dashboard's filter and its map metrics: what a view of the Overview narrows to, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Public aggregates over fewer than this many countries are held back (``docs/methodology.md``).
MIN_PUBLIC_COUNTRIES = 3

HELD_BACK = "held back: fewer than 3 countries"
HELD_SHORT = "held back"  # where the reason is said beside it (a headline figure under the note)

#: The map's metrics: key -> what it shows, in words.
MAP_METRICS: dict[str, str] = {
    "commitments": "Commitments",
    "share_complete": "Share complete",
    "verified_share": "Verified share",
    "mnr_coverage": "MNR capability coverage",
}


@dataclass(frozen=True)
class DashboardFilter:
    """What every figure of a dashboard view is narrowed to (empty: everything the viewer may see).

    ``regions`` and ``north`` keep the commitments naming at least one such country (global commitments,
    which name none, are then left out) and the map's and the country counts' countries; the others keep
    commitments with a partner of one of the types, linked to the framework item, made at one of the events,
    or made (event date, else start date, else the day recorded) between ``made_from`` and ``made_to``."""

    regions: tuple[str, ...] = ()
    north: bool | None = None  # True: Global North, False: Global South, None: both
    stakeholder_types: tuple[str, ...] = ()
    item_key: str = ""
    event_ids: tuple[int, ...] = ()
    made_from: date | None = None
    made_to: date | None = None

    @property
    def narrows_places(self) -> bool:
        return bool(self.regions) or self.north is not None

    def is_empty(self) -> bool:
        return self == DashboardFilter()


#: No filter: everything the viewer may see.
EVERYTHING = DashboardFilter()
