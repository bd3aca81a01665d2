"""The offline pack: one self-contained HTML file with every public dashboard chart, and a ZIP of each chart as
PNG (2x), SVG and PDF with each table as CSV.

The HTML carries Vega, Vega-Lite and vega-embed inline (the bundle shipped in the vl-convert wheel), each
chart's spec with its data inline, its data table and its text alternative, and the as-of stamp: opened from a
laptop with no network, it draws every chart and requests nothing. Specs go in as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c`` ...: no text in them can
close the element. Everything else is escaped text (``static_site.tag``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import vl_convert

from partners.presentation import chart_export, exports, public_views, since_text
from partners.presentation.formatting import day
from partners.presentation.public_views import ChartView, TableView
from partners.presentation.static_site import Markup, html_table, stamp_line, tag

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:62rem;padding:1rem;
line-height:1.45;color:#1a1a1a}
.stamp{font-weight:600}.demo{background:#fff3cd;border:1px solid #e0c36a;padding:.4rem .6rem;display:inline-block}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.2rem .45rem;
text-align:left;vertical-align:top}td.n{text-align:right}.scroll{overflow-x:auto}
.chart{margin:1rem 0;max-width:100%;overflow-x:auto}.chart svg{max-width:100%;height:auto}section{margin:2rem 0}
.paragraph{font-size:1.3rem}
""".strip()

#: Draws each chart from its JSON spec, without the action menu (its links would lead out of the file).
_EMBED = """
document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (el) {
  var spec = JSON.parse(el.textContent);
  vegaEmbed(document.getElementById(el.dataset.chart), spec, {actions: false, renderer: "svg"})
    .catch(function (err) {
      document.getElementById(el.dataset.chart).textContent = "This chart could not be drawn: " + err;
    });
});
""".strip()


@cache
def _bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (made once per process: it takes about a second)."""
    return vl_convert.javascript_bundle()


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script>`` element: nothing in it can end the element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _chart_block(index: int, view: ChartView) -> Markup:
    target = f"chart-{index}"
    return tag(
        "section", None,
        tag("h2", {"id": view.slug}, view.title),
        tag("div", {"class": "chart", "id": target, "role": "img", "aria-label": view.description}),
        Markup(f'<script type="application/json" data-chart="{target}">{script_json(view.spec)}</script>'),
        tag("p", None, view.description),
        *([tag("p", None, view.caption)] if view.caption else []),
        tag("details", None, tag("summary", None, f"Data table: {view.title}"), html_table(view.table)),
    )


def _views(dashboard: Any, since: Any, extra: Sequence[ChartView]) -> list[ChartView]:
    return [*public_views.dashboard_views(dashboard), *(public_views.since_views(since) if since else ()), *extra]


def pack_html(dashboard: Any, *, since: Any = None, extra: Sequence[ChartView] = ()) -> str:
    """The pack's HTML: the as-of stamp, "Demo data" when it is, the headline figures, every dashboard chart,
    then (``since``: ``SinceFigures``) what changed with its paragraph to read out, and the ``extra`` views,
    each with its text alternative and data table, and the scripts that draw them, all inline."""
    headline = public_views.headline_table(dashboard)
    views = _views(dashboard, since, extra)
    title = pack_title(dashboard)
    banner = [tag("p", {"class": "demo"}, "Demo data: the partners, commitments and assessments shown are "
                                          "fictional.")] if dashboard.demo else []
    head = tag("head", None, Markup('<meta charset="utf-8">'),
               Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
               tag("title", None, title), tag("style", None, Markup(_CSS)),
               Markup(f"<script>{_bundle()}</script>"))
    body = tag(
        "body", None,
        tag("header", None, tag("h1", None, title), tag("p", {"class": "stamp"}, stamp_line(dashboard.as_of)),
            *banner),
        tag("main", None,
            tag("section", None, tag("h2", {"id": headline.slug}, headline.title), html_table(headline.table),
                tag("p", None, headline.caption)),
            *(_chart_block(i, v) for i, v in enumerate(views, 1) if not v.slug.startswith("since-")),
            *([tag("section", {"id": "since"},
                   tag("h2", None, f"{since_text.opening(since)}: what changed"),
                   tag("p", {"class": "paragraph"}, since_text.paragraph(since)))] if since else []),
            *(_chart_block(i, v) for i, v in enumerate(views, 1) if v.slug.startswith("since-"))),
        tag("footer", None, tag("p", None, "Public data only (published, not embargoed, public visibility). "
                                           "Each chart as PNG, SVG and PDF, and each table as CSV, are in the "
                                           "ZIP beside this file.")),
        Markup(f"<script>{_EMBED}</script>"),
    )
    return "<!doctype html>\n" + tag("html", {"lang": "en"}, head, body) + "\n"


def pack_title(dashboard: Any) -> str:
    """The pack's title: the public dashboard's, or the frozen snapshot's it was made of."""
    name = getattr(dashboard, "snapshot", "")
    return (f"Snapshot '{name}': public dashboard (offline pack)" if name
            else "Alliance commitments: public dashboard (offline pack)")


def _readme(dashboard: Any, views: list[ChartView], tables: list[TableView]) -> str:
    lines = [
        pack_title(dashboard),
        stamp_line(dashboard.as_of) + ("; demo data (fictional records)" if dashboard.demo else ""),
        "Public data only: published, not embargoed, public visibility.",
        "",
        "charts/: each chart as PNG (drawn at 2x), SVG and PDF. tables/: each chart's data, and the headline "
        "figures, as CSV.",
        "",
    ]
    lines += [f"{v.slug}: {v.title}. {v.description}" for v in views]
    lines += [f"{t.slug}: {t.title}" for t in tables]
    return "\n".join(lines) + "\n"


def pack_zip(dashboard: Any, *, since: Any = None, extra: Sequence[ChartView] = ()) -> bytes:
    """The pack's ZIP: charts/<slug>.png (2x), .svg and .pdf per chart (the dashboard's and ``extra``),
    tables/<slug>.csv per table (through the neutralising writer), and README.txt saying what each is and the
    as-of stamp."""
    views = _views(dashboard, since, extra)
    tables = [public_views.headline_table(dashboard)]
    buffer = io.BytesIO()
    stamp = _zip_time(dashboard.as_of)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, data: bytes | str) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        put("README.txt", _readme(dashboard, views, tables)
            + (f"\n{since_text.paragraph(since)}\n" if since else ""))
        for view in views:
            put(f"charts/{view.slug}.svg", chart_export.to_svg(view.spec))
            put(f"charts/{view.slug}.png", chart_export.to_png(view.spec))
            put(f"charts/{view.slug}.pdf", vl_convert.vegalite_to_pdf(view.spec, allowed_base_urls=[]))
            put(f"tables/{view.slug}.csv", exports.to_csv(view.table))
        for table in tables:
            put(f"tables/{table.slug}.csv", exports.to_csv(table.table))
    return buffer.getvalue()


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


def summary(dashboard: Any, since: Any = None) -> str:
    """What the pack holds, in words (for the command's last line)."""
    views = _views(dashboard, since, ())
    window = f" (what changed, {since_text.opening(since)})" if since else ""
    frozen = f"snapshot '{dashboard.snapshot}': " if getattr(dashboard, "snapshot", "") else ""
    return (f"{frozen}{len(views)} charts with their tables{window}, data as of {day(dashboard.as_of)}, public "
            f"data only{'; demo data' if dashboard.demo else ''}")
