"""The dashboard's world map: ``charts.world_map`` (its shapes prepared once per process) drawn for one of
the map's metrics, across the whole width, its legend inside the map (over the ocean, bottom left)."""

from __future__ import annotations

import copy
import json
from typing import Any

import altair as alt
import pandas as pd

from partners.domain.dashboard import MAP_METRICS
from partners.domain.model import ProgressStatus
from partners.presentation import charts, labels
from partners.presentation.formatting import number
from partners.presentation.wording import join_words

#: The metrics drawn as a percentage (0 to 100), with a fixed scale so that two views compare.
PERCENT_METRICS = ("share_complete", "verified_share", "mnr_coverage")
ANTARCTICA = "010"


def metric_title(metric: str) -> str:
    return f"{MAP_METRICS[metric]} (%)" if metric in PERCENT_METRICS else MAP_METRICS[metric]


def metric_map(countries: pd.DataFrame, metric: str, *, height: int = 480) -> dict[str, Any]:
    """The map of ``metric`` per country (``services.dashboard.countries``' rows); shares as percentages."""
    drawn = countries[["numeric", "name"]].copy()
    scale = 100 if metric in PERCENT_METRICS else 1
    drawn[metric] = (countries[metric].astype(float) * scale).round(1)
    spec = charts.world_map(drawn, title=f"{MAP_METRICS[metric]} by country", value=metric,
                            value_title=metric_title(metric), width=1200, height=height,
                            unit="%" if metric in PERCENT_METRICS else "")
    layers = copy.deepcopy(spec["layer"])  # small; the shared shapes stay in ``data``, untouched
    for layer in layers:  # Antarctica (ISO 3166-1 numeric 010) names no commitment: the map fills the space
        layer["transform"] = [{"filter": f"datum.id != '{ANTARCTICA}'"}, *layer.get("transform", [])]
    colour = layers[1]["encoding"]["color"]
    colour["legend"] = {"orient": "bottom-left", "gradientLength": max(120, height // 3), "titleLimit": 260,
                        "format": ".0f" if metric in PERCENT_METRICS else "d"}
    if metric in PERCENT_METRICS:
        colour["scale"] = {"scheme": "blues", "domain": [0, 100]}
    return {**spec, "layer": layers, "width": "container"}


#: What an empty cell of the coverage matrix says (no commitment of the view for that pair).
EMPTY_CELL = "none"
HELD_CELL = "held back"


def coverage_cells(matrix: pd.DataFrame) -> pd.DataFrame:
    """``services.dashboard.coverage_matrix`` rows as the matrix draws and tabulates them: ``Capability``,
    ``Stakeholder type`` (in words), ``Commitments`` (None: empty or held back) and ``Cell`` (its text)."""
    counts = matrix["commitments"]
    cell = [HELD_CELL if h else (EMPTY_CELL if int(c) == 0 else f"{int(c):,}")
            for c, h in zip(counts.fillna(0), matrix["held_back"], strict=True)]
    return pd.DataFrame({
        "Capability": matrix["capability"],
        "Stakeholder type": labels.column_labels(matrix["type"], labels.STAKEHOLDER_LABELS),
        "Commitments": [None if t in (HELD_CELL, EMPTY_CELL) else int(c) for c, t in zip(counts.fillna(0), cell,
                                                                                         strict=True)],
        "Cell": cell,
    })


def coverage_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The matrix as a table: one row per capability (MNR order), one column per stakeholder type."""
    order = list(dict.fromkeys(cells["Capability"]))
    types = list(dict.fromkeys(cells["Stakeholder type"]))
    table = cells.pivot(index="Capability", columns="Stakeholder type", values="Cell").reindex(order)[types]
    return table.reset_index()


def coverage_matrix(cells: pd.DataFrame, *, title: str = "MNR capabilities x stakeholder types") -> alt.LayerChart:
    """One cell per MNR capability and stakeholder type: filled by the number of commitments, the number
    written in it; an empty pair marked "none" on a dashed white cell; a held-back one says so, on grey."""
    rows = list(dict.fromkeys(cells["Capability"]))
    cols = list(dict.fromkeys(cells["Stakeholder type"]))
    base = alt.Chart(cells).encode(
        x=alt.X("Stakeholder type:N", sort=cols, title="Stakeholder type of a partner",
                axis=alt.Axis(labelAngle=-40, labelLimit=0, labelOverlap=False, orient="top")),
        y=alt.Y("Capability:N", sort=rows, title=None, axis=alt.Axis(labelLimit=0)),
        tooltip=[alt.Tooltip("Capability:N"), alt.Tooltip("Stakeholder type:N"), alt.Tooltip("Cell:N",
                                                                                             title="Commitments")],
    )
    filled = base.transform_filter("isValid(datum.Commitments)").mark_rect(stroke="white").encode(
        color=alt.Color("Commitments:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(orient="bottom")),
    )
    empty = base.transform_filter("!isValid(datum.Commitments)").mark_rect(
        stroke="#999999", strokeDash=[3, 2], strokeWidth=0.8).encode(  # held back: grey; a gap: white
        fill=alt.condition(f"datum.Cell == '{HELD_CELL}'", alt.value("#e8e8e8"), alt.value("white")))
    text = base.mark_text(fontSize=10).encode(
        text="Cell:N",
        color=alt.condition("isValid(datum.Commitments) && datum.Commitments > 40", alt.value("white"),
                            alt.value("#333333")),
    )
    held = int((cells["Cell"] == HELD_CELL).sum())
    gaps = int((cells["Cell"] == EMPTY_CELL).sum())
    description = (f"{len(rows)} MNR capabilities by {len(cols)} stakeholder types: "
                   f"{len(cells) - held - gaps:,} pairs with commitments, {gaps:,} with none"
                   f"{f' and {held:,} held back' if held else ''}; the table gives each pair's count.")
    return alt.layer(filled, empty, text).properties(title=title, width="container", height=alt.Step(22),
                                                     description=description)


def target_progress(progress: pd.DataFrame, *, title: str = "Progress by Global Alliance target") -> alt.Chart:
    """The commitments of each Global Alliance target by latest reported status, stacked in the one status
    palette (held-back parts left out: the caption names them)."""
    data = progress[progress["status"].notna() & ~progress["held_back"]].assign(
        Status=lambda d: d["status"].map(labels.status_label))
    order = [labels.status_label(k) for k in charts.STATUS_COLOURS]
    targets = list(dict.fromkeys(progress["target"]))
    totals = data.groupby("target")["commitments"].sum()
    complete = data[data["status"] == ProgressStatus.COMPLETE.value].groupby("target")["commitments"].sum()
    parts = [f"{t} {number(totals[t])} ({number(complete.get(t, 0))} complete)" for t in targets if t in totals.index]
    description = f"Commitments per Global Alliance target by latest reported status: {join_words(parts) or 'none'}."
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("target:N", sort=list(dict.fromkeys(progress["target"])), title=None,
                    axis=charts.FULL_LABELS),
            x=alt.X("commitments:Q", title="Commitments", stack="zero"),
            color=alt.Color("Status:N", scale=alt.Scale(domain=order, range=list(charts.STATUS_COLOURS.values())),
                            legend=alt.Legend(title="Latest reported status", orient="bottom", columns=4)),
            order=alt.Order("status_order:Q"),
            tooltip=[alt.Tooltip("target:N", title="Target"), alt.Tooltip("Status:N"),
                     alt.Tooltip("commitments:Q", title="Commitments")],
        )
        .transform_calculate(status_order=f"indexof({json.dumps(order)}, datum.Status)")
        .properties(width="container", height=alt.Step(30), description=description)
    )
