"""Import a spreadsheet: upload, preview each row's status and problems, then import all or nothing."""

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from partners.domain.permissions import PermissionDenied, UseCase, can
from partners.importing import columns
from partners.importing.columns import SheetKind
from partners.importing.report import RowStatus
from partners.presentation import exports, labels, urls
from partners.services import cache, history, importing
from partners.services.errors import StorageError, ValidationFailed
from partners.ui import forms
from partners.ui.forms import PAGES_DIR
from partners.ui.session import current_actor, get_store, show_table


def plain(text: str) -> str:
    """Text from the file (sheet and file names), capitalised and shown literally, never as Markdown."""
    return forms.plain(text[:1].upper() + text[1:])


COMMITMENTS_PAGE = PAGES_DIR / "commitments.py"
PARTNERS_PAGE = PAGES_DIR / "partners_admin.py"
ADDED_KINDS = {SheetKind.PARTNERS: "Partner", SheetKind.EVENTS: "Summit or plan"}

store, actor = get_store(), current_actor()
st.title("Import a spreadsheet")
if not can(actor, UseCase.LOG_COMMITMENT):
    st.error("Importing is for the secretariat: your role may not log commitments.", icon=":material/block:")
    st.stop()
st.caption(
    "Take in the pledges of a summit (with the new partners and summits they name), or progress updates, from "
    "an Excel workbook (.xlsx) or a CSV file. "
    "Upload it to see every row's status and any problems (row, column, what is wrong, how to fix it). "
    "Nothing is imported while a row has a problem; then everything is imported at once. Importing the "
    "same file again changes nothing: the external_ref column says which commitment a row is."
)

with st.expander("Templates and columns", icon=":material/download:"):
    st.write(
        f"Several partners, countries or framework items go in one cell, separated by "
        f"'{columns.LIST_SEPARATOR}'. Mark the lead partner with '(lead)'. A partner or summit that is not "
        "in the app yet goes on the workbook's 'Partners' or 'Events' sheet: it is added in the same "
        f"import. Limits: {columns.MAX_FILE_BYTES // (1024 * 1024)} MB and "
        f"{columns.MAX_ROWS:,} rows per file."
    )
    st.download_button(
        "Excel template (.xlsx)",
        cache.cached(importing.template_xlsx, store, actor),  # made once per data version
        file_name=columns.template_file_name(),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:",
    )
    for column, (kind, spec) in zip(st.columns(len(columns.SHEETS)), columns.SHEETS.items(), strict=True):
        column.download_button(
            f"CSV template: {spec.title.lower()}",
            columns.template_csv(kind),
            file_name=columns.template_file_name(kind),
            mime="text/csv",
            icon=":material/csv:",
            key=f"import_template_{kind.value}",
        )
    show_table(columns.columns_table(), hide_index=True, width="stretch")

if done := st.session_state.pop("import_done", None):
    st.success(done["message"], icon=":material/check_circle:")
    written = done["rows"]
    if written:
        st.subheader("Imported commitments")
        with st.container(key="import_done_rows"):
            show_table(
                pd.DataFrame(written, columns=["open", "Reference", "Title", "Done", "Review state"]),
                column_config={
                    "open": st.column_config.LinkColumn("Open", display_text="Open", help="The commitment's page"),
                },
                height=min(400, 38 + 35 * len(written)),
            )
        st.page_link(
            COMMITMENTS_PAGE,
            label=f"Show exactly these {len(written):,} commitments on the Commitments page",
            icon=":material/filter_list:",
            query_params={"import": done["file"], "sha": done["sha"]},
        )
    if added := done.get("added"):
        st.subheader("Added partners, summits and plans")
        with st.container(key="import_done_added"):
            show_table(pd.DataFrame(added, columns=["Kind", "Name", "Id"]), hide_index=True,
                       height=min(400, 38 + 35 * len(added)))
        st.page_link(PARTNERS_PAGE, label="Open the Partners and events page", icon=":material/groups:")

uploaded = st.file_uploader(
    "Spreadsheet to import",
    type=["xlsx", "csv"],
    key="import_file",
    max_upload_size=columns.MAX_FILE_BYTES // (1024 * 1024),
    help="An .xlsx workbook with a 'Commitments' and/or a 'Progress updates' sheet (and 'Partners' and "
    "'Events' sheets for new ones), or a CSV file "
    "of one kind. Its own column names are matched to ours; the preview shows how, and lets you change it.",
)
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
digest = hashlib.sha256(data).hexdigest()
# The officer's column mapping for this file (None: matched automatically).
chosen = st.session_state.get("import_columns")
overrides = chosen[1] if chosen is not None and chosen[0] == digest else None
# Validating thousands of rows takes a moment: keep the preview while the same file is on screen, with the
# same mapping, and the database has not changed (every write adds an audit entry, so their count tells).
state = (digest, repr(overrides), cache.cached(history.change_count, store, actor))
cached = st.session_state.get("import_preview")
if cached is None or cached[0] != state:
    try:
        with st.spinner("Checking every row..."):
            report = importing.preview_import(store, actor, data, uploaded.name, overrides)
    except PermissionDenied as exc:
        st.error(str(exc), icon=":material/block:")
        st.stop()
    st.session_state["import_preview"] = (state, report)
else:
    report = cached[1]

for warning in report.warnings:
    st.warning(plain(warning), icon=":material/warning:")


