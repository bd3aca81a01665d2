"""Chart builders: data in, Altair chart out. No Streamlit here, so charts also export offline.

Colours come from the Okabe-Ito palette and sequential 'blues', both readable with colour-blindness. The words
a chart draws (axis titles, status names) are in the language in force (``partners.i18n``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

import altair as alt
import pandas as pd

from partners import reference
from partners.domain.model import ProgressStatus, ReportSource
from partners.domain.scoring import CapabilityPhase
from partners.i18n import N_, _
from partners.presentation.formatting import number
from partners.presentation.labels import ASSESSMENT_BASIS, NOT_REPORTED, status_label
from partners.presentation.wording import join_words

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


def figures_sentence(what: str, names: Sequence[Any], values: Sequence[Any], *, unit: str = "") -> str:
    """A chart's text alternative in one sentence, from the figures its table holds: "Commitments by region:
    Africa 12, Europe 30." (``unit``: written after each value, e.g. "%"). No figures: it says so."""
    pairs = [f"{name} {number(value)}{unit}" for name, value in zip(names, values, strict=True)]
    return f"{what}: {join_words(pairs) if pairs else 'none to show'}."


def bar(df: pd.DataFrame, category: str, value: str, *, title: str, category_title: str,
        value_title: str = "Commitments", colour: str = OKABE_ITO[0]) -> alt.Chart:
    """A horizontal bar chart sorted by value, with tooltips."""
    ordered = df.sort_values(value, ascending=False, kind="stable")
    description = figures_sentence(f"{value_title} {title[0].lower()}{title[1:]}" if title.startswith("By ")
                                   else title, ordered[category], ordered[value])
    return (
        alt.Chart(df, title=title)
        .mark_bar(color=colour)
        .encode(
            y=alt.Y(f"{category}:N", sort="-x", title=category_title, axis=FULL_LABELS),
            x=alt.X(f"{value}:Q", title=value_title),
            tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip(f"{value}:Q", title=value_title)],
        )
        .properties(width="container", description=description)
    )


def status_bar(df: pd.DataFrame, *, title: str) -> alt.Chart:
    """Commitments by latest reported status, with the one status palette."""
    data = df.assign(status=df["key"].map(lambda k: _(status_label(k))))
    order = [_(status_label(k)) for k in STATUS_COLOURS]
    ordered = data.assign(rank=data["status"].map({s: i for i, s in enumerate(order)})).sort_values("rank")
    description = figures_sentence("Commitments by latest reported status", ordered["status"],
                                   ordered["commitments"])
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=order, title=_("Latest reported status"), axis=FULL_LABELS),
            x=alt.X("commitments:Q", title=_("Commitments")),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=order, range=list(STATUS_COLOURS.values())),
                legend=None,
            ),
            tooltip=[alt.Tooltip("status:N", title=_("Status")), alt.Tooltip("commitments:Q", title=_("Commitments"))],
        )
        .properties(width="container", description=description)
    )


def timeline(df: pd.DataFrame, *, title: str) -> alt.Chart:
    """Commitments per year they were made (``key``: the year), as columns."""
    ordered = df.sort_values("key", kind="stable")
    description = figures_sentence("Commitments by year made", ordered["key"].astype(str), ordered["commitments"])
    return (
        alt.Chart(df, title=title)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X("key:O", title=_("Year the commitment was made")),
            y=alt.Y("commitments:Q", title=_("Commitments")),
            tooltip=[alt.Tooltip("key:O", title=_("Year")), alt.Tooltip("commitments:Q", title=_("Commitments"))],
        )
        .properties(width="container", description=description)
    )


@cache
def _world_topology() -> dict:
    return json.loads(reference.world_topojson_path().read_text(encoding="utf-8"))


#: The name of the counts per country in the world map's spec (its only part that changes between views).
_COUNTS = "counts_per_country"


