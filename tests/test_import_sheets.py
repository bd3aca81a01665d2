"""New partners and events in the same import: the workbook's *Partners* and *Events* sheets, matched by the
same column rules as the commitments, checked row by row, and written with the commitments that name them in
one transaction, or not at all. Real DuckDB files; workbooks built here."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from partners import cli
from partners.domain.model import SYSTEM, Event, EventKind, Partner, StakeholderType
from partners.importing import columns
from partners.importing.columns import SheetKind
from partners.importing.report import RowStatus
from partners.services import audit, importing, records
from partners.services.errors import ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store

STORED_PARTNER = "Ministry of Interior of Kenya"
STORED_EVENT = "Nairobi Summit 2025"

#: A summit workbook of a rapporteur's own making: its own headers, a title row, new partners and a new event.
PLEDGE_HEADER = ["Ref", "Commitment", "Partner(s)", "Country / countries", "Event", "Budget (USD)"]
PARTNER_HEADER = ["Organisation", "Type", "HQ country", "Website", "Contact e-mail"]
EVENT_HEADER = ["Event", "Type", "Date", "City", "Host country"]


def pledge(ref: str, partners: str, event: str = "Kigali Summit 2026", **over: object) -> list[object]:
    row = {
        "Ref": ref,
        "Commitment": f"Open a national hotline for reports of child sexual abuse material ({ref})",
        "Partner(s)": partners,
        "Country / countries": "Kenya; Rwanda",
        "Event": event,
        "Budget (USD)": 250000,
        **over,
    }
    return [row[h] for h in PLEDGE_HEADER]


GOOD_PARTNERS = [
    ["Childline Rwanda", "NGO", "Rwanda", "https://childline-rwanda.example.org", "Info@Childline-Rwanda.example.org"],
    ["Rwanda National Police", "Law enforcement", "RWA", None, "cyber@police.example.rw"],
]
GOOD_EVENTS = [["Kigali Summit 2026", "Summit", "30/06/2026", "Kigali", "Rwanda"]]
GOOD_PLEDGES = [
    pledge("KGL-1", "Childline Rwanda (lead); Rwanda National Police"),
    pledge("KGL-2", f"{STORED_PARTNER}; Childline Rwanda", event=STORED_EVENT),
]


def workbook(
    pledges: list[list[object]] = GOOD_PLEDGES,
    partners: list[list[object]] | None = GOOD_PARTNERS,
    events: list[list[object]] | None = GOOD_EVENTS,
    *,
    partners_sheet: str = "Partners",
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["Kigali summit: pledges as announced"])
    ws.append(PLEDGE_HEADER)
    for row in pledges:
        ws.append(row)
    if partners is not None:
        sheet = wb.create_sheet(partners_sheet)
        sheet.append(PARTNER_HEADER)
        for row in partners:
            sheet.append(row)
    if events is not None:
        sheet = wb.create_sheet("Events")
        sheet.append(EVENT_HEADER)
        for row in events:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def db(store: Store) -> Store:
    records.create_partner(store, SYSTEM, Partner(name=STORED_PARTNER, stakeholder_type=StakeholderType.GOVERNMENT))
    records.create_event(store, SYSTEM, Event(name=STORED_EVENT, kind=EventKind.SUMMIT, date=date(2025, 3, 1)))
    return store


def counts(store: Store) -> dict[str, int]:
    tables = ("partners", "events", "commitments", "commitment_partners", "commitment_countries", "audit_log")
    return {t: store.count(t) for t in tables}


def messages(report) -> list[tuple[str, int | None, str, str]]:
    return [(p.sheet, p.row, p.column, p.message) for p in report.problems]


def test_new_partners_and_an_event_are_added_with_the_commitments_that_name_them(db: Store) -> None:
    report = importing.run_import(db, SYSTEM, workbook(), "kigali.xlsx")

    assert report.ok and report.committed, report.lines()
    assert report.summary() == "commitments: 2 new; partners: 2 new; events: 1 new"
    kinds = {m.kind: {h.text: h.column for h in m.headers} for m in report.mappings}
    assert kinds[SheetKind.PARTNERS] == {
        "Organisation": "name", "Type": "stakeholder_type", "HQ country": "hq_country",
        "Website": "website", "Contact e-mail": "contact_email",
    }
    assert kinds[SheetKind.EVENTS]["Event"] == "name" and kinds[SheetKind.EVENTS]["City"] == "location"

    partners = {
        r["name"]: r
        for r in db.query_rows(
            "SELECT id, name, stakeholder_type, hq_country, website, contact_email FROM partners"
        )
    }
    assert partners["Childline Rwanda"]["stakeholder_type"] == "civil_society"  # "NGO"
    assert partners["Childline Rwanda"]["hq_country"] == "RWA"
    assert partners["Childline Rwanda"]["contact_email"] == "info@childline-rwanda.example.org"
    assert partners["Rwanda National Police"]["stakeholder_type"] == "law_enforcement"
    [event] = db.query_rows("SELECT id, kind, date, location, country FROM events WHERE name = 'Kigali Summit 2026'")
    assert (event["kind"], event["date"], event["location"], event["country"]) == (
        "summit", date(2026, 6, 30), "Kigali", "RWA"
    )

    links = db.query_rows(
        "SELECT c.external_ref, p.name, cp.role, c.event_id FROM commitments c"
        " JOIN commitment_partners cp ON cp.commitment_id = c.id JOIN partners p ON p.id = cp.partner_id"
        " ORDER BY c.external_ref, p.name"
    )
    stored_event = db.query_rows("SELECT id FROM events WHERE name = ?", [STORED_EVENT])[0]["id"]
    assert [(r["external_ref"], r["name"], r["role"], r["event_id"]) for r in links] == [
        ("KGL-1", "Childline Rwanda", "lead", event["id"]),
        ("KGL-1", "Rwanda National Police", "co", event["id"]),
        ("KGL-2", "Childline Rwanda", "co", stored_event),
        ("KGL-2", STORED_PARTNER, "lead", stored_event),
    ]
    # each new record has its audit entry, and the import's entry names them
    assert {e["entity_id"] for e in db.query_rows("SELECT entity_id FROM audit_log WHERE entity = 'partner'")} >= {
        str(partners["Childline Rwanda"]["id"]), str(partners["Rwanda National Police"]["id"])
    }
    entry = db.history("import", "kigali.xlsx")[-1]["after"]
    assert (entry["partners_new"], entry["events_new"]) == (2, 1)
    assert sorted(entry["partner_ids"]) == sorted(
        [partners["Childline Rwanda"]["id"], partners["Rwanda National Police"]["id"]]
    )
    added = {r.summary: r.record_id for r in report.rows if r.kind in (SheetKind.PARTNERS, SheetKind.EVENTS)}
    assert added == {
        "Childline Rwanda": partners["Childline Rwanda"]["id"],
        "Rwanda National Police": partners["Rwanda National Police"]["id"],
        "Kigali Summit 2026": event["id"],
    }


def test_the_same_file_again_changes_nothing(db: Store) -> None:
    importing.run_import(db, SYSTEM, workbook(), "kigali.xlsx")
    before = counts(db)

    again = importing.run_import(db, SYSTEM, workbook(), "kigali.xlsx")

    assert again.ok and again.to_write == 0
    assert {r.status for r in again.rows} == {RowStatus.UNCHANGED}
    assert counts(db) == before
    note = next(r.notes for r in again.rows if r.summary == "Childline Rwanda")
    stored = db.query_rows("SELECT id FROM partners WHERE name = ?", ["Childline Rwanda"])[0]["id"]
    assert note == [
        f"'Childline Rwanda' is already in the app (id {stored}): not added again, and its record there is "
        "kept as it is (change it on the Partners and events page)"
    ]


def test_a_bad_partner_row_rejects_the_whole_file(db: Store) -> None:
    partners = [GOOD_PARTNERS[0], ["Rwanda National Police", "Spaceship agency", "RWA", "police.rw", "not-an-address"]]
    before = counts(db)

    report = importing.run_import(db, SYSTEM, workbook(partners=partners), "kigali.xlsx")

    assert not report.committed
    assert counts(db) == before  # not the good partner, not the event, not the commitments
    assert messages(report) == [
        ("Partners", 3, "stakeholder_type", "'Spaceship agency' is not a stakeholder type the app knows"),
        ("Partners", 3, "website", "'police.rw' is not a web address"),
        ("Partners", 3, "contact_email", "'not-an-address' is not an e-mail address"),
        (
            "Pledges",
            3,
            "partners",
            "the partner 'Rwanda National Police' (Partners row 3) has errors, so this row cannot be imported",
        ),
    ]
    statuses = {(r.sheet, r.row): r.status for r in report.rows}
    assert statuses[("Partners", 2)] is RowStatus.NEW and statuses[("Pledges", 4)] is RowStatus.NEW
    hints = {p.column: p.hint for p in report.problems}
    assert hints["stakeholder_type"].startswith("write one of: Government, Law enforcement")
    assert hints["website"] == "write the full address, starting with https:// (e.g. https://example.org)"


def test_a_bad_event_row_rejects_the_whole_file_and_names_the_rows_that_use_it(db: Store) -> None:
    events = [["Kigali Summit 2026", "Gala dinner", "31/02/2026", "Kigali", "Atlantis"]]
    before = counts(db)

    report = importing.run_import(db, SYSTEM, workbook(events=events), "kigali.xlsx")

    assert not report.committed and counts(db) == before
    found = messages(report)
    assert [(s, r, c) for s, r, c, _ in found] == [
        ("Events", 2, "kind"), ("Events", 2, "date"), ("Events", 2, "country"), ("Pledges", 3, "event"),
    ]
    assert found[-1][3] == (
        "the summit or plan 'Kigali Summit 2026' (Events row 2) has errors, so this row cannot be imported"
    )


def test_a_partner_in_neither_the_database_nor_the_sheet_gets_did_you_mean_from_both(db: Store) -> None:
    pledges = [pledge("KGL-1", "Childline Rwnada; Ministry of Interior of Kenia")]

    report = importing.preview_import(db, SYSTEM, workbook(pledges=pledges), "kigali.xlsx")

    assert [(p.message, p.hint) for p in report.problems] == [
        (
            "partner 'Childline Rwnada' is not in the database",
            "did you mean 'Childline Rwanda'? Correct the name, or add the partner to the workbook's "
            "'Partners' sheet (or in the app)",
        ),
        (
            "partner 'Ministry of Interior of Kenia' is not in the database",
            f"did you mean '{STORED_PARTNER}'? Correct the name, or add the partner to the workbook's "
            "'Partners' sheet (or in the app)",
        ),
    ]


def test_a_new_partner_close_to_a_stored_one_is_added_with_a_note(db: Store) -> None:
    partners = [["Ministry of Interior of Kenia", "Government", "Kenya", None, None]]
    pledges = [pledge("KGL-1", "Ministry of Interior of Kenia", event=STORED_EVENT)]

    report = importing.preview_import(db, SYSTEM, workbook(pledges, partners, None), "k.xlsx")

    assert report.ok
    [row] = [r for r in report.rows if r.kind is SheetKind.PARTNERS]
    assert row.status is RowStatus.NEW
    assert row.notes == [
        f"a new partner, although the app has '{STORED_PARTNER}': if it is the same, write that name here and "
        "in the commitments instead"
    ]


def test_a_name_twice_on_the_partners_sheet_is_refused(db: Store) -> None:
    partners = [*GOOD_PARTNERS, ["childline  rwanda", "NGO", None, None, None]]

    report = importing.preview_import(db, SYSTEM, workbook(partners=partners), "k.xlsx")

    assert messages(report) == [("Partners", 4, "name", "'childline  rwanda' is already on row 2 of this sheet")]


def test_an_update_of_a_stored_commitment_may_name_a_new_partner(db: Store) -> None:
    first = importing.run_import(db, SYSTEM, workbook([pledge("KGL-9", STORED_PARTNER, event=STORED_EVENT)],
                                                      partners=None, events=None), "a.xlsx")
    assert first.committed
    partners = [["Childline Rwanda", "NGO", None, None, None]]
    pledges = [pledge("KGL-9", f"{STORED_PARTNER} (lead); Childline Rwanda", event="Kigali Summit 2026")]

    report = importing.run_import(db, SYSTEM, workbook(pledges, partners, GOOD_EVENTS), "b.xlsx")

    assert report.committed, report.lines()
    assert [r.status for r in report.rows if r.kind is SheetKind.COMMITMENTS] == [RowStatus.UPDATE]
    [stored] = db.commitments_by_external_ref(["KGL-9"]).values()
    names = {r["name"] for r in db.query_rows(
        "SELECT p.name FROM commitment_partners cp JOIN partners p ON p.id = cp.partner_id"
        " WHERE cp.commitment_id = ?", [stored["id"]])}
    assert names == {STORED_PARTNER, "Childline Rwanda"}
    new_event = db.query_rows("SELECT id FROM events WHERE name = 'Kigali Summit 2026'")[0]["id"]
    assert stored["event_id"] == new_event


def test_a_failure_while_writing_leaves_no_partner_event_or_commitment(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything is one transaction: a failure at the last write (the import's own audit entry) takes the
    new partners and events back with the commitments."""
    real = audit.record

    def refuse_the_import_entry(store, actor, action, entity, *args, **kwargs):
        if entity == "import":
            raise ValidationFailed(["the import entry could not be written"])
        return real(store, actor, action, entity, *args, **kwargs)

    monkeypatch.setattr(audit, "record", refuse_the_import_entry)
    before = counts(db)

    report = importing.run_import(db, SYSTEM, workbook(), "kigali.xlsx")

    assert not report.committed
    assert [p.message for p in report.file_problems] == ["the import entry could not be written"]
    assert counts(db) == before


