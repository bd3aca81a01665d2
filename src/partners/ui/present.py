"""Presentation mode's Streamlit glue: the chrome hidden and the type made large (static CSS: no user text),
the slide number in the URL, the next/previous buttons with the keys a clicker sends, and chart sizes that
fit a 1280x720 screen as well as a 1920x1080 one without scrolling."""

from __future__ import annotations

import copy
from typing import Any

import altair as alt
import streamlit as st

from partners.ui.navigation import PAGES
from partners.ui.printing import BANNER
from partners.ui.share import current_base

#: The page's address (its ``PageSpec.url_path``) and the query parameter holding the slide (1-based).
PAGE_PATH = "present"
PARAM = "slide"

#: The headline figures on the first slide, two rows of three.
HEADLINE = (("commitments", "Commitments"), ("partners", "Partners"), ("countries", "Countries named"),
            ("verified", "Verified"), ("self_reported_only", "Self-reported"), ("not_reporting", "Not reporting"))

#: The height (px) of each slide's chart box on a 1280x720 screen, chosen so that a slide with its stamp, title,
#: caption and buttons (and the paragraph on "since") fits without scrolling. On a taller screen the box grows
#: with it (``ROOM_CSS``: the screen's height less what the rest of the slide takes), so a 1920x1080 screen is
#: filled, not left a third empty.
ROOMS = {"map": 440, "chart": 430, "since": 250}
_SCREEN = 720  # the screen height ROOMS are for
QR_WIDTH = 340

#: Type sizes for charts seen from the back of a hall.
_CHART_CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 17, "titleFontSize": 17},
    "legend": {"labelFontSize": 16, "titleFontSize": 16},
    "title": {"fontSize": 22},
    "text": {"fontSize": 15},
}

_HIDDEN = ", ".join([
    *(f'[data-testid="{t}"]' for t in ("stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar",
                                        "stDecoration", "stMainMenu", "stStatusWidget")),
    f'[class*="st-key-{BANNER}"]', '[class*="st-key-present_keys"]',
])

CHROME_CSS = f"""<style>
{_HIDDEN} {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.75rem 2.5rem 0.5rem; max-width: 100%; }}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{ gap: 0.6rem; }}
.st-key-present_stamp p {{ font-size: 1.15rem; margin: 0; }}
[data-testid="stMain"] h1 {{ font-size: 2.6rem; padding: 0.2rem 0; }}
.st-key-present_slide [data-testid="stMetricLabel"] p {{ font-size: 1.8rem; }}
.st-key-present_slide [data-testid="stCaptionContainer"] p {{ font-size: 1.1rem; }}
.st-key-present_slide [data-testid="stMarkdownContainer"] p {{ font-size: 1.7rem; }}
.st-key-present_slide pre, .st-key-present_slide code {{ font-size: 1.5rem !important; }}
.st-key-present_paragraph [data-testid="stText"] {{ font-size: 1.75rem; line-height: 1.4; }}
.st-key-present_nav p {{ font-size: 1.2rem; }}
.st-key-present_slide [data-testid="stMetricValue"] p {{ font-size: 4.5rem; line-height: 1.15; }}
</style>"""


ROOM_CSS = "\n".join(
    f'[class*="st-key-present_room_{room}_"], :has(> [class*="st-key-present_room_{room}_"]) '
    f"{{ height: {h} !important; max-height: {h} !important; flex-basis: {h} !important; }}"  # the box and its frame
    for room, h in ((room, f"max({px}px, calc(100vh - {_SCREEN - px}px))") for room, px in ROOMS.items())
)


def hide_chrome() -> None:
    st.html(CHROME_CSS.replace("</style>", ROOM_CSS + "\n</style>"))


def slide_from_url(count: int) -> tuple[int, str]:
    """The slide the URL asks for, and a problem in words when it is not one of ``1..count`` (slide 1 then)."""
    raw = str(st.query_params.get(PARAM, "") or "").strip()
    if not raw:
        return 1, ""
    if raw.isdigit() and 1 <= int(raw) <= count:
        return int(raw), ""
    st.query_params[PARAM] = "1"
    return 1, (f"The link asks for slide {raw!r}, but this presentation has slides 1 to {count}: "
               "showing slide 1.")


def share_base() -> str:
    """The app's own address, as ``ui.share.current_base`` gives it, without this page's ``/present``."""
    base = current_base()
    head, _, last = base.rpartition("/")
    return head if last == PAGE_PATH and "://" in base else base


def _go(number: int) -> None:
    st.query_params[PARAM] = str(number)


def large_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the large type; a bar chart's category axis without its title (the chart's own title
    names it, and at this size the axis title would crowd the long category names)."""
    c = _CHART_CONFIG
    chart = chart.copy(deep=True)
    y = getattr(getattr(chart, "encoding", None), "y", alt.Undefined)
    if y is not alt.Undefined and getattr(y, "shorthand", "").endswith(":N"):
        y.title = None
    return (chart.configure_axis(**c["axis"]).configure_legend(**c["legend"]).configure_title(**c["title"]))


def large_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite spec (the world map's) with the large type, the original left as it was."""
    out = copy.deepcopy(spec)
    config = out.setdefault("config", {})
    for key, value in _CHART_CONFIG.items():
        config[key] = {**config.get(key, {}), **value}
    return out


def navigation(number: int, count: int, *, exit_params: dict[str, str]) -> None:
    """Previous / Next (also Left/Right arrows and PageUp/PageDown) and "Exit presentation" to the Overview
    with the same filters (``exit_params``: the dashboard's permalink parameters)."""
    previous, following = max(1, number - 1), min(count, number + 1)
    with st.container(horizontal=True, vertical_alignment="center", key="present_nav"):
        st.button("Previous", icon=":material/arrow_back:", key="present_prev", shortcut="Left",
                  disabled=number == 1, on_click=_go, args=(previous,))
        st.button("Next", icon=":material/arrow_forward:", key="present_next", shortcut="Right",
                  disabled=number == count, on_click=_go, args=(following,), type="primary")
        st.page_link(PAGES[0].path, label="Exit presentation", icon=":material/close:",
                     query_params={k: v for k, v in exit_params.items() if v})
    # A clicker sends PageDown/PageUp: the same moves, on buttons not drawn (one shortcut per button).
    with st.container(key="present_keys"):
        st.button("Next (PageDown)", key="present_next_page", shortcut="PageDown", disabled=number == count,
                  on_click=_go, args=(following,))
        st.button("Previous (PageUp)", key="present_prev_page", shortcut="PageUp", disabled=number == 1,
                  on_click=_go, args=(previous,))