@cache
def _world_map_spec(title: str, value: str, value_title: str, width: int, height: int,
                    country_title: str = "Country") -> dict[str, Any]:
    """The world map's Vega-Lite spec without its counts, made once per process: the 108 KB of country shapes
    are walked and checked by Altair here only, not on every view of the page."""
    shapes = alt.Data(values=_world_topology(), format=alt.DataFormat(feature="countries", type="topojson"))
    # The grey land is background: hidden from screen readers (the chart's description and the shaded countries speak).
    base = alt.Chart().mark_geoshape(fill="#eeeeee", stroke="white", strokeWidth=0.4, aria=False)
    filled = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.NamedData(name=_COUNTS), "numeric", ["name", value]))
        .transform_filter(f"datum.{value} > 0")
        .encode(
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("name:N", title=country_title), alt.Tooltip(f"{value}:Q", title=value_title)],
        )
    )
    # The shapes once, for both layers (the grey land and the counts drawn over it).
    chart = alt.layer(base, filled, data=shapes, title=title).project(type="equalEarth").properties(
        width=width, height=height
    )
    return chart.to_dict()


def world_map(df: pd.DataFrame, *, title: str, value: str = "commitments", value_title: str = "Commitments",
              width: int = 800, height: int = 420, unit: str = "") -> dict[str, Any]:
    """A choropleth of ``value`` per country (``numeric`` = ISO 3166-1 numeric), from the shipped topojson, as
    a Vega-Lite spec: the shapes prepared once per process (``_world_map_spec``), the counts added per call.
    ``unit``: written after each value in its text alternative (``map_description``), e.g. "%"."""
    lookup = df[["numeric", "name", value]].copy()
    lookup["numeric"] = lookup["numeric"].astype(str).str.zfill(3)
    spec = _world_map_spec(title, value, value_title, width, height, _("Country"))
    # A new top-level dict per call: the shared spec underneath is never changed.
    return {**spec, "description": map_description(df, title=title, value=value, unit=unit),
            "datasets": {**spec.get("datasets", {}), _COUNTS: lookup.to_dict("records")}}


def map_description(df: pd.DataFrame, *, title: str, value: str, unit: str = "") -> str:
    """The world map's text alternative: how many countries it shades and the range of their values, from the
    rows its table shows; never which country comes first (countries are not ranked)."""
    shaded = df.loc[df[value].astype(float) > 0, value].astype(float)
    if shaded.empty:
        return f"World map of {title[0].lower()}{title[1:]}: no country has a value above zero to shade."
    low, high = f"{number(shaded.min())}{unit}", f"{number(shaded.max())}{unit}"
    spread = f"each {low}" if low == high else f"from {low} to {high}"
    return f"World map of {title[0].lower()}{title[1:]}: {len(shaded):,} countries shaded, {spread}, darker for more."


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
    return alt.layer(*layers, title=title).properties(
        width="container", height=280, description=progress_description(values, baseline=baseline, target=target)
    )


def progress_description(values: pd.DataFrame, *, baseline: Any = None, target: Any = None) -> str:
    """The progress timeline's text alternative, from its table (``progress_table``): how many values, the
    first and the latest with their source, and the baseline and target."""
    levels = [f"{name.lower()} {number(level)}" for name, level in (("Baseline", baseline), ("Target", target))
              if level is not None]
    against = f", against {join_words(levels)}" if levels else ""
    if values.empty:
        return f"Indicator value over time: no value reported yet{against}."
    first, latest = values.iloc[0], values.iloc[-1]
    return (f"Indicator value over time: {len(values):,} reported values from {number(first['Value'])} on "
            f"{first['Date']:%d %b %Y} to {number(latest['Value'])} on {latest['Date']:%d %b %Y} "
            f"({latest['Source'].lower()}){against}.")


# -- the country scorecard ----------------------------------------------------------------------------

#: The four MNR phases on a sequential blue scale (ColorBrewer "Blues": ordered, readable with
#: colour-blindness), and light grey for a capability not assessed.
PHASE_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
NOT_ASSESSED = N_("Not assessed")
NOT_ASSESSED_COLOUR = "#bdbdbd"

