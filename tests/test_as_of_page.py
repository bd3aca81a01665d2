"""The scorecard page as of a past date (``country?code=...&as_of=YYYY-MM-DD``): the date in view, the
figures as they stood then, a way back to today, and a date that cannot be used said so in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import test_scorecard_page as scorecard_tests
from partners.domain.model import SYSTEM
from partners.services import as_of, scorecard
from partners.storage import open_store
from test_scorecard_page import EDITOR, scorecard_page

db = scorecard_tests.db  # the same database (a fixture): the demo with a focal point and an editor


def page_as_of(code: str, who: str | None, value: str) -> AppTest:
    at = scorecard_page(code, who)
    at.query_params["as_of"] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_past_date_shows_the_scorecard_as_it_stood_then(db: tuple[str, str]) -> None:
    path, code = db
    day = date(2021, 6, 30)  # before most of the demo's assessments and commitments were made
    store = open_store(path)
    try:
        then = scorecard.commitment_figures(store, SYSTEM, code, as_of=day)
        today = scorecard.commitment_figures(store, SYSTEM, code)
    finally:
        store.close()
    assert then.counted != today.counted  # the page can tell the two apart
    at = page_as_of(code, EDITOR, day.isoformat())
    assert not at.exception, at.exception
    assert any(i.value.startswith("As of 30 June 2021 — the scorecard as it stood then") for i in at.info)
    assert metric(at, "Counted") == f"{then.counted:,}"
    back = next(b for b in at.button if b.label == "Back to today")
    at = back.click().run()
    assert not at.exception, at.exception
    assert "as_of" not in at.query_params
    assert not any(i.value.startswith("As of ") for i in at.info)
    assert metric(at, "Counted") == f"{today.counted:,}"


def test_an_event_gives_the_date(db: tuple[str, str]) -> None:
    path, code = db
    store = open_store(path)
    try:
        summit = as_of.occasions(store, SYSTEM)[-1]  # the oldest
    finally:
        store.close()
    at = scorecard_page(code, EDITOR)
    pick = next(s for s in at.selectbox if s.label == "Or as at an event")
    pick.select_index(pick.options.index(f"{summit.name} ({summit.on.day} {summit.on:%B %Y})"))
    at = next(b for b in at.button if b.label == "Show the scorecard then").click().run()
    assert not at.exception, at.exception
    assert at.query_params["as_of"] in (summit.on.isoformat(), [summit.on.isoformat()])
    assert any(i.value.startswith(f"As of {summit.on.day} {summit.on:%B %Y}") for i in at.info)


@pytest.mark.parametrize(
    ("value", "words"),
    [("20/11/2024", "is not a date"), ((date.today() + timedelta(days=3)).isoformat(), "is still to come")],
    ids=["bad", "future"],
)
def test_a_date_that_cannot_be_used_is_said_so_and_today_is_shown(
    db: tuple[str, str], value: str, words: str
) -> None:
    _, code = db
    at = page_as_of(code, None, value)
    assert not at.exception, at.exception
    assert any("The date in the address cannot be used" in e.value and words in e.value for e in at.error)
    assert not any(i.value.startswith("As of ") for i in at.info)
    assert at.get("vega_lite_chart")  # today's scorecard, drawn
