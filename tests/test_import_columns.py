"""Importing a summit workbook with its own column names: synonyms, similarity, ambiguity, overrides, ignored
columns, the value forms such workbooks use, saved mappings, --columns and the result of an import."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from actors import EDITOR, MEMBER
from partners import cli
from partners.domain.model import SYSTEM, Event, EventKind, Partner, StakeholderType
from partners.domain.permissions import PermissionDenied
from partners.importing import mapping
from partners.importing.columns import SheetKind
from partners.importing.parsing import parse_month_text, split_list
from partners.importing.report import RowStatus
from partners.services import importing, records
from partners.services.errors import ValidationFailed
from partners.storage import Store, open_store

TITLE = "Nairobi Summit 2025: commitments received"
#: The columns of a rapporteur's workbook, as the issue lists them, plus a deadline and a column of notes.
FOREIGN = ["Ref", "Partner(s)", "Country / countries", "Commitment", "Budget (USD)", "MNR capabilities", "Event",
           "Deadline for completion", "Notes"]


@pytest.fixture
def db(store: Store) -> Store:
    for name in ("Ministry of Interior of Kenya", "Childline Kenya", "Ministry of Justice, Uganda"):
        records.create_partner(store, SYSTEM, Partner(name=name, stakeholder_type=StakeholderType.GOVERNMENT))
    records.create_event(store, SYSTEM, Event(name="Nairobi Summit 2025", kind=EventKind.SUMMIT,
                                              date=date(2025, 3, 1)))
    return store


def workbook(header: list, rows: list[list], *, title: str | None = TITLE, sheet: str = "Pledges") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def foreign_rows() -> list[list]:
    return [
        ["P-1", "Ministry of Interior of Kenya, Childline Kenya", "Kenya, Uganda", "Train investigators", 15000,
         "16, #8, MNR 4", "Nairobi Summit 2025", "31.12.2027", "call back"],
        ["P-2", "Ministry of Justice, Uganda", "Uganda", "Open a hotline", None, "4", None, "June 2027", None],
    ]


def read_as(report) -> dict[str, str | None]:
    return {h.text: h.column for m in report.mappings for h in m.headers}


def test_a_foreign_workbook_is_read_by_synonyms_and_similarity_below_its_title_row(db: Store) -> None:
    report = importing.run_import(db, EDITOR, workbook(FOREIGN, foreign_rows()), "pledges.xlsx")
    assert report.committed, report.problems
    assert read_as(report) == {
        "Ref": "external_ref", "Partner(s)": "partners", "Country / countries": "countries",
        "Commitment": "title", "Budget (USD)": "budget", "MNR capabilities": "framework_items",
        "Event": "event", "Deadline for completion": "deadline", "Notes": None,
    }
    how = {h.text: h.how for h in report.mappings[0].headers}
    assert how["Partner(s)"] == "synonym" and how["Event"] == "name" and how["Deadline for completion"] == "similar"
    assert report.mappings[0].header_row == 2
    lines = report.lines()
    assert "    Partner(s) -> partners (a known synonym)" in lines
    # the unknown column is listed, never dropped silently
    assert "sheet 'Pledges': column I ('Notes') is not a template column and was not read" in report.warnings
    assert "sheet 'Pledges': row 1 above the column names was not read (a title, most likely)" in report.warnings

    first = db.commitments_by_external_ref(["P-1", "P-2"])
    p1, p2 = first["P-1"], first["P-2"]
    assert sorted(p1["countries"]) == ["KEN", "UGA"]  # "Kenya, Uganda": a comma separates too
    assert len(p1["partners"]) == 2
    assert sorted(p1["framework_items"]) == ["MNR-2016:16", "MNR-2016:4", "MNR-2016:8"]  # 16, #8, MNR 4
    assert p1["currency"] == "USD" and p1["budget"] == 15000  # the currency from the budget's header
    assert p1["deadline"] == date(2027, 12, 31)  # 31.12.2027
    # A partner whose name holds a comma stays one partner; "June 2027" is the end of June, said as a note
    assert len(p2["partners"]) == 1 and p2["deadline"] == date(2027, 6, 30)
    row = next(r for r in report.rows if r.external_ref == "P-2")
    assert row.notes == ["deadline 'June 2027' read as 30 Jun 2027 (the end of that month)"]
    assert any(w.startswith("1 date written as a month without a day was read") for w in report.warnings)


def test_two_headers_matching_one_column_are_reported_not_guessed(db: Store) -> None:
    header = ["Ref", "Partner", "Partners", "Country", "Commitment"]
    rows = [["A-1", "Childline Kenya", "Ministry of Interior of Kenya", "Kenya", "Train investigators"]]
    before = db.count("commitments")
    report = importing.run_import(db, EDITOR, workbook(header, rows), "a.xlsx")
    assert not report.committed and db.count("commitments") == before
    assert [(p.message, p.hint) for p in report.problems] == [
        (
            "the headers 'Partner' (B) and 'Partners' (C) both match partners",
            "choose which one is partners in the column mapping (or name it in the --columns file), or rename "
            "the other",
        )
    ]
    assert read_as(report)["Partner"] is None and read_as(report)["Partners"] is None
    # the officer's choice settles it
    fixed = importing.run_import(db, EDITOR, workbook(header, rows), "a.xlsx",
                                 overrides={SheetKind.COMMITMENTS: {"partners": "Partners"}})
    assert fixed.committed, fixed.problems
    stored = db.commitments_by_external_ref(["A-1"])["A-1"]
    assert [p["partner_id"] for p in stored["partners"]] == [
        int(db.partners().set_index("name").loc["Ministry of Interior of Kenya", "id"])
    ]
    assert "sheet 'Pledges': column B ('Partner') is not a template column and was not read" in fixed.warnings


def test_a_header_as_close_to_two_columns_is_ambiguous() -> None:
    found = mapping.match("S", SheetKind.COMMITMENTS, 1, ["Ref", "Date", "Commitment"])
    assert found.columns == {"external_ref": 0, "title": 2}
    assert [(p.message, p.hint) for p in found.problems] == [
        (
            "the header 'Date' (column B) could be start_date or deadline",
            "choose its column in the column mapping (or name it in the --columns file)",
        )
    ]
    settled = mapping.match("S", SheetKind.COMMITMENTS, 1, ["Ref", "Date", "Commitment"], {"deadline": "Date"})
    assert settled.columns == {"external_ref": 0, "deadline": 1, "title": 2} and settled.problems == []
    # similarity alone: a typo is read, a word that only looks alike is not
    typo = mapping.match("S", SheetKind.COMMITMENTS, 1, ["Ref", "Descripton", "Comments"])
    assert typo.columns == {"external_ref": 0, "description": 1}
    assert [h.how for h in typo.headers] == ["synonym", "similar", "no column of ours"]


def test_an_override_names_headers_and_can_leave_a_column_out(db: Store) -> None:
    header = ["Our ref", "Who", "Where", "What", "Notes"]
    rows = [["O-1", "Childline Kenya", "Kenya", "Train investigators", "Open a hotline too"]]
    plain = importing.preview_import(db, EDITOR, workbook(header, rows, title=None), "o.xlsx")
    assert plain.file_problems  # nothing names our required columns
    chosen = importing.overrides_from_choices(
        SheetKind.COMMITMENTS, {"Our ref": "external_ref", "Who": "partners", "Where": "countries",
                                "What": "title", "Notes": None},
    )
    report = importing.run_import(db, EDITOR, workbook(header, rows, title=None), "o.xlsx",
                                  overrides={SheetKind.COMMITMENTS: chosen})
    assert report.committed, report.problems
    assert [h.how for h in report.mappings[0].headers] == ["chosen"] * 4 + ["no column of ours"]
    with pytest.raises(ValidationFailed, match="'Who' and 'Where' are both set to partners"):
        importing.overrides_from_choices(SheetKind.COMMITMENTS, {"Who": "partners", "Where": "partners"})


def test_list_month_and_capability_forms() -> None:
    assert split_list("Kenya; Uganda") == ["Kenya", "Uganda"]
    assert split_list("Kenya, Uganda") == ["Kenya", "Uganda"]
    assert split_list("Ministry of Justice, Uganda", lambda t: t == "Ministry of Justice, Uganda") == [
        "Ministry of Justice, Uganda"
    ]
    assert split_list("A, B; C") == ["A, B", "C"]  # with ';' in the cell, ';' alone separates
    assert parse_month_text("June 2027") == (2027, 6)
    assert parse_month_text("Sept. 2026") == (2026, 9)
    assert parse_month_text("06/2027") == (2027, 6)
    assert parse_month_text("2027-13") is None and parse_month_text("Juny 2027") is None


def test_a_month_is_no_report_date_and_a_bare_number_without_a_family_is_refused_when_unknown(db: Store) -> None:
    header = ["Ref", "Partners", "Countries", "Title", "Capabilities"]
    rows = [["C-1", "Childline Kenya", "Kenya", "Train", "999"]]
    report = importing.preview_import(db, EDITOR, workbook(header, rows), "c.xlsx")
    assert [p.message for p in report.problems] == ["'999' is not a framework item"]


def test_saved_mappings_are_kept_in_the_database_and_offered_for_a_file_of_that_shape(db: Store) -> None:
    header = ["Our ref", "Who", "Where", "What"]
    rows = [["S-1", "Childline Kenya", "Kenya", "Train investigators"]]
    data = workbook(header, rows, title=None)
    chosen = {SheetKind.COMMITMENTS: importing.overrides_from_choices(
        SheetKind.COMMITMENTS, {"Our ref": "external_ref", "Who": "partners", "Where": "countries", "What": "title"}
    )}
    confirmed = importing.preview_import(db, EDITOR, data, "s.xlsx", chosen)
    assert confirmed.ok
    with pytest.raises(ValidationFailed, match="give it a name"):
        importing.save_mapping(db, EDITOR, "  ", confirmed)
    with pytest.raises(PermissionDenied):
        importing.save_mapping(db, MEMBER, "Rapporteurs", confirmed)
    assert importing.save_mapping(db, EDITOR, " Rapporteurs  2025 ", confirmed) == "Rapporteurs 2025"
    saved = importing.saved_mappings(db, EDITOR)
    assert list(saved) == ["Rapporteurs 2025"] and saved["Rapporteurs 2025"]["saved_by"] == "Sam"
    assert db.history("setting", f"{importing.MAPPINGS_META_KEY}:Rapporteurs 2025")[0]["action"] == "create"

    # The next file of that shape: the saved mapping is offered and reads it
    next_file = workbook(header, [["S-2", "Childline Kenya", "Uganda", "Open a hotline"]], title=None)
    fresh = importing.preview_import(db, EDITOR, next_file, "s2.xlsx")
    assert importing.fitting_mappings(saved, fresh) == ["Rapporteurs 2025"]
    reused = importing.run_import(db, EDITOR, next_file, "s2.xlsx",
                                  overrides=importing.mapping_overrides(saved["Rapporteurs 2025"]))
    assert reused.committed, reused.problems
    other = importing.preview_import(db, EDITOR, workbook(["Ref", "Partners", "Countries", "Title"], rows), "x.xlsx")
    assert importing.fitting_mappings(saved, other) == []
    importing.delete_mapping(db, EDITOR, "Rapporteurs 2025")
    assert importing.saved_mappings(db, EDITOR) == {}


def test_the_result_names_each_commitment_with_its_review_state_and_the_view_of_the_import(db: Store) -> None:
    data = workbook(FOREIGN, foreign_rows())
    report = importing.run_import(db, EDITOR, data, "pledges.xlsx")
    written = {r.external_ref: (r.commitment_id, r.review_state) for r in report.rows}
    stored = db.commitments_by_external_ref(["P-1", "P-2"])
    assert written == {ref: (c["id"], c["review_state"]) for ref, c in stored.items()}
    assert {s for _, s in written.values()} == {"draft"}
    ids = importing.imported_ids(db, EDITOR, "pledges.xlsx", report.sha256[:16])
    assert sorted(ids) == sorted(c["id"] for c in stored.values())
    assert importing.imported_ids(db, EDITOR, "pledges.xlsx", "0" * 16) == []
    with pytest.raises(PermissionDenied):
        importing.imported_ids(db, MEMBER, "pledges.xlsx", report.sha256[:16])
    # an update is listed too, and only the rows it touched
    rows = foreign_rows()
    rows[0][3] = "Train more investigators"
    again = importing.run_import(db, EDITOR, workbook(FOREIGN, rows), "pledges.xlsx")
    assert [(r.external_ref, r.status) for r in again.rows if r.commitment_id] == [("P-1", RowStatus.UPDATE)]
    assert importing.imported_ids(db, EDITOR, "pledges.xlsx", again.sha256[:16]) == [stored["P-1"]["id"]]


# -- the command line ------------------------------------------------------------------------------


def run(db: Store, tmp_path: Path, capsys, *extra: str) -> tuple[int, str, str]:
    path = db.location
    db.close()
    upload = tmp_path / "pledges.xlsx"
    upload.write_bytes(workbook(["Our ref", "Who", "Where", "What"],
                                [["M-1", "Childline Kenya", "Kenya", "Train investigators"]]))
    code = cli.main(["--db", str(path), "import", str(upload), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_columns_map_overrides_and_the_mapping_is_printed(db: Store, tmp_path: Path, capsys) -> None:
    columns_map = tmp_path / "map.yaml"
    columns_map.write_text('external_ref: "Our ref"\npartners: "Who"\ncountries: Where\ntitle: "What"\n')
    path = db.location
    code, out, err = run(db, tmp_path, capsys, "--columns", str(columns_map))
    assert code == 0, err
    assert "    Who -> partners (as chosen)" in out
    assert "imported into" in out
    check = open_store(path)
    assert "M-1" in check.commitments_by_external_ref(["M-1"])
    check.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('partner: "Who"\n', "'partner' is not one of our columns (did you mean partners?)"),
        ("partners: [Who\n", "the column map is not valid YAML"),
        ('partners: "Nobody"\n', "no sheet of the file has that header"),
        ("- partners\n", "the column map must be lines of the form"),
    ],
)
def test_cli_refuses_an_invalid_columns_map_and_imports_nothing(
    db: Store, tmp_path: Path, capsys, text: str, message: str
) -> None:
    columns_map = tmp_path / "map.yaml"
    columns_map.write_text(text)
    path = db.location
    code, out, err = run(db, tmp_path, capsys, "--columns", str(columns_map))
    assert code in (1, 2)
    assert message in out + err
    assert "imported into" not in out
    check = open_store(path)
    assert check.count("commitments") == 0
    check.close()
