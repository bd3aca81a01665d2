"""Log a commitment: who, for which countries, what exactly, which goals; SMART hints while typing and
likely duplicates under the title."""

import streamlit as st

from partners.domain.permissions import UseCase, can
from partners.services import records
from partners.ui import forms
from partners.ui.session import current_actor, get_store

store, actor = get_store(), current_actor()
st.title("Log a commitment")
if not can(actor, UseCase.LOG_COMMITMENT):
    st.info("Only the secretariat logs commitments.", icon=":material/lock:")
    st.stop()
st.caption(
    "Joint commitments: choose every partner, then the lead. Hints on the right say what would make the "
    "commitment checkable; the SMART level is saved with it."
)

if saved := st.session_state.pop("logged_commitment", None):
    cid, title = saved
    st.success(f"Saved as commitment {cid}.", icon=":material/check_circle:")
    forms.link_to_commitment(cid, title)

# A new round of widget keys after each save gives an empty form.
form_round = st.session_state.setdefault("log_form_round", 0)
key = f"log{form_round}"

left, right = st.columns([3, 2], gap="large")
with left:
    form = forms.commitment_fields(store, actor, key=key)
with right:
    st.subheader("SMART check")
    forms.smart_panel(form.data)

if st.button(
    "Save commitment", type="primary", icon=":material/save:", disabled=not form.may_save, key=f"{key}_save"
):
    try:
        new_id = records.log_commitment(store, actor, form.build())
    except forms.REFUSALS as exc:
        forms.show_failure(exc)
    else:
        st.session_state["logged_commitment"] = (new_id, form.data["title"])
        st.session_state["log_form_round"] = form_round + 1
        st.rerun()
