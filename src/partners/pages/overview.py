"""Overview: headline figures and the global picture, computed from the data the viewer may see."""

import streamlit as st

from partners.presentation import charts, labels
from partners.presentation.labels import WITHDRAWN_LEFT_OUT
from partners.services import cache, read
from partners.ui.session import chart_with_table, current_actor, get_store

store, actor = get_store(), current_actor()
st.title("Overview")
st.caption("The alliance's commitments against online child sexual exploitation and abuse, at a glance.")

figures = cache.cached(read.headline, store, actor)
definitions = read.headline_definitions(store, actor)
top = st.columns(4)
top[0].metric("Commitments", f"{figures['commitments']:,}", help=definitions["commitments"])
top[1].metric("Partners", f"{figures['partners']:,}", help=definitions["partners"])
top[2].metric("Countries named", f"{figures['countries']:,}", help=definitions["countries"])
top[3].metric("Member countries", f"{figures['member_countries']:,}", help=definitions["member_countries"])
st.caption(WITHDRAWN_LEFT_OUT)

st.subheader("Reporting and verification")
st.caption("Unverified and non-reporting commitments are counted apart from verified ones.")
row = st.columns(4)
row[0].metric("Verified by the secretariat", f"{figures['verified']:,}", help=definitions["verified"])
row[1].metric("Self-reported only", f"{figures['self_reported_only']:,}",
              help=definitions["self_reported_only"])
row[2].metric("Not reporting", f"{figures['not_reporting']:,}", help=definitions["not_reporting"])
row[3].metric("Complete (verified)", f"{figures['complete_verified']:,}",
              help=definitions["complete_verified"])
more = st.columns(4)
more[0].metric("Joint commitments", f"{figures['joint']:,}", help=definitions["joint"])
more[1].metric("Global commitments", f"{figures['global']:,}", help=definitions["global"])
more[2].metric("Complete (reported)", f"{figures['complete']:,}", help=definitions["complete"])

st.subheader("Where commitments apply")
per_country = cache.cached(read.commitments_per_country, store, actor)
chart_with_table(
    charts.world_map(per_country, title="Commitments naming each country"),
    per_country.loc[per_country.commitments > 0, ["name", "region", "commitments"]].rename(
        columns={"name": "Country", "region": "Region", "commitments": "Commitments"}
    ),
    name="commitments-map",
    caption="Global commitments are not drawn on the map; a multi-country commitment counts for each country.",
)

left, right = st.columns(2)
with left:
    by_type = cache.cached(read.breakdown, store, actor, "stakeholder_type")
    by_type["key"] = labels.column_labels(by_type["key"], labels.STAKEHOLDER_LABELS)
    chart_with_table(
        charts.bar(by_type, "key", "commitments", title="By stakeholder type", category_title="Stakeholder type"),
        by_type.rename(columns={"key": "Stakeholder type", "commitments": "Commitments"}),
        name="commitments-by-stakeholder-type",
        caption="A joint commitment counts once for each type of partner in it.",
    )
with right:
    by_status = cache.cached(read.breakdown, store, actor, "status")
    chart_with_table(
        charts.status_bar(by_status, title="By latest reported status"),
        by_status.assign(key=labels.column_labels(by_status["key"], labels.STATUS_LABELS)).rename(
            columns={"key": "Status", "commitments": "Commitments"}
        ),
        name="commitments-by-status",
    )

left, right = st.columns(2)
with left:
    by_year = cache.cached(read.breakdown, store, actor, "year")
    chart_with_table(
        charts.timeline(by_year, title="Commitments by year made"),
        by_year.rename(columns={"key": "Year", "commitments": "Commitments"}),
        name="commitments-by-year",
    )
with right:
    by_region = cache.cached(read.breakdown, store, actor, "region")
    chart_with_table(
        charts.bar(by_region, "key", "commitments", title="By region (UN M49)", category_title="Region"),
        by_region.rename(columns={"key": "Region", "commitments": "Commitments"}),
        name="commitments-by-region",
    )
