"""What the static public site and the offline pack hold: the public dashboard and the published scorecards.

Every figure here is computed as ``domain.model.PUBLIC_VIEWER``, whoever runs the command: a site or a pack is
handed to a room, so it holds exactly what an anonymous visitor of the app sees (published, not embargoed,
public visibility). Nothing here draws or writes files: ``presentation.static_site`` and
``presentation.offline_pack`` turn these plain results into HTML, CSV, JSON and chart files.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from partners.domain.model import PUBLIC_VIEWER
from partners.domain.permissions import UseCase, authorize
from partners.domain.since import SinceFigures
from partners.services import dashboard, read, scorecard_document, since, snapshots
from partners.services.dashboard import DashboardFigures
from partners.services.errors import NotFound
from partners.services.scorecard_document import ScorecardDocument
from partners.services.snapshots import Snapshot
from partners.storage.port import Store

#: The breakdowns of the public dashboard, in the order the site shows them: the dashboard's own.
BREAKDOWNS = dashboard.BREAKDOWNS


@dataclass(frozen=True)
class PublicDashboard:
    """The public dashboard's figures at one moment, as the public sees them: the dashboard's own functions
    for the public viewer, so a group over fewer than 3 countries is held back here as on the page."""

    as_of: datetime  # the moment the figures were read
    demo: str | None  # what the demo data is (None: real records only)
    headline: dict[str, int]
    definitions: dict[str, str]  # what each headline figure counts
    per_country: pd.DataFrame  # each country's figures (code, numeric, name, region, commitments, ...)
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # BREAKDOWNS -> key, commitments
    #: BREAKDOWNS -> the groups left out of it: over fewer than 3 countries, held back for the public
    held_back: dict[str, tuple[str, ...]] = field(default_factory=dict)
    snapshot: str = ""  # the name of the frozen snapshot these figures are ("": computed when written)


def public_dashboard(store: Store, *, now: datetime | None = None) -> PublicDashboard:
    """The dashboard's figures as the public sees them now (``now``: the clock)."""
    authorize(PUBLIC_VIEWER, UseCase.VIEW_PUBLIC)
    return of_figures(dashboard.figures(store, PUBLIC_VIEWER, now=now or datetime.now()))


def of_figures(figures: DashboardFigures, snapshot: str = "") -> PublicDashboard:
    """The public dashboard made of the dashboard's figures for the public (computed now, or a frozen
    snapshot's): the headline figures none at all when the whole view covers fewer than 3 countries, and each
    breakdown without the groups it holds back (over fewer than 3 countries), which ``held_back`` names.
    ``snapshot``: the name of the snapshot the figures were frozen as."""
    if not figures.public:
        raise ValueError("the public site and the offline pack hold the public view only")
    headline = dict(figures.headline)
    held = bool(headline.pop("held_back", False))
    parts = {by: _kept(rows) for by, rows in figures.breakdowns.items()}
    return PublicDashboard(
        as_of=figures.as_of,
        demo=figures.demo,
        headline={} if held else {k: int(v) for k, v in headline.items()},
        definitions=dict(figures.definitions),
        per_country=figures.countries,
        breakdowns={by: kept for by, (kept, _) in parts.items()},
        held_back={by: keys for by, (_, keys) in parts.items() if keys},
        snapshot=snapshot,
    )


def _kept(rows: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A breakdown for the public (``key``, ``commitments``) without the groups it holds back (fewer than 3
    countries), and the keys of those groups."""
    held = rows["held_back"].astype(bool)
    kept = rows.loc[~held, ["key", "commitments"]]
    return kept.astype({"commitments": "int64"}).reset_index(drop=True), tuple(str(k) for k in rows.loc[held, "key"])


def public_snapshots(store: Store) -> list[tuple[Snapshot, PublicDashboard]]:
    """Every frozen snapshot (newest first) with its public dashboard, as frozen: the site's snapshot pages."""
    return [(snap, of_figures(snap.figures, snap.name)) for snap in
            (snapshots.opened(store, PUBLIC_VIEWER, s.slug) for s in snapshots.listing(store, PUBLIC_VIEWER))
            if snap.figures is not None]


def public_snapshot(store: Store, name: str) -> tuple[Snapshot, PublicDashboard]:
    """One frozen snapshot by its name or its link's slug (in any case), with its public dashboard; ``NotFound``
    naming the snapshots there are when there is none."""
    slug = snapshots.slug_of(name)
    try:
        snap = snapshots.opened(store, PUBLIC_VIEWER, slug)
    except NotFound:
        names = [s.name for s in snapshots.listing(store, PUBLIC_VIEWER)]
        there = ("the snapshots are: " + "; ".join(names[:20])) if names else "no snapshot has been frozen yet"
        raise NotFound(f"there is no snapshot named {name!r}: {there}") from None
    assert snap.figures is not None
    return snap, of_figures(snap.figures, snap.name)


def public_commitments(store: Store, *, now: datetime | None = None) -> pd.DataFrame:
    """Every commitment the public may see, newest first (the site's open list of commitments)."""
    return read.find_commitments(store, PUBLIC_VIEWER, now=now)


def published_scorecard_codes(store: Store) -> list[str]:
    """The member countries with a published scorecard (at least one published, live assessment), by code:
    the countries the public site gives a page."""
    authorize(PUBLIC_VIEWER, UseCase.VIEW_PUBLIC)
    members = set(scorecard_document.member_codes(store, PUBLIC_VIEWER))
    return sorted({str(r["country_code"]) for r in store.published_member_assessments()} & members)


def public_scorecards(store: Store, *, now: datetime | None = None) -> Iterator[ScorecardDocument]:
    """Each published scorecard (``published_scorecard_codes``) as the public sees it, one after another."""
    now = now or datetime.now()
    for code in published_scorecard_codes(store):
        yield scorecard_document.scorecard_document(store, PUBLIC_VIEWER, code, now=now)


def public_since(store: Store, *, start: str = "", end: str = "",
                 now: datetime | None = None) -> tuple[SinceFigures | None, tuple[str, ...]]:
    """What changed between two ends as the public sees it (``services.since``), for the pack: each end an
    event already held (its id or its name, in any case), a date (YYYY-MM-DD) or empty (the page's default:
    since the last summit, up to today). Returns the figures, or None and the reasons an end cannot be used."""
    now = now or datetime.now()
    names = {o.name.strip().lower(): o.event_id for o in since.events(store, PUBLIC_VIEWER, now)}

    def as_id(text: str) -> str:
        found = names.get(text.strip().lower())
        return str(found) if found is not None else text

    win = since.window(store, PUBLIC_VIEWER, as_id(start), as_id(end), now=now)
    if win.problems:
        return None, win.problems
    return since.figures(store, PUBLIC_VIEWER, win, public=True, now=now), ()
