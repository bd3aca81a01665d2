"""The public dashboard and a public scorecard as a list of views: each chart with its data table and its text
alternative, ready to be written as a static page (``static_site``) or an offline pack (``offline_pack``).

Plain data in (``services.publish.PublicDashboard``, ``services.scorecard_document.ScorecardDocument``), plain
data out: nothing here writes markup. Countries are listed by name, never in an order of their figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from partners.presentation import chart_export, charts, labels, scorecard_pdf, since_charts
from partners.presentation.labels import WITHDRAWN_LEFT_OUT

#: The headline figures in the order the dashboard shows them, with their names.
HEADLINE_NAMES: dict[str, str] = {
    "commitments": "Commitments",
    "partners": "Partners",
    "countries": "Countries named",
    "member_countries": "Member countries",
    "verified": "Verified by the secretariat",
    "self_reported_only": "Self-reported only",
    "not_reporting": "Not reporting",
    "complete_verified": "Complete (verified)",
    "complete": "Complete (reported)",
    "joint": "Joint commitments",
    "global": "Global commitments",
}

#: The width charts are drawn at for the site and the pack (CSS pixels; the page scales them down on a phone).
WIDTH = 640


@dataclass(frozen=True)
class ChartView:
    """One chart of a page: its Vega-Lite spec (fixed width, data inline), its data as a table, and the words
    that stand for it (``description``: the text alternative; ``caption``: what it counts)."""

    slug: str  # the file names of its data: <slug>.csv, <slug>.json, <slug>.svg ...
    title: str
    description: str
    spec: dict[str, Any]
    table: pd.DataFrame
    caption: str = ""


@dataclass(frozen=True)
class TableView:
    """A table without a chart (e.g. the headline figures), with its data files' name."""

    slug: str
    title: str
    table: pd.DataFrame
    caption: str = ""


def _total(table: pd.DataFrame, column: str = "Commitments") -> int:
    return int(table[column].sum()) if len(table) else 0


def _spread(table: pd.DataFrame, category: str) -> str:
    """"a: 3, b: 2" for a breakdown's rows, as the text alternative of its chart."""
    return "; ".join(f"{row[category]}: {int(row['Commitments']):,}" for _, row in table.iterrows()) or "none"


def headline_table(dashboard: Any) -> TableView:
    """The headline figures, each with what it counts."""
    rows = [(name, int(dashboard.headline.get(key, 0)), dashboard.definitions.get(key, ""))
            for key, name in HEADLINE_NAMES.items() if key in dashboard.headline]
    return TableView("headline", "Headline figures",
                     pd.DataFrame(rows, columns=["Figure", "Count", "What it counts"]), WITHDRAWN_LEFT_OUT)


#: Which breakdown each chart of ``dashboard_views`` shows, and the labels of its groups.
_BREAKDOWN_OF = {
    "commitments-by-stakeholder-type": ("stakeholder_type", labels.STAKEHOLDER_LABELS),
    "commitments-by-status": ("status", labels.STATUS_LABELS),
    "commitments-by-year": ("year", {}),
    "commitments-by-region": ("region", {}),
}


def _with_held_back(view: ChartView, dashboard: Any) -> ChartView:
    """The view, its caption naming the groups held back for the public (over fewer than 3 countries)."""
    by, names = _BREAKDOWN_OF.get(view.slug, ("", {}))
    held = getattr(dashboard, "held_back", {}).get(by, ())
    if not held:
        return view
    note = ("Held back for the public, over fewer than 3 countries: "
            + ", ".join(str(names.get(k, k)) for k in held) + ".")
    return replace(view, caption=f"{view.caption} {note}".strip())


def dashboard_views(dashboard: Any) -> list[ChartView]:
    """The public dashboard's charts, each caption naming the groups held back (``_with_held_back``)."""
    return [_with_held_back(v, dashboard) for v in _dashboard_views(dashboard)]


def _dashboard_views(dashboard: Any) -> list[ChartView]:
    """The public dashboard's charts: where commitments apply, and commitments by stakeholder type, status,
    year made and region (the Overview's charts, for the public)."""
    per_country = dashboard.per_country
    mapped = per_country.loc[per_country.commitments > 0, ["name", "region", "commitments"]].rename(
        columns={"name": "Country", "region": "Region", "commitments": "Commitments"}
    ).sort_values("Country", kind="stable").reset_index(drop=True)
    views = [ChartView(
        "commitments-map", "Commitments naming each country",
        f"World map: {len(mapped):,} countries are named by at least one commitment, shaded by how many name "
        "them; the table lists each country with its count.",
        chart_export.spec(charts.world_map(per_country, title="Commitments naming each country"), width=WIDTH),
        mapped,
        "Global commitments are not drawn on the map; a multi-country commitment counts for each country.",
    )]
    b = dashboard.breakdowns
    if "stakeholder_type" in b:
        by_type = b["stakeholder_type"].copy()
        by_type["key"] = labels.column_labels(by_type["key"], labels.STAKEHOLDER_LABELS)
        table = by_type.rename(columns={"key": "Stakeholder type", "commitments": "Commitments"})
        views.append(ChartView(
            "commitments-by-stakeholder-type", "By stakeholder type",
            f"Bar chart of commitments by stakeholder type: {_spread(table, 'Stakeholder type')}.",
            chart_export.spec(charts.bar(by_type, "key", "commitments", title="By stakeholder type",
                                         category_title="Stakeholder type"), width=WIDTH),
            table, "A joint commitment counts once for each type of partner in it.",
        ))
    if "status" in b:
        by_status = b["status"]
        table = by_status.assign(key=labels.column_labels(by_status["key"], labels.STATUS_LABELS)).rename(
            columns={"key": "Status", "commitments": "Commitments"})
        views.append(ChartView(
            "commitments-by-status", "By latest reported status",
            f"Bar chart of commitments by latest reported status: {_spread(table, 'Status')}.",
            chart_export.spec(charts.status_bar(by_status, title="By latest reported status"), width=WIDTH),
            table,
        ))
    if "year" in b:
        by_year = b["year"].sort_values("key", kind="stable").reset_index(drop=True)
        table = by_year.rename(columns={"key": "Year", "commitments": "Commitments"})
        views.append(ChartView(
            "commitments-by-year", "Commitments by year made",
            f"Column chart of commitments by the year they were made: {_spread(table, 'Year')}.",
            chart_export.spec(charts.timeline(by_year, title="Commitments by year made"), width=WIDTH),
            table,
        ))
    if "region" in b:
        by_region = b["region"]
        table = by_region.rename(columns={"key": "Region", "commitments": "Commitments"})
        views.append(ChartView(
            "commitments-by-region", "By region (UN M49)",
            f"Bar chart of commitments by region: {_spread(table, 'Region')}.",
            chart_export.spec(charts.bar(by_region, "key", "commitments", title="By region (UN M49)",
                                         category_title="Region"), width=WIDTH),
            table,
        ))
    return views


