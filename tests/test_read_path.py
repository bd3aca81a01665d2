"""The read path's bookkeeping: the data version every write moves on, each commitment's stored status, and
the cache of reads keyed by both the data version and the viewer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from actors import ADMIN, EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC
from partners import reference
from partners.domain.model import SYSTEM, Commitment, Event, Partner, ProgressUpdate
from partners.domain.permissions import PermissionDenied
from partners.domain.scope import CommitmentFilter
from partners.services import (
    backup,
    cache,
    history,
    importing,
    read,
    records,
    settings,
    setup,
    users,
    workflow,
    worklist,
)
from partners.services.errors import ValidationFailed
from partners.services.visibility import view_scope
from partners.services.worklist import WorkKind
from partners.storage.duckdb import status
from partners.storage.duckdb.store import DuckDBStore as Store
from test_import import commitment as import_row
from test_import import progress as import_progress
from test_import import xlsx

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 1, 1)


def stored_status(store: Store) -> list[tuple]:
    return store.cur.execute("SELECT * FROM commitment_status ORDER BY commitment_id").fetchall()


def status_from_updates(store: Store) -> list[tuple]:
    """Every commitment's status computed afresh from all its live progress updates (the definition)."""
    sql = f"SELECT * FROM ({status.STATUS_OF.format(where='true')}) ORDER BY 1"  # noqa: S608 (constants only)
    return store.cur.execute(sql).fetchall()


def _commitment(partner_id: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
        "review_state": "published",
        "visibility": "public",
    }
    return Commitment(**(data | changes))


def _log(store: Store, partner_id: int, **changes: Any) -> int:
    return records.log_commitment(store, EDITOR, _commitment(partner_id, **changes))


def _import(store: Store, ref: str, *, with_progress: bool = False) -> None:
    rows = [import_row(ref, partners="Kenya Ministry of ICT (lead)")]
    progress_rows = [import_progress(ref)] if with_progress else None
    assert importing.run_import(store, SYSTEM, xlsx(rows, progress_rows), f"{ref}.xlsx").committed


def _progress(store: Store, cid: int, day: date, state: str, **more: Any) -> int:
    return records.record_progress(
        store, EDITOR, ProgressUpdate(commitment_id=cid, report_date=day, status=state, **more)
    )


def stored_names(store: Store) -> list[tuple]:
    return store.cur.execute("SELECT * FROM commitment_names ORDER BY commitment_id").fetchall()


def names_from_links(store: Store) -> list[tuple]:
    """Every commitment's partners and countries in words, computed afresh from the links (the definition)."""
    sql = f"SELECT * FROM ({status.NAMES_OF.format(where='true')}) ORDER BY 1"  # noqa: S608 (constants only)
    return store.cur.execute(sql).fetchall()


# -- the data version --------------------------------------------------------------------------------


def _writes(store: Store, gov: int) -> list[tuple[str, Callable[[], Any]]]:
    """One of every kind of write a person or the command line makes, in an order that works."""
    made: dict[str, int] = {}

    def log() -> None:
        made["c"] = _log(store, gov)

    def progress() -> None:
        made["p"] = _progress(store, made["c"], date(2025, 3, 1), "on_track")

    def backup_and_restore() -> None:
        made["backup"] = 1
        archive = backup.create_backup(store, ADMIN).data
        backup.restore_backup(store, ADMIN, archive)

    return [
        ("a partner", lambda: records.create_partner(store, EDITOR, Partner(name="Line", stakeholder_type="hotline"))),
        ("an event", lambda: records.create_event(store, EDITOR, Event(name="Summit", kind="summit", date=TODAY))),
        ("a commitment", log),
        ("an edit", lambda: records.update_commitment(store, EDITOR, made["c"], _commitment(gov, title="Edited"), 1)),
        ("a progress update", progress),
        ("a review move", lambda: workflow.transition(store, EDITOR, made["c"], "withdrawn", 2, reason="ended")),
        ("a deletion", lambda: history.delete_record(store, EDITOR, "progress_update", made["p"], 1)),
        ("a restored deletion", lambda: history.restore_deleted(store, EDITOR, "progress_update", made["p"], 2)),
        ("a setting", lambda: settings.set_reporting_cycle(store, ADMIN, 6)),
        ("a user", lambda: users.add_user(store, ADMIN, "new@secretariat.example", "reviewer")),
        ("a reminder", lambda: worklist.record_reminders(
            store, EDITOR, [worklist.Reminder(gov, "Kenya Ministry of ICT", (), "text")], "csv")),
        ("an import", lambda: _import(store, "R-1")),
        ("a backup and a restore", backup_and_restore),
        ("reference data", lambda: setup.load_reference(store, SYSTEM)),
        ("a membership", lambda: store.set_membership("UGA", date(2020, 1, 1))),
    ]  # fmt: skip


