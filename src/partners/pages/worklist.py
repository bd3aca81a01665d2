"""Worklist: what the secretariat needs to chase, filtered, ordered and paged, with reminders for partners."""

import streamlit as st

from partners.domain.model import ReminderChannel, StakeholderType
from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.presentation import exports, urls
from partners.services import cache, lookups, settings, worklist
from partners.services.errors import ValidationFailed
from partners.services.worklist import WorkKind, WorkOrder
from partners.ui.session import current_actor, get_store, pager, show_table

store, actor = get_store(), current_actor()
st.title("Worklist")
st.caption(
    "Commitments that need chasing: progress reports overdue, deadlines passed without completion, "
    "'complete' claims without evidence, stale drafts and embargoes ending soon. Open a row to see the "
    "commitment; write to the partners from the reminders below."
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

with st.expander("Thresholds", icon=":material/tune:"):
    t1, t2 = st.columns(2)
    stale_days = t1.number_input("Drafts are stale after (days)", 1, 3650, worklist.DEFAULT_STALE_DAYS)
    embargo_days = t2.number_input("Embargoes ending within (days)", 1, 365, worklist.DEFAULT_EMBARGO_DAYS)

try:
    # Remembered until the data changes (services.cache): a click below recomputes nothing of it.
    everything = cache.cached(
        worklist.build_worklist, store, actor,
        cycle_months=int(cycle), stale_days=int(stale_days), embargo_days=int(embargo_days),
    )  # fmt: skip
except PermissionDenied as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()

# -- filters and order (applied by the service: Worklist.only and Worklist.ordered) --------------------
partner_names = everything.partners()
country_names = cache.cached(lookups.country_names, store, actor)
event_names = {
    int(r.id): f"{r.name} ({r.date:%b %Y})" for r in cache.cached(lookups.events, store, actor).itertuples()
}
named_countries = sorted(everything.country_codes(), key=lambda c: country_names.get(c, c))
named_events = [e for e in event_names if e in everything.event_ids()]

f1, f2, f3 = st.columns(3)
kinds = f1.multiselect("Reason", list(WorkKind), format_func=lambda k: k.label, placeholder="All reasons")
chosen_partners = f2.multiselect(
    "Partner", list(partner_names), format_func=partner_names.get, placeholder="All partners"
)
types = f3.multiselect(
    "Stakeholder type", list(StakeholderType), format_func=lambda t: t.label, placeholder="All types"
)
f4, f5, f6 = st.columns(3)
chosen_countries = f4.multiselect(
    "Country", named_countries, format_func=lambda c: country_names.get(c, c), placeholder="All countries"
)
chosen_events = f5.multiselect(
    "Summit or plan", named_events, format_func=event_names.get, placeholder="All events"
)
order = f6.selectbox("Order", list(WorkOrder), format_func=lambda o: o.label)
skip_recent = st.checkbox("Leave out partners reminded recently", key="skip_recent")
recent_days = None
if skip_recent:
    recent_days = st.number_input("Reminded within the last (days)", 1, 3650, 14, key="recent_days")

shown = everything.only(
    kinds,
    chosen_partners,
    countries=chosen_countries,
    event_ids=chosen_events,
    stakeholder_types=types,
    not_reminded_within_days=recent_days,
).ordered(order)

# Labels in full: two rows of metrics rather than five cut-off ones.
counts = list(shown.counts().items())
for row in (counts[:3], counts[3:]):
    for column, (kind, count) in zip(st.columns(3), row, strict=False):
        column.metric(kind.label, f"{count:,}")

# -- the list, one page at a time ---------------------------------------------------------------------
total = len(shown.items)
size = worklist.DEFAULT_PAGE_SIZE
pages = shown.page(1, size).pages
if st.session_state.get("worklist_page", 1) > pages:
    st.session_state["worklist_page"] = pages
if total == 0:
    st.info("Nothing to chase here.")
else:
    number = st.session_state.get("worklist_page", 1)
    page = shown.page(number, size)
    st.write(
        f"Items **{page.first:,}-{page.last:,}** of **{total:,}**, as of {shown.as_of:%d %b %Y %H:%M}."
    )
    show_table(
        shown.table(link=urls.commitment_url, items=page.items),  # only the rows of this page
        hide_index=True,
        width="stretch",
        # Rows taller than 4rem let Streamlit wrap long text: "What is due" is read in full, not cut.
        height=min(38 + 80 * len(page.items), 720),
        row_height=80,
        key="worklist_table",
        column_config={
            "Open": st.column_config.LinkColumn(
                "Open", display_text=r"id=(\d+)$", help="Open the commitment", width="small"
            ),
            "No.": None,
            "Kind": st.column_config.TextColumn(width="small"),
            "Commitment": st.column_config.TextColumn(width="medium"),
            "What is due": st.column_config.TextColumn(width="large", help="What is due, in words"),
            "Due or since": st.column_config.DateColumn(format="D MMM YYYY", width="small"),
            "Days": st.column_config.NumberColumn(
                help="Days since that date (negative: still to come)", width="small"
            ),
        },
    )
    p1, p2, p3 = st.columns([1, 2, 1])
    p1.button(
        "Previous page",
        icon=":material/chevron_left:",
        disabled=page.number <= 1,
        on_click=lambda: st.session_state.update(worklist_page=page.number - 1),
    )
    p2.number_input(f"Page (of {page.pages:,})", 1, page.pages, key="worklist_page")
    p3.button(
        "Next page",
        icon=":material/chevron_right:",
        disabled=page.number >= page.pages,
        on_click=lambda: st.session_state.update(worklist_page=page.number + 1),
    )
st.download_button(
    f"Download the worklist (CSV, {total:,} items)",
    # Built only when clicked; absolute links, so a cell of the downloaded file opens the commitment.
    data=lambda: exports.to_csv(shown.table(link=urls.absolute_commitment_url)),
    file_name=f"worklist-{shown.as_of:%Y-%m-%d}.csv",
    mime="text/csv",
    icon=":material/download:",
    disabled=total == 0,
    on_click="ignore",
)

# -- reminders ----------------------------------------------------------------------------------------
st.subheader("Reminders")
# A reminder lists everything the partner owes, whatever the filters; the filters choose the partners. They
# are written, listed and downloaded one page of partners at a time.
to_remind = shown.reminder_partners()
if not to_remind:
    st.info("No partner in this selection has a report, deadline or evidence outstanding.")
    st.stop()
reminder_size = worklist.DEFAULT_REMINDER_PAGE_SIZE
reminder_page = pager(len(to_remind), size=reminder_size, key="reminder_page", what="partners")
page_ids = tuple(to_remind)[(reminder_page - 1) * reminder_size : reminder_page * reminder_size]
# What the remembered reminders, table and files below are of: these partners, in this worklist.
of_page = (page_ids, everything.as_of, everything.cycle_months, everything.stale_days, everything.embargo_days)
due = cache.remembered(
    store, actor, "reminders", of_page,
    lambda: worklist.reminders(everything, partner_ids=page_ids),
)  # fmt: skip
no_address = [r.partner_name for r in due if not r.to]
listed = (
    f"**{len(to_remind):,}** partners in this selection have something to report"
    if len(to_remind) <= reminder_size
    else f"**{len(to_remind):,}** partners in this selection have something to report; partners "
    f"**{(reminder_page - 1) * reminder_size + 1:,}-{(reminder_page - 1) * reminder_size + len(due):,}** are "
    "listed here, and the downloads below write to them"
)
st.write(
    listed
    + (f"; **{len(no_address):,}** of them have no contact e-mail yet (add it under Partners and events)."
       if no_address else ".")
)  # fmt: skip
show_table(
    cache.remembered(
        store, actor, "reminder table", of_page,
        lambda: worklist.reminder_table(due, mailto=lambda r: urls.mailto_url(r.to, r.subject, r.body)),
    ),
    key="reminder_table",
    height=min(38 + 35 * len(due), 420),
    column_config={
        "E-mail": st.column_config.LinkColumn(
            "E-mail", display_text="Write", help="Open a ready e-mail in your mail program", width="small"
        ),
        "Partner": st.column_config.TextColumn(width="large"),
        "Last reminder": st.column_config.TextColumn(help="When the last reminder went out, and who sent it"),
    },
)

may_record = can(actor, UseCase.RECORD_REMINDERS)


def record(channel: ReminderChannel, chosen: list[worklist.Reminder]) -> None:
    """Record the reminders as sent (runs when the download is clicked)."""
    try:
        n = worklist.record_reminders(store, actor, chosen, channel)
        st.session_state["reminder_outcome"] = ("ok", f"Recorded {n:,} reminders as sent ({channel.label}).")
    except (PermissionDenied, ValidationFailed) as exc:
        st.session_state["reminder_outcome"] = ("error", str(exc))


outcome = st.session_state.pop("reminder_outcome", None)
if outcome:
    (st.success if outcome[0] == "ok" else st.error)(outcome[1])
st.caption(
    "One download holds a ready e-mail for every partner listed: open the .eml files in your mail program, "
    "or use the mail-merge file (address, subject and body). "
    + ("Downloading records the reminders as sent today, by you." if may_record else
       "Your role may not record reminders, so downloading records nothing.")
)  # fmt: skip
d1, d2 = st.columns(2)
d1.download_button(
    f"Download {len(due):,} e-mails (.eml, ZIP)",
    # Built with the page (a few KB per partner listed), not when clicked: a file built when clicked races the
    # rerun that records the reminders, and the download can be lost. Remembered until the data changes.
    data=cache.remembered(
        store, actor, "reminder e-mails", (*of_page, actor.identity),
        lambda: worklist.eml_archive(due, sender=actor.identity, at=everything.as_of),
    ),
    file_name=f"reminders-{everything.as_of:%Y-%m-%d}.zip",
    mime="application/zip",
    icon=":material/mail:",
    on_click=record if may_record else "ignore",
    args=(ReminderChannel.EML, due) if may_record else None,
    key="download_eml",
)
d2.download_button(
    f"Download the mail-merge file (CSV, {len(due):,} rows)",
    data=cache.remembered(
        store, actor, "reminder mail merge", of_page,
        lambda: exports.to_csv(worklist.mail_merge_table(due)),
    ),
    file_name=f"reminders-{everything.as_of:%Y-%m-%d}.csv",
    mime="text/csv",
    icon=":material/table:",
    on_click=record if may_record else "ignore",
    args=(ReminderChannel.CSV, due) if may_record else None,
    key="download_merge",
)

with st.expander("One partner's reminder", icon=":material/person:"):
    by_id = {r.partner_id: r for r in due}
    partner_id = st.selectbox("Partner", list(by_id), format_func=lambda p: by_id[p].partner_name)
    reminder = by_id[partner_id]
    st.code(reminder.text, language=None, wrap_lines=True)
    b1, b2 = st.columns(2)
    b1.download_button(
        "Download this reminder (.txt)",
        data=reminder.text.encode("utf-8"),
        file_name=reminder.file_name,
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )
    if may_record and b2.button("I sent it: record this reminder", icon=":material/done:"):
        record(ReminderChannel.MAILTO, [reminder])
        st.rerun()
