"""In a real browser: an officer logs a joint commitment through the form, sees SMART hints change while
filling it in, saves, and finds it on the Commitments page and on each of its countries' pages; a refused
budget says "Not saved" and stores nothing; a progress update with a bad link keeps every field.

Runs its own `streamlit run` on a private copy of the demo database, so the commitment it logs never shows
up in other tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import Locator, Page, expect

from conftest import ROOT, free_port, wait_for_http
from partners.services import records
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

TITLE = "Open a joint reporting portal for the Kenyan and Ugandan hotlines"
TIMEOUT = 60_000
T = TypeVar("T")


@pytest.fixture
def server(demo_db_path: Path, tmp_path: Path) -> Iterator[tuple[str, Path, Callable[[], None]]]:
    """`streamlit run` on a free port against a fresh copy of the demo database (this test writes to it).
    Yields the address, the database file and a function that stops the server (releasing the file)."""
    db = tmp_path / "forms.duckdb"
    shutil.copy(demo_db_path, db)
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "PARTNERS_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health")
        yield url, db, stop
    finally:
        stop()
        log.close()


def read_db(path: Path, query: Callable[[Store], T]) -> T:
    """Read the database file directly (only while no server holds it: DuckDB locks the file)."""
    store = Store.open(path, migrate=False)
    try:
        return query(store)
    finally:
        store.db.close()


def choose(page: Page, label: str, text: str) -> None:
    """Pick an option of a searchable select box by typing part of its text."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()
    page.keyboard.press("Escape")


def row_with(page: Page, text: str) -> Locator:
    """A table cell holding exactly ``text``. Streamlit draws tables on a canvas; these cells are the
    accessible copy of the rows on screen (so the row must be among the first ones shown)."""
    return page.locator('[role="gridcell"]', has_text=re.compile(f"^{re.escape(text)}$"))


