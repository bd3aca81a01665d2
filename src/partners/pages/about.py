"""About: what the data is, the demo label, and the sources of each framework."""

import streamlit as st

from partners import reference
from partners.presentation import labels
from partners.presentation.wording import plural
from partners.services import cache, lookups, setup
from partners.ui.session import current_actor, get_store, show_table

store, actor = get_store(), current_actor()
st.title("About this tracker")
st.markdown(
    """
This tracker follows the commitments that governments, law enforcement, technology companies and civil
society make against online child sexual exploitation and abuse (CSEA), and countries' progress against the
WePROTECT Model National Response.

**It holds governance data only**: commitments, progress reports, capability assessments and partners.
It never holds case data, images, or personal data about victims or offenders.

**Confidentiality.** Country capability assessments are private by default: a country sees and signs off
its own before anything about it is published, and public views never rank countries.
"""
)

st.subheader("The data in this copy")
demo = cache.cached(setup.demo_description, store, actor)  # per data version: a click reads nothing
if demo is not None:
    st.warning(f"This copy holds **demo data** ({demo.removeprefix('Demo data: ')}). "
               "Every partner, commitment, progress report and assessment here is fictional; real records are "
               "never mixed with demo data.")
else:
    st.write("This copy holds the alliance's own records.")

st.subheader("Reference frameworks and their sources")
for fw in cache.cached(lookups.frameworks, store, actor).itertuples():
    status = "" if fw.verified else " (provisional)"
    st.markdown(f"- **{fw.name}**, version {fw.version}{status}: {plural(fw.items, 'item')}. Source: {fw.source_url}")

st.subheader("Countries, regions and groupings")
north = reference.global_north_definition()
st.markdown(
    f"""
- Countries: ISO 3166-1 (from the `pycountry` package); regions: UN M49 (from the `country-converter` package).
- Global North / South: {north.get('name', 'as the Global Threat Assessment 2019 defines it')}.
  Source: {north.get('source_url') or north.get('source', '')}
- World map: Natural Earth boundaries via the `world-atlas` package (ISC licence). Boundaries shown do not
  imply any position on the status of any territory.
"""
)
phases = cache.cached(lookups.maturity_phases, store, actor)
st.subheader("Maturity phases (Model National Response)")
show_table(phases.rename(columns=labels.MATURITY_PHASE_COLUMNS), hide_index=True)
