"""Exports: the one CSV writer every download uses.

Text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula to Excel,
LibreOffice and Google Sheets, so a partner's name or a narrative could run code on the reader's machine
("CSV injection", OWASP). Every such cell, and every such header, gets a leading apostrophe: spreadsheets
show the text as typed and never evaluate it. Numbers stay numbers (a negative number is not text).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from partners.domain.text import FORMULA_PREFIXES  # one definition, shared with the importer

#: The encoding of CSV downloads: UTF-8 with a byte order mark, so Excel shows accented names correctly.
CSV_ENCODING = "utf-8-sig"


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that could be a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """One value as a CSV cell: lists joined with '; ', dates in ISO form, text neutralised."""
    if value is None or (not _is_sequence(value) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | bool):
        return value
    if _is_sequence(value):
        items: Iterable[Any] = value.tolist() if hasattr(value, "tolist") else value
        return neutralise("; ".join(str(v) for v in items))
    return neutralise(str(value))


def _is_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset) or (
        hasattr(value, "tolist") and hasattr(value, "__len__")
    )


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready to write as CSV: every text cell and header neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_bool_dtype(safe[column]) or pd.api.types.is_numeric_dtype(safe[column]):
            continue
        safe[column] = safe[column].map(_cell).astype(object)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """The CSV download of a table (UTF-8 with BOM, header row, no index), safe to open in a spreadsheet."""
    # CRLF ends a row (RFC 4180); it also makes the writer quote a cell holding a lone carriage return, which
    # a spreadsheet would otherwise take for the end of the row.
    return csv_frame(frame).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)
