"""Every chart the pages draw says what it shows to a screen reader: its Vega-Lite ``description`` (which
Vega sets as the SVG's accessible name) is one sentence written from the same figures as its table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from tests.test_dashboard_page import AUTH_SECRETS

from partners.domain.model import SYSTEM
from partners.services import users
from partners.storage import Store
from partners.ui import auth

ROOT = Path(__file__).resolve().parents[1]
EDITOR = "sam@secretariat.example"


@pytest.fixture
def db(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    users.add_user(demo_store, SYSTEM, EDITOR, "secretariat_editor")
    path = demo_store.db.path
    commitment = demo_store.scalar(
        "SELECT min(commitment_id) FROM progress_updates WHERE indicator_value IS NOT NULL")
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return str(commitment)


def specs(page: str, params: dict[str, str], email: str | None) -> list[dict]:
    """The Vega-Lite spec of every chart ``page`` draws for ``email`` (None: the public)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.secrets["auth"] = dict(AUTH_SECRETS)
    if email:
        at.user = {"is_logged_in": True, "email": email, "name": "sam", "provider": "default",
                   "email_verified": True}
    at.run()
    at.switch_page(f"src/partners/pages/{page}")
    for key, value in params.items():
        at.query_params[key] = value
    at = at.run()
    assert not at.exception, at.exception
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def one_sentence(text: str) -> bool:
    """Ends with a full stop and has no other sentence end in it (a target's "T2. Investigate" is a name)."""
    return text.endswith(".") and len(text) > 20 and re.search(r"[a-z)]\. [A-Z]", text) is None


VIEWS = [
    ("overview.py", {}, None, 7),  # the map, four breakdowns, the matrix, the targets
    ("overview.py", {}, EDITOR, 7),
    ("since.py", {}, None, 2),
    *[("present.py", {"slide": str(n)}, None, 1) for n in (2, 3, 4, 5)],
    ("country.py", {"code": "KEN"}, EDITOR, 9),
]


@pytest.mark.parametrize(("page", "params", "email", "at_least"), VIEWS,
                         ids=[f"{p[0]}{p[1] or ''}-{'secretariat' if p[2] else 'public'}" for p in VIEWS])
def test_every_chart_a_page_draws_says_what_it_shows_in_one_sentence(
    db: str, page: str, params: dict[str, str], email: str | None, at_least: int
) -> None:
    drawn = specs(page, params, email)
    assert len(drawn) >= at_least, [s.get("description") for s in drawn]
    assert [s.get("description") for s in drawn if not one_sentence(s.get("description", ""))] == []


def test_a_commitments_progress_chart_names_its_first_and_latest_value(db: str) -> None:
    drawn = specs("commitment.py", {"id": db}, EDITOR)
    timeline = [s for s in drawn if s.get("description", "").startswith("Indicator value over time")]
    assert timeline and one_sentence(timeline[0]["description"]), [s.get("description") for s in drawn]
    assert " reported values from " in timeline[0]["description"] or "1 reported value" in timeline[0]["description"]
