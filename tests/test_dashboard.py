"""The dashboard's figures (services/dashboard.py) on the demo database: the public's equal an independent
count of what the public may see, embargoed and private commitments left out; groups over fewer than 3
countries held back for the public only; countries listed by name; the filters narrow every figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from partners.domain.dashboard import DashboardFilter
from partners.domain.model import PUBLIC_VIEWER, SYSTEM
from partners.services import dashboard
from partners.storage import Store

PUBLIC_SQL = """c.deleted_at IS NULL AND c.review_state = 'published' AND c.visibility = 'public'
    AND (c.embargo_until IS NULL OR c.embargo_until <= ?)"""


def public_count(store: Store, now: datetime) -> int:
    return int(store.scalar(f"SELECT count(*) FROM commitments c WHERE {PUBLIC_SQL}", [now]))  # noqa: S608


def test_the_public_figures_count_only_published_public_commitments_out_of_embargo(demo_store: Store) -> None:
    now = datetime.now()
    before = dashboard.headline(demo_store, PUBLIC_VIEWER, now=now)
    assert before["commitments"] == public_count(demo_store, now)
    # one public commitment put under embargo, another made private: both leave the public's figures
    ids = [int(r["id"]) for r in demo_store.query_rows(
        f"SELECT id FROM commitments c WHERE {PUBLIC_SQL} AND NOT c.is_global ORDER BY id LIMIT 2", [now])]  # noqa: S608
    with demo_store.transaction() as cur:
        cur.execute("UPDATE commitments SET embargo_until = ? WHERE id = ?", [now + timedelta(days=30), ids[0]])
        cur.execute("UPDATE commitments SET visibility = 'private' WHERE id = ?", [ids[1]])
    after = dashboard.headline(demo_store, PUBLIC_VIEWER, now=now)
    assert after["commitments"] == before["commitments"] - 2 == public_count(demo_store, now)
    secretariat = dashboard.headline(demo_store, SYSTEM, now=now)
    assert secretariat["commitments"] > after["commitments"]
    assert not after["held_back"] and not secretariat["held_back"]


def small_places(store: Store, now: datetime) -> list[tuple[str, bool, int]]:
    """(region, north, countries the public's commitments name there) with 1 or 2 such countries."""
    rows = store.query_rows(
        f"""SELECT k.region, k.global_north, count(DISTINCT k.code) AS n
            FROM commitments c JOIN commitment_countries cc ON cc.commitment_id = c.id
            JOIN countries k ON k.code = cc.country_code WHERE {PUBLIC_SQL}
            GROUP BY ALL HAVING count(DISTINCT k.code) < 3 ORDER BY 1, 2""", [now])  # noqa: S608
    return [(r["region"], bool(r["global_north"]), int(r["n"])) for r in rows]


def test_a_view_over_fewer_than_3_countries_is_held_back_for_the_public_only(demo_store: Store) -> None:
    now = datetime.now()
    small = small_places(demo_store, now)
    assert small, "the demo should have a region and hemisphere the public sees in fewer than 3 countries"
    region, north, _ = small[0]
    flt = DashboardFilter(regions=(region,), north=north)
    public = dashboard.headline(demo_store, PUBLIC_VIEWER, flt, now=now)
    assert public["held_back"]
    assert {k for k, v in public.items() if v is not None} == {"held_back", "member_countries"}
    mine = dashboard.headline(demo_store, SYSTEM, flt, now=now)
    assert not mine["held_back"] and mine["commitments"] > 0


def test_a_region_bar_over_fewer_than_3_countries_is_held_back_for_the_public(demo_store: Store) -> None:
    now = datetime.now()
    small = small_places(demo_store, now)
    region, north, _ = small[0]
    by_region = dashboard.breakdown(demo_store, PUBLIC_VIEWER, "region", DashboardFilter(north=north), now=now)
    row = by_region.set_index("key").loc[region]
    assert bool(row["held_back"]) and pd.isna(row["commitments"])
    expected = {r for r, n, _ in small if n == north}
    assert set(by_region.loc[by_region["held_back"], "key"]) == expected
    mine = dashboard.breakdown(demo_store, SYSTEM, "region", DashboardFilter(north=north), now=now)
    assert not mine["held_back"].any()


def test_countries_are_listed_by_name_never_by_count(demo_store: Store) -> None:
    rows = dashboard.countries(demo_store, PUBLIC_VIEWER)
    assert list(rows["name"]) == sorted(rows["name"])
    assert rows["commitments"].tolist() != sorted(rows["commitments"], reverse=True)


@pytest.mark.parametrize("flt", [
    DashboardFilter(regions=("Africa",)),
    DashboardFilter(north=False),
    DashboardFilter(stakeholder_types=("government",)),
    DashboardFilter(made_from=date(2020, 1, 1), made_to=date(2022, 12, 31)),
], ids=["region", "south", "type", "period"])
def test_a_filter_narrows_every_figure(demo_store: Store, flt: DashboardFilter) -> None:
    now = datetime.now()
    everything = dashboard.headline(demo_store, SYSTEM, now=now)
    narrowed = dashboard.headline(demo_store, SYSTEM, flt, now=now)
    assert 0 < narrowed["commitments"] < everything["commitments"]
    by_status = dashboard.breakdown(demo_store, SYSTEM, "status", flt, now=now)
    assert int(by_status["commitments"].sum()) == narrowed["commitments"]
    per_country = dashboard.countries(demo_store, SYSTEM, flt, now=now)
    assert per_country["commitments"].sum() < dashboard.countries(demo_store, SYSTEM, now=now)["commitments"].sum()
