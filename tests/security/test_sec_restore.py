"""Probe 7: a restore checks every row of a backup before it replaces anything.

Each test builds a real backup (``create_backup``), edits one table inside it, recomputes the checksums
and sizes in the manifest exactly as the format does (so only the content is wrong), and restores it. The
refusal must name the table and the row, and the database must be exactly as it was (every table dumped
before and after).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from actors import ADMIN, EDITOR
from partners import cli
from partners.domain.model import SYSTEM, CapabilityAssessment, Commitment, Partner, ProgressUpdate, Role
from partners.services import backup, records, users
from partners.services.backup import MANIFEST, BackupRefused
from partners.storage import Store


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {t: store.dump_table(t).to_pylist() for t in store.data_tables()}


def tamper(data: bytes, table: str, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
           schema: pa.Schema | None = None) -> bytes:
    """The archive with ``table``'s rows edited and the manifest's rows, size and SHA-256 recomputed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    original = pq.read_table(io.BytesIO(files[f"{table}.parquet"]))
    rows = edit(original.to_pylist())
    new = pa.Table.from_pylist(rows, schema=schema or original.schema)
    buffer = io.BytesIO()
    pq.write_table(new, buffer, compression="zstd")
    content = buffer.getvalue()
    doc = json.loads(files[MANIFEST])
    entry = next(t for t in doc["tables"] if t["name"] == table)
    entry.update(rows=new.num_rows, bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                 columns=new.column_names)
    files |= {f"{table}.parquet": content, MANIFEST: json.dumps(doc, indent=2).encode()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.fixture
def made(store: Store, partners: tuple[int, int]) -> tuple[Store, bytes]:
    """A small real database (admins, a focal point, a commitment with progress, an assessment) and its backup;
    the database then changes, so that a wrongful restore would show."""
    gov, hotline = partners
    users.add_user(store, SYSTEM, ADMIN.identity, Role.ADMIN)
    users.add_user(store, SYSTEM, "amina@ke.example", Role.COUNTRY_FOCAL_POINT, countries=["KEN"])
    users.add_user(store, SYSTEM, "pat@partner.example", Role.PARTNER_CONTRIBUTOR, partners=[hotline])
    cid = records.log_commitment(store, EDITOR, Commitment(
        title="Train 200 investigators", partners=[{"partner_id": gov, "role": "lead"}], countries=["KEN"],
        framework_items=["MNR-2016:4"], review_state="submitted",
    ))  # fmt: skip
    records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=cid, report_date=date(2025, 3, 1),
                                                          status="on_track"))
    records.record_assessment(store, EDITOR, CapabilityAssessment(
        country="KEN", capability="MNR-2016:4", assessed_on=date(2025, 1, 1), phase=2))  # fmt: skip
    data = backup.create_backup(store, ADMIN).data
    records.create_partner(store, EDITOR, Partner(name="Added after the backup", stakeholder_type="academia"))
    return store, data


def refused(store: Store, data: bytes, *, by_the_check: bool = True) -> str:
    """The refusal of a restore (by the check the Backup page runs before confirming, too)."""
    before = dump(store)
    if by_the_check:
        with pytest.raises(BackupRefused) as info:
            backup.check_archive(store, ADMIN, data)
    with pytest.raises(BackupRefused) as again:
        backup.restore_backup(store, ADMIN, data)
    if by_the_check:
        assert str(again.value) == str(info.value)
    assert dump(store) == before, "a refused restore changed the database"
    return str(again.value)


def _set(row_no: int, **changes: Any) -> Callable[[list[dict]], list[dict]]:
    def edit(rows: list[dict]) -> list[dict]:
        rows[row_no - 1] = rows[row_no - 1] | changes
        return rows

    return edit


def _row_of(store: Store, table: str, **match: Any) -> int:
    rows = store.dump_table(table).to_pylist()
    return next(n for n, r in enumerate(rows, start=1) if all(r[k] == v for k, v in match.items()))


def test_an_unknown_role_is_refused_by_table_and_row(made) -> None:
    store, data = made
    n = _row_of(store, "users", email="amina@ke.example")
    message = refused(store, tamper(data, "users", _set(n, role="superuser", countries=[])))
    assert (f"users, row {n}: role 'superuser' is not a role (valid: admin, secretariat_editor, reviewer, "
            "country_focal_point, partner_contributor, member_viewer)") in message
    assert "nothing was changed" in message
    # The accounts still load, and sign-in still works (no pydantic error from a stored row).
    assert [u.email for u in users.list_users(store, ADMIN)]
    assert users.account_for_sign_in(store, "amina@ke.example").role is Role.COUNTRY_FOCAL_POINT


