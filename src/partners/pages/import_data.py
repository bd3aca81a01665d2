"""Import a spreadsheet: upload, preview each row's status and problems, then import all or nothing."""

import hashlib

import streamlit as st

from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.importing import columns
from partners.importing.columns import SheetKind
from partners.importing.report import RowStatus
from partners.presentation import exports
from partners.services import history, importing
from partners.services.errors import StorageError
from partners.ui import forms
from partners.ui.session import current_actor, get_store, show_table


def plain(text: str) -> str:
    """Text from the file (sheet and file names), capitalised and shown literally, never as Markdown."""
    return forms.plain(text[:1].upper() + text[1:])


store, actor = get_store(), current_actor()
st.title("Import a spreadsheet")
if not can(actor, UseCase.LOG_COMMITMENT):
    st.error("Importing is for the secretariat: your role may not log commitments.", icon=":material/block:")
    st.stop()
st.caption(
    "Take in the pledges of a summit, or progress updates, from an Excel workbook (.xlsx) or a CSV file. "
    "Upload it to see every row's status and any problems (row, column, what is wrong, how to fix it). "
    "Nothing is imported while a row has a problem; then everything is imported at once. Importing the "
    "same file again changes nothing: the external_ref column says which commitment a row is."
)

with st.expander("Templates and columns", icon=":material/download:"):
    st.write(
        f"Several partners, countries or framework items go in one cell, separated by "
        f"'{columns.LIST_SEPARATOR}'. Mark the lead partner with '(lead)'. Partners and summits must "
        f"already be in the app. Limits: {columns.MAX_FILE_BYTES // (1024 * 1024)} MB and "
        f"{columns.MAX_ROWS:,} rows per file."
    )
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Excel template (.xlsx)",
        importing.template_xlsx(store, actor),
        file_name=columns.template_file_name(),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:",
    )
    c2.download_button(
        "CSV template: commitments",
        columns.template_csv(SheetKind.COMMITMENTS),
        file_name=columns.template_file_name(SheetKind.COMMITMENTS),
        mime="text/csv",
        icon=":material/csv:",
    )
    c3.download_button(
        "CSV template: progress updates",
        columns.template_csv(SheetKind.PROGRESS),
        file_name=columns.template_file_name(SheetKind.PROGRESS),
        mime="text/csv",
        icon=":material/csv:",
    )
    show_table(columns.columns_table(), hide_index=True, width="stretch")

if done := st.session_state.pop("import_done", None):
    st.success(done, icon=":material/check_circle:")

uploaded = st.file_uploader(
    "Spreadsheet to import",
    type=["xlsx", "csv"],
    key="import_file",
    max_upload_size=columns.MAX_FILE_BYTES // (1024 * 1024),
    help="An .xlsx workbook with a 'Commitments' and/or a 'Progress updates' sheet, or a CSV file "
    "of one kind.",
)
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
digest = hashlib.sha256(data).hexdigest()
# Validating thousands of rows takes a moment: keep the preview while the same file is on screen and the
# database has not changed (every write adds an audit entry, so their count tells).
state = (digest, history.change_count(store, actor))
cached = st.session_state.get("import_preview")
if cached is None or cached[0] != state:
    try:
        with st.spinner("Checking every row..."):
            report = importing.preview_import(store, actor, data, uploaded.name)
    except PermissionDenied as exc:
        st.error(str(exc), icon=":material/block:")
        st.stop()
    st.session_state["import_preview"] = (state, report)
else:
    report = cached[1]

for warning in report.warnings:
    st.warning(plain(warning), icon=":material/warning:")

problems = report.problems_frame()
if report.file_problems:
    st.error("This file cannot be imported. Nothing was changed.", icon=":material/error:")
    with st.container(key="import_file_problems"):
        show_table(problems, hide_index=True, width="stretch")
    st.stop()

METRICS = {
    RowStatus.NEW: "New rows",
    RowStatus.UPDATE: "Rows to update",
    RowStatus.UNCHANGED: "Unchanged rows",
    RowStatus.ERROR: "Rows with errors",
}
for column, (status, label) in zip(st.columns(4), METRICS.items(), strict=True):
    column.metric(label, f"{report.count(status):,}")

if not report.ok:
    st.error(
        f"{report.error_rows:,} row{'s' if report.error_rows != 1 else ''} cannot be imported. Fix the "
        "problems below in your file and upload it again; nothing is imported until every row is right.",
        icon=":material/error:",
    )
    st.subheader("Problems")
    with st.container(key="import_problems"):
        show_table(problems, hide_index=True, width="stretch")
    st.download_button(
        "Download the problems (CSV)", exports.to_csv(problems),
        file_name=f"import-problems-{digest[:8]}.csv", mime="text/csv", icon=":material/download:",
    )

st.subheader("Rows")
with st.container(key="import_rows"):
    height = min(400, 38 + 35 * len(report.rows))  # a short file gets a short table
    show_table(report.rows_frame(), hide_index=True, width="stretch", height=height)

n = report.to_write
label = f"Import {n:,} row{'s' if n != 1 else ''}"
if report.ok and n == 0:
    st.info("Nothing to import: every row is already in the database as it is in the file.")
clicked = st.button(
    label, type="primary", disabled=not report.ok or n == 0, key="import_commit", icon=":material/upload:"
)
if clicked:
    try:
        with st.spinner("Importing..."):
            result = importing.run_import(store, actor, data, uploaded.name)
    except (PermissionDenied, StorageError) as exc:
        st.error(str(exc)[:1].upper() + str(exc)[1:], icon=":material/error:")
        st.stop()
    st.session_state.pop("import_preview", None)
    if result.committed:
        st.session_state["import_done"] = plain(f"imported {uploaded.name}: {result.summary()}.")
        st.rerun()
    st.session_state["import_preview"] = (state, result)
    st.rerun()
