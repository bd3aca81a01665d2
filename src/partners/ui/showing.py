"""The "Show as: public" switch of every dashboard view, kept in the URL (``?public=1`` / ``?public=0``), and
the stamp saying which view is on screen.

On, a view is computed for ``PUBLIC_VIEWER`` (``services.visibility.shown_as``): exactly what a visitor who
has not signed in would see, whatever the presenter's own role. Off, for the person's own scope. It is on by
default where a view is shown to a room (presentation mode, snapshots), and a person must switch it off
deliberately to show more; the public cannot switch it off into anything wider than the public view."""

from __future__ import annotations

import streamlit as st

from partners.domain.model import Actor, Role
from partners.services.visibility import shown_as

#: The query parameter holding the switch: "1" on, "0" off; absent: the view's default.
PARAM = "public"

ON_HELP = ("On: exactly what a visitor who has not signed in sees (published, not embargoed, public "
           "visibility; figures over fewer than 3 countries held back). Switch it off to show what your "
           "own role may see.")


def from_url(default: bool) -> bool:
    raw = str(st.query_params.get(PARAM, "") or "")
    return {"1": True, "0": False}.get(raw, default)


def public_switch(actor: Actor, *, default: bool, key: str = "show_as_public") -> tuple[bool, Actor]:
    """Draw the switch (not for the public, who see the public view anyway); whether the view is public and
    the viewer to compute it for. The choice is kept in the URL, so a permalink opens the same view."""
    if actor.role is Role.PUBLIC:
        return True, shown_as(actor, True)
    wanted = from_url(default)
    if key not in st.session_state:
        st.session_state[key] = wanted
    public = st.toggle("Show as: public", key=key, help=ON_HELP)
    if public == default:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = "1" if public else "0"
    return public, shown_as(actor, public)


def stamp_words(actor: Actor, public: bool) -> str:
    """Which view is on screen, in words, for the stamp beside the figures."""
    if public or actor.role is Role.PUBLIC:
        return "Shown as: public (what anyone can see)"
    return f"Shown as: {actor.role.label} (includes data the public does not see)"
