"""Entry point: `streamlit run streamlit_app.py` (or `make run`). Pages live in src/partners/pages/."""

from pathlib import Path

import streamlit as st

from partners.domain.permissions import can
from partners.ui import auth
from partners.ui.navigation import PAGES
from partners.ui.session import (
    access_banner,
    account_sidebar,
    current_visitor,
    demo_banner,
    get_store,
    no_builtin_table_export,
)

st.set_page_config(page_title="Partners: CSEA partnership tracker", page_icon=":material/handshake:", layout="wide")

visitor = current_visitor()
if visitor.mode is auth.Mode.REFUSED:  # no sign-in, and not this machine's own request nor deliberately open
    st.error(auth.current_refusal(), icon=":material/block:")  # quotes the request's Host as text
    st.stop()
store = get_store()  # a busy or unreadable database stops here, before any page, with a plain page

# Offer only the pages whose use case the visitor's role allows (the services check again on every action).
offered = [spec for spec in PAGES if can(visitor.actor, spec.needs)]
sections: dict[str, list] = {}
for spec in offered:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                default=spec is offered[0])
    )
navigation = st.navigation(sections)
st.logo(str(Path(__file__).parent / "data" / "brand" / "logo.svg"), size="large")
account_sidebar(visitor)
access_banner(visitor)
demo_banner(store, visitor.actor)
no_builtin_table_export()  # tables download only through the formula-neutralising writer
navigation.run()
