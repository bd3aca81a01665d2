"""Presentation mode (``/present``) in AppTest, signed in as the secretariat: public by default (the figures
the public's), switched off the secretariat's own; Next and Previous move the slide and keep it in the URL
(a permalink opens it again); a slide that is not in the presentation says so and shows slide 1."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest
from tests.test_dashboard_page import AUTH_SECRETS, EDITOR, SECRETARIAT, figures_for
from tests.test_dashboard_page import db as db  # noqa: PLC0414 - the demo database with an editor (a fixture)

from partners.domain.model import PUBLIC_VIEWER
from partners.presentation import formatting
from partners.presentation.since_text import paragraph
from partners.services import since
from partners.storage import open_store

ROOT = Path(__file__).resolve().parents[1]
PAGE = "src/partners/pages/present.py"
HEADLINE = {"Commitments": "commitments", "Partners": "partners", "Countries named": "countries",
            "Verified": "verified", "Self-reported": "self_reported_only", "Not reporting": "not_reporting"}


def present(email: str | None = EDITOR, **params: str) -> AppTest:
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
    return value[-1] if isinstance(value, list) else value


def headline(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected(figures: dict) -> dict[str, str]:
    return {label: f"{figures[key]:,}" for label, key in HEADLINE.items()}


def title(at: AppTest) -> str:
    return at.title[0].value


def stamp(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Data as of" in m.value)


def test_public_by_default_for_the_secretariat_and_off_shows_their_own(db: str) -> None:
    at = present()
    assert at.toggle(key="present_public").value is True
    assert headline(at) == expected(figures_for(db, PUBLIC_VIEWER))
    assert "Shown as: public" in stamp(at) and "Demo data" in stamp(at) and "Slide 1 of 6" in stamp(at)
    at.toggle(key="present_public").set_value(False).run()
    assert not at.exception, at.exception
    own = headline(at)
    assert own == expected(figures_for(db, SECRETARIAT))
    assert own != expected(figures_for(db, PUBLIC_VIEWER))  # drafts, private and embargoed ones now counted
    assert "Shown as: Secretariat" in stamp(at)
    assert param(at, "public") == "0"


def test_next_and_previous_move_the_slide_and_keep_it_in_the_url(db: str) -> None:
    at = present()
    assert title(at) == "Headline figures"
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert not at.exception, at.exception
    assert param(at, "slide") == "2" and title(at) == "Commitments by country"
    at.button(key="present_next_page").click().run()  # PageDown, as a clicker sends it
    assert param(at, "slide") == "3" and title(at) == "By stakeholder type and status"
    at.button(key="present_prev").click().run()
    assert param(at, "slide") == "2" and title(at) == "Commitments by country"
    # the permalink opens the same slide, with the dashboard's filters and the switch
    again = present(slide="5", public="0", region="Africa")
    assert title(again) == "Since the last summit" and "Slide 5 of 6" in stamp(again)
    assert again.toggle(key="present_public").value is False
    assert "Filtered" in stamp(again)
    assert again.text and "new commitments" in again.text[0].value
    last = present(slide="6")
    assert last.button(key="present_next").disabled
    assert any("/overview" in c.value and "public=1" in c.value for c in last.code)  # the Share link


def test_a_slide_out_of_range_says_so_and_shows_slide_1(db: str) -> None:
    for wrong in ("9", "0", "two"):
        at = present(slide=wrong)
        assert title(at) == "Headline figures"
        assert any(f"slide '{wrong}'" in w.value and "slides 1 to 6" in w.value for w in at.warning), \
            [w.value for w in at.warning]
        assert param(at, "slide") == "1"


def test_a_link_as_of_a_past_date_presents_the_figures_of_that_date(db: str) -> None:
    past = date(date.today().year - 3, 6, 30)
    at = present(as_of=past.isoformat())
    assert f"Data as of {formatting.day(past)} ·" in stamp(at)
    assert headline(at) == expected(figures_for(db, PUBLIC_VIEWER, as_of=past)) != expected(
        figures_for(db, PUBLIC_VIEWER))
    recap = present(slide="5", as_of=past.isoformat())  # since the summit before that date, up to it
    store = open_store(db)
    try:
        win = since.window_until(store, SECRETARIAT, past)
        then = paragraph(since.figures(store, SECRETARIAT, win, public=True))
        now = paragraph(since.figures(store, SECRETARIAT, since.window(store, SECRETARIAT), public=True))
    finally:
        store.close()
    assert (win.end.day, win.end.today) == (past, False) and win.start.day < past
    assert recap.text[0].value == then != now
    last = present(slide="6", as_of=past.isoformat())  # the Share link keeps the date
    assert any("/overview" in c.value and f"as_of={past.isoformat()}" in c.value for c in last.code)
    wrong = present(as_of="someday")
    assert any("as-of date in the link cannot be used" in w.value for w in wrong.warning)
    assert headline(wrong) == expected(figures_for(db, PUBLIC_VIEWER))
