"""Frozen snapshots of the public dashboard: a presenter freezes the dashboard under a name before going on
stage, and the slides show the snapshot, whatever is edited during the summit.

A snapshot keeps the figures and the chart data themselves (``dashboard.DashboardFigures`` and the "since the
last summit" figures, as JSON), never a query: opening it reads back exactly what was frozen. It is always the
public view (``PUBLIC_VIEWER``: published, not embargoed, public visibility; groups over fewer than 3
countries held back), whoever freezes it, so it can be shown, shared by permalink, packed and published. It is
only ever added: there is no edit, and a name once used stays taken.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import pandas as pd
from pydantic import TypeAdapter

from partners.domain.dashboard import EVERYTHING, DashboardFilter
from partners.domain.model import PUBLIC_VIEWER, Actor
from partners.domain.permissions import UseCase, authorize, can
from partners.domain.since import SinceFigures
from partners.services import audit, dashboard, setup, since
from partners.services.as_of import AsOf
from partners.services.dashboard import DashboardFigures
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.errors import DuplicateKeyError
from partners.storage.port import Store

#: The longest name and view text a snapshot keeps.
MAX_NAME = 80
MAX_VIEW = 2000
#: The version of the JSON a snapshot keeps (``_payload``), so that a later change of it can still read older ones.
FORMAT = 1

_SINCE = TypeAdapter(SinceFigures)
_SLUG_PART = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Snapshot:
    """One frozen snapshot. ``view``: the dashboard's permalink parameters it was frozen with (filters, map
    metric) as a query string; ``frozen_by``: who froze it, for the secretariat only (empty for others).
    ``figures`` and ``since`` are what was frozen (None in a listing)."""

    slug: str
    name: str
    frozen_at: datetime
    data_as_of: datetime
    view: str
    is_demo: bool
    frozen_by: str = ""
    figures: DashboardFigures | None = None
    since: SinceFigures | None = None


def slug_of(name: str) -> str:
    """The permalink's part for a name: lower case letters and digits joined by hyphens."""
    return _SLUG_PART.sub("-", name.strip().lower()).strip("-")[:60].strip("-")


