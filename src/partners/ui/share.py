"""The "Share" control: the view's full link as text and as a QR code, downloadable for a slide."""

from __future__ import annotations

import streamlit as st

from partners.presentation import share, urls
from partners.presentation.permalinks import DashboardView, app_base, dashboard_url


def current_base() -> str:
    """The address the app is open at (``st.context.url``), else the configured one (``urls.base_url``)."""
    try:
        here = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (a script run by the test harness)
        here = None
    return app_base(here, urls.base_url())


def share_control(view: DashboardView, *, name: str = "dashboard") -> str:
    """A "Share" popover with the view's link and its QR code (SVG and PNG files); the link."""
    link = dashboard_url(current_base(), view)
    with st.popover("Share", icon=":material/share:"):
        st.caption("The link opens exactly this view (filters, map metric, as-of date, public switch).")
        st.code(link, language=None, wrap_lines=True)
        svg = share.qr_svg(link)
        st.image(share.qr_png(link, scale=6), caption="QR code of the link", width=240,
                 alt="QR code of the link above")
        with st.container(horizontal=True):
            st.download_button("QR code (SVG)", data=svg, file_name=f"{name}-qr.svg", mime="image/svg+xml",
                               key="share_svg", on_click="ignore", icon=":material/draw:")
            st.download_button("QR code (PNG)", data=lambda: share.qr_png(link), file_name=f"{name}-qr.png",
                               mime="image/png", key="share_png", on_click="ignore", icon=":material/image:")
    return link
