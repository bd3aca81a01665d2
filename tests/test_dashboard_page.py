"""The dashboard (Overview, ``/overview``) in AppTest, signed in as the secretariat: "Show as: public" makes
every headline figure the public's; the filters, the map metric and the public switch live in the URL, and
opening that URL in a new session gives the same widgets and the same figures; a wrong link says what it
could not use and shows the defaults; the Share control holds the link and its QR code."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from partners.domain.dashboard import HELD_SHORT, DashboardFilter
from partners.domain.model import PUBLIC_VIEWER, SYSTEM, Actor, Role
from partners.presentation import formatting
from partners.services import as_of, dashboard, users
from partners.storage import Store, open_store
from partners.ui import auth

ROOT = Path(__file__).resolve().parents[1]
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-cookie-secret-for-tests",
    "client_id": "partners",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
EDITOR = "sam@secretariat.example"
SECRETARIAT = Actor(identity=EDITOR, role=Role.SECRETARIAT_EDITOR, name="sam")
HEADLINE = {"Commitments": "commitments", "Partners": "partners", "Countries named": "countries",
            "Verified": "verified", "Self-reported": "self_reported_only",
            "Not reporting": "not_reporting", "Complete (reported)": "complete",
            "Complete (verified)": "complete_verified", "Joint commitments": "joint"}


@pytest.fixture
def db(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    users.add_user(demo_store, SYSTEM, EDITOR, "secretariat_editor")
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return path


def overview(email: str | None = EDITOR, params: dict[str, str] | None = None) -> AppTest:
    """The Overview opened at ``/overview?<params>`` by ``email`` (None: the public)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.secrets["auth"] = dict(AUTH_SECRETS)
    if email:
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0], "provider": "default",
                   "email_verified": True}
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected(figures: dict[str, Any]) -> dict[str, str]:
    """The figures the page shows: none when the view is held back."""
    return {} if figures["held_back"] else {label: f"{figures[key]:,}" for label, key in HEADLINE.items()}


def figures_for(path: str, actor: Any, *, as_of: date | None = None, **flt: Any) -> dict[str, Any]:
    store = open_store(path)
    try:
        return dashboard.headline(store, actor, DashboardFilter(**flt), as_of=as_of)
    finally:
        store.close()


def test_show_as_public_gives_the_secretariat_exactly_the_public_figures(db: str) -> None:
    at = overview()
    mine = metrics(at)
    assert mine == expected(figures_for(db, SECRETARIAT))
    assert any(c.value.startswith("Shown as: Secretariat") and "Data as of" in c.value for c in at.caption), \
        [c.value for c in at.caption]
    at.toggle(key="show_as_public").set_value(True).run()
    assert not at.exception, at.exception
    public = metrics(at)
    assert public == expected(figures_for(db, PUBLIC_VIEWER))
    assert public["Commitments"] != mine["Commitments"]  # drafts, private and embargoed ones left out
    assert any(c.value.startswith("Shown as: public") for c in at.caption)
    assert at.query_params.get("public") in ("1", ["1"])
    # the same as what a visitor who has not signed in sees
    assert metrics(overview(None)) == public


def widgets(at: AppTest) -> dict[str, Any]:
    """Every filter and the map metric, as the page shows them."""
    out: dict[str, Any] = {w.label: w.value for w in at.multiselect}
    out |= {w.label: w.value for w in at.radio}
    out |= {w.label: w.value for w in at.selectbox}
    out |= {w.label: w.value for w in at.date_input}
    out |= {w.label: w.value for w in at.toggle}
    return out


def test_the_view_state_round_trips_through_the_url(db: str) -> None:
    at = overview()
    at.multiselect(key="dash_regions").set_value(["Africa", "Asia"])
    at.radio(key="dash_north").set_value("south")
    at.multiselect(key="dash_types").set_value(["government", "civil_society"])
    at.date_input(key="dash_from").set_value(date(2018, 1, 1))
    at.radio(key="dash_metric").set_value("verified_share")
    at.toggle(key="show_as_public").set_value(True)
    at.run()
    assert not at.exception, at.exception
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params == {"region": "Africa,Asia", "north": "south", "type": "government,civil_society",
                      "from": "2018-01-01", "metric": "verified_share", "public": "1"}
    shown = metrics(at)
    flt = {"regions": ("Africa", "Asia"), "north": False, "stakeholder_types": ("government", "civil_society"),
           "made_from": date(2018, 1, 1)}
    assert shown == expected(figures_for(db, PUBLIC_VIEWER, **flt))
    assert shown != expected(figures_for(db, PUBLIC_VIEWER))  # the filters did narrow the figures
    again = overview(params=params)  # a new session opening the link
    assert widgets(again) == widgets(at)
    assert metrics(again) == shown
    assert not [w.value for w in again.warning if "in the link" in w.value]
    # the Share control holds the same link
    link = next(c.value for c in again.code if "/overview" in c.value)
    assert link.endswith("/overview?region=Africa,Asia&north=south&type=government,civil_society&from=2018-01-01"
                         "&metric=verified_share&public=1")


