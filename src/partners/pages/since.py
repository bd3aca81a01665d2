"""Since the last summit (``since?from=32&to=today``): what changed between two events or dates, as charts
and one paragraph a presenter can read out, both from the same figures (``services.since``). Public by
default: it is made to be shown on stage. The two ends and the switch live in the address (a permalink)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from partners.presentation import since_charts
from partners.presentation.charts import OKABE_ITO
from partners.presentation.since_text import end_words, paragraph
from partners.services import cache, since
from partners.ui.session import chart_with_table, current_actor, get_store
from partners.ui.showing import public_switch, stamp_words
from partners.ui.text import plain

DATE = "date"
NOTICE = "since_notice"  # why the last choice was not taken, said after the rerun that undoes it
WIDGETS = ("since_from_pick", "since_from_day", "since_to_pick", "since_to_day")

store, actor = get_store(), current_actor()
st.title("Since the last summit")
public, _viewer = public_switch(actor, default=True, key="since_public")

# -- the two ends: from the address first (a permalink), then from the controls -------------------------
asked = cache.cached(since.window, store, actor, str(st.query_params.get("from", "") or ""),
                     str(st.query_params.get("to", "") or ""))
if asked.problems:
    st.error("The address asks for a comparison that cannot be shown: "
             f"{plain('; '.join(asked.problems))}. Showing the default comparison instead.",
             icon=":material/event_busy:")
if NOTICE in st.session_state:
    st.warning(plain(st.session_state.pop(NOTICE)), icon=":material/warning:")
held = cache.cached(since.events, store, actor)
names = {o.event_id: f"{o.name} ({o.on.day} {o.on:%b %Y})" for o in held}
today = date.today()


def _initial(end, key: str) -> None:
    if f"{key}_pick" not in st.session_state:
        st.session_state[f"{key}_pick"] = (end.event_id if end.event_id is not None
                                           else (since.TODAY if end.today and key == "since_to" else DATE))
        st.session_state[f"{key}_day"] = end.day


_initial(asked.start, "since_from")
_initial(asked.end, "since_to")
from_column, to_column = st.columns(2)  # side by side, one above the other on a phone
with from_column:
    pick_from = st.selectbox("From", [*names, DATE], key="since_from_pick",
                             format_func=lambda v: "A date…" if v == DATE else names.get(v, str(v)),
                             help="The records as they stood at the end of this event's day (or date).")
    if pick_from == DATE:
        st.date_input("From date", key="since_from_day", max_value=today, format="YYYY-MM-DD")
with to_column:
    pick_to = st.selectbox("To", [since.TODAY, *names, DATE], key="since_to_pick",
                           format_func=lambda v: ("Today" if v == since.TODAY else
                                                  "A date…" if v == DATE else names.get(v, str(v))),
                           help="Today: the records as they stand now.")
    if pick_to == DATE:
        st.date_input("To date", key="since_to_day", max_value=today, format="YYYY-MM-DD")


def _text(pick: object, key: str) -> str:
    if pick == DATE:
        return st.session_state[f"{key}_day"].isoformat()
    return str(pick)


from_text, to_text = _text(pick_from, "since_from"), _text(pick_to, "since_to")
win = cache.cached(since.window, store, actor, from_text, to_text)
if win.problems:  # a choice that cannot be compared: back to the comparison in the address, saying why
    st.session_state[NOTICE] = f"That comparison cannot be shown: {'; '.join(win.problems)}. The comparison " \
                               "shown is still the one before."
    for key in WIDGETS:
        st.session_state.pop(key, None)
    st.rerun()
st.query_params["from"] = str(win.start.event_id) if win.start.event_id is not None else win.start.day.isoformat()
st.query_params["to"] = (since.TODAY if win.end.today and win.end.event_id is None
                         else str(win.end.event_id) if win.end.event_id is not None else win.end.day.isoformat())
# -- end of the two ends ---------------------------------------------------------------------------------

figures = cache.cached(since.figures, store, actor, win, public=public)  # remembered: a click reads nothing again


def spec_of(name: str, build: Callable[[], Any]) -> dict[str, Any]:
    """A chart's Vega-Lite spec, made (and checked) once per data version, viewer, window and view."""
    return cache.remembered(store, actor, f"since-{name}", (win, public), lambda: build().to_dict())

