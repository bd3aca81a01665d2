""""Since the last summit" in Chromium: its five charts draw on a 1920x1080 screen and on a phone 390 px
wide with no sideways scroll, the paragraph shows, and the address holds the comparison (a permalink);
screenshots of both are kept as artifacts."""

from __future__ import annotations

import pytest

from test_scorecard_browser import OVERFLOW

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "name"), [(1920, 1080, "stage"), (390, 844, "phone")])
def test_the_changes_draw_on_a_big_screen_and_on_a_phone(
    streamlit_server, browser, artifacts, width: int, height: int, name: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{streamlit_server}/since", wait_until="domcontentloaded")
        page.locator("h1").filter(has_text="Since the last summit").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let Vega draw
        drawn = page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        assert charts.count() == 5
        assert drawn.count() >= 5
        text = page.locator('.st-key-since_paragraph [data-testid="stText"]').inner_text()
        assert text.startswith("Since ") and "new commitment" in text
        assert "from=" in page.url and "to=today" in page.url
        assert page.evaluate(OVERFLOW) <= 0
        page.screenshot(path=str(artifacts / f"since-{name}.png"))
    finally:
        context.close()
    assert (artifacts / f"since-{name}.png").stat().st_size > 10_000
