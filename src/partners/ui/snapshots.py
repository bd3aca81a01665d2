"""Frozen snapshots on screen: the "Freeze" control of the Overview, the snapshot a link opens
(``?snapshot=<slug>``), and its stamp. The service (``services.snapshots``) decides who may freeze and keeps
the public figures; this only draws."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, can
from partners.presentation import formatting, permalinks
from partners.presentation.permalinks import Choices, DashboardView
from partners.services import snapshots
from partners.services.errors import NotFound, ValidationFailed
from partners.services.snapshots import Snapshot, Store
from partners.ui.text import plain

_JUST_FROZEN = "snapshot_just_frozen"

FREEZE_HELP = ("Keeps the public view of this dashboard, with these filters (and its as-of date), under a name: "
               "its figures and charts stay as they are now, whatever is edited later, and a link opens them on "
               "any screen.")


def opened(store: Store, actor: Actor, slug: str) -> tuple[Snapshot | None, str]:
    """The snapshot a link names (None: the live dashboard), and why it could not be opened, in words."""
    if not slug:
        return None, ""
    try:
        return snapshots.opened(store, actor, slug), ""
    except NotFound as exc:
        return None, f"{exc} The live figures are shown."


def frozen_view(snap: Snapshot, choices: Choices) -> DashboardView:
    """The view a snapshot was frozen with (its filters and map metric), naming the snapshot."""
    view, _ = permalinks.from_params(dict(parse_qsl(snap.view)), choices)
    return replace(view, public=None, snapshot=snap.slug)


def stamp(snap: Snapshot) -> str:
    """The stamp of a snapshot on screen (Markdown-safe: the name is shown as typed)."""
    demo = " · Demo data (fictional records)" if snap.is_demo else ""
    return (f"Snapshot “{plain(snap.name)}” · Shown as: public (what anyone can see) · Data as of "
            f"{formatting.moment(snap.data_as_of)}, frozen{demo}")


def freeze_control(store: Store, actor: Actor, view: DashboardView) -> None:
    """A "Freeze" popover with the name to freeze the public view under, for those who may freeze (the
    service checks again); once frozen, the page opens the snapshot."""
    if not can(actor, UseCase.FREEZE_SNAPSHOT):
        return
    with st.popover("Freeze", icon=":material/photo_camera:", help=FREEZE_HELP):
        with st.form("freeze_snapshot", border=False, enter_to_submit=True):
            name = st.text_input("Snapshot name", max_chars=snapshots.MAX_NAME,
                                 placeholder="e.g. Summit 2026 opening plenary")
            st.caption("Always the public view: published, not embargoed, public visibility; figures over fewer "
                       "than 3 countries held back. Snapshots are never changed or replaced.")
            if st.form_submit_button("Freeze the public view", type="primary", icon=":material/photo_camera:"):
                params = permalinks.to_params(replace(view, public=None, snapshot=""))
                try:
                    snap = snapshots.freeze(store, actor, name, view.filter, as_of=view.as_of,
                                            view=urlencode(params, safe=","))
                except ValidationFailed as exc:
                    for problem in exc.problems:
                        st.error(problem)
                else:
                    st.session_state[_JUST_FROZEN] = snap.name
                    st.query_params.clear()  # the snapshot's link: the snapshot, and the map it was frozen on
                    st.query_params.from_dict(permalinks.to_params(DashboardView(metric=view.metric,
                                                                                 snapshot=snap.slug)))
                    st.rerun()


def just_frozen() -> None:
    """Say once that the snapshot on screen was frozen now."""
    name = st.session_state.pop(_JUST_FROZEN, None)
    if name:
        st.success(f"Frozen as “{plain(name)}”. This is the snapshot: share its link, or open it in "
                   "presentation mode.", icon=":material/check_circle:")