def test_a_wrong_link_says_what_it_could_not_use_and_shows_the_defaults(db: str) -> None:
    at = overview(params={"region": "Atlantis", "north": "east", "metric": "ranking", "from": "2024-13-01",
                          "event": "abc", "item": "no-such-item"})
    warnings = " ".join(w.value for w in at.warning)
    for words in ("Region 'Atlantis'", "'east'", "Map metric 'ranking'", "'2024-13-01'", "Event 'abc'",
                  "Framework item 'no-such-item'"):
        assert words in warnings, warnings
    assert metrics(at) == expected(figures_for(db, SECRETARIAT))
    assert widgets(at)["Map shows"] == "commitments"
    assert widgets(at)["Region (UN M49)"] == []
    assert dict(at.query_params) == {}  # the URL now holds the view shown: the defaults


def test_a_public_view_over_fewer_than_3_countries_says_held_back(db: str) -> None:
    store = open_store(db)
    try:
        rows = store.query_rows(
            """SELECT k.region, k.global_north FROM commitments c
               JOIN commitment_countries cc ON cc.commitment_id = c.id JOIN countries k ON k.code = cc.country_code
               WHERE c.deleted_at IS NULL AND c.review_state = 'published' AND c.visibility = 'public'
                 AND (c.embargo_until IS NULL OR c.embargo_until <= now())
               GROUP BY ALL HAVING count(DISTINCT k.code) < 3 ORDER BY 1, 2 LIMIT 1""")
    finally:
        store.close()
    region, north = rows[0]["region"], rows[0]["global_north"]
    params = {"region": region, "north": "north" if north else "south"}
    public = overview(None, params)
    assert metrics(public) == {}  # not a single figure of the selection
    assert any("held back: the public view of this selection covers fewer than 3 countries" in i.value.lower()
               for i in public.info)
    mine = overview(EDITOR, params)
    assert metrics(mine)["Commitments"] not in (HELD_SHORT, "0")


def test_the_coverage_matrix_and_the_target_progress_come_with_their_tables(db: str) -> None:
    at = overview()
    tables = {tuple(df.value.columns)[:1]: df.value for df in at.dataframe}
    matrix = tables[("Capability",)]
    assert len(matrix) == 21 and (matrix == "none").to_numpy().any()
    assert matrix.iloc[0, 0].startswith("1. ")
    targets = tables[("Target",)]
    assert {t.split(".")[0] for t in targets["Target"]} == {"T1", "T2", "T3", "T4"}
    titles = {title if isinstance(title := json.loads(c.proto.spec).get("title"), str) else (title or {}).get("text")
              for c in at.get("vega_lite_chart")}
    assert {"MNR capabilities x stakeholder types", "Progress by Global Alliance target"} <= titles


#: A past day the demo's records stood differently on (more commitments made and reported since).
PAST = date(date.today().year - 3, 6, 30)


def stamp(at: AppTest) -> str:
    return next(c.value for c in at.caption if "Data as of" in c.value)


def test_a_link_as_of_a_past_date_shows_the_figures_of_that_date(db: str) -> None:
    then, now = figures_for(db, SECRETARIAT, as_of=PAST), figures_for(db, SECRETARIAT)
    assert 0 < then["commitments"] < now["commitments"]
    at = overview(params={"as_of": PAST.isoformat(), "metric": "verified_share"})
    assert metrics(at) == expected(then)
    assert f"Data as of {formatting.day(PAST)} ·" in stamp(at) + " ·", stamp(at)
    assert any(f"As of {PAST.day} {PAST:%B %Y}" in i.value for i in at.info), [i.value for i in at.info]
    assert at.query_params.get("as_of") in (PAST.isoformat(), [PAST.isoformat()])
    link = next(c.value for c in at.code if "/overview" in c.value)  # the Share link keeps it
    assert link.endswith(f"/overview?metric=verified_share&as_of={PAST.isoformat()}")
    # the public switch applies as of then too
    at.toggle(key="show_as_public").set_value(True).run()
    assert not at.exception, at.exception
    assert metrics(at) == expected(figures_for(db, PUBLIC_VIEWER, as_of=PAST)) != expected(then)
    # back to today
    at.button(key="dash_as_of_today").click().run()
    assert not at.exception, at.exception
    assert metrics(at) == expected(figures_for(db, PUBLIC_VIEWER)) and "as_of" not in at.query_params


def test_a_summit_picked_in_the_as_of_control_goes_into_the_link(db: str) -> None:
    store = open_store(db)
    try:
        summit = as_of.occasions(store, SECRETARIAT)[-1]  # the oldest event held
    finally:
        store.close()
    at = overview()
    event = next(s for s in at.selectbox if s.label == "Or as at an event")
    event.set_value(summit)
    next(b for b in at.button if b.label == "Show the dashboard then").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("as_of") in (summit.on.isoformat(), [summit.on.isoformat()])
    assert f"Data as of {formatting.day(summit.on)}" in stamp(at)
    assert metrics(at) == expected(figures_for(db, SECRETARIAT, as_of=summit.on))


def test_an_as_of_date_the_link_cannot_use_is_said_so_and_today_shown(db: str) -> None:
    today = expected(figures_for(db, SECRETARIAT))
    to_come = (date.today() + timedelta(days=3)).isoformat()
    for raw, words in (("2024-13-01", "is not a date"), (to_come, "still to come")):
        at = overview(params={"as_of": raw})
        warnings = " ".join(w.value for w in at.warning)
        assert "The as-of date in the link cannot be used" in warnings and words in warnings, warnings
        assert metrics(at) == today
        assert raw not in stamp(at) and not [i for i in at.info if i.value.startswith("As of")]
        assert dict(at.query_params) == {}  # the URL holds the view shown: today's
