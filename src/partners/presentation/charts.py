"""Chart builders: data in, Altair chart out. No Streamlit here, so charts also export offline.

Colours come from the Okabe-Ito palette and sequential 'blues', both readable with colour-blindness.
"""

from __future__ import annotations

import json
from functools import cache

import altair as alt
import pandas as pd

from partners import reference
from partners.domain.model import ProgressStatus
from partners.presentation.labels import NOT_REPORTED, status_label

#: Category labels are never cut ("Technology com..."): no pixel limit on them.
FULL_LABELS = alt.Axis(labelLimit=0)

#: Okabe-Ito: distinguishable for the common forms of colour-blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

STATUS_COLOURS: dict[str, str] = {
    ProgressStatus.NOT_STARTED.value: "#BBBBBB",
    ProgressStatus.ON_TRACK.value: "#56B4E9",
    ProgressStatus.OFF_TRACK.value: "#E69F00",
    ProgressStatus.STALLED.value: "#D55E00",
    ProgressStatus.COMPLETE.value: "#009E73",
    ProgressStatus.DISCONTINUED.value: "#000000",
    NOT_REPORTED: "#CC79A7",
}


def bar(df: pd.DataFrame, category: str, value: str, *, title: str, category_title: str,
        value_title: str = "Commitments", colour: str = OKABE_ITO[0]) -> alt.Chart:
    """A horizontal bar chart sorted by value, with tooltips."""
    return (
        alt.Chart(df, title=title)
        .mark_bar(color=colour)
        .encode(
            y=alt.Y(f"{category}:N", sort="-x", title=category_title, axis=FULL_LABELS),
            x=alt.X(f"{value}:Q", title=value_title),
            tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip(f"{value}:Q", title=value_title)],
        )
        .properties(width="container")
    )


def status_bar(df: pd.DataFrame, *, title: str) -> alt.Chart:
    """Commitments by latest reported status, with the one status palette."""
    data = df.assign(status=df["key"].map(status_label))
    order = [status_label(k) for k in STATUS_COLOURS]
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=order, title="Latest reported status", axis=FULL_LABELS),
            x=alt.X("commitments:Q", title="Commitments"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=order, range=list(STATUS_COLOURS.values())),
                legend=None,
            ),
            tooltip=[alt.Tooltip("status:N", title="Status"), alt.Tooltip("commitments:Q", title="Commitments")],
        )
        .properties(width="container")
    )


def timeline(df: pd.DataFrame, *, title: str) -> alt.Chart:
    return (
        alt.Chart(df, title=title)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X("key:O", title="Year the commitment was made"),
            y=alt.Y("commitments:Q", title="Commitments"),
            tooltip=[alt.Tooltip("key:O", title="Year"), alt.Tooltip("commitments:Q", title="Commitments")],
        )
        .properties(width="container")
    )


@cache
def _world_topology() -> dict:
    return json.loads(reference.world_topojson_path().read_text(encoding="utf-8"))


def world_map(df: pd.DataFrame, *, title: str, value: str = "commitments", value_title: str = "Commitments",
              width: int = 800, height: int = 420) -> alt.LayerChart:
    """A choropleth of ``value`` per country (``numeric`` = ISO 3166-1 numeric), from the shipped topojson."""
    topo = _world_topology()
    shapes = alt.Data(values=topo, format=alt.DataFormat(feature="countries", type="topojson"))
    lookup = df[["numeric", "name", value]].copy()
    lookup["numeric"] = lookup["numeric"].astype(str).str.zfill(3)
    base = alt.Chart(shapes).mark_geoshape(fill="#eeeeee", stroke="white", strokeWidth=0.4)
    filled = (
        alt.Chart(shapes)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=alt.LookupData(lookup, "numeric", ["name", value]))
        .transform_filter(f"datum.{value} > 0")
        .encode(
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip(f"{value}:Q", title=value_title)],
        )
    )
    return (
        alt.layer(base, filled, title=title)
        .project(type="equalEarth")
        .properties(width=width, height=height)
    )
