"""Reading an uploaded file into sheets of raw cells: XLSX or CSV, size limits, decoding, the header.

A file that cannot be read (binary junk, a wrong encoding, an empty sheet, no header) raises
:class:`FileError` carrying the :class:`Problem` to report: never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from partners.domain.text import FORMULA_PREFIXES, fold
from partners.importing import columns as limits  # read at call time, so a test can lower a limit
from partners.importing.columns import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MB,
    NAMED_ONLY,
    REFERENCE_SHEETS,
    SHEETS,
    SheetKind,
)
from partners.importing.mapping import (
    Override,
    SheetMapping,
    match,
    missing_required,
    override_for,
    score_row,
)
from partners.importing.mapping import Problem as MappingProblem
from partners.importing.parsing import is_number_text
from partners.importing.report import Problem


class Formula(str):
    """A cell holding a formula (text starting with '=')."""


class FormulaLike(str):
    """Text starting with '+', '-', '@', a tab or a carriage return (and not a number such as -5): a
    spreadsheet opening the data again would run it as a formula, so it is refused like a formula."""


@dataclass(frozen=True)
class TooLong:
    """A cell holding more text than :data:`columns.MAX_CELL_CHARS`: its length and the limit, in
    characters."""

    chars: int
    limit: int


class CellError(str):
    """A cell showing a spreadsheet error such as #N/A."""


@dataclass
class Sheet:
    name: str
    kind: SheetKind
    mapping: SheetMapping  # which header is which of our columns
    rows: list[tuple[int, list[Any]]]  # (row number as Excel shows it, cells)

    @property
    def columns(self) -> dict[str, int]:
        """Our column name -> position of its cell in each row."""
        return self.mapping.columns

    @property
    def where(self) -> str:
        """How problems name the sheet: "Sheet 'Pledges'", or the kind's title for a CSV file."""
        return f"Sheet '{self.name}'" if self.mapping.sheet != "CSV" else SHEETS[self.kind].title


class FileError(Exception):
    def __init__(self, message: str, hint: str, sheet: str = "File") -> None:
        super().__init__(message)
        self.problem = Problem(sheet, None, "", message, hint)


SAVE_AS_HINT = "save it from Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', or start from the template"
SMALLER_HINT = (
    "save only the sheets you import (delete pictures, charts and other sheets, and empty rows below the "
    "data) in a new workbook, or split the rows into several files"
)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: Overrides of the column mapping per sheet kind (None: for every sheet), see ``mapping.parse_overrides``.
Overrides = dict[SheetKind | None, Override]


def read(
    data: bytes, file_name: str, overrides: Overrides | None = None
) -> tuple[list[Sheet], list[str]]:
    """The data sheets of a file, or FileError saying in words why the file cannot be read. Each sheet
    carries its column mapping; its problems (a required column missing, an ambiguous header) are for the
    caller to report, with the mapping, so that the officer can correct it."""
    if not data:
        raise FileError("the file is empty", "choose the spreadsheet again; it has no content")
    check_size(len(data))
    deadline = _Deadline()
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, deadline, overrides)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            "this is an old Excel 97-2003 workbook (.xls) or a password-protected one, which cannot be read",
            "open it in Excel and save it as 'Excel Workbook (.xlsx)' without a password",
        )
    if suffix in (".xlsx", ".xlsm"):
        raise FileError(
            "the file is not a valid Excel workbook (it may be damaged or renamed)", SAVE_AS_HINT
        )
    if suffix not in (".csv", ".txt", ".tsv", ""):
        raise FileError(f"'{suffix}' files cannot be imported", "upload an .xlsx workbook or a .csv file")
    return _read_csv(data, deadline, overrides)


def check_size(size: int) -> None:
    """Refuse a file of ``size`` bytes over the limit (before reading it, where the size is known)."""
    if size > limits.MAX_FILE_BYTES:
        raise FileError(
            f"the file is {size / MB:.1f} MB; the limit is {limits.MAX_FILE_BYTES // MB} MB",
            "split it into several files, or remove pictures and unused sheets",
        )


