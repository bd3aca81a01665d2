"""The static public site: HTML pages, each chart inlined as SVG, and beside each view its data as CSV and JSON.

:func:`site_files` turns the public dashboard and the published scorecards (plain data, computed for the
public by ``services.publish``) into ``{relative path: bytes}``; the ``partners publish`` command writes them.
Any web server or CDN can serve the folder: there is no script, and every link is to a file of the site.

Markup is built by :func:`tag` only: every text and attribute value passes through ``html.escape``, and only
the SVG drawn by vl-convert (which escapes the text it draws) is placed as markup. Links are made from codes
and file names the site chose itself, never from user text. Tables leave through the one neutralising CSV
writer (``exports.to_csv``).

Every word a page shows goes through ``partners.i18n`` (``_()``), in the language in force when the files are
made (``i18n.use_language``): ``partners publish --lang fr,es`` makes the English site at the folder's top and
one under ``<lang>/`` for each other language, every page linking to itself in the others (:func:`page`).
Dates and numbers are formatted for that language (``i18n.day``, ``i18n.number``).
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

from partners import i18n
from partners.i18n import N_, _, ngettext
from partners.presentation import exports, public_views
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
nav a{margin-right:1rem}nav.languages{float:right}nav.languages a[aria-current]{font-weight:700}
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
    bare = re.sub(r"^(\.\./)+", "", path.split("#", 1)[0])
    if (bare and not _SAFE_PATH.match(bare)) or ".." in bare.split("/") or "//" in path or ":" in path:
        raise ValueError(f"not a path of the site: {path!r}")
    return path


# -- tables and values --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """One table value as the page shows it, in the language in force: dates as days, counts with separators,
    blanks for missing."""
    if value is None or (not isinstance(value, list | tuple | str | bool) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | datetime | date):
        return i18n.day(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return i18n.number(value)
    if isinstance(value, float):
        return i18n.number(round(value, 2))
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
    return _("Data as of {day} · Shown as: public (what anyone can see)").format(day=i18n.day(as_of))


def language_folder(lang: str) -> str:
    """Where a language's site lies in the folder: English at its top, any other under ``<lang>/``."""
    return "" if lang == i18n.DEFAULT else f"{lang}/"


def language_links(path: str, languages: Sequence[str]) -> Markup | None:
    """Links from the page at ``path`` (within its language's site) to the same page in each of
    ``languages``, each named in its own language; none when the site has one language."""
    if len(languages) < 2:
        return None
    lang = i18n.current()
    up = "../" * (path.count("/") + (1 if language_folder(lang) else 0))
    links = [tag("a", {"href": f"{up}{language_folder(other)}{path}", "hreflang": other, "lang": other,
                       "aria-current": "page" if other == lang else None}, i18n.own_name(other))
             for other in languages]
    return tag("nav", {"class": "languages", "aria-label": _("Languages")}, *links)


def page(title: str, body: Iterable[Markup], *, as_of: datetime, demo: str | None, root: str = "",
         path: str = "index.html", languages: Sequence[str] = ()) -> bytes:
    """A whole HTML page in the language in force (``<html lang>``): its header (the links to the page in the
    site's other ``languages``, title, the as-of stamp, "Demo data" when it is), ``body``, its footer. ``path``
    is where the page lies in its language's site."""
    banner = [tag("p", {"class": "demo"}, _("Demo data: the partners, commitments and assessments shown are "
                                            "fictional."))] if demo else []
    nav = tag("nav", {"aria-label": _("Site")}, tag("a", {"href": f"{root}index.html"}, _("Dashboard")),
              tag("a", {"href": f"{root}commitments.html"}, _("Public commitments")))
    head = tag("head", None, Markup('<meta charset="utf-8">'),
               Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
               tag("title", None, title), tag("style", None, Markup(_CSS)))
    others = language_links(path, languages)
    header = tag("header", None, *([others] if others else []), nav, tag("h1", None, title),
                 tag("p", {"class": "stamp"}, stamp_line(as_of)), *banner)
    footer = tag("footer", None, tag("p", None, _("Published from the Alliance's records: public data only "
                                                  "(published, not embargoed, public visibility). The data of "
                                                  "every view is beside it as CSV and JSON.")))
    document = tag("html", {"lang": i18n.current()}, head,
                   tag("body", None, header, tag("main", None, *body), footer))
    return ("<!doctype html>\n" + document + "\n").encode("utf-8")


