"""A country's scorecard as a PDF for a minister: A4, two or three pages, typeset by Typst, charts as SVG.

:func:`scorecard_pdf` takes a ``services.scorecard_document.ScorecardDocument`` (the figures, computed for
one viewer) and returns the PDF's bytes. The layout is the static template ``templates/scorecard.typ``;
every word and number goes to it as JSON (``sys.inputs``), which it places as text: nothing from the data
is ever read as Typst markup, so a name such as ``#read("/etc/passwd")`` is printed as typed.

Offline: Typst draws with the fonts it carries and those installed on the machine, and the template imports
no package, so nothing is fetched; the charts are drawn by vl-convert (``chart_export``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from functools import cache
from importlib import resources
from typing import Any

import altair as alt
import pandas as pd
import typst

from partners import i18n
from partners.presentation import chart_export, charts
from partners.presentation.formatting import day

#: The template, shipped with the package (pyproject's package-data).
TEMPLATE = "scorecard.typ"

#: Widths the charts are drawn at (CSS pixels; the PDF scales them to the text width, so only proportions count).
HEATMAP_CELL_WIDTH = 120
HEATMAP_LABEL_LIMIT = 230
ROUNDS_WIDTH, ROUNDS_HEIGHT = 560, 190
PEERS_WIDTH = 400

PUBLIC_VIEW = "Public view"
PRIVATE_VIEW = "Includes private data"


@cache
def _template() -> bytes:
    return resources.files("partners.presentation").joinpath("templates", TEMPLATE).read_bytes()


def confidentiality_line(country: str) -> str:
    """What every page of a scorecard holding private data says."""
    return f"Confidential: {country} and the secretariat"


def file_name(code: str) -> str:
    """The file a country's scorecard is saved as: ``ALB-scorecard.pdf``."""
    return f"{code}-scorecard.pdf"


def scorecard_pdf(doc: Any) -> bytes:
    """The PDF of ``doc`` (a ``ScorecardDocument``)."""
    data = json.dumps(document_data(doc), ensure_ascii=False)
    stamp = datetime.combine(doc.as_of, time(12), tzinfo=UTC) if isinstance(doc.as_of, date) else None
    return typst.compile(_template(), format="pdf", sys_inputs={"data": data}, timestamp=stamp)


# -- the data the template places ---------------------------------------------------------------------


