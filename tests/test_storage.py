"""Storage against real DuckDB files: migrations, transactions, per-thread cursors, the audit log."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from partners.domain.audit import AuditEntry
from partners.domain.model import SYSTEM, Partner, StakeholderType
from partners.services import records, setup
from partners.storage.duckdb.store import MEMORY, TABLES, Database, migrations
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError, StorageError
from snapshots import table_counts


def test_migrations_are_numbered_without_gaps() -> None:
    numbers = [n for n, _, _ in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert numbers, "the package ships at least one migration"


def test_new_file_database_gets_every_table_and_the_latest_schema_version(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "sub" / "new.duckdb")
    try:
        assert store.db.schema_version() == len(migrations())
        assert set(table_counts(store)) == set(TABLES)
        assert all(n == 0 for n in table_counts(store).values())
    finally:
        store.db.close()


def test_migrating_twice_applies_nothing_the_second_time(tmp_path: Path) -> None:
    db = Database(tmp_path / "twice.duckdb")
    try:
        first = db.migrate()
        assert first == [name for _, name, _ in migrations()]
        version = db.schema_version()
        rows = (
            db.cursor().execute("SELECT version, name, applied_at FROM schema_version ORDER BY 1").fetchall()
        )
        assert db.migrate() == []
        assert db.schema_version() == version
        assert (
            db.cursor().execute("SELECT version, name, applied_at FROM schema_version ORDER BY 1").fetchall()
            == rows
        )
    finally:
        db.close()


def test_reopened_file_database_migrates_to_a_no_op_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "reopen.duckdb"
    store = Store.open(path)
    setup.load_reference(store, SYSTEM)
    pid = records.create_partner(store, SYSTEM, Partner(name="Kept", stakeholder_type="hotline"))
    counts = table_counts(store)
    store.db.close()

    reopened = Store.open(path, migrate=False)
    try:
        assert reopened.db.migrate() == []
        assert reopened.db.schema_version() == len(migrations())
        assert table_counts(reopened) == counts
        assert reopened.get_row("partner", pid)["name"] == "Kept"
    finally:
        reopened.db.close()


def test_in_memory_store_has_the_schema_and_is_private_to_its_store() -> None:
    first, second = Store.memory(), Store.memory()
    try:
        assert first.db.path == MEMORY
        assert first.db.schema_version() == len(migrations())
        setup.load_reference(first, SYSTEM)
        records.create_partner(first, SYSTEM, Partner(name="Only here", stakeholder_type="hotline"))
        assert first.count("partners") == 1
        assert first.count("countries") > 200
        assert second.count("partners") == 0 and second.count("countries") == 0
    finally:
        first.db.close()
        second.db.close()


def test_unopenable_database_is_reported_as_storage_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-database.duckdb"
    bogus.write_text("this is a spreadsheet, not a database")
    with pytest.raises(StorageError, match="cannot open the database at"):
        Database(bogus)


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction():
            store.insert_row("partner", {"name": "Ghost", "stakeholder_type": "hotline"})
            store.audit(AuditEntry("x", "admin", "create", "partner", "1", None, {"name": "Ghost"}))
            raise RuntimeError("boom")
    assert table_counts(store) == before


def test_nested_transaction_joins_the_outer_one(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            records.create_partner(store, SYSTEM, Partner(name="Inner", stakeholder_type="hotline"))
            assert store.count("partners") == 1  # visible inside the transaction
            raise RuntimeError("the outer use case failed after the inner one")
    assert table_counts(store) == before
    # and the store still works afterwards
    records.create_partner(store, SYSTEM, Partner(name="After", stakeholder_type="hotline"))
    assert store.count("partners") == 1


def test_each_thread_gets_its_own_cursor_and_keeps_it(store: Store) -> None:
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def grab() -> None:
        cur = store.cur
        assert store.cur is cur  # the same cursor for the whole thread
        with lock:
            cursors.append(cur)

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.cur is store.cur
    assert len({id(c) for c in [*cursors, store.cur]}) == 4


def test_count_leaves_out_soft_deleted_records_unless_asked(store: Store) -> None:
    keep = records.create_partner(store, SYSTEM, Partner(name="Keep", stakeholder_type="hotline"))
    gone = records.create_partner(store, SYSTEM, Partner(name="Gone", stakeholder_type="hotline"))
    store.cur.execute("UPDATE partners SET deleted_at = now() WHERE id = ?", [gone])
    assert store.count("partners") == 1
    assert store.count("partners", live_only=False) == 2
    assert store.get_row("partner", gone) is None
    assert store.get_row("partner", gone, include_deleted=True)["name"] == "Gone"
    assert store.get_row("partner", keep)["name"] == "Keep"


def test_table_and_key_names_outside_the_schema_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        store.count("users; DROP TABLE partners")
    with pytest.raises(ValueError, match="unknown key column"):
        store.existing_keys("partners", "name", ["x"])
    with pytest.raises(ValueError, match="unknown sequence"):
        store.next_ids("audit_ids", 1)
    assert store.count("partners") == 0


def test_update_row_with_stale_version_names_who_changed_it(store: Store) -> None:
    alice = SYSTEM.model_copy(update={"identity": "alice@secretariat.org"})
    pid = records.create_partner(store, alice, Partner(name="Hotline", stakeholder_type="hotline"))
    assert (
        records.update_partner(store, alice, pid, Partner(name="Hotline 2", stakeholder_type="hotline"), 1)
        == 2
    )
    with pytest.raises(ConcurrentEditError, match=r"changed by alice@secretariat\.org at "):
        with store.transaction():
            store.update_row("partner", pid, {"name": "Stale"}, expected_version=1)
    assert store.get_row("partner", pid)["name"] == "Hotline 2"
    assert store.get_row("partner", pid)["version"] == 2


def test_history_returns_audit_entries_in_order_with_json_decoded(store: Store) -> None:
    pid = records.create_partner(
        store, SYSTEM, Partner(name="A", stakeholder_type="hotline", tags=[StakeholderType.ACADEMIA])
    )
    records.update_partner(store, SYSTEM, pid, Partner(name="B", stakeholder_type="hotline"), 1)
    history = store.history("partner", pid)
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[0]["before"] is None
    assert history[0]["after"]["tags"] == ["academia"]
    assert history[1]["before"]["name"] == "A" and history[1]["after"]["name"] == "B"


def test_dataset_meta_is_upserted(store: Store) -> None:
    assert store.meta("k") is None
    store.set_meta("k", "one")
    store.set_meta("k", "two")
    assert store.meta("k") == "two"
    assert store.count("dataset_meta") == 1


def _hold_transaction_open(
    store: Store, work, started: threading.Event, release: threading.Event, errors: list[BaseException]
) -> threading.Thread:
    """Run ``work`` inside a transaction on another thread, and keep it open until ``release``."""

    def run() -> None:
        try:
            with store.transaction():
                work()
                started.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_simultaneous_save_of_the_same_record_is_reported_as_concurrent_edit(store: Store) -> None:
    pid = records.create_partner(store, SYSTEM, Partner(name="Hotline", stakeholder_type="hotline"))
    started, release, errors = threading.Event(), threading.Event(), []
    other = _hold_transaction_open(
        store,
        lambda: records.update_partner(
            store, SYSTEM, pid, Partner(name="Theirs", stakeholder_type="hotline"), 1
        ),
        started,
        release,
        errors,
    )
    started.wait(10)
    try:
        with pytest.raises(ConcurrentEditError):
            records.update_partner(store, SYSTEM, pid, Partner(name="Mine", stakeholder_type="hotline"), 1)
    finally:
        release.set()
        other.join()
    assert errors == []
    assert store.get_row("partner", pid)["name"] == "Theirs"


def test_conflict_found_at_commit_is_reported_as_concurrent_edit(store: Store) -> None:
    started, release, errors = threading.Event(), threading.Event(), []
    other = _hold_transaction_open(store, lambda: store.set_meta("note", "theirs"), started, release, errors)
    started.wait(10)
    try:
        with pytest.raises(ConcurrentEditError):
            with store.transaction():
                store.set_meta("note", "mine")
                release.set()
                other.join()  # their transaction commits first
    finally:
        release.set()
        other.join()
    assert errors == []
    assert store.meta("note") == "theirs"


def test_read_only_database_sees_the_schema_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    store = Store.open(path)
    store.db.close()
    # read-only opening of a closed database works and sees the schema
    ro = Database(path, read_only=True)
    try:
        assert ro.schema_version() == len(migrations())
        with pytest.raises(duckdb.Error):
            ro.cursor().execute("CREATE TABLE x (i INTEGER)")
    finally:
        ro.close()


def test_migration_005_adds_contact_addresses_and_reminders_to_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partners.storage.duckdb import database

    path = tmp_path / "before-005.duckdb"
    every = migrations()
    monkeypatch.setattr(database, "migrations", lambda: [m for m in every if m[0] < 5])
    old = Database(path)
    try:
        old.migrate()
        assert old.schema_version() == 4
        old.cursor().execute("INSERT INTO partners (name, stakeholder_type) VALUES ('Older hotline', 'hotline')")
    finally:
        old.close()
    monkeypatch.setattr(database, "migrations", lambda: every)
    store = Store.open(path)
    try:
        assert store.db.schema_version() == len(every) >= 5
        [row] = store.query_rows("SELECT name, contact_email, contact_email_2 FROM partners")
        assert row == {"name": "Older hotline", "contact_email": None, "contact_email_2": None}
        assert store.count("partner_reminders", live_only=False) == 0
        assert "partner_reminders" in store.data_tables()
    finally:
        store.db.close()
