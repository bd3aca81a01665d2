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
    DashboardFilter(item_key="?"),
    DashboardFilter(event_ids=(-1,)),
], ids=["region", "south", "type", "period", "item", "event"])
def test_a_filter_narrows_every_figure(demo_store: Store, flt: DashboardFilter) -> None:
    now = datetime.now()
    if flt == DashboardFilter(item_key="?"):  # the framework item and the event linked to most commitments
        item = demo_store.scalar("SELECT item_key FROM commitment_items GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        flt = DashboardFilter(item_key=item)
    elif flt == DashboardFilter(event_ids=(-1,)):
        event = demo_store.scalar("SELECT event_id FROM commitments WHERE event_id IS NOT NULL GROUP BY 1"
                                  " ORDER BY count(*) DESC LIMIT 1")
        flt = DashboardFilter(event_ids=(int(event),))
    everything = dashboard.headline(demo_store, SYSTEM, now=now)
    narrowed = dashboard.headline(demo_store, SYSTEM, flt, now=now)
    assert 0 < narrowed["commitments"] < everything["commitments"]
    by_status = dashboard.breakdown(demo_store, SYSTEM, "status", flt, now=now)
    assert int(by_status["commitments"].sum()) == narrowed["commitments"]
    per_country = dashboard.countries(demo_store, SYSTEM, flt, now=now)
    assert per_country["commitments"].sum() < dashboard.countries(demo_store, SYSTEM, now=now)["commitments"].sum()
    # the same commitments as the Commitments page's own filter finds, where it has the same one
    from partners.domain.scope import CommitmentFilter
    from partners.services import read

    same = {"stakeholder_types": flt.stakeholder_types, "item_keys": (flt.item_key,) if flt.item_key else (),
            "event_ids": flt.event_ids}
    if not (flt.regions or flt.north is not None or flt.made_from):
        listed = read.find_commitments(demo_store, SYSTEM, CommitmentFilter(**same), now=now)
        assert int((listed["review_state"] != "withdrawn").sum()) == narrowed["commitments"]


def test_the_coverage_matrix_has_every_capability_and_type_and_counts_independently(demo_store: Store) -> None:
    from partners.domain.model import StakeholderType
    from partners.services import scorecard

    now = datetime.now()
    caps = scorecard.current_mnr(demo_store).capability_keys
    matrix = dashboard.coverage_matrix(demo_store, SYSTEM, now=now)
    assert len(matrix) == len(caps) * len(StakeholderType) == 21 * len(StakeholderType)
    assert list(dict.fromkeys(matrix["capability_key"])) == list(caps)
    cells = {(k, t): int(n) for k, t, n in zip(matrix["capability_key"], matrix["type"], matrix["commitments"],
                                               strict=True)}
    rows = demo_store.query_rows(
        """SELECT ci.item_key, p.stakeholder_type, count(DISTINCT c.id) AS n FROM commitments c
           JOIN commitment_items ci ON ci.commitment_id = c.id JOIN commitment_partners cp ON cp.commitment_id = c.id
           JOIN partners p ON p.id = cp.partner_id
           WHERE c.deleted_at IS NULL AND c.review_state <> 'withdrawn' GROUP BY 1, 2""")
    independent = {(r["item_key"], r["stakeholder_type"]): int(r["n"]) for r in rows if r["item_key"] in caps}
    assert {k: v for k, v in cells.items() if v} == independent
    assert 0 in cells.values()  # empty pairs are there, as 0 ("none" on the page)


def test_a_small_cell_is_held_back_for_the_public_and_shown_to_the_secretariat(demo_store: Store) -> None:
    now = datetime.now()
    public = dashboard.coverage_matrix(demo_store, PUBLIC_VIEWER, now=now)
    held = public[public["held_back"]]
    assert len(held) and held["commitments"].isna().all()
    mine = dashboard.coverage_matrix(demo_store, SYSTEM, now=now).set_index(["capability_key", "type"])
    assert not mine["held_back"].any()
    assert all(mine.loc[(k, t), "commitments"] > 0 for k, t in zip(held["capability_key"], held["type"],
                                                                   strict=True))


def test_progress_by_target_counts_a_commitment_once_per_target(demo_store: Store) -> None:
    now = datetime.now()
    progress = dashboard.target_progress(demo_store, SYSTEM, now=now)
    assert [t.split(".")[0] for t in dict.fromkeys(progress["target"])] == ["T1", "T2", "T3", "T4"]
    totals = progress.groupby("target", sort=False)["commitments"].sum()
    rows = demo_store.query_rows(
        """SELECT coalesce(t.code, i.code) AS code, count(DISTINCT c.id) AS n FROM commitments c
           JOIN commitment_items ci ON ci.commitment_id = c.id JOIN framework_items i ON i.key = ci.item_key
           LEFT JOIN framework_items t ON t.key = i.parent_key
           WHERE c.deleted_at IS NULL AND c.review_state <> 'withdrawn' AND i.framework_id = 'GA-2012'
           GROUP BY 1 ORDER BY 1""")
    assert [int(n) for n in totals] == [int(r["n"]) for r in rows]


def test_the_public_matrix_holds_back_exactly_the_pairs_over_fewer_than_3_countries(demo_store: Store) -> None:
    now = datetime.now()
    rows = demo_store.query_rows(
        f"""SELECT ci.item_key, p.stakeholder_type, count(DISTINCT cc.country_code) AS n,
                   count(DISTINCT c.id) FILTER (WHERE c.is_global) AS g
            FROM commitments c JOIN commitment_items ci ON ci.commitment_id = c.id
            JOIN commitment_partners cp ON cp.commitment_id = c.id JOIN partners p ON p.id = cp.partner_id
            LEFT JOIN commitment_countries cc ON cc.commitment_id = c.id
            WHERE {PUBLIC_SQL} GROUP BY 1, 2""", [now])  # noqa: S608
    expected = {(r["item_key"], r["stakeholder_type"]) for r in rows if int(r["n"]) < 3 and int(r["g"]) == 0}
    public = dashboard.coverage_matrix(demo_store, PUBLIC_VIEWER, now=now)
    held = {(k, t) for k, t, h in zip(public["capability_key"], public["type"], public["held_back"], strict=True)
            if h}
    assert held == {pair for pair in expected if pair[0] in set(public["capability_key"])}
    assert held


@pytest.mark.parametrize("viewer", [PUBLIC_VIEWER, SYSTEM], ids=["public", "secretariat"])
def test_an_empty_database_gives_empty_views_whose_held_back_flags_are_true_or_false(store: Store, viewer) -> None:
    """No commitment yet (a new install): every view is empty or all zeros, and ``held_back`` is a column of
    booleans a page can negate, not an empty column of objects."""
    for by in dashboard.BREAKDOWNS:
        rows = dashboard.breakdown(store, viewer, by)
        assert rows.empty and rows["held_back"].dtype == bool
        assert rows[~rows["held_back"]].empty
    for view in (dashboard.coverage_matrix(store, viewer), dashboard.target_progress(store, viewer)):
        assert view["held_back"].dtype == bool
        assert not view.loc[~view["held_back"], "commitments"].fillna(0).any()
    figures = dashboard.headline(store, viewer)
    assert figures["held_back"] is (viewer is PUBLIC_VIEWER)  # no country at all: fewer than 3, for the public
