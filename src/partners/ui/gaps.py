"""The scorecard's "Gaps" section: capabilities at phase 1 or 2 with no active commitment, each with the
Abu Dhabi 2015 templates for it and what partners committed for it in comparable countries, and, for a
focal point of the country and the secretariat's editors, one click that turns a template into a draft
commitment for the secretariat. ``services.gaps`` computes and authorises everything; this only shows it.

Titles of commitments are people's text: they are shown in table cells only, never as Markdown."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, can
from partners.presentation import labels, urls
from partners.presentation.charts import phase_names
from partners.services import cache
from partners.services import gaps as gap_service
from partners.services.setup import Store
from partners.ui import forms
from partners.ui.session import show_table
from partners.ui.text import plain

OUTCOME_KEY = "gaps_outcome"


def gaps_section(store: Store, actor: Actor, code: str, name: str, as_of: date | None = None) -> None:
    """The whole section, under its header."""
    st.header("Gaps")
    found = cache.cached(gap_service.gaps, store, actor, code, as_of=as_of)  # per data version and viewer
    st.caption(
        f"Capabilities at phase 1 (building) or 2 (developing) with no active commitment for {plain(name)} "
        "that you may see. Active: not withdrawn, not complete or discontinued, not under embargo. "
        "Capabilities not assessed are listed apart, not counted as gaps."
    )
    forms.show_outcome(OUTCOME_KEY)
    may_suggest = as_of is None and can(actor, UseCase.SUGGEST_COMMITMENT, countries=[code])
    if as_of is not None and can(actor, UseCase.SUGGEST_COMMITMENT, countries=[code]):
        st.caption("Drafts are proposed from the scorecard as it stands today, not from a past date.")
    if not found.templates_matched:
        st.caption("The Abu Dhabi templates are not matched to capabilities in this database yet: an "
                   "administrator reloads the reference data (partners reference reload).")
    if not found.gaps:
        st.info("No gap: no assessed capability is at phase 1 or 2 without an active commitment.",
                icon=":material/task_alt:")
    phases = phase_names()
    for gap in found.gaps:
        basis = labels.assessment_basis_label(gap.source).lower()
        title = f"{gap.code}. {gap.name} · {phases[gap.phase - 1]} ({basis})"
        with st.expander(plain(title), icon=":material/flag:"):
            st.caption(plain(gap.domain))
            _templates(store, actor, code, name, gap, may_suggest)
            _comparable(gap, found.comparable_group, found.comparable_countries)
    if found.drafts:
        st.markdown("**Drafts from these suggestions, waiting for review**")
        show_table(pd.DataFrame([
            {"open": urls.commitment_url(d.commitment_id), "Commitment": d.title, "Partners": d.partners}
            for d in found.drafts
        ]), key="gap_drafts", column_config={
            "open": st.column_config.LinkColumn("Open", display_text="Open", help="The commitment's page"),
        })
        st.caption("Open a draft to review it, edit it and submit it (the workflow on its page).")
    if found.covered:
        st.caption("At phase 1 or 2 but with an active commitment: " + plain("; ".join(found.covered)) + ".")
    if found.not_assessed:
        st.caption("Not assessed (no phase that you may see), so not counted as gaps: "
                   + plain("; ".join(found.not_assessed)) + ".")


def _templates(store: Store, actor: Actor, code: str, name: str, gap: gap_service.GapSuggestions,
               may_suggest: bool) -> None:
    st.markdown("**Abu Dhabi 2015 templates**")
    if not gap.templates:
        st.caption("No template of the Abu Dhabi Statement of Action serves this capability.")
    for template in gap.templates:
        st.markdown(f"**{plain(template.title)}**")
        st.caption(f"{plain(template.item_name)} ({plain(template.key)}). {plain(template.description)} "
                   f"Deliverable: {plain(template.deliverable)}.")
        if may_suggest and st.button(
            "Propose as a draft for the secretariat", icon=":material/add_task:",
            key=f"gap_suggest_{gap.key}_{template.key}",
            help="Stores a private draft commitment from this template, naming this country, for the "
                 "secretariat to review.",
        ):
            _propose(store, actor, code, name, gap.key, template.key)


def _propose(store: Store, actor: Actor, code: str, name: str, capability: str, template: str) -> None:
    new_id = forms.attempt(
        lambda: gap_service.suggest_commitment(store, actor, code, capability, template),
        done="", key=OUTCOME_KEY,
    )
    if new_id is not None:
        st.session_state[OUTCOME_KEY] = (
            "ok",
            f"Draft commitment {new_id} stored for {name}: the secretariat sees it under this section and "
            "among the commitments (review state Draft), and reviews it there.",
        )
    st.rerun()


def _comparable(gap: gap_service.GapSuggestions, group: str, countries: int) -> None:
    st.markdown(f"**In comparable countries** ({plain(group)})")
    if not gap.comparable:
        st.caption(f"No commitment for this capability that you may see in the {countries} other countries "
                   "of the same UN region and the same side of the Global North / South line.")
        return
    rows = pd.DataFrame([
        {
            "open": urls.commitment_url(c.commitment_id),
            "Commitment": c.title,
            "Countries": c.countries,
            "Partners": c.partners,
            "Status": (labels.STATUS_LABELS.get(c.status, c.status) if c.status else "No report yet")
            + (" (verified)" if c.verified else ""),
        }
        for c in gap.comparable
    ])
    show_table(rows, key=f"gap_comparable_{gap.key}", column_config={
        "open": st.column_config.LinkColumn("Open", display_text="Open", help="The commitment's page"),
    })
    shown = f"{len(gap.comparable)} of {gap.comparable_total}" if gap.comparable_total > len(gap.comparable) \
        else f"{gap.comparable_total}"
    st.caption(f"{shown} shown, newest first. Comparable: the same UN region and Global North / South "
               "(there are no income-group data); only commitments you may see.")