class _Deadline:
    """The time reading a file may take (:data:`columns.MAX_READ_SECONDS`), checked row by row: a file
    built to be slow (millions of empty rows, say) is refused instead of holding the server."""

    def __init__(self) -> None:
        self.seconds = limits.MAX_READ_SECONDS
        self.end = time.monotonic() + self.seconds

    def check(self, where: str, row: int) -> None:
        if time.monotonic() > self.end:
            raise FileError(
                f"reading the file took more than {self.seconds:g} seconds (it was stopped at row {row:,} "
                f"of {where})",
                SMALLER_HINT,
            )


def _text_cell(value: str) -> Any:
    """A text cell as read: refused kinds (formula, formula-like, too long) get their own type."""
    if len(value) > limits.MAX_CELL_CHARS:
        return TooLong(len(value), limits.MAX_CELL_CHARS)
    if not value.startswith(FORMULA_PREFIXES):  # most cells: plain text ("=" is one of the prefixes)
        return value
    if value.startswith("="):
        return Formula(value)
    if value.startswith(FORMULA_PREFIXES) and not is_number_text(value) and value.strip() != "-":
        return FormulaLike(value)  # a lone "-" (meaning "none") is no formula and stays text
    return value


def _cell_value(cell: Any) -> Any:
    value = cell.value
    kind = getattr(cell, "data_type", None)
    plain = value is None or isinstance(value, str | int | float | bool | datetime | date)
    if kind == "f" or not plain:  # not plain: an array or data-table formula object
        return Formula(getattr(value, "text", None) or str(value))
    if kind == "e":
        return CellError(str(value))
    if isinstance(value, str):
        return _text_cell(value)
    return value


_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook built to exhaust the server, from its directory and its shared strings, before
    openpyxl unpacks it. The sizes in the ZIP directory bound what reading a part returns (zipfile stops
    at the declared size), so they can be trusted; the counts inside the XML cannot, so strings are
    counted while they are parsed, stopping at the limit."""
    infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.MAX_UNPACKED_BYTES:
        raise FileError(
            f"this workbook unpacks to {unpacked / MB:,.0f} MB; the limit is "
            f"{limits.MAX_UNPACKED_BYTES // MB} MB",
            SMALLER_HINT,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.MAX_COMPRESSION_RATIO:
            raise FileError(
                f"the part '{info.filename[:80]}' of this workbook unpacks to {ratio:,.0f} times its packed "
                f"size ({info.file_size / MB:,.1f} MB); spreadsheets pack at most "
                f"{limits.MAX_COMPRESSION_RATIO} times, so the file looks built to exhaust the server",
                SMALLER_HINT,
            )
    strings = _shared_strings_part(archive)
    if strings is None:
        return
    count = 0
    with archive.open(strings) as source:
        events = ET.iterparse(source, events=("start", "end"))
        _, root = next(events)
        for event, node in events:
            if event == "end" and node.tag == f"{{{_MAIN_NS}}}si":
                count += 1
                if count > limits.MAX_SHARED_STRINGS:
                    raise FileError(
                        f"this workbook holds more than {limits.MAX_SHARED_STRINGS:,} different texts; "
                        f"the limit is {limits.MAX_SHARED_STRINGS:,}",
                        SMALLER_HINT,
                    )
                root.clear()  # keep memory flat however many strings there are


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The shared-strings part openpyxl will load: the one [Content_Types].xml names (any name)."""
    try:
        types = ET.fromstring(archive.read("[Content_Types].xml"))
    except KeyError:
        return None
    for override in types.iter(f"{{{_CONTENT_NS}}}Override"):
        if override.get("ContentType") == _SHARED_STRINGS:
            return (override.get("PartName") or "").lstrip("/")
    return None


