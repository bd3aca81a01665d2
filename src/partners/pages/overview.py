"""Overview: the dashboard. Headline figures and the world map first, then the breakdowns; every figure
computed for the viewer (or, with "Show as: public" on, for the public), narrowed by the filters and, with
"As of", as it stood at the end of a past day or summit; the whole view kept in the URL (a permalink) and
shareable as a link and a QR code. The secretariat freezes the public view as a snapshot; ``?snapshot=<slug>``
shows a snapshot's figures as they were frozen."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from partners.domain.dashboard import EVERYTHING, HELD_BACK, HELD_SHORT
from partners.domain.model import PUBLIC_VIEWER
from partners.presentation import charts, dashboard_charts, formatting, labels, permalinks
from partners.presentation.labels import WITHDRAWN_LEFT_OUT
from partners.services import cache, dashboard
from partners.ui import dashboard as controls
from partners.ui import showing
from partners.ui import snapshots as frozen_ui
from partners.ui.as_of import as_of_banner, as_of_picker
from partners.ui.navigation import PAGES_DIR
from partners.ui.session import chart_with_table, current_actor, get_store
from partners.ui.share import share_control
from partners.ui.text import plain

store, actor = get_store(), current_actor()
options = cache.cached(dashboard.filter_options, store, actor)
problems = controls.seed_from_url(options)
asked, _ = permalinks.from_params(st.query_params.to_dict(), controls.choices(options))
frozen, snapshot_problem = frozen_ui.opened(store, actor, asked.snapshot)
controls.compact_first_screen()

st.title("Overview")
with st.container(horizontal=True, vertical_alignment="center", key="dash_bar"):
    if frozen is not None:  # a frozen snapshot: its own figures, always the public's, its filters as frozen
        public, viewer = True, PUBLIC_VIEWER
        view = frozen_ui.frozen_view(frozen, controls.choices(options))
        current, _ = controls.current_view(None)
        view = replace(view, metric=current.metric)  # the map's metric may still be picked
        link_view = replace(view, filter=EVERYTHING, as_of=None)  # the link: the snapshot and the metric
        controls.keep_in_url(link_view)
        share_control(link_view, name=frozen.slug)
        st.page_link(PAGES_DIR / "present.py", label="Present", icon=":material/slideshow:",
                     query_params={"snapshot": frozen.slug})
        st.page_link(PAGES_DIR / "overview.py", label="Live dashboard", icon=":material/sensors:",
                     query_params=permalinks.to_params(replace(view, snapshot="")))
        words = controls.filter_words(view.filter, options)
        st.caption(frozen_ui.stamp(frozen) + (f" · Filtered: {plain(words)}" if words else ""),
                   help="A snapshot keeps the figures as they were frozen; later edits do not change them.")
        period_problem = ""
    else:
        public, viewer = showing.public_switch(actor, default=False)
        view, period_problem = controls.current_view(True if public else None)  # off: the default, not in the link
        with st.popover(controls.filters_label(view.filter), icon=":material/filter_list:"):
            controls.filters(options)
        with st.popover(f"As of {formatting.day(view.as_of)}" if view.as_of else "As of",
                        icon=":material/history:"):
            as_of_picker(store, actor, view.as_of, what="dashboard", key="dash")
        controls.keep_in_url(view)
        share_control(view)
        # the same view on a big screen, public again by default there (a presenter switches it off on purpose)
        st.page_link(PAGES_DIR / "present.py", label="Present", icon=":material/slideshow:",
                     query_params={k: v for k, v in st.query_params.to_dict().items() if k != showing.PARAM})
        frozen_ui.freeze_control(store, actor, view)
        filtered = "" if view.filter.is_empty() else " · Filtered (every figure and chart)"
        when, help_when = ((formatting.day(view.as_of), "as they stood at the end of that day") if view.as_of
                           else (formatting.moment(cache.minute()), "as they stand at that minute"))
        st.caption(f"{showing.stamp_words(actor, public)} · Data as of {when}{filtered}",
                   help=f"Figures count the commitments this view may show, {help_when}.")
frozen_ui.just_frozen()
for problem in problems + [p for p in (period_problem, snapshot_problem) if p]:
    st.warning(problem, icon=":material/link_off:")
if frozen is None:
    as_of_banner(view.as_of, what="dashboard", key="dash")

flt, day = view.filter, view.as_of
shown = frozen.figures if frozen is not None and frozen.figures is not None else (
    cache.cached(dashboard.figures, store, viewer, flt, as_of=day))
figures, definitions = shown.headline, shown.definitions


def spec_of(name: str, build: Callable[[], Any]) -> dict[str, Any]:
    """A chart's Vega-Lite spec, made (and checked) once per data version, viewer and view: a click elsewhere
    on the page does not rebuild it."""
    return cache.remembered(store, viewer, f"overview-{name}", (flt, day, view.snapshot),
                            lambda: build().to_dict())


def metrics(pairs: list[tuple[str, str]]) -> None:
    """The headline figures ``(key, title)`` side by side; none when the view's figures are held back (the
    note said so once, instead of a row of cut-off words)."""
    if figures["held_back"]:
        return
    for col, (key, title) in zip(st.columns(len(pairs)), pairs, strict=True):
        col.metric(title, f"{figures[key]:,}", help=definitions[key])


if figures["held_back"]:
    st.info(f"Figures {HELD_SHORT}: the public view of this selection covers fewer than 3 countries. Widen the "
            "filters to see them.", icon=":material/visibility_off:")
metrics([("commitments", "Commitments"), ("partners", "Partners"), ("countries", "Countries named"),
         ("verified", "Verified"), ("self_reported_only", "Self-reported"), ("not_reporting", "Not reporting")])

# -- the map -------------------------------------------------------------------------------------------
metric = controls.metric_picker()
per_country = shown.countries
table = per_country.loc[(per_country.commitments > 0) | (per_country.assessed > 0)]
chart_with_table(
    dashboard_charts.metric_map(per_country, metric),
    pd.DataFrame({
        "Country": table["name"], "Region": table["region"], "Commitments": table["commitments"],
        "Complete (reported)": table["complete"], "Verified": table["verified"],
        "Share complete (%)": (table["share_complete"] * 100).round(1),
        "Verified share (%)": (table["verified_share"] * 100).round(1),
        "MNR capabilities assessed (published)": table["assessed"],
        "MNR capability coverage (%)": (table["mnr_coverage"] * 100).round(1),
    }),
    name=f"map-{metric}",
    height=480,
    caption=("Countries in alphabetical order in the table; grey on the map: none. Global commitments are not "
             "drawn; a multi-country commitment counts for each country. Shares: of the commitments naming "
             "the country. MNR capability coverage: the share of the current MNR's capabilities the "
             "country's published scorecard assesses (published assessments only)."),
)

metrics([("complete", "Complete (reported)"), ("complete_verified", "Complete (verified)"),
         ("joint", "Joint commitments")])
st.caption(WITHDRAWN_LEFT_OUT)


def breakdown_table(frame: pd.DataFrame, key_title: str) -> pd.DataFrame:
    return pd.DataFrame({
        key_title: frame["key"],
        "Commitments": [HELD_BACK if h else f"{int(n):,}" for n, h in zip(frame["commitments"], frame["held_back"],
                                                                           strict=True)],
    })


def held_note(frame: pd.DataFrame) -> str:
    held = frame.loc[frame["held_back"], "key"].astype(str).tolist()
    return f" Not drawn ({HELD_BACK}): {', '.join(held)}." if held else ""


left, right = st.columns(2)
with left:
    by_type = shown.breakdowns["stakeholder_type"]
    by_type = by_type.assign(key=labels.column_labels(by_type["key"], labels.STAKEHOLDER_LABELS))
    chart_with_table(
        spec_of("by-type", lambda: charts.bar(by_type.loc[~by_type["held_back"]], "key", "commitments",
                                              title="By stakeholder type", category_title="Stakeholder type")),
        breakdown_table(by_type, "Stakeholder type"),
        name="commitments-by-stakeholder-type",
        caption="A joint commitment counts once for each type of partner in it." + held_note(by_type),
    )
with right:
    by_status = shown.breakdowns["status"]
    shown_status = by_status.loc[~by_status["held_back"]]
    chart_with_table(
        spec_of("by-status", lambda: charts.status_bar(shown_status, title="By latest reported status")),
        breakdown_table(by_status.assign(key=labels.column_labels(by_status["key"], labels.STATUS_LABELS)),
                        "Status"),
        name="commitments-by-status",
        caption=held_note(by_status.assign(key=labels.column_labels(by_status["key"], labels.STATUS_LABELS))),
    )

left, right = st.columns(2)
with left:
    by_year = shown.breakdowns["year"]
    chart_with_table(
        spec_of("by-year", lambda: charts.timeline(by_year.loc[~by_year["held_back"]],
                                                   title="Commitments by year made")),
        breakdown_table(by_year, "Year"),
        name="commitments-by-year",
        caption=held_note(by_year),
    )
with right:
    by_region = shown.breakdowns["region"]
    chart_with_table(
        spec_of("by-region", lambda: charts.bar(by_region.loc[~by_region["held_back"]], "key", "commitments",
                                                title="By region (UN M49)", category_title="Region")),
        breakdown_table(by_region, "Region"),
        name="commitments-by-region",
        caption="A commitment naming countries in several regions counts in each." + held_note(by_region),
    )

# -- coverage and progress ------------------------------------------------------------------------------
st.subheader("Coverage of the Model National Response")
matrix = dashboard_charts.coverage_cells(shown.coverage)
held_cells = int((matrix["Cell"] == dashboard_charts.HELD_CELL).sum())
chart_with_table(
    spec_of("coverage", lambda: dashboard_charts.coverage_matrix(matrix)),
    dashboard_charts.coverage_table(matrix),
    name="coverage-mnr-by-stakeholder-type",
    caption=("Commitments linked to each MNR capability that have a partner of each type (a joint commitment "
             f"counts for each type in it). \"{dashboard_charts.EMPTY_CELL}\": no such commitment, a gap."
             + (f" {held_cells} cells {HELD_BACK}." if held_cells else "")),
)

progress = shown.targets
held_targets = progress.loc[progress["held_back"]]
chart_with_table(
    spec_of("targets", lambda: dashboard_charts.target_progress(progress)),
    pd.DataFrame({
        "Target": progress["target"],
        "Latest reported status": [labels.status_label(s) if isinstance(s, str) else "" for s in progress["status"]],
        "Commitments": [HELD_BACK if h else f"{int(n):,}" for n, h in zip(progress["commitments"].fillna(0),
                                                                           progress["held_back"], strict=True)],
    }),
    name="progress-by-global-alliance-target",
    caption=("Commitments linked to a Global Alliance target (2012) or one of its operational goals, once per "
             "target, by their latest reported status."
             + (f" Not drawn ({HELD_BACK}): {len(held_targets)} parts." if len(held_targets) else "")),
)
