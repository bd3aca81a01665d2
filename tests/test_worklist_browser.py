"""The worklist in Chromium: pages of 50, and the reminders for every partner as one download, recorded."""

from __future__ import annotations

import email
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import run_app
from partners.domain.model import SYSTEM
from partners.services import worklist
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser
TIMEOUT = 60_000


@pytest.fixture
def streamlit_server(demo_db_path: Path, tmp_path: Path) -> Iterator[str]:
    """The app on its own copy of the demo data: this test records reminders, and counts on what others left."""
    db = Path(shutil.copy(demo_db_path, tmp_path / "worklist.duckdb"))
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")  # local mode
    with run_app(db, secrets, tmp_path / "streamlit.log") as app:
        yield app.url


def test_the_worklist_pages_and_downloads_every_reminder_as_eml_files_and_records_them(
    streamlit_server: str, page: Page, artifacts: Path, demo_db_path: Path, tmp_path: Path
) -> None:
    store = Store.open(demo_db_path, migrate=False)
    try:
        expected = worklist.build_worklist(store, SYSTEM)
    finally:
        store.db.close()
    total, partners = len(expected.items), len(expected.reminder_partners())
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{streamlit_server}/worklist", wait_until="domcontentloaded")
    expect(page.get_by_text(f"of {total:,}, as of")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(re.compile(r"^Items 1-50 of"))).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=TIMEOUT)
    page.locator('[data-testid="stMetric"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / "worklist-1280.png"), full_page=True)

    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text(re.compile(r"^Items 51-100 of"))).to_be_visible(timeout=TIMEOUT)
    # Let that rerun finish before clicking: a download button of the previous run would be replaced under the click.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT)

    # The button says how many partners it writes to: every partner with something due.
    button = page.get_by_role("button", name=re.compile(r"^Download [\d,]+ e-mails \(\.eml, ZIP\)$"))
    shown = int(re.search(r"[\d,]+", button.inner_text(timeout=TIMEOUT)).group().replace(",", ""))
    assert shown == partners
    with page.expect_download(timeout=TIMEOUT) as caught:
        button.click()
    saved = tmp_path / "reminders.zip"
    caught.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert len(names) == partners and all(n.endswith(".eml") for n in names)
        first = email.message_from_bytes(archive.read(names[0]))
    assert first["Subject"] == worklist.REMINDER_SUBJECT
    assert first["To"] is None or first["To"].endswith(".example.org")
    expect(page.get_by_text(f"Recorded {partners:,} reminders as sent")).to_be_visible(timeout=TIMEOUT)

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "worklist-390.png"), full_page=True)
