"""A record's details and its history as people read them: field labels, values written as people write
them (``partners.presentation.formatting``), lists as lists, and each change as before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from partners.presentation.formatting import moment, money, value_text
from partners.presentation.labels import field_label

#: A list inside a table cell: one item after the other, each on its own line where the cell allows.
LIST_SEPARATOR = "; "


def cell(value: Any) -> str:
    """A value as one table cell: a list's items joined, everything else as ``value_text`` writes it."""
    shown = value_text(value)
    return LIST_SEPARATOR.join(shown) if isinstance(shown, list) else shown


def detail_rows(details: dict[str, Any]) -> list[tuple[str, str | list[str]]]:
    """A commitment's details (``services.commitment_page``: field -> value) as (label, text or list of
    texts), the budget with its currency."""
    rows: list[tuple[str, str | list[str]]] = []
    for field, value in details.items():
        if field == "currency":
            continue
        shown = money(value, details.get("currency")) if field == "budget" else value_text(value)
        rows.append((field_label("commitment", field), shown))
    return rows


def change_table(entity: str, changes: list[tuple[str, Any, Any]], *, before: str = "Before",
                 after: str = "After") -> pd.DataFrame:
    """One entry's changes side by side: Field, Before, After (labels and values in words)."""
    return pd.DataFrame(
        {
            "Field": [field_label(entity, f) for f, _, _ in changes],
            before: [cell(old) for _, old, _ in changes],
            after: [cell(new) for _, _, new in changes],
        },
        columns=["Field", before, after],
    )


def entry_heading(entry: dict[str, Any]) -> str:
    """ "Edited by Sam, 3 Mar 2026 14:05" (plain text: the page shows it as text)."""
    what = entry["what"]
    if entry.get("restored_from"):
        what += f" (the version after change {entry['restored_from']})"
    when = entry["changed_at"]
    return f"{what} by {entry['actor']}, {moment(when) if isinstance(when, datetime) else when}"


def history_summary(entity: str, entries: list[dict[str, Any]]) -> pd.DataFrame:
    """Every entry of a readable history (``services.history.readable_history``) in one table: change
    number, when, who, what, which fields it changed (labels), and the reason when one was given."""
    return pd.DataFrame(
        [
            {
                "Change": e["id"],
                "When": moment(e["changed_at"]),
                "Who": e["actor"],
                "What": e["what"],
                "Fields changed": ", ".join(field_label(entity, f) for f, _, _ in e["changes"]),
                "Reason": e["reason"],
            }
            for e in entries
        ],
        columns=["Change", "When", "Who", "What", "Fields changed", "Reason"],
    )