#: How a cell is drawn for its basis: filled (verified), outlined on a faint tint (self-assessed), a dashed
#: grey outline (not assessed). Shape, not colour alone, tells them apart; the legend says so.
VERIFIED_BASIS = ASSESSMENT_BASIS[ReportSource.VERIFIED]
BASIS_STYLE: dict[str, tuple[float, str]] = {
    VERIFIED_BASIS: (1.0, "filled"),
    ASSESSMENT_BASIS[ReportSource.SELF_REPORTED]: (0.0, "outlined"),
    NOT_ASSESSED: (0.0, "grey outline, empty"),
}

#: Column names of the heatmap's data (its table alternative shows them as they are).
CELL_COLUMNS = ["Domain", "No.", "Capability", "Phase", "Maturity", "Basis", "Assessed on", "Note"]


def phase_names() -> list[str]:
    """The phases' labels with their number ("1 Building"), phase 1 first: the heatmap's colour domain."""
    return [f"{p.phase} {p.label}" for p in reference.maturity_phases()]


def maturity_cells(capabilities: pd.DataFrame, phases: Mapping[str, CapabilityPhase]) -> pd.DataFrame:
    """One row per current MNR capability (``capabilities``: key, code, name, domain, in the framework's
    order) with its latest phase (``phases``: ``scoring.latest_phases``): the heatmap's data and its table.
    A capability shown through the crosswalk says so in its note."""
    names = phase_names()
    rows = []
    for cap in capabilities.itertuples(index=False):
        found = phases.get(cap.key)
        reading = found.latest if found is not None else None
        if reading is None:
            phase, label, basis, day, note = None, NOT_ASSESSED, NOT_ASSESSED, None, ""
        else:
            phase, label = reading.phase, names[reading.phase - 1]
            basis = ASSESSMENT_BASIS[reading.source]
            day = reading.assessed_on
            note = (f"Assessed on an older MNR version ({', '.join(reading.recorded_keys)}), shown through the "
                    f"crosswalk ({reading.kind.value})" if reading.through_crosswalk else "")
        rows.append([cap.domain, str(cap.code), cap.name, phase, label, basis, day, note])
    out = pd.DataFrame(rows, columns=CELL_COLUMNS)
    out["Phase"] = out["Phase"].astype("Int64")
    out["Assessed on"] = pd.to_datetime(out["Assessed on"]).astype("datetime64[ns]")
    return out


#: The heatmap's selection: the capability (its "No.") a click picks, for the page to show its history.
PICK = "capability"


def maturity_heatmap(
    cells: pd.DataFrame, *, title: str = "", label_limit: int = 190, pickable: bool = False
) -> alt.LayerChart:
    """The MNR maturity of one domain's capabilities (rows of ``maturity_cells``): one cell per capability
    with its phase in words, the colour ordered by phase, verified cells filled and self-assessed ones
    outlined, unassessed ones dashed and empty (:data:`BASIS_STYLE`). One narrow chart per domain, so the
    page can stack them on a phone. ``label_limit``: the capability names' width in pixels (longer ones cut).
    ``pickable``: a click on a cell selects its capability (the selection :data:`PICK`, field "Number")."""
    data = heatmap_data(cells)
    tooltip = [alt.Tooltip(f"{c}:N") for c in ("Capability", "Maturity", "Basis")]
    tooltip.append(alt.Tooltip("Assessed on:T", format="%d %b %Y"))
    assessed = int(cells["Phase"].notna().sum())
    description = (f"MNR maturity{f' of {title}' if title else ''}: {assessed} of {len(cells)} capabilities "
                   "assessed, each cell naming its latest phase, verified cells filled, self-assessed outlined.")
    # drawn as SVG, so each cell is an element a screen reader names ("1. Leadership: 4 Maturity (verified)")
    return _cells(data, tooltip, title, label_limit, pick=PICK if pickable else None).properties(
        description=description, usermeta={"embedOptions": {"renderer": "svg"}}
    )


def heatmap_data(cells: pd.DataFrame) -> pd.DataFrame:
    """``maturity_cells`` rows as the heatmap draws them: with each cell's axis label ("1. Leadership") and
    its accessible name ("1. Leadership: 4 Maturity (verified)")."""
    data = cells.assign(Label=[f"{n}. {c}" for n, c in zip(cells["No."], cells["Capability"], strict=True)],
                        Number=cells["No."].astype(str))  # a field name without a dot, for the selection
    data["Cell"] = [f"{label}: {maturity} ({basis.lower()})" if basis != NOT_ASSESSED else f"{label}: {maturity}"
                    for label, maturity, basis in zip(data["Label"], data["Maturity"], data["Basis"], strict=True)]
    return data


