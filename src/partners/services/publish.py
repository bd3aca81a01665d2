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
from partners.services import read, scorecard_document, setup, since
from partners.services.scorecard_document import ScorecardDocument
from partners.storage.port import Store

#: The breakdowns of the public dashboard, in the order the site shows them.
BREAKDOWNS = ("stakeholder_type", "status", "year", "region")


@dataclass(frozen=True)
class PublicDashboard:
    """The public dashboard's figures at one moment, as the public sees them."""

    as_of: datetime  # the moment the figures were read
    demo: str | None  # what the demo data is (None: real records only)
    headline: dict[str, int]
    definitions: dict[str, str]  # what each headline figure counts
    per_country: pd.DataFrame  # commitments naming each country (code, numeric, name, region, commitments)
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # BREAKDOWNS -> key, commitments


def public_dashboard(store: Store, *, now: datetime | None = None) -> PublicDashboard:
    """The dashboard's figures as the public sees them now (``now``: the clock)."""
    viewer = PUBLIC_VIEWER
    authorize(viewer, UseCase.VIEW_PUBLIC)
    now = now or datetime.now()
    return PublicDashboard(
        as_of=now,
        demo=setup.demo_description(store, viewer),
        headline=read.headline(store, viewer, now=now),
        definitions=read.headline_definitions(store, viewer),
        per_country=read.commitments_per_country(store, viewer, now=now),
        breakdowns={by: read.breakdown(store, viewer, by, now=now) for by in BREAKDOWNS},
    )


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