def scorecard_tables(doc: Any) -> list[TableView]:
    """A scorecard's tables without a chart: the commitment figures, each with what it counts."""
    return [TableView("commitment-figures", "Commitments naming the country",
                      charts.commitment_figures_table(doc.figures, doc.definitions),
                      "Verified, self-reported and not reporting commitments are counted apart.")]


def scorecard_views(doc: Any) -> list[ChartView]:
    """A country's scorecard charts as its ``doc`` holds them: the MNR maturity heatmap, the maturity over
    assessment rounds, and the peer context (aggregates of published assessments only)."""
    cells = charts.maturity_cells(doc.capabilities, doc.maturity.capabilities)
    assessed = int(cells["Phase"].notna().sum())
    cell_table = cells.drop(columns=["Phase"])
    views = [ChartView(
        "maturity", "MNR maturity by capability",
        f"Heatmap of the Model National Response's {len(cells)} capabilities, one block per domain: {assessed} "
        "assessed, each cell naming its latest phase; verified cells filled, self-assessed outlined. The table "
        "lists every capability.",
        {**scorecard_pdf.heatmap_spec(cells), "columns": 1}, cell_table,  # one block a row: a phone's width
        "From published assessments only.",
    )]
    rounds = charts.rounds_table(doc.rounds, doc.maturity.domain_names)
    if len(rounds):
        views.append(ChartView(
            "maturity-over-rounds", "Maturity over rounds",
            f"Line chart of each MNR domain's phase, 1 to 4, after each of {rounds['Round'].nunique()} "
            "assessment rounds; the table lists each round and domain.",
            chart_export.spec(charts.maturity_over_rounds(rounds), width=WIDTH), rounds,
        ))
    peers = charts.peer_table(doc.peers)
    if len(peers) and bool(peers["Shown"].any()):
        views.append(ChartView(
            "peer-context", "Peer context",
            "The country's phase per MNR domain beside the median and middle half of each peer group with "
            "enough published assessments; no country is ranked. The table gives each figure, and why a group "
            "is not shown.",
            chart_export.spec(charts.peer_context(peers), width=WIDTH), peers,
            "Peer groups with fewer than 3 countries with published assessments are not shown.",
        ))
    return views


def since_views(f: Any) -> list[ChartView]:
    """What changed between two ends (``domain.since.SinceFigures``, the public's): the changes, and the new
    and newly complete commitments by stakeholder type, region and Global Alliance target; a group held back
    (fewer than 3 countries) is named in its table and drawn in no chart."""
    changes = since_charts.changes_table(f)
    views = [ChartView("since-changes", "What changed",
                       f"Bar chart of what changed: {_spread(changes, 'Change')}.",
                       chart_export.spec(since_charts.changes_chart(changes), width=WIDTH), changes,
                       "A commitment counts as new when it is shown at the end and was not at the start.")]
    parts = (
        (f.new_by_type, "Stakeholder type", "New commitments by stakeholder type", "since-new-by-type", False,
         False),
        (f.new_by_region, "Region", "New commitments by region", "since-new-by-region", True, False),
        (f.complete_by_region, "Region", "Newly complete by region", "since-complete-by-region", True, False),
        (f.complete_by_target, "Global Alliance target", "Newly complete by Global Alliance target",
         "since-complete-by-target", False, True),
    )
    for groups, category, title, slug, countries, ordered in parts:
        table = since_charts.groups_table(groups, category, countries=countries)
        if table.empty:
            continue
        shown = table[table["Commitments"].notna()]
        held = [g.label for g in groups if g.held_back]
        views.append(ChartView(
            slug, title, f"Bar chart of {title.lower()}: {_spread(shown, category)}.",
            chart_export.spec(since_charts.groups_chart(table, category, title=title, ordered=ordered),
                              width=WIDTH), table,
            f"Held back (fewer than 3 countries): {', '.join(held)}." if held else "",
        ))
    return views
