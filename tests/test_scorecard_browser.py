"""The country scorecard in Chromium: its charts draw at 1280x720 and on a phone 390 px wide, where the
heatmap reflows by domain with no sideways scroll; screenshots of both are kept as artifacts."""

from __future__ import annotations

import io
from pathlib import Path

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


#: A heatmap cell's accessible name: "1. Leadership: 4 Maturity (verified)" (the key's cells are named otherwise).
CELL_NAMES = r"""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg [aria-label]')]
    .map(e => e.getAttribute('aria-label')).filter(n => /^\d{1,2}\. [^;]+: /.test(n))"""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _download(page, key: str) -> bytes:
    button = page.locator(f".st-key-{key} button").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_the_heatmap_cells_the_files_and_the_printed_page(streamlit_server, browser, artifacts) -> None:
    """21 cells each named by capability and phase; the heatmap as a PNG at twice the SVG's size and as an
    SVG; the PDF for a minister from its button; the page printed by the browser with no sidebar, banner or
    control, and its tables whole (the static print copy, not the on-screen grid)."""
    import re

    import pypdf

    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{streamlit_server}/country?code=ALB", wait_until="domcontentloaded")
        page.locator("h1").filter(has_text="Albania: scorecard").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
        page.locator('[data-testid="stVegaLiteChart"] svg').nth(6).wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        names = page.evaluate(CELL_NAMES)
        assert len(names) == 21, names
        assert sorted(int(n.split(".")[0]) for n in names) == list(range(1, 22))
        assert all(re.search(r": (\d \w+ \((verified|self-assessed)\)|Not assessed)$", n) for n in names), names

        # a click on a cell shows that capability's history
        history = page.locator('[data-testid="stSelectbox"]').filter(has_text="History of a capability")
        shown = "e => [...e.querySelectorAll('input')].map(i => i.value).join()"
        assert history.evaluate(shown).startswith("1. ")
        page.locator('[data-testid="stVegaLiteChart"] svg [aria-label^="13. "]').first.click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stSelectbox"] input')]
                .some(i => i.value.startsWith('13. '))""", timeout=30_000)

        svg = _download(page, "svg_maturity-ALB").decode()
        assert svg.lstrip().startswith("<svg") and "1. Leadership" in svg
        svg_width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
        png_width, png_height = _png_size(_download(page, "png_maturity-ALB"))
        assert png_width == pytest.approx(2 * svg_width, abs=2) and png_height > 0
        chart_pdf = _download(page, "pdf_maturity-ALB")  # the chart alone, as a vector PDF: its text is text
        assert chart_pdf[:5] == b"%PDF-"
        assert "Leadership" in pypdf.PdfReader(io.BytesIO(chart_pdf)).pages[0].extract_text()

        pdf = _download(page, "scorecard_pdf_download")
        assert pdf[:5] == b"%PDF-"
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert "Albania" in text and "Confidential: Albania and the secretariat" in text

        page.emulate_media(media="print")
        page.wait_for_timeout(500)
        printed = page.pdf(format="A4")
        (artifacts / "scorecard-printed.pdf").write_bytes(printed)
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(printed)).pages)
    finally:
        context.close()
    assert "Model National Response maturity" in text and "Commitments for this country" in text
    for absent in ("Worklist", "Log a commitment", "Local mode", "Download PDF", "Sign-off and publication"):
        assert absent not in text, f"{absent!r} printed"
    # the figures table's last row, as the static copy prints it (the on-screen grid is a canvas)
    assert "Withdrawn commitments and commitments under embargo" in " ".join(text.split())
