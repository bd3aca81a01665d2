"""Spreadsheet import: commitments and progress updates from an XLSX workbook or a CSV file.

The use case is :func:`run_import` (``dry_run=True`` for the preview): read the file, validate every
row, then write all of it in one transaction, or nothing. Each row gets a status (new, update,
unchanged, error) and every problem says where it is (the row number Excel shows, header = row 1, and
the column), what is wrong and how to fix it. Malformed files (binary junk, wrong encoding, formula
cells, an empty sheet, no header) are reported the same way: never a traceback, never a change.

Matching is tolerant where spreadsheets are messy:

* countries by name variant or ISO code (``UK``, ``United Kingdom``, ``Türkiye``, ``Turkey``,
  ``Cote d'Ivoire``, ``CIV``) through :func:`partners.reference.match_country`, or ``global``;
* partners and summits by name, ignoring case and accents, with "did you mean" suggestions;
* framework items by key (``MNR-2016:4``), short form (``MNR 4``) or name (``Dedicated law enforcement``);
* dates in common formats, read day first (``03/04/2025`` is 3 April 2025);
* several partners, countries, framework items or evidence links in one cell, separated by ``;``.

The ``external_ref`` column is the stable key: re-importing the same file changes nothing, a row whose
content changed updates its commitment (versioned and audited like an edit in the app).

Every column is defined once, in :data:`COMMITMENT_COLUMNS` and :data:`PROGRESS_COLUMNS`; the
templates (:func:`template_xlsx`, :func:`template_csv`), the header check and the instructions are
generated from them.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import pandas as pd
from pydantic import ValidationError

from partners import reference
from partners.domain import smart
from partners.domain.audit import AuditEntry
from partners.domain.model import (
    Actor,
    Commitment,
    CommitmentPartner,
    LabelledEnum,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    Visibility,
)
from partners.domain.permissions import UseCase, authorize, can
from partners.services import frameworks, records, setup
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import ValidationFailed
from partners.storage.port import Store

__all__ = [
    "COMMITMENT_COLUMNS",
    "LIST_SEPARATOR",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PROGRESS_COLUMNS",
    "SHEETS",
    "Column",
    "ImportReport",
    "Problem",
    "RowReport",
    "RowStatus",
    "SheetKind",
    "preview_import",
    "run_import",
    "template_csv",
    "template_xlsx",
]

# --------------------------------------------------------------------------------------------------
# Limits and conventions (documented in the template's Instructions sheet and the README)
# --------------------------------------------------------------------------------------------------

#: The largest file accepted (10 MB): a summit spreadsheet of a few thousand pledges is well below it.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: The most data rows accepted in one file, all sheets together; split larger files.
MAX_ROWS = 20_000
#: Columns read from each sheet (anything further right is ignored).
MAX_COLUMNS = 100
#: A workbook is a ZIP: refuse one that unpacks to more than this (a "ZIP bomb" would exhaust memory).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: The header may sit below a few title rows; it is looked for in the first rows only.
HEADER_SEARCH_ROWS = 10
#: Separates several partners, countries, framework items or evidence links in one cell.
LIST_SEPARATOR = ";"
#: Longest external reference accepted.
MAX_REF_CHARS = 100
#: Words meaning "not for particular countries" in the countries column.
GLOBAL_WORDS = frozenset({"global", "worldwide", "world wide", "all countries"})

_MB = 1024 * 1024


class SheetKind(LabelledEnum):
    """What a sheet (or a CSV file) holds."""

    COMMITMENTS = "commitments"
    PROGRESS = "progress"


class RowStatus(LabelledEnum):
    """What the import does with a row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Column:
    """One column of the import template: its name in row 1, whether it needs a value, what to write."""

    name: str
    help: str
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()


COMMITMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_ref",
        "Your stable reference for the commitment, unique in the file (up to "
        f"{MAX_REF_CHARS} characters). Importing a row again with the same reference updates that "
        "commitment instead of adding a second one.",
        "NBO-2025-001",
        required=True,
        aliases=("ref", "reference", "external_reference", "ext_ref"),
    ),
    Column(
        "title",
        "Short title of the commitment (up to 300 characters).",
        "Open a national hotline for reports of online child sexual abuse material",
        required=True,
    ),
    Column("description", "What the commitment is about, in a few sentences.", ""),
    Column(
        "partners",
        "The partners making the commitment, with their names as recorded in the app, "
        "separated by ';'. Mark the lead partner with '(lead)'; without a mark the first one leads. "
        "Add missing partners in the app first.",
        "Ministry of Interior of Kenya (lead); Childline Kenya",
        required=True,
        aliases=("partner",),
    ),
    Column(
        "countries",
        "The countries it is for: names or ISO codes separated by ';' (Kenya; UK; "
        "Türkiye; CIV), or 'global'.",
        "Kenya; Uganda",
        required=True,
        aliases=("country",),
    ),
    Column(
        "framework_items",
        "The framework items it serves, separated by ';': keys such as "
        "MNR-2016:4, short forms such as 'MNR 4', or names such as 'Dedicated law enforcement' "
        "(see the 'Framework items' sheet).",
        "MNR-2016:12; MNR 4",
        aliases=("framework_item", "items", "capabilities"),
    ),
    Column("deliverable", "What will exist when it is done.", "A hotline answering reports 24/7"),
    Column("indicator", "What shows progress.", "Reports assessed per year"),
    Column("unit", "What the numbers count.", "reports"),
    Column("baseline", "The value today (a number).", "0"),
    Column("target_value", "The value to reach (a number).", "5000", aliases=("target",)),
    Column(
        "start_date",
        "When work starts (2025-03-31 or 31/03/2025, day first).",
        "2025-01-01",
        aliases=("start",),
    ),
    Column(
        "deadline",
        "By when it will be done (2026-12-31 or 31/12/2026, day first).",
        "2026-12-31",
        aliases=("end_date", "due_date"),
    ),
    Column("budget", "Money committed (a number, without currency signs).", "250000"),
    Column("currency", "Three-letter code of the budget's currency (USD, EUR, GBP, KES...).", "USD"),
    Column(
        "event",
        "Where it was made: the name of a summit or plan already in the app (optional).",
        "",
        aliases=("summit", "made_at", "event_name"),
    ),
    Column("visibility", "Private, Members or Public (empty means Private).", "Private"),
)

PROGRESS_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_ref",
        "The external_ref of the commitment the update is about (in this file or already in the app).",
        "NBO-2025-001",
        required=True,
        aliases=("ref", "reference", "external_reference", "ext_ref", "commitment_ref"),
    ),
    Column(
        "report_date",
        "The date of the report (2025-06-30 or 30/06/2025, day first).",
        "2025-06-30",
        required=True,
        aliases=("date", "reported_on"),
    ),
    Column(
        "status", "One of: " + ", ".join(s.label for s in ProgressStatus) + ".", "On track", required=True
    ),
    Column(
        "indicator_value", "The indicator's value at the report date (a number).", "1200", aliases=("value",)
    ),
    Column("narrative", "What happened, in a few sentences.", "The hotline opened in May."),
    Column(
        "evidence_links",
        "Web addresses of the evidence, separated by ';'.",
        "https://example.org/annual-report-2025",
        aliases=("evidence", "links"),
    ),
    Column(
        "source",
        "Self-reported (by the partner) or Verified (by the secretariat); empty means Self-reported.",
        "Self-reported",
    ),
    Column(
        "reason",
        "Only for a verified status that differs from the partner's latest self-reported "
        "status: why they differ.",
        "",
    ),
)


