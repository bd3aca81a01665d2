"""The dashboard's world map: ``charts.world_map`` (its shapes prepared once per process) drawn for one of
the map's metrics, across the whole width, its legend inside the map (over the ocean, bottom left)."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from partners.domain.dashboard import MAP_METRICS
from partners.presentation import charts

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
                            value_title=metric_title(metric), width=1200, height=height)
    layers = copy.deepcopy(spec["layer"])  # small; the shared shapes stay in ``data``, untouched
    for layer in layers:  # Antarctica (ISO 3166-1 numeric 010) names no commitment: the map fills the space
        layer["transform"] = [{"filter": f"datum.id != '{ANTARCTICA}'"}, *layer.get("transform", [])]
    colour = layers[1]["encoding"]["color"]
    colour["legend"] = {"orient": "bottom-left", "gradientLength": max(120, height // 3), "titleLimit": 260}
    if metric in PERCENT_METRICS:
        colour["scale"] = {"scheme": "blues", "domain": [0, 100]}
    return {**spec, "layer": layers, "width": "container"}