#: A worksheet part, as [Content_Types].xml names it.
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#: A formula (``<f>``) or an error cell (``t="e"``): calamine shows neither as such, openpyxl does.
_FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')
#: A cell beyond column CV (the 100th, ``MAX_COLUMNS``) or a prefixed row or cell element.
_WIDE_OR_PREFIXED = re.compile(rb'<c r="(?:[A-Z]{3}|[D-Z][A-Z]|C[W-Z])\d|<\w+:(?:c|row)[\s>/]')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')


def _plain_sheets(archive: zipfile.ZipFile) -> bool:
    """Whether every worksheet holds plain values only, laid out as Excel, LibreOffice and openpyxl write
    them (each row and cell numbered, at most ``MAX_COLUMNS`` columns, at most ``MAX_ROWS`` and the header
    rows): such a workbook is read with calamine, many times faster than openpyxl. Any formula or error cell,
    or an unusual layout, and the whole workbook is read with openpyxl, which shows formulas and errors as
    such (to refuse them) and streams rows whatever their numbers (calamine holds the sheet's rectangle)."""
    try:
        types = ET.fromstring(archive.read("[Content_Types].xml"))
    except KeyError:
        return False
    parts = [
        (o.get("PartName") or "").lstrip("/")
        for o in types.iter(f"{{{_CONTENT_NS}}}Override")
        if o.get("ContentType") == _WORKSHEET
    ]
    if not parts:
        return False
    most = limits.MAX_ROWS + HEADER_SEARCH_ROWS
    for part in parts:
        try:
            xml = archive.read(part)
        except KeyError:
            return False
        if _FORMULA_OR_ERROR.search(xml) or _WIDE_OR_PREFIXED.search(xml):
            return False
        # every row and cell numbered, so that the furthest numbers bound the rectangle calamine makes
        if xml.count(b"<row ") + xml.count(b"<row>") != xml.count(b'<row r="'):
            return False
        if xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>") != xml.count(b'<c r="'):
            return False
        if max((int(n) for n in _ROW_NUMBER.findall(xml)), default=0) > most:
            return False
    return True


def _plain_value(value: Any) -> Any:
    """A calamine cell as openpyxl shows it: empty as None, whole numbers as int, dates as datetimes."""
    kind = type(value)
    if kind is str:
        return _text_cell(value) if value else None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, int | float | bool | datetime):  # a time or a duration: as ``_cell_value`` does
        return Formula(str(value))
    return value


@dataclass
class _SheetCells:
    """One worksheet's cells as read (by calamine or openpyxl): its rows from row 1, each cell as
    ``_cell_value`` makes it, ``width`` cells a row."""

    title: str
    read: Any  # (width) -> iterator of rows of that many cells, from row 1


