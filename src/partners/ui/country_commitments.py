"""The country scorecard's commitment sections (``pages/country.py`` calls :func:`commitment_sections`): the
commitments for the country, paged, its own beside others' made for it; who is helping per MNR capability;
the Global Alliance targets they address; the progress timeline. Every figure is computed for the viewer by
``services.country_commitments``; titles and partner names are shown as table cells only, never markdown."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from partners.domain.model import Actor
from partners.presentation import charts, urls
from partners.presentation import country_commitments as tables
from partners.services import cache
from partners.services import country_commitments as service
from partners.services.setup import Store
from partners.ui.session import chart_with_table, pager, show_table
from partners.ui.text import plain

#: Commitments shown at a time in the list.
PAGE_SIZE = 25

#: A link to each commitment's page, and titles narrow enough that the statuses beside them show on a phone.
_OPEN = {"Open": st.column_config.LinkColumn("Open", display_text="Open", help="The commitment's page"),
         "Commitment": st.column_config.TextColumn(width="medium")}

#: Which commitments the list shows: every one, the country's own, or those others made for it.
_WHOSE = {"all": "All", "own": "The country's own", "others": "Made for it by others"}


def _height(rows: int) -> int:
    """A table tall enough to show ``rows`` rows without a scroll box (Streamlit's row and header height)."""
    return 35 * (max(rows, 1) + 1) + 3


def commitment_sections(store: Store, actor: Actor, code: str, name: str, as_of: date | None) -> None:
    """The list, "Who is helping", "Global Alliance targets" and "Progress timeline" for one country."""
    # remembered per data version and viewer: a click elsewhere on the page does not read them again
    found = cache.cached(service.country_commitments, store, actor, code, as_of=as_of)
    rows = cache.remembered(store, actor, "country-commitment-rows", (code, as_of),
                            lambda: service.commitment_rows(found))
    _commitment_list(found, rows, code, name)
    _who_is_helping(store, actor, found, code, as_of)
    _ga_targets(store, actor, found, code, as_of)
    _timeline(store, actor, found, code, as_of)


def _commitment_list(found: service.CountryCommitments, rows: pd.DataFrame, code: str, name: str) -> None:
    st.subheader("Every commitment for this country")
    if found.includes_private:
        st.caption(f"Includes private commitments: only the secretariat, {plain(name)}'s focal "
                   "points and the commitments' own partners see them.")
    own = int((rows["whose"] == "own").sum())
    counts = {"all": len(rows), "own": own, "others": len(rows) - own}
    label = st.radio(
        "Show", list(_WHOSE.values()), horizontal=True, key="scorecard_whose",
        help="The country's own: made by a partner based in the country (its government, a national body or a "
             "company headquartered there). Made for it by others: naming the country, by partners from elsewhere.",
    )
    whose = next(k for k, v in _WHOSE.items() if v == label)
    st.caption(" · ".join(f"{_WHOSE[k]}: {n:,}" for k, n in counts.items()))
    picked = rows if whose == "all" else rows[rows["whose"] == whose]
    if picked.empty:
        st.info("No commitment of this kind that you may see.")
    else:
        number = pager(len(picked), size=PAGE_SIZE, key="scorecard_commitments_page")
        first = (number - 1) * PAGE_SIZE
        page = picked.iloc[first : first + PAGE_SIZE]
        show_table(
            tables.commitments_table(page),
            key="scorecard_commitment_list",
            download=f"commitments-{code}.csv",
            csv=lambda: tables.commitments_table(picked, urls.absolute_commitment_url).rename(columns={"Open": "Link"}),
            column_config=_OPEN,
            height=_height(len(page)),
            printed=True,
        )
        st.caption(tables.rows_caption(first + 1, first + len(page), len(picked))
                   + ". Self-reported: the partner's latest status; verified: the secretariat's.")
    if found.left_out:
        st.caption(f"Not listed: {found.left_out:,} withdrawn or under embargo, which count toward no figure.")
    st.subheader("By stakeholder type and status")
    counts = service.by_stakeholder_and_status(found)
    if counts.empty:
        st.caption("No commitment that you may see.")
    else:
        summary = tables.stakeholder_summary(counts)
        show_table(summary, key="scorecard_by_type", download=f"commitments-by-type-{code}.csv",
                   csv=lambda: tables.stakeholder_table(counts), height=_height(len(summary)), printed=True)
        st.caption("Commitments per stakeholder type (their lead partner's) and status: how many have each status "
                   "as the partner reported it, and as the secretariat verified it.")


def _who_is_helping(
    store: Store, actor: Actor, found: service.CountryCommitments, code: str, as_of: date | None
) -> None:
    st.header("Who is helping")
    summary, detail = cache.remembered(store, actor, "who-is-helping", (code, as_of),
                                       lambda: service.who_is_helping(store, found))
    st.caption("For each Model National Response capability, the partners whose commitments for this country "
               "serve it.")
    show_table(tables.helping_summary_table(summary), key="scorecard_helping",
               download=f"who-is-helping-{code}.csv", height=_height(len(summary)), printed=True)
    nobody = summary[~summary["helped"]]
    if len(nobody):
        st.caption("Nobody is helping yet with: " + "; ".join(f"{c}. {plain(n)}" for c, n in
                                                                 zip(nobody["code"], nobody["capability"],
                                                                     strict=True)) + ".")
    if len(detail):
        with st.expander(f"Each partner and commitment ({len(detail):,} rows)"):
            show_table(tables.helping_detail_table(detail), key="scorecard_helping_detail",
                       download=f"who-is-helping-detail-{code}.csv",
                       csv=lambda: tables.helping_detail_table(detail, urls.absolute_commitment_url),
                       column_config=_OPEN)


def _ga_targets(
    store: Store, actor: Actor, found: service.CountryCommitments, code: str, as_of: date | None
) -> None:
    st.header("Global Alliance targets")
    coverage = cache.remembered(store, actor, "ga-coverage", (code, as_of), lambda: service.ga_coverage(store, found))
    if coverage.empty:
        st.caption("The Global Alliance framework is not loaded.")
        return
    shown = tables.ga_table(coverage, service.STATUS_ORDER, compact=True)
    show_table(shown, key="scorecard_ga", download=f"global-alliance-targets-{code}.csv",
               csv=lambda: tables.ga_table(coverage, service.STATUS_ORDER), height=_height(len(shown)),
               printed=True)
    uncovered = coverage[~coverage["covered"]]
    st.caption("How many of this country's commitments address each of the four policy targets of 2012 and "
               "their operational goals, by latest status (a commitment serving a goal serves its target too). "
               + (f"Uncovered: {', '.join(uncovered['code'])}." if len(uncovered) else "Every one is covered."))


def _timeline(store: Store, actor: Actor, found: service.CountryCommitments, code: str, as_of: date | None) -> None:
    st.header("Progress timeline")
    # counted once per data version and viewer (a quarter-by-quarter pass over every commitment)
    table = cache.remembered(store, actor, "progress-timeline", (code, as_of),
                             lambda: tables.timeline_table(service.timeline(found)))
    if table.empty:
        st.caption("No commitment with a deadline or a progress report yet.")
        return
    chart_with_table(
        cache.remembered(store, actor, "progress-timeline-spec", (code, as_of),
                         lambda: charts.commitment_timeline(table).to_dict()),
        table,
        name=f"progress-timeline-{code}",
        caption="Per quarter: commitments reported complete, falling due, and overdue (past their deadline and not "
                "closed) at its end; withdrawn and embargoed ones left out.",
    )
