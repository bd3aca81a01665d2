"""The offline pack and a page of the static public site opened in Chromium with every request that is not for
a local file blocked: every chart is drawn, the as-of stamp shows, and nothing was asked of the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors import EDITOR
from partners import cli
from partners.services import snapshots
from partners.storage import open_store
from publishing import seeded_copy


@pytest.fixture(scope="module")
def outputs(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("publish-browser")
    seeded = seeded_copy(demo_db_path, work)
    store = open_store(seeded.db)
    try:
        snapshots.freeze(store, EDITOR, "Summit opening")  # the site has a page for it
    finally:
        store.close()
    assert cli.main(["--db", str(seeded.db), "publish", str(work / "site")]) == 0
    assert cli.main(["--db", str(seeded.db), "pack", str(work / "summit-pack.html")]) == 0
    return work / "site", work / "summit-pack.html"


def _offline_page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    asked: list[str] = []

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, asked, errors


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)])
def test_the_offline_pack_draws_every_chart_with_the_network_blocked(
    browser, outputs: tuple[Path, Path], artifacts: Path, width: int, height: int
) -> None:
    _, pack = outputs
    context, page, asked, errors = _offline_page(browser, width, height)
    try:
        page.goto(pack.as_uri())
        specs = page.locator('script[type="application/json"][data-chart]').count()
        assert specs >= 6  # the dashboard's five charts and what changed since the last summit
        page.wait_for_function(f"document.querySelectorAll('.chart svg.marks').length === {specs}", timeout=30_000)
        assert page.locator(".chart svg.marks").count() == specs  # one rendered Vega view per chart
        assert page.locator(".chart svg.marks .mark-rect path, .chart svg.marks .mark-shape path").count() > 10
        assert "Data as of" in page.locator(".stamp").inner_text()
        assert page.get_by_text("Demo data").first.is_visible()
        page.screenshot(path=str(artifacts / f"offline-pack-{width}.png"), full_page=True)
        assert asked == [] and errors == []
    finally:
        context.close()


@pytest.mark.parametrize(("name", "charts"), [("index.html", 5), ("countries/ALB.html", 3),
                                              ("snapshots/summit-opening.html", 5)])
def test_a_page_of_the_public_site_shows_its_charts_with_the_network_blocked(
    browser, outputs: tuple[Path, Path], artifacts: Path, name: str, charts: int
) -> None:
    site, _ = outputs
    context, page, asked, errors = _offline_page(browser, 390, 844)
    try:
        page.goto((site / name).as_uri())
        drawn = page.locator("figure svg.marks")
        assert drawn.count() == charts
        for i in range(charts):
            box = drawn.nth(i).bounding_box()
            assert box and 0 < box["width"] <= 390  # drawn, and fitted to a phone's width
        assert "Data as of" in page.locator(".stamp").inner_text()
        page.screenshot(path=str(artifacts / f"public-site-{name.replace('/', '-')}-390.png"), full_page=True)
        assert asked == [] and errors == []
    finally:
        context.close()
