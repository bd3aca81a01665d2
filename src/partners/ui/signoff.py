"""The scorecard's sign-off panel: whether the country's scorecard is published, and for its focal points
and the secretariat, signing it off as it stands (which publishes it) or withdrawing the sign-off. Every
action is authorised by ``services.signoff``; the panel only offers what the viewer may do."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, can
from partners.presentation.formatting import day
from partners.services import signoff
from partners.services.setup import Store
from partners.ui import forms
from partners.ui.session import show_table
from partners.ui.text import plain


def signoff_panel(store: Store, actor: Actor, code: str, name: str) -> None:
    """The sign-off state under the scorecard's header, with the sign-off actions for those who may."""
    if not can(actor, UseCase.VIEW_ASSESSMENTS, countries=[code]):
        signed = signoff.published_on(store, actor, code)
        if signed is not None:
            st.caption(f"Published: {plain(name)} signed off this scorecard's assessments on {day(signed)}.")
        return
    state = signoff.status(store, actor, code)
    with st.expander("Sign-off and publication", icon=":material/verified:", expanded=False):
        forms.show_outcome("signoff_outcome")
        if state.active is None:
            st.info(f"Not published: {plain(name)}'s assessments are seen only by its focal points and the "
                    "secretariat until a focal point signs the scorecard off.")
        else:
            active = state.active
            st.success(f"Published as signed off by {plain(active['signed_by'])} on {day(active['signed_at'])}.",
                       icon=":material/public:")
            if not state.up_to_date:
                st.warning(
                    f"Changed since the sign-off: {len(state.changed)} capabilities edited, {state.unpublished} "
                    "assessments not in it. The public sees the scorecard as signed off until it is signed off "
                    "again.", icon=":material/edit_note:")
        if can(actor, UseCase.PUBLISH_ASSESSMENT, countries=[code]):
            statement = st.text_input("Statement (optional)", key="signoff_statement",
                                      placeholder="e.g. Agreed by the national steering committee")
            if st.button("Sign off the scorecard as it stands", icon=":material/approval:", key="signoff_go"):
                _attempt(lambda: signoff.sign_off(store, actor, code, statement),
                         f"Signed off: {name}'s scorecard is published as it stands.")
            if state.active is not None:
                reason = st.text_input("Reason for withdrawing", key="signoff_reason")
                if st.button("Withdraw the sign-off", icon=":material/unpublished:", key="signoff_withdraw"):
                    _attempt(lambda: signoff.withdraw(store, actor, code, reason),
                             f"Withdrawn: {name}'s scorecard is no longer published.")
        if state.history:
            st.caption("Every sign-off, newest first")
            show_table(
                pd.DataFrame([{"Signed off": day(h["signed_at"]), "By": h["signed_by"], "Statement": h["statement"],
                  "Assessments": h["assessments"],
                  "Withdrawn": day(h["withdrawn_at"]) if h["withdrawn_at"] else "",
                  "Why": h["withdrawn_reason"]} for h in state.history]),
                key="signoff_history", download=f"signoffs-{code}.csv",
            )



def _attempt(action, done: str) -> None:
    """Run the action (``forms.attempt``: its outcome shows after the rerun), then rerun."""
    forms.attempt(action, done=done, key="signoff_outcome")
    st.rerun()