def _files_line(base: str) -> Markup:
    return tag("p", {"class": "files"}, _("Data:") + " ", tag("a", {"href": f"{base}.csv"}, "CSV"),
               tag("a", {"href": f"{base}.json"}, "JSON"))


def chart_section(view: ChartView, folder: str) -> Markup:
    """A chart (inline SVG), its caption, its data table (folded) and links to its CSV and JSON."""
    parts: list[Markup] = [tag("h2", {"id": view.slug}, view.title)]
    figure = tag("figure", None, Markup(chart_svg(view)), tag("figcaption", None, view.description))
    parts.append(figure)
    if view.caption:
        parts.append(tag("p", None, view.caption))
    parts.append(tag("details", None, tag("summary", None, _("Data table: {title}").format(title=view.title)),
                     html_table(view.table)))
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
    items = [tag("li", None, tag("span", {"class": "count"}, i18n.number(int(count))), tag("strong", None, figure),
                 tag("span", {"class": "what"}, what))
             for figure, count, what in view.table.itertuples(index=False, name=None)]
    return tag("section", None, tag("h2", {"id": view.slug}, view.title), tag("ul", {"class": "figures"}, *items),
               tag("p", None, view.caption), _files_line(f"{folder}{view.slug}"))


#: How many commitments the list page shows (light enough for a phone); the data files hold every one.
COMMITMENTS_SHOWN = 500

#: The columns of the public commitments list, as the site names them (translated where shown).
COMMITMENT_COLUMNS = {"title": N_("Commitment"), "partners": N_("Partners"), "countries": N_("Countries"),
                      "event": N_("Made at"), "event_date": N_("Date made"), "deadline": N_("Deadline"),
                      "reported_status": N_("Latest reported status"), "verified_status": N_("Verified status")}


def commitments_table(commitments: pd.DataFrame) -> pd.DataFrame:
    """The public commitments as the site lists them (``read.find_commitments`` rows), statuses in words, in
    the language in force."""
    from partners.presentation import labels

    shown = commitments[[c for c in COMMITMENT_COLUMNS if c in commitments.columns]].copy()
    for column in ("reported_status", "verified_status"):
        if column in shown:
            shown[column] = labels.column_labels(shown[column], labels.status_labels(), blank_missing=True)
    return shown.rename(columns={k: _(v) for k, v in COMMITMENT_COLUMNS.items()}).reset_index(drop=True)


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
                    snapshots: Sequence[tuple[str, str, datetime]] = (),
                    languages: Sequence[str] = ()) -> Iterator[tuple[str, bytes]]:
    """index.html (the public dashboard, with links to the countries' pages: ``countries`` = code, name, and
    to the snapshots' pages: ``snapshots`` = slug, name, data as of), commitments.html, and their data files
    under data/, in the language in force; each page links to itself in the site's other ``languages``."""
    as_of, demo = dashboard.as_of, dashboard.demo
    source = _("Public dashboard")
    body, items = _dashboard_body(dashboard, "data/")
    links = [tag("li", None, tag("a", {"href": f"countries/{code}.html"}, name)) for code, name in countries]
    body.append(tag("section", None, tag("h2", {"id": "scorecards"}, _("Country scorecards")),
                    tag("p", None, _("Member countries with a published scorecard, by name.")) if links
                    else tag("p", None, _("No member country has a published scorecard yet.")),
                    tag("ul", None, *links)))
    if snapshots:
        frozen = [tag("li", None, tag("a", {"href": f"snapshots/{slug}.html"}, name),
                      " " + _("(data as of {day})").format(day=i18n.day(at)))
                  for slug, name, at in snapshots]
        body.append(tag("section", None, tag("h2", {"id": "snapshots"}, _("Frozen snapshots")),
                        tag("p", None, _("The dashboard as it was frozen for a summit, newest first; its figures "
                                         "do not change.")), tag("ul", None, *frozen)))
    yield "index.html", page(_("Alliance commitments: public dashboard"), body, as_of=as_of, demo=demo,
                             path="index.html", languages=languages)
    for item in items:
        yield from _data_files("data/", item.slug, item.title, item.table, as_of, source)
    listed = commitments_table(commitments)
    count = len(listed)
    shown = listed.head(COMMITMENTS_SHOWN)
    lead = (ngettext("{count} public commitment, newest first.", "{count} public commitments, newest first.",
                     count) if count <= COMMITMENTS_SHOWN else
            _("{count} public commitments: the newest {shown} are listed here, every one of them is in the CSV "
              "and JSON files.")).format(count=i18n.number(count), shown=i18n.number(COMMITMENTS_SHOWN))
    body = [tag("section", None, tag("p", None, lead), _files_line("data/commitments"), html_table(shown))]
    yield "commitments.html", page(_("Public commitments"), body, as_of=as_of, demo=demo, path="commitments.html",
                                   languages=languages)
    yield from _data_files("data/", "commitments", _("Public commitments"), listed, as_of, _("Public commitments"))


