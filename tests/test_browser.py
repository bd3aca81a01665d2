"""End to end in a real browser: `streamlit run` on a free port, Debian's Chromium through Playwright."""

from __future__ import annotations

import re

import pytest

from partners.domain.model import SYSTEM
from partners.services import read
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser


def test_overview_shows_headline_numbers_in_chromium(streamlit_server, page, artifacts, demo_db_path) -> None:
    expected = read.headline(Store.open(demo_db_path, migrate=False), SYSTEM)
    page.goto(streamlit_server, wait_until="domcontentloaded")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
    metric.wait_for(timeout=60_000)
    value = metric.locator('[data-testid="stMetricValue"]').inner_text()
    assert value == f"{expected['commitments']:,}"
    assert page.get_by_text(re.compile("Demo data")).first.is_visible()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    assert (artifacts / "overview.png").stat().st_size > 10_000
