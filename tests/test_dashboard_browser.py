"""The dashboard in Chromium (a real `streamlit run`): a permalink with the public switch on shows the
public's figures and the map on the first screen at 1920x1080, every chart draws, the Share control shows the
link and its QR code; screenshots at 1920x1080 and 1280x720 kept as artifacts."""

from __future__ import annotations

import pytest

from partners.domain.dashboard import DashboardFilter
from partners.domain.model import PUBLIC_VIEWER
from partners.services import dashboard
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

TIMEOUT = 90_000
LINK = "/overview?region=Africa,Europe&metric=share_complete&public=1"


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_a_public_permalink_draws_the_public_dashboard(streamlit_server, browser, artifacts, demo_db_path,
                                                       size: tuple[int, int]) -> None:
    store = Store.open(demo_db_path, migrate=False)
    try:
        expected = dashboard.headline(store, PUBLIC_VIEWER, DashboardFilter(regions=("Africa", "Europe")))
    finally:
        store.close()
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(streamlit_server + LINK, wait_until="domcontentloaded")
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
        metric.wait_for(timeout=TIMEOUT)
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{expected['commitments']:,}"
        assert page.get_by_text("Shown as: public (what anyone can see)").first.is_visible()
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.nth(6).wait_for(timeout=TIMEOUT)  # the map, four breakdowns, the matrix, the targets
        page.locator('[data-testid="stVegaLiteChart"] .marks').nth(6).wait_for(timeout=TIMEOUT)
        assert charts.count() == 7
        drawn = sum(charts.nth(i).locator(".marks").count() > 0 for i in range(7))
        assert drawn == 7, f"{drawn} of 7 charts drawn"
        if size == (1920, 1080):  # the first screen carries the headline figures and the whole map
            box = charts.first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= size[1], box
            assert box["width"] >= 1000, box
        page.screenshot(path=str(artifacts / f"dashboard-{size[0]}x{size[1]}.png"))
        page.get_by_role("button", name="Share").click()
        code = page.locator('[data-testid="stCode"]').filter(has_text="/overview?")
        code.wait_for(timeout=TIMEOUT)
        link = code.inner_text().strip()
        assert link == streamlit_server + LINK.replace("&public=1", "").replace(
            "&metric=share_complete", "") + "&metric=share_complete&public=1"
        qr = page.locator('[data-testid="stImage"] img').first
        qr.wait_for(timeout=TIMEOUT)
        assert (qr.bounding_box() or {}).get("width", 0) >= 200
        assert page.get_by_text("QR code of the link").first.is_visible()
        page.screenshot(path=str(artifacts / f"dashboard-share-{size[0]}x{size[1]}.png"))
    finally:
        context.close()


def test_a_permalink_as_of_a_past_date_draws_the_dashboard_of_that_date(streamlit_server, browser, artifacts,
                                                                        demo_db_path) -> None:
    from datetime import date

    from partners.presentation import formatting

    past = date(date.today().year - 3, 6, 30)
    store = Store.open(demo_db_path, migrate=False)
    try:
        expected = dashboard.headline(store, PUBLIC_VIEWER, as_of=past)
    finally:
        store.close()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(streamlit_server + f"/overview?as_of={past.isoformat()}&public=1", wait_until="domcontentloaded")
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
        metric.wait_for(timeout=TIMEOUT)
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{expected['commitments']:,}"
        assert page.get_by_text(f"Data as of {formatting.day(past)}").first.is_visible()
        assert page.get_by_text(f"As of {past.day} {past:%B %Y}").first.is_visible()  # the banner
        page.locator('[data-testid="stVegaLiteChart"] .marks').first.wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(artifacts / "dashboard-as-of-1920x1080.png"))
        page.get_by_role("button", name=f"As of {formatting.day(past)}").click()
        page.get_by_role("button", name="Show the dashboard then").wait_for(timeout=TIMEOUT)
        page.get_by_text("Or as at an event").first.wait_for(timeout=TIMEOUT)
        page.locator('[data-testid="stDateInput"] input').last.wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(artifacts / "dashboard-as-of-picker-1920x1080.png"))
    finally:
        context.close()


def test_freezing_the_public_view_lands_on_the_snapshot_and_presents_it(streamlit_server, browser, artifacts,
                                                                        demo_db_path) -> None:
    """In local mode (the admin): Freeze, a name, and the page is the snapshot, its link in the address; every
    chart drawn; presentation mode opens it with its stamp (screenshots at 1920x1080 and 1280x720)."""
    import uuid

    name = f"Browser snapshot {uuid.uuid4().hex[:6]}"
    slug = name.lower().replace(" ", "-")
    store = Store.open(demo_db_path, migrate=False)
    try:
        expected = dashboard.headline(store, PUBLIC_VIEWER)
    finally:
        store.close()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(streamlit_server + "/overview", wait_until="domcontentloaded")
        page.get_by_role("button", name="Freeze").click()
        box = page.get_by_label("Snapshot name")
        box.wait_for(timeout=TIMEOUT)
        box.fill(name)
        page.get_by_role("button", name="Freeze the public view").click()
        page.get_by_text(f"Frozen as “{name}”").wait_for(timeout=TIMEOUT)
        assert f"snapshot={slug}" in page.url
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{expected['commitments']:,}"
        assert page.get_by_text(f"Snapshot “{name}”").first.is_visible()
        page.locator('[data-testid="stVegaLiteChart"] .marks').nth(6).wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(artifacts / "snapshot-1920x1080.png"))
        for width, height in ((1920, 1080), (1280, 720)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(streamlit_server + f"/present?snapshot={slug}", wait_until="domcontentloaded")
            stamp = page.get_by_text(f"Snapshot “{name}”").first
            stamp.wait_for(timeout=TIMEOUT)
            value = page.locator('[data-testid="stMetric"]').filter(has_text="Commitments").first
            assert value.locator('[data-testid="stMetricValue"]').inner_text() == f"{expected['commitments']:,}"
            assert stamp.is_visible()
            page.screenshot(path=str(artifacts / f"snapshot-present-{width}x{height}.png"))
    finally:
        context.close()