def maturity_key() -> alt.LayerChart:
    """The heatmap's key, drawn with its own marks: a verified cell (filled), a self-assessed one
    (outlined) and a capability not assessed (dashed, empty)."""
    sample = phase_names()[2]
    rows = [
        (f"{basis}: {style[1]}", NOT_ASSESSED if basis == NOT_ASSESSED else sample, basis, 3)
        for basis, style in BASIS_STYLE.items()
    ]
    data = pd.DataFrame(rows, columns=["Label", "Maturity", "Basis", "Phase"])
    return _cells(data, [alt.Tooltip("Label:N", title="Key")], "Key").properties(
        description="Key to the maturity cells: verified is filled, self-assessed outlined, not assessed empty."
    )


def _cells(
    data: pd.DataFrame, tooltip: list, title: str, label_limit: int = 190, *, pick: str | None = None
) -> alt.LayerChart:
    names = phase_names()
    y = alt.Y("Label:N", sort=list(data["Label"]), title=None,
              axis=alt.Axis(ticks=False, domain=False, labelFontSize=12, labelLimit=label_limit))
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    colour = alt.Scale(domain=[*names, NOT_ASSESSED], range=[*PHASE_COLOURS, NOT_ASSESSED_COLOUR])
    cell = base.mark_rect(strokeWidth=3, cornerRadius=2, height=24, cursor="pointer" if pick else "default").encode(
        x=alt.value(2),
        x2=alt.value("width"),
        fill=alt.Fill("Maturity:N", scale=colour, legend=None),
        description=alt.Description("Cell:N") if "Cell" in data.columns else alt.Undefined,
        stroke=alt.Stroke("Maturity:N", scale=colour, legend=None),
        # one condition per basis (a discrete opacity scale would interpolate between them)
        fillOpacity=alt.condition(
            f"datum.Basis == '{VERIFIED_BASIS}'", alt.value(BASIS_STYLE[VERIFIED_BASIS][0]),
            alt.value(BASIS_STYLE[ASSESSMENT_BASIS[ReportSource.SELF_REPORTED]][0]),
        ),
    )
    if pick:
        cell = cell.add_params(alt.selection_point(name=pick, fields=["Number"], on="click", clear="dblclick"))
    dark = f"datum.Basis == '{VERIFIED_BASIS}' && datum.Phase >= 3"
    text = base.mark_text(align="left", fontSize=12, aria=False).encode(  # the cell names itself
        x=alt.value(10),
        text="Maturity:N",
        color=alt.condition(dark, alt.value("white"), alt.value("black")),
    )
    heading = alt.Title(title, anchor="start", fontSize=13) if title else alt.Undefined
    return alt.layer(cell, text, title=heading).properties(width="container", height=alt.Step(30))


def _phase_label_expr(names: Sequence[str]) -> str:
    """A Vega expression naming the phase of an axis value (1 -> "1 Building")."""
    return "".join(f"datum.value == {i} ? {json.dumps(n)} : " for i, n in enumerate(names, 1)) + "''"


def rounds_table(rounds: Sequence[tuple[date, Mapping[str, Any]]], domain_names: Mapping[str, str]) -> pd.DataFrame:
    """Each domain's phase after each assessment round (``scorecard.maturity_over_rounds``), one row per
    round and domain, oldest first: the "maturity over rounds" chart's data and table."""
    rows = [
        (day, domain_names.get(key, key), d.phase, f"{d.assessed} of {d.capabilities}")
        for day, domains in rounds
        for key, d in domains.items()
    ]
    out = pd.DataFrame(rows, columns=["Round", "Domain", "Phase", "Capabilities assessed"])
    out["Round"] = pd.to_datetime(out["Round"]).astype("datetime64[ns]")
    out["Phase"] = out["Phase"].astype(float)
    return out


