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
from partners.services import dashboard, read, scorecard_document, setup, since
from partners.services.scorecard_document import ScorecardDocument
from partners.storage.port import Store

#: The breakdowns of the public dashboard, in the order the site shows them.
BREAKDOWNS = ("stakeholder_type", "status", "year", "region")


@dataclass(frozen=True)
class PublicDashboard:
    """The public dashboard's figures at one moment, as the public sees them: the dashboard's own functions
    for the public viewer, so a group over fewer than 3 countries is held back here as on the page."""

    as_of: datetime  # the moment the figures were read
    demo: str | None  # what the demo data is (None: real records only)
    headline: dict[str, int]
    definitions: dict[str, str]  # what each headline figure counts
    per_country: pd.DataFrame  # commitments naming each country (code, numeric, name, region, commitments)
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # BREAKDOWNS -> key, commitments
    #: BREAKDOWNS -> the groups left out of it: over fewer than 3 countries, held back for the public
    held_back: dict[str, tuple[str, ...]] = field(default_factory=dict)


def public_dashboard(store: Store, *, now: datetime | None = None) -> PublicDashboard:
    """The dashboard's figures as the public sees them now (``now``: the clock)."""
    viewer = PUBLIC_VIEWER
    authorize(viewer, UseCase.VIEW_PUBLIC)
    now = now or datetime.now()
    parts = {by: _breakdown(store, by, now) for by in BREAKDOWNS}
    return PublicDashboard(
        as_of=now,
        demo=setup.demo_description(store, viewer),
        headline=_headline(store, now),
        definitions=read.headline_definitions(store, viewer),
        per_country=read.commitments_per_country(store, viewer, now=now),
        breakdowns={by: kept for by, (kept, _) in parts.items()},
        held_back={by: held for by, (_, held) in parts.items() if held},
    )


def _headline(store: Store, now: datetime) -> dict[str, int]:
    """The dashboard's headline figures for the public (``services.dashboard``); none at all when the whole
    view covers fewer than 3 countries (the dashboard's rule for the public)."""
    figures = dashboard.headline(store, PUBLIC_VIEWER, now=now)
    if figures.pop("held_back"):
        return {}
    return {k: int(v) for k, v in figures.items()}


def _breakdown(store: Store, by: str, now: datetime) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The dashboard's breakdown for the public (``key``, ``commitments``), the groups it holds back (fewer
    than 3 countries) left out, and the keys of those groups."""
    rows = dashboard.breakdown(store, PUBLIC_VIEWER, by, now=now)
    kept = rows.loc[~rows["held_back"], ["key", "commitments"]]
    held = tuple(str(k) for k in rows.loc[rows["held_back"], "key"])
    return kept.astype({"commitments": "int64"}).reset_index(drop=True), held


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
