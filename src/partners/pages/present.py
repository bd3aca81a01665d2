"""Presentation mode (``present?slide=3``): the dashboard for a big screen, one view per screen ("slides"),
large type, no sidebar or chrome. Public by default: a presenter switches it off deliberately to show more,
and the stamp on every slide says which view is shown, as of when, and whether the data is demo data.

Next and previous by the buttons or the keys a clicker sends (Right/Left arrows, PageDown/PageUp, through
``st.button(shortcut=...)``: no script of our own). The slide, the dashboard's filters, map metric and
as-of date (the Overview's permalink parameters) and the public switch live in the address, so a permalink
opens the same slide; "Exit presentation" goes back to the Overview with the same filters. ``?snapshot=<slug>``
presents a frozen snapshot: its figures (and its "since the last summit") as they were frozen, always the
public's."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from partners.domain.dashboard import HELD_BACK
from partners.domain.model import PUBLIC_VIEWER
from partners.presentation import charts, dashboard_charts, formatting, labels, permalinks, share, since_charts
from partners.presentation.labels import WITHDRAWN_LEFT_OUT
from partners.presentation.permalinks import DashboardView
from partners.presentation.since_text import paragraph
from partners.services import cache, dashboard, read, setup, since
from partners.ui import dashboard as controls
from partners.ui import present as slides
from partners.ui import showing
from partners.ui import snapshots as frozen_ui
from partners.ui.session import current_actor, get_store

store, actor = get_store(), current_actor()
slides.hide_chrome()

SLIDES = ("Headline figures", "Commitments by country", "By stakeholder type and status",
          "Progress by Global Alliance target", "Since the last summit", "Share this dashboard")

number, slide_problem = slides.slide_from_url(len(SLIDES))
options = cache.cached(dashboard.filter_options, store, actor)
asked, problems = permalinks.from_params(st.query_params.to_dict(), controls.choices(options))
frozen, snapshot_problem = frozen_ui.opened(store, actor, asked.snapshot)
day = None if frozen is not None else asked.as_of  # every figure as it stood at the end of it (None: now)

# -- the stamp, on every slide ---------------------------------------------------------------------------
with st.container(horizontal=True, vertical_alignment="center", key="present_stamp"):
    if frozen is not None:  # a frozen snapshot: always the public's figures, as frozen
        public, viewer = True, PUBLIC_VIEWER
        flt = frozen_ui.frozen_view(frozen, controls.choices(options)).filter
        filtered = "" if flt.is_empty() else " · Filtered"
        st.markdown(f"**{frozen_ui.stamp(frozen)}**{filtered} · Slide {number} of {len(SLIDES)}")
    else:
        flt = asked.filter
        public, viewer = showing.public_switch(actor, default=True, key="present_public")
        demo = " · Demo data (fictional records)" if setup.demo_description(store, actor) is not None else ""
        filtered = "" if flt.is_empty() else " · Filtered"
        when = formatting.day(day) if day else formatting.moment(cache.minute())
        st.markdown(f"**{showing.stamp_words(actor, public)}** · Data as of {when}"
                    f"{demo}{filtered} · Slide {number} of {len(SLIDES)}")
for problem in [p for p in (slide_problem, snapshot_problem) if p] + problems:
    st.warning(problem, icon=":material/link_off:")

st.title(SLIDES[number - 1], anchor=False)
# the Overview: public only when on here; a snapshot's link names the snapshot alone (its filters are its own)
view = (DashboardView(metric=asked.metric, snapshot=frozen.slug) if frozen is not None
        else DashboardView(flt, asked.metric, True if public else None, day))
kept = frozen.figures if frozen is not None else None  # a snapshot's figures, as frozen


def live(fn: Any, *args: Any) -> Any:
    """One of the dashboard's figures, live (only what the slide on screen shows is read)."""
    return cache.cached(fn, store, viewer, *args, flt, as_of=day)


def shown(value: int | None) -> str:
    return HELD_BACK if value is None else f"{value:,}"


def held_words(frame: pd.DataFrame, column: str = "key") -> str:
    held = frame.loc[frame["held_back"], column].astype(str).tolist()
    return f"Not drawn ({HELD_BACK}): {', '.join(held)}." if held else ""


