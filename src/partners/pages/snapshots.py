"""Snapshots: every frozen snapshot of the public dashboard, newest first, each opened by its permalink on the
Overview or in presentation mode. Snapshots hold public figures only, so anyone may see them; the
secretariat freezes them from the Overview."""

import streamlit as st

from partners.domain.permissions import UseCase, can
from partners.presentation import formatting
from partners.services import cache, dashboard, snapshots
from partners.ui import dashboard as controls
from partners.ui import snapshots as frozen_ui
from partners.ui.navigation import PAGES_DIR
from partners.ui.session import current_actor, get_store
from partners.ui.text import plain

store, actor = get_store(), current_actor()
options = cache.cached(dashboard.filter_options, store, actor)

st.title("Snapshots")
st.caption("A snapshot is the public dashboard frozen under a name, for a summit: its figures and charts stay "
           "as they were frozen, whatever is edited later. Open one to show it, share its link or present it.")
if can(actor, UseCase.FREEZE_SNAPSHOT):
    st.page_link(PAGES_DIR / "overview.py", label="Freeze a new snapshot from the Overview (Freeze, beside Share)",
                 icon=":material/photo_camera:")

listed = snapshots.listing(store, actor)
if not listed:
    st.info("No snapshot has been frozen yet.", icon=":material/photo_camera:")

for snap in listed:
    with st.container(border=True, key=f"snapshot_{snap.slug}"):
        st.subheader(plain(snap.name), anchor=False)
        view = frozen_ui.frozen_view(snap, controls.choices(options))
        words = controls.filter_words(view.filter, options)
        facts = [f"Data as of {formatting.moment(snap.data_as_of)}",
                 f"Filtered: {words}" if words else "Every commitment the public sees",
                 "Demo data" if snap.is_demo else "",
                 f"Frozen by {snap.frozen_by}" if snap.frozen_by else ""]
        st.caption(plain(" · ".join(f for f in facts if f)))
        with st.container(horizontal=True):
            st.page_link(PAGES_DIR / "overview.py", label="Open", icon=":material/dashboard:",
                         query_params={"snapshot": snap.slug})
            st.page_link(PAGES_DIR / "present.py", label="Present", icon=":material/slideshow:",
                         query_params={"snapshot": snap.slug})