@dataclass(frozen=True)
class SheetSpec:
    kind: SheetKind
    title: str  # the sheet's name in the template, and how reports name it
    columns: tuple[Column, ...]
    names: frozenset[str]  # sheet names (folded) recognised as this kind


SHEETS: dict[SheetKind, SheetSpec] = {
    SheetKind.COMMITMENTS: SheetSpec(
        SheetKind.COMMITMENTS, "Commitments", COMMITMENT_COLUMNS, frozenset({"commitments", "commitment"})
    ),
    SheetKind.PROGRESS: SheetSpec(
        SheetKind.PROGRESS,
        "Progress updates",
        PROGRESS_COLUMNS,
        frozenset({"progress updates", "progress update", "progress", "progress_updates"}),
    ),
}
#: Sheets of the template that explain rather than hold data: never read as data.
_REFERENCE_SHEETS = frozenset({"instructions", "framework items", "help", "read me", "readme"})

# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is (``row`` as Excel shows it, header = 1; None for the whole file)."""

    sheet: str
    row: int | None
    column: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row else "")
        where += f", {self.column}" if self.column else ""
        return f"{where}: {self.message}. How to fix: {self.hint}"


@dataclass
class RowReport:
    """What the import makes of one row."""

    sheet: str
    kind: SheetKind
    row: int
    external_ref: str
    status: RowStatus = RowStatus.NEW
    summary: str = ""
    changes: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)


#: How each row status reads in counts ("3 new, 2 with errors").
STATUS_WORDS = {
    RowStatus.NEW: "new",
    RowStatus.UPDATE: "to update",
    RowStatus.UNCHANGED: "unchanged",
    RowStatus.ERROR: "with errors",
}


@dataclass
class ImportReport:
    """The outcome of reading and validating (and, unless a dry run, committing) one file."""

    file_name: str
    sha256: str
    rows: list[RowReport] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    @property
    def ok(self) -> bool:
        """True when nothing stands in the way of importing."""
        return not self.file_problems and all(r.status is not RowStatus.ERROR for r in self.rows)

    def count(self, status: RowStatus, kind: SheetKind | None = None) -> int:
        return sum(1 for r in self.rows if r.status is status and (kind is None or r.kind is kind))

    @property
    def error_rows(self) -> int:
        return self.count(RowStatus.ERROR)

    @property
    def to_write(self) -> int:
        """Rows that would change the database (new and updated)."""
        return self.count(RowStatus.NEW) + self.count(RowStatus.UPDATE)

    def summary(self) -> str:
        parts = []
        for kind, spec in SHEETS.items():
            rows = [r for r in self.rows if r.kind is kind]
            if not rows:
                continue
            counts = ", ".join(
                f"{self.count(s, kind):,} {STATUS_WORDS[s]}" for s in RowStatus if self.count(s, kind)
            )
            parts.append(f"{spec.title.lower()}: {counts}")
        return "; ".join(parts) if parts else "no rows"

    def rows_frame(self) -> pd.DataFrame:
        """One line per row: where, reference, status, what it is, what changes or how many problems."""
        return pd.DataFrame(
            [
                {
                    "Sheet": r.sheet,
                    "Row": r.row,
                    "Reference": r.external_ref,
                    "Status": r.status.label,
                    "What": r.summary,
                    "Changes or problems": (
                        "; ".join(p.message for p in r.problems)
                        if r.problems
                        else ("changes " + ", ".join(r.changes) if r.changes else "")
                    ),
                }
                for r in self.rows
            ],
            columns=["Sheet", "Row", "Reference", "Status", "What", "Changes or problems"],
        )

    def problems_frame(self) -> pd.DataFrame:
        """One line per problem: sheet, row, column, what is wrong, how to fix it."""
        return pd.DataFrame(
            [
                {
                    "Sheet": p.sheet,
                    "Row": p.row,
                    "Column": p.column,
                    "What is wrong": p.message,
                    "How to fix": p.hint,
                }
                for p in self.problems
            ],
            columns=["Sheet", "Row", "Column", "What is wrong", "How to fix"],
        )

    def lines(self) -> list[str]:
        """The per-row report as plain text (the command line prints it)."""
        out = [f"file: {self.file_name} (sha256 {self.sha256[:16]})"]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"problem: {p}" for p in self.file_problems]
        for r in self.rows:
            text = f"{r.sheet} row {r.row}: {r.external_ref or '(no reference)'}: {r.status.label.lower()}"
            if r.changes:
                text += f" ({', '.join(r.changes)})"
            out.append(text)
            out += [f"    {p.column or 'row'}: {p.message}. How to fix: {p.hint}" for p in r.problems]
        out.append(f"summary: {self.summary()}")
        return out


# --------------------------------------------------------------------------------------------------
# Reading files into sheets of raw cells
# --------------------------------------------------------------------------------------------------


class _Formula(str):
    """A cell holding a formula (text starting with '=')."""


class _CellError(str):
    """A cell showing a spreadsheet error such as #N/A."""


@dataclass
class _Sheet:
    name: str
    kind: SheetKind
    columns: dict[str, int]  # column name -> position
    rows: list[tuple[int, list[Any]]]  # (row number as Excel shows it, cells)


class _FileError(Exception):
    def __init__(self, message: str, hint: str, sheet: str = "File") -> None:
        super().__init__(message)
        self.problem = Problem(sheet, None, "", message, hint)


_SAVE_AS_HINT = "save it from Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', or start from the template"


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name: 'Fundación  NIÑEZ' -> 'fundacion ninez'."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