def test_the_public_role_and_a_malformed_address_are_refused(made) -> None:
    store, data = made
    n = _row_of(store, "users", email="amina@ke.example")
    assert f"users, row {n}: role 'public' is not a role" in refused(
        store, tamper(data, "users", _set(n, role="public", countries=[])))
    assert f"users, row {n}: email 'Amina@KE' is not a (lower-case) e-mail address" in refused(
        store, tamper(data, "users", _set(n, email="Amina@KE")))


def test_a_focal_point_without_countries_or_with_an_unknown_partner_is_refused(made) -> None:
    store, data = made
    n = _row_of(store, "users", email="amina@ke.example")
    assert f"users, row {n}: a country focal point needs at least one country" in refused(
        store, tamper(data, "users", _set(n, countries=[])))
    m = _row_of(store, "users", email="pat@partner.example")
    assert f"users, row {m}: partners names partner 999, which is not in the backup" in refused(
        store, tamper(data, "users", _set(m, partners=[999])))


@pytest.mark.parametrize("table", ["commitment_partners", "commitment_countries", "commitment_items",
                                   "progress_updates"])
def test_rows_pointing_at_a_missing_commitment_are_refused(made, table: str) -> None:
    store, data = made
    message = refused(store, tamper(data, table, _set(1, commitment_id=424242)))
    assert f"{table}, row 1: commitment_id names commitment 424242, which is not in the backup" in message


@pytest.mark.parametrize(("table", "column", "value", "what"), [
    ("commitment_partners", "partner_id", 999, "partner"),
    ("commitment_countries", "country_code", "XXX", "country"),
    ("commitment_items", "item_key", "MNR-2016:99", "framework item"),
    ("capability_assessments", "capability_key", "MNR-2016:99", "framework item"),
])  # fmt: skip
def test_rows_pointing_at_other_missing_records_are_refused(made, table, column, value, what) -> None:
    store, data = made
    message = refused(store, tamper(data, table, _set(1, **{column: value})))
    assert f"{table}, row 1: {column} names {what} {value!r}, which is not in the backup" in message


def test_records_the_domain_model_refuses_are_refused_with_the_models_words(made) -> None:
    store, data = made
    message = refused(store, tamper(data, "commitments", _set(1, review_state="sealed")))
    assert "commitments, row 1: review state: " in message and "'draft'" in message, message
    message = refused(store, tamper(data, "progress_updates", _set(1, status="finished")))
    assert "progress_updates, row 1: status: " in message and "'on_track'" in message, message
    message = refused(store, tamper(data, "capability_assessments", _set(1, phase=7)))
    assert "capability_assessments, row 1: phase: " in message and "4" in message, message
    message = refused(store, tamper(data, "partners", _set(1, website="javascript:alert(1)")))
    assert "partners, row 1: website: the website must be an address starting with http://" in message


def test_a_commitment_whose_partners_were_removed_is_refused(made) -> None:
    store, data = made
    message = refused(store, tamper(data, "commitment_partners", lambda rows: []))
    assert "commitments, row 1: partners: needs at least one entry" in message


def test_a_duplicate_key_is_reported_as_itself_with_both_rows(made) -> None:
    store, data = made
    message = refused(store, tamper(data, "partners", lambda rows: [*rows, rows[0]]))
    assert "partners, row 3: duplicate key (id 1): row 1 has it too" in message
    assert "TransactionContext" not in message and "aborted" not in message


def test_an_empty_required_value_is_reported_as_itself(made) -> None:
    store, data = made
    message = refused(store, tamper(data, "audit_log", _set(2, actor=None)))
    assert "audit_log, row 2: actor is empty; it is required" in message


def test_a_column_of_the_wrong_type_is_reported_as_itself(made) -> None:
    store, data = made
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = pq.read_table(io.BytesIO(archive.read("events.parquet"))).schema
    wrong = pa.schema([pa.field("id", pa.string()) if f.name == "id" else f for f in schema])

    def text_ids(rows: list[dict]) -> list[dict]:
        return [{**r, "id": "not a number"} for r in rows] or [
            {f.name: None for f in schema} | {"id": "not a number", "name": "x", "kind": "summit"}]

    message = refused(store, tamper(data, "events", text_ids, schema=wrong))
    assert "events: column id holds string values; this database stores int32 there" in message


def test_a_check_the_database_makes_itself_is_reported_as_itself_not_as_an_aborted_transaction(made) -> None:
    store, data = made
    # Country codes are three letters (a CHECK in the schema the model does not repeat): the database
    # refuses the row during the restore, and its own words reach the admin.
    rows = store.dump_table("countries").to_pylist()
    n = next(i for i, r in enumerate(rows, start=1) if r["code"] == "ABW")  # a country nothing refers to
    message = refused(store, tamper(data, "countries", _set(n, code="ABWX")), by_the_check=False)
    assert "table countries: Constraint Error: CHECK constraint failed" in message, message
    assert "aborted" not in message


