"""Commitments: search and filter by country, partner, stakeholder type, framework item, status and event."""

import streamlit as st

from partners.domain.model import StakeholderType
from partners.domain.scope import CommitmentFilter
from partners.presentation.charts import STATUS_COLOURS, status_label
from partners.services import read
from partners.ui.forms import COMMITMENT_PAGE
from partners.ui.session import commitments_table, current_actor, get_store

store, actor = get_store(), current_actor()
st.title("Commitments")

countries = store.countries()
partners = store.partners()
events = store.events()
items = store.framework_items()

country_names = dict(zip(countries.code, countries.name, strict=True))
partner_names = dict(zip(partners.id, partners.name, strict=True))
event_names = dict(zip(events.id, events.name, strict=True))
item_names = {k: f"{f}: {c} {n}" for k, f, c, n in zip(items.key, items.framework, items.code, items.name, strict=True)}

text = st.text_input("Search titles and descriptions", placeholder="e.g. hotline, prosecutors, hash matching")
c1, c2, c3 = st.columns(3)
sel_countries = c1.multiselect("Country", list(country_names), format_func=country_names.get)
sel_partners = c2.multiselect("Partner", list(partner_names), format_func=partner_names.get)
sel_types = c3.multiselect("Stakeholder type", [t.value for t in StakeholderType],
                           format_func=lambda v: StakeholderType(v).label)
c4, c5, c6 = st.columns(3)
sel_items = c4.multiselect("Framework item", list(item_names), format_func=item_names.get)
sel_status = c5.multiselect("Latest reported status", list(STATUS_COLOURS), format_func=status_label)
sel_events = c6.multiselect("Made at (summit or plan)", list(event_names), format_func=event_names.get)

found = read.find_commitments(
    store,
    actor,
    CommitmentFilter(
        text=text,
        countries=tuple(sel_countries),
        partner_ids=tuple(sel_partners),
        stakeholder_types=tuple(sel_types),
        item_keys=tuple(sel_items),
        statuses=tuple(sel_status),
        event_ids=tuple(sel_events),
    ),
)
st.write(f"**{len(found):,}** commitments match. Click a row, or its Open link, to open the commitment.")
picked = commitments_table(found, key="commitments_table", height=560, select=True)
if picked is not None:
    st.switch_page(COMMITMENT_PAGE, query_params={"id": str(picked)})
