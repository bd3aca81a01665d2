"""Backup and restore: a round trip gives identical data; a bad archive is refused and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from partners import cli
from partners.domain.model import Actor, Commitment, CommitmentPartner, Role
from partners.domain.permissions import PermissionDenied
from partners.services import backup, records
from partners.services.backup import MANIFEST, BackupRefused
from partners.storage.duckdb.store import TABLES
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.duckdb.tables import DERIVED_TABLES
from partners.ui.navigation import PAGES_DIR

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Actor(identity="ada@secretariat.example", role=Role.ADMIN)
EDITOR = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR)
REVIEWER = Actor(identity="rey@secretariat.example", role=Role.REVIEWER)
MEMBER = Actor(identity="mo@member.example", role=Role.MEMBER_VIEWER)
PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC)


def dump(store: Store) -> dict[str, list[dict]]:
    """Every row of every table, in a stable order: the full picture to compare."""
    return {table: store.dump_table(table).to_pylist() for table in store.data_tables()}


def new_commitment(store: Store, actor: Actor = ADMIN) -> int:
    partner = store.scalar("SELECT min(id) FROM partners")
    return records.log_commitment(
        store,
        actor,
        Commitment(
            title="A commitment logged after the backup",
            partners=[CommitmentPartner(partner_id=partner, role="lead")],
            is_global=True,
        ),
    )


def rezip(data: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    """The archive with its files changed by ``change`` (name -> content)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in change(files).items():
            archive.writestr(name, content)
    return out.getvalue()


def edit_manifest(data: bytes, edit: Callable[[dict], None]) -> bytes:
    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        doc = json.loads(files[MANIFEST])
        edit(doc)
        return files | {MANIFEST: json.dumps(doc).encode()}

    return rezip(data, change)


def replace_table(data: bytes, table: str, new: pa.Table) -> bytes:
    """Swap a table's file for ``new`` and update the manifest to match, so only the content is wrong."""
    buffer = io.BytesIO()
    pq.write_table(new, buffer)
    content = buffer.getvalue()

    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        doc = json.loads(files[MANIFEST])
        entry = next(t for t in doc["tables"] if t["name"] == table)
        entry.update(rows=new.num_rows, bytes=len(content), sha256=hashlib.sha256(content).hexdigest())
        return files | {f"{table}.parquet": content, MANIFEST: json.dumps(doc).encode()}

    return rezip(data, change)


@pytest.fixture
def made(demo_store: Store) -> tuple[Store, backup.Backup, dict[str, list[dict]]]:
    """The demo database, a backup of it, and the full dump taken just before the backup."""
    before = dump(demo_store)
    return demo_store, backup.create_backup(demo_store, ADMIN), before


# -- the archive ------------------------------------------------------------------------------------


