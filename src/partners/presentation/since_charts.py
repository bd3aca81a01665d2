"""The tables and charts of "Since the last summit", from the one ``SinceFigures`` the paragraph is written
from: every chart has its table (the text alternative and the CSV), and a group held back for the public
(fewer than 3 countries) is named in the table as held back and drawn in no chart."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from partners.domain.since import Group, SinceFigures
from partners.presentation.charts import FULL_LABELS, OKABE_ITO, figures_sentence

HELD_BACK = "Held back: fewer than 3 countries"

#: The changes in commitments, in the order they are told.
CHANGES = (
    ("new", "New commitments"),
    ("new_joint", "New joint commitments"),
    ("newly_complete", "Newly complete"),
    ("newly_stalled", "Newly stalled"),
    ("newly_overdue", "Newly not reporting"),
)


def changes_table(f: SinceFigures) -> pd.DataFrame:
    """Change, Commitments: one row per change in ``CHANGES``."""
    return pd.DataFrame({"Change": [label for _, label in CHANGES],
                         "Commitments": [int(getattr(f, key)) for key, _ in CHANGES]})


def engaged_table(f: SinceFigures) -> pd.DataFrame:
    """Who, Newly engaged: countries and partners whose first commitment falls in the window."""
    return pd.DataFrame({"Who": ["Countries", "Partners"],
                         "First commitment in the period": [f.engaged_countries, f.engaged_partners]})


def _bars(table: pd.DataFrame, category: str, *, title: str, sort: Sequence[str] | str,
          colour: str = OKABE_ITO[0]) -> alt.LayerChart:
    """Horizontal bars of ``Commitments`` per ``category``, each labelled with its count (read from a slide
    without the axis), the category named by the title alone."""
    base = alt.Chart(table).encode(
        y=alt.Y(f"{category}:N", sort=list(sort) if not isinstance(sort, str) else sort, title=None,
                axis=FULL_LABELS),
        x=alt.X("Commitments:Q", title="Commitments", axis=alt.Axis(tickMinStep=1, format=",d")),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("Commitments:Q", format=",")],
    )
    bars = base.mark_bar(color=colour)
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("Commitments:Q", format=","))
    ordered = table.sort_values("Commitments", ascending=False, kind="stable") if sort == "-x" else table
    description = figures_sentence(f"{title}, in commitments", ordered[category], ordered["Commitments"])
    return (bars + text).properties(title=title, width="container", description=description)


def changes_chart(table: pd.DataFrame, *, title: str = "What changed") -> alt.LayerChart:
    """The changes as horizontal bars in the order they are told, each labelled with its count."""
    return _bars(table, "Change", title=title, sort=list(table["Change"]))


def groups_table(groups: Sequence[Group], category: str, *, countries: bool = False) -> pd.DataFrame:
    """One row per group: the category, Commitments (empty when held back), and with ``countries`` how many
    countries and a Note naming the groups held back."""
    rows = []
    for g in groups:
        row: dict[str, object] = {category: g.label, "Commitments": None if g.held_back else g.commitments}
        if countries:
            row["Countries"] = None if g.held_back else g.countries
            row["Note"] = HELD_BACK if g.held_back else ""
        rows.append(row)
    columns = [category, "Commitments", *(["Countries", "Note"] if countries else [])]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Commitments"] = frame["Commitments"].astype("Int64")
    if countries:
        frame["Countries"] = frame["Countries"].astype("Int64")
    return frame


def groups_chart(table: pd.DataFrame, category: str, *, title: str, colour: str = OKABE_ITO[0],
                 ordered: bool = False) -> alt.LayerChart:
    """The groups shown (not held back) as bars, largest first (``ordered``: in the table's order, e.g. a
    framework's)."""
    shown = table[table["Commitments"].notna()].astype({"Commitments": "int64"})[[category, "Commitments"]]
    return _bars(shown, category, title=title, sort=list(shown[category]) if ordered else "-x", colour=colour)
