"""The read path's bookkeeping: the data version every write moves on, each commitment's stored status, and
the cache of reads keyed by both the data version and the viewer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from actors import ADMIN, EDITOR, PUBLIC
from partners.domain.model import SYSTEM, Commitment, Event, Partner, ProgressUpdate
from partners.domain.scope import CommitmentFilter
from partners.services import backup, history, importing, records, settings, setup, users, workflow, worklist
from partners.services.errors import ValidationFailed
from partners.services.visibility import view_scope
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


def test_the_stored_status_is_rebuilt_by_a_restore_and_a_demo_reset(demo_store: Store) -> None:
    assert stored_status(demo_store) == status_from_updates(demo_store) != []
    archive = backup.create_backup(demo_store, ADMIN).data
    demo_store.cur.execute("DELETE FROM commitment_status")  # damaged: the restore must not trust it
    backup.restore_backup(demo_store, ADMIN, archive)
    assert stored_status(demo_store) == status_from_updates(demo_store) != []
    setup.remove_demo(demo_store, SYSTEM)
    assert stored_status(demo_store) == status_from_updates(demo_store) == []


def test_the_migration_fills_the_stored_status_of_an_older_database(demo_db_path: Path, tmp_path: Path) -> None:
    import shutil

    copy = Path(shutil.copy(demo_db_path, tmp_path / "older.duckdb"))
    old = Store.open(copy, migrate=False)
    expected = status_from_updates(old)
    # As a database made before migration 006 was: neither table, schema version 5.
    old.cur.execute("DROP TABLE commitment_status")
    old.cur.execute("DROP TABLE data_changes")
    old.cur.execute("DROP SEQUENCE change_ids")
    old.cur.execute("DELETE FROM schema_version WHERE version >= 6")
    old.close()
    migrated = Store.open(copy)
    try:
        assert stored_status(migrated) == expected != []
        assert migrated.data_version() >= 1
    finally:
        migrated.close()
