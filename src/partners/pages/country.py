"""A country's scorecard (``country?code=KEN``): MNR maturity, maturity over rounds, peer context and the
commitment figures, each computed for the viewer by ``services.scorecard``."""

import streamlit as st

from partners.presentation import charts, labels, scorecard_pdf
from partners.services import cache, lookups, scorecard, scorecard_document, setup
from partners.ui.as_of import as_of_control
from partners.ui.country_commitments import commitment_sections
from partners.ui.gaps import gaps_section
from partners.ui.navigation import PAGES_DIR
from partners.ui.session import chart_downloads, chart_with_table, current_actor, get_store, show_table
from partners.ui.signoff import signoff_panel
from partners.ui.text import plain

store, actor = get_store(), current_actor()
code = str(st.query_params.get("code", "")).strip().upper()
names = lookups.country_names(store, actor)
if code not in names:
    st.title("Country scorecard")
    if code:
        st.error(f"There is no country with the code {plain(code)}. Choose one on the Countries page.",
                 icon=":material/search_off:")
    else:
        st.info("Choose a country on the Countries page to see its scorecard.")
    st.page_link(PAGES_DIR / "countries.py", label="Go to Countries", icon=":material/public:")
    st.stop()

facts = scorecard.country_facts(store, actor, code)
st.title(f"{facts['name']}: scorecard")
# -- as of a past date or summit (ui/as_of.py): every figure below is computed as it stood then ---------
as_of_day = as_of_control(store, actor)  # None: today
if as_of_day is not None:
    facts = scorecard.country_facts(store, actor, code, as_of=as_of_day)  # its membership then
# -- end of as of ---------------------------------------------------------------------------------------
member = (f"member since {facts['member_since']:%Y}" if facts["member_since"] else "member") if facts["member"] \
    else "not a member"
north = "Global North" if facts["global_north"] else "Global South"
demo = " · **Demo data**" if setup.demo_description(store, actor) is not None else ""
st.markdown(
    f"**{plain(facts['name'])}** ({code}) · Alliance {member} · {plain(facts['region'])}, "
    f"{plain(facts['subregion'])} · {north}{demo}",
    help="Region and sub-region: UN M49. Global North / South as the Global Threat Assessment 2019 defines it.",
)

if as_of_day is None:  # sign-off acts on the scorecard as it stands (ui/signoff.py)
    signoff_panel(store, actor, code, str(facts["name"]))

maturity = cache.cached(scorecard.maturity, store, actor, code, as_of=as_of_day)  # a click reads none again

# -- the PDF for a minister: typeset on the server when clicked, from the same figures ------------------
with st.container(horizontal=True, key="scorecard_pdf"):
    st.download_button(
        "Download PDF", icon=":material/picture_as_pdf:", type="primary", on_click="ignore",
        data=lambda: scorecard_pdf.scorecard_pdf(
            scorecard_document.scorecard_document(store, actor, code, as_of=as_of_day)),
        file_name=scorecard_pdf.file_name(code), mime="application/pdf", key="scorecard_pdf_download",
        help="The scorecard as shown here, on A4 for a minister"
             + (", marked confidential: it holds private data" if maturity.includes_private else ""),
    )
    if maturity.includes_private or actor.role is not scorecard_document.PUBLIC.role:
        st.download_button(
            "Download public PDF", icon=":material/public:", on_click="ignore",
            data=lambda: scorecard_pdf.scorecard_pdf(
                scorecard_document.scorecard_document(store, scorecard_document.PUBLIC, code, as_of=as_of_day)),
            file_name=scorecard_pdf.file_name(code).replace(".pdf", "-public.pdf"), mime="application/pdf",
            key="scorecard_pdf_public_download", help="Only what the public may see: published assessments "
                                                      "and public commitments",
        )
# -- end of the PDF -------------------------------------------------------------------------------------
definitions = cache.cached(scorecard.figure_definitions, store, actor)
if maturity.includes_private:
    st.caption(f"Includes private assessments: only {plain(facts['name'])}'s focal points and the secretariat "
               "see them until the country signs its scorecard off.")

# -- MNR maturity ---------------------------------------------------------------------------------------
st.header("Model National Response maturity")
capabilities = cache.cached(scorecard.capabilities, store, actor)
cells = charts.maturity_cells(capabilities, maturity.capabilities)
if not maturity.assessments:
    st.info("No capability assessment that you may see: assessments stay private until the country "
            "publishes them. Every capability is shown as not assessed.")
st.caption("The latest phase of each of the 21 capabilities, from 1 (building) to 4 (maturity). Verified "
           "phases are filled, self-assessed ones outlined, capabilities not assessed empty, with a grey outline.")
domains = list(dict.fromkeys(cells["Domain"]))
# The key and the six domains' charts, as Vega-Lite specs made once per data version and viewer: building and
# checking Altair charts is most of this page's time, and a click elsewhere on it need not do it again.
key_spec, domain_specs = cache.remembered(store, actor, "maturity-charts", (code, as_of_day), lambda: (
    charts.maturity_key().to_dict(),
    [charts.maturity_heatmap(cells[cells["Domain"] == d], title=d, pickable=True).to_dict() for d in domains],
))
st.vega_lite_chart(key_spec, width="stretch")
clicked = None  # the capability number of a cell clicked just now: its history is shown below
for pair in range(0, len(domains), 2):  # two side by side on a wide screen, stacked in order on a phone
    for column, domain in zip(st.columns(2), domains[pair : pair + 2], strict=False):
        with column:
            key = f"heatmap_{domains.index(domain)}"
            event = st.vega_lite_chart(
                domain_specs[domains.index(domain)],
                width="stretch", key=key, on_select="rerun", selection_mode=charts.PICK,
            )
            chosen = [str(p.get("Number")) for p in event.selection.get(charts.PICK, []) if p.get("Number")]
            if chosen != st.session_state.get(f"_{key}_seen", []):  # a new click, not the one already shown
                st.session_state[f"_{key}_seen"] = chosen
                clicked = chosen[0] if chosen else clicked