def draw(chart: alt.TopLevelMixin | dict[str, Any], room: str, name: str = "") -> None:
    """The chart in a box of the slide's height (``room``: which slide's, ``ui.present.ROOMS``)."""
    with st.container(height=slides.ROOMS[room], border=False, key=f"present_room_{room}_{name}"):
        if isinstance(chart, dict):
            st.vega_lite_chart(slides.large_spec(chart), width="stretch", height="stretch")
        else:
            st.altair_chart(slides.large_chart(chart), width="stretch", height="stretch")


with st.container(key="present_slide"):
    if number == 1:
        headline = kept.headline if kept else live(dashboard.headline)
        definitions = kept.definitions if kept else read.headline_definitions(store, viewer)  # as on the Overview
        if headline["held_back"]:
            st.info(f"Figures {HELD_BACK}: the public view of this selection covers fewer than 3 countries.")
        for row in (slides.HEADLINE[:3], slides.HEADLINE[3:]):
            for col, (key, title) in zip(st.columns(3), row, strict=True):
                col.metric(title, shown(headline[key]), border=True, help=definitions[key])
        st.caption(WITHDRAWN_LEFT_OUT)
    elif number == 2:
        per_country = kept.countries if kept else live(dashboard.countries)
        world = dict(dashboard_charts.metric_map(per_country, asked.metric))
        world.pop("title", None)  # the slide's own heading names it
        draw(world, "map")
        st.caption("Grey: none. Global commitments are not drawn; a multi-country commitment counts for each "
                   "country.")
    elif number == 3:
        by_type = kept.breakdowns["stakeholder_type"] if kept else live(dashboard.breakdown, "stakeholder_type")
        by_type = by_type.assign(key=labels.column_labels(by_type["key"], labels.STAKEHOLDER_LABELS))
        by_status = kept.breakdowns["status"] if kept else live(dashboard.breakdown, "status")
        left, right = st.columns(2)
        with left:
            draw(charts.bar(by_type.loc[~by_type["held_back"]], "key", "commitments", title="By stakeholder type",
                            category_title="Stakeholder type"), "chart", "types")
        with right:
            draw(charts.status_bar(by_status.loc[~by_status["held_back"]], title="By latest reported status"),
                 "chart", "status")
        status_named = by_status.assign(key=labels.column_labels(by_status["key"], labels.STATUS_LABELS))
        st.caption(" ".join(filter(None, ["A joint commitment counts once for each type of partner in it.",
                                          held_words(by_type), held_words(status_named)])))
    elif number == 4:
        progress = kept.targets if kept else live(dashboard.target_progress)
        draw(dashboard_charts.target_progress(progress), "chart")
        held = int(progress["held_back"].sum())
        st.caption("Commitments linked to a Global Alliance target (2012) or one of its operational goals, once "
                   "per target, by their latest reported status."
                   + (f" Not drawn ({HELD_BACK}): {held} parts." if held else ""))
    elif number == 5:
        figures_since = frozen.since if frozen is not None else None
        if figures_since is None:
            win = since.window_until(store, actor, day) if day else since.window(store, actor)
            figures_since = cache.cached(since.figures, store, actor, win, public=public)
        with st.container(border=True, key="present_paragraph"):
            st.text(paragraph(figures_since))
        changes = since_charts.changes_table(figures_since)
        draw(since_charts.changes_chart(changes), "since")
    else:
        link = permalinks.dashboard_url(slides.share_base(), view)
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.markdown("**Open this dashboard on your phone or laptop:** scan the code or type the link.")
            st.code(link, language=None, wrap_lines=True)
            st.caption("The link opens the same snapshot, as it was frozen." if frozen is not None else
                       "The link opens the same view: the same filters and map, as the public sees it.")
        with right:
            st.image(share.qr_png(link, scale=10), width=slides.QR_WIDTH, alt="QR code of the dashboard's link")

# -- next / previous / exit ------------------------------------------------------------------------------
slides.navigation(number, len(SLIDES), exit_params=permalinks.to_params(view))