def test_a_list_of_contacts_is_not_taken_for_new_partners(db: Store) -> None:
    """Only a sheet called 'Partners' (or 'Events') is read as new records; another sheet of names is said
    to be not read."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook([pledge("KGL-1", STORED_PARTNER, event=STORED_EVENT)],
                                                    partners=None, events=None)))
    ws = wb.create_sheet("Contacts")
    ws.append(["Name", "Type", "E-mail", "Phone"])  # a header the Partners sheet's columns would match
    ws.append(["Jane Officer", "Government", "jane@example.org", "+254 700 000000"])
    out = io.BytesIO()
    wb.save(out)

    report = importing.preview_import(db, SYSTEM, out.getvalue(), "k.xlsx")

    assert report.ok and {r.kind for r in report.rows} == {SheetKind.COMMITMENTS}
    assert any(w.startswith("sheet 'Contacts' was not read") for w in report.warnings)


def test_a_partners_sheet_without_a_stakeholder_type_says_how_to_fix_it(db: Store) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbook(partners=None, events=None)))
    ws = wb.create_sheet("Partners")
    ws.append(["Partner", "Contact person", "Website"])
    ws.append(["Childline Rwanda", "J. Doe", "https://childline-rwanda.example.org"])
    out = io.BytesIO()
    wb.save(out)

    report = importing.preview_import(db, SYSTEM, out.getvalue(), "k.xlsx")

    assert [(p.sheet, p.message) for p in report.file_problems] == [
        ("Sheet 'Partners'", "the column stakeholder_type is missing")
    ]
    assert "a sheet called 'Partners' is read as new partners: rename it if it lists something else" in (
        report.file_problems[0].hint
    )


def test_a_csv_file_of_partners_imports_on_its_own(db: Store) -> None:
    data = b"name,stakeholder_type,hq_country\r\nChildline Rwanda,Civil society,Rwanda\r\n"

    report = importing.run_import(db, SYSTEM, data, "partners.csv")

    assert report.committed and report.summary() == "partners: 1 new"
    assert db.query_rows("SELECT hq_country FROM partners WHERE name = 'Childline Rwanda'") == [
        {"hq_country": "RWA"}
    ]


def test_the_templates_have_partners_and_events_sheets_that_import(db: Store) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(importing.template_xlsx(db, SYSTEM)))
    wb["Partners"].append(["Childline Rwanda", "Civil society", "RWA", None, "info@childline.example.org", None])
    wb["Events"].append(["Kigali Summit 2026", "Summit", date(2026, 6, 30), "Kigali", "RWA"])
    header = [c.name for c in columns.COMMITMENT_COLUMNS]
    row = {"external_ref": "T-1", "title": "Train investigators", "partners": "Childline Rwanda",
           "countries": "Rwanda", "event": "Kigali Summit 2026"}
    wb["Commitments"].append([row.get(h) for h in header])
    out = io.BytesIO()
    wb.save(out)

    report = importing.run_import(db, SYSTEM, out.getvalue(), "template.xlsx")

    assert report.committed, report.lines()
    assert report.summary() == "commitments: 1 new; partners: 1 new; events: 1 new"
    assert columns.template_file_name(SheetKind.PARTNERS) == "partners-import-partners.csv"
    assert columns.template_csv(SheetKind.EVENTS).decode("utf-8-sig").strip() == ",".join(
        c.name for c in columns.EVENT_COLUMNS
    )


def test_the_command_line_imports_partners_and_events_and_prints_them(
    db: Store, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, file = str(db.db.path), tmp_path / "kigali.xlsx"
    file.write_bytes(workbook())
    db.db.close()

    assert cli.main(["--db", path, "import", str(file)]) == 0

    out = capsys.readouterr().out
    assert "Partners row 2: Childline Rwanda: new" in out
    assert "Events row 2: Kigali Summit 2026: new" in out
    assert "summary: commitments: 2 new; partners: 2 new; events: 1 new" in out
    check = Store.open(path)
    assert check.count("partners") == 3 and check.count("events") == 2
    check.db.close()