st.caption(f"{stamp_words(actor, public)} · From {plain(end_words(win.start))} to {plain(end_words(win.end))}: "
           "each end as the records stood at the end of its day, rebuilt from the stored history.")

# -- the paragraph to read out -----------------------------------------------------------------------------
text = paragraph(figures)
# Large enough to read out from a lectern; a fixed style, nothing typed into the app goes into it.
st.html("<style>.st-key-since_paragraph [data-testid='stText'] {font-size: 1.4rem; line-height: 1.5;}</style>")
with st.container(border=True, key="since_paragraph"):
    st.text(text)
with st.expander("Copy the paragraph", icon=":material/content_copy:"):
    st.code(text, language=None, wrap_lines=True)

# -- the figures -----------------------------------------------------------------------------------------
with st.container(horizontal=True, key="since_metrics"):
    st.metric("New commitments", f"{figures.new:,}", border=True)
    st.metric("Newly complete", f"{figures.newly_complete:,}", border=True)
    st.metric("Newly stalled or not reporting", f"{figures.newly_stalled + figures.newly_overdue:,}", border=True,
              help=f"Stalled: the latest reported status. Not reporting: no progress update for "
                   f"{figures.reporting_cycle_months} months.")
    st.metric("Countries with a first commitment", f"{figures.engaged_countries:,}", border=True)
    st.metric("Partners with a first commitment", f"{figures.engaged_partners:,}", border=True)

left, right = st.columns(2)
with left:
    changes = since_charts.changes_table(figures)
    chart_with_table(spec_of("changes", lambda: since_charts.changes_chart(changes)), changes, name="since-changes",
                     caption="A commitment counts as new when it is shown at the end and was not at the start "
                             "(made, published or out of embargo in between); joint: of more than one partner.")
with right:
    by_type = since_charts.groups_table(figures.new_by_type, "Stakeholder type")
    if by_type.empty:
        st.info("No new commitments to break down by stakeholder type.")
    else:
        chart_with_table(spec_of("by-type", lambda: since_charts.groups_chart(
                             by_type, "Stakeholder type", title="New commitments by stakeholder type")),
                         by_type, name="since-new-by-type",
                         caption="A joint commitment counts once for each stakeholder type among its partners.")

left, right = st.columns(2)
for column, groups, title, name, colour in (
    (left, figures.new_by_region, "New commitments by region", "since-new-by-region", OKABE_ITO[0]),
    (right, figures.complete_by_region, "Newly complete by region", "since-complete-by-region", OKABE_ITO[2]),
):
    with column:
        table = since_charts.groups_table(groups, "Region", countries=True)
        if table.empty:
            st.info(f"{title}: none.")
            continue
        held_back = [g.label for g in groups if g.held_back]
        spec = spec_of(name, lambda t=table, h=title, c=colour: since_charts.groups_chart(t, "Region", title=h,
                                                                                         colour=c))
        chart_with_table(spec, table, name=name,
                         caption="Regions of the UN M49; a commitment naming countries of several regions counts "
                                 "in each." + (f" Held back (fewer than 3 countries): {', '.join(held_back)}."
                                               if held_back else ""))

by_target = since_charts.groups_table(figures.complete_by_target, "Global Alliance target")
if by_target.empty:
    st.info("No newly complete commitment addresses a Global Alliance target.")
else:
    chart_with_table(spec_of("by-target", lambda: since_charts.groups_chart(
                         by_target, "Global Alliance target", colour=OKABE_ITO[2],
                         title="Newly complete by Global Alliance target", ordered=True)),
                     by_target, name="since-complete-by-target",
                     caption="A commitment linked to one of a target's goals addresses the target too.")