def test_a_backup_is_a_zip_of_parquet_files_with_a_manifest(made) -> None:
    store, result, before = made
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read(MANIFEST))
        assert names == {MANIFEST} | {f"{t}.parquet" for t in store.data_tables()}
        assert manifest["app"] == "partners"
        assert manifest["format_version"] == backup.FORMAT_VERSION
        assert manifest["schema_version"] == store.db.schema_version()
        assert manifest["created_by"] == ADMIN.identity
        for entry in manifest["tables"]:
            content = archive.read(entry["file"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert entry["rows"] == len(before[entry["name"]]) == pq.read_table(io.BytesIO(content)).num_rows
            assert entry["columns"] == store.table_columns(entry["name"])
    assert result.file_name.startswith("partners-backup-") and result.file_name.endswith(".zip")


def test_every_table_in_the_schema_is_backed_up_even_one_not_yet_listed(store: Store) -> None:
    # The derived tables (each commitment's status, the data version) are rebuilt, not backed up.
    in_schema = {
        r[0]
        for r in store.cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()"
        ).fetchall()
    } - {"schema_version", *DERIVED_TABLES}
    assert set(TABLES) <= in_schema
    assert set(store.data_tables()) == in_schema
    assert store.data_tables()[: len(TABLES)] == list(TABLES)  # the listed ones first, in their order


def test_a_backup_is_recorded_in_the_audit_log(made) -> None:
    store, result, _ = made
    entry = store.history("database", "all")[-1]
    assert entry["action"] == "backup" and entry["actor"] == ADMIN.identity
    assert entry["after"]["tables"] == result.manifest.rows()


@pytest.mark.parametrize("actor", [REVIEWER, MEMBER, PUBLIC], ids=lambda a: a.role.value)
def test_only_the_secretariat_editors_and_admins_download_backups(demo_store: Store, actor: Actor) -> None:
    before = dump(demo_store)
    with pytest.raises(PermissionDenied):
        backup.create_backup(demo_store, actor)
    assert dump(demo_store) == before
    assert backup.create_backup(demo_store, EDITOR).manifest.created_by == EDITOR.identity


# -- round trip -------------------------------------------------------------------------------------


def test_restoring_into_a_fresh_database_gives_identical_data_and_ids_keep_working(made, tmp_path) -> None:
    _, result, before = made
    fresh = Store.open(tmp_path / "fresh.duckdb")
    try:
        manifest = backup.restore_backup(fresh, ADMIN, result.data)
        assert manifest.rows() == {table: len(rows) for table, rows in before.items()}
        after = dump(fresh)
        for table in before:
            if table != "audit_log":
                assert after[table] == before[table], f"{table} differs after the round trip"
        # The audit log is the backup's, plus one entry saying who restored it.
        assert after["audit_log"][:-1] == before["audit_log"]
        restored = after["audit_log"][-1]
        assert (restored["action"], restored["entity"], restored["actor"]) == (
            "restore",
            "database",
            ADMIN.identity,
        )
        assert json.loads(restored["after"])["archive_sha256"] == hashlib.sha256(result.data).hexdigest()
        assert restored["id"] > max(row["id"] for row in before["audit_log"])
        # New records get fresh ids, past every restored one.
        new_id = new_commitment(fresh)
        assert new_id > max(row["id"] for row in before["commitments"])
    finally:
        fresh.db.close()
    reopened = Store.open(tmp_path / "fresh.duckdb")
    try:
        assert reopened.count("commitments", live_only=False) == len(before["commitments"]) + 1
    finally:
        reopened.db.close()


def test_restoring_over_changed_data_brings_back_the_backups_data(made) -> None:
    store, result, before = made
    added = new_commitment(store)
    with store.transaction():
        store.set_meta("reporting_cycle_months", "6")
        store.cur.execute("UPDATE partners SET name = 'Renamed' WHERE id = (SELECT min(id) FROM partners)")
    backup.restore_backup(store, ADMIN, result.data)
    after = dump(store)
    for table in before:
        if table != "audit_log":
            assert after[table] == before[table], f"{table} differs after the restore"
    assert store.meta("reporting_cycle_months") is None
    # The id of the commitment logged after the backup is never handed out again.
    assert new_commitment(store) > added


def test_a_backup_of_a_restored_database_restores_identically_again(made, tmp_path) -> None:
    _, result, _ = made
    first = Store.open(tmp_path / "first.duckdb")
    second = Store.open(tmp_path / "second.duckdb")
    try:
        backup.restore_backup(first, ADMIN, result.data)
        again = backup.create_backup(first, ADMIN)
        backup.restore_backup(second, ADMIN, again.data)
        a, b = dump(first), dump(second)
        assert {t: v for t, v in a.items() if t != "audit_log"} == {
            t: v for t, v in b.items() if t != "audit_log"
        }
    finally:
        first.db.close()
        second.db.close()


# -- refusals: nothing changes ----------------------------------------------------------------------


def _flip_a_byte_in_a_parquet_file(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("commitments.parquet")
    raw = bytearray(data)
    # Past the local header: inside the compressed bytes of the file.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    return bytes(raw)


def _damage_content_keep_zip_valid(data: bytes) -> bytes:
    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        content = bytearray(files["commitments.parquet"])
        content[len(content) // 2] ^= 0xFF
        return files | {"commitments.parquet": bytes(content)}

    return rezip(data, change)


def _foreign_zip(_: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.csv", "a,b\n1,2\n")
    return out.getvalue()


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "not a zip": (lambda _: b"%PDF-1.7 this is not a zip", "not a ZIP archive"),
    "empty file": (lambda _: b"", "the file is empty"),
    "foreign zip": (_foreign_zip, "has no manifest.json"),
    "no manifest": (
        lambda d: rezip(d, lambda f: {k: v for k, v in f.items() if k != MANIFEST}),
        "no manifest.json",
    ),
    "another app's manifest": (
        lambda d: edit_manifest(d, lambda m: m.update(app="other")),
        "not made by partners",
    ),
    "manifest not json": (lambda d: rezip(d, lambda f: f | {MANIFEST: b"{not json"}), "not valid JSON"),
    "unknown format": (
        lambda d: edit_manifest(d, lambda m: m.update(format_version=99)),
        "archive format 99",
    ),
    "other schema version": (
        lambda d: edit_manifest(d, lambda m: m.update(schema_version=m["schema_version"] + 1)),
        "schema version",
    ),
    "byte flipped in a parquet file": (_flip_a_byte_in_a_parquet_file, "damaged"),
    "content changed, manifest not": (_damage_content_keep_zip_valid, "commitments.parquet is damaged"),
    "file missing": (
        lambda d: rezip(d, lambda f: {k: v for k, v in f.items() if k != "partners.parquet"}),
        "partners.parquet listed in the manifest is missing",
    ),
    "unlisted file": (lambda d: rezip(d, lambda f: f | {"notes.txt": b"hello"}), "does not list: notes.txt"),
    "path traversal": (lambda d: rezip(d, lambda f: f | {"../evil.parquet": b"x"}), "unsafe name"),
    "folder in name": (lambda d: rezip(d, lambda f: f | {"sub/evil.parquet": b"x"}), "unsafe name"),
    "wrong row count": (
        lambda d: edit_manifest(
            d, lambda m: next(t for t in m["tables"] if t["name"] == "events").update(rows=1)
        ),
        "events.parquet holds",
    ),
    "table missing everywhere": (
        lambda d: edit_manifest(
            rezip(d, lambda f: {k: v for k, v in f.items() if k != "events.parquet"}),
            lambda m: m.update(tables=[t for t in m["tables"] if t["name"] != "events"]),
        ),
        "missing: events",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_archive_is_refused_in_words_and_nothing_changes(made, case: str) -> None:
    store, result, _ = made
    damage, message = CASES[case]
    new_commitment(store)  # the database now differs from the backup: a restore would show
    before = dump(store)
    with pytest.raises(BackupRefused) as info:
        backup.restore_backup(store, ADMIN, damage(result.data))
    assert message in str(info.value)
    assert dump(store) == before


def test_rows_that_break_the_schema_roll_the_whole_restore_back(made) -> None:
    """A well-formed archive whose data the database refuses half-way: everything is rolled back."""
    store, result, _ = made
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        commitments = pq.read_table(io.BytesIO(archive.read("commitments.parquet")))
    duplicated = pa.concat_tables([commitments, commitments.slice(0, 1)])  # a primary key twice
    bad = replace_table(result.data, "commitments", duplicated)
    new_commitment(store)
    before = dump(store)
    with pytest.raises(BackupRefused) as info:
        backup.restore_backup(store, ADMIN, bad)
    assert "nothing was changed" in str(info.value)
    assert dump(store) == before
    assert new_commitment(store) > max(row["id"] for row in before["commitments"])


def test_columns_that_do_not_match_the_database_are_refused(made) -> None:
    store, result, _ = made
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        events = pq.read_table(io.BytesIO(archive.read("events.parquet")))
    bad = edit_manifest(
        replace_table(result.data, "events", events.drop_columns(["location"])),
        lambda m: next(t for t in m["tables"] if t["name"] == "events").update(
            columns=events.drop_columns(["location"]).column_names
        ),
    )
    before = dump(store)
    with pytest.raises(BackupRefused, match="table events in this backup has the columns"):
        backup.restore_backup(store, ADMIN, bad)
    assert dump(store) == before


@pytest.mark.parametrize("actor", [EDITOR, REVIEWER, MEMBER, PUBLIC], ids=lambda a: a.role.value)
def test_only_admins_restore(made, actor: Actor) -> None:
    store, result, _ = made
    new_commitment(store)
    before = dump(store)
    with pytest.raises(PermissionDenied):
        backup.restore_backup(store, actor, result.data)
    with pytest.raises(PermissionDenied):
        backup.check_archive(store, actor, result.data)
    assert dump(store) == before


def test_checking_an_archive_changes_nothing(made) -> None:
    store, result, _ = made
    before = dump(store)
    checked = backup.check_archive(store, ADMIN, result.data)
    assert checked.manifest.rows() == result.manifest.rows()
    assert dump(store) == before


# -- the command line -------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_and_restore_round_trip(demo_store: Store, tmp_path: Path, capsys) -> None:
    source = demo_store.db.path
    before = dump(demo_store)
    demo_store.db.close()
    target = tmp_path / "nightly.zip"
    code, out, err = run(capsys, source, "backup", str(target))
    assert code == 0, err
    assert f"written to {target}" in out and "commitments" in out
    assert zipfile.is_zipfile(target)

    code, _, err = run(capsys, source, "backup", str(target))
    assert code == 2 and "exists" in err
    assert run(capsys, source, "backup", "--force", str(target))[0] == 0

    fresh = str(tmp_path / "fresh.duckdb")
    code, out, err = run(capsys, fresh, "restore", str(target))
    assert code == 0, err
    assert f"restored {target}" in out
    restored = Store.open(fresh)
    try:
        after = dump(restored)
        assert {t: v for t, v in after.items() if t != "audit_log"} == {
            t: v for t, v in before.items() if t != "audit_log"
        }
    finally:
        restored.db.close()


def test_cli_backup_into_a_folder_picks_a_dated_name(demo_store: Store, tmp_path: Path, capsys) -> None:
    source = demo_store.db.path
    demo_store.db.close()
    code, _, err = run(capsys, source, "backup", str(tmp_path))
    assert code == 0, err
    assert [p.name for p in tmp_path.glob("partners-backup-*.zip")]


@pytest.mark.parametrize("content", [b"not a zip at all", None])
def test_cli_restore_refuses_a_bad_or_missing_file_with_exit_code_2(
    demo_store: Store, tmp_path: Path, capsys, content: bytes | None
) -> None:
    source = demo_store.db.path
    before = dump(demo_store)
    demo_store.db.close()
    bad = tmp_path / "bad.zip"
    if content is not None:
        bad.write_bytes(content)
    code, out, err = run(capsys, source, "restore", str(bad))
    assert code == 2
    assert err.startswith("refused:") and not out
    reopened = Store.open(source)
    try:
        assert dump(reopened) == before
    finally:
        reopened.db.close()


# -- the page ---------------------------------------------------------------------------------------


def test_the_backup_page_offers_a_download_and_a_restore(demo_store: Store, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page(str(PAGES_DIR / "backup.py")).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Backup and restore"
    assert [h.value for h in at.subheader] == ["Download a backup", "Restore from a backup"]
    assert os.environ["PARTNERS_DB"] == path
