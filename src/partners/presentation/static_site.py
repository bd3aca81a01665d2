"""The static public site: HTML pages, each chart inlined as SVG, and beside each view its data as CSV and JSON.

:func:`site_files` turns the public dashboard and the published scorecards (plain data, computed for the
public by ``services.publish``) into ``{relative path: bytes}``; the ``partners publish`` command writes them.
Any web server or CDN can serve the folder: there is no script, and every link is to a file of the site.

Markup is built by :func:`tag` only: every text and attribute value passes through ``html.escape``, and only
the SVG drawn by vl-convert (which escapes the text it draws) is placed as markup. Links are made from codes
and file names the site chose itself, never from user text. Tables leave through the one neutralising CSV
writer (``exports.to_csv``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import vl_convert

from partners.presentation import exports, public_views
from partners.presentation.formatting import day
from partners.presentation.public_views import ChartView, TableView

#: The file that marks a folder as a site written by ``partners publish`` (so a new run may replace it).
MANIFEST = "partners-site.json"

#: Every file name the site chooses is made of these characters (a code, a slug, ".html").
_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;
line-height:1.45;color:#1a1a1a}
header{border-bottom:1px solid #ccc;margin-bottom:1rem}
.stamp{font-weight:600}.demo{background:#fff3cd;border:1px solid #e0c36a;padding:.4rem .6rem;display:inline-block}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem;padding:0;list-style:none}
.figures li{border:1px solid #ddd;border-radius:6px;padding:.5rem .75rem}
.figures .count{font-size:1.8rem;font-weight:700;display:block}
.figures .what{font-size:.85rem;color:#444;display:block}
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.2rem .45rem;
text-align:left;vertical-align:top}td.n{text-align:right}
details{margin:.4rem 0}.files a{margin-right:1rem}.scroll{overflow-x:auto}
nav a{margin-right:1rem}
""".strip()


class Markup(str):
    """Text that is already markup (made by :func:`tag`): placed as it is, never escaped again."""

    __slots__ = ()


def text(value: Any) -> Markup:
    """``value`` as text in a page: escaped, so ``<script>`` is shown as typed."""
    return Markup(html.escape("" if value is None else str(value), quote=True))


def tag(name: str, attrs: dict[str, Any] | None = None, *children: Any) -> Markup:
    """An element ``<name attrs>children</name>``: attribute values and text children escaped, ``Markup``
    children placed as they are. ``href`` and ``src`` must be paths of the site (:func:`local`)."""
    parts = [name]
    for key, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        if key in ("href", "src"):
            value = local(str(value))
        parts.append(key if value is True else f'{key}="{html.escape(str(value), quote=True)}"')
    inner = "".join(c if isinstance(c, Markup) else text(c) for c in children)
    return Markup(f"<{' '.join(parts)}>{inner}</{name}>")


def local(path: str) -> str:
    """``path`` if it is a relative path within the site (else ValueError): no address of another host."""
    bare = path.split("#", 1)[0]
    if (bare and not _SAFE_PATH.match(bare.removeprefix("../"))) or "//" in path or ":" in path:
        raise ValueError(f"not a path of the site: {path!r}")
    return path


