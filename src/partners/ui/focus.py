"""Where the keyboard is, on every page: a focus ring on links drawn by ``st.page_link`` and in Markdown.

Streamlit's buttons, inputs and select boxes show keyboard focus themselves (a ring in the theme's primary
colour), but its page links (the sidebar menu, "Exit presentation", "Go to the Overview") and Markdown links
show none: their own style removes the outline, hence ``!important``. The rule applies on keyboard focus
only (``:focus-visible``), so a mouse click draws no ring. The rule is static text (no user text), so
``st.html`` carries nothing typed into the app.
"""

from __future__ import annotations

import streamlit as st

#: The ring's colour: the theme's primary colour (.streamlit/config.toml), 6.9:1 against the white page.
RING = "#1f5f8b"

FOCUS_CSS = f"""<style>
a:focus-visible {{ outline: 3px solid {RING} !important; outline-offset: 2px; border-radius: 4px; }}
</style>"""


def focus_rules() -> None:
    """Add the focus ring to the page (once per run, from the app's entry point)."""
    st.html(FOCUS_CSS)
