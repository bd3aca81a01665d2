"""Every page renders without exception under AppTest and shows numbers computed from the database."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from partners.domain.model import SYSTEM
from partners.domain.scope import CommitmentFilter
from partners.services import read
from partners.storage.duckdb.store import DuckDBStore as Store

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "countries", "country", "since", "commitments", "frameworks", "about"]


@pytest.fixture
def app(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    # The app opens the database itself from PARTNERS_DB, as under `make run`.
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    return at


def _expected_store() -> Store:
    return Store.open(os.environ["PARTNERS_DB"])


def _metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def _match_count(at: AppTest) -> int:
    found = (re.match(r"\*\*([\d,]+) commitments?\*\* match", m.value) for m in at.markdown)
    return int(next(m for m in found if m).group(1).replace(",", ""))


def test_overview_shows_headline_numbers_from_the_database(app: AppTest) -> None:
    assert not app.exception, app.exception
    expected = read.headline(_expected_store(), SYSTEM)
    assert expected["commitments"] > 100
    assert _metric(app, "Commitments") == f"{expected['commitments']:,}"
    assert _metric(app, "Partners") == f"{expected['partners']:,}"
    assert _metric(app, "Verified") == f"{expected['verified']:,}"
    assert _metric(app, "Not reporting") == f"{expected['not_reporting']:,}"


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_and_says_demo_data(app: AppTest, name: str) -> None:
    app.switch_page(f"src/partners/pages/{name}.py").run()
    assert not app.exception, app.exception
    assert app.title and app.title[0].value
    assert any("Demo data" in w.value for w in app.warning), f"{name} does not say demo data"


def test_commitments_page_filters_by_country(app: AppTest) -> None:
    app.switch_page("src/partners/pages/commitments.py").run()
    everything = _match_count(app)
    country_box = next(ms for ms in app.multiselect if ms.label == "Country")
    country_box.set_value(["KEN"]).run()
    kenya = _match_count(app)
    expected = read.find_commitments(_expected_store(), SYSTEM, CommitmentFilter(countries=("KEN",)))
    assert kenya == len(expected)
    assert 0 < kenya < everything


def test_country_page_lists_that_countrys_commitments_and_assessments(app: AppTest) -> None:
    store = _expected_store()
    member = store.scalar(
        "SELECT country_code FROM capability_assessments GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    store.db.close()
    app.switch_page("src/partners/pages/countries.py").run()
    app.selectbox[0].set_value(member).run()
    assert not app.exception, app.exception
    profile = read.country_profile(_expected_store(), SYSTEM, member)
    assert app.header[0].value == profile["country"]["name"]
    frames = [df.value for df in app.dataframe]
    assert any(len(f) == len(profile["assessments"]) and "Capability" in f.columns for f in frames)


SECRETARIAT_PAGES = [
    "log_commitment", "partners_admin", "assessments_admin", "import_data", "backup", "admin_users", "worklist",
]


@pytest.mark.parametrize("name", SECRETARIAT_PAGES)
def test_secretariat_page_renders_in_local_mode(app: AppTest, name: str) -> None:
    app.switch_page(f"src/partners/pages/{name}.py").run()
    assert not app.exception, app.exception
    assert app.title and app.title[0].value


def test_commitment_page_shows_the_commitment_in_words(app: AppTest) -> None:
    store = _expected_store()
    try:
        found = read.find_commitments(store, SYSTEM, CommitmentFilter(limit=1))
        cid = int(found.id.iloc[0])
    finally:
        store.db.close()
    app.switch_page("src/partners/pages/commitment.py")
    app.query_params["id"] = str(cid)
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == f"Commitment {cid}"
    facts = next(m.value for m in app.markdown if "SMART level: **" in m.value)
    assert any(w in facts for w in ("Draft", "Submitted", "Verified", "Published", "Withdrawn")), facts
    shown = [m.value.replace("\\", "") for m in app.markdown]
    assert sum(s.startswith(("**Verified:", "**Self-reported:", "**No progress")) for s in shown) == 1, shown
    labels = {s.strip("*") for s in shown if s.startswith("**") and s.endswith("**")}
    assert {"Partners", "Countries", "Framework links", "Made at", "Deadline", "Budget"} <= labels


def test_partners_page_loads_the_chosen_partner_into_its_form(app: AppTest) -> None:
    app.switch_page("src/partners/pages/partners_admin.py").run()
    pick = next(s for s in app.selectbox if s.label == "Partner")
    first = pick.options[1]  # after "New partner"
    pick.select_index(1).run()
    assert not app.exception, app.exception
    name = next(t for t in app.text_input if t.label == "Name")
    assert name.value and first.startswith(name.value)


def test_partners_page_saves_a_contact_e_mail_and_refuses_one_that_is_not_an_address(app: AppTest) -> None:
    app.switch_page("src/partners/pages/partners_admin.py").run()
    next(s for s in app.selectbox if s.label == "Partner").select_index(1).run()
    pid = int(next(s for s in app.selectbox if s.label == "Partner").value)
    contact = next(t for t in app.text_input if t.label == "Contact e-mail")
    contact.input("office at partner")
    next(b for b in app.button if b.label == "Save partner").click().run()
    assert any("Not saved" in e.value and "Contact e" in e.value and "office at partner" in e.value
               for e in app.error), app.error
    contact = next(t for t in app.text_input if t.label == "Contact e-mail")
    assert contact.value == "office at partner"  # kept, to be corrected
    contact.input("Office@Partner.Example.org")
    next(t for t in app.text_input if t.label == "Second contact e-mail").input("reports@partner.example.org")
    next(b for b in app.button if b.label == "Save partner").click().run()
    assert not app.exception, app.exception
    store = _expected_store()
    try:
        [row] = store.query_rows("SELECT contact_email, contact_email_2 FROM partners WHERE id = ?", [pid])
    finally:
        store.db.close()
    assert row == {"contact_email": "office@partner.example.org", "contact_email_2": "reports@partner.example.org"}
