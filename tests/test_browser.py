"""End to end in a real browser: `streamlit run` on a free port, Debian's Chromium through Playwright."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from partners.domain.model import SYSTEM
from partners.services import read
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def test_overview_shows_headline_numbers_in_chromium(streamlit_server, page, artifacts, demo_db_path) -> None:
    expected = read.headline(Store.open(demo_db_path, migrate=False), SYSTEM)
    page.goto(streamlit_server, wait_until="domcontentloaded")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
    metric.wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    value = metric.locator('[data-testid="stMetricValue"]').inner_text()  # the page drawn whole
    assert value == f"{expected['commitments']:,}"
    assert page.get_by_text(re.compile("Demo data")).first.is_visible()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    assert (artifacts / "overview.png").stat().st_size > 10_000


def test_the_app_fetches_nothing_from_outside_this_machine(streamlit_server, browser, demo_db_path) -> None:
    """Fonts, icons, the favicon, the map and the charts all come from the app's own server: a request to
    any other host (a font server, a CDN) is listed, and the test fails on it."""
    commitment_id = Store.open(demo_db_path, migrate=False).scalar("SELECT min(id) FROM commitments")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in LOCAL_HOSTS else None)
    try:
        for path, title in (("overview", "Overview"), ("commitments", "Commitments"),
                            (f"commitment?id={commitment_id}", f"Commitment {commitment_id}")):
            page.goto(f"{streamlit_server}/{path}", wait_until="domcontentloaded")
            page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
            page.wait_for_load_state("networkidle")
        icon = page.locator('link[rel~="icon"]').first.get_attribute("href") or ""
    finally:
        context.close()
    assert outside == []
    assert icon and urlsplit(icon).hostname in (None, *LOCAL_HOSTS), icon  # the shipped favicon
