"""The accessibility audit's known findings: violations axe-core reports in markup that Streamlit draws and the
app cannot change (no option, no element of ours). One entry per rule and place; the audit
(tests/test_a11y_browser.py) fails on any other serious or critical violation, and on an entry here that no
page shows any more (Streamlit fixed it: the entry goes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    rule: str  # axe-core's rule id
    inside: str  # a CSS selector: the violating element is this one or inside it
    reason: str


KNOWN: tuple[Known, ...] = (
    Known(
        "list", '[data-testid="stSidebarNav"]',
        "st.navigation with sections draws each section's heading as a <div> directly inside the menu's <ul> "
        "(Streamlit's sidebar navigation; the app only passes the pages and section names).",
    ),
    Known(
        "listitem", '[data-testid="stSidebarNav"]',
        "The same menu: its <li> entries sit in per-section <div>s rather than directly in a <ul> (Streamlit's "
        "sidebar navigation markup).",
    ),
)