def _check_name(name: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    problems = []
    if not name:
        problems.append("Give the snapshot a name, e.g. 'Summit 2026 opening'.")
    elif len(name) > MAX_NAME:
        problems.append(f"The name is {len(name)} characters long; keep it to {MAX_NAME}.")
    elif not slug_of(name):
        problems.append("The name needs at least one letter or digit (it becomes the snapshot's link).")
    if problems:
        raise ValidationFailed(problems)
    return name, slug_of(name)


def freeze(
    store: Store, actor: Actor, name: str, flt: DashboardFilter = EVERYTHING, *, as_of: AsOf = None,
    view: str = "", now: datetime | None = None,
) -> Snapshot:
    """Freeze the public dashboard narrowed by ``flt`` (and the default "since the last summit") under
    ``name``; returns the snapshot. ``as_of``: the dashboard as it stood then (a past day or moment; None:
    now). ``view``: the dashboard's permalink parameters to open it with. A name
    that is empty, too long, or taken (by the same link: names differing only in case or punctuation are
    one) is refused and nothing is kept."""
    authorize(actor, UseCase.FREEZE_SNAPSHOT)
    name, slug = _check_name(name)
    if len(view) > MAX_VIEW:
        raise ValidationFailed([f"The view to freeze is {len(view)} characters long; at most {MAX_VIEW}."])
    with store.transaction(now):
        when = store.now()
        if store.snapshot(slug) is not None:
            raise ValidationFailed([f"A snapshot named like '{name}' exists already (its link is '{slug}'): "
                                    "snapshots are never replaced, so choose another name."])
        figures = dashboard.figures(store, PUBLIC_VIEWER, flt, as_of=as_of, now=when)
        day = figures.as_of.date() if as_of is not None else None
        window = since.window_until(store, PUBLIC_VIEWER, day) if day else since.window(store, PUBLIC_VIEWER, now=when)
        changed = since.figures(store, PUBLIC_VIEWER, window, public=True, now=when)
        values = {
            "slug": slug, "name": name, "frozen_by": actor.display, "frozen_at": when,
            "data_as_of": figures.as_of,
            "view": view, "figures": json.dumps(_payload(figures, changed), default=_plain),
            "is_demo": setup.demo_description(store, PUBLIC_VIEWER) is not None,
        }
        try:
            store.add_snapshot(values)
        except DuplicateKeyError as exc:  # frozen at the same moment by someone else
            raise ValidationFailed([f"A snapshot named like '{name}' exists already; choose another name."]) from exc
        audit.record(store, actor, "freeze", "snapshot", slug,
                     after={"name": name, "view": view, "is_demo": values["is_demo"]}, at=when)
    return Snapshot(slug, name, when, figures.as_of, view, bool(values["is_demo"]), actor.display, figures, changed)


def listing(store: Store, actor: Actor) -> list[Snapshot]:
    """Every snapshot, newest first, without its figures. Snapshots hold public figures only, so anyone may
    list them; who froze each is given to those who may freeze."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    staff = can(actor, UseCase.FREEZE_SNAPSHOT)
    return [_snapshot(row, staff) for row in store.snapshots()]


def opened(store: Store, actor: Actor, slug: str) -> Snapshot:
    """One snapshot with what it froze, by its link's slug; ``NotFound`` when there is none."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    row = store.snapshot(str(slug or "").strip().lower())
    if row is None:
        raise NotFound(f"There is no snapshot '{slug}': it may have been named otherwise (see Snapshots).")
    payload = json.loads(row["figures"])
    return _snapshot(row, can(actor, UseCase.FREEZE_SNAPSHOT), payload)


def _snapshot(row: dict[str, Any], staff: bool, payload: dict[str, Any] | None = None) -> Snapshot:
    figures = changed = None
    if payload is not None:
        figures = _figures(payload["dashboard"])
        changed = _SINCE.validate_python(payload["since"]) if payload.get("since") else None
    return Snapshot(str(row["slug"]), str(row["name"]), row["frozen_at"], row["data_as_of"], str(row["view"] or ""),
                    bool(row["is_demo"]), str(row["frozen_by"]) if staff else "", figures, changed)


# -- the JSON a snapshot keeps -----------------------------------------------------------------------------

_FRAMES = ("countries", "coverage", "targets")


def _payload(figures: DashboardFigures, changed: SinceFigures | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "as_of": figures.as_of.isoformat(), "public": figures.public, "demo": figures.demo,
        "headline": figures.headline, "definitions": figures.definitions,
        "breakdowns": {by: _frame_out(frame) for by, frame in figures.breakdowns.items()},
    }
    out |= {name: _frame_out(getattr(figures, name)) for name in _FRAMES}
    return {"format": FORMAT, "dashboard": out,
            "since": _SINCE.dump_python(changed, mode="json") if changed is not None else None}


def _figures(data: dict[str, Any]) -> DashboardFigures:
    known = {f.name for f in fields(DashboardFigures)}
    return DashboardFigures(
        as_of=datetime.fromisoformat(data["as_of"]), public=bool(data["public"]), demo=data.get("demo"),
        headline=dict(data["headline"]), definitions=dict(data["definitions"]),
        breakdowns={by: _frame_in(frame) for by, frame in data.get("breakdowns", {}).items()},
        **{name: _frame_in(data[name]) for name in _FRAMES if name in known and name in data},
    )


def _frame_out(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as plain JSON data: its columns, their dtypes, and its rows (missing values as null)."""
    return {"columns": [str(c) for c in frame.columns], "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
            "rows": json.loads(frame.to_json(orient="values", date_format="iso"))}


def _frame_in(data: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    for column, dtype in data["dtypes"].items():
        if dtype in ("Int64", "bool", "boolean", "int64", "float64", "string"):
            frame[column] = frame[column].astype("Int64" if dtype == "int64" and frame[column].isna().any()
                                                 else dtype)
    return frame


def _plain(value: Any) -> Any:
    """What ``json`` cannot write itself: numpy numbers, pandas' missing value, moments."""
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in a snapshot")
