"""Entry point: `streamlit run streamlit_app.py` (or `make run`). Pages live in src/partners/pages/."""

from pathlib import Path

import streamlit as st

from partners.ui import auth
from partners.ui.focus import focus_rules
from partners.ui.navigation import menu
from partners.ui.printing import BANNER, print_rules
from partners.ui.session import (
    access_banner,
    account_sidebar,
    current_visitor,
    demo_banner,
    get_store,
    no_builtin_table_export,
)

BRAND = Path(__file__).parent / "data" / "brand"


def main() -> None:
    # The favicon is a shipped file: a ":material/..." icon would make the browser fetch it from a font server.
    st.set_page_config(page_title="Partners: CSEA partnership tracker", page_icon=BRAND / "icon.svg", layout="wide")

    visitor = current_visitor()
    if visitor.mode is auth.Mode.REFUSED:  # no sign-in, and not this machine's own request nor deliberately open
        st.error(auth.current_refusal(), icon=":material/block:")  # quotes the request's Host as text
        st.stop()
    store = get_store()  # a busy or unreadable database stops here, before any page, with a plain page

    # The menu offers only the pages whose use case the visitor's role allows; the address of any other page
    # opens a page saying whom it is for (the services check again on every action).
    navigation = st.navigation(menu(visitor))
    st.logo(str(BRAND / "logo.svg"), size="large")
    account_sidebar(visitor)
    print_rules()  # every page prints without the menu, the banners, the controls or cut tables
    focus_rules()  # a link with the keyboard's focus shows it, as Streamlit's own controls do
    with st.container(key=f"{BANNER}access"):
        access_banner(visitor)
    with st.container(key=f"{BANNER}demo"):
        demo_banner(store, visitor.actor)
    no_builtin_table_export()  # tables download only through the formula-neutralising writer
    navigation.run()


# Streamlit runs this file as __main__. A worker that multiprocessing spawns in a process whose __main__ this
# file is (a test that drove the app, then typeset PDFs in a pool) imports it again as __mp_main__: it must not
# open the database or draw the app there.
if __name__ != "__mp_main__":
    main()
