"""Reading a workbook: plain values are read with calamine (fast), anything calamine would not show as such
(formulas, error cells, cells far out) with openpyxl, and both show the officer the same cells."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest

from partners.importing import columns, reading
from partners.importing.reading import CellError, Formula, FormulaLike

HEADER = [c.name for c in columns.COMMITMENT_COLUMNS]


def workbook(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def varied(wb: openpyxl.Workbook) -> None:
    """Every kind of plain value a summit workbook holds, a title row, gaps, a hidden sheet, a second sheet."""
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["Pledges made at the Nairobi Summit"])
    ws.append(HEADER)
    values = [
        ["NBO-1", "Train investigators", "Kenya", date(2025, 1, 1), datetime(2026, 12, 31, 17, 30), 0, 120],
        ["NBO-2", "  spaced text  ", "BRA; PHL", "31/12/2026", 2.5, -3, True],
        ["NBO-3", "+cmd", "-", time(9, 30), 1e15, "0042", None],
        ["NBO-4", "x" * 30_000, "Türkiye", "", 10_000.0, 0.1, False],
    ]
    for row in values:
        ws.append(row)
    ws.append([])
    ws.append(["NBO-5", "After a blank row"])
    ws.cell(row=12, column=3, value="a row after a gap")
    hidden = wb.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden.append(HEADER)
    hidden.append(["H-1", "From a hidden sheet"])
    other = wb.create_sheet("Progress updates")
    other.append([c.name for c in columns.PROGRESS_COLUMNS])
    other.append(["NBO-1", date(2025, 6, 30), "On track"])


def plain(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return reading._plain_sheets(archive)


def read_both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    fast = reading.read(data, "summit.xlsx")
    with monkeypatch.context() as m:
        m.setattr(reading, "_plain_sheets", lambda archive: False)  # the openpyxl reader, as before calamine
        slow = reading.read(data, "summit.xlsx")
    return fast, slow


def cells(found: tuple) -> list:
    sheets, warnings = found
    return [(s.name, s.kind, s.columns, [(n, [(type(v), v) for v in row]) for n, row in s.rows]) for s in sheets] + [
        warnings
    ]


def test_plain_values_read_the_same_with_calamine_as_with_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook(varied)
    assert plain(data)
    fast, slow = read_both(data, monkeypatch)
    assert cells(fast) == cells(slow)
    pledges = fast[0][0]
    rows = dict(pledges.rows)
    assert sorted(rows) == [3, 4, 5, 6, 8, 12]  # row numbers as Excel shows them, the title and blank row left out
    first, second, third, fourth = rows[3], rows[4], rows[5], rows[6]
    at = pledges.columns
    assert first[: 7] == ["NBO-1", "Train investigators", "Kenya", datetime(2025, 1, 1),
                          datetime(2026, 12, 31, 17, 30), 0, 120]  # fmt: skip
    assert type(first[5]) is int and second[4] == 2.5 and second[6] is True
    assert isinstance(third[1], FormulaLike) and third[2] == "-" and third[5] == "0042"
    assert isinstance(third[3], Formula)  # a time of day: refused as openpyxl's reading always did
    assert fourth[1] == "x" * 30_000 and fourth[3] is None and type(fourth[4]) is int
    assert len(first) == len(rows[12]) and rows[12][2] == "a row after a gap"
    assert at["external_ref"] == 0
    assert [s.name for s in fast[0]] == ["Pledges", "Hidden", "Progress updates"]


def test_a_workbook_with_formulas_or_errors_is_read_with_openpyxl_which_shows_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def with_formula(wb: openpyxl.Workbook) -> None:
        wb.active.append(HEADER)
        wb.active.append(["=CONCAT(\"NBO-\",1)", "A title"])
        wb.active.append(["NBO-2", "#N/A"])
        wb.active["B3"].data_type = "e"

    data = workbook(with_formula)
    assert not plain(data)
    (sheet,), _ = reading.read(data, "summit.xlsx")
    rows = dict(sheet.rows)
    assert isinstance(rows[2][0], Formula) and isinstance(rows[3][1], CellError)


@pytest.mark.parametrize(
    "where", [(20, 101), (columns.MAX_ROWS + columns.HEADER_SEARCH_ROWS + 1, 1), (20, 16_384)]
)
def test_a_cell_far_out_is_read_with_openpyxl_not_a_rectangle_up_to_it(
    where: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    row, column = where

    def far(wb: openpyxl.Workbook) -> None:
        wb.active.append(HEADER)
        wb.active.append(["NBO-1", "A title"])
        wb.active.cell(row=row, column=column, value="far out")

    data = workbook(far)
    assert not plain(data)
    (sheet,), _ = reading.read(data, "summit.xlsx")
    assert dict(sheet.rows)[2][:2] == ["NBO-1", "A title"]
