"""The "Since the last summit" page (``since?from=..&to=..&public=..``): public by default even for the
secretariat, its figures and paragraph those of the service, the controls and the public switch kept in the
address (opening it again gives the same view), and what cannot be used in the address said in words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

import test_scorecard_page as scorecard_tests
from partners.domain.model import SYSTEM, Actor, Role
from partners.presentation.since_text import paragraph
from partners.services import since
from partners.storage import open_store
from test_scorecard_page import AUTH_SECRETS, EDITOR

ROOT = Path(__file__).resolve().parents[1]
PAGE = "src/partners/pages/since.py"
db = scorecard_tests.db  # the demo database with a secretariat editor (a fixture)
EDITOR_ACTOR = Actor(identity=EDITOR, role=Role.SECRETARIAT_EDITOR)


def since_page(email: str | None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.secrets["auth"] = dict(AUTH_SECRETS)
    if email:
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0], "provider": "default",
                   "email_verified": True}
    at.run()
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    at = at.run()
    assert not at.exception, at.exception
    return at


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shown_paragraph(at: AppTest) -> str:
    [text] = [t.value for t in at.text]
    return text


def chart_rows(at: AppTest, title: str) -> list[dict]:
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if (spec.get("title") or {}) in (title, {"text": title}) or spec.get("title") == title:
            return [row for d in chart.proto.datasets for row in pa.ipc.open_stream(d.data.data).read_all().to_pylist()]
    raise AssertionError(f"no chart titled {title}")


def service(path: str, start: str = "", end: str = "", *, public: bool) -> since.SinceFigures:
    store = open_store(path)
    try:
        return since.figures(store, EDITOR_ACTOR, since.window(store, SYSTEM, start, end), public=public)
    finally:
        store.close()


def test_public_by_default_for_the_secretariat_with_the_service_figures(db: tuple[str, str]) -> None:
    path, _ = db
    at = since_page(EDITOR)
    [switch] = [t for t in at.toggle if t.label == "Show as: public"]
    assert switch.value is True
    assert param(at, "public") is None  # the default: not written
    expected = service(path, public=True)
    assert param(at, "from") == str(expected.start.event_id) and param(at, "to") == "today"
    assert shown_paragraph(at) == paragraph(expected)
    assert at.code[0].value == paragraph(expected)  # the copy-friendly block
    assert metric(at, "New commitments") == f"{expected.new:,}"
    assert metric(at, "Newly complete") == f"{expected.newly_complete:,}"
    assert metric(at, "Partners with a first commitment") == f"{expected.engaged_partners:,}"
    changes = {r["Change"]: r["Commitments"] for r in chart_rows(at, "What changed")}
    assert changes["New commitments"] == expected.new
    assert changes["Newly not reporting"] == expected.newly_overdue
    by_type = {r["Stakeholder type"]: r["Commitments"] for r in chart_rows(at, "New commitments by stakeholder type")}
    assert by_type == {g.label: g.commitments for g in expected.new_by_type}
    assert any("Shown as: public" in c.value for c in at.caption)


def test_switching_public_off_shows_the_secretariat_figures_and_the_link_keeps_it(db: tuple[str, str]) -> None:
    path, _ = db
    public, own = service(path, public=True), service(path, public=False)
    assert own.new > public.new  # drafts, private and embargoed commitments: the two views differ
    at = since_page(EDITOR)
    at = next(t for t in at.toggle if t.label == "Show as: public").set_value(False).run()
    assert not at.exception, at.exception
    assert param(at, "public") == "0"
    assert metric(at, "New commitments") == f"{own.new:,}"
    assert shown_paragraph(at) == paragraph(own)
    assert any("includes data the public does not see" in c.value for c in at.caption)


def test_the_permalink_reopens_the_same_view(db: tuple[str, str]) -> None:
    path, _ = db
    store = open_store(path)
    try:
        held = since.events(store, SYSTEM)
    finally:
        store.close()
    oldest = held[-1]
    at = since_page(EDITOR)
    pick = next(s for s in at.selectbox if s.label == "From")
    at = pick.set_value(oldest.event_id).run()
    pick_to = next(s for s in at.selectbox if s.label == "To")
    at = pick_to.set_value("date").run()
    at = next(d for d in at.date_input if d.label == "To date").set_value(date(2022, 1, 31)).run()
    at = next(t for t in at.toggle if t.label == "Show as: public").set_value(False).run()
    assert not at.exception, at.exception
    link = {k: param(at, k) for k in ("from", "to", "public")}
    assert link == {"from": str(oldest.event_id), "to": "2022-01-31", "public": "0"}
    text = shown_paragraph(at)
    assert text == paragraph(service(path, str(oldest.event_id), "2022-01-31", public=False))
    assert text.startswith(f"Between {oldest.name}")
    again = since_page(EDITOR, **link)
    assert shown_paragraph(again) == text
    assert {k: param(again, k) for k in link} == link
    assert next(t for t in again.toggle if t.label == "Show as: public").value is False


def test_a_date_chosen_as_the_start(db: tuple[str, str]) -> None:
    path, _ = db
    at = since_page(EDITOR)
    at = next(s for s in at.selectbox if s.label == "From").set_value("date").run()
    at = next(d for d in at.date_input if d.label == "From date").set_value(date(2023, 3, 1)).run()
    assert not at.exception, at.exception
    assert param(at, "from") == "2023-03-01"
    assert shown_paragraph(at).startswith("Since 1 Mar 2023, ")
    assert shown_paragraph(at) == paragraph(service(path, "2023-03-01", "today", public=True))


def test_what_the_address_asks_and_cannot_be_used_is_said_and_the_default_shown(db: tuple[str, str]) -> None:
    path, _ = db
    at = since_page(EDITOR, **{"from": "9999", "to": "2001-01-01"})
    [error] = at.error
    assert "there is no event 9999" in error.value and "Showing the default comparison" in error.value
    default = service(path, public=True)
    assert shown_paragraph(at) == paragraph(default)
    assert param(at, "from") == str(default.start.event_id) and param(at, "to") == "today"


def test_the_public_sees_no_switch_and_the_public_figures(db: tuple[str, str]) -> None:
    path, _ = db
    at = since_page(None, public="0")  # asking for more than the public view gives the public view
    assert not [t for t in at.toggle if t.label == "Show as: public"]
    assert shown_paragraph(at) == paragraph(service(path, public=True))


def test_an_end_before_the_start_is_refused_and_the_comparison_kept(db: tuple[str, str]) -> None:
    path, _ = db
    store = open_store(path)
    try:
        held = since.events(store, SYSTEM)
    finally:
        store.close()
    at = since_page(EDITOR)
    before = shown_paragraph(at)
    start = param(at, "from")
    first = service(path, public=True).start.day
    older = next(o for o in held if o.on < first)
    at = next(s for s in at.selectbox if s.label == "To").set_value(older.event_id).run()
    assert not at.exception, at.exception
    said = [w.value.replace("\\", "") for w in at.warning]  # as shown: the escapes of plain text dropped
    assert any("That comparison cannot be shown: the start" in w and "must be before the end" in w for w in said)
    assert shown_paragraph(at) == before
    assert (param(at, "from"), param(at, "to")) == (start, "today")
    assert next(s for s in at.selectbox if s.label == "To").value == "today"