def _header_key(text: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", _fold(str(text))).strip("_") if text is not None else ""


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(data: bytes, file_name: str) -> tuple[list[_Sheet], list[str]]:
    """The data sheets of a file, or _FileError saying in words why the file cannot be read."""
    if not data:
        raise _FileError("the file is empty", "choose the spreadsheet again; it has no content")
    if len(data) > MAX_FILE_BYTES:
        raise _FileError(
            f"the file is {len(data) / _MB:.1f} MB; the limit is {MAX_FILE_BYTES // _MB} MB",
            "split it into several files, or remove pictures and unused sheets",
        )
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileError(
            "this is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read",
            "open it in Excel and save it as 'Excel Workbook (.xlsx)' without a password",
        )
    if suffix in (".xlsx", ".xlsm"):
        raise _FileError(
            "the file is not a valid Excel workbook (it may be damaged or renamed)", _SAVE_AS_HINT
        )
    if suffix not in (".csv", ".txt", ".tsv", ""):
        raise _FileError(f"'{suffix}' files cannot be imported", "upload an .xlsx workbook or a .csv file")
    return _read_csv(data)


def _cell_value(cell: Any) -> Any:
    value = cell.value
    kind = getattr(cell, "data_type", None)
    plain = value is None or isinstance(value, str | int | float | bool | datetime | date)
    if kind == "f" or not plain:  # not plain: an array or data-table formula object
        return _Formula(getattr(value, "text", None) or str(value))
    if kind == "e":
        return _CellError(str(value))
    if isinstance(value, str) and value.startswith("="):
        return _Formula(value)
    return value


def _read_xlsx(data: bytes) -> tuple[list[_Sheet], list[str]]:
    import openpyxl

    unreadable = _FileError(
        "the workbook cannot be opened: it is damaged, or not an Excel .xlsx file", _SAVE_AS_HINT
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise unreadable from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise _FileError(
            f"the workbook unpacks to {unpacked / _MB:,.0f} MB; the limit is {MAX_UNPACKED_BYTES // _MB} MB",
            "remove pictures and unused sheets, or split the rows into several files",
        )
    try:
        # data_only=False: a formula cell shows its formula, so it can be refused rather than read as
        # a cached value the officer may never have seen.
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files; none may escape
        raise unreadable from exc
    sheets: list[_Sheet] = []
    warnings: list[str] = []
    unread: list[tuple[str, list[Any]]] = []
    total = 0
    try:
        for ws in wb.worksheets:
            if _fold(ws.title) in _REFERENCE_SHEETS:
                continue
            top = [
                [_cell_value(c) for c in row]
                for row in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS)
            ]
            found = _find_header(ws.title, top)
            if found is None:
                first = next((r for r in top if any(not _is_blank(v) for v in r)), None)
                if first is not None:
                    unread.append((ws.title, first))
                continue
            header_row, kind, columns, width, ignored = found
            warnings += ignored
            if header_row > 1:
                warnings.append(
                    f"sheet '{ws.title}': rows 1-{header_row - 1} above the column names were not read"
                )
            rows = []
            for number, row in enumerate(
                ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=False), start=header_row + 1
            ):
                values = [_cell_value(c) for c in row]
                if all(_is_blank(v) for v in values):
                    continue
                total += 1
                if total > MAX_ROWS:
                    raise _FileError(
                        f"the file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}",
                        "split it into several files and import them one after the other",
                    )
                rows.append((number, values))
            sheets.append(_Sheet(ws.title, kind, columns, rows))
    except _FileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet part: say so instead of a traceback
        raise _FileError("part of the workbook is damaged and cannot be read", _SAVE_AS_HINT) from exc
    finally:
        wb.close()
    _check_found(sheets, unread, names_file=False)
    warnings += [
        f"sheet '{name}' was not read: none of its first rows names the columns (external_ref, ...)"
        for name, _ in unread
    ]
    return sheets, warnings


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise _FileError("the file says it is UTF-16 text but is not", _SAVE_AS_HINT) from exc
    if b"\x00" in data:
        raise _FileError("the file holds binary data: it is not a CSV text file", _SAVE_AS_HINT)
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _FileError(
                "the file is not text in a known encoding (neither UTF-8 nor Windows-1252)", _SAVE_AS_HINT
            ) from exc
        warnings = [
            "the file is not UTF-8: it was read as Windows-1252 (Western European). Check accented names "
            "in the preview; saving as 'CSV UTF-8' avoids the question"
        ]
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 200):
        raise _FileError("the file holds binary data: it is not a CSV text file", _SAVE_AS_HINT)
    return text, warnings


