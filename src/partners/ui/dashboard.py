"""The dashboard's controls (filters, the map's metric), seeded from the URL and kept in it, with the as-of date
that ``ui.as_of``'s control puts there.

A first view of a session takes its state from the URL (a permalink); every change is written back to the
URL at once, so the address bar always holds the view on screen (``presentation.permalinks``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from partners.domain.dashboard import MAP_METRICS, DashboardFilter
from partners.presentation import labels, permalinks
from partners.presentation.permalinks import Choices, DashboardView
from partners.services import as_of
from partners.ui.as_of import chosen_date

KEYS = {"regions": "dash_regions", "north": "dash_north", "types": "dash_types", "item": "dash_item",
        "events": "dash_events", "from": "dash_from", "to": "dash_to", "metric": "dash_metric"}
_NORTH = {"both": None, "north": True, "south": False}
_NORTH_LABELS = {"both": "North and South", "north": "Global North", "south": "Global South"}
_WRITTEN = "dash_url"  # the parameters last written to the URL


def choices(options: dict[str, Any]) -> Choices:
    return Choices(regions=options["regions"], stakeholder_types=options["stakeholder_types"],
                   items=options["items"], events=options["events"], as_of=as_of.parse)


def seed_from_url(options: dict[str, Any]) -> list[str]:
    """The widgets' state from the URL when it holds other parameters than the page last wrote (a
    permalink opened, in a new session or this one); what in the URL could not be used, in words."""
    params = st.query_params.to_dict()
    view, problems = permalinks.from_params(params, choices(options))
    ours = {k: v for k, v in params.items() if k in permalinks.PARAMS and k != "public"}
    # also when a widget's state is gone (Streamlit drops it while another page is open)
    if st.session_state.get(_WRITTEN) != ours or any(k not in st.session_state for k in KEYS.values()):
        f = view.filter
        st.session_state[KEYS["regions"]] = list(f.regions)
        st.session_state[KEYS["north"]] = {v: k for k, v in _NORTH.items()}[f.north]
        st.session_state[KEYS["types"]] = list(f.stakeholder_types)
        st.session_state[KEYS["item"]] = f.item_key or None
        st.session_state[KEYS["events"]] = list(f.event_ids)
        st.session_state[KEYS["from"]] = f.made_from
        st.session_state[KEYS["to"]] = f.made_to
        st.session_state[KEYS["metric"]] = view.metric
    return problems


def filters(options: dict[str, Any]) -> None:
    """The filter widgets (their state in ``st.session_state``, read by ``current_view``)."""
    cols = st.columns(3)
    cols[0].multiselect("Region (UN M49)", options["regions"], key=KEYS["regions"], placeholder="Every region")
    cols[1].radio("Global North / South", list(_NORTH), format_func=_NORTH_LABELS.get, key=KEYS["north"],
                  horizontal=True)
    cols[2].multiselect("Stakeholder type", options["stakeholder_types"], key=KEYS["types"],
                        format_func=lambda v: labels.STAKEHOLDER_LABELS.get(v, v), placeholder="Every type")
    cols = st.columns(2)
    items = options["items"]
    cols[0].selectbox("Framework item", list(items), key=KEYS["item"], format_func=lambda k: items.get(k, k),
                      placeholder="Every item")
    events = options["events"]
    cols[1].multiselect("Made at event", list(events), key=KEYS["events"], format_func=lambda i: events.get(i, i),
                        placeholder="Every event")
    cols = st.columns(3, vertical_alignment="bottom")
    cols[0].date_input("Made from", key=KEYS["from"], min_value=date(1990, 1, 1), format="YYYY-MM-DD")
    cols[1].date_input("Made until", key=KEYS["to"], min_value=date(1990, 1, 1), format="YYYY-MM-DD")
    cols[2].caption("Made: at the commitment's event, else its start, else the day it was recorded.")


def filter_words(flt: DashboardFilter, options: dict[str, Any]) -> str:
    """What a filter narrows to, in words ("Region: Africa · Stakeholder type: Hotline"); "" for none."""
    parts = [
        ("Region", ", ".join(flt.regions)),
        ("Global North / South", {True: "Global North", False: "Global South", None: ""}[flt.north]),
        ("Stakeholder type", ", ".join(labels.STAKEHOLDER_LABELS.get(t, t) for t in flt.stakeholder_types)),
        ("Framework item", options["items"].get(flt.item_key, flt.item_key) if flt.item_key else ""),
        ("Made at", ", ".join(str(options["events"].get(i, i)) for i in flt.event_ids)),
        ("Made from", flt.made_from.isoformat() if flt.made_from else ""),
        ("Made until", flt.made_to.isoformat() if flt.made_to else ""),
    ]
    return " · ".join(f"{what}: {value}" for what, value in parts if value)


def filters_label(flt: DashboardFilter) -> str:
    """"Filters", with how many are set ("Filters (2)"), so that a narrowed view says so at a glance."""
    count = sum(bool(x) for x in (flt.regions, flt.north is not None, flt.stakeholder_types, flt.item_key,
                                  flt.event_ids, flt.made_from or flt.made_to))
    return f"Filters ({count})" if count else "Filters"


def metric_picker() -> str:
    return st.radio("Map shows", list(MAP_METRICS), format_func=MAP_METRICS.get, key=KEYS["metric"],
                    horizontal=True, label_visibility="collapsed")


def current_view(public: bool | None) -> tuple[DashboardView, str]:
    """The view the widgets describe, as of the date in the URL (``ui.as_of``; one that cannot be used: now,
    ``seed_from_url`` says why), and a problem in words when the period is back to front (the period then left
    open)."""
    state = st.session_state
    made_from, made_to = state.get(KEYS["from"]), state.get(KEYS["to"])
    problem = ""
    if made_from and made_to and made_from > made_to:
        problem = "The period ends before it starts: pick an end on or after the start. The whole period is shown."
        made_from = made_to = None
    flt = DashboardFilter(
        regions=tuple(state.get(KEYS["regions"]) or ()),
        north=_NORTH.get(state.get(KEYS["north"]) or "both"),
        stakeholder_types=tuple(state.get(KEYS["types"]) or ()),
        item_key=state.get(KEYS["item"]) or "",
        event_ids=tuple(int(i) for i in state.get(KEYS["events"]) or ()),
        made_from=made_from,
        made_to=made_to,
    )
    metric = state.get(KEYS["metric"]) or permalinks.DEFAULT_METRIC
    return DashboardView(flt, metric, public, chosen_date()[0]), problem


def keep_in_url(view: DashboardView) -> None:
    """Write the view's parameters into the URL (``public`` is ``ui.showing``'s: left as it keeps it; an
    ``as_of`` that cannot be used goes)."""
    wanted = permalinks.to_params(replace(view, public=None))
    for key in permalinks.PARAMS:
        if key == "public":
            continue
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[_WRITTEN] = wanted


#: The dashboard's first screen carries the figures and the map: less empty space above the title, and the
#: app's banners (still shown, whole) on one compact line each. Static text (no user text) through st.html.
COMPACT_CSS = """<style>
@media screen {
  [data-testid="stMainBlockContainer"] { padding-top: 4rem; }  /* the header bar above is 3.75rem */
  [class*="st-key-banner_"] [data-testid="stAlertContainer"] { padding: 0.35rem 0.75rem; }
  [class*="st-key-banner_"] [data-testid="stMarkdownContainer"] p { font-size: 0.875rem; }
  [class*="st-key-banner_"] { gap: 0.5rem; }
}
</style>"""


def compact_first_screen() -> None:
    st.html(COMPACT_CSS)
