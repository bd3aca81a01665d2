"""Presentation mode in Chromium (a real `streamlit run`) at 1920x1080 and 1280x720: every slide fits the
screen without scrolling, its charts drawn, the stamp visible and the sidebar hidden; the Right arrow and
PageDown (a clicker's keys) move to the next slide, Left to the one before. Screenshots of every slide kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 90_000
TITLES = ["Headline figures", "Commitments by country", "By stakeholder type and status",
          "Progress by Global Alliance target", "Since the last summit", "Share this dashboard"]
CHARTS = [0, 1, 2, 1, 1, 0]
OVERFLOW = """() => [document.scrollingElement, document.querySelector('[data-testid="stMain"]')]
    .map(e => e.scrollHeight - e.clientHeight)"""



def idle(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_every_slide_fits_the_screen_and_the_keys_move_on(streamlit_server, browser, artifacts,
                                                          size: tuple[int, int]) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(streamlit_server + "/present?slide=1", wait_until="domcontentloaded")
        heading = page.locator('[data-testid="stHeading"] h1').first
        for number, (title, charts) in enumerate(zip(TITLES, CHARTS, strict=True), start=1):
            page.wait_for_function(f"() => new URL(location.href).searchParams.get('slide') == '{number}' || "
                                   f"({number} == 1)", timeout=TIMEOUT // 3)
            heading.filter(has_text=title).wait_for(timeout=TIMEOUT)
            if number == 1:
                page.locator('[data-testid="stMetricValue"]').nth(5).wait_for(timeout=TIMEOUT)
            if charts:
                page.locator('[data-testid="stVegaLiteChart"] .marks').nth(charts - 1).wait_for(timeout=TIMEOUT)
            page.wait_for_function(  # the slide before's charts gone, this slide's all there
                f"() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length == {charts}",
                timeout=TIMEOUT)
            stamp = page.get_by_text("Data as of").first
            assert stamp.is_visible()
            assert "Shown as: public (what anyone can see)" in stamp.inner_text()
            assert "Demo data" in stamp.inner_text()
            assert f"Slide {number} of 6" in stamp.inner_text()
            page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=TIMEOUT)
            assert not page.locator('[data-testid="stHeader"]').is_visible()
            assert page.evaluate(OVERFLOW) == [0, 0], f"slide {number} scrolls at {size}"
            idle(page)  # the slide drawn whole, the one before it gone
            page.screenshot(path=str(artifacts / f"present-{size[0]}x{size[1]}-slide{number}.png"))
            if number == len(TITLES):  # the Share link: the Overview's, beside this page, not under it
                link = page.locator('[data-testid="stCode"]').first.inner_text().strip()
                assert link == streamlit_server + "/overview?public=1", link
                assert page.locator('[data-testid="stImage"] img').first.is_visible()  # its QR code
            if number < len(TITLES):
                idle(page)  # a key pressed while the slide is still being drawn may be lost, as on any page
                page.get_by_role("button", name="Next").first.wait_for(timeout=TIMEOUT)  # its key is listened for
                page.keyboard.press("ArrowRight" if number % 2 else "PageDown")
        idle(page)
        page.keyboard.press("ArrowLeft")
        heading.filter(has_text=TITLES[-2]).wait_for(timeout=TIMEOUT)
        assert page.evaluate("() => new URL(location.href).searchParams.get('slide')") == "5"
    finally:
        context.close()
