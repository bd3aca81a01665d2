"""The country scorecard in Chromium: its charts draw at 1280x720 and on a phone 390 px wide, where the
heatmap reflows by domain with no sideways scroll; screenshots of both are kept as artifacts."""

from __future__ import annotations

import pytest

from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

#: How wide the page's content may be beyond the window (none: no sideways scroll).
OVERFLOW = """() => Math.max(...[document.documentElement, document.body,
    ...document.querySelectorAll('[data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
    .map(e => e.scrollWidth - e.clientWidth))"""


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 720, "wide"), (390, 844, "phone")])
def test_the_scorecard_draws_its_charts_and_reflows_on_a_phone(
    streamlit_server, browser, artifacts, demo_db_path, width: int, height: int, name: str
) -> None:
    store = Store.open(demo_db_path, migrate=False)
    try:
        code = store.scalar(
            "SELECT a.country_code FROM capability_assessments a JOIN countries c ON c.code = a.country_code"
            " WHERE c.member GROUP BY 1 ORDER BY count(DISTINCT a.assessed_on) DESC, 1 LIMIT 1"
        )
        country = store.scalar("SELECT name FROM countries WHERE code = ?", [code])
    finally:
        store.db.close()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{streamlit_server}/country?code={code}", wait_until="domcontentloaded")
        page.locator("h1").filter(has_text=f"{country}: scorecard").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let Vega draw
        drawn = page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        assert charts.count() >= 7  # the key and six domains at least
        assert drawn.count() >= 7
        assert page.evaluate(OVERFLOW) <= 0
        page.screenshot(path=str(artifacts / f"scorecard-{name}.png"), full_page=True)
        for index, part in ((1, "heatmap"), (charts.count() - 1, "peers")):  # the page scrolls inside its frame
            charts.nth(index).scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts / f"scorecard-{name}-{part}.png"))
    finally:
        context.close()
    assert (artifacts / f"scorecard-{name}.png").stat().st_size > 10_000
