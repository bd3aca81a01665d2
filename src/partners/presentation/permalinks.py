"""The dashboard's view state <-> its URL: a permalink opens exactly the view it was copied from.

Query parameters (all optional; absent: the default): ``region`` (region names, comma-separated), ``north``
(``north`` or ``south``), ``type`` (stakeholder type values, comma-separated), ``item`` (a framework item
key), ``event`` (event ids, comma-separated), ``from`` and ``to`` (ISO dates, the period the commitments
were made in), ``metric`` (the map's), ``as_of`` (an ISO date: every figure as it stood at the end of that
day, kept by ``ui.as_of``), ``public`` (``1``/``0``, kept by ``ui.showing``) and ``snapshot`` (a frozen
snapshot's slug: the view shows that snapshot's figures instead of the live ones)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from partners.domain.dashboard import MAP_METRICS, DashboardFilter

#: The url path of the dashboard (``ui.navigation`` registers the Overview under it too).
DASHBOARD_PATH = "overview"

#: Every query parameter of the dashboard's state, ``public`` included.
PARAMS = ("region", "north", "type", "item", "event", "from", "to", "metric", "as_of", "public", "snapshot")
DEFAULT_METRIC = "commitments"
#: What a snapshot's slug looks like (``services.snapshots.slug_of``).
SNAPSHOT_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class DashboardView:
    """Everything that decides what a dashboard view shows."""

    filter: DashboardFilter = field(default_factory=DashboardFilter)
    metric: str = DEFAULT_METRIC
    public: bool | None = None  # None: the page's default
    as_of: date | None = None  # None: now
    snapshot: str = ""  # a frozen snapshot's slug ("": the live figures)


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Choices:
    """What the parameters may name (the filters' options), and how an ``as_of`` date is read and checked
    (the app's: ``services.as_of.parse``; a ``ValueError`` in words for one that cannot be used)."""

    regions: Collection[str]
    stakeholder_types: Collection[str]
    items: Collection[str]
    events: Collection[int]
    as_of: Callable[[str], date | None] = _iso_day


def to_params(view: DashboardView) -> dict[str, str]:
    """The query parameters of ``view``: only those that differ from the default, in a fixed order."""
    f = view.filter
    out = {
        "region": ",".join(f.regions),
        "north": {True: "north", False: "south", None: ""}[f.north],
        "type": ",".join(f.stakeholder_types),
        "item": f.item_key,
        "event": ",".join(str(i) for i in f.event_ids),
        "from": f.made_from.isoformat() if f.made_from else "",
        "to": f.made_to.isoformat() if f.made_to else "",
        "metric": "" if view.metric == DEFAULT_METRIC else view.metric,
        "as_of": view.as_of.isoformat() if view.as_of else "",
        "public": {True: "1", False: "0", None: ""}[view.public],
        "snapshot": view.snapshot,
    }
    return {k: v for k, v in out.items() if v}


def _one(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _listed(params: Mapping[str, Any], key: str) -> list[str]:
    return [part.strip() for part in _one(params, key).split(",") if part.strip()]


def from_params(params: Mapping[str, Any], choices: Choices) -> tuple[DashboardView, list[str]]:
    """The view a URL's parameters describe, and what in them could not be used, in words (that part left
    at its default, the rest used)."""
    problems: list[str] = []

    def known(key: str, what: str, allowed: Collection[str]) -> tuple[str, ...]:
        given = _listed(params, key)
        unknown = [g for g in given if g not in allowed]
        if unknown:
            problems.append(f"{what} {', '.join(repr(u) for u in unknown)} in the link is not known; left out.")
        return tuple(g for g in given if g in allowed)

    regions = known("region", "Region", choices.regions)
    types = known("type", "Stakeholder type", choices.stakeholder_types)
    north_raw = _one(params, "north").lower()
    north = {"north": True, "south": False, "": None}.get(north_raw)
    if north_raw and north is None:
        problems.append(f"Global North/South {north_raw!r} in the link is neither 'north' nor 'south'; both shown.")
    item = _one(params, "item")
    if item and item not in choices.items:
        problems.append(f"Framework item {item!r} in the link is not known; every item shown.")
        item = ""
    events: list[int] = []
    for raw in _listed(params, "event"):
        if raw.isdigit() and int(raw) in choices.events:
            events.append(int(raw))
        else:
            problems.append(f"Event {raw!r} in the link is not known; left out.")
    dates: dict[str, date | None] = {}
    for key, what in (("from", "start"), ("to", "end")):
        raw = _one(params, key)
        try:
            dates[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems.append(f"The period's {what} {raw!r} in the link is not a date (YYYY-MM-DD); left open.")
            dates[key] = None
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems.append("The period in the link ends before it starts; the whole period shown.")
        dates = {"from": None, "to": None}
    metric = _one(params, "metric") or DEFAULT_METRIC
    if metric not in MAP_METRICS:
        problems.append(f"Map metric {metric!r} in the link is not known; commitments shown.")
        metric = DEFAULT_METRIC
    try:
        as_of = choices.as_of(_one(params, "as_of"))
    except ValueError as exc:  # services.errors.ValidationFailed is one, in words
        problems.append(f"The as-of date in the link cannot be used: {exc}. Today's figures shown.")
        as_of = None
    public = {"1": True, "0": False, "": None}.get(_one(params, "public"))
    snapshot = _one(params, "snapshot").lower()
    if snapshot and not SNAPSHOT_SLUG.fullmatch(snapshot):
        problems.append(f"Snapshot {snapshot[:60]!r} in the link is not a snapshot's name; the live figures shown.")
        snapshot = ""
    flt = DashboardFilter(regions=regions, north=north, stakeholder_types=types, item_key=item,
                          event_ids=tuple(events), made_from=dates["from"], made_to=dates["to"])
    return DashboardView(flt, metric, public, as_of, snapshot), problems


def app_base(current_url: str | None, fallback: str) -> str:
    """The app's own address from the address the dashboard is open at (``st.context.url``: ``.../overview``,
    or the app's root), without a trailing slash; ``fallback`` when it is not known."""
    if not current_url:
        return fallback.rstrip("/")
    parts = urlsplit(current_url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last in (DASHBOARD_PATH, f"{DASHBOARD_PATH}-home"):
        path = head
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")


def dashboard_url(base: str, view: DashboardView) -> str:
    """The full permalink of ``view`` on the app served at ``base``."""
    query = urlencode(to_params(view), safe=",")
    return f"{base.rstrip('/')}/{DASHBOARD_PATH}" + (f"?{query}" if query else "")