def test_a_backup_that_adds_an_admin_says_so_before_the_restore_and_in_the_history(made) -> None:
    store, data = made
    n = _row_of(store, "users", email="amina@ke.example")
    forged = tamper(data, "users", _set(n, role="admin", countries=[]))
    checked = backup.check_archive(store, ADMIN, forged)  # structurally valid: a restore installs its users
    assert checked.admins == ("ada@secretariat.example", "amina@ke.example")
    assert checked.new_admins == ("amina@ke.example",)
    assert checked.account_notes() == ["This backup makes these accounts administrators: amina@ke.example."]
    backup.restore_backup(store, ADMIN, forged)
    entry = store.history("database", "all")[-1]
    assert entry["action"] == "restore" and entry["after"]["new_admins"] == ["amina@ke.example"]


def test_a_backup_without_the_restorer_or_any_admin_is_announced(made) -> None:
    store, data = made
    n = _row_of(store, "users", email=ADMIN.identity)
    no_admin = tamper(data, "users", _set(n, role="reviewer"))
    notes = backup.check_archive(store, ADMIN, no_admin).account_notes()
    assert notes == ["This backup has no active administrator: after restoring, only the command line can make "
                     "one (`partners users set-role EMAIL --role admin`, or `partners users add`)."]
    other = tamper(data, "users", _set(_row_of(store, "users", email="amina@ke.example"), role="admin",
                                       countries=[]))
    someone_else = ADMIN.model_copy(update={"identity": "other-admin@secretariat.example"})
    assert backup.check_archive(store, someone_else, other).account_notes()[-1] == (
        "You are not an active administrator in this backup: after restoring you will not be.")


def test_the_command_line_refuses_a_tampered_backup_by_table_and_row(made, tmp_path, capsys) -> None:
    store, data = made
    n = _row_of(store, "users", email="amina@ke.example")
    path = tmp_path / "forged.zip"
    path.write_bytes(tamper(data, "users", _set(n, role="superuser", countries=[])))
    before = dump(store)
    location = store.location
    store.close()
    assert cli.main(["--db", location, "restore", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"users, row {n}: role 'superuser' is not a role" in err and "The database was not changed" in err
    from partners.storage import open_store

    again = open_store(location)
    try:
        assert dump(again) == before
    finally:
        again.close()


def _with_contacts_and_a_reminder(store: Store, partner_id: int) -> bytes:
    from partners.services import worklist

    row = records.get_record(store, EDITOR, "partner", partner_id)
    fields = {k: row[k] for k in ("name", "stakeholder_type", "tags", "hq_country")}
    records.update_partner(store, EDITOR, partner_id, Partner(
        **fields, contact_email="office@hotline.example.org", contact_email_2="reports@hotline.example.org"),
        row["version"])  # fmt: skip
    reminder = worklist.Reminder(partner_id, row["name"], (), "")
    worklist.record_reminders(store, EDITOR, [reminder], "eml")
    return backup.create_backup(store, ADMIN).data


def test_contact_addresses_and_reminders_survive_a_backup_and_restore(made, partners) -> None:
    store, _ = made
    data = _with_contacts_and_a_reminder(store, partners[1])
    kept = {t: dump(store)[t] for t in ("partners", "partner_reminders")}
    records.create_partner(store, EDITOR, Partner(name="Added after", stakeholder_type="academia"))
    backup.restore_backup(store, ADMIN, data)
    assert {t: dump(store)[t] for t in ("partners", "partner_reminders")} == kept
    assert len(kept["partner_reminders"]) == 1


def test_a_bad_contact_address_or_reminder_row_in_a_backup_is_refused(made, partners) -> None:
    store, _ = made
    data = _with_contacts_and_a_reminder(store, partners[1])
    n = _row_of(store, "partners", id=partners[1])
    assert f"partners, row {n}: contact e-mail: 'not an address' is not an e-mail address" in refused(
        store, tamper(data, "partners", _set(n, contact_email="not an address")))
    assert "partner_reminders, row 1: partner_id names partner 999, which is not in the backup" in refused(
        store, tamper(data, "partner_reminders", _set(1, partner_id=999)))
    assert "partner_reminders, row 1: channel 'pigeon' is not one of eml, csv, mailto" in refused(
        store, tamper(data, "partner_reminders", _set(1, channel="pigeon")), by_the_check=True)