def _calamine_sheets(data: bytes) -> tuple[list[_SheetCells], Any]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))

    def reader(name: str) -> Any:
        rows: list[list[Any]] = []  # the sheet's rectangle from A1, parsed when first read

        def read(width: int) -> Any:
            if not rows:
                rows.extend(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
            pad = [None] * width
            for row in rows:
                cells = [_plain_value(v) for v in row[:width]]
                yield cells + pad[len(cells) :] if len(cells) < width else cells

        return read

    sheets = [
        _SheetCells(m.name, reader(m.name))
        for m in wb.sheets_metadata
        if m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    return sheets, wb.close


def _openpyxl_sheets(data: bytes) -> tuple[list[_SheetCells], Any]:
    import openpyxl

    # data_only=False: a formula cell shows its formula, so it can be refused rather than read as
    # a cached value the officer may never have seen.
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)

    def reader(ws: Any) -> Any:
        def read(width: int) -> Any:
            # Read-only mode trusts the sheet's <dimension> element, which may be wrong (a 10-row sheet
            # declaring A1:Q2 would lose 8 rows): read the rows that are there instead.
            ws.reset_dimensions()
            for row in ws.iter_rows(min_row=1, max_col=width, values_only=False):
                yield [_cell_value(c) for c in row]

        return read

    return [_SheetCells(ws.title, reader(ws)) for ws in wb.worksheets], wb.close


def _read_xlsx(data: bytes, deadline: _Deadline, overrides: Overrides | None) -> tuple[list[Sheet], list[str]]:
    unreadable = FileError(
        "the workbook cannot be opened: it is damaged, or not an Excel .xlsx file", SAVE_AS_HINT
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
            plain = _plain_sheets(archive)
    except FileError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, StopIteration, ET.ParseError) as exc:
        raise unreadable from exc
    try:
        found_sheets, close = (_calamine_sheets if plain else _openpyxl_sheets)(data)
    except Exception as exc:  # noqa: BLE001 - the readers raise many types for broken files; none may escape
        raise unreadable from exc
    sheets: list[Sheet] = []
    warnings: list[str] = []
    unread: list[tuple[str, list[Any]]] = []
    total = 0
    try:
        for ws in found_sheets:
            if fold(ws.title) in REFERENCE_SHEETS:
                continue
            top = []
            for row in ws.read(MAX_COLUMNS):
                top.append(row)
                if len(top) == HEADER_SEARCH_ROWS:
                    break
            found = _find_header(ws.title, top, overrides)
            if found is None:
                first = next((r for r in top if any(not is_blank(v) for v in r)), None)
                if first is not None:
                    unread.append((ws.title, first))
                continue
            header_row, kind, width = found.header_row, found.kind, found.width
            warnings += _ignored_warnings(found, f"sheet '{ws.title}'")
            if header_row > 1:
                warnings.append(
                    f"sheet '{ws.title}': {_above(header_row, 'row')} above the column names "
                    f"{'was' if header_row == 2 else 'were'} not read (a title, most likely)"
                )
            rows = []
            for number, values in enumerate(ws.read(width), start=1):
                if number <= header_row:
                    continue
                deadline.check(f"sheet '{ws.title}'", number)
                if all(is_blank(v) for v in values):
                    continue
                total += 1
                if total > limits.MAX_ROWS:
                    raise FileError(
                        f"the file has more than {limits.MAX_ROWS:,} rows; the limit is {limits.MAX_ROWS:,}",
                        "split it into several files and import them one after the other",
                    )
                rows.append((number, values))
            sheets.append(Sheet(ws.title, kind, found, rows))
    except FileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet part: say so instead of a traceback
        raise FileError("part of the workbook is damaged and cannot be read", SAVE_AS_HINT) from exc
    finally:
        close()
    _check_found(sheets, unread, names_file=False)
    warnings += [
        f"sheet '{name}' was not read: none of its first rows names the columns (external_ref, ...; "
        "a sheet of new partners or events is read when it is called 'Partners' or 'Events')"
        for name, _ in unread
    ]
    return sheets, warnings


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise FileError("the file says it is UTF-16 text but is not", SAVE_AS_HINT) from exc
    if b"\x00" in data:
        raise FileError("the file holds binary data: it is not a CSV text file", SAVE_AS_HINT)
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        _refuse_mixed_encoding(data)
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileError(
                "the file is not text in a known encoding (neither UTF-8 nor Windows-1252)", SAVE_AS_HINT
            ) from exc
        warnings = [
            "the file is not UTF-8: it was read as Windows-1252 (Western European). Check accented names "
            "in the preview; saving as 'CSV UTF-8' avoids the question"
        ]
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 200):
        raise FileError("the file holds binary data: it is not a CSV text file", SAVE_AS_HINT)
    return text, warnings