chart_downloads(cache.remembered(store, actor, "maturity-file-spec", (code, as_of_day),
                                 lambda: scorecard_pdf.heatmap_spec(cells)), f"maturity-{code}")
with st.expander("Show as a table"):
    show_table(cells, download=f"maturity-{code}.csv")
if maturity.unmapped:
    st.caption("Assessed but not on the current MNR version, so left out: "
               + "; ".join(f"{plain(u.key)} ({u.reason})" for u in maturity.unmapped))

# -- one capability's history ---------------------------------------------------------------------------
choices = list(capabilities.itertuples(index=False))
numbers = [str(c.code) for c in choices]
if clicked in numbers:  # set before the box is drawn (a widget's value cannot change once it is)
    st.session_state["scorecard_capability"] = numbers.index(clicked)
picked = st.selectbox(
    "History of a capability (or click a cell above)",
    range(len(choices)),
    format_func=lambda i: f"{choices[i].code}. {choices[i].name} ({choices[i].domain})",
    key="scorecard_capability",
)
history = cache.cached(scorecard.capability_history, store, actor, code, choices[picked].key, as_of=as_of_day)
if history.empty:
    st.caption("No assessment of this capability that you may see.")
else:
    shown = history.assign(
        source=history["source"].map(labels.assessment_basis_label),
        published=history["published"].map(labels.published_label),
    )[["assessed_on", "phase", "phase_label", "source", "published", "note", "crosswalk_note"]]
    show_table(shown.rename(columns={**labels.ASSESSMENT_COLUMNS, "published": "Status",
                                     "crosswalk_note": "Crosswalk"}), key="scorecard_history",
               printed=True)

# -- maturity over rounds -------------------------------------------------------------------------------
st.header("Maturity over rounds")
rounds = charts.rounds_table(cache.cached(scorecard.maturity_over_rounds, store, actor, code, as_of=as_of_day),
                             maturity.domain_names)
if rounds.empty:
    st.caption("No assessment round that you may see.")
else:
    chart_with_table(
        cache.remembered(store, actor, "maturity-over-rounds", (code, as_of_day),
                         lambda: charts.maturity_over_rounds(rounds, title="").to_dict()),
        rounds,
        height=380,
        name=f"maturity-over-rounds-{code}",
        caption=f"Each domain's phase after each of {rounds['Round'].nunique()} assessment rounds; a capability "
                f"not re-assessed in a round keeps its earlier phase. {definitions['domain_phase']}.",
    )

# -- peer context ---------------------------------------------------------------------------------------
st.header("Peer context")
context = cache.cached(scorecard.peer_context, store, actor, code, as_of=as_of_day)
peers = charts.peer_table(context)
st.caption(f"{plain(facts['name'])}'s phase per domain beside its peer groups, from published assessments "
           f"only. {definitions['peer_band']}. Countries are never ranked.")
if peers.empty or not peers["Shown"].any():
    st.info("No peer group has enough published assessments to be shown.")
else:
    chart_with_table(
        cache.remembered(store, actor, "peer-context", (code, as_of_day),
                         lambda: charts.peer_context(peers, title="").to_dict()),
        peers.drop(columns=["Shown"]),
        name=f"peer-context-{code}",
        caption="The black diamond is this country's phase; each bar is a peer group's middle half, its tick "
                "the median.",
    )
for group in context.groups:
    hidden = peers[(peers["Peer group"] == group.label) & ~peers["Shown"]]
    if len(hidden):
        which = "every domain" if len(hidden) == len(context.domains) else ", ".join(hidden["Domain"])
        st.caption(f"{plain(group.label)}: not shown for {plain(which)}, since fewer than 3 countries in the "
                   "group have published assessments.")

# -- commitments ----------------------------------------------------------------------------------------
st.header("Commitments for this country")
figures = cache.cached(scorecard.commitment_figures, store, actor, code, as_of=as_of_day)
row = st.columns(3)
row[0].metric("Counted", f"{figures.counted:,}", help=definitions["counted"])
row[1].metric("Verified", f"{figures.verified.commitments:,}", help=definitions["verified"])
row[2].metric("Self-reported", f"{figures.self_reported.commitments:,}", help=definitions["self_reported"])
more = st.columns(3)
more[0].metric("Not reporting", f"{figures.not_reporting:,}", help=definitions["not_reporting"])
more[1].metric("Left out", f"{figures.left_out:,}", help=definitions["left_out"])


show_table(
    charts.commitment_figures_table(figures, definitions),
    key="scorecard_commitments",
    download=f"commitment-figures-{code}.csv",
    printed=True,
)
st.caption(f"Progress score: {definitions['progress_score']}. Verified and self-reported scores are never "
           "added together; commitments not reporting are not scored.")

# -- the commitments, who is helping, Global Alliance targets, progress timeline (ui/country_commitments.py) --
commitment_sections(store, actor, code, str(facts["name"]), as_of_day)
# -- end of the commitment sections ---------------------------------------------------------------------

# -- gaps, with suggestions and one-click drafts (ui/gaps.py) -------------------------------------------
gaps_section(store, actor, code, str(facts["name"]), as_of_day)
# -- end of gaps ----------------------------------------------------------------------------------------

with st.expander("How is this calculated?"):
    st.markdown(scorecard.methodology_text())  # our own file, not user text