def _phase(value: float | None) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.1f}"


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | datetime | date):
        return day(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _rows(frame: pd.DataFrame) -> list[list[str]]:
    """A table as rows of text, the header first."""
    return [[str(c) for c in frame.columns], *([_text(v) for v in row] for row in frame.itertuples(index=False))]


def facts_line(doc: Any) -> str:
    """The country's facts in one line, in the language in force (its region's names as the data give them)."""
    if doc.member:
        member = (i18n._("Alliance member since {year}").format(year=doc.member_since.year) if doc.member_since
                  else i18n._("Alliance member"))
    else:
        member = i18n._("Not an Alliance member")
    place = ", ".join(p for p in (doc.region, doc.subregion) if p)
    north = i18n._("Global North") if doc.global_north else i18n._("Global South")
    return " · ".join(p for p in (f"{doc.name} ({doc.code})", member, place, north) if p)


def heatmap_chart(cells: pd.DataFrame) -> alt.ConcatChart:
    """The 21 capabilities' cells, one block per domain, two blocks a row (``charts.maturity_heatmap``)."""
    domains = list(dict.fromkeys(cells["Domain"]))
    parts = [
        charts.maturity_heatmap(cells[cells["Domain"] == d], title=d, label_limit=HEATMAP_LABEL_LIMIT)
        .properties(width=HEATMAP_CELL_WIDTH)
        for d in domains
    ]
    return (alt.concat(*parts, columns=2).configure_view(strokeWidth=0).configure_concat(spacing=18)
            .configure_title(frame="bounds"))


def heatmap_spec(cells: pd.DataFrame) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`heatmap_chart`, made fast: each domain's chart depends only on its
    title and capabilities (made once per process, ``_heatmap_part``), its cells only on the data."""
    parts, datasets = [], {}
    for index, domain in enumerate(dict.fromkeys(cells["Domain"])):
        rows = cells[cells["Domain"] == domain]
        part = json.loads(_heatmap_part(domain, tuple(rows["No."]), tuple(rows["Capability"])))
        name = f"domain-{index}"
        part["data"] = {"name": name}
        datasets[name] = alt.utils.sanitize_pandas_dataframe(charts.heatmap_data(rows)).to_dict("records")
        parts.append(part)
    return {"$schema": alt.SCHEMA_URL, "concat": parts, "columns": 2, "datasets": datasets,
            "config": {"view": {"strokeWidth": 0}, "concat": {"spacing": 18}, "title": {"frame": "bounds"}}}


@cache
def _heatmap_part(domain: str, numbers: tuple[str, ...], names: tuple[str, ...]) -> str:
    """One domain's heatmap chart without its data (JSON), for capabilities ``numbers`` and ``names``."""
    empty = charts.maturity_cells(pd.DataFrame({"key": list(numbers), "code": list(numbers), "name": list(names),
                                                "domain": domain}), {})
    chart = charts.maturity_heatmap(empty, title=domain, label_limit=HEATMAP_LABEL_LIMIT)
    part = chart.properties(width=HEATMAP_CELL_WIDTH, description=f"MNR maturity of {domain}").to_dict(validate=False)
    for key in ("$schema", "config", "datasets", "data"):
        part.pop(key, None)
    return json.dumps(part)


def _domain_rows(doc: Any) -> list[list[str]]:
    m = doc.maturity
    rows = [["Domain", "Phase", "Verified", "Self-assessed", "Capabilities assessed"]]
    for key, name in m.domain_names.items():
        latest = m.domains["latest"][key]
        rows.append([
            name,
            _phase(latest.phase),
            _phase(m.domains["verified"][key].phase),
            _phase(m.domains["self_assessed"][key].phase),
            f"{latest.assessed} of {latest.capabilities}",
        ])
    return rows


def _peer_rows(doc: Any) -> list[list[str]]:
    """One row per domain: the country's phase, then each peer group's median, middle half and count."""
    rows = [["Domain", "This country", *(g.label for g in doc.peers.groups)]]
    for d in doc.peers.domains:
        cells = []
        for _, b in d.bands:
            cells.append(f"{_phase(b.median)} ({_phase(b.lower_quartile)} to {_phase(b.upper_quartile)}), "
                         f"{b.countries} countries" if b.shown else "not shown")
        rows.append([d.domain_name, _phase(d.country.phase), *cells])
    return rows


def _suppressed(doc: Any, peers: pd.DataFrame) -> list[str]:
    out = []
    for group in doc.peers.groups:
        hidden = peers[(peers["Peer group"] == group.label) & ~peers["Shown"].astype(bool)]
        if len(hidden):
            which = "every domain" if len(hidden) == len(doc.peers.domains) else ", ".join(hidden["Domain"])
            out.append(f"{group.label}: not shown for {which}, since fewer than 3 countries in the group have "
                       "published assessments.")
    return out


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKUP = re.compile(r"`([^`]*)`|\[([^\]]*)\]\([^)]*\)|\*([^*]+)\*")


def _words(text: str) -> str:
    """Markdown's code, links and emphasis as their words."""
    return _MARKUP.sub(lambda m: next(g for g in m.groups() if g is not None), text)


def _parts(text: str) -> list[dict[str, Any]]:
    """A line of Markdown as text runs, bold or not."""
    out, last = [], 0
    for m in _BOLD.finditer(text):
        if m.start() > last:
            out.append({"text": _words(text[last : m.start()]), "bold": False})
        out.append({"text": _words(m.group(1)), "bold": True})
        last = m.end()
    if last < len(text):
        out.append({"text": _words(text[last:]), "bold": False})
    return out


def methodology_blocks(markdown: str) -> list[dict[str, Any]]:
    """``docs/methodology.md`` as headings, paragraphs and list items of text runs (its title left out:
    the section has its own). Tables are left out: the closing pointer says where the whole text is."""
    blocks: list[dict[str, Any]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append({"kind": "paragraph", "parts": _parts(" ".join(paragraph))})
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or line.startswith("|"):
            flush()
        elif line.startswith("# "):
            flush()
        elif line.startswith("#"):
            flush()
            blocks.append({"kind": "heading", "parts": _parts(line.lstrip("#").strip())})
        elif line.startswith(("- ", "* ")):
            flush()
            blocks.append({"kind": "item", "parts": _parts(line[2:])})
        elif blocks and blocks[-1]["kind"] == "item" and not paragraph and raw.startswith("  "):
            blocks[-1]["parts"] += _parts(" " + line)
        else:
            paragraph.append(line)
    flush()
    return blocks


def methodology_summary(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The methodology in short: each section's heading and its first paragraph, with the list that
    paragraph introduces (the closing pointer says where the whole text is)."""
    out: list[dict[str, Any]] = []
    state = "skip"  # before the first heading: the introduction, which speaks of the whole text
    for block in blocks:
        if block["kind"] == "heading":
            out.append(block)
            state = "first"
        elif state == "first" and block["kind"] == "paragraph":
            out.append(block)
            state = "list" if block["parts"] and block["parts"][-1]["text"].rstrip().endswith(":") else "skip"
        elif state == "list" and block["kind"] == "item":
            out.append(block)
        elif state == "list":
            state = "skip"
    return out


def _svg(chart: Any, width: int) -> str:
    return chart_export.to_svg(chart, width=width)


def document_data(doc: Any) -> dict[str, Any]:
    """Every word and number of the PDF, as the template places them (all of it text)."""
    private = doc.includes_private
    as_of = day(doc.as_of)
    definitions = doc.definitions
    cells = charts.maturity_cells(doc.capabilities, doc.maturity.capabilities)
    rounds = charts.rounds_table(doc.rounds, doc.maturity.domain_names)
    peers = charts.peer_table(doc.peers)
    shown_peers = not peers.empty and bool(peers["Shown"].any())
    scope_note = ""
    if private:
        what = [w for w, on in (("unpublished assessments", doc.private_assessments),
                                ("commitments the public cannot see", doc.private_commitments)) if on]
        scope_note = (f"This scorecard includes {' and '.join(what)}: share it only with {doc.name}'s focal points "
                      "and the secretariat.")
    return {
        "title": f"{doc.name}: country scorecard",
        "author": "Alliance secretariat",
        "header": f"Country scorecard · {doc.name} ({doc.code})",
        "footer": f"As of {as_of}{' · Demo data' if doc.demo else ''}",
        "confidential": confidentiality_line(doc.name) if private else "",
        "scope": PRIVATE_VIEW if private else PUBLIC_VIEW,
        "scope_note": scope_note,
        "facts": facts_line(doc),
        "demo": "Demo data: fictional records, not real ones" if doc.demo else "",
        "as_of": as_of,
        "maturity": {
            "heading": "Model National Response maturity",
            "caption": "The latest phase of each of the 21 capabilities, from 1 (building) to 4 (maturity). Verified "
                       "phases are filled, self-assessed ones outlined, capabilities not assessed empty with a grey "
                       "outline.",
            "chart": _svg(heatmap_spec(cells), 2 * (HEATMAP_CELL_WIDTH + HEATMAP_LABEL_LIMIT)),
            "empty": "" if doc.maturity.assessments else (
                "No capability assessment in this view: assessments stay private until the country publishes "
                "them. Every capability is shown as not assessed."),
        },
        "domains": {
            "heading": "Domain phases",
            "rows": _domain_rows(doc),
            "caption": f"{definitions['domain_phase']}. Verified and self-assessed phases are kept apart.",
        },
        "rounds": {
            "heading": "Maturity over rounds",
            "chart": _svg(charts.maturity_over_rounds(rounds, title="").properties(height=ROUNDS_HEIGHT),
                          ROUNDS_WIDTH) if not rounds.empty else "",
            "caption": (f"Each domain's phase after each of {rounds['Round'].nunique()} assessment rounds; a "
                        "capability not re-assessed in a round keeps its earlier phase.") if not rounds.empty
            else "No assessment round in this view.",
        },
        "peers": {
            "heading": "Peer context",
            "caption": f"{doc.name}'s phase per domain beside its peer groups, from published assessments only. "
                       f"{definitions['peer_band']}. Countries are never ranked.",
            "chart": _svg(charts.peer_context(peers, title=""), PEERS_WIDTH) if shown_peers else "",
            "rows": _peer_rows(doc),
            "suppressed": _suppressed(doc, peers) if not peers.empty else [],
        },
        "commitments": {
            "heading": "Commitments for this country",
            "rows": _rows(charts.commitment_figures_table(doc.figures, definitions)),
            "caption": f"Progress score: {definitions['progress_score']}. Verified and self-reported scores are "
                       "never added together; commitments not reporting are not scored.",
        },
        "methodology": {
            "heading": "How this scorecard is calculated",
            "blocks": methodology_summary(methodology_blocks(doc.methodology)),
            "pointer": "The full methodology, with its tables of weights, is in the tracker's documentation "
                       "(docs/methodology.md) and under \"How is this calculated?\" on the scorecard page.",
        },
    }