def _refuse_mixed_encoding(data: bytes) -> None:
    """Refuse a file that is not UTF-8 throughout but has UTF-8 lines: read as Windows-1252, their
    accented names would be stored garbled ('Türkiye' as 'TÃ¼rkiye'), so name the first odd row."""
    lines = data.split(b"\n")
    utf8: list[int] = []
    other: list[int] = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue  # the same in both encodings
        try:
            line.decode("utf-8")
            utf8.append(index)
        except UnicodeDecodeError:
            other.append(index)
    if not utf8 or not other:
        return
    if len(other) <= len(utf8):
        index, looks, rest = other[0], "Windows-1252", "UTF-8"
    else:
        index, looks, rest = utf8[0], "UTF-8", "Windows-1252"
    before = b"\n".join(lines[:index]).decode("cp1252", errors="replace")
    try:  # the row Excel shows: a quoted cell may span several lines
        row = sum(1 for _ in csv.reader(io.StringIO(before, newline=""))) + 1 if before else 1
    except csv.Error:
        row = index + 1
    raise FileError(
        f"row {row} is not in the same encoding as the rest of the file (it looks like {looks} while the "
        f"rest is {rest}), so its accented letters would be stored garbled",
        "open the file in Excel and save it again as 'CSV UTF-8 (Comma delimited)'",
    )


def _read_csv(data: bytes, deadline: _Deadline, overrides: Overrides | None) -> tuple[list[Sheet], list[str]]:
    text, warnings = _decode(data)
    # The csv module refuses cells over 128 KB as "malformed"; the file size bounds a cell anyway, and a
    # long cell is then refused with its row and column (columns.MAX_CELL_CHARS).
    if csv.field_size_limit() < limits.MAX_FILE_BYTES:
        csv.field_size_limit(limits.MAX_FILE_BYTES)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise FileError("the file holds no rows, not even the column names", "start from the CSV template")
    try:
        delimiter = _delimiter(lines[:HEADER_SEARCH_ROWS])
        records_ = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise FileError(f"the CSV file is malformed ({exc})", SAVE_AS_HINT) from exc
    found = _find_header("CSV", records_[:HEADER_SEARCH_ROWS], overrides)
    if found is None:
        first = next((r for r in records_ if any(not is_blank(v) for v in r)), [])
        _check_found([], [("CSV", first)], names_file=True)
        raise AssertionError("unreachable")  # pragma: no cover
    header_row, kind, width = found.header_row, found.kind, found.width
    warnings += _ignored_warnings(found, SHEETS[kind].title)
    if header_row > 1:
        warnings.append(
            f"{_above(header_row, 'line')} above the column names {'was' if header_row == 2 else 'were'} not read"
        )
    rows: list[tuple[int, list[Any]]] = []
    name = SHEETS[kind].title
    fields = max(width, len(records_[header_row - 1]))  # Excel pads every line to the same count
    for number, values in enumerate(records_[header_row:], start=header_row + 1):
        deadline.check("the file", number)
        if all(is_blank(v) for v in values):
            continue
        if len(rows) >= limits.MAX_ROWS:
            raise FileError(
                f"the file has more than {limits.MAX_ROWS:,} rows; the limit is {limits.MAX_ROWS:,}",
                "split it into several files and import them one after the other",
            )
        cells: list[Any] = [_text_cell(v) for v in values[:width]]
        cells += [None] * (width - len(cells))
        if len(values) > fields or any(not is_blank(v) for v in values[width:]):
            # An unquoted separator inside a cell shifts every cell after it: refuse the row.
            cells.append(TooManyCells(len(values), width))
        rows.append((number, cells))
    sheet = Sheet(name, kind, found, rows)
    _check_found([sheet], [], names_file=True)
    return [sheet], warnings