def _read_csv(data: bytes) -> tuple[list[_Sheet], list[str]]:
    text, warnings = _decode(data)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise _FileError("the file holds no rows, not even the column names", "start from the CSV template")
    try:
        delimiter = _delimiter(lines[:HEADER_SEARCH_ROWS])
        records_ = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise _FileError(f"the CSV file is malformed ({exc})", _SAVE_AS_HINT) from exc
    found = _find_header("CSV", records_[:HEADER_SEARCH_ROWS])
    if found is None:
        first = next((r for r in records_ if any(not _is_blank(v) for v in r)), [])
        _check_found([], [("CSV", first)], names_file=True)
        raise AssertionError("unreachable")  # pragma: no cover
    header_row, kind, columns, width, ignored = found
    warnings += ignored
    if header_row > 1:
        warnings.append(f"lines 1-{header_row - 1} above the column names were not read")
    rows: list[tuple[int, list[Any]]] = []
    name = SHEETS[kind].title
    fields = max(width, len(records_[header_row - 1]))  # Excel pads every line to the same count
    for number, values in enumerate(records_[header_row:], start=header_row + 1):
        if all(_is_blank(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise _FileError(
                f"the file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}",
                "split it into several files and import them one after the other",
            )
        cells: list[Any] = [_Formula(v) if v.startswith("=") else v for v in values[:width]]
        cells += [None] * (width - len(cells))
        if len(values) > fields or any(not _is_blank(v) for v in values[width:]):
            # An unquoted separator inside a cell shifts every cell after it: refuse the row.
            cells.append(_TooManyCells(len(values), width))
        rows.append((number, cells))
    sheet = _Sheet(name, kind, columns, rows)
    _check_found([sheet], [], names_file=True)
    return [sheet], warnings


@dataclass(frozen=True)
class _TooManyCells:
    found: int
    expected: int


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the header into the most known column names (',' ';' or tab)."""
    known = {_header_key(c.name) for spec in SHEETS.values() for c in spec.columns}
    best, score = ",", -1
    for candidate in (",", ";", "\t"):
        split = (next(csv.reader([line], delimiter=candidate), []) for line in lines)
        hits = max((sum(1 for cell in cells if _header_key(cell) in known) for cells in split), default=0)
        if hits > score:
            best, score = candidate, hits
    return best


def _aliases(spec: SheetSpec) -> dict[str, str]:
    out = {}
    for col in spec.columns:
        out[_header_key(col.name)] = col.name
        for alias in col.aliases:
            out[_header_key(alias)] = col.name
    return out


_Header = tuple[int, SheetKind, dict[str, int], int, list[str]]


def _find_header(sheet: str, top: list[list[Any]]) -> _Header | None:
    """Row number, kind, column positions, width and warnings of the header (the first row naming
    external_ref). Columns the template does not have are left out, with a warning."""
    for number, row in enumerate(top, start=1):
        keys = [_header_key(v) if isinstance(v, str) else "" for v in row]
        if "external_ref" not in keys and not ({"ref", "reference", "external_reference"} & set(keys)):
            continue
        name = _fold(sheet)
        progress_names = SHEETS[SheetKind.PROGRESS].names
        if name in progress_names or (
            name not in SHEETS[SheetKind.COMMITMENTS].names and {"report_date", "status"} <= set(keys)
        ):
            kind = SheetKind.PROGRESS
        else:
            kind = SheetKind.COMMITMENTS
        spec = SHEETS[kind]
        aliases = _aliases(spec)
        columns: dict[str, int] = {}
        ignored: list[str] = []
        width = max((i + 1 for i, v in enumerate(row) if not _is_blank(v)), default=0)
        where = spec.title if sheet == "CSV" else f"sheet '{sheet}'"
        for index, value in enumerate(row[:width]):
            if _is_blank(value):
                continue
            column = aliases.get(_header_key(value)) if isinstance(value, str) else None
            if column is None:
                ignored.append(
                    f"{where}: column {_column_letter(index)} ('{value}') is not a template column "
                    "and was not read"
                )
                continue
            if column in columns:
                raise _HeaderProblem(
                    where,
                    f"the column '{column}' appears twice (columns {_column_letter(columns[column])} "
                    f"and {_column_letter(index)})",
                    "keep one of the two columns",
                )
            columns[column] = index
        missing = [c.name for c in spec.columns if c.required and c.name not in columns]
        if missing:
            raise _HeaderProblem(
                where,
                f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"{'are' if len(missing) > 1 else 'is'} missing",
                f"add {'them' if len(missing) > 1 else 'it'} to the row of column names (row {number}); "
                "the template has every column",
            )
        return number, kind, columns, width, ignored
    return None


class _HeaderProblem(_FileError):
    def __init__(self, where: str, message: str, hint: str) -> None:
        super().__init__(message, hint, sheet=where[0].upper() + where[1:])


def _check_found(sheets: list[_Sheet], unread: list[tuple[str, list[Any]]], *, names_file: bool) -> None:
    """Refuse a file with no header, or with no rows under its header."""
    if not sheets:
        if unread:
            sheet, first = unread[0]
            shown = ", ".join(f"'{v}'" for v in first if not _is_blank(v))[:200]
            where = "the file" if names_file else f"sheet '{sheet}'"
            raise _FileError(
                f"no column names found: the first row of {where} should name the columns "
                f"(external_ref, title, partners, ...) but holds {shown}",
                "insert the row of column names from the template above the data",
            )
        raise _FileError(
            "the workbook is empty: no sheet holds any rows",
            "put the column names in row 1 of a sheet called 'Commitments' (or start from the template) "
            "and one commitment per row below",
        )
    if not any(s.rows for s in sheets):
        names = ", ".join(f"'{s.name}'" for s in sheets)
        raise _FileError(
            "the file has column names but no rows below them"
            if names_file
            else f"the sheet{'s' if len(sheets) > 1 else ''} {names} {'have' if len(sheets) > 1 else 'has'} "
            "column names but no rows below them",
            "add one row per commitment (or progress update) below the column names",
        )


# --------------------------------------------------------------------------------------------------
# Tolerant matching of names, dates and numbers
# --------------------------------------------------------------------------------------------------


def _suggest(needle: str, names: dict[str, str], n: int = 3) -> list[str]:
    """Display names whose folded form is close to ``needle`` (folded)."""
    return [names[k] for k in difflib.get_close_matches(needle, list(names), n=n, cutoff=0.75)]


def _did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return "did you mean " + " or ".join(f"'{o}'" for o in options) + "? "


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(LIST_SEPARATOR) if t.strip()]


_ROLE_MARK = re.compile(r"\s*[(\[]\s*(lead|co|co[- ]?partner|partner)\s*[)\]]\s*$", re.IGNORECASE)

_MONTH_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d %B, %Y", "%B %d, %Y", "%b %d, %Y")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DATE_HINT = "write the date as 2025-03-31 (year-month-day) or 31/03/2025 (day/month/year)"


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date | str:
    """A date, or the reason it is not one (dates are read day first: 03/04/2025 is 3 April 2025)."""
    raw = " ".join(text.split())
    m = _YEAR_FIRST.match(raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            return f"'{text}' is not a valid date"
    m = _DAY_FIRST.match(raw)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            y += 2000
        try:
            return date(y, mo, d)
        except ValueError:
            if mo > 12 and d <= 12:
                try:
                    date(y, d, mo)
                    return f"'{text}' looks like month/day/year; dates are read day first"
                except ValueError:
                    pass
            return f"'{text}' is not a valid date"
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", raw, flags=re.IGNORECASE).replace(".", "")
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return f"'{text}' is not a date"


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER_HINT = "write digits only, with a dot for decimals (e.g. 250000 or 12.5), no currency signs or units"
#: The database stores these numbers with this many decimals (DECIMAL(18, scale)).
_SCALE = {"baseline": 4, "target_value": 4, "indicator_value": 4, "budget": 2}
_LIMIT = Decimal(10) ** 14


def _number(value: Any, column: str) -> Decimal | tuple[str, str]:
    if isinstance(value, bool):
        return f"'{value}' is not a number", _NUMBER_HINT
    if isinstance(value, int | float):
        number = Decimal(str(value))
        text = str(value)
    else:
        text = str(value).strip()
        compact = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if _THOUSANDS.match(compact):
            compact = compact.replace(",", "")
        if not _PLAIN_NUMBER.match(compact):
            hint = _NUMBER_HINT
            if re.search(r"[$€£¥₹]|^[A-Za-z]{3}|[A-Za-z]{3}$", compact) and re.search(r"\d", compact):
                hint = "write the number only, and the currency code (e.g. USD) in the currency column"
            elif compact.endswith("%"):
                hint = "write the number without % (40 for 40%) and put 'percent' in the unit column"
            elif re.match(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$", compact) and ("," in compact or "." in compact):
                hint = "use a dot for decimals and no thousands separators (e.g. 1500.50)"
            return f"'{text}' is not a number", hint
        number = Decimal(compact)
    if not number.is_finite() or abs(number) >= _LIMIT:
        return f"{text} is too large", "check the number; the largest accepted is 99,999,999,999,999"
    scale = _SCALE.get(column, 4)
    if number.as_tuple().exponent < -scale and number != number.quantize(Decimal(1).scaleb(-scale)):
        return (
            f"{text} has more than {scale} decimals",
            f"round it to {scale} decimals (the database keeps {scale})",
        )
    return number


# --------------------------------------------------------------------------------------------------
# Reference lookups built once per import
# --------------------------------------------------------------------------------------------------


def _item_norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z.]+", " ", _fold(text)).replace(". ", " ").split()).strip(".")


_ItemIndex = tuple[dict[str, tuple[str, ...]], dict[str, str]]


def _item_index(store: Store) -> _ItemIndex:
    """Framework item aliases (normalised) -> keys; and alias -> how to show it in a suggestion.

    Read from the database once per import. Short forms without a version ("MNR 4", "MNR capability 4",
    an item's name) point at the current version of each family (``services.frameworks``).
    """
    current = frameworks.current_ids(store)
    family_of = {v.id: v.family for v in frameworks.versions(store)}
    index: dict[str, set[str]] = {}
    shown: dict[str, str] = {}

    def add(alias: str, key: str, show: str | None = None) -> None:
        norm = _item_norm(alias)
        if norm:
            index.setdefault(norm, set()).add(key)
            shown.setdefault(norm, show or alias)

    for item in store.framework_items().itertuples():
        fw_id, family = item.framework_id, family_of[item.framework_id]
        add(item.key, item.key)
        add(f"{fw_id} {item.code}", item.key, item.key)
        add(f"{item.code} {item.name}", item.key, item.key)
        add(f"{fw_id} {item.code} {item.name}", item.key, item.key)
        if fw_id in current:
            for prefix in (family, f"{family} {item.kind}"):
                add(f"{prefix} {item.code}", item.key, item.key)
                add(f"{prefix} {item.code} {item.name}", item.key, item.key)
            add(f"{family}{item.code}", item.key, item.key)
            add(item.name, item.key, f"{item.name} ({item.key})")
            add(f"{family} {item.name}", item.key, item.key)
    return {k: tuple(sorted(v)) for k, v in index.items()}, shown


def _match_item(text: str, items: _ItemIndex) -> str | tuple[str, str]:
    index, shown = items
    norm = _item_norm(text)
    keys = index.get(norm) or index.get(norm.replace(" ", ""))
    if keys and len(keys) == 1:
        return keys[0]
    if keys:
        return (
            f"'{text}' matches several framework items ({', '.join(keys)})",
            "write the item's key, e.g. " + keys[0],
        )
    close = difflib.get_close_matches(norm, list(index), n=3, cutoff=0.8)
    options = list(dict.fromkeys(shown[c] for c in close))
    return (
        f"'{text}' is not a framework item",
        _did_you_mean(options)
        + "Use keys such as MNR-2016:4 (see the 'Framework items' sheet of the template)",
    )


@functools.cache
def _country_names() -> tuple[dict[str, str], frozenset[str]]:
    names = {_fold(c.name): c.name for c in reference.countries().values()}
    return names, frozenset(_fold(r) for r in reference.regions())


@functools.lru_cache(maxsize=4096)
def _match_country(text: str) -> str | tuple[str, str]:
    found = reference.match_country(text)
    if found is not None:
        return found.code
    names, regions = _country_names()
    folded = _fold(text)
    if folded in regions:
        return (
            f"'{text}' is a region, not a country",
            "list the countries separated by ';' (e.g. Kenya; Nigeria), or write global",
        )
    return (
        f"'{text}' is not a country we know",
        _did_you_mean(_suggest(folded, names)) + "Use the country's name or its ISO code (e.g. KEN, GBR)",
    )


class _Names:
    """Stored records looked up by name, ignoring case and accents; near misses suggested."""

    def __init__(self, rows: Iterable[tuple[int, str, str]]) -> None:
        self.by_key: dict[str, list[tuple[int, str]]] = {}
        for rid, name, label in rows:
            self.by_key.setdefault(_fold(name), []).append((rid, label))
        self.display = {k: v[0][1] for k, v in self.by_key.items()}
        self._cache: dict[str, int | tuple[str, str]] = {}

    def match(self, text: str, what: str, add_hint: str) -> int | tuple[str, str]:
        key = _fold(text)
        if key not in self._cache:
            found = self.by_key.get(key)
            if found and len(found) == 1:
                self._cache[key] = found[0][0]
            elif found:
                ids = ", ".join(str(rid) for rid, _ in found)
                self._cache[key] = (
                    f"'{text}' names {len(found)} {what}s (ids {ids})",
                    "rename one of them in the app so that each name is unique, then import again",
                )
            else:
                self._cache[key] = (
                    f"{what} '{text}' is not in the database",
                    _did_you_mean(_suggest(key, self.display)) + add_hint,
                )
        return self._cache[key]


# --------------------------------------------------------------------------------------------------
# Validating rows
# --------------------------------------------------------------------------------------------------


class _Row:
    """One row's cells by column name, collecting its problems."""

    def __init__(self, sheet: _Sheet, number: int, cells: list[Any], report: RowReport) -> None:
        self.sheet, self.number, self.report = sheet, number, report
        self.values: dict[str, Any] = {}
        for name, index in sheet.columns.items():
            value = cells[index] if index < len(cells) else None
            if isinstance(value, _Formula):
                self.problem(
                    name,
                    f"formulas are not accepted (the cell holds {str(value)[:60]})",
                    "paste the value: copy the cell, then Paste Special > Values",
                )
                continue
            if isinstance(value, _CellError):
                self.problem(name, f"the cell shows the error {value}", "put the value itself in the cell")
                continue
            self.values[name] = value
        extra = next((c for c in cells if isinstance(c, _TooManyCells)), None)
        self.shifted = extra is not None  # its cells are not under their column names: check nothing else
        if extra is not None:
            self.problem(
                "",
                f"the row has {extra.found} cells but there are {extra.expected} column names",
                "a separator inside a cell is probably not quoted: put ';' between several "
                "partners or countries, or save the file again from Excel as CSV UTF-8",
            )
        self.failed = {p.column for p in report.problems}

    def problem(self, column: str, message: str, hint: str) -> None:
        self.report.problems.append(Problem(self.sheet.name, self.number, column, message, hint))
        self.report.status = RowStatus.ERROR

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value).strip()

    def required(self, column: str, hint: str) -> str:
        value = self.text(column)
        if not value and column not in self.failed:
            self.problem(column, f"{column} is empty", hint)
        return value

    def as_date(self, column: str) -> date | None:
        value = self.values.get(column)
        if _is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(
                column,
                f"{self.text(column)} is a number, not a date",
                "format the cell as a date, or " + _DATE_HINT,
            )
            return None
        parsed = _parse_date_text(str(value).strip())
        if isinstance(parsed, str):
            self.problem(column, parsed, _DATE_HINT)
            return None
        return parsed

    def as_number(self, column: str) -> Decimal | None:
        value = self.values.get(column)
        if _is_blank(value):
            return None
        parsed = _number(value, column)
        if isinstance(parsed, tuple):
            self.problem(column, *parsed)
            return None
        return parsed

    def choice(self, column: str, enum: type[LabelledEnum], default: LabelledEnum, hint: str) -> Any:
        """A value of ``enum`` by its value or label, any case ('Self reported', 'on-track' too)."""
        text = self.text(column)
        if not text:
            return default
        for attempt in (text, re.sub(r"[\s\-]+", "_", text.strip())):
            try:
                return enum.parse(attempt)
            except ValueError:
                continue
        self.problem(column, f"'{text}' is not a {column.replace('_', ' ')} the app knows", hint)
        return default


@dataclass
class _Existing:
    """What the database already holds that the rows refer to."""

    commitments: dict[str, dict[str, Any]]  # external_ref -> stored commitment with links
    progress: dict[int, list[dict[str, Any]]]  # commitment id -> stored progress updates


@dataclass
class _Plan:
    report: ImportReport
    new: list[Commitment] = field(default_factory=list)
    updates: list[tuple[RowReport, int, int, Commitment]] = field(default_factory=list)  # id, version
    progress: list[tuple[RowReport, ProgressUpdate, str, str]] = field(default_factory=list)  # reason, ref


_SOURCE_WORDS = {ReportSource.SELF_REPORTED: "self-reported", ReportSource.VERIFIED: "verified"}

#: Compared to decide between "update" and "unchanged", with the column each belongs to.
_COMPARED = (
    ("title", "title"),
    ("description", "description"),
    ("deliverable", "deliverable"),
    ("indicator", "indicator"),
    ("unit", "unit"),
    ("baseline", "baseline"),
    ("target_value", "target_value"),
    ("start_date", "start_date"),
    ("deadline", "deadline"),
    ("budget", "budget"),
    ("currency", "currency"),
    ("event_id", "event"),
    ("is_global", "countries"),
    ("visibility", "visibility"),
)


def _same(new: Any, old: Any) -> bool:
    """Equal as stored: an empty text is the same as none; 0 is not the same as none; 5 equals 5.0000."""
    if isinstance(new, str) or isinstance(old, str):
        return (new or "") == (old or "")
    return new == old


def _changes(stored: dict[str, Any], c: Commitment) -> tuple[str, ...]:
    changed: list[str] = []
    for attr, column in _COMPARED:
        new, old = getattr(c, attr), stored.get(attr)
        if isinstance(new, LabelledEnum):
            new = new.value
        if not _same(new, old):
            changed.append(column)
    partners = {(p.partner_id, p.role.value) for p in c.partners}
    if partners != {(p["partner_id"], p["role"]) for p in stored["partners"]}:
        changed.append("partners")
    if set(c.countries) != set(stored["countries"]):
        changed.append("countries")
    if set(c.framework_items) != set(stored["framework_items"]):
        changed.append("framework_items")
    return tuple(dict.fromkeys(changed))


_MODEL_ERROR_COLUMNS = (
    ("deadline", "deadline"),
    ("global", "countries"),
    ("country", "countries"),
    ("partner", "partners"),
    ("currency", "currency"),
    ("budget", "budget"),
)


def _model_problems(row: _Row, exc: ValidationError) -> None:
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        column = loc[0] if loc else ""
        if column == "event_id":
            column = "event"
        if not column:
            column = next((c for word, c in _MODEL_ERROR_COLUMNS if word in message.lower()), "")
        row.problem(column, message, "correct the value and import again")


class _Validator:
    def __init__(self, store: Store, actor: Actor, sheets: list[_Sheet], report: ImportReport) -> None:
        self.store, self.actor, self.sheets, self.report = store, actor, sheets, report
        self.demo = setup.holds_demo(store)
        self.items = _item_index(store)
        partners = store.partners()
        self.partners = _Names(
            zip(partners["id"].tolist(), partners["name"].tolist(), partners["name"].tolist(), strict=True)
        )
        events = store.events()
        self.events = _Names(
            (int(i), n, f"{n}") for i, n in zip(events["id"].tolist(), events["name"].tolist(), strict=True)
        )
        refs = {_ref_of(cells[s.columns["external_ref"]]) for s in sheets for _, cells in s.rows}
        stored = store.commitments_by_external_ref(sorted(r for r in refs if r))
        live_ids = [c["id"] for c in stored.values() if c["deleted_at"] is None]
        progress: dict[int, list[dict[str, Any]]] = {}
        if any(s.kind is SheetKind.PROGRESS for s in sheets):
            for p in store.progress_of_commitments(live_ids):
                progress.setdefault(p["commitment_id"], []).append(p)
        self.existing = _Existing(stored, progress)
        self.plan = _Plan(report)
        # external_ref -> (row report, local id of a new commitment or stored id) for the progress sheet
        self.in_file: dict[str, tuple[RowReport, int | None]] = {}
        self.commitment_refs: dict[str, int] = {}  # external_ref -> first row using it
        self.progress_keys: dict[tuple[str, date, str], int] = {}  # (ref, date, source) -> first row

    def run(self) -> _Plan:
        if self.demo:
            # Demo data is never mixed with real records: in a demo database, imports are trials.
            self.report.warnings.append(
                "this database holds demo data: imported records are flagged as demo data too and go when "
                "the demo data is removed. Import real records into a database without demo data"
            )
        for kind in (SheetKind.COMMITMENTS, SheetKind.PROGRESS):
            for sheet in (s for s in self.sheets if s.kind is kind):
                check = self._commitment if kind is SheetKind.COMMITMENTS else self._progress
                for number, cells in sheet.rows:
                    report = RowReport(sheet.name, kind, number, "")
                    self.report.rows.append(report)
                    row = _Row(sheet, number, cells, report)
                    if row.shifted:
                        report.external_ref = row.text("external_ref")
                        continue
                    check(row)
        self._check_verified_reasons()
        return self.plan

    # -- commitments -------------------------------------------------------------------------------
    def _reference(self, row: _Row, what: str) -> str:
        ref = row.text("external_ref")
        row.report.external_ref = ref
        if "external_ref" in row.failed:
            return ref
        if not ref:
            row.problem(
                "external_ref",
                "external_ref is empty",
                f"give every {what} its own stable reference, e.g. NBO-2025-001",
            )
        elif len(ref) > MAX_REF_CHARS:
            row.problem(
                "external_ref",
                f"external_ref is {len(ref)} characters long; the limit is {MAX_REF_CHARS}",
                "use a shorter reference",
            )
        elif "\n" in ref or "\r" in ref:
            row.problem("external_ref", "external_ref spans several lines", "write the reference on one line")
        return ref

    def _commitment(self, row: _Row) -> None:
        ref = self._reference(row, "commitment")
        if ref and "external_ref" not in row.failed:
            first = self.commitment_refs.get(ref)
            if first is not None:
                row.problem(
                    "external_ref",
                    f"external_ref '{ref}' is already used on row {first}",
                    f"give each commitment its own reference, or delete one of the two rows "
                    f"(row {first} or this one)",
                )
            else:
                self.commitment_refs[ref] = row.number
        title = row.required("title", "give the commitment a short title (up to 300 characters)")
        row.report.summary = title
        if len(title) > 300:
            row.problem(
                "title",
                f"the title is {len(title)} characters long; the limit is 300",
                "shorten it and move the rest to the description",
            )
        partners = self._partners(row)
        countries, is_global = self._countries(row)
        items = self._items(row)
        baseline, target = row.as_number("baseline"), row.as_number("target_value")
        start, deadline = row.as_date("start_date"), row.as_date("deadline")
        if start and deadline and deadline < start:
            row.problem(
                "deadline",
                f"the deadline ({deadline:%d %b %Y}) is before the start date ({start:%d %b %Y})",
                "correct one of the two dates",
            )
        budget = row.as_number("budget")
        if budget is not None and budget < 0:
            row.problem(
                "budget", f"the budget is negative ({budget})", "write the amount without a minus sign"
            )
        currency = row.text("currency").upper()
        if currency and not re.fullmatch(r"[A-Z]{3}", currency):
            row.problem(
                "currency",
                f"'{row.text('currency')}' is not a currency code",
                "use the three-letter code, e.g. USD, EUR, GBP or KES",
            )
        elif budget is not None and not currency and "currency" not in row.failed:
            row.problem(
                "currency",
                "the budget has no currency",
                "write the three-letter currency code, e.g. USD, EUR or GBP",
            )
        event_id = None
        if row.text("event"):
            found = self.events.match(
                row.text("event"),
                "summit or plan",
                "Add the summit or plan in the app first, or leave the cell empty",
            )
            if isinstance(found, tuple):
                row.problem("event", *found)
            else:
                event_id = found
        visibility = row.choice(
            "visibility",
            Visibility,
            Visibility.PRIVATE,
            "write Private, Members or Public (or leave it empty for Private)",
        )
        if row.report.status is RowStatus.ERROR:
            self.in_file.setdefault(ref, (row.report, None))
            return

        stored = self.existing.commitments.get(ref)
        if stored is not None and stored["deleted_at"] is not None:
            row.problem(
                "external_ref",
                f"external_ref '{ref}' belongs to a deleted commitment (id {stored['id']})",
                "restore that commitment in the app, or give this row a new reference",
            )
            self.in_file.setdefault(ref, (row.report, None))
            return
        keep = stored or {}
        local = None if stored else -(len(self.plan.new) + 1)  # negative: never mistaken for a stored id
        data = dict(
            id=local,
            title=title,
            description=row.text("description"),
            partners=partners,
            countries=countries,
            is_global=is_global,
            framework_items=items,
            deliverable=row.text("deliverable"),
            indicator=row.text("indicator"),
            unit=row.text("unit"),
            baseline=baseline,
            target_value=target,
            start_date=start,
            deadline=deadline,
            budget=budget,
            currency=currency or None,
            event_id=event_id,
            visibility=visibility,
            external_ref=ref,
            review_state=keep.get("review_state", ReviewState.DRAFT),
            embargo_until=keep.get("embargo_until"),
            is_demo=keep.get("is_demo", self.demo),
        )
        if stored is None:
            data["smart_level"] = smart.level(data)  # as services.records does for a logged commitment
        try:
            commitment = Commitment(**data)
        except ValidationError as exc:
            _model_problems(row, exc)
            self.in_file.setdefault(ref, (row.report, None))
            return
        if stored is None:
            self.plan.new.append(commitment)
            row.report.status = RowStatus.NEW
            self.in_file[ref] = (row.report, local)
            return
        self.in_file[ref] = (row.report, stored["id"])
        changes = _changes(stored, commitment)
        if not changes:
            row.report.status = RowStatus.UNCHANGED
            return
        if not can(self.actor, UseCase.EDIT_COMMITMENT, countries=stored["countries"] or None):
            row.problem(
                "external_ref",
                f"'{ref}' is an existing commitment you may not edit",
                "leave this row out, or ask the secretariat to import it",
            )
            return
        row.report.status = RowStatus.UPDATE
        row.report.changes = changes
        self.plan.updates.append((row.report, stored["id"], stored["version"], commitment))

    def _partners(self, row: _Row) -> list[CommitmentPartner]:
        text = row.required(
            "partners", "name at least one partner, e.g. 'Ministry of Interior (lead); UNICEF'"
        )
        out: list[CommitmentPartner] = []
        ids: list[int] = []
        marks: list[bool] = []
        seen: dict[int, str] = {}
        for token in _split(text):
            mark = _ROLE_MARK.search(token)
            name = token[: mark.start()].strip() if mark else token
            found = self.partners.match(
                name, "partner", "Correct the name, or add the partner in the app first and import again"
            )
            if isinstance(found, tuple):
                row.problem("partners", *found)
                continue
            if found in seen:
                row.problem("partners", f"'{name}' is listed twice", "list each partner once")
                continue
            seen[found] = name
            marks.append(bool(mark) and mark.group(1).lower() == "lead")
            ids.append(found)
        if ids:
            leads = marks if any(marks) else [True] + [False] * (len(ids) - 1)
            out = [
                CommitmentPartner(partner_id=pid, role=PartnerRole.LEAD if lead else PartnerRole.CO)
                for pid, lead in zip(ids, leads, strict=True)
            ]
        elif text and "partners" not in row.failed and not row.report.problems:
            row.problem("partners", "no partner given", "name at least one partner")
        return out

    def _countries(self, row: _Row) -> tuple[list[str], bool]:
        text = row.required(
            "countries", "list the countries separated by ';' (e.g. Kenya; UK), or write global"
        )
        tokens = _split(text)
        is_global = any(_fold(t) in GLOBAL_WORDS for t in tokens)
        if is_global and len(tokens) > 1:
            row.problem(
                "countries",
                f"'{text}' mixes 'global' with countries",
                "write either global or the list of countries, not both",
            )
            return [], True
        if is_global:
            return [], True
        codes: list[str] = []
        for token in tokens:
            found = _match_country(token)
            if isinstance(found, tuple):
                row.problem("countries", *found)
            elif found not in codes:
                codes.append(found)
        return codes, False

    def _items(self, row: _Row) -> list[str]:
        keys: list[str] = []
        for token in _split(row.text("framework_items")):
            found = _match_item(token, self.items)
            if isinstance(found, tuple):
                row.problem("framework_items", *found)
            elif found not in keys:
                keys.append(found)
        return keys

    # -- progress updates --------------------------------------------------------------------------
    def _progress(self, row: _Row) -> None:
        seen = self.progress_keys
        ref = self._reference(row, "progress update (the commitment's reference)")
        report_date = row.as_date("report_date")
        if report_date is None and "report_date" not in row.failed and not row.text("report_date"):
            row.problem("report_date", "report_date is empty", _DATE_HINT)
        status_text = row.required("status", "write one of: " + ", ".join(s.label for s in ProgressStatus))
        status = None
        if status_text:
            status = row.choice(
                "status",
                ProgressStatus,
                ProgressStatus.NOT_STARTED,
                "write one of: " + ", ".join(s.label for s in ProgressStatus),
            )
        value = row.as_number("indicator_value")
        links = _split(row.text("evidence_links"))
        for link in links:
            if not re.match(r"^https?://[^\s/$.?#].[^\s]*$", link, re.IGNORECASE):
                row.problem(
                    "evidence_links",
                    f"'{link}' is not a web address",
                    "write full addresses starting with http:// or https://, separated by ';'",
                )
        source = row.choice(
            "source",
            ReportSource,
            ReportSource.SELF_REPORTED,
            "write Self-reported or Verified (or leave it empty for Self-reported)",
        )
        reason = row.text("reason")
        row.report.summary = " ".join(
            x for x in (report_date.isoformat() if report_date else "", status.label if status else "") if x
        )

        commitment_id: int | None = None
        if ref and "external_ref" not in row.failed:
            target = self.in_file.get(ref)
            stored = self.existing.commitments.get(ref)
            if target is not None and target[1] is None:
                row.problem(
                    "external_ref",
                    f"the commitment '{ref}' ({target[0].sheet} row {target[0].row}) "
                    "has errors, so its progress cannot be imported",
                    "fix that row first",
                )
            elif target is not None:
                commitment_id = target[1]
            elif stored is not None and stored["deleted_at"] is None:
                commitment_id = stored["id"]
            else:
                row.problem(
                    "external_ref",
                    f"there is no commitment with external_ref '{ref}'",
                    "check the reference, or add the commitment to the Commitments sheet",
                )
        if report_date and ref:
            key = (ref, report_date, source.value)
            first = seen.get(key)
            if first is not None:
                row.problem(
                    "report_date",
                    f"'{ref}' already has a {_SOURCE_WORDS[source]} update dated "
                    f"{report_date:%d %b %Y} on row {first}",
                    "keep one of the two rows, or correct the date",
                )
            else:
                seen[key] = row.number
        if row.report.status is RowStatus.ERROR or commitment_id is None or status is None:
            return
        try:
            update = ProgressUpdate(
                commitment_id=commitment_id,
                report_date=report_date,
                status=status,
                indicator_value=value,
                narrative=row.text("narrative"),
                evidence_links=links,
                source=source,
                is_demo=self.demo if commitment_id < 0 else bool(self.existing.commitments[ref]["is_demo"]),
            )
        except ValidationError as exc:
            _model_problems(row, exc)
            return
        if commitment_id > 0:
            same_day = [
                p
                for p in self.existing.progress.get(commitment_id, [])
                if p["report_date"] == report_date and p["source"] == source.value
            ]
            if same_day:
                old = same_day[0]
                if (
                    old["status"] == status.value
                    and _same(value, old["indicator_value"])
                    and old["narrative"] == update.narrative
                    and list(old["evidence_links"]) == links
                    and (old.get("reason") or "") == reason
                ):
                    row.report.status = RowStatus.UNCHANGED
                    return
                row.problem(
                    "report_date",
                    f"'{ref}' already has a {_SOURCE_WORDS[source]} update dated {report_date:%d %b %Y} "
                    "with different content",
                    "imports never overwrite progress updates: correct it in the app, or give this row "
                    "the date of a new report",
                )
                return
        if not can(
            self.actor,
            UseCase.VERIFY_PROGRESS if source is ReportSource.VERIFIED else UseCase.RECORD_PROGRESS,
        ):
            row.problem(
                "source",
                f"you may not record {_SOURCE_WORDS[source]} progress",
                "leave this row out, or ask the secretariat to import it",
            )
            return
        row.report.status = RowStatus.NEW
        self.plan.progress.append((row.report, update, reason, ref))

    def _check_verified_reasons(self) -> None:
        """As in the app: a verified status that differs from the latest self-reported one needs a reason."""
        latest: dict[str, tuple[date, str]] = {}
        for ref, stored in self.existing.commitments.items():
            for p in self.existing.progress.get(stored["id"], []):
                if p["source"] == ReportSource.SELF_REPORTED.value:
                    latest[ref] = max(latest.get(ref, (date.min, "")), (p["report_date"], p["status"]))
        for _, u, _, ref in self.plan.progress:
            if u.source is ReportSource.SELF_REPORTED:
                latest[ref] = max(latest.get(ref, (date.min, "")), (u.report_date, u.status.value))
        keep = []
        for report, u, reason, ref in self.plan.progress:
            claimed = latest.get(ref)
            if u.source is ReportSource.VERIFIED and not reason and claimed and claimed[1] != u.status.value:
                report.problems.append(
                    Problem(
                        report.sheet,
                        report.row,
                        "reason",
                        f"the verified status ({u.status.label}) differs from the partner's latest "
                        f"self-reported status ({ProgressStatus(claimed[1]).label}) and no reason is given",
                        "say in the reason column why the secretariat's status differs",
                    )
                )
                report.status = RowStatus.ERROR
                continue
            keep.append((report, u, reason, ref))
        self.plan.progress = keep


def _ref_of(value: Any) -> str:
    """The external reference in a raw cell (to look up stored commitments before validating rows)."""
    if value is None or isinstance(value, _Formula | _CellError | _TooManyCells):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------------------------------
# The use case
# --------------------------------------------------------------------------------------------------


def preview_import(store: Store, actor: Actor, data: bytes, file_name: str) -> ImportReport:
    """Read and validate a file without changing anything: the per-row report for the preview."""
    return run_import(store, actor, data, file_name, dry_run=True)


def run_import(
    store: Store, actor: Actor, data: bytes, file_name: str, *, dry_run: bool = False
) -> ImportReport:
    """Import commitments and progress updates from an XLSX or CSV file, all or nothing.

    Validates every row first; when any row (or the file) has a problem, or with ``dry_run``, nothing is
    written and the report says why. Otherwise new commitments, updated commitments, new progress
    updates, their audit entries and an audit entry for the import itself are written in one transaction.
    Raises PermissionDenied when the actor may not log commitments.
    """
    authorize(actor, UseCase.LOG_COMMITMENT)
    name = PurePath(file_name).name or "upload"
    report = ImportReport(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    try:
        sheets, warnings = _read(data, file_name)
    except _FileError as exc:
        report.file_problems.append(exc.problem)
        return report
    report.warnings += warnings
    if dry_run:
        _Validator(store, actor, sheets, report).run()
        return report
    try:
        with store.transaction():
            # Validated inside the writing transaction: what was checked is what gets written.
            plan = _Validator(store, actor, sheets, report).run()
            if not report.ok or report.to_write == 0:
                return report
            _write(store, actor, plan)
    except ValidationFailed as exc:  # a service refused a row the checks above let through
        report.file_problems.append(
            Problem("File", None, "", "; ".join(exc.problems), "correct the rows concerned and import again")
        )
        return report
    report.committed = True
    return report


def new_commitments(store: Store, actor: Actor, data: bytes, file_name: str) -> list[Commitment]:
    """The validated commitments a file would add (ids cleared): the records :func:`run_import` writes,
    for writing them another way (the row-by-row baseline of the benchmarks). ValueError if any problem."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    report = ImportReport(file_name=file_name, sha256="")
    try:
        sheets, _ = _read(data, file_name)
    except _FileError as exc:
        raise ValueError(str(exc.problem)) from exc
    plan = _Validator(store, actor, sheets, report).run()
    if not report.ok:
        raise ValueError("; ".join(str(p) for p in report.problems[:5]))
    return [c.model_copy(update={"id": None}) for c in plan.new]


def _write(store: Store, actor: Actor, plan: _Plan) -> None:
    report = plan.report
    id_map: dict[int, int] = {}
    if plan.new:
        result = load_dataset(store, actor, Dataset(commitments=plan.new))
        id_map = result.id_map["commitment"]
    for _, commitment_id, version, commitment in plan.updates:
        records.update_commitment(
            store,
            actor,
            commitment_id,
            commitment,
            version,
            note={"reason_for_change": f"imported from {report.file_name}"},
        )
    for _, update, reason, _ in sorted(plan.progress, key=lambda p: (p[1].report_date, p[0].row)):
        stored_id = id_map.get(update.commitment_id, update.commitment_id)
        records.record_progress(store, actor, update.model_copy(update={"commitment_id": stored_id}), reason)
    kinds = {k: sum(1 for r in report.rows if r.kind is k) for k in SheetKind}
    store.audit(
        AuditEntry(
            actor.identity,
            actor.role.value,
            "import",
            "import",
            report.file_name,
            None,
            {
                "file": report.file_name,
                "sha256": report.sha256,
                "rows": len(report.rows),
                "commitment_rows": kinds[SheetKind.COMMITMENTS],
                "progress_rows": kinds[SheetKind.PROGRESS],
                "new": report.count(RowStatus.NEW, SheetKind.COMMITMENTS),
                "updated": report.count(RowStatus.UPDATE, SheetKind.COMMITMENTS),
                "unchanged": report.count(RowStatus.UNCHANGED, SheetKind.COMMITMENTS),
                "progress_new": report.count(RowStatus.NEW, SheetKind.PROGRESS),
                "progress_unchanged": report.count(RowStatus.UNCHANGED, SheetKind.PROGRESS),
            },
        )
    )


# --------------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------------

_GENERAL_RULES = (
    "One commitment per row on the 'Commitments' sheet; one progress update per row on the 'Progress "
    "updates' sheet. Row 1 holds the column names: keep them as they are.",
    "external_ref is your stable reference. Importing the same file again changes nothing; a row whose "
    "content changed updates its commitment (every change is kept in its history).",
    f"Several partners, countries, framework items or evidence links go in one cell, separated by "
    f"'{LIST_SEPARATOR}'.",
    "Partners and summits must already be in the app (names are matched ignoring case and accents). "
    "Countries may be names in common variants or ISO codes; write 'global' for a global commitment.",
    "Dates: 2025-03-31 or 31/03/2025 (day first: 03/04/2025 is 3 April 2025), or date cells.",
    "Numbers: digits with a dot for decimals, no currency signs or units. Formulas are not accepted: "
    "paste values.",
    f"Limits: {MAX_FILE_BYTES // _MB} MB and {MAX_ROWS:,} rows per file. Nothing is imported while any row "
    "has a problem: the preview lists each one with its row, column and how to fix it.",
)


def template_xlsx() -> bytes:
    """The import template: a sheet per kind with the column names, instructions, and framework items."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    bold = Font(bold=True)
    first = True
    for spec in SHEETS.values():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = spec.title
        ws.append([c.name for c in spec.columns])
        for index, col in enumerate(spec.columns):
            cell = ws.cell(row=1, column=index + 1)
            cell.font = bold
            cell.comment = Comment(col.help, "partners")
            ws.column_dimensions[_column_letter(index)].width = max(14, min(40, len(col.example) + 4))
        ws.freeze_panes = "A2"
    ws = wb.create_sheet("Instructions")
    ws.append(["How to fill in this workbook"])
    ws["A1"].font = Font(bold=True, size=14)
    for rule in _GENERAL_RULES:
        ws.append([rule])
    ws.append([])
    ws.append(["Sheet", "Column", "Required", "What to write", "Example"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for spec in SHEETS.values():
        for col in spec.columns:
            ws.append([spec.title, col.name, "yes" if col.required else "", col.help, col.example])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["D"].width = 90
    ws.column_dimensions["E"].width = 40
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws = wb.create_sheet("Framework items")
    ws.append(["key", "framework", "kind", "code", "name", "provisional"])
    for cell in ws[1]:
        cell.font = bold
    for fw in reference.frameworks():
        for item in fw.items:
            ws.append([item.key, fw.name, item.kind, item.code, item.name, "" if item.verified else "yes"])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["E"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(kind: SheetKind = SheetKind.COMMITMENTS) -> bytes:
    """A CSV template for one kind: the row of column names (UTF-8 with a BOM, so Excel reads accents)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.name for c in SHEETS[kind].columns])
    return out.getvalue().encode("utf-8-sig")


def template_file_name(kind: SheetKind | None = None) -> str:
    """The download name of a template: the workbook, or the CSV of one kind."""
    if kind is None:
        return "partners-import-template.xlsx"
    return f"partners-import-{'commitments' if kind is SheetKind.COMMITMENTS else 'progress-updates'}.csv"


def columns_table() -> pd.DataFrame:
    """The columns of both kinds, as shown on the import page."""
    return pd.DataFrame(
        [
            {
                "Sheet": spec.title,
                "Column": col.name,
                "Required": "yes" if col.required else "",
                "What to write": col.help,
            }
            for spec in SHEETS.values()
            for col in spec.columns
        ]
    )
