"""How every page prints from the browser: no sidebar, header, banners or controls, no table cut by its
scroll box, nothing squeezed side by side.

``st.dataframe`` draws its rows on a canvas inside a scroll box, so a printed page would show only the rows
in view. A table that should print whole is shown twice by ``ui.session.show_table(printed=True)``: the
interactive grid on screen (in a container keyed ``screen_table_...``) and a static copy for print (keyed
``print_table_...``) that these rules hide on screen. The rules are static text (no user text), so
``st.html`` carries nothing typed into the app.
"""

from __future__ import annotations

import streamlit as st

#: Containers keyed with these prefixes show on screen only, or in print only.
SCREEN_ONLY = "screen_only_"
SCREEN_TABLE = "screen_table_"
PRINT_TABLE = "print_table_"

#: Containers keyed with this prefix hold the app-wide banners (how the app is used): not printed.
BANNER = "banner_"

_HIDDEN_IN_PRINT = ", ".join(
    [
        *(f'[data-testid="{test_id}"]' for test_id in (
            "stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar", "stDecoration",
            "stBaseButton-primary", "stBaseButton-secondary", "stBaseButton-tertiary",
            "stBaseButton-header", "stExpander", "stForm", "stDownloadButton", "stCheckbox", "stToggle",
            "stTextInput", "stTextArea", "stSelectbox", "stMultiSelect", "stDateInput", "stRadio",
            "stNumberInput", "stPageLink", "stPopover", "stSegmentedControl", "stPills", "stStatusWidget",
        )),
        *(f'[class*="st-key-{prefix}"]' for prefix in (SCREEN_ONLY, SCREEN_TABLE, BANNER)),
    ]
)

PRINT_CSS = f"""<style>
[class*="st-key-{PRINT_TABLE}"] {{ display: none; }}
@media print {{
  {_HIDDEN_IN_PRINT} {{ display: none !important; }}
  [class*="st-key-{PRINT_TABLE}"] {{ display: block !important; }}
  [data-testid="stMain"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap !important; }}
  [data-testid="stMain"] .block-container, [data-testid="stMainBlockContainer"] {{
    max-width: 100% !important; padding: 0 !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    overflow: visible !important; height: auto !important; }}
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], tr {{ break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; }}
}}
</style>"""


def print_rules() -> None:
    """Add the print rules to the page (once per run, from the app's entry point)."""
    st.html(PRINT_CSS)
