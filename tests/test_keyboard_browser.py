"""By keyboard alone, in Chromium: a presenter steps through presentation mode with Tab and Enter, and an
officer records a progress update on a commitment with Tab, the arrow keys, typing and Enter; the control
that has the focus shows it (a solid focus ring, ``ui.focus``), and the update is stored.

Runs its own `streamlit run` on a private copy of the demo database (``test_forms_browser.server``), so the
update it saves never shows up in other tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_forms_browser import read_db, server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
NARRATIVE = "Trained 40 investigators in victim identification"

#: Whether the focused element shows it: a solid, opaque outline of at least 2 px (``ui.focus``), not only
#: Streamlit's half-transparent glow.
FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || !el.matches(':focus-visible')) return false;
    const s = getComputedStyle(el);
    return s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor.startsWith('rgb(');
}"""


def tab_to(page: Page, test: str, *, limit: int = 300) -> None:
    """Press Tab until the focused element passes ``test`` (a JavaScript predicate on the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({test})(el); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def idle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT)


def control(tag: str, text: str) -> str:
    """A predicate: the element is a ``tag`` whose text holds ``text`` (a button's text also holds its icon
    and its shortcut key)."""
    return f"el => el.tagName === {tag!r} && (el.innerText || '').includes({text!r})"


def test_a_presenter_steps_through_the_slides_by_keyboard_with_the_focus_shown(
    server: tuple[str, Path, Callable[[], None]], page: Page, artifacts: Path  # noqa: F811
) -> None:
    url, _, _ = server
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{url}/present?slide=1", wait_until="domcontentloaded")
    heading = page.locator('[data-testid="stHeading"] h1').first
    heading.filter(has_text="Headline figures").wait_for(timeout=TIMEOUT)
    idle(page)
    tab_to(page, control("BUTTON", "Next"))
    assert page.evaluate(FOCUS_RING), "the Next button has the focus but does not show it"
    page.screenshot(path=str(artifacts / "keyboard-present-next-focused.png"))
    page.keyboard.press("Enter")
    heading.filter(has_text="Commitments by country").wait_for(timeout=TIMEOUT)
    idle(page)
    tab_to(page, control("BUTTON", "Next"))
    page.keyboard.press(" ")  # Space presses a button too
    heading.filter(has_text="By stakeholder type and status").wait_for(timeout=TIMEOUT)
    idle(page)
    tab_to(page, control("A", "Exit presentation"))
    assert page.evaluate(FOCUS_RING), "the Exit link has the focus but does not show it"
    page.keyboard.press("Enter")
    page.locator('[data-testid="stHeading"] h1').filter(has_text="Overview").first.wait_for(timeout=TIMEOUT)


def test_an_officer_records_progress_by_keyboard_alone_and_it_is_stored(
    server: tuple[str, Path, Callable[[], None]], page: Page, artifacts: Path  # noqa: F811
) -> None:
    url, db, stop_server = server
    cid = read_db(db, lambda s: s.query_rows("SELECT min(id) AS id FROM commitments")[0]["id"])
    before = read_db(db, lambda s: s.query_rows("SELECT count(*) AS n FROM progress_updates")[0]["n"])
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{url}/commitment?id={cid}", wait_until="domcontentloaded")
    save = page.get_by_role("button", name="Save progress update")
    save.wait_for(timeout=TIMEOUT)
    page.get_by_label("What happened", exact=True).wait_for(timeout=TIMEOUT)
    idle(page)  # every element of the page mounted: the Tab order below is the page's whole order
    tab_to(page, "el => el.getAttribute('aria-label') === 'What happened'")
    page.keyboard.type(NARRATIVE)
    tab_to(page, "el => el.getAttribute('aria-label') === 'Evidence links (one web address per line)'", limit=3)
    page.keyboard.type("https://example.org/report")
    tab_to(page, control("BUTTON", "Save progress update"), limit=5)
    assert page.evaluate(FOCUS_RING), "the Save button has the focus but does not show it"
    page.screenshot(path=str(artifacts / "keyboard-progress-save-focused.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Not saved:")).to_have_count(0)
    expect(page.get_by_label("What happened", exact=True)).to_have_value("", timeout=TIMEOUT)  # saved: empty
    stop_server()
    stored = read_db(db, lambda s: s.query_rows(
        "SELECT narrative, evidence_links FROM progress_updates WHERE commitment_id = ? ORDER BY id DESC LIMIT 1",
        [cid]))
    after = read_db(db, lambda s: s.query_rows("SELECT count(*) AS n FROM progress_updates")[0]["n"])
    assert after == before + 1
    assert stored[0]["narrative"] == NARRATIVE
