"""Worklist: what the secretariat needs to chase, with a CSV export and a reminder for each partner."""

import streamlit as st

from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.presentation import exports, urls
from partners.services import settings, worklist
from partners.services.errors import ValidationFailed
from partners.services.worklist import WorkKind
from partners.ui.session import current_actor, get_store, show_table

store, actor = get_store(), current_actor()
st.title("Worklist")
st.caption(
    "Commitments that need chasing: progress reports overdue, deadlines passed without completion, "
    "'complete' claims without evidence, stale drafts and embargoes ending soon. Open a row to see the "
    "commitment; copy or download a reminder for each partner."
)

cycle = settings.reporting_cycle(store, actor)
if can(actor, UseCase.MANAGE_SETTINGS):
    with st.expander(f"Reporting cycle: {cycle} months", icon=":material/settings:"):
        with st.form("cycle_form", border=False):
            months = st.number_input(
                "A commitment's progress report is overdue after this many months without an update",
                min_value=settings.CYCLE_RANGE[0],
                max_value=settings.CYCLE_RANGE[1],
                value=cycle,
                step=1,
            )
            if st.form_submit_button("Save the reporting cycle"):
                try:
                    cycle = settings.set_reporting_cycle(store, actor, months)
                    st.success(f"The reporting cycle is now {cycle} months.")
                except (PermissionDenied, ValidationFailed) as exc:
                    st.error(str(exc))

c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
kinds = c1.multiselect("Kind", list(WorkKind), format_func=lambda k: k.label, placeholder="All kinds")
stale_days = c3.number_input("Drafts are stale after (days)", 1, 3650, worklist.DEFAULT_STALE_DAYS)
embargo_days = c4.number_input("Embargoes ending within (days)", 1, 365, worklist.DEFAULT_EMBARGO_DAYS)

try:
    everything = worklist.build_worklist(
        store, actor, cycle_months=cycle, stale_days=stale_days, embargo_days=embargo_days
    )
except PermissionDenied as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()

partner_names = everything.partners()
chosen_partners = c2.multiselect(
    "Partner", list(partner_names), format_func=partner_names.get, placeholder="All partners"
)
shown = everything.only(kinds, chosen_partners)

for column, (kind, count) in zip(st.columns(len(WorkKind)), shown.counts().items(), strict=True):
    column.metric(kind.label, f"{count:,}")

table = shown.table(link=urls.commitment_url)
st.write(f"**{len(table):,}** items, as of {shown.as_of:%d %b %Y %H:%M}.")
if table.empty:
    st.info("Nothing to chase here.")
else:
    show_table(
        table,
        hide_index=True,
        width="stretch",
        height=480,
        key="worklist_table",
        column_config={
            "Open": st.column_config.LinkColumn(
                "Open", display_text=r"id=(\d+)$", help="Open the commitment"
            ),
            "No.": None,
            "Due or since": st.column_config.DateColumn(format="D MMM YYYY"),
            "Days": st.column_config.NumberColumn(help="Days since that date (negative: still to come)"),
        },
    )
st.download_button(
    "Download the worklist (CSV)",
    # Absolute links: a cell of the downloaded file opens the commitment.
    data=exports.to_csv(shown.table(link=urls.absolute_commitment_url)),
    file_name=f"worklist-{shown.as_of:%Y-%m-%d}.csv",
    mime="text/csv",
    icon=":material/download:",
    disabled=table.empty,
)

st.subheader("Reminders")
# A reminder lists everything the partner owes, whatever kinds the table above shows.
due = everything.reminder_partners()
if chosen_partners:
    due = {pid: name for pid, name in due.items() if pid in chosen_partners}
if not due:
    st.info("No partner in this selection has a report, deadline or evidence outstanding.")
else:
    st.caption(
        "A ready-to-send message for each partner, listing all their overdue reports, passed deadlines and "
        "missing evidence. Copy it (top right of the text) or download it."
    )
    partner_id = st.selectbox(f"Partner ({len(due):,} with something due)", list(due), format_func=due.get)
    reminder = worklist.compose_reminder(everything, partner_id)
    if reminder is not None:
        st.code(reminder.text, language=None, wrap_lines=True)
        st.download_button(
            "Download this reminder (.txt)",
            data=reminder.text.encode("utf-8"),
            file_name=reminder.file_name,
            mime="text/plain",
            icon=":material/mail:",
        )
