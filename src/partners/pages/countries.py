"""Countries: pick one; the commitments that name it and its capability assessments."""

import streamlit as st

from partners.presentation import labels
from partners.presentation.wording import plural
from partners.services import cache, lookups, read
from partners.ui.navigation import PAGES_DIR
from partners.ui.session import commitment_rows, commitments_table, current_actor, get_store, show_table
from partners.ui.text import plain

store, actor = get_store(), current_actor()
st.title("Countries")

names = cache.cached(lookups.country_names, store, actor)
members_first = cache.cached(lookups.countries_members_first, store, actor)
wanted = st.query_params.get("country", "") or min(actor.countries, default="")  # a focal point: their own
index = members_first.index(wanted) if wanted in names else 0
code = st.selectbox(
    "Country",
    members_first,
    index=index,
    format_func=lambda c: f"{names[c]} ({c})",
    help="Alliance member countries are listed first.",
)
st.query_params["country"] = code

profile = cache.cached(read.country_profile, store, actor, code)
facts = profile["country"]
st.header(facts["name"])
st.page_link(PAGES_DIR / "country.py", label="Open the scorecard", icon=":material/monitoring:",
             query_params={"code": code})
# The facts as text that wraps (a metric's large value is cut off: "Eastern Af...").
member = f"since {facts['member_since']:%Y}" if facts["member"] and facts["member_since"] else (
    "yes" if facts["member"] else "no"
)
north = "North" if facts["global_north"] else "South"
st.markdown(
    f"Region (UN M49): **{plain(facts['region'])}** · Sub-region: **{plain(facts['subregion'])}** · "
    f"Global North / South: **{north}** · Alliance member: **{member}**",
    help="Global North / South as the Global Threat Assessment 2019 defines it",
)

st.subheader(f"Commitments naming {facts['name']}")
st.caption("Made by the country itself or by others for it. Global commitments are listed on the Commitments page.")
commitments_table(profile["commitments"], key="country_commitments", download=f"commitments-{code}.csv",
                  shown=None if profile["commitments"].empty else cache.remembered(
                      store, actor, "country-profile-rows", (code,), lambda: commitment_rows(profile["commitments"])))

st.subheader("Model National Response capability assessments")
assessments = profile["assessments"]
if assessments.empty:
    st.info("No capability assessment that you may see. Assessments stay private until the country publishes them.")
else:
    private = int((~assessments["published"].astype(bool)).sum())
    if private:
        st.caption(f"{private:,} of {plural(len(assessments), 'assessment')} {'is' if private == 1 else 'are'} "
                   "private: only the country and the secretariat see them until the country publishes them.")
    shown = assessments.assign(
        source=assessments["source"].map(labels.assessment_basis_label),
        published=assessments["published"].map(labels.published_label),
    )[["assessed_on", "capability_no", "capability", "domain", "phase", "phase_label", "source", "published", "note"]]
    show_table(
        # "Status": the column says Published or Private in words.
        shown.rename(columns={**labels.ASSESSMENT_COLUMNS, "capability_no": "No.", "published": "Status"}),
        download=f"assessments-{code}.csv",
    )
