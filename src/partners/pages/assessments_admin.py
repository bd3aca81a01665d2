"""Capability assessments: record a country's MNR maturity phase for a capability; edit (versioned, with
history), delete and restore."""

from datetime import date

import streamlit as st

from partners.domain.model import CapabilityAssessment, ReportSource
from partners.domain.permissions import Scope, UseCase, can, scope_of
from partners.presentation import labels
from partners.services import cache, frameworks, lookups, read, records
from partners.ui import forms
from partners.ui.rounds import round_section
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

# Reads remembered until the data changes (services.cache): a click on this page does not read them again.
names = cache.cached(lookups.country_names, store, actor)
allowed = list(names) if scope_of(actor, UseCase.RECORD_ASSESSMENT) is Scope.ALL else sorted(actor.countries)
members_first = [c for c in cache.cached(lookups.countries_members_first, store, actor) if c in allowed]
country = st.selectbox(
    "Country", members_first, format_func=lambda c: f"{names[c]} ({c})", key="assess_country"
)

cap_labels = cache.cached(frameworks.capability_labels, store, actor)  # the current MNR version's capabilities
phases = cache.cached(lookups.maturity_phases, store, actor).set_index("phase")


def assessment_form(existing: dict | None = None) -> None:
    """Record an assessment of ``country``, or edit ``existing`` (a stored one). What was typed stays in
    the fields until the save succeeds; a saved form starts empty (a new round of widget keys)."""
    init = existing or {}
    key = f"assess_edit{init['id']}" if existing else "assess_new"
    rnd = st.session_state.get(f"{key}_round", 0)
    loaded = forms.loaded_version(f"{key}_version", int(init["version"])) if existing else 0
    typed = forms.Typed()
    with st.form(f"{key}_form_{rnd}"):
        if existing:
            st.markdown(f"**Edit assessment {init['id']}**")
        caps = list(cap_labels)
        if existing and init["capability_key"] not in caps:  # an older MNR version's capability
            caps.append(init["capability_key"])
        capability = st.selectbox(
            "Capability",
            caps,
            index=caps.index(init["capability_key"]) if existing else 0,
            format_func=lambda c: cap_labels.get(c, c),
            key=f"{key}_{rnd}_capability",
        )
        c1, c2 = st.columns(2)
        assessed_on = typed.date(
            "Assessed on", value=init.get("assessed_on", date.today()), key=f"{key}_{rnd}_date", where=c1
        )
        phase_list = list(phases.index)
        phase = c2.selectbox(
            "Maturity phase",
            phase_list,
            index=phase_list.index(init["phase"]) if existing and init["phase"] in phase_list else 0,
            format_func=lambda p: (
                f"{p}: {phases.loc[p, 'label']}" + ("" if phases.loc[p, "verified"] else " (provisional)")
            ),
            key=f"{key}_{rnd}_phase",
        )
        bases = list(ReportSource)
        source = st.radio(
            "Basis",
            bases,
            index=bases.index(ReportSource(init["source"])) if existing else 0,
            format_func=lambda s: s.label,
            horizontal=True,
            key=f"{key}_{rnd}_source",
        )
        note = st.text_area("Note", value=init.get("note") or "", key=f"{key}_{rnd}_note")
        may_publish = can(actor, UseCase.PUBLISH_ASSESSMENT, countries=[country])
        published = st.checkbox(
            "Published (visible to everyone)",
            value=bool(init.get("published", False)),
            disabled=not may_publish,
            key=f"{key}_{rnd}_published",
        )
        submitted = st.form_submit_button(
            "Save changes" if existing else "Save assessment", icon=":material/save:"
        )
    if not submitted:
        return
    data = {
        "country": init.get("country_code", country),
        "capability": capability,
        "assessed_on": assessed_on,
        "phase": phase,
        "source": source,
        "note": note,
        "published": published,
        "is_demo": bool(init.get("is_demo", False)),
    }
    try:
        form = forms.build(CapabilityAssessment, data, typed)
        if existing:
            records.update_assessment(store, actor, int(init["id"]), form, loaded)
        else:
            records.record_assessment(store, actor, form)
    except forms.REFUSALS as exc:
        forms.show_failure(exc)  # the form keeps what was typed
        return
    forms.forget(f"{key}_version", "assess_editing")
    st.session_state[f"{key}_round"] = rnd + 1
    done = f"Assessment {init['id']} saved." if existing else f"Assessment saved for {names[country]}."
    st.session_state["assess_outcome"] = ("ok", done)
    st.rerun()


round_section(store, actor, country, names[country], {int(p): str(phases.loc[p, "label"]) for p in phases.index})

st.subheader("One assessment")
forms.show_outcome("assess_outcome")
assessment_form()

st.subheader(f"Assessments of {names[country]}")
shown = cache.cached(read.country_profile, store, actor, country)["assessments"]
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
    choices = {
        int(r.id): f"No. {r.id}: {r.capability_no} {r.capability}, {r.assessed_on:%d %b %Y}"
        for r in shown.itertuples()
    }
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    pick = c1.selectbox(
        "Assessment (to edit, see its history or delete)",
        list(choices),
        format_func=choices.get,
        key="assess_pick",
    )
    stored = records.get_record(store, actor, "capability_assessment", pick)
    c2.button(
        "Edit",
        key="assess_edit_button",
        icon=":material/edit:",
        on_click=lambda: st.session_state.__setitem__("assess_editing", pick),
    )
    if st.session_state.get("assess_editing") == pick:
        assessment_form(stored)
        st.button(
            "Stop editing",
            key="assess_stop",
            icon=":material/close:",
            on_click=lambda: forms.forget("assess_editing", f"assess_edit{pick}_version"),
        )
    if can(actor, UseCase.VIEW_HISTORY):
        forms.show_outcome(f"assess{pick}_outcome")
        forms.history_view(store, actor, "capability_assessment", pick, key=f"assess{pick}")
        version = int(stored["version"])
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
