"""The "As of" control of the country scorecard and the Overview: a past date, or an event's ("as at
<summit>"), kept in the URL (``country?code=ALB&as_of=2024-11-20``), the date in view in a banner, and a way
back to today."""

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


def as_of_banner(day: date | None, *, what: str = "scorecard", key: str = "scorecard") -> None:
    """For a past ``day``: which date the ``what`` ("scorecard", "dashboard") is shown as of, and a button back
    to today (``key`` names its widget)."""
    if day is None:
        return
    with st.container(horizontal=True, vertical_alignment="center", key=f"{key}_as_of_banner"):
        st.info(f"As of {day.day} {day:%B %Y} — the {what} as it stood then, rebuilt from the stored history.",
                icon=":material/history:")
        if st.button("Back to today", icon=":material/today:", key=f"{key}_as_of_today"):
            _show(None)
            st.rerun()


def as_of_picker(store: Store, actor: Actor, day: date | None, *, what: str = "scorecard",
                 key: str = "scorecard") -> None:
    """The form to pick a past date or an event held already; the choice goes into the URL."""
    today = date.today()
    occasions = as_of.occasions(store, actor)
    with st.form(f"{key}_as_of", border=False):
        left, right = st.columns(2)
        picked = left.date_input("As of", value=day or today, max_value=today, format="YYYY-MM-DD",
                                 help=f"The {what} as it stood at the end of that day.")
        events = [None, *occasions]
        event = right.selectbox(
            "Or as at an event", events, index=0,
            format_func=lambda o: "—" if o is None else f"{o.name} ({o.on.day} {o.on:%B %Y})",
            help=f"The {what} as it stood at the end of the event's day.",
        )
        if st.form_submit_button(f"Show the {what} then", icon=":material/history:"):
            _show(event.on if event is not None else picked)
            st.rerun()


def as_of_control(store: Store, actor: Actor) -> date | None:
    """The scorecard's control and banner; the date the scorecard is shown as of (None: as it stands today).
    A date in the URL that cannot be used is said so in words, and today's scorecard is shown."""
    day, problem = chosen_date()
    if problem:
        st.error(f"The date in the address cannot be used: {plain(problem)}. Showing the scorecard as it "
                 "stands today.", icon=":material/event_busy:")
    as_of_banner(day)
    with st.expander("See it as of a past date or summit", icon=":material/history:"):
        as_of_picker(store, actor, day)
    return day
