"""In a real browser: the commitment page shows one status line, the progress timeline against its target
(with its evidence links), and a history of before/after tables; restoring an earlier version asks first.
Screenshots at 1280x720 and at phone width (390) go to test-artifacts/.

Runs its own `streamlit run` on a private copy of the demo database, into which it writes an edit and two
progress updates first.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from actors import EDITOR
from conftest import run_app
from partners.domain.model import Commitment, ProgressUpdate
from partners.services import records
from partners.storage import open_store

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
EVIDENCE = "https://evidence.example/timeline-report"
NEW_TITLE = "Train 300 investigators in victim identification"


@pytest.fixture
def prepared(demo_db_path: Path, tmp_path: Path) -> tuple[Path, int]:
    """A copy of the demo database in which one commitment has a baseline and target, an edit, and two
    progress updates with values (the newer one verified, with an evidence link)."""
    db = tmp_path / "page.duckdb"
    shutil.copy(demo_db_path, db)
    store = open_store(db)
    try:
        cid = int(store.scalar("SELECT min(id) FROM commitments WHERE deleted_at IS NULL AND review_state = 'draft'"))
        now = records.get_commitment(store, cid)
        data = {k: v for k, v in now.items() if k in Commitment.model_fields}
        changed = Commitment(**data).model_copy(
            update={"title": NEW_TITLE, "baseline": Decimal("40"), "target_value": Decimal("300"), "unit": "people"}
        )
        records.update_commitment(store, EDITOR, cid, changed, int(now["version"]))
        today = date.today()
        for days, value, source, links in ((200, "90", "self_reported", []), (20, "180", "verified", [EVIDENCE])):
            records.record_progress(store, EDITOR, ProgressUpdate(
                commitment_id=cid, report_date=today - timedelta(days=days), status="on_track",
                indicator_value=value, source=source, evidence_links=links,
            ))  # fmt: skip
    finally:
        store.close()
    return db, cid


@pytest.fixture
def server(prepared: tuple[Path, int], tmp_path: Path) -> Iterator[str]:
    db, _ = prepared
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")  # local mode, whatever a developer keeps in .streamlit/
    with run_app(db, secrets, tmp_path / "streamlit.log") as app:
        yield app.url


def test_the_commitment_page_reads_as_a_record_and_restore_asks_first(
    server: str, prepared: tuple[Path, int], page: Page, artifacts: Path
) -> None:
    _, cid = prepared
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/commitment?id={cid}", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=NEW_TITLE)).to_be_visible(timeout=TIMEOUT)

    when = date.today() - timedelta(days=20)
    expect(page.get_by_text(f"Verified: on track, {when.day} {when:%b %Y}", exact=True)).to_be_visible()
    expect(page.get_by_text("None yet")).to_have_count(0)
    expect(page.get_by_text("Draft: seen only by the secretariat", exact=False)).to_be_visible()
    expect(page.get_by_text("40.0000")).to_have_count(0)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Dashed line: the target", exact=False)).to_be_visible()
    expect(page.locator(f"a[href='{EVIDENCE}']")).to_have_count(1)
    page.screenshot(path=str(artifacts / "commitment-1280.png"))
    _whole_page(page, artifacts / "commitment-1280-whole.png", 1280)
    page.emulate_media(media="print")  # printed: no menu, no buttons, the details and the chart
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.get_by_role("button", name="Submit for review")).to_be_hidden()
    expect(chart).to_be_visible()
    _whole_page(page, artifacts / "commitment-print.png", 1280)
    page.emulate_media(media="screen")

    page.get_by_text("History: every change").click()
    edit = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="Edited by")
    expect(edit.first).to_be_visible(timeout=TIMEOUT)
    tables = page.locator('[data-testid="stDataFrame"]')
    expect(tables.filter(has_text="Before").first).to_be_visible()
    _whole_page(page, artifacts / "commitment-history-1280.png", 1280)

    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Restore the version after change", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Yes, restore this version")).to_be_visible()
    expect(page.get_by_role("heading", name=NEW_TITLE)).to_be_visible()  # nothing restored yet
    _whole_page(page, artifacts / "commitment-restore-confirm.png", 1280)
    page.get_by_role("button", name="Yes, restore this version").click()
    expect(page.get_by_text("Restored the version after change", exact=False)).to_be_visible(timeout=TIMEOUT)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload(wait_until="domcontentloaded")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "commitment-390.png"))
    _whole_page(page, artifacts / "commitment-390-whole.png", 390)


def _whole_page(page: Page, path: Path, width: int) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container, so a tall window)."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 4000})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))
    if size:
        page.set_viewport_size(size)