def test_every_kind_of_write_moves_the_data_version_on(store: Store, partners) -> None:
    gov, _ = partners
    for what, write in _writes(store, gov):
        before = store.data_version()
        write()
        assert store.data_version() > before, f"{what} left the data version at {before}"


def test_reads_and_refused_writes_leave_the_data_version_as_it_was(store: Store, partners) -> None:
    gov, _ = partners
    cid = _log(store, gov)
    users.add_user(store, ADMIN, "rey@secretariat.example", "reviewer")
    before = store.data_version()
    scope = view_scope(PUBLIC)
    store.commitments(scope, CommitmentFilter(countries=("KEN",)))
    store.headline(scope)
    records.get_commitment(store, cid)
    with pytest.raises(ValidationFailed):  # refused before any transaction
        settings.set_reporting_cycle(store, ADMIN, 0)
    with pytest.raises(ValidationFailed):  # refused inside its transaction: rolled back, version and all
        users.add_user(store, ADMIN, "rey@secretariat.example", "reviewer")
    assert store.data_version() == before


def test_another_process_sees_the_data_version_its_write_moved_on(tmp_path: Path) -> None:
    db = tmp_path / "shared.duckdb"
    first = Store.open(db)
    version = first.data_version()
    first.close()
    done = subprocess.run(  # the command line, writing while no app holds the file
        [sys.executable, "-m", "partners.cli", "--db", str(db), "users", "add", "x@secretariat.example",
         "--role", "reviewer"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    again = Store.open(db)
    try:
        assert again.data_version() > version
    finally:
        again.close()


def test_a_second_store_on_the_same_file_sees_the_data_version_the_first_moved_on(tmp_path: Path) -> None:
    """The version is read once per write made in this process; two stores of one file share that count."""
    db = tmp_path / "twice.duckdb"
    first = Store.open(db)
    setup.load_reference(first, SYSTEM)
    second = Store.open(db)
    try:
        seen = second.data_version()
        assert second.data_version() == seen  # asked again with no write: the same
        users.add_user(first, ADMIN, "rey@secretariat.example", "reviewer")
        assert second.data_version() > seen
        assert second.data_version() == first.data_version()
    finally:
        second.close()
        first.close()


def test_a_refused_write_leaves_the_remembered_data_version_right(store: Store) -> None:
    before = store.data_version()
    with pytest.raises(ValidationFailed):
        with store.db.transaction():  # type: ignore[attr-defined]
            store.db.cursor().execute("INSERT INTO data_changes DEFAULT VALUES")  # type: ignore[attr-defined]
            raise ValidationFailed(["refused"])
    assert store.data_version() == before
    users.add_user(store, ADMIN, "rey@secretariat.example", "reviewer")
    assert store.data_version() > before


# -- each commitment's stored status ------------------------------------------------------------------


def test_the_stored_status_follows_every_write_to_progress_updates(store: Store, partners) -> None:
    gov, _ = partners
    one, two = _log(store, gov), _log(store, gov, title="Run a hotline")
    first = _progress(store, one, date(2025, 1, 1), "on_track")
    _progress(store, one, date(2025, 6, 1), "complete")
    assert stored_status(store) == status_from_updates(store)
    verified = records.record_progress(
        store, ADMIN,
        ProgressUpdate(commitment_id=one, report_date=date(2025, 7, 1), status="off_track", source="verified"),
        reason="no evidence of completion",
    )  # fmt: skip
    _progress(store, two, date(2025, 2, 1), "stalled", evidence_links=["https://example.org/report"])
    assert stored_status(store) == status_from_updates(store)
    history.delete_record(store, EDITOR, "progress_update", verified, 1)
    assert stored_status(store) == status_from_updates(store)
    [row] = [r for r in stored_status(store) if r[0] == one]
    assert row[1] == "complete" and row[3] is None  # the verified one is gone
    history.restore_deleted(store, EDITOR, "progress_update", verified, 2)
    history.delete_record(store, EDITOR, "progress_update", first, 1)
    assert stored_status(store) == status_from_updates(store)
    _import(store, "R-1", with_progress=True)
    assert stored_status(store) == status_from_updates(store)
    assert len(stored_status(store)) == 3


def test_the_stored_names_follow_links_renamed_partners_and_renamed_countries(store: Store, partners) -> None:
    gov, hotline = partners
    one = _log(store, gov)
    two = _log(store, gov, partners=[{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}],
               countries=["KEN", "UGA"])  # fmt: skip
    assert stored_names(store) == names_from_links(store)
    assert dict((r[0], r[1:]) for r in stored_names(store))[two] == (
        "Kenya Ministry of ICT (lead); Uganda Hotline", "Kenya; Uganda")
    records.update_commitment(store, EDITOR, one, _commitment(hotline, countries=["UGA"]), 1)
    assert stored_names(store) == names_from_links(store)
    row = records.get_record(store, EDITOR, "partner", hotline)
    records.update_partner(store, EDITOR, hotline, Partner(name="Uganda Child Helpline", stakeholder_type="hotline"),
                           row["version"])  # fmt: skip
    assert stored_names(store) == names_from_links(store)
    assert "Uganda Child Helpline" in dict((r[0], r[1]) for r in stored_names(store))[two]
    renamed = reference.countries()["UGA"].model_copy(update={"name": "Republic of Uganda"})  # a newer reference file
    store.upsert_country(renamed)
    assert stored_names(store) == names_from_links(store)
    assert dict((r[0], r[2]) for r in stored_names(store))[two] == "Kenya; Republic of Uganda"
    _import(store, "R-9")
    assert stored_names(store) == names_from_links(store)
    found = read.find_commitments(store, EDITOR, CommitmentFilter(ids=(two,)))
    assert list(found.partners) == ["Kenya Ministry of ICT (lead); Uganda Child Helpline"]


def test_the_stored_status_is_rebuilt_by_a_restore_and_a_demo_reset(demo_store: Store) -> None:
    assert stored_status(demo_store) == status_from_updates(demo_store) != []
    archive = backup.create_backup(demo_store, ADMIN).data
    demo_store.cur.execute("DELETE FROM commitment_status")  # damaged: the restore must not trust it
    demo_store.cur.execute("DELETE FROM commitment_names")
    backup.restore_backup(demo_store, ADMIN, archive)
    assert stored_status(demo_store) == status_from_updates(demo_store) != []
    assert stored_names(demo_store) == names_from_links(demo_store) != []
    setup.remove_demo(demo_store, SYSTEM)
    assert stored_status(demo_store) == status_from_updates(demo_store) == []
    assert stored_names(demo_store) == names_from_links(demo_store) == []


def test_the_migration_fills_the_stored_status_of_an_older_database(demo_db_path: Path, tmp_path: Path) -> None:
    import shutil

    copy = Path(shutil.copy(demo_db_path, tmp_path / "older.duckdb"))
    old = Store.open(copy, migrate=False)
    expected = status_from_updates(old)
    # As a database made before migration 006 was: neither table, schema version 5.
    expected_names = names_from_links(old)
    old.cur.execute("DROP TABLE commitment_status")
    old.cur.execute("DROP TABLE commitment_names")
    old.cur.execute("DROP TABLE data_changes")
    old.cur.execute("DROP SEQUENCE change_ids")
    # ... and without the tables later migrations made: 007's rounds and sign-offs, 008's history, 010's snapshots.
    for table in ("signed_assessments", "scorecard_signoffs", "assessment_rounds", "snapshots"):
        old.cur.execute(f"DROP TABLE {table}")
    for sequence in ("round_ids", "signoff_ids", "snapshot_ids"):
        old.cur.execute(f"DROP SEQUENCE {sequence}")
    for (table,) in old.cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE suffix(table_name, '_history')"
    ).fetchall():
        old.cur.execute(f'DROP TABLE "{table}"')
    old.cur.execute("DELETE FROM schema_version WHERE version >= 6")
    old.close()
    migrated = Store.open(copy)
    try:
        assert stored_status(migrated) == expected != []
        assert stored_names(migrated) == expected_names != []
        assert migrated.data_version() >= 1
    finally:
        migrated.close()


# -- the commitments query: filters pushed down, pages, counts ----------------------------------------

VIEWERS = {"secretariat": EDITOR, "public": PUBLIC, "member": MEMBER, "focal point": FOCAL_KEN}


def _values(frame: pd.DataFrame) -> list[tuple]:
    """The rows as values (a column that is null throughout comes back as objects, not typed: same values)."""
    return [tuple(None if pd.isna(v) is True else v for v in row) for row in frame.itertuples(index=False)]


def _everything(store: Store, actor) -> pd.DataFrame:
    return read.find_commitments(store, actor, CommitmentFilter())


@pytest.mark.parametrize("who", VIEWERS)
def test_a_filtered_list_is_the_whole_list_narrowed_by_the_filter(demo_store: Store, who: str) -> None:
    """Each filter gives exactly the rows of the unfiltered list that it keeps, computed here independently
    from the link tables, in the same order."""
    actor = VIEWERS[who]
    whole = _everything(demo_store, actor)
    links = demo_store.query_df("SELECT commitment_id, country_code FROM commitment_countries")
    partners = demo_store.query_df(
        "SELECT cp.commitment_id, cp.partner_id, p.stakeholder_type FROM commitment_partners cp"
        " JOIN partners p ON p.id = cp.partner_id"
    )
    items = demo_store.query_df("SELECT commitment_id, item_key FROM commitment_items")
    partner = int(partners.partner_id.mode()[0])
    item = str(items.item_key.mode()[0])
    ids = tuple(int(i) for i in whole.id.iloc[::7][:5]) + (999_999,)
    cases = {
        CommitmentFilter(countries=("KEN", "UGA")): set(links[links.country_code.isin(["KEN", "UGA"])].commitment_id),
        CommitmentFilter(partner_ids=(partner,)): set(partners[partners.partner_id == partner].commitment_id),
        CommitmentFilter(stakeholder_types=("hotline",)): set(
            partners[partners.stakeholder_type == "hotline"].commitment_id),
        CommitmentFilter(item_keys=(item,)): set(items[items.item_key == item].commitment_id),
        CommitmentFilter(ids=ids): set(ids),
        CommitmentFilter(statuses=("complete", "not_reported")): set(
            whole[whole.reported_status.isin(["complete", "not_reported"])].id),
        CommitmentFilter(countries=("KEN",), item_keys=(item,)): set(
            links[links.country_code == "KEN"].commitment_id) & set(items[items.item_key == item].commitment_id),
        CommitmentFilter(text="hotline"): set(whole[whole.title.str.lower().str.contains("hotline")].id) | set(
            demo_store.query_df("SELECT id FROM commitments WHERE contains(lower(description), 'hotline')"
                                " OR contains(lower(deliverable), 'hotline')").id),
    }  # fmt: skip
    for flt, kept in cases.items():
        expected = whole[whole.id.isin(kept)].reset_index(drop=True)
        found = read.find_commitments(demo_store, actor, flt)
        assert _values(found) == _values(expected), flt
        counted = read.count_commitments(demo_store, actor, flt)
        assert counted == {"commitments": len(expected),
                           "withdrawn": int((expected.review_state == "withdrawn").sum())}, flt  # fmt: skip
    assert 0 < len(read.find_commitments(demo_store, actor, CommitmentFilter(countries=("KEN",)))) < len(whole)


def test_pages_of_the_list_cover_it_once_in_order(demo_store: Store) -> None:
    whole = _everything(demo_store, EDITOR)
    size = 37
    pages = [
        read.find_commitments(demo_store, EDITOR, CommitmentFilter(limit=size, offset=start))
        for start in range(0, len(whole), size)
    ]
    assert all(len(p) == size for p in pages[:-1]) and 0 < len(pages[-1]) <= size
    pd.testing.assert_frame_equal(pd.concat(pages, ignore_index=True), whole)
    assert read.count_commitments(demo_store, EDITOR)["commitments"] == len(whole)


def test_the_country_page_list_is_the_countrys_commitments_for_every_viewer(demo_store: Store) -> None:
    for actor in VIEWERS.values():
        profile = read.country_profile(demo_store, actor, "KEN")
        kenyan = set(demo_store.query_df(
            "SELECT commitment_id FROM commitment_countries WHERE country_code = 'KEN'").commitment_id)
        whole = _everything(demo_store, actor)
        assert list(profile["commitments"].id) == list(whole[whole.id.isin(kenyan)].id)


# -- the cache of reads -------------------------------------------------------------------------------


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_cached_figure_is_never_served_to_another_role_or_scope(demo_store: Store, fresh_cache) -> None:
    secretariat = cache.cached(read.headline, demo_store, EDITOR)
    public = cache.cached(read.headline, demo_store, PUBLIC)
    assert public == read.headline(demo_store, PUBLIC)
    assert secretariat == read.headline(demo_store, EDITOR)
    assert public["commitments"] < secretariat["commitments"]  # the demo holds private and embargoed ones
    kenya = cache.cached(read.find_commitments, demo_store, FOCAL_KEN, CommitmentFilter())
    uganda = cache.cached(read.find_commitments, demo_store, FOCAL_UGA, CommitmentFilter())
    assert list(kenya.id) == list(read.find_commitments(demo_store, FOCAL_KEN).id)
    assert list(uganda.id) == list(read.find_commitments(demo_store, FOCAL_UGA).id)
    assert set(kenya.id) != set(uganda.id)


def test_a_cached_read_still_checks_permission_for_a_role_that_has_not_asked(demo_store: Store, fresh_cache) -> None:
    cache.cached(worklist.build_worklist, demo_store, EDITOR)
    with pytest.raises(PermissionDenied):
        cache.cached(worklist.build_worklist, demo_store, PUBLIC)


def test_a_cached_read_follows_every_write_even_through_another_connection(demo_store: Store, fresh_cache) -> None:
    before = cache.cached(read.headline, demo_store, PUBLIC)
    assert cache.cached(read.headline, demo_store, PUBLIC) == before
    partner = int(demo_store.partners().id.iloc[0])
    other = Store.open(demo_store.location)  # another connection to the same file (the CLI, another worker)
    try:
        records.log_commitment(other, EDITOR, _commitment(partner))  # published and public
    finally:
        other.close()
    after = cache.cached(read.headline, demo_store, PUBLIC)
    assert after["commitments"] == before["commitments"] + 1 == read.headline(demo_store, PUBLIC)["commitments"]


def test_changing_a_cached_table_leaves_the_remembered_one_as_it_was(demo_store: Store, fresh_cache) -> None:
    first = cache.cached(read.breakdown, demo_store, PUBLIC, "status")
    first["key"] = "changed by the page"
    again = cache.cached(read.breakdown, demo_store, PUBLIC, "status")
    assert "changed by the page" not in set(again["key"])
    assert again.equals(read.breakdown(demo_store, PUBLIC, "status"))


# -- the worklist: filtered, ordered and paged as columns ---------------------------------------------


def test_the_worklists_filters_and_orders_match_the_same_rules_applied_item_by_item(demo_store: Store) -> None:
    wl = worklist.build_worklist(demo_store, EDITOR)
    items = list(wl.items)
    assert len(items) > 100
    partner = next(iter(wl.reminder_partners()))
    cases = {
        ("partner",): (wl.only(partner_ids=[partner]), [i for i in items if i.involves(partner)]),
        ("kind",): (wl.only([WorkKind.DEADLINE_PASSED]), [i for i in items if i.kind is WorkKind.DEADLINE_PASSED]),
        ("country",): (wl.only(countries=["KEN"]), [i for i in items if "KEN" in i.countries]),
        ("type",): (wl.only(stakeholder_types=["hotline"]),
                    [i for i in items if any(p.stakeholder_type == "hotline" for p in i.partners)]),
    }  # fmt: skip
    for name, (got, expected) in cases.items():
        assert list(got.items) == expected, name
    kinds = list(WorkKind)
    by_days = sorted(items, key=lambda i: (-i.days, kinds.index(i.kind), i.date, i.commitment_id))
    assert list(wl.ordered(worklist.WorkOrder.LONGEST_OVERDUE).items) == by_days
    assert wl.counts() == {k: sum(1 for i in items if i.kind is k) for k in WorkKind}
    owed = {p.id for i in items if i.kind.for_partner for p in i.partners}
    assert set(wl.reminder_partners()) == owed
    [reminder] = worklist.reminders(wl, partner_ids=[partner])
    assert reminder.items == tuple(i for i in items if i.kind.for_partner and i.involves(partner))


# -- the world map -------------------------------------------------------------------------------------


def test_the_world_maps_shapes_are_prepared_once_and_only_the_counts_change() -> None:
    from partners.presentation import charts

    kenya = pd.DataFrame({"numeric": ["404"], "name": ["Kenya"], "commitments": [3]})
    chad = pd.DataFrame({"numeric": ["148"], "name": ["Chad"], "commitments": [5]})
    one, other = charts.world_map(kenya, title="Map"), charts.world_map(chad, title="Map")
    assert one["data"] is other["data"]  # the 108 KB of shapes: the same object, made once
    assert one["data"]["format"] == {"feature": "countries", "type": "topojson"}
    assert one["datasets"] != other["datasets"]
    [counts] = one["datasets"].values()
    assert counts == [{"numeric": "404", "name": "Kenya", "commitments": 3}]
    lookup = one["layer"][1]["transform"][0]
    assert lookup["lookup"] == "id" and lookup["from"]["data"]["name"] in one["datasets"]


def test_reloading_the_reference_data_keeps_membership_history_and_renames_countries_in_lists(
    store: Store, partners
) -> None:
    gov, _ = partners
    two = _log(store, gov, countries=["KEN", "UGA"])
    store.set_membership("KEN", date(2020, 1, 1))
    setup.load_reference(store, SYSTEM)  # again: nothing changes, membership (the alliance's data) kept
    assert store.country("KEN")["member"] and store.country("KEN")["member_since"] == date(2020, 1, 1)
    countries = store.count("countries")
    assert countries == len(reference.countries()) > 200
    open_versions = "SELECT count(*) FROM countries_history WHERE valid_to IS NULL"
    assert store.scalar(open_versions) == countries
    renamed = [reference.countries()["UGA"].model_copy(update={"name": "Republic of Uganda"}),
               reference.countries()["KEN"]]  # fmt: skip
    store.upsert_countries(renamed)
    assert store.country("UGA")["name"] == "Republic of Uganda" and store.country("KEN")["member"]
    assert store.scalar(open_versions) == countries  # the renamed one's old version closed, a new one open
    assert store.scalar("SELECT count(*) FROM countries_history WHERE code = 'UGA'") == 2
    assert stored_names(store) == names_from_links(store)
    assert dict((r[0], r[2]) for r in stored_names(store))[two] == "Kenya; Republic of Uganda"
