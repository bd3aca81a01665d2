"""Commitments: search and filter by country, partner, stakeholder type, framework item, status and event."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from partners.domain.model import StakeholderType
from partners.domain.permissions import UseCase, can
from partners.domain.scope import CommitmentFilter
from partners.presentation.charts import STATUS_COLOURS
from partners.presentation.labels import stakeholder_label, status_label
from partners.presentation.wording import plural
from partners.services import cache, importing, lookups, read
from partners.ui.forms import COMMITMENT_PAGE
from partners.ui.session import commitment_rows, commitments_table, current_actor, get_store, pager
from partners.ui.text import plain

#: Rows shown (and read) at a time.
PAGE_SIZE = 100

store, actor = get_store(), current_actor()
st.title("Commitments")

country_names = cache.cached(lookups.country_names, store, actor)
partner_names = cache.cached(lookups.partner_names, store, actor)
events = cache.cached(lookups.events, store, actor)
event_names = dict(zip(events.id.astype(int), events.name, strict=True))
item_names = cache.cached(lookups.framework_item_labels, store, actor)

text = st.text_input("Search titles and descriptions", placeholder="e.g. hotline, prosecutors, hash matching")
c1, c2, c3 = st.columns(3)
sel_countries = c1.multiselect("Country", list(country_names), format_func=country_names.get)
sel_partners = c2.multiselect("Partner", list(partner_names), format_func=partner_names.get)
sel_types = c3.multiselect("Stakeholder type", [t.value for t in StakeholderType],
                           format_func=stakeholder_label)
c4, c5, c6 = st.columns(3)
sel_items = c4.multiselect("Framework item", list(item_names), format_func=item_names.get)
sel_status = c5.multiselect("Latest reported status", list(STATUS_COLOURS), format_func=status_label)
sel_events = c6.multiselect("Made at (summit or plan)", list(event_names), format_func=event_names.get)

flt = CommitmentFilter(
    text=text,
    countries=tuple(sel_countries),
    partner_ids=tuple(sel_partners),
    stakeholder_types=tuple(sel_types),
    item_keys=tuple(sel_items),
    statuses=tuple(sel_status),
    event_ids=tuple(sel_events),
)
# ?import=FILE&sha=CHECKSUM (the link after an import): exactly the commitments that import created or updated.
imported = st.query_params.get("import")
only_imported = bool(imported) and can(actor, UseCase.LOG_COMMITMENT)
if only_imported:
    ids = importing.imported_ids(store, actor, imported, st.query_params.get("sha", ""))
    flt = replace(flt, ids=tuple(ids))
    st.info(
        f"Showing only the commitments created or updated by the import of {plain(imported)} that match the "
        "filters above.",
        icon=":material/filter_list:",
    )
    if st.button("Show all commitments", icon=":material/filter_list_off:"):
        st.query_params.clear()
        st.rerun()
nothing = only_imported and not flt.ids  # an import that wrote nothing: no ids to show (not "any ids")
counts = {"commitments": 0, "withdrawn": 0} if nothing else cache.cached(read.count_commitments, store, actor, flt)
total = counts["commitments"]
st.write(
    f"**{plural(total, 'commitment')}** {'matches' if total == 1 else 'match'}. "
    "Click a row, or its Open link, to open the commitment."
)
if counts["withdrawn"]:
    st.caption(
        f"{plural(counts['withdrawn'], 'of them is', 'of them are')} withdrawn: counted here, marked Withdrawn, "
        "and left out of the Overview's figures."
    )
# One page of the list is read and shown at a time; the download holds every page.
number = pager(total, size=PAGE_SIZE, key="commitments_page")
page = replace(flt, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
found = pd.DataFrame() if nothing else cache.cached(read.find_commitments, store, actor, page)
picked = commitments_table(
    found, key="commitments_table", height=560, select=True,
    shown=None if found.empty else cache.remembered(store, actor, "commitments-rows", (page,),
                                                lambda: commitment_rows(found)),
    everything=lambda: read.find_commitments(store, actor, flt),
)  # fmt: skip
if picked is not None:
    st.switch_page(COMMITMENT_PAGE, query_params={"id": str(picked)})
