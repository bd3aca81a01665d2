"""The country scorecard's "As of" control: a past date, or an event's ("as at <summit>"), kept in the URL
(``country?code=ALB&as_of=2024-11-20``), the date in view in a banner, and a way back to today."""

from __future__ import annotations

from datetime import date

import streamlit as st

from partners.domain.model import Actor
from partners.services import as_of
from partners.services.as_of import Store
from partners.services.errors import ValidationFailed
from partners.ui.text import plain

#: The query parameter holding the date (YYYY-MM-DD).
PARAM = "as_of"


def chosen_date() -> tuple[date | None, str | None]:
    """The date in the URL (None: today) and, for one that cannot be used, the reason in words."""
    raw = str(st.query_params.get(PARAM, "") or "")
    try:
        return as_of.parse(raw), None
    except ValidationFailed as exc:
        return None, "; ".join(exc.problems)


def _show(day: date | None) -> None:
    if day is None or day >= date.today():
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = day.isoformat()


def as_of_control(store: Store, actor: Actor) -> date | None:
    """Draw the control and the banner; the date the scorecard is shown as of (None: as it stands today).
    A date in the URL that cannot be used is said so in words, and today's scorecard is shown."""
    day, problem = chosen_date()
    if problem:
        st.error(f"The date in the address cannot be used: {plain(problem)}. Showing the scorecard as it "
                 "stands today.", icon=":material/event_busy:")
    if day is not None:
        st.info(f"As of {day.day} {day:%B %Y} — the scorecard as it stood then, rebuilt from the stored history.",
                icon=":material/history:")
        if st.button("Back to today", icon=":material/today:", key="scorecard_as_of_today"):
            _show(None)
            st.rerun()
    today = date.today()
    occasions = as_of.occasions(store, actor)
    with st.expander("See it as of a past date or summit", icon=":material/history:"):
        with st.form("scorecard_as_of", border=False):
            left, right = st.columns(2)
            picked = left.date_input("As of", value=day or today, max_value=today, format="YYYY-MM-DD",
                                     help="The scorecard as it stood at the end of that day.")
            events = [None, *occasions]
            event = right.selectbox(
                "Or as at an event", events, index=0,
                format_func=lambda o: "—" if o is None else f"{o.name} ({o.on.day} {o.on:%B %Y})",
                help="The scorecard as it stood at the end of the event's day.",
            )
            if st.form_submit_button("Show the scorecard then", icon=":material/history:"):
                _show(event.on if event is not None else picked)
                st.rerun()
    return day