def maturity_over_rounds(table: pd.DataFrame, *, title: str = "Maturity over rounds") -> alt.LayerChart:
    """Each domain's phase (1-4) after each round (``rounds_table``): a line and labelled points per
    domain, colour and shape per domain (Okabe-Ito), the phase axis labelled in words."""
    domains = list(dict.fromkeys(table["Domain"]))
    shapes = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down"]
    colour = alt.Color("Domain:N", scale=alt.Scale(domain=domains, range=OKABE_ITO[: len(domains)]),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=0, title=None))
    names = phase_names()
    axis = alt.Axis(values=[1, 2, 3, 4], labelExpr=_phase_label_expr(names), title=_("Domain phase"))
    base = alt.Chart(table).encode(
        x=alt.X("Round:T", title=_("Assessment round"), axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=4)),
        y=alt.Y("Phase:Q", scale=alt.Scale(domain=[1, 4]), axis=axis),
        color=colour,
    )
    line = base.mark_line(strokeWidth=2)
    points = base.mark_point(filled=True, size=70, opacity=1).encode(
        shape=alt.Shape("Domain:N", scale=alt.Scale(domain=domains, range=shapes[: len(domains)]), legend=None),
        tooltip=[alt.Tooltip("Round:T", format="%d %b %Y"), alt.Tooltip("Domain:N"), alt.Tooltip("Phase:Q"),
                 alt.Tooltip("Capabilities assessed:N")],
    )
    return alt.layer(line, points, title=title).properties(
        width="container", height=260,
        description=f"Each of {len(domains)} MNR domains' phase, 1 to 4, after each of "
                    f"{table['Round'].nunique()} assessment rounds.",
    )


def peer_table(context: Any) -> pd.DataFrame:
    """The peer context (``scorecard.PeerContext``) as a table: per domain and peer group, the country's
    phase, the group's median and middle half, or why the group is not shown. Aggregates only, in the
    framework's order of domains: never an order of countries."""
    rows = []
    for d in context.domains:
        for group, band in d.bands:
            rows.append({
                "Domain": d.domain_name,
                "Peer group": group.label,
                "This country": d.country.phase,
                "Countries": band.countries,
                "Median": band.median,
                "Lower quartile": band.lower_quartile,
                "Upper quartile": band.upper_quartile,
                "Shown": band.shown,
                "Note": band.suppressed,
            })
    out = pd.DataFrame(rows)
    if not out.empty:
        out["Countries"] = out["Countries"].astype("Int64")
    return out


def peer_context(table: pd.DataFrame, *, title: str = "Peer context") -> alt.LayerChart:
    """The country's phase per domain (black diamond) beside each shown peer group's middle half (a bar)
    and median (a tick), groups told apart by colour and position (``peer_table``); suppressed groups
    are left out here and said in words by the page."""
    shown = table[table["Shown"]]
    groups = list(dict.fromkeys(shown["Peer group"]))
    domains = list(dict.fromkeys(table["Domain"]))
    names = phase_names()
    x_axis = alt.Axis(values=[1, 2, 3, 4], labelExpr=_phase_label_expr(names), title=_("Phase"),
                      labelAngle=0)
    y = alt.Y("Domain:N", sort=domains, title=None, axis=alt.Axis(labelLimit=0))
    colour = alt.Color("Peer group:N", scale=alt.Scale(domain=groups, range=OKABE_ITO[: len(groups)]),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=0, titleLimit=0,
                                         title=_("Peer group: middle half, median")))
    tooltip = [alt.Tooltip(f"{c}:{'N' if c in ('Domain', 'Peer group') else 'Q'}")
               for c in ("Domain", "Peer group", "Countries", "Median", "Lower quartile", "Upper quartile")]
    band = alt.Chart(shown).mark_bar(height=6, opacity=0.8).encode(
        y=y, yOffset=alt.YOffset("Peer group:N", sort=groups), x=alt.X("Lower quartile:Q",
        scale=alt.Scale(domain=[1, 4]), axis=x_axis), x2="Upper quartile:Q", color=colour, tooltip=tooltip,
    )
    median = alt.Chart(shown).mark_tick(thickness=3, size=12, color="black").encode(
        y=y, yOffset=alt.YOffset("Peer group:N", sort=groups), x="Median:Q", tooltip=tooltip,
    )
    own = table.drop_duplicates("Domain")
    own = own[own["This country"].notna()]
    country = alt.Chart(own).mark_point(shape="diamond", filled=True, size=110, color="black").encode(
        y=y, x="This country:Q",
        tooltip=[alt.Tooltip("Domain:N"), alt.Tooltip("This country:Q", title=_("This country's phase"))],
    )
    # A layer without rows (no published phase of the country's own) is left out: its empty mark group would
    # reach a screen reader as an unnamed graphic.
    layers = [part for part, rows in ((band, shown), (median, shown), (country, own)) if not rows.empty]
    return alt.layer(*(layers or [band]), title=title).properties(
        width="container", height=alt.Step(16),
        description="The country's phase per MNR domain beside the median and middle half of each peer group "
                    "with enough published assessments; no country is ranked.",
    )


