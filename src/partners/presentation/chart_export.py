"""Charts as files: an Altair chart (or a Vega-Lite spec) drawn to SVG or PNG by vl-convert, offline.

vl-convert runs Vega in-process and draws text with the fonts installed on this machine: nothing is
fetched (``allowed_base_urls=[]`` refuses any data a spec would load from an address; every chart of the
app carries its data inline). A chart sized to its container on the page gets a fixed width here.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

#: The width a chart sized to its container is drawn at, in CSS pixels.
DEFAULT_WIDTH = 640

#: How much finer than the screen a PNG download is drawn (2: sharp on a high-density screen and in print).
PNG_SCALE = 2


def spec(chart: alt.TopLevelMixin | dict[str, Any], *, width: int = DEFAULT_WIDTH) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart``, every ``width: "container"`` in it replaced by ``width`` pixels (a
    concatenation's parts share it out)."""
    found = chart if isinstance(chart, dict) else chart.to_dict(validate=False)  # our own charts: checked on the page
    columns = found.get("columns") or (len(found["hconcat"]) if "hconcat" in found else 1)
    return _fixed(found, width if columns == 1 else max(120, (width - 20 * (columns - 1)) // columns))


def _fixed(node: Any, width: int) -> Any:
    if isinstance(node, dict):
        return {k: (width if k == "width" and v == "container" else _fixed(v, width)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fixed(v, width) for v in node]
    return node


def to_svg(chart: alt.TopLevelMixin | dict[str, Any], *, width: int = DEFAULT_WIDTH) -> str:
    """``chart`` as an SVG document (text kept as text: it prints sharp and can be searched)."""
    return vl_convert.vegalite_to_svg(spec(chart, width=width), allowed_base_urls=[])


def to_png(chart: alt.TopLevelMixin | dict[str, Any], *, width: int = DEFAULT_WIDTH, scale: float = PNG_SCALE) -> bytes:
    """``chart`` as a PNG image, ``scale`` times finer than on screen."""
    return vl_convert.vegalite_to_png(spec(chart, width=width), scale=scale, allowed_base_urls=[])


def to_pdf(chart: alt.TopLevelMixin | dict[str, Any], *, width: int = DEFAULT_WIDTH) -> bytes:
    """``chart`` as a one-page vector PDF (text kept as text), for print and for slides."""
    return vl_convert.vegalite_to_pdf(spec(chart, width=width), allowed_base_urls=[])