def show_hints(problems: pd.DataFrame) -> None:
    """How to fix each kind of problem, in words that wrap (the table cuts long cells)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for sheet, row, column, _, hint in problems.itertuples(index=False, name=None):
        where = str(sheet) if pd.isna(row) else f"{sheet} row {int(row)}"
        groups.setdefault((str(column or ""), str(hint)), []).append(where)
    with st.container(key="import_hints"):
        st.markdown("**How to fix**")
        for index, ((column, hint), places) in enumerate(groups.items()):
            if index == 30:
                st.caption(f"... and {len(groups) - 30:,} more: download the problems for all of them.")
                break
            shown = ", ".join(places[:6]) + (f" and {len(places) - 6:,} more" if len(places) > 6 else "")
            head = f"{shown}" + (f", {column}" if column else "")
            st.markdown(f"- **{forms.plain(head)}**: {forms.plain(hint)}")


def mapping_section() -> None:
    """The column mapping: shown, changeable (a select per header), saved and reused by name."""
    if not report.mappings:
        return
    unsettled = any(m.problems for m in report.mappings) or any(
        h.how not in ("name",) for m in report.mappings for h in m.headers
    )
    with st.expander("Columns: how the file's headers are read", expanded=unsettled,
                     icon=":material/view_column:"):
        st.caption(
            "Each header of the file and the column of ours it is read as: by its name, a known synonym or "
            "a similar name. Headers not read are listed too. Change any of them below, then check again."
        )
        with st.container(key="import_mapping"):
            show_table(report.mapping_frame(), hide_index=True, width="stretch")
        for m in report.mappings:
            if m.header_currency:
                st.caption(plain(
                    f"{m.sheet}: budgets are in {m.header_currency}, as the budget's header says, where a row "
                    "gives no currency."
                ))
        with st.form("import_mapping_form", border=False):
            picked: list[tuple[Any, dict[str, str | None]]] = []
            for m in report.mappings:
                options = [None, *(c.name for c in columns.SHEETS[m.kind].columns)]
                title = m.sheet if m.sheet != "CSV" else columns.SHEETS[m.kind].title
                st.markdown(f"**{plain(title)}**")
                choices: dict[str, str | None] = {}
                cols = st.columns(3)
                for i, h in enumerate(m.headers):
                    choices[h.text] = cols[i % 3].selectbox(
                        forms.plain(f"{h.text} (column {h.letter})"),
                        options,
                        index=options.index(h.column),
                        format_func=lambda c: "(not read)" if c is None else c,
                        key=f"import_map_{m.kind.value}_{m.sheet}_{h.index}",
                    )
                picked.append((m.kind, choices))
            if st.form_submit_button("Check again with this mapping", icon=":material/refresh:"):
                try:
                    new = {kind: importing.overrides_from_choices(kind, ch) for kind, ch in picked}
                except ValidationFailed as exc:
                    st.error("Not changed: " + plain("; ".join(exc.problems)), icon=":material/error:")
                else:
                    st.session_state["import_columns"] = (digest, new)
                    st.rerun()
        saved = cache.cached(importing.saved_mappings, store, actor)
        c1, c2 = st.columns(2)
        with c1.form("import_mapping_use", border=False):
            fitting = importing.fitting_mappings(saved, report)
            names = fitting + [n for n in saved if n not in fitting]
            name = st.selectbox(
                "Use a saved mapping",
                names,
                index=None,
                format_func=lambda n: n + (" (made for a file like this one)" if n in fitting else ""),
                placeholder="Choose a saved mapping" if names else "No mapping saved yet",
                disabled=not names,
            )
            if st.form_submit_button("Use it", disabled=not names) and name:
                st.session_state["import_columns"] = (digest, importing.mapping_overrides(saved[name]))
                st.rerun()
        with c2.form("import_mapping_save", border=False):
            new_name = st.text_input("Save this mapping as", max_chars=importing.MAX_MAPPING_NAME,
                                     placeholder="e.g. Rapporteurs' workbook 2025")
            blocked = any(m.problems for m in report.mappings)
            if st.form_submit_button("Save the mapping", disabled=blocked):
                try:
                    saved_as = importing.save_mapping(store, actor, new_name, report)
                except ValidationFailed as exc:
                    st.error("Not saved: " + plain("; ".join(exc.problems)), icon=":material/error:")
                else:
                    st.success(plain(f"saved the mapping '{saved_as}'."), icon=":material/check_circle:")


mapping_section()

problems = report.problems_frame()
if report.file_problems:
    st.error("This file cannot be imported. Nothing was changed.", icon=":material/error:")
    with st.container(key="import_file_problems"):
        show_table(problems, hide_index=True, width="stretch")
    show_hints(problems)
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
    show_hints(problems)
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
            result = importing.run_import(store, actor, data, uploaded.name, overrides=overrides)
    except (PermissionDenied, StorageError) as exc:
        st.error(str(exc)[:1].upper() + str(exc)[1:], icon=":material/error:")
        st.stop()
    st.session_state.pop("import_preview", None)
    if result.committed:
        st.session_state["import_done"] = {
            "message": plain(f"imported {uploaded.name}: {result.summary()}."),
            "file": result.file_name,
            "sha": result.sha256[:16],
            "rows": [
                [
                    urls.commitment_url(r.commitment_id),
                    r.external_ref,
                    r.summary,
                    "created" if r.status is RowStatus.NEW else "updated",
                    labels.review_state_label(r.review_state),
                ]
                for r in result.rows
                if r.commitment_id is not None
            ],
            "added": [
                [ADDED_KINDS[r.kind], r.summary, r.record_id]
                for r in result.rows
                if r.kind in ADDED_KINDS and r.record_id is not None
            ],
        }
        st.rerun()
    st.session_state["import_preview"] = (state, result)
    st.rerun()