def type_into(page: Page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Tab")  # Streamlit takes the value when the field loses focus


def test_officer_logs_a_joint_commitment_sees_smart_hints_and_finds_it_everywhere(
    server: tuple[str, Path, Callable[[], None]], page: Page, artifacts: Path
) -> None:
    url, db, stop_server = server
    partners = read_db(db, lambda s: s.partners())  # before the app opens the file
    lead, co = partners.name.iloc[0], partners.name.iloc[1]

    page.goto(f"{url}/log-commitment", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Log a commitment").wait_for(timeout=TIMEOUT)
    hint = page.get_by_text("No unit: what is counted")
    expect(hint).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("No deadline: by when will it be done?")).to_be_visible()

    type_into(page, "Title", TITLE)
    choose(page, "Partners", lead)
    choose(page, "Partners", co)
    choose(page, "Lead partner", co)  # the second partner leads: roles are not just the order chosen
    choose(page, "Countries", "Kenya")
    choose(page, "Countries", "Uganda")
    type_into(page, "Indicator", "Reports received through the portal")
    type_into(page, "Unit", "reports")
    type_into(page, "Start date", f"{date.today():%d/%m/%Y}")  # the newest first: it heads the lists below
    expect(hint).to_have_count(0, timeout=TIMEOUT)  # the hint went away as the unit was typed
    expect(page.get_by_text("No deadline: by when will it be done?")).to_be_visible()
    expect(page.get_by_text("2 of 5")).to_be_visible()
    page.screenshot(path=str(artifacts / "log-commitment-hints.png"), full_page=True)

    page.get_by_role("button", name="Save commitment").click()
    saved = page.get_by_text(re.compile(r"Saved as commitment \d+\."))
    saved.wait_for(timeout=TIMEOUT)
    cid = int(re.search(r"\d+", saved.inner_text()).group())
    page.screenshot(path=str(artifacts / "log-commitment-saved.png"), full_page=True)

    page.goto(f"{url}/commitments", wait_until="domcontentloaded")
    search = page.get_by_label("Search titles and descriptions")
    search.wait_for(timeout=TIMEOUT)
    search.fill("joint reporting portal for the Kenyan")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 commitment matches"))).to_be_visible(timeout=TIMEOUT)
    expect(row_with(page, TITLE)).to_have_count(1, timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "log-commitment-in-commitments.png"), full_page=True)

    for code in ("KEN", "UGA"):
        page.goto(f"{url}/countries?country={code}", wait_until="domcontentloaded")
        page.get_by_role("heading", name=re.compile("^Commitments naming")).wait_for(timeout=TIMEOUT)
        expect(row_with(page, TITLE)).to_have_count(1, timeout=TIMEOUT)
        page.screenshot(path=str(artifacts / f"log-commitment-in-{code}.png"), full_page=True)

    page.goto(f"{url}/commitment?id={cid}", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    page.screenshot(path=str(artifacts / "commitment-page.png"), full_page=True)

    stop_server()
    stored = read_db(db, lambda store: records.get_commitment(store, cid))
    assert stored["title"] == TITLE
    assert stored["countries"] == ["KEN", "UGA"]
    assert stored["smart_level"] == 2  # unit and indicator, of the five
    ids = dict(zip(partners.name, partners.id.astype(int), strict=True))
    assert stored["partners"] == [
        {"partner_id": ids[co], "role": "lead"},
        {"partner_id": ids[lead], "role": "co"},
    ]
    assert (stored["review_state"], stored["start_date"]) == ("draft", date.today())


def test_a_refused_budget_says_not_saved_keeps_the_form_and_stores_nothing(
    server: tuple[str, Path, Callable[[], None]], page: Page, artifacts: Path
) -> None:
    url, db, stop_server = server
    partner = read_db(db, lambda s: s.partners()).name.iloc[0]
    title = "Fund a national reporting hotline for three years"
    page.goto(f"{url}/log-commitment", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Log a commitment").wait_for(timeout=TIMEOUT)
    type_into(page, "Title", title)
    choose(page, "Partners", partner)
    choose(page, "Countries", "Kenya")
    type_into(page, "Budget", "-250000")
    type_into(page, "Currency", "USD")
    page.get_by_role("button", name="Save commitment").click()
    refusal = page.get_by_text("Not saved:")
    expect(refusal).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("the budget cannot be negative")).to_be_visible()
    expect(page.get_by_label("Budget", exact=True)).to_have_value("-250000")  # what was typed stays
    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    page.screenshot(path=str(artifacts / "log-commitment-refused-budget.png"), full_page=True)

    stop_server()
    stored = read_db(db, lambda s: s.query_rows("SELECT id FROM commitments WHERE title = ?", [title]))
    assert stored == []


def test_a_progress_update_with_a_bad_link_keeps_every_field(
    server: tuple[str, Path, Callable[[], None]], page: Page, artifacts: Path
) -> None:
    url, db, stop_server = server
    cid = read_db(db, lambda s: s.query_rows("SELECT min(id) AS id FROM commitments")[0]["id"])
    before = read_db(db, lambda s: s.query_rows("SELECT count(*) AS n FROM progress_updates")[0]["n"])
    page.goto(f"{url}/commitment?id={cid}", wait_until="domcontentloaded")
    page.get_by_role("button", name="Save progress update").wait_for(timeout=TIMEOUT)
    narrative = "Trained 40 investigators in victim identification"
    links = "https://example.org/report\nnot a link"
    page.get_by_label("What happened", exact=True).fill(narrative)
    page.get_by_label("Indicator value", exact=True).fill("40")
    page.get_by_label("Evidence links (one web address per line)", exact=True).fill(links)
    page.get_by_role("button", name="Save progress update").click()
    expect(page.get_by_text("Not saved:")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("'not a link' is not a web address", exact=False)).to_be_visible()
    expect(page.get_by_label("What happened", exact=True)).to_have_value(narrative)
    expect(page.get_by_label("Indicator value", exact=True)).to_have_value("40")
    expect(page.get_by_label("Evidence links (one web address per line)", exact=True)).to_have_value(links)
    page.get_by_role("button", name="Save progress update").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "progress-form-kept-on-error.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_label("What happened", exact=True)).to_have_value(narrative)
    page.get_by_role("button", name=re.compile(r"^Edit no\. \d+")).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "progress-form-kept-on-error-phone.png"))

    stop_server()
    after = read_db(db, lambda s: s.query_rows("SELECT count(*) AS n FROM progress_updates")[0]["n"])
    assert after == before
