"""The assessment round grid: one form of the current MNR's capabilities (phase, note, evidence link), saved
as a draft or submitted; and, for the secretariat, verifying a submitted round by capability or whole, or
sending it back to draft. The rules are ``services.rounds``'; this module lays the form out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, can
from partners.presentation.formatting import day
from partners.services import cache, rounds
from partners.services.errors import ValidationFailed
from partners.services.setup import Store
from partners.ui import forms
from partners.ui.text import plain

NOT_ASSESSED = "Not assessed"


def round_section(store: Store, actor: Actor, code: str, name: str, phase_labels: dict[int, str]) -> None:
    """The rounds of ``code``: the list, and the grid of a new or chosen round."""
    st.subheader(f"Assessment rounds of {name}")
    st.caption("Enter a round as one grid: a phase for each capability assessed (leave the others as not "
               "assessed), a note and a link to the evidence. Save it as a draft, then submit it; the "
               "secretariat verifies it. Drafts do not count on the scorecard.")
    forms.show_outcome("round_outcome")
    listed = cache.cached(rounds.rounds, store, actor, code)  # per data version and viewer
    options: list[int] = [0, *[int(i) for i in listed["id"]]]  # 0: a new round
    labels = {0: "A new round"} | {
        int(r.id): f"{day(r.assessed_on)}: {r.status} ({r.assessed} assessed, {r.verified} verified)"
        for r in listed.itertuples()
    }
    if (opened := st.session_state.pop(f"round_pick_{code}_next", None)) in options:
        st.session_state[f"round_pick_{code}"] = opened
    picked = st.selectbox("Round", options, format_func=labels.get, key=f"round_pick_{code}") or None
    record = cache.cached(rounds.get_round, store, actor, picked) if picked is not None else None
    grid = cache.cached(rounds.grid, store, actor, code, picked)
    editable = record is None or record["status"] == "draft" or can(actor, UseCase.VERIFY_ASSESSMENT)
    _grid_form(store, actor, code, grid, record, phase_labels, editable)
    if record is not None:
        _round_actions(store, actor, record, grid)


def _grid_form(store: Store, actor: Actor, code: str, grid: pd.DataFrame, record: dict | None,
               phase_labels: dict[int, str], editable: bool) -> None:
    rid = record["id"] if record else "new"
    rnd = st.session_state.get(f"round_{code}_{rid}_n", 0)
    key = f"round_{code}_{rid}_{rnd}"
    choices = [NOT_ASSESSED, *phase_labels]
    with st.form(f"{key}_form"):
        typed = forms.Typed()
        assessed_on = typed.date("Assessed on", value=record["assessed_on"] if record else date.today(),
                                 key=f"{key}_date")
        note = st.text_input("Note on the round", value=record["note"] if record else "", key=f"{key}_note",
                             disabled=not editable)
        rows = []
        for domain, part in grid.groupby("domain", sort=False):
            st.markdown(f"**{plain(domain)}**")
            for r in part.itertuples():
                c1, c2, c3 = st.columns([3, 2, 3])
                phase = c1.selectbox(
                    f"{r.code}. {r.capability}",
                    choices,
                    index=choices.index(int(r.phase)) if pd.notna(r.phase) and int(r.phase) in choices else 0,
                    format_func=lambda p: p if p == NOT_ASSESSED else f"{p}: {phase_labels[p]}",
                    key=f"{key}_{r.capability_key}_phase", disabled=not editable,
                    help="Verified by the secretariat" if r.source == "verified" else None,
                )
                text = c2.text_input("Note", value=r.note, key=f"{key}_{r.capability_key}_note",
                                     disabled=not editable)
                link = c3.text_input("Evidence link", value=r.evidence_url, key=f"{key}_{r.capability_key}_link",
                                     placeholder="https://", disabled=not editable)
                rows.append(rounds.GridRow(r.capability_key, None if phase == NOT_ASSESSED else int(phase),
                                           text, link))
        b1, b2 = st.columns(2)
        save = b1.form_submit_button("Save as draft" if not record or record["status"] == "draft"
                                     else "Save changes", icon=":material/save:", disabled=not editable)
        submit = b2.form_submit_button("Save and submit", icon=":material/send:",
                                       disabled=not editable or bool(record and record["status"] != "draft"))
    if not (save or submit):
        return
    try:
        if typed.problems:  # a date that could not be read is refused, never saved as empty
            raise ValidationFailed(typed.problems)
        rid_saved = rounds.save_round(
            store, actor, code, assessed_on, rows, round_id=record["id"] if record else None,
            expected_version=int(record["version"]) if record else None, note=note, submit=bool(submit),
        )
    except forms.REFUSALS as exc:
        forms.show_failure(exc)  # the form keeps what was typed
        return
    st.session_state[f"round_{code}_{rid}_n"] = rnd + 1
    st.session_state[f"round_pick_{code}_next"] = rid_saved  # opened on the next run, before its widget
    st.session_state["round_outcome"] = ("ok", "Round submitted." if submit else "Round saved as a draft.")
    st.rerun()


def _round_actions(store: Store, actor: Actor, record: dict, grid: pd.DataFrame) -> None:
    if record["status"] == "draft" or not can(actor, UseCase.VERIFY_ASSESSMENT):
        return
    assessed = grid[grid["phase"].notna()]
    names = dict(zip(assessed["capability_key"], assessed["code"] + ". " + assessed["capability"], strict=True))
    unverified = [k for k, s in zip(assessed["capability_key"], assessed["source"], strict=True) if s != "verified"]
    picked = st.multiselect("Capabilities to verify", unverified, format_func=names.get,
                            key=f"round_verify_{record['id']}")
    c1, c2 = st.columns(2)
    if c1.button("Verify the chosen capabilities", key=f"round_verify_some_{record['id']}", disabled=not picked):
        _attempt(lambda: rounds.verify_round(store, actor, int(record["id"]), picked), "Verified.")
    if c2.button("Verify the whole round", key=f"round_verify_all_{record['id']}", disabled=not unverified):
        _attempt(lambda: rounds.verify_round(store, actor, int(record["id"])), "The whole round is verified.")
    reason = st.text_input("Reason for sending it back to draft", key=f"round_back_reason_{record['id']}")
    if st.button("Send back to draft", key=f"round_back_{record['id']}"):
        _attempt(lambda: rounds.return_to_draft(store, actor, int(record["id"]), int(record["version"]), reason),
                 "Sent back to the country as a draft.")



def _attempt(action, done: str) -> None:
    """Run the action (``forms.attempt``: its outcome shows after the rerun), then rerun."""
    forms.attempt(action, done=done, key="round_outcome")
    st.rerun()
