"""User text is shown as text, in a real Chromium: a title, description, narrative and review reason holding
a bare web address, Markdown link syntax and an HTML anchor render no link to those addresses on the
commitment page, in the commitments list or in the history. Evidence links, the one field that is a link,
are links. Plus the embargo replayed through the pages in the public's view and in local mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_records import EMBARGOED_TITLE, EVIDENCE, Hostile, build, serve
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
EVIL = "a[href*='evil.example']"


@pytest.fixture(scope="module")
def hostile(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return build(demo_db_path, tmp_path_factory.mktemp("user-text") / "hostile.duckdb")


@pytest.fixture(scope="module")
def local_app(hostile: Hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Local mode: the single user is an administrator, who sees everything, history included."""
    with serve(hostile.path, tmp_path_factory.mktemp("local-app")) as url:
        yield url


@pytest.fixture(scope="module")
def public_app(hostile: Hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(hostile.path, tmp_path_factory.mktemp("public-app"), public=True) as url:
        yield url


def _commitment_page(page: Page, url: str, cid: int) -> None:
    page.goto(f"{url}/commitment?id={cid}", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=f"Commitment {cid}")).to_be_visible(timeout=TIMEOUT)


def test_links_in_user_text_stay_text_on_the_commitment_page_and_evidence_links_are_links(
    local_app: str, page: Page, hostile: Hostile
) -> None:
    _commitment_page(page, local_app, hostile.links)
    header = page.locator("h2").filter(has_text="Bare").first
    expect(header).to_be_visible(timeout=TIMEOUT)
    shown = header.inner_text().replace("\u2060", "")
    assert "https://evil.example/x" in shown and "[click](https://evil.example/md)" in shown
    assert '<a href="https://evil.example/html">h</a>' in shown  # the anchor shown as typed, not made
    expect(page.get_by_text("Last review step", exact=False)).to_be_visible()
    evidence = page.locator("a[href^='https://evidence.example/report']")
    expect(evidence).to_have_count(1)
    assert evidence.get_attribute("href") == EVIDENCE.replace("(", "%28").replace(")", "%29")
    page.get_by_text("History: every change").click()
    expect(page.locator('[data-testid="stDataFrame"]').last).to_be_visible()
    assert page.locator(EVIL).count() == 0
    assert page.locator("a[href^='https://evil'], a[href^='http://evil'], a[href^='mailto:']").count() == 0


def test_links_in_titles_stay_text_in_the_commitments_list(local_app: str, page: Page) -> None:
    page.goto(f"{local_app}/commitments", wait_until="domcontentloaded")
    box = page.get_by_label("Search titles and descriptions")
    box.wait_for(timeout=TIMEOUT)
    box.fill("Bare https")
    box.press("Enter")
    expect(page.get_by_text("1 commitment matches")).to_be_visible(timeout=TIMEOUT)
    assert page.locator(EVIL).count() == 0


def test_the_public_sees_no_trace_of_an_embargoed_commitment_in_the_pages(
    public_app: str, page: Page, hostile: Hostile
) -> None:
    page.goto(public_app, wait_until="domcontentloaded")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
    expect(metric).to_be_visible(timeout=TIMEOUT)
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{hostile.public_commitments:,}"

    page.goto(f"{public_app}/commitments", wait_until="domcontentloaded")
    box = page.get_by_label("Search titles and descriptions")
    box.wait_for(timeout=TIMEOUT)
    box.fill("Embargoed pledge")
    box.press("Enter")
    expect(page.get_by_text("0 commitments match")).to_be_visible(timeout=TIMEOUT)

    page.goto(f"{public_app}/commitment?id={hostile.embargoed}", wait_until="domcontentloaded")
    expect(page.get_by_text(f"There is no commitment {hostile.embargoed} that you can see")).to_be_visible(
        timeout=TIMEOUT
    )
    assert page.get_by_text(EMBARGOED_TITLE).count() == 0


def test_the_secretariat_sees_the_embargoed_commitment_marked_with_its_embargo(
    local_app: str, page: Page, hostile: Hostile
) -> None:
    _commitment_page(page, local_app, hostile.embargoed)
    expect(page.get_by_role("heading", name=EMBARGOED_TITLE)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Embargoed until", exact=False)).to_be_visible()
