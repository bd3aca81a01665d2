"""Where the keyboard is, on every page: a focus ring on links drawn by ``st.page_link`` and in Markdown, and
a solid one around buttons.

Streamlit's inputs and select boxes show keyboard focus themselves (a border in the theme's primary colour);
its buttons show a half-transparent glow (about 2.3:1 against the page, under the 3:1 WCAG asks of a focus
indicator), so they get a solid outline outside it; its page links (the sidebar menu, "Exit presentation",
"Go to the Overview") and Markdown links show none: their own style removes the outline, hence
``!important``. The rules apply on keyboard focus only (``:focus-visible``), so a mouse click draws no ring.
They are static text (no user text), so ``st.html`` carries nothing typed into the app.
"""

from __future__ import annotations

import streamlit as st

#: The ring's colour: the theme's primary colour (.streamlit/config.toml), 6.9:1 against the white page.
RING = "#1f5f8b"

FOCUS_CSS = f"""<style>
a:focus-visible {{ outline: 3px solid {RING} !important; outline-offset: 2px; border-radius: 4px; }}
button:focus-visible {{ outline: 2px solid {RING} !important; outline-offset: 2px; }}
</style>"""


def focus_rules() -> None:
    """Add the focus ring to the page (once per run, from the app's entry point)."""
    st.html(FOCUS_CSS)
