"""How counts, lists and dates are written on every page: "1 commitment", "3 commitments"; "A, B or C";
"22 Sep 2022" in tables (never "2022-09-22 00:00:00"; dates in text: ``formatting.day``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: How a date reads in the date columns of ``st.dataframe`` (moment.js notation), as ``formatting.day`` writes
#: it on a page ("22 Sep 2022"), and with the time of day as ``formatting.moment`` does.
DATE_COLUMN_FORMAT = "D MMM YYYY"
DATETIME_COLUMN_FORMAT = "D MMM YYYY, HH:mm"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun in the right number, the count with thousands separators:
    ``plural(1, "commitment")`` is "1 commitment", ``plural(1500, "commitment")`` "1,500 commitments";
    ``nouns`` for irregular plurals (``plural(2, "country", "countries")``)."""
    word = noun if count == 1 else (nouns or f"{noun}s")
    return f"{count:,} {word}"


def join_words(words: Sequence[str], *, last: str = "and") -> str:
    """Words as a sentence lists them: "A", "A and B", "A, B and C" (``last`` joins the last two)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def date_columns(frame: pd.DataFrame) -> dict[str, str]:
    """The columns of ``frame`` holding dates or timestamps, each as ``"date"`` (every value at midnight: a
    date, whose time means nothing) or ``"datetime"`` (a moment, such as an embargo's end), so a table
    shows "22 Sep 2022" rather than "2022-09-22 00:00:00"."""
    kinds: dict[str, str] = {}
    for name, dtype in frame.dtypes.items():  # by dtype first: taking out every column costs a table's rerun
        if not pd.api.types.is_datetime64_any_dtype(dtype):
            continue
        values = frame[name].dropna()
        kinds[str(name)] = "date" if (values == values.dt.normalize()).all() else "datetime"
    return kinds
