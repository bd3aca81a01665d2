"""Spreadsheet import: tolerant matching, exact per-row errors, all or nothing, idempotent re-import,
malformed files, the templates and the command line. Real DuckDB files; workbooks built here."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from partners import cli
from partners.domain.model import SYSTEM, Actor, Event, EventKind, Partner, Role, StakeholderType
from partners.domain.permissions import PermissionDenied
from partners.importing import columns
from partners.importing.columns import SheetKind
from partners.importing.report import ImportReport, RowStatus
from partners.services import importing, records
from partners.storage.duckdb.store import DuckDBStore as Store

ROOT = Path(__file__).resolve().parents[1]
HEADER = [c.name for c in columns.COMMITMENT_COLUMNS]
PROGRESS_HEADER = [c.name for c in columns.PROGRESS_COLUMNS]
DATE_HINT = "write the date as 2025-03-31 (year-month-day) or 31/03/2025 (day/month/year)"
FORMULA_HINT = "paste the value: copy the cell, then Paste Special > Values"
PARTNER_HINT = "Correct the name, or add the partner to the workbook's 'Partners' sheet (or in the app)"

PARTNERS = {
    "Ministry of Interior of Kenya": StakeholderType.GOVERNMENT,
    "Fundación Niñez Segura": StakeholderType.CIVIL_SOCIETY,
    "Childline Kenya": StakeholderType.CIVIL_SOCIETY,
    "Meta Platforms": StakeholderType.TECHNOLOGY_COMPANY,
    "National Crime Agency": StakeholderType.LAW_ENFORCEMENT,
    "Türk Telekom": StakeholderType.TECHNOLOGY_COMPANY,
}
EVENT = "Nairobi Summit 2025"


# -- building files --------------------------------------------------------------------------------


def commitment(ref: str, **values) -> list:
    """A commitment row in template column order; a valid one unless ``values`` say otherwise."""
    data = {
        "external_ref": ref,
        "title": f"Train specialist investigators ({ref})",
        "partners": "Ministry of Interior of Kenya (lead); Childline Kenya",
        "countries": "Kenya",
        "framework_items": "MNR-2016:4",
        "unit": "officers",
        "baseline": 0,
        "target_value": 120,
        "start_date": date(2025, 1, 1),
        "deadline": "31/12/2026",
        **values,
    }
    return [data.get(name) for name in HEADER]


def progress(ref: str, **values) -> list:
    data = {"external_ref": ref, "report_date": date(2025, 6, 30), "status": "On track", **values}
    return [data.get(name) for name in PROGRESS_HEADER]


def xlsx(rows: list[list], progress_rows: list[list] | None = None, *, header: list | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Commitments"
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    if progress_rows is not None:
        sheet = wb.create_sheet("Progress updates")
        sheet.append(PROGRESS_HEADER)
        for row in progress_rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_file(
    rows: list[list], *, header: list | None = None, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header or HEADER)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
    return out.getvalue().encode(encoding)


def problems(report: ImportReport) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.message, p.hint) for p in report.problems]


def counts(store: Store) -> tuple[int, ...]:
    return tuple(
        store.count(t)
        for t in (
            "commitments",
            "commitment_partners",
            "commitment_countries",
            "commitment_items",
            "progress_updates",
            "audit_log",
        )
    )


@pytest.fixture
def db(store: Store) -> Store:
    """The reference data, the partners above and one summit: what an officer has before importing."""
    for name, kind in PARTNERS.items():
        records.create_partner(store, SYSTEM, Partner(name=name, stakeholder_type=kind))
    records.create_event(store, SYSTEM, Event(name=EVENT, kind=EventKind.SUMMIT, date=date(2025, 3, 1)))
    return store


def partner_ids(store: Store) -> dict[str, int]:
    return {r["name"]: r["id"] for r in store.query_rows("SELECT id, name FROM partners")}


def stored(store: Store, ref: str) -> dict:
    cid = store.scalar("SELECT id FROM commitments WHERE external_ref = ?", [ref])
    return records.get_commitment(store, cid)


# -- the messy 5,000-row workbook --------------------------------------------------------------------

PARTNER_VARIANTS = [
    "Ministry of Interior of Kenya (lead); Childline Kenya",
    "FUNDACION NINEZ SEGURA",
    "fundación niñez segura (Lead); meta platforms",
    "  National  Crime Agency ; Türk Telekom (lead)",
    "TURK TELEKOM",
]
COUNTRY_VARIANTS = [
    "UK",
    "United Kingdom; Kenya",
    "Türkiye",
    "Turkey; KEN",
    "Cote d'Ivoire",
    "CIV; ke",
    "global",
    "Côte d’Ivoire; Philippines",
]
DEADLINE_VARIANTS = [
    date(2026, 12, 31),
    "2026-12-31",
    "31/12/2026",
    "31 December 2026",
    "December 31, 2026",
    "31.12.2026",
]
ITEM_VARIANTS = ["MNR-2016:4", "MNR 4; MNR 12", "Dedicated law enforcement", "mnr-2016:12; GA-2012:T1", ""]


def messy_rows(n: int = 5000) -> list[list]:
    """``n`` valid rows written the many ways people write them (Excel row = index + 2)."""
    return [
        commitment(
            f"SUM-{i:05d}",
            title=f"Commitment {i}: train officers in online child protection",
            partners=PARTNER_VARIANTS[i % len(PARTNER_VARIANTS)],
            countries=COUNTRY_VARIANTS[i % len(COUNTRY_VARIANTS)],
            deadline=DEADLINE_VARIANTS[i % len(DEADLINE_VARIANTS)],
            framework_items=ITEM_VARIANTS[i % len(ITEM_VARIANTS)],
            budget=1000 + i if i % 3 else None,
            currency="usd" if i % 3 else None,
            event=EVENT.upper() if i % 7 == 0 else None,
            visibility=["Private", "members", "PUBLIC", None][i % 4],
        )
        for i in range(n)
    ]


def with_defects(rows: list[list]) -> tuple[list[list], list[tuple]]:
    """The messy rows with seven defects at known rows, and the exact problems expected for them."""
    rows = [list(r) for r in rows]
    col = HEADER.index

    def at(excel_row: int) -> list:
        return rows[excel_row - 2]

    at(101)[col("deadline")] = "31/02/2026"
    at(202)[col("start_date")] = "12/31/2025"
    at(303)[col("partners")] = "Childline Kenia (lead); Meta Platforms"
    at(404)[col("partners")] = "Acme Safety Ltd"
    rows[505 - 2] = list(at(504))  # the same pledge twice (announced on stage, then by letter)
    at(606)[col("target_value")] = "=B2*2"
    at(707)[col("countries")] = "Keyna; UK"
    expected = [
        ("Commitments", 101, "deadline", "'31/02/2026' is not a valid date", DATE_HINT),
        (
            "Commitments",
            202,
            "start_date",
            "'12/31/2025' looks like month/day/year; dates are read day first",
            DATE_HINT,
        ),
        (
            "Commitments",
            303,
            "partners",
            "partner 'Childline Kenia' is not in the database",
            f"did you mean 'Childline Kenya'? {PARTNER_HINT}",
        ),
        ("Commitments", 404, "partners", "partner 'Acme Safety Ltd' is not in the database", PARTNER_HINT),
        (
            "Commitments",
            505,
            "external_ref",
            "external_ref 'SUM-00502' is already used on row 504",
            "give each commitment its own reference, or delete one of the two rows (row 504 or this one)",
        ),
        (
            "Commitments",
            606,
            "target_value",
            "formulas are not accepted (the cell holds =B2*2)",
            FORMULA_HINT,
        ),
        (
            "Commitments",
            707,
            "countries",
            "'Keyna' is not a country we know",
            "did you mean 'Kenya'? Use the country's name or its ISO code (e.g. KEN, GBR)",
        ),
    ]
    return rows, expected


def test_a_messy_5000_row_workbook_reports_exactly_the_bad_rows_and_imports_nothing(db: Store) -> None:
    rows, expected = with_defects(messy_rows())
    before = counts(db)

    report = importing.run_import(db, SYSTEM, xlsx(rows), "summit.xlsx")

    assert problems(report) == expected
    assert [r.row for r in report.rows if r.status is RowStatus.ERROR] == [101, 202, 303, 404, 505, 606, 707]
    assert report.count(RowStatus.NEW) == 5000 - 7
    assert not report.committed
    assert counts(db) == before  # all or nothing: not one row, not one audit entry


def test_the_corrected_workbook_imports_every_row_in_one_go_and_records_the_import(db: Store) -> None:
    rows = messy_rows()
    audit_before = db.count("audit_log")

    report = importing.run_import(db, SYSTEM, xlsx(rows), "summit.xlsx")

    assert report.ok and report.committed, problems(report)[:3]
    assert report.count(RowStatus.NEW) == 5000
    assert db.count("commitments") == 5000
    entry = db.query_rows("SELECT actor, after FROM audit_log WHERE entity = 'import'")
    assert len(entry) == 1 and entry[0]["actor"] == "system"
    assert '"new": 5000' in entry[0]["after"] and '"file": "summit.xlsx"' in entry[0]["after"]
    assert db.count("audit_log") == audit_before + 5000 + 1  # one per commitment, one for the import

    ids = partner_ids(db)
    joint = stored(db, "SUM-00002")  # "fundación niñez segura (Lead); meta platforms"
    assert {(p["partner_id"], p["role"]) for p in joint["partners"]} == {
        (ids["Fundación Niñez Segura"], "lead"),
        (ids["Meta Platforms"], "co"),
    }
    assert stored(db, "SUM-00003")["partners"] == [  # lead marked second
        {"partner_id": ids["Türk Telekom"], "role": "lead"},
        {"partner_id": ids["National Crime Agency"], "role": "co"},
    ]
    assert stored(db, "SUM-00001")["countries"] == ["GBR", "KEN"]
    assert stored(db, "SUM-00003")["countries"] == ["KEN", "TUR"]
    assert stored(db, "SUM-00005")["countries"] == ["CIV", "KEN"]
    assert stored(db, "SUM-00006")["is_global"] and stored(db, "SUM-00006")["countries"] == []
    assert stored(db, "SUM-00007")["countries"] == ["CIV", "PHL"]
    assert stored(db, "SUM-00003")["framework_items"] == ["GA-2012:T1", "MNR-2016:12"]
    assert stored(db, "SUM-00001")["framework_items"] == ["MNR-2016:12", "MNR-2016:4"]
    assert {stored(db, f"SUM-{i:05d}")["deadline"] for i in range(6)} == {date(2026, 12, 31)}
    assert stored(db, "SUM-00000")["event_id"] is not None
    assert stored(db, "SUM-00002")["visibility"] == "public"
    assert stored(db, "SUM-00001")["review_state"] == "draft"
    assert stored(db, "SUM-00001")["smart_level"] == 4  # deadline, unit, baseline, target (no indicator)


def test_importing_the_same_workbook_again_changes_nothing(db: Store) -> None:
    data = xlsx(messy_rows())
    assert importing.run_import(db, SYSTEM, data, "summit.xlsx").committed
    before = counts(db)

    again = importing.run_import(db, SYSTEM, data, "summit.xlsx")

    assert again.ok and not again.committed
    assert again.count(RowStatus.UNCHANGED) == 5000 and again.to_write == 0
    assert counts(db) == before


def test_a_changed_row_updates_its_commitment_with_a_new_version_and_history(db: Store) -> None:
    rows = messy_rows(50)
    importing.run_import(db, SYSTEM, xlsx(rows), "summit.xlsx")
    rows[10][HEADER.index("title")] = "Train 200 specialist investigators"
    rows[10][HEADER.index("countries")] = "Kenya; Uganda"

    report = importing.run_import(db, SYSTEM, xlsx(rows), "summit-v2.xlsx")

    assert report.committed
    changed = [r for r in report.rows if r.status is RowStatus.UPDATE]
    assert [(r.row, r.external_ref, r.changes) for r in changed] == [
        (12, "SUM-00010", ("title", "countries"))
    ]
    assert report.count(RowStatus.UNCHANGED) == 49
    after = stored(db, "SUM-00010")
    assert after["title"] == "Train 200 specialist investigators" and after["countries"] == ["KEN", "UGA"]
    assert after["version"] == 2 and db.count("commitments") == 50
    last = db.history("commitment", after["id"])[-1]
    assert last["action"] == "update" and last["before"]["title"].startswith("Commitment 10")
    assert last["after"]["reason_for_change"] == "imported from summit-v2.xlsx"


# -- tolerant matching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("UK", ["GBR"]),
        ("United Kingdom", ["GBR"]),
        ("Türkiye", ["TUR"]),
        ("Turkey", ["TUR"]),
        ("Cote d'Ivoire", ["CIV"]),
        ("Côte d’Ivoire", ["CIV"]),
        ("civ", ["CIV"]),
        ("KE", ["KEN"]),
        ("Kenya;Uganda ; Tanzania", ["KEN", "TZA", "UGA"]),
        ("Viet Nam; Vietnam", ["VNM"]),
    ],
)
def test_countries_are_matched_in_their_common_variants(db: Store, written: str, codes: list[str]) -> None:
    report = importing.run_import(db, SYSTEM, xlsx([commitment("C-1", countries=written)]), "c.xlsx")
    assert report.committed, problems(report)
    assert stored(db, "C-1")["countries"] == codes


def test_global_cannot_be_mixed_with_countries_and_regions_are_not_countries(db: Store) -> None:
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment("C-1", countries="global; Kenya"),
                commitment("C-2", countries="Africa"),
                commitment("C-3", countries=None),
            ]
        ),
        "c.xlsx",
    )
    assert problems(report) == [
        (
            "Commitments",
            2,
            "countries",
            "'global; Kenya' mixes 'global' with countries",
            "write either global or the list of countries, not both",
        ),
        (
            "Commitments",
            3,
            "countries",
            "'Africa' is a region, not a country",
            "list the countries separated by ';' (e.g. Kenya; Nigeria), or write global",
        ),
        (
            "Commitments",
            4,
            "countries",
            "countries is empty",
            "list the countries separated by ';' (e.g. Kenya; UK), or write global",
        ),
    ]


def test_partners_are_matched_ignoring_case_and_accents_with_suggestions_for_near_misses(db: Store) -> None:
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment("P-1", partners="FUNDACION NIÑEZ SEGURA (lead); childline kenya"),
                commitment("P-2", partners="Fundacion Ninez Segur"),
                commitment("P-3", partners="Meta Platforms; META PLATFORMS"),
                commitment("P-4", partners=";"),
            ]
        ),
        "p.xlsx",
    )
    assert [r.status for r in report.rows] == [RowStatus.NEW, *[RowStatus.ERROR] * 3]
    assert problems(report) == [
        (
            "Commitments",
            3,
            "partners",
            "partner 'Fundacion Ninez Segur' is not in the database",
            f"did you mean 'Fundación Niñez Segura'? {PARTNER_HINT}",
        ),
        ("Commitments", 4, "partners", "'META PLATFORMS' is listed twice", "list each partner once"),
        ("Commitments", 5, "partners", "no partner given", "name at least one partner"),
    ]


def test_framework_items_are_matched_by_key_short_form_or_name(db: Store) -> None:
    written = "MNR-2016:4; mnr 12; MNR capability 13; Dedicated law enforcement; GA T1; Leadership"
    report = importing.run_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment("F-1", framework_items=written),
                commitment("F-2", framework_items="MNR 99"),
            ]
        ),
        "f.xlsx",
    )
    assert problems(report) == [
        (
            "Commitments",
            3,
            "framework_items",
            "'MNR 99' is not a framework item",
            "did you mean 'MNR-2016:9' or 'MNR-2016:19'? Use keys such as MNR-2016:4 (see the "
            "'Framework items' "
            "sheet of the template)",
        ),
    ]
    assert report.rows[0].status is RowStatus.NEW
    fixed = importing.run_import(db, SYSTEM, xlsx([commitment("F-1", framework_items=written)]), "f.xlsx")
    assert fixed.committed
    assert stored(db, "F-1")["framework_items"] == [
        "GA-2012:T1",
        "MNR-2016:1",
        "MNR-2016:12",
        "MNR-2016:13",
        "MNR-2016:4",
    ]


@pytest.mark.parametrize(
    "written",
    [
        date(2026, 3, 31),
        "2026-03-31",
        "31/03/2026",
        "31.03.2026",
        "31-03-2026",
        "2026/03/31",
        "31 March 2026",
        "31 Mar 2026",
        "March 31, 2026",
        "Mar 31 2026",
        "31st March 2026",
        "2026-03-31 00:00:00",
    ],
)
def test_dates_are_read_in_common_formats(db: Store, written) -> None:
    report = importing.run_import(db, SYSTEM, xlsx([commitment("D-1", deadline=written)]), "d.xlsx")
    assert report.committed, problems(report)
    assert stored(db, "D-1")["deadline"] == date(2026, 3, 31)


def test_numbers_currencies_and_choices_are_checked_with_a_hint(db: Store) -> None:
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment("N-1", baseline="1,500", target_value="2 000", budget="250000.50", currency="eur"),
                commitment("N-2", target_value="40%"),
                commitment("N-3", budget="$5,000", currency=None),
                commitment("N-4", budget=100, currency=None),
                commitment("N-5", baseline="1.500,5"),
                commitment("N-6", visibility="secret", currency="euro", budget=5),
                commitment("N-7", start_date="2026-06-01", deadline="2026-01-01"),
                commitment("N-8", event="Nairobi Sumit 2025", title=None),
            ]
        ),
        "n.xlsx",
    )
    assert report.rows[0].status is RowStatus.NEW
    assert problems(report) == [
        (
            "Commitments",
            3,
            "target_value",
            "'40%' is not a number",
            "write the number without % (40 for 40%) and put 'percent' in the unit column",
        ),
        (
            "Commitments",
            4,
            "budget",
            "'$5,000' is not a number",
            "write the number only, and the currency code (e.g. USD) in the currency column",
        ),
        (
            "Commitments",
            5,
            "currency",
            "the budget has no currency",
            "write the three-letter currency code, e.g. USD, EUR or GBP",
        ),
        (
            "Commitments",
            6,
            "baseline",
            "'1.500,5' is not a number",
            "use a dot for decimals and no thousands separators (e.g. 1500.50)",
        ),
        (
            "Commitments",
            7,
            "currency",
            "'euro' is not a currency code",
            "use the three-letter code, e.g. USD, EUR, GBP or KES",
        ),
        (
            "Commitments",
            7,
            "visibility",
            "'secret' is not a visibility the app knows",
            "write Private, Members or Public (or leave it empty for Private)",
        ),
        (
            "Commitments",
            8,
            "deadline",
            "the deadline (01 Jan 2026) is before the start date (01 Jun 2026)",
            "correct one of the two dates",
        ),
        (
            "Commitments",
            9,
            "title",
            "title is empty",
            "give the commitment a short title (up to 300 characters)",
        ),
        (
            "Commitments",
            9,
            "event",
            "summit or plan 'Nairobi Sumit 2025' is not in the database",
            "did you mean 'Nairobi Summit 2025'? Add it to the workbook's 'Events' sheet (or in the app), "
            "or leave the cell empty",
        ),
    ]


def test_row_numbers_are_those_excel_shows_even_after_blank_rows(db: Store) -> None:
    blank = [None] * len(HEADER)
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment("B-1"),
                blank,
                blank,
                commitment("B-2", deadline="someday"),
            ]
        ),
        "b.xlsx",
    )
    assert [(r.row, r.status) for r in report.rows] == [(2, RowStatus.NEW), (5, RowStatus.ERROR)]
    assert problems(report) == [("Commitments", 5, "deadline", "'someday' is not a date", DATE_HINT)]


def test_a_reference_of_a_deleted_commitment_is_refused(db: Store) -> None:
    importing.run_import(db, SYSTEM, xlsx([commitment("X-1")]), "x.xlsx")
    db.cur.execute("UPDATE commitments SET deleted_at = now() WHERE external_ref = 'X-1'")
    report = importing.preview_import(db, SYSTEM, xlsx([commitment("X-1")]), "x.xlsx")
    (problem,) = report.problems
    assert problem.column == "external_ref" and "belongs to a deleted commitment" in problem.message


# -- progress updates ------------------------------------------------------------------------------


def test_progress_updates_import_with_their_commitments_and_again_without_duplicates(db: Store) -> None:
    importing.run_import(db, SYSTEM, xlsx([commitment("OLD-1")]), "first.xlsx")
    data = xlsx(
        [commitment("NEW-1")],
        [
            progress(
                "NEW-1",
                status="on-track",
                indicator_value=30,
                evidence_links="https://example.org/a; https://example.org/b",
                narrative="Forty officers enrolled",
            ),
            progress("OLD-1", report_date="2025-07-31", status="Off track", source="self reported"),
            progress(
                "OLD-1",
                report_date="2025-08-31",
                status="Stalled",
                source="Verified",
                reason="No money was released",
            ),
        ],
    )
    report = importing.run_import(db, SYSTEM, data, "progress.xlsx")
    assert report.committed, problems(report)
    assert report.summary() == "commitments: 1 new; progress updates: 3 new"
    rows = db.query_rows(
        "SELECT c.external_ref, p.status, p.source, p.reason, p.evidence_links FROM progress_updates p"
        " JOIN commitments c ON c.id = p.commitment_id ORDER BY p.report_date"
    )
    assert [(r["external_ref"], r["status"], r["source"], r["reason"]) for r in rows] == [
        ("NEW-1", "on_track", "self_reported", ""),
        ("OLD-1", "off_track", "self_reported", ""),
        ("OLD-1", "stalled", "verified", "No money was released"),
    ]
    assert rows[0]["evidence_links"] == ["https://example.org/a", "https://example.org/b"]

    before = counts(db)
    again = importing.run_import(db, SYSTEM, data, "progress.xlsx")
    assert again.count(RowStatus.UNCHANGED) == 4 and not again.committed and counts(db) == before


def test_progress_rows_with_problems_are_explained(db: Store) -> None:
    importing.run_import(db, SYSTEM, xlsx([commitment("OLD-1")], [progress("OLD-1")]), "first.xlsx")
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [commitment("BAD-1", partners="Nobody")],
            [
                progress("OLD-1", narrative="A different story"),
                progress("NOPE-9"),
                progress("BAD-1"),
                progress("OLD-1", report_date="2025-09-30", status="Off track", source="verified"),
                progress(
                    "OLD-1", report_date="2025-10-31", status="Finished", evidence_links="www.example.org"
                ),
                progress(
                    "OLD-1", report_date="2025-09-30", status="Off track", source="verified", reason="x"
                ),
            ],
        ),
        "p.xlsx",
    )
    sheet = "Progress updates"
    assert problems(report)[1:] == [
        (
            sheet,
            2,
            "report_date",
            "'OLD-1' already has a self-reported update dated 30 Jun 2025 with different content",
            "imports never overwrite progress updates: correct it in the app, or give this row the date "
            "of a new report",
        ),
        (
            sheet,
            3,
            "external_ref",
            "there is no commitment with external_ref 'NOPE-9'",
            "check the reference, or add the commitment to the Commitments sheet",
        ),
        (
            sheet,
            4,
            "external_ref",
            "the commitment 'BAD-1' (Commitments row 2) has errors, so its progress cannot be imported",
            "fix that row first",
        ),
        (
            sheet,
            5,
            "reason",
            "the verified status (Off track) differs from the partner's latest self-reported "
            "status (On track) and no reason is given",
            "say in the reason column why the secretariat's status differs",
        ),
        (
            sheet,
            6,
            "status",
            "'Finished' is not a status the app knows",
            "write one of: Not started, On track, Off track, Stalled, Complete, Discontinued",
        ),
        (
            sheet,
            6,
            "evidence_links",
            "'www.example.org' is not a web address",
            "write full addresses starting with http:// or https://, separated by ';'",
        ),
        (
            sheet,
            7,
            "report_date",
            "'OLD-1' already has a verified update dated 30 Sep 2025 on row 5",
            "keep one of the two rows, or correct the date",
        ),
    ]


# -- malformed files -------------------------------------------------------------------------------

SAVE_AS = "save it from Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', or start from the template"


def _empty_workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Commitments"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _headerless_workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Pledges"
    wb.active.append(["NBO-1", "A hotline", "Childline Kenya", "Kenya"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message", "hint"),
    [
        ("empty.csv", b"", "the file is empty", "choose the spreadsheet again; it has no content"),
        (
            "junk.csv",
            bytes(range(256)) * 40,
            "the file holds binary data: it is not a CSV text file",
            SAVE_AS,
        ),
        (
            "junk.xlsx",
            b"PK\x03\x04" + bytes(range(256)) * 40,
            "the workbook cannot be opened: it is damaged, or not an Excel .xlsx file",
            SAVE_AS,
        ),
        (
            "renamed.xlsx",
            b"external_ref,title\n",
            "the file is not a valid Excel workbook (it may be damaged or renamed)",
            SAVE_AS,
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "this is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read",
            "open it in Excel and save it as 'Excel Workbook (.xlsx)' without a password",
        ),
        (
            "report.pdf",
            b"%PDF-1.7 ...",
            "'.pdf' files cannot be imported",
            "upload an .xlsx workbook or a .csv file",
        ),
        (
            "empty.xlsx",
            _empty_workbook(),
            "the workbook is empty: no sheet holds any rows",
            "put the column names in row 1 of a sheet called 'Commitments' (or start from the template) "
            "and one "
            "commitment per row below",
        ),
        (
            "noheader.xlsx",
            _headerless_workbook(),
            "no column names found: the first row of sheet 'Pledges' should "
            "name the columns (external_ref, title, partners, ...) but holds 'NBO-1', 'A hotline', "
            "'Childline "
            "Kenya', 'Kenya'",
            "insert the row of column names from the template above the data",
        ),
        (
            "header-only.csv",
            ",".join(HEADER).encode(),
            "the file has column names but no rows below them",
            "add one row per commitment (or progress update) below the column names",
        ),
        (
            "quotes.csv",
            b'external_ref,title\n"NBO-1,"un"closed\n',
            "the CSV file is malformed (',' expected after '\"')",
            SAVE_AS,
        ),
    ],
)
def test_a_malformed_file_gets_one_clear_message_and_changes_nothing(
    db: Store, name: str, data: bytes, message: str, hint: str
) -> None:
    before = counts(db)
    report = importing.run_import(db, SYSTEM, data, name)
    assert [(p.row, p.message, p.hint) for p in report.problems] == [(None, message, hint)]
    assert not report.ok and not report.committed and report.rows == []
    assert counts(db) == before


def test_a_header_with_a_missing_or_doubled_column_is_refused(db: Store) -> None:
    no_partners = [c for c in HEADER if c != "partners"]
    report = importing.preview_import(db, SYSTEM, xlsx([], header=no_partners), "a.xlsx")
    assert problems(report) == [
        (
            "Sheet 'Commitments'",
            None,
            "",
            "the column partners is missing",
            "add it to the row of column names (row 1), or choose which of the file's columns it is in the "
            "column mapping; the template has every column",
        )
    ]
    report = importing.preview_import(db, SYSTEM, xlsx([], header=HEADER * 2), "a.xlsx")
    assert problems(report)[0] == (
        "Sheet 'Commitments'",
        None,
        "",
        "the column 'external_ref' appears twice (columns A and R)",
        "keep one of the two columns",
    )
    assert len(problems(report)) == len(HEADER)  # each doubled column said once, none "missing"


def test_a_column_the_template_does_not_have_is_left_out_with_a_warning(db: Store) -> None:
    report = importing.run_import(
        db, SYSTEM, xlsx([[*commitment("N-1"), "call back in May"]], header=[*HEADER, "Notes"]), "a.xlsx"
    )
    assert report.committed
    assert report.warnings == [
        "sheet 'Commitments': column R ('Notes') is not a template column and was not read"
    ]


def test_a_file_above_the_size_or_row_limit_is_refused(db: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    big = importing.run_import(db, SYSTEM, b"x" * (columns.MAX_FILE_BYTES + 1), "big.csv")
    assert [p.message for p in big.problems] == ["the file is 10.0 MB; the limit is 10 MB"]
    monkeypatch.setattr(columns, "MAX_ROWS", 3)
    many = importing.run_import(db, SYSTEM, xlsx([commitment(f"R-{i}") for i in range(4)]), "many.xlsx")
    assert [(p.message, p.hint) for p in many.problems] == [
        (
            "the file has more than 3 rows; the limit is 3",
            "split it into several files and import them one after the other",
        )
    ]
    assert db.count("commitments") == 0


def test_a_csv_in_windows_1252_is_read_with_a_warning(db: Store) -> None:
    data = csv_file(
        [commitment("W-1", partners="Fundación Niñez Segura", countries="Côte d'Ivoire")], encoding="cp1252"
    )
    report = importing.run_import(db, SYSTEM, data, "legacy.csv")
    assert report.committed, problems(report)
    assert report.warnings[0].startswith("the file is not UTF-8: it was read as Windows-1252")
    assert stored(db, "W-1")["countries"] == ["CIV"]


def test_a_csv_with_semicolons_between_cells_is_read_like_one_with_commas(db: Store) -> None:
    rows = [commitment("S-1", partners="Meta Platforms; Childline Kenya", countries="UK; Kenya")]
    report = importing.run_import(db, SYSTEM, csv_file(rows, delimiter=";"), "european.csv")
    assert report.committed, problems(report)
    assert stored(db, "S-1")["countries"] == ["GBR", "KEN"]


def test_a_csv_row_with_an_unquoted_separator_is_refused_not_shifted(db: Store) -> None:
    data = (
        ",".join(HEADER)
        + "\n"
        + ",".join(["U-1", "A title", "", "Meta Platforms", "Kenya, Uganda"] + [""] * (len(HEADER) - 5))
        + "\n"
    ).encode()
    report = importing.preview_import(db, SYSTEM, data, "shifted.csv")
    assert report.rows[0].status is RowStatus.ERROR and len(report.problems) == 1
    assert (
        report.problems[0].message
        == f"the row has {len(HEADER) + 1} cells but there are {len(HEADER)} column names"
    )


def test_formula_and_error_cells_are_refused_not_read(db: Store) -> None:
    report = importing.preview_import(
        db,
        SYSTEM,
        xlsx(
            [
                commitment('=CONCAT("NBO-",1)'),
                commitment("E-2", partners="#N/A"),
            ]
        ),
        "f.xlsx",
    )
    assert problems(report)[0] == (
        "Commitments",
        2,
        "external_ref",
        'formulas are not accepted (the cell holds =CONCAT("NBO-",1))',
        FORMULA_HINT,
    )
    assert problems(report)[1] == (
        "Commitments",
        3,
        "partners",
        "the cell shows the error #N/A",
        "put the value itself in the cell",
    )


# -- templates, permissions, demo ------------------------------------------------------------------


def test_the_xlsx_template_holds_both_sheets_instructions_and_framework_items(db: Store) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(importing.template_xlsx(db, SYSTEM)))
    assert wb.sheetnames == [
        "Commitments", "Progress updates", "Partners", "Events", "Instructions", "Framework items"
    ]
    assert [c.value for c in wb["Commitments"][1]] == HEADER
    assert [c.value for c in wb["Progress updates"][1]] == PROGRESS_HEADER
    assert [c.value for c in wb["Partners"][1]] == [c.name for c in columns.PARTNER_COLUMNS]
    assert [c.value for c in wb["Events"][1]] == [c.name for c in columns.EVENT_COLUMNS]
    described = {(r[0], r[1]) for r in wb["Instructions"].iter_rows(values_only=True) if r[1]}
    assert {("Commitments", c) for c in HEADER} <= described
    assert {("Partners", c.name) for c in columns.PARTNER_COLUMNS} <= described
    keys = [r[0] for r in wb["Framework items"].iter_rows(min_row=2, values_only=True)]
    assert "MNR-2016:4" in keys and "GA-2012:T1" in keys


def test_the_csv_templates_are_the_column_names_in_utf8_with_bom() -> None:
    data = columns.template_csv(SheetKind.COMMITMENTS)
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").strip() == ",".join(HEADER)
    assert columns.template_csv(SheetKind.PROGRESS).decode("utf-8-sig").strip() == ",".join(PROGRESS_HEADER)


def test_the_empty_template_says_there_is_nothing_in_it(db: Store) -> None:
    report = importing.preview_import(db, SYSTEM, importing.template_xlsx(db, SYSTEM), "template.xlsx")
    assert [p.message for p in report.problems] == [
        "the sheets 'Commitments', 'Progress updates', 'Partners', 'Events' have column names but no rows "
        "below them"
    ]


def test_the_filled_in_template_imports(db: Store) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(importing.template_xlsx(db, SYSTEM)))
    wb["Commitments"].append(commitment("T-1"))
    wb["Progress updates"].append(progress("T-1"))
    out = io.BytesIO()
    wb.save(out)
    report = importing.run_import(db, SYSTEM, out.getvalue(), "template.xlsx")
    assert report.committed, problems(report)
    assert report.summary() == "commitments: 1 new; progress updates: 1 new"


def test_only_those_who_may_log_commitments_can_import(db: Store) -> None:
    viewer = Actor(identity="viewer@example.org", role=Role.MEMBER_VIEWER)
    with pytest.raises(PermissionDenied):
        importing.preview_import(db, viewer, xlsx([commitment("V-1")]), "v.xlsx")
    reviewer = Actor(identity="reviewer@example.org", role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        importing.run_import(db, reviewer, xlsx([commitment("V-1")]), "v.xlsx")
    assert db.count("commitments") == 0


def test_a_secretariat_editor_imports_and_is_named_in_the_audit_log(db: Store) -> None:
    editor = Actor(identity="editor@example.org", role=Role.SECRETARIAT_EDITOR)
    assert importing.run_import(db, editor, xlsx([commitment("E-1")]), "e.xlsx").committed
    actors = {
        r["actor"]
        for r in db.query_rows("SELECT actor FROM audit_log WHERE entity IN ('import', 'commitment')")
    }
    assert actors == {"editor@example.org"}


def test_imports_into_a_demo_database_are_flagged_as_demo_data(demo_store: Store) -> None:
    name = demo_store.scalar("SELECT name FROM partners ORDER BY id LIMIT 1")
    report = importing.run_import(
        demo_store, SYSTEM, xlsx([commitment("DEMO-IMPORT-1", partners=name)]), "d.xlsx"
    )
    assert report.committed, problems(report)
    assert "holds demo data" in report.warnings[0]
    assert demo_store.scalar("SELECT is_demo FROM commitments WHERE external_ref = 'DEMO-IMPORT-1'") is True


# -- the command line and the page -----------------------------------------------------------------


def test_cli_dry_run_prints_the_report_and_changes_nothing(db: Store, tmp_path: Path, capsys) -> None:
    path, file = Path(db.db.path), tmp_path / "summit.xlsx"
    file.write_bytes(xlsx([commitment("CLI-1"), commitment("CLI-2", deadline="31/02/2026")]))
    db.db.close()

    assert cli.main(["--db", str(path), "import", str(file), "--dry-run"]) == 1
    out = capsys.readouterr()
    assert "Commitments row 2: CLI-1: new" in out.out
    assert "Commitments row 3: CLI-2: error" in out.out
    assert f"    deadline: '31/02/2026' is not a valid date. How to fix: {DATE_HINT}" in out.out
    assert "nothing was changed" in out.err

    file.write_bytes(xlsx([commitment("CLI-1"), commitment("CLI-2")]))
    assert cli.main(["--db", str(path), "import", str(file), "--dry-run"]) == 0
    assert "dry run: 2 row(s) would be imported" in capsys.readouterr().out
    check = Store.open(path)
    assert check.count("commitments") == 0
    check.db.close()


def test_cli_import_writes_everything_and_a_second_run_changes_nothing(
    db: Store, tmp_path: Path, capsys
) -> None:
    path, file = Path(db.db.path), tmp_path / "summit.csv"
    file.write_bytes(csv_file([commitment("CLI-1"), commitment("CLI-2", countries="global")]))
    db.db.close()

    assert cli.main(["--db", str(path), "import", str(file)]) == 0
    assert "commitments: 2 new" in capsys.readouterr().out
    assert cli.main(["--db", str(path), "import", str(file)]) == 0
    assert "nothing to import" in capsys.readouterr().out
    assert cli.main(["--db", str(path), "import", str(tmp_path / "missing.xlsx")]) == 2
    check = Store.open(path)
    assert check.count("commitments") == 2
    check.db.close()


def test_the_import_page_offers_the_templates_and_an_uploader(demo_store: Store, monkeypatch) -> None:
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("src/partners/pages/import_data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Import a spreadsheet"
    assert any("external_ref" in str(df.value.get("Column", [])) for df in at.dataframe)


def test_a_value_emptied_in_the_file_is_a_change_and_zero_is_not_empty(db: Store) -> None:
    importing.run_import(
        db, SYSTEM, xlsx([commitment("Z-1", baseline=0, description="First words")]), "z.xlsx"
    )
    report = importing.run_import(
        db, SYSTEM, xlsx([commitment("Z-1", baseline=None, description=None)]), "z.xlsx"
    )
    assert [(r.status, r.changes) for r in report.rows] == [(RowStatus.UPDATE, ("description", "baseline"))]
    assert stored(db, "Z-1")["baseline"] is None and stored(db, "Z-1")["description"] == ""


def test_a_sheet_without_column_names_beside_a_good_one_is_named_in_a_warning(db: Store) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx([commitment("W-1")])))
    wb.create_sheet("Notes").append(["Call the ministry about row 2"])
    out = io.BytesIO()
    wb.save(out)
    report = importing.preview_import(db, SYSTEM, out.getvalue(), "w.xlsx")
    assert report.ok
    assert report.warnings == [
        "sheet 'Notes' was not read: none of its first rows names the columns (external_ref, ...; a sheet "
        "of new partners or events is read when it is called 'Partners' or 'Events')"
    ]


def test_a_zip_that_is_not_a_workbook_or_unpacks_too_far_is_refused(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    report = importing.preview_import(db, SYSTEM, out.getvalue(), "notes.xlsx")
    assert [p.message for p in report.problems] == [
        "the workbook cannot be opened: it is damaged, or not an Excel .xlsx file"
    ]
    monkeypatch.setattr(columns, "MAX_UNPACKED_BYTES", 1024)
    report = importing.preview_import(db, SYSTEM, xlsx([commitment("Q-1")]), "q.xlsx")
    assert [p.message for p in report.problems][0].startswith("this workbook unpacks to ")
