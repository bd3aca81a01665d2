"""Entry point: `streamlit run streamlit_app.py` (or `make run`). Pages live in src/partners/pages/."""

from pathlib import Path

import streamlit as st

from partners.ui import demo_banner, get_store

PAGES = Path(__file__).parent / "src" / "partners" / "pages"

st.set_page_config(page_title="Partners: CSEA partnership tracker", page_icon=":material/handshake:", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "countries.py", title="Countries", icon=":material/public:", url_path="countries"),
        st.Page(PAGES / "commitments.py", title="Commitments", icon=":material/handshake:", url_path="commitments"),
        st.Page(PAGES / "frameworks.py", title="Frameworks", icon=":material/account_tree:", url_path="frameworks"),
        st.Page(PAGES / "about.py", title="About", icon=":material/info:", url_path="about"),
    ]
)
st.logo(str(Path(__file__).parent / "data" / "brand" / "logo.svg"), size="large")
demo_banner(get_store())
navigation.run()
