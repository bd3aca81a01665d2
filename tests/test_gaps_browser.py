"""The scorecard's Gaps section in Chromium at 1280x720 and 390 px wide: a gap opens to its templates and
the comparable countries' commitments, with no sideways scroll; screenshots are kept as artifacts. Nothing
is clicked that writes (the server's database is shared by the browser tests)."""

from __future__ import annotations

import pytest

from partners.domain.model import SYSTEM
from partners.services import gaps
from partners.storage.duckdb.store import DuckDBStore as Store
from test_scorecard_browser import OVERFLOW

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 720, "wide"), (390, 844, "phone")])
def test_the_gaps_section_opens_and_reflows_on_a_phone(
    streamlit_server, browser, artifacts, demo_db_path, width: int, height: int, name: str
) -> None:
    store = Store.open(demo_db_path, migrate=False)
    try:
        # the server's copy may have changed since (other browser tests write to it): every candidate is kept
        code = next(c for c in ("ALB", "ARE") if any(g.templates and g.comparable
                                                     for g in gaps.gaps(store, SYSTEM, c).gaps))
        candidates = [g for g in gaps.gaps(store, SYSTEM, code).gaps if g.templates and g.comparable]
    finally:
        store.db.close()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{streamlit_server}/country?code={code}", wait_until="domcontentloaded")
        heading = page.get_by_role("heading", name="Gaps")
        heading.wait_for(timeout=90_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
        summaries = page.locator('[data-testid="stExpander"] summary')
        page.get_by_text("Capabilities at phase 1 (building)").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        gap = next(g for g in candidates if summaries.filter(has_text=f"{g.code}. {g.name}").count())
        summaries.filter(has_text=f"{gap.code}. {gap.name}").first.click()
        template = page.get_by_text(gap.templates[0].title, exact=True)
        template.wait_for(timeout=30_000)
        propose = page.get_by_role("button", name="Propose as a draft for the secretariat")
        propose.first.wait_for(timeout=30_000)  # drawn after the template's text, in the same run
        assert propose.count() >= 1
        page.get_by_text("In comparable countries").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # let the table draw
        assert page.evaluate(OVERFLOW) <= 0
        heading.evaluate("e => e.scrollIntoView()")
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / f"scorecard-gaps-{name}.png"))
    finally:
        context.close()
    assert (artifacts / f"scorecard-gaps-{name}.png").stat().st_size > 10_000