# -- tables and values --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """One table value as the page shows it: dates as days, counts with separators, blanks for missing."""
    if value is None or (not isinstance(value, list | tuple | str | bool) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | datetime | date):
        return day(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def html_table(frame: pd.DataFrame, *, caption: str = "") -> Markup:
    """``frame`` as an HTML table, every header and cell escaped text."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    head = tag("tr", None, *(tag("th", {"scope": "col"}, str(c)) for c in frame.columns))
    rows = [
        tag("tr", None, *(tag("td", {"class": "n" if c in numeric else None}, cell_text(v))
                          for c, v in zip(frame.columns, row, strict=True)))
        for row in frame.itertuples(index=False)
    ]
    parts = [tag("caption", None, caption)] if caption else []
    return tag("div", {"class": "scroll"}, tag("table", None, *parts, tag("thead", None, head),
                                               tag("tbody", None, *rows)))


def table_json(frame: pd.DataFrame, *, title: str, as_of: datetime, source: str) -> bytes:
    """A table as open data: its title, the moment the data stands at, its columns and its rows."""
    rows = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    data = {"title": title, "data_as_of": as_of.isoformat(timespec="seconds"), "source": source,
            "columns": [str(c) for c in frame.columns], "rows": rows}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def chart_svg(view: ChartView) -> str:
    """The chart drawn as SVG, its ids made unique to it (several charts share a page), titled with its
    text alternative for screen readers."""
    svg = vl_convert.vegalite_to_svg(view.spec, allowed_base_urls=[])
    prefix = f"{view.slug}-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(view.description, quote=True)}" ', 1)
    return svg


# -- pages --------------------------------------------------------------------------------------------


def stamp_line(as_of: datetime) -> str:
    return f"Data as of {day(as_of)} · Shown as: public (what anyone can see)"


def page(title: str, body: Iterable[Markup], *, as_of: datetime, demo: str | None, root: str = "") -> bytes:
    """A whole HTML page: its header (title, the as-of stamp, "Demo data" when it is), ``body``, its footer."""
    banner = [tag("p", {"class": "demo"}, "Demo data: the partners, commitments and assessments shown are "
                                          "fictional.")] if demo else []
    nav = tag("nav", None, tag("a", {"href": f"{root}index.html"}, "Dashboard"),
              tag("a", {"href": f"{root}commitments.html"}, "Public commitments"))
    head = tag("head", None, Markup('<meta charset="utf-8">'),
               Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
               tag("title", None, title), tag("style", None, Markup(_CSS)))
    header = tag("header", None, nav, tag("h1", None, title), tag("p", {"class": "stamp"}, stamp_line(as_of)),
                 *banner)
    footer = tag("footer", None, tag("p", None, "Published from the Alliance's records: public data only "
                                                "(published, not embargoed, public visibility). The data of "
                                                "every view is beside it as CSV and JSON."))
    document = tag("html", {"lang": "en"}, head, tag("body", None, header, tag("main", None, *body), footer))
    return ("<!doctype html>\n" + document + "\n").encode("utf-8")


def _files_line(base: str) -> Markup:
    return tag("p", {"class": "files"}, "Data: ", tag("a", {"href": f"{base}.csv"}, "CSV"),
               tag("a", {"href": f"{base}.json"}, "JSON"))


def chart_section(view: ChartView, folder: str) -> Markup:
    """A chart (inline SVG), its caption, its data table (folded) and links to its CSV and JSON."""
    parts: list[Markup] = [tag("h2", {"id": view.slug}, view.title)]
    figure = tag("figure", None, Markup(chart_svg(view)), tag("figcaption", None, view.description))
    parts.append(figure)
    if view.caption:
        parts.append(tag("p", None, view.caption))
    parts.append(tag("details", None, tag("summary", None, f"Data table: {view.title}"), html_table(view.table)))
    parts.append(_files_line(f"{folder}{view.slug}"))
    return tag("section", None, *parts)


def table_section(view: TableView, folder: str) -> Markup:
    parts = [tag("h2", {"id": view.slug}, view.title), html_table(view.table)]
    if view.caption:
        parts.append(tag("p", None, view.caption))
    parts.append(_files_line(f"{folder}{view.slug}"))
    return tag("section", None, *parts)


def headline_section(view: TableView, folder: str) -> Markup:
    """The headline figures as large numbers, each with what it counts; their table in CSV and JSON."""
    items = [tag("li", None, tag("span", {"class": "count"}, f"{int(count):,}"), tag("strong", None, figure),
                 tag("span", {"class": "what"}, what))
             for figure, count, what in view.table.itertuples(index=False, name=None)]
    return tag("section", None, tag("h2", {"id": view.slug}, view.title), tag("ul", {"class": "figures"}, *items),
               tag("p", None, view.caption), _files_line(f"{folder}{view.slug}"))


#: How many commitments the list page shows (light enough for a phone); the data files hold every one.
COMMITMENTS_SHOWN = 500

#: The columns of the public commitments list, as the site names them.
COMMITMENT_COLUMNS = {"title": "Commitment", "partners": "Partners", "countries": "Countries", "event": "Made at",
                      "event_date": "Date made", "deadline": "Deadline", "reported_status": "Latest reported status",
                      "verified_status": "Verified status"}


def commitments_table(commitments: pd.DataFrame) -> pd.DataFrame:
    """The public commitments as the site lists them (``read.find_commitments`` rows), statuses in words."""
    from partners.presentation import labels

    shown = commitments[[c for c in COMMITMENT_COLUMNS if c in commitments.columns]].copy()
    for column in ("reported_status", "verified_status"):
        if column in shown:
            shown[column] = labels.column_labels(shown[column], labels.STATUS_LABELS, blank_missing=True)
    return shown.rename(columns=COMMITMENT_COLUMNS).reset_index(drop=True)


def _data_files(folder: str, slug: str, title: str, table: pd.DataFrame, as_of: datetime,
                source: str) -> Iterator[tuple[str, bytes]]:
    yield f"{folder}{slug}.csv", exports.to_csv(table)
    yield f"{folder}{slug}.json", table_json(table, title=title, as_of=as_of, source=source)


def _dashboard_body(dashboard: Any, folder: str) -> tuple[list[Markup], list[Any]]:
    """The dashboard's sections (headline figures, then each chart) and the views whose data files they link
    to under ``folder``."""
    headline = public_views.headline_table(dashboard)
    views = public_views.dashboard_views(dashboard)
    return [headline_section(headline, folder), *(chart_section(v, folder) for v in views)], [headline, *views]


#: A snapshot's slug as the app makes it (``services.snapshots.slug_of``): safe as a file name.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def dashboard_files(dashboard: Any, countries: list[tuple[str, str]], commitments: pd.DataFrame,
                    snapshots: Sequence[tuple[str, str, datetime]] = ()) -> Iterator[tuple[str, bytes]]:
    """index.html (the public dashboard, with links to the countries' pages: ``countries`` = code, name, and
    to the snapshots' pages: ``snapshots`` = slug, name, data as of), commitments.html, and their data files
    under data/."""
    as_of, demo = dashboard.as_of, dashboard.demo
    source = "Public dashboard"
    body, items = _dashboard_body(dashboard, "data/")
    links = [tag("li", None, tag("a", {"href": f"countries/{code}.html"}, name)) for code, name in countries]
    body.append(tag("section", None, tag("h2", {"id": "scorecards"}, "Country scorecards"),
                    tag("p", None, "Member countries with a published scorecard, by name.") if links
                    else tag("p", None, "No member country has a published scorecard yet."),
                    tag("ul", None, *links)))
    if snapshots:
        frozen = [tag("li", None, tag("a", {"href": f"snapshots/{slug}.html"}, name), f" (data as of {day(at)})")
                  for slug, name, at in snapshots]
        body.append(tag("section", None, tag("h2", {"id": "snapshots"}, "Frozen snapshots"),
                        tag("p", None, "The dashboard as it was frozen for a summit, newest first; its figures "
                                       "do not change."), tag("ul", None, *frozen)))
    yield "index.html", page("Alliance commitments: public dashboard", body, as_of=as_of, demo=demo)
    for item in items:
        yield from _data_files("data/", item.slug, item.title, item.table, as_of, source)
    listed = commitments_table(commitments)
    count = len(listed)
    shown = listed.head(COMMITMENTS_SHOWN)
    lead = (f"{count:,} public commitments, newest first." if count <= COMMITMENTS_SHOWN else
            f"{count:,} public commitments: the newest {COMMITMENTS_SHOWN:,} are listed here, every one of them "
            "is in the CSV and JSON files.")
    body = [tag("section", None, tag("p", None, lead), _files_line("data/commitments"), html_table(shown))]
    yield "commitments.html", page("Public commitments", body, as_of=as_of, demo=demo)
    yield from _data_files("data/", "commitments", "Public commitments", listed, as_of, "Public commitments")


def snapshot_files(slug: str, name: str, dashboard: Any) -> Iterator[tuple[str, bytes]]:
    """snapshots/<slug>.html (a frozen snapshot of the public dashboard, as frozen) and its data files under
    snapshots/<slug>/."""
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"not a snapshot's link: {slug!r}")
    as_of = dashboard.as_of
    body, items = _dashboard_body(dashboard, f"{slug}/")
    lead = tag("p", {"class": "frozen"}, f"Frozen snapshot: the public dashboard as it stood at {day(as_of)}. "
                                         "Its figures do not change when the records do.")
    yield f"snapshots/{slug}.html", page(f"Snapshot: {name}", [lead, *body], as_of=as_of, demo=dashboard.demo,
                                         root="../")
    for item in items:
        yield from _data_files(f"snapshots/{slug}/", item.slug, item.title, item.table, as_of, f"Snapshot: {name}")


def _facts(doc: Any) -> str:
    from partners.presentation.scorecard_pdf import facts_line

    return facts_line(doc)


def scorecard_files(doc: Any, *, as_of: datetime) -> Iterator[tuple[str, bytes]]:
    """countries/<CODE>.html (a country's public scorecard) and its data files under countries/<CODE>/."""
    code = doc.code
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"not a country code: {code!r}")
    folder = f"{code}/"
    views = public_views.scorecard_views(doc)
    tables = public_views.scorecard_tables(doc)
    body: list[Markup] = [tag("p", None, _facts(doc))]
    body += [chart_section(v, folder) for v in views]
    body += [table_section(t, folder) for t in tables]
    source = f"Public scorecard of {doc.name} ({code})"
    yield f"countries/{code}.html", page(f"Scorecard: {doc.name}", body, as_of=as_of, demo="demo" if doc.demo
                                         else None, root="../")
    for item in [*views, *tables]:
        yield from _data_files(f"countries/{folder}", item.slug, item.title, item.table, as_of, source)


def manifest(paths: Iterable[str], *, as_of: datetime) -> bytes:
    """The site's own list of files (``MANIFEST``): a later ``partners publish`` knows the folder is a site."""
    return json.dumps({"written_by": "partners publish", "data_as_of": as_of.isoformat(timespec="seconds"),
                       "files": sorted(paths)}, indent=1).encode("utf-8")


def is_site_path(relative: str) -> bool:
    """Whether ``relative`` (read from an earlier site's manifest) is a path this writer could have made: an
    earlier site's stale file is removed only then, never a path leading out of the folder."""
    return bool(_SAFE_PATH.match(relative)) and ".." not in relative.split("/")


def scorecard_file_map(doc: Any, as_of: datetime) -> dict[str, bytes]:
    """:func:`scorecard_files` as one mapping (for a worker process: the charts are most of the time)."""
    return dict(scorecard_files(doc, as_of=as_of))
