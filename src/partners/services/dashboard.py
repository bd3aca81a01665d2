"""The dashboard's use cases (the Overview): its figures as plain functions of (store, viewer, filter).

Every figure is computed for the viewer's scope (``view_scope``); the page computes them for
``PUBLIC_VIEWER`` when "Show as: public" is on. For the public viewer, an aggregate over fewer than
``MIN_PUBLIC_COUNTRIES`` countries is held back: the figure is ``None`` and the view says so. A group is over
fewer than 3 countries when it names fewer than 3 (of the countries the filter keeps) and holds no global
commitment (one that serves every country). A country's own figures (the map) are not aggregates over
countries and are shown; countries are listed by name, never ranked.

``as_of`` (a date: the end of that day; a moment; None: now) computes every figure as it stood then, from the
stored history (``services.as_of.moment``): the records, their visibility and embargoes, the latest statuses
and who was reporting, all at that moment. ``filter_options`` are today's.

Other views (since the last summit, the static site, the offline pack) call these same functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain.dashboard import EVERYTHING, MIN_PUBLIC_COUNTRIES, DashboardFilter
from partners.domain.model import Actor, Role, StakeholderType
from partners.domain.scope import ViewScope
from partners.services import frameworks, read, setup
from partners.services.as_of import AsOf, moment
from partners.services.scorecard import current_mnr
from partners.services.visibility import view_scope
from partners.storage.port import Store

BREAKDOWNS = ("stakeholder_type", "status", "year", "region")

#: The framework family of the Global Alliance against Child Sexual Abuse Online (its four targets).
GA_FAMILY = "GA"


def suppressing(actor: Actor) -> bool:
    """Whether figures over fewer than 3 countries are held back for this viewer (the public's)."""
    return actor.role is Role.PUBLIC


def _scope(store: Store, actor: Actor, now: datetime | None, as_of: AsOf) -> ViewScope:
    """The viewer's scope, reading the records as they stood at ``as_of`` (``ValidationFailed`` for a moment
    still to come)."""
    return view_scope(actor, now, store, as_of=moment(as_of, now))


def _small(countries: int, global_: int) -> bool:
    return countries < MIN_PUBLIC_COUNTRIES and global_ == 0


def headline(
    store: Store, actor: Actor, flt: DashboardFilter = EVERYTHING, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """The headline figures (``HEADLINE_DEFINITIONS``) of the view, and ``held_back``: True when the whole
    view covers fewer than 3 countries for the public, every figure then ``None`` (``member_countries``
    aside: a fact about the alliance, not about commitments)."""
    figures: dict[str, Any] = dict(store.dashboard_headline(_scope(store, actor, now, as_of), flt))
    held = suppressing(actor) and _small(figures["countries"], figures["global"])
    if held:
        figures = {k: (v if k == "member_countries" else None) for k, v in figures.items()}
    return figures | {"held_back": held}


def breakdown(
    store: Store, actor: Actor, by: str, flt: DashboardFilter = EVERYTHING, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """The view's commitments by ``by`` (``BREAKDOWNS``): ``key``, ``commitments`` (None when held back)
    and ``held_back``, by key. A joint or multi-country commitment counts once in each group."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by}")
    rows = store.dashboard_breakdown(_scope(store, actor, now, as_of), flt, by, countries=suppressing(actor))
    held = (
        [_small(int(c), int(g)) for c, g in zip(rows["countries"], rows["global"], strict=True)]
        if suppressing(actor) else [False] * len(rows)
    )  # fmt: skip
    out = pd.DataFrame({"key": rows["key"], "commitments": rows["commitments"].astype("Int64"),
                        "held_back": pd.Series(held, index=rows.index, dtype=bool)})  # bool when empty too
    out.loc[out["held_back"], "commitments"] = pd.NA
    return out.reset_index(drop=True)


def countries(
    store: Store, actor: Actor, flt: DashboardFilter = EVERYTHING, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """Every country the filter keeps, by name (never ranked), with the map's metrics: ``commitments``
    naming it, ``share_complete`` and ``verified_share`` of those (None without any), and ``mnr_coverage``:
    the share of the current MNR's capabilities its published scorecard assesses (published assessments
    only, whoever looks: the map is one picture for every viewer of a country). Plus ``complete``,
    ``verified``, ``assessed`` and ``capabilities`` (the counts behind the shares)."""
    caps = list(current_mnr(store).capability_keys)
    rows = store.dashboard_countries(_scope(store, actor, now, as_of), flt, caps)
    n = rows["commitments"].astype(float)
    rows["share_complete"] = (rows["complete"] / n).where(n > 0)
    rows["verified_share"] = (rows["verified"] / n).where(n > 0)
    rows["capabilities"] = len(caps)
    rows["mnr_coverage"] = rows["assessed"] / len(caps) if caps else None
    return rows.sort_values("name", kind="stable").reset_index(drop=True)


def filter_options(store: Store, actor: Actor) -> dict[str, Any]:
    """What the filters offer: ``regions`` (names), ``stakeholder_types`` (values), ``events`` (id ->
    name and date, newest first) and ``items`` (framework item key -> "framework: code name")."""
    view_scope(actor, None, store)  # the same permission as every figure of the view
    events = store.events()
    items = store.framework_items()
    return {
        "regions": sorted(set(store.countries()["region"])),
        "stakeholder_types": [t.value for t in StakeholderType],
        "events": {int(i): f"{name} ({d:%Y-%m-%d})" for i, name, d in zip(events.id, events.name, events.date,
                                                                          strict=True)},
        "items": {str(k): f"{fw}: {code} {name}" for k, fw, code, name in zip(items.key, items.framework,
                                                                               items.code, items.name, strict=True)},
    }


def _held(rows: pd.DataFrame, actor: Actor) -> list[bool]:
    if not suppressing(actor):
        return [False] * len(rows)
    return [_small(int(c), int(g)) for c, g in zip(rows["countries"], rows["global"], strict=True)]


def coverage_matrix(
    store: Store, actor: Actor, flt: DashboardFilter = EVERYTHING, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """The current MNR's capabilities x stakeholder types: every pair (in the MNR's order, then the types'),
    with the view's commitments linked to the capability that have a partner of the type (``commitments``:
    0 for an empty cell, None when held back) and ``held_back``. Columns: ``capability`` ("1. Leadership"),
    ``capability_key``, ``type``, ``commitments``, ``held_back``."""
    caps = frameworks.capabilities(store)
    rows = store.dashboard_item_types(_scope(store, actor, now, as_of), flt, list(caps["key"]),
                                      countries=suppressing(actor))
    # (item, type) -> (held back, commitments), read once: a lookup per cell of the frame costs far more
    cells = {(item, kind): (bool(held), int(count)) for item, kind, held, count in
             zip(rows["item"], rows["type"], _held(rows, actor), rows["commitments"], strict=True)}
    out = []
    for key, code, name in zip(caps["key"], caps["code"], caps["name"], strict=True):
        for kind in StakeholderType:
            held, count = cells.get((key, kind.value), (False, 0))
            out.append({"capability": f"{code}. {name}", "capability_key": key, "type": kind.value,
                        "commitments": None if held else count, "held_back": held})
    frame = pd.DataFrame(out, columns=["capability", "capability_key", "type", "commitments", "held_back"])
    frame["held_back"] = frame["held_back"].astype(bool)  # bool when empty too
    frame["commitments"] = frame["commitments"].astype("Int64")
    return frame


def target_progress(
    store: Store, actor: Actor, flt: DashboardFilter = EVERYTHING, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """The Global Alliance's targets (``GA_FAMILY``, its current version): the view's commitments linked to
    each target or one of its operational goals (once per target), by latest reported status. Columns:
    ``target`` ("T1. Identify victims ..."), ``status``, ``commitments`` (None when held back),
    ``held_back``; every target listed (a target without commitments: one row, status None, 0)."""
    current = frameworks.current_framework(store, GA_FAMILY)
    items = store.framework_items()
    items = items[items.framework_id == (current.id if current else "")]
    targets = items[items.kind == "target"]
    label = {k: f"{c}. {n}" for k, c, n in zip(targets.key, targets.code, targets.name, strict=True)}
    parent = dict(zip(items.key, items.parent_key, strict=True))
    keys = [k for k in items.key if k in label or parent.get(k) in label]
    groups = [k if k in label else str(parent[k]) for k in keys]
    rows = store.dashboard_group_status(_scope(store, actor, now, as_of), flt, keys, groups,
                                        countries=suppressing(actor))
    held = _held(rows, actor)
    out = pd.DataFrame({"target": rows["key"].map(label), "status": rows["status"],
                        "commitments": rows["commitments"].astype("Int64"),
                        "held_back": pd.Series(held, index=rows.index, dtype=bool)})
    out.loc[out["held_back"], "commitments"] = pd.NA
    missing = [t for t in label.values() if t not in set(out["target"])]
    empty = pd.DataFrame({"target": missing, "status": [None] * len(missing),
                          "commitments": pd.array([0] * len(missing), dtype="Int64"),
                          "held_back": [False] * len(missing)})
    out = pd.concat([out, empty], ignore_index=True) if missing else out
    order = {t: i for i, t in enumerate(label.values())}
    return out.sort_values("target", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class DashboardFigures:
    """Every figure of one dashboard view, for one viewer and filter at one moment: what the Overview and
    presentation mode draw, what a frozen snapshot keeps and what the public site and the offline pack are
    made from. ``public``: computed for the public viewer (groups over fewer than 3 countries held back)."""

    as_of: datetime
    public: bool
    demo: str | None  # what the demo data is (None: real records only)
    headline: dict[str, Any]  # ``headline``: the figures and ``held_back``
    definitions: dict[str, str]  # what each headline figure counts
    countries: pd.DataFrame  # ``countries``: every country the filter keeps, with the map's metrics
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # BREAKDOWNS -> ``breakdown``
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)  # ``coverage_matrix``
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)  # ``target_progress``


def figures(
    store: Store, actor: Actor, flt: DashboardFilter = EVERYTHING, *, as_of: AsOf = None,
    now: datetime | None = None,
) -> DashboardFigures:
    """The whole view at once (``now``: the clock; ``as_of``: as the records stood then, the figures'
    ``as_of`` that moment): each figure from this module's own functions."""
    now = now or datetime.now()
    at = moment(as_of, now) or now
    return DashboardFigures(
        as_of=at,
        public=suppressing(actor),
        demo=setup.demo_description(store, actor),
        headline=headline(store, actor, flt, as_of=as_of, now=now),
        definitions=read.headline_definitions(store, actor),
        countries=countries(store, actor, flt, as_of=as_of, now=now),
        breakdowns={by: breakdown(store, actor, by, flt, as_of=as_of, now=now) for by in BREAKDOWNS},
        coverage=coverage_matrix(store, actor, flt, as_of=as_of, now=now),
        targets=target_progress(store, actor, flt, as_of=as_of, now=now),
    )
