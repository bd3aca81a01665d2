"""Capability assessments: record a country's MNR maturity phase for a capability; delete and restore."""

from datetime import date

import streamlit as st

from partners.domain.model import CapabilityAssessment, ReportSource
from partners.domain.permissions import Scope, UseCase, can, scope_of
from partners.presentation import labels
from partners.services import frameworks, lookups, read, records
from partners.ui import forms
from partners.ui.session import current_actor, get_store, show_table

store, actor = get_store(), current_actor()
st.title("Capability assessments")
st.caption(
    "A country's maturity on each of the 21 Model National Response capabilities, phase 1 (building) to 4. "
    "Assessments stay private until published; they are never ranked in public."
)
if not can(actor, UseCase.RECORD_ASSESSMENT):
    st.info(
        "The secretariat and each country's focal point record capability assessments.",
        icon=":material/lock:",
    )
    st.stop()

names = lookups.country_names(store, actor)
allowed = list(names) if scope_of(actor, UseCase.RECORD_ASSESSMENT) is Scope.ALL else sorted(actor.countries)
members_first = [c for c in lookups.countries_members_first(store, actor) if c in allowed]
country = st.selectbox(
    "Country", members_first, format_func=lambda c: f"{names[c]} ({c})", key="assess_country"
)

cap_labels = frameworks.capability_labels(store, actor)  # the current MNR version's capabilities
phases = lookups.maturity_phases(store, actor).set_index("phase")

forms.show_outcome("assess_outcome")
with st.form("assessment_form", clear_on_submit=True):
    capability = st.selectbox("Capability", list(cap_labels), format_func=cap_labels.get)
    c1, c2 = st.columns(2)
    assessed_on = c1.date_input(
        "Assessed on", value=date.today(), max_value=date.today(), format="YYYY-MM-DD"
    )
    phase = c2.selectbox(
        "Maturity phase",
        list(phases.index),
        format_func=lambda p: (
            f"{p}: {phases.loc[p, 'label']}" + ("" if phases.loc[p, "verified"] else " (provisional)")
        ),
    )
    source = st.radio("Basis", list(ReportSource), format_func=lambda s: s.label, horizontal=True)
    note = st.text_area("Note")
    may_publish = can(actor, UseCase.PUBLISH_ASSESSMENT, countries=[country])
    published = st.checkbox("Published (visible to everyone)", disabled=not may_publish)
    if st.form_submit_button("Save assessment", icon=":material/save:"):
        try:
            form = records.validated(
                CapabilityAssessment,
                {
                    "country": country,
                    "capability": capability,
                    "assessed_on": assessed_on,
                    "phase": phase,
                    "source": source,
                    "note": note,
                    "published": published,
                },
            )
            records.record_assessment(store, actor, form)
        except forms.REFUSALS as exc:
            forms.show_failure(exc)
        else:
            st.session_state["assess_outcome"] = ("ok", f"Assessment saved for {names[country]}.")
            st.rerun()

st.subheader(f"Assessments of {names[country]}")
shown = read.country_profile(store, actor, country)["assessments"]
if shown.empty:
    st.info("None yet.")
else:
    show_table(
        shown[
            [
                "id",
                "assessed_on",
                "capability_no",
                "capability",
                "phase",
                "phase_label",
                "source",
                "published",
                "note",
            ]
        ]
        .assign(source=shown.source.map(labels.source_label))
        .rename(columns=labels.ASSESSMENT_COLUMNS),
        hide_index=True,
        width="stretch",
        key="assessments_table",
    )
    if note := frameworks.version_note(store, actor, shown.capability_key):  # older MNR versions, via the crosswalk
        st.caption(note)
    if can(actor, UseCase.VIEW_HISTORY):
        choices = {
            int(r.id): f"No. {r.id}: {r.capability_no} {r.capability}, {r.assessed_on:%d %b %Y}"
            for r in shown.itertuples()
        }
        pick = st.selectbox("History of assessment", list(choices), format_func=choices.get, key="assess_pick")
        forms.show_outcome(f"assess{pick}_outcome")
        forms.history_view(store, actor, "capability_assessment", pick, key=f"assess{pick}")
        version = int(records.get_record(store, actor, "capability_assessment", pick)["version"])
        forms.delete_button(
            store,
            actor,
            "capability_assessment",
            pick,
            version,
            key=f"assess{pick}",
            label="Delete this assessment",
        )

if can(actor, UseCase.RESTORE_RECORD):
    with st.expander("Deleted assessments", icon=":material/delete:"):
        forms.show_outcome("deleted_assessments_outcome")
        forms.deleted_list(store, actor, "capability_assessment", key="deleted_assessments")
