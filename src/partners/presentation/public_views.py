"""The public dashboard and a public scorecard as a list of views: each chart with its data table and its text
alternative, ready to be written as a static page (``static_site``) or an offline pack (``offline_pack``).

Plain data in (``services.publish.PublicDashboard``, ``services.scorecard_document.ScorecardDocument``), plain
data out: nothing here writes markup. Countries are listed by name, never in an order of their figures.

Titles, texts alternative, captions and column names are in the language in force (``partners.i18n``): the
views are made once per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from partners import i18n
from partners.domain.figures import HEADLINE_DEFINITIONS
from partners.i18n import N_, _
from partners.presentation import chart_export, charts, labels, scorecard_pdf, since_charts
from partners.presentation.labels import WITHDRAWN_LEFT_OUT

#: The headline figures in the order the dashboard shows them, with their names (translated where shown).
HEADLINE_NAMES: dict[str, str] = {
    "commitments": N_("Commitments"),
    "partners": N_("Partners"),
    "countries": N_("Countries named"),
    "member_countries": N_("Member countries"),
    "verified": N_("Verified by the secretariat"),
    "self_reported_only": N_("Self-reported only"),
    "not_reporting": N_("Not reporting"),
    "complete_verified": N_("Complete (verified)"),
    "complete": N_("Complete (reported)"),
    "joint": N_("Joint commitments"),
    "global": N_("Global commitments"),
}

#: The column names of the scorecard's tables (made by ``charts``), translated where the site shows them.
SCORECARD_COLUMNS: tuple[str, ...] = (
    N_("Domain"), N_("No."), N_("Capability"), N_("Phase"), N_("Maturity"), N_("Basis"), N_("Assessed on"),
    N_("Note"), N_("Round"), N_("Capabilities assessed"), N_("Peer group"), N_("This country"), N_("Countries"),
    N_("Median"), N_("Lower quartile"), N_("Upper quartile"), N_("Shown"), N_("Figure"), N_("Commitments"),
    N_("Complete"), N_("Progress score"), N_("What it counts"),
)

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


def _spread(table: pd.DataFrame, category: str, value: str = "Commitments") -> str:
    """"a: 3, b: 2" for a breakdown's rows, as the text alternative of its chart (``value``: the column of the
    counts)."""
    return "; ".join(f"{row[category]}: {i18n.number(int(row[value]))}" for _i, row in table.iterrows()
                     ) or _("none")


def _translated_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its column names in the language in force (those of :data:`SCORECARD_COLUMNS`)."""
    return table.rename(columns={c: _(c) for c in table.columns if c in SCORECARD_COLUMNS})


def definition(key: str, given: str) -> str:
    """What headline figure ``key`` counts in the language in force: ``given`` (the words the figures came
    with, ``domain.figures.HEADLINE_DEFINITIONS`` filled in) translated from its template, its filled-in
    numbers kept; as given when it is not one of the templates."""
    template = HEADLINE_DEFINITIONS.get(key)
    if not template or not given:
        return given
    if given == template:
        return _(template)
    fields = re.findall(r"\{(\w+)\}", template)
    pattern = re.escape(template)
    for field in fields:
        pattern = pattern.replace(re.escape("{" + field + "}"), f"(?P<{field}>.+?)", 1)
    found = re.fullmatch(pattern, given)
    return _(template).format(**found.groupdict()) if found else given


def headline_table(dashboard: Any) -> TableView:
    """The headline figures, each with what it counts."""
    rows = [(_(name), int(dashboard.headline.get(key, 0)), definition(key, dashboard.definitions.get(key, "")))
            for key, name in HEADLINE_NAMES.items() if key in dashboard.headline]
    return TableView("headline", _("Headline figures"),
                     pd.DataFrame(rows, columns=[_("Figure"), _("Count"), _("What it counts")]), _(WITHDRAWN_LEFT_OUT))


#: Which breakdown each chart of ``dashboard_views`` shows, and the labels of its groups (or what gives them in
#: the language in force).
_BREAKDOWN_OF = {
    "commitments-by-stakeholder-type": ("stakeholder_type", labels.stakeholder_labels),
    "commitments-by-status": ("status", labels.status_labels),
    "commitments-by-year": ("year", {}),
    "commitments-by-region": ("region", {}),
}


def _with_held_back(view: ChartView, dashboard: Any) -> ChartView:
    """The view, its caption naming the groups held back for the public (over fewer than 3 countries)."""
    by, naming = _BREAKDOWN_OF.get(view.slug, ("", {}))
    held = getattr(dashboard, "held_back", {}).get(by, ())
    if not held:
        return view
    names = naming() if callable(naming) else naming
    note = _("Held back for the public, over fewer than 3 countries: {groups}.").format(
        groups=", ".join(str(names.get(k, k)) for k in held))
    return replace(view, caption=f"{view.caption} {note}".strip())


def dashboard_views(dashboard: Any) -> list[ChartView]:
    """The public dashboard's charts, each caption naming the groups held back (``_with_held_back``)."""
    return [_with_held_back(v, dashboard) for v in _dashboard_views(dashboard)]


