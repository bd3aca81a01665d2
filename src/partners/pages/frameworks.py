"""Frameworks: browse each framework's tree, with the commitments linked to every item."""

import streamlit as st

from partners.presentation.wording import plural
from partners.services import cache, lookups, read
from partners.ui.session import commitment_rows, commitments_table, current_actor, get_store
from partners.ui.text import link

#: Commitments listed under each framework item.
SHOWN = 20

store, actor = get_store(), current_actor()
st.title("Frameworks")
st.caption("The reference frameworks commitments are linked to. Items marked *provisional* are not yet "
           "confirmed by a public source.")

frameworks = cache.cached(lookups.frameworks, store, actor)
labels = {row.id: f"{row.name} ({row.version})" for row in frameworks.itertuples()}
fw_id = st.radio("Framework", list(labels), format_func=labels.get, horizontal=True)
fw = frameworks.set_index("id").loc[fw_id]
st.markdown(f"**{fw['name']}**, version {fw['version']}")
if fw["description"]:
    st.write(fw["description"])
# In the body's text, not a caption: a link in a caption's faded colour falls below AA contrast.
st.markdown(f"Source: {link(str(fw['source_url']))}")

items = cache.cached(read.framework_items_with_counts, store, actor, fw_id)
children: dict[str | None, list] = {}
for row in items.itertuples():
    parent = row.parent_key if isinstance(row.parent_key, str) else None  # NULL arrives as NaN
    children.setdefault(parent, []).append(row)


def _listed() -> dict[str, tuple]:
    """Each item's newest commitments, read and made into the table shown (one remembered value for the
    framework: a click reads and labels none of them again)."""
    now = cache.minute()
    found = {}
    for row in items.itertuples():
        if row.commitments:
            df = read.commitments_for_item(store, actor, row.key, limit=SHOWN, now=now)
            found[row.key] = (df, commitment_rows(df))
    return found


listed = cache.remembered(store, actor, "framework-item-commitments", (fw_id, SHOWN), _listed)


def show(item, depth: int) -> None:
    flag = "" if item.verified else " · *provisional*"
    heading = f"**{item.code}** {item.name} · {plural(item.commitments, 'commitment')}{flag}"
    with st.expander(heading, expanded=False):
        if item.summary:
            st.write(item.summary)
        st.caption(f"{item.kind.capitalize()} · source: {item.source}")
        if item.commitments:
            # The newest few are read and shown (every expander is drawn, open or not); the download has all.
            if item.commitments > SHOWN:
                st.caption(f"The {SHOWN} most recent are listed; the download holds all {item.commitments:,}.")
            df, shown = listed[item.key]
            commitments_table(
                df,
                shown=shown,
                key=f"items_{item.key}",
                everything=lambda key=item.key: read.commitments_for_item(store, actor, key),
            )
    for child in children.get(item.key, []):
        show(child, depth + 1)


for top in children.get(None, []):
    st.subheader(f"{top.code} · {top.name}")
    if top.summary:
        st.caption(top.summary)
    if top.commitments:
        st.write(f"{plural(top.commitments, 'commitment')} linked directly.")
    for child in children.get(top.key, []):
        show(child, 1)
