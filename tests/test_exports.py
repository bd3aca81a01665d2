"""CSV exports: one writer for every download, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from partners.presentation.exports import CSV_ENCODING, FORMULA_PREFIXES, csv_frame, neutralise, to_csv


def read_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("text", ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd"])
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(text: str) -> None:
    assert text.startswith(FORMULA_PREFIXES)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Kenya", "", "a=b", "Safe Horizons (lead)", 5, -5, 2.5, None])
def test_harmless_values_are_left_as_they_are(value: object) -> None:
    assert neutralise(value) == value


def test_a_csv_download_neutralises_cells_and_headers_but_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {
            "Partner": ['=HYPERLINK("http://evil.example","click")', "Plain Partner", "@risk"],
            "Change": [-3, 4, 0],  # numbers: a negative number is not a formula
            "Budget": [Decimal("-1.50"), Decimal("2"), None],
            "=Header": ["x", "y", "z"],
        }
    )
    back = read_back(to_csv(frame))
    assert list(back.columns) == ["Partner", "Change", "Budget", "'=Header"]
    assert back["Partner"].tolist() == [
        '\'=HYPERLINK("http://evil.example","click")',
        "Plain Partner",
        "'@risk",
    ]
    assert back["Change"].tolist() == ["-3", "4", "0"]
    assert back["Budget"].tolist() == ["-1.50", "2", ""]


def test_lists_dates_and_missing_values_become_plain_cells() -> None:
    frame = pd.DataFrame(
        {
            "Links": [["https://a.example", "https://b.example"], np.array(["-x"]), None],
            "Day": [date(2025, 3, 1), None, date(2024, 12, 31)],
            "When": [datetime(2025, 3, 1, 9, 30), pd.NaT, datetime(2024, 1, 2)],
        }
    )
    back = read_back(to_csv(frame))
    assert back["Links"].tolist() == ["https://a.example; https://b.example", "'-x", ""]
    assert back["Day"].tolist() == ["2025-03-01", "", "2024-12-31"]
    assert back["When"].tolist() == ["2025-03-01 09:30:00", "", "2024-01-02 00:00:00"]


def test_the_download_is_utf8_with_a_byte_order_mark_for_excel() -> None:
    data = to_csv(pd.DataFrame({"Name": ["Côte d'Ivoire"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_back(data)["Name"].tolist() == ["Côte d'Ivoire"]


def test_the_frame_given_is_not_changed() -> None:
    frame = pd.DataFrame({"Title": ["=danger"]})
    csv_frame(frame)
    assert frame["Title"].tolist() == ["=danger"]