def _dashboard_views(dashboard: Any) -> list[ChartView]:
    """The public dashboard's charts: where commitments apply, and commitments by stakeholder type, status,
    year made and region (the Overview's charts, for the public), in the language in force."""
    country, region, counted = _("Country"), _("Region"), _("Commitments")
    per_country = dashboard.per_country
    mapped = per_country.loc[per_country.commitments > 0, ["name", "region", "commitments"]].rename(
        columns={"name": country, "region": region, "commitments": counted}
    ).sort_values(country, kind="stable").reset_index(drop=True)
    map_title = _("Commitments naming each country")
    views = [ChartView(
        "commitments-map", map_title,
        _("World map: {count} countries are named by at least one commitment, shaded by how many name them; "
          "the table lists each country with its count.").format(count=i18n.number(len(mapped))),
        chart_export.spec(charts.world_map(per_country, title=map_title, value_title=counted), width=WIDTH),
        mapped,
        _("Global commitments are not drawn on the map; a multi-country commitment counts for each country."),
    )]
    b = dashboard.breakdowns
    if "stakeholder_type" in b:
        by_type = b["stakeholder_type"].copy()
        by_type["key"] = labels.column_labels(by_type["key"], labels.stakeholder_labels())
        kind, title = _("Stakeholder type"), _("By stakeholder type")
        table = by_type.rename(columns={"key": kind, "commitments": counted})
        views.append(ChartView(
            "commitments-by-stakeholder-type", title,
            _("Bar chart of commitments by stakeholder type: {spread}.").format(spread=_spread(table, kind, counted)),
            chart_export.spec(charts.bar(by_type, "key", "commitments", title=title, category_title=kind,
                                         value_title=counted), width=WIDTH),
            table, _("A joint commitment counts once for each type of partner in it."),
        ))
    if "status" in b:
        by_status = b["status"]
        status, title = _("Status"), _("By latest reported status")
        table = by_status.assign(key=labels.column_labels(by_status["key"], labels.status_labels())).rename(
            columns={"key": status, "commitments": counted})
        views.append(ChartView(
            "commitments-by-status", title,
            _("Bar chart of commitments by latest reported status: {spread}.").format(
                spread=_spread(table, status, counted)),
            chart_export.spec(charts.status_bar(by_status, title=title), width=WIDTH),
            table,
        ))
    if "year" in b:
        by_year = b["year"].sort_values("key", kind="stable").reset_index(drop=True)
        year, title = _("Year"), _("Commitments by year made")
        table = by_year.rename(columns={"key": year, "commitments": counted})
        views.append(ChartView(
            "commitments-by-year", title,
            _("Column chart of commitments by the year they were made: {spread}.").format(
                spread=_spread(table, year, counted)),
            chart_export.spec(charts.timeline(by_year, title=title), width=WIDTH),
            table,
        ))
    if "region" in b:
        by_region = b["region"]
        title = _("By region (UN M49)")
        table = by_region.rename(columns={"key": region, "commitments": counted})
        views.append(ChartView(
            "commitments-by-region", title,
            _("Bar chart of commitments by region: {spread}.").format(spread=_spread(table, region, counted)),
            chart_export.spec(charts.bar(by_region, "key", "commitments", title=title, category_title=region,
                                         value_title=counted), width=WIDTH),
            table,
        ))
    return views


def scorecard_tables(doc: Any) -> list[TableView]:
    """A scorecard's tables without a chart: the commitment figures, each with what it counts."""
    return [TableView("commitment-figures", _("Commitments naming the country"),
                      _translated_columns(charts.commitment_figures_table(doc.figures, doc.definitions)),
                      _("Verified, self-reported and not reporting commitments are counted apart."))]


def scorecard_views(doc: Any) -> list[ChartView]:
    """A country's scorecard charts as its ``doc`` holds them: the MNR maturity heatmap, the maturity over
    assessment rounds, and the peer context (aggregates of published assessments only)."""
    cells = charts.maturity_cells(doc.capabilities, doc.maturity.capabilities)
    assessed = int(cells["Phase"].notna().sum())
    cell_table = cells.drop(columns=["Phase"])
    cell_table["Basis"] = cell_table["Basis"].map(_, na_action="ignore")  # "Self-assessed", "Not assessed"
    cell_table.loc[cell_table["Maturity"] == charts.NOT_ASSESSED, "Maturity"] = _(charts.NOT_ASSESSED)
    cell_table = _translated_columns(cell_table)
    views = [ChartView(
        "maturity", _("MNR maturity by capability"),
        _("Heatmap of the Model National Response's {count} capabilities, one block per domain: {assessed} "
          "assessed, each cell naming its latest phase; verified cells filled, self-assessed outlined. The table "
          "lists every capability.").format(count=i18n.number(len(cells)), assessed=i18n.number(assessed)),
        {**scorecard_pdf.heatmap_spec(cells), "columns": 1}, cell_table,  # one block a row: a phone's width
        _("From published assessments only."),
    )]
    rounds = charts.rounds_table(doc.rounds, doc.maturity.domain_names)
    if len(rounds):
        title = _("Maturity over rounds")
        views.append(ChartView(
            "maturity-over-rounds", title,
            _("Line chart of each MNR domain's phase, 1 to 4, after each of {count} assessment rounds; the table "
              "lists each round and domain.").format(count=i18n.number(rounds["Round"].nunique())),
            chart_export.spec(charts.maturity_over_rounds(rounds, title=title), width=WIDTH),
            _translated_columns(rounds),
        ))
    peers = charts.peer_table(doc.peers)
    if len(peers) and bool(peers["Shown"].any()):
        title = _("Peer context")
        views.append(ChartView(
            "peer-context", title,
            _("The country's phase per MNR domain beside the median and middle half of each peer group with "
              "enough published assessments; no country is ranked. The table gives each figure, and why a group "
              "is not shown."),
            chart_export.spec(charts.peer_context(peers, title=title), width=WIDTH), _translated_columns(peers),
            _("Peer groups with fewer than 3 countries with published assessments are not shown."),
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
