"""Entry point: `streamlit run streamlit_app.py` (or `make run`). Pages live in src/partners/pages/."""

from pathlib import Path

import streamlit as st

from partners.navigation import PAGES
from partners.ui import demo_banner, get_store

st.set_page_config(page_title="Partners: CSEA partnership tracker", page_icon=":material/handshake:", layout="wide")

sections: dict[str, list] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec is PAGES[0])
    )
navigation = st.navigation(sections)
st.logo(str(Path(__file__).parent / "data" / "brand" / "logo.svg"), size="large")
demo_banner(get_store())
navigation.run()
