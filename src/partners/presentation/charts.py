"""Chart builders: data in, Altair chart out. No Streamlit here, so charts also export offline.

Colours come from the Okabe-Ito palette and sequential 'blues', both readable with colour-blindness.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import altair as alt
import pandas as pd

from partners import reference
from partners.domain.model import ProgressStatus, ReportSource
from partners.presentation.formatting import number
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


#: The name of the counts per country in the world map's spec (its only part that changes between views).
_COUNTS = "counts_per_country"


@cache
def _world_map_spec(title: str, value: str, value_title: str, width: int, height: int) -> dict[str, Any]:
    """The world map's Vega-Lite spec without its counts, made once per process: the 108 KB of country shapes
    are walked and checked by Altair here only, not on every view of the page."""
    shapes = alt.Data(values=_world_topology(), format=alt.DataFormat(feature="countries", type="topojson"))
    base = alt.Chart().mark_geoshape(fill="#eeeeee", stroke="white", strokeWidth=0.4)
    filled = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.NamedData(name=_COUNTS), "numeric", ["name", value]))
        .transform_filter(f"datum.{value} > 0")
        .encode(
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip(f"{value}:Q", title=value_title)],
        )
    )
    # The shapes once, for both layers (the grey land and the counts drawn over it).
    chart = alt.layer(base, filled, data=shapes, title=title).project(type="equalEarth").properties(
        width=width, height=height
    )
    return chart.to_dict()


def world_map(df: pd.DataFrame, *, title: str, value: str = "commitments", value_title: str = "Commitments",
              width: int = 800, height: int = 420) -> dict[str, Any]:
    """A choropleth of ``value`` per country (``numeric`` = ISO 3166-1 numeric), from the shipped topojson, as
    a Vega-Lite spec: the shapes prepared once per process (``_world_map_spec``), the counts added per call."""
    lookup = df[["numeric", "name", value]].copy()
    lookup["numeric"] = lookup["numeric"].astype(str).str.zfill(3)
    spec = _world_map_spec(title, value, value_title, width, height)
    # A new top-level dict per call: the shared spec underneath is never changed.
    return {**spec, "datasets": {**spec.get("datasets", {}), _COUNTS: lookup.to_dict("records")}}


#: The two sources of a progress value, each with its own colour and mark shape (not colour alone).
_SOURCE_STYLE = {
    ReportSource.SELF_REPORTED.label: (OKABE_ITO[1], "circle"),
    ReportSource.VERIFIED.label: (OKABE_ITO[0], "diamond"),
}


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """The indicator values a commitment's progress updates report, oldest first: the timeline's data."""
    rows = progress[progress["indicator_value"].notna()]
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(rows["report_date"]),
            "Value": rows["indicator_value"].astype(float),
            "Source": rows["source"].map(lambda s: ReportSource(s).label),
            "Status": rows["status"].map(status_label),
        }
    ).sort_values("Date", kind="stable").reset_index(drop=True)


def progress_timeline(
    values: pd.DataFrame, *, baseline: Any = None, target: Any = None, unit: str = "", title: str = "Progress"
) -> alt.LayerChart:
    """The indicator value over time (``progress_table``), self-reported and verified values apart (colour
    and shape), against the baseline (dotted) and the target (dashed), each line labelled in words."""
    axis_title = f"Indicator value ({unit})" if unit else "Indicator value"
    domain = list(_SOURCE_STYLE)
    line = alt.Chart(values).mark_line(color="#777777", strokeWidth=1.5).encode(
        x=alt.X("Date:T", title="Report date", axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("Value:Q", title=axis_title),
    )
    points = alt.Chart(values).mark_point(filled=True, size=90, opacity=1).encode(
        x="Date:T",
        y="Value:Q",
        color=alt.Color(
            "Source:N",
            scale=alt.Scale(domain=domain, range=[c for c, _ in _SOURCE_STYLE.values()]),
            legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=0),
        ),
        shape=alt.Shape("Source:N", scale=alt.Scale(domain=domain, range=[s for _, s in _SOURCE_STYLE.values()])),
        tooltip=[
            alt.Tooltip("Date:T", title="Date", format="%d %b %Y"),
            alt.Tooltip("Value:Q", title="Value", format=",.4~f"),
            alt.Tooltip("Source:N"),
            alt.Tooltip("Status:N"),
        ],
    )
    layers: list[alt.Chart] = [line, points]
    for name, level, dash in (("Target", target, [6, 4]), ("Baseline", baseline, [2, 3])):
        if level is None:
            continue
        ref = pd.DataFrame({"Value": [float(level)], "Line": [f"{name}: {number(level)}"]})
        rule = alt.Chart(ref).mark_rule(color="#000000", strokeDash=dash, strokeWidth=1.5).encode(y="Value:Q")
        label = alt.Chart(ref).mark_text(align="left", dx=4, dy=-7, color="#000000").encode(
            y="Value:Q", x=alt.value(0), text="Line:N"
        )
        layers += [rule, label]
    return alt.layer(*layers, title=title).properties(width="container", height=280)