@dataclass(frozen=True)
class TooManyCells:
    found: int
    expected: int


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the header into the most known column names (',' ';' or tab)."""
    best, score = ",", -1
    for candidate in (",", ";", "\t"):
        split = [next(csv.reader([line], delimiter=candidate), []) for line in lines]
        hits = max(
            (score_row(cells, kind) for cells in split if len(cells) > 1 for kind in SHEETS), default=0
        )
        if hits > score:
            best, score = candidate, hits
    return best


def _above(header_row: int, word: str) -> str:
    return f"{word} 1" if header_row == 2 else f"{word}s 1-{header_row - 1}"


#: A header row names at least this many of our columns (a title row above it names one at most).
MIN_HEADER_MATCHES = 2


def _find_header(sheet: str, top: list[list[Any]], overrides: Overrides | None = None) -> SheetMapping | None:
    """The mapping of the header row: among the first rows, the one naming most of our columns (by name,
    synonym or similarity, or as the overrides say), at least :data:`MIN_HEADER_MATCHES`; the first of
    equals. The kind is the sheet's name's ("Progress updates"), else the kind whose columns the header
    names more of."""
    name = fold(sheet)
    named = [kind for kind, spec in SHEETS.items() if name in spec.names]
    if named:
        kinds = named
    elif sheet == "CSV":  # a file of one kind, whichever its header names most of
        kinds = list(SHEETS)
    else:  # partners and events only from a sheet of that name: a list of contacts is no list of partners
        kinds = [kind for kind in SHEETS if kind not in NAMED_ONLY]
    best: tuple[int, int, SheetKind] | None = None  # (score, row number, kind)
    for number, row in enumerate(top, start=1):
        for kind in kinds:
            score = score_row(row, kind, override_for(overrides, kind, row))
            if score >= MIN_HEADER_MATCHES and (best is None or score > best[0]):
                best = (score, number, kind)
    if best is None:
        return None
    _, number, kind = best
    row = top[number - 1]
    mapping = match(sheet, kind, number, row, override_for(overrides, kind, row))
    missing = missing_required(mapping)
    if missing:
        many = len(missing) > 1
        mapping.problems.append(
            MappingProblem(
                f"the column{'s' if many else ''} {', '.join(missing)} {'are' if many else 'is'} missing",
                f"add {'them' if many else 'it'} to the row of column names (row {number}), or choose which "
                f"of the file's columns {'they are' if many else 'it is'} in the column mapping; the template "
                "has every column"
                + (f" (a sheet called '{sheet}' is read as new {SHEETS[kind].title.lower()}: rename it if it "
                   "lists something else)" if kind in NAMED_ONLY and sheet != "CSV" else ""),
            )
        )
    return mapping


def _ignored_warnings(mapping: SheetMapping, where: str) -> list[str]:
    """Headers not read, each said (never silently); ambiguous ones are problems, said there."""
    out = []
    for h in mapping.ignored:
        if h.how.startswith("ambiguous"):
            continue
        if h.how == "no column of ours":
            out.append(
                f"{where}: column {h.letter} ('{h.text}') is not a template column and was not read"
            )
        else:
            out.append(f"{where}: column {h.letter} ('{h.text}') was not read: {h.how}")
    return out


def _check_found(sheets: list[Sheet], unread: list[tuple[str, list[Any]]], *, names_file: bool) -> None:
    """Refuse a file with no header, or with no rows under its header."""
    if not sheets:
        if unread:
            sheet, first = unread[0]
            shown = ", ".join(f"'{v}'" for v in first if not is_blank(v))[:200]
            where = "the file" if names_file else f"sheet '{sheet}'"
            raise FileError(
                f"no column names found: the first row of {where} should name the columns "
                f"(external_ref, title, partners, ...) but holds {shown}",
                "insert the row of column names from the template above the data",
            )
        raise FileError(
            "the workbook is empty: no sheet holds any rows",
            "put the column names in row 1 of a sheet called 'Commitments' (or start from the template) "
            "and one commitment per row below",
        )
    if not any(s.rows for s in sheets) and not any(s.mapping.problems for s in sheets):
        names = ", ".join(f"'{s.name}'" for s in sheets)
        raise FileError(
            "the file has column names but no rows below them"
            if names_file
            else f"the sheet{'s' if len(sheets) > 1 else ''} {names} {'have' if len(sheets) > 1 else 'has'} "
            "column names but no rows below them",
            "add one row per commitment (or progress update) below the column names",
        )


def ref_of(value: Any) -> str:
    """The external reference in a raw cell (to look up stored commitments before validating rows)."""
    if value is None or isinstance(value, Formula | FormulaLike | CellError | TooManyCells | TooLong):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