def commitment_figures_table(figures: Any, definitions: Mapping[str, str]) -> pd.DataFrame:
    """A country's commitment figures (``scoring.CommitmentFigures``) as a table, each with what it counts
    (``definitions``: ``scorecard.figure_definitions``): verified, self-reported and not reporting apart."""

    def score(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    rows = [
        ("Counted", figures.counted, None, "", definitions["counted"]),
        ("Verified", figures.verified.commitments, figures.verified.complete, score(figures.verified.score),
         definitions["verified"]),
        ("Self-reported", figures.self_reported.commitments, figures.self_reported.complete,
         score(figures.self_reported.score), definitions["self_reported"]),
        ("Not reporting", figures.not_reporting, None, "", definitions["not_reporting"]),
        ("Left out", figures.left_out, None, "", definitions["left_out"]),
    ]
    out = pd.DataFrame(rows, columns=["Figure", "Commitments", "Complete", "Progress score", "What it counts"])
    out["Complete"] = ["" if pd.isna(n) else f"{int(n):,}" for n in out["Complete"]]  # NaN: no count
    return out


# -- the scorecard's progress timeline ---------------------------------------------------------------

#: The timeline's three series, each with its own colour (Okabe-Ito) and dash: not told apart by colour alone.
TIMELINE_SERIES = {"Completed": (OKABE_ITO[2], [1, 0]), "Due": (OKABE_ITO[0], [6, 3]),
                   "Overdue": (OKABE_ITO[3], [2, 2])}


def commitment_timeline(table: pd.DataFrame, *, title: str = "") -> alt.LayerChart:
    """Commitments completed, due and overdue per quarter (``presentation.country_commitments.timeline_table``):
    a line and point per series, colour, dash and point shape per series."""
    long = table.melt(id_vars=["Quarter", "From"], value_vars=list(TIMELINE_SERIES), var_name="Series",
                      value_name="Commitments")
    names = list(TIMELINE_SERIES)
    colour = alt.Color("Series:N", scale=alt.Scale(domain=names, range=[c for c, _ in TIMELINE_SERIES.values()]),
                       legend=alt.Legend(orient="bottom", title=None))
    base = alt.Chart(long).encode(
        x=alt.X("From:T", title="Quarter", axis=alt.Axis(format="%Y", labelAngle=0, tickCount="year")),
        y=alt.Y("Commitments:Q", title="Commitments", axis=alt.Axis(tickMinStep=1)),
        color=colour,
    )
    line = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("Series:N", scale=alt.Scale(domain=names,
                                                                range=[d for _, d in TIMELINE_SERIES.values()]),
                                  legend=None))
    points = base.mark_point(filled=True, size=30, opacity=1).encode(
        shape=alt.Shape("Series:N", scale=alt.Scale(domain=names, range=["circle", "square", "triangle-up"]),
                        legend=None),
        tooltip=[alt.Tooltip("Quarter:N"), alt.Tooltip("Series:N"), alt.Tooltip("Commitments:Q")],
    )
    return alt.layer(line, points, title=title).properties(
        width="container", height=260,
        description=f"Commitments completed, due and overdue in each of {len(table)} quarters.",
    )