def snapshot_files(slug: str, name: str, dashboard: Any,
                   languages: Sequence[str] = ()) -> Iterator[tuple[str, bytes]]:
    """snapshots/<slug>.html (a frozen snapshot of the public dashboard, as frozen) and its data files under
    snapshots/<slug>/, in the language in force."""
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"not a snapshot's link: {slug!r}")
    as_of = dashboard.as_of
    body, items = _dashboard_body(dashboard, f"{slug}/")
    lead = tag("p", {"class": "frozen"}, _("Frozen snapshot: the public dashboard as it stood at {day}. Its "
                                           "figures do not change when the records do.").format(day=i18n.day(as_of)))
    title = _("Snapshot: {name}").format(name=name)
    yield f"snapshots/{slug}.html", page(title, [lead, *body], as_of=as_of, demo=dashboard.demo, root="../",
                                         path=f"snapshots/{slug}.html", languages=languages)
    for item in items:
        yield from _data_files(f"snapshots/{slug}/", item.slug, item.title, item.table, as_of, title)


def _facts(doc: Any) -> str:
    from partners.presentation.scorecard_pdf import facts_line

    return facts_line(doc)


def scorecard_files(doc: Any, *, as_of: datetime, languages: Sequence[str] = ()) -> Iterator[tuple[str, bytes]]:
    """countries/<CODE>.html (a country's public scorecard) and its data files under countries/<CODE>/, in the
    language in force."""
    code = doc.code
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"not a country code: {code!r}")
    folder = f"{code}/"
    views = public_views.scorecard_views(doc)
    tables = public_views.scorecard_tables(doc)
    body: list[Markup] = [tag("p", None, _facts(doc))]
    body += [chart_section(v, folder) for v in views]
    body += [table_section(t, folder) for t in tables]
    source = _("Public scorecard of {name} ({code})").format(name=doc.name, code=code)
    yield f"countries/{code}.html", page(_("Scorecard: {name}").format(name=doc.name), body, as_of=as_of,
                                         demo="demo" if doc.demo else None, root="../",
                                         path=f"countries/{code}.html", languages=languages)
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


def scorecard_file_map(doc: Any, as_of: datetime, lang: str = i18n.DEFAULT,
                       languages: Sequence[str] = ()) -> dict[str, bytes]:
    """:func:`scorecard_files` in ``lang`` as one mapping (for a worker process: the charts are most of the
    time)."""
    with i18n.use_language(lang):
        return dict(scorecard_files(doc, as_of=as_of, languages=languages))
