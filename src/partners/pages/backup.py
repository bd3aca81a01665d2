"""Backup and restore: download the whole database as a ZIP; restore it from one (admins, after a check)."""

from datetime import datetime

import pandas as pd
import streamlit as st

from partners.domain.permissions import PermissionDenied, UseCase, authorize, can
from partners.presentation.wording import plural
from partners.services import backup
from partners.ui.session import current_actor, get_store, show_table
from partners.ui.text import plain

store, actor = get_store(), current_actor()
st.title("Backup and restore")

try:
    authorize(actor, UseCase.BACKUP_DATABASE)
except PermissionDenied as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()

st.subheader("Download a backup")
st.write(
    "The whole database in one ZIP file: a Parquet file per table and a `manifest.json` with the schema "
    "version, row counts and checksums. It holds private records: keep it where only the secretariat can "
    "read it. Each download is recorded in the change history."
)


def _make_backup() -> bytes:
    # Runs when the button is pressed, so the backup is as of that moment (and only then audited).
    return backup.create_backup(store, actor).data


st.download_button(
    "Download a backup (.zip)",
    data=_make_backup,
    file_name=f"partners-backup-{datetime.now():%Y%m%d-%H%M}.zip",
    mime="application/zip",
    icon=":material/download:",
    type="primary",
)

st.subheader("Restore from a backup")
if not can(actor, UseCase.BACKUP_RESTORE):
    st.info("Only administrators can restore a backup.", icon=":material/lock:")
    st.stop()

if flash := st.session_state.pop("restore_flash", None):
    st.success(flash, icon=":material/check_circle:")

st.write(
    "Restoring **replaces every record in this database** with the backup's. The file is checked first "
    "(that it is a partners backup of this schema version, complete and undamaged, and that every row is a "
    "record this app accepts, referring only to records in the backup); nothing changes "
    "until you confirm, and a failed restore leaves the database as it was."
)
# A new key after each restore empties the uploader.
upload_key = f"restore_upload_{st.session_state.get('restore_round', 0)}"
upload = st.file_uploader("Backup file", type=["zip"], key=upload_key)
if upload is None:
    st.stop()

data = upload.getvalue()
try:
    checked = backup.check_archive(store, actor, data)
except (backup.BackupRefused, PermissionDenied) as exc:
    # The reason quotes the archive's own values (a role, an address): shown as text, never as Markdown.
    st.error(f"This file cannot be restored: {plain(exc)}", icon=":material/block:")
    st.stop()

manifest = checked.manifest
st.write(
    f"Backup made **{manifest.created_at.replace('T', ' ')}** by **{plain(manifest.created_by or 'unknown')}**, "
    f"schema version {manifest.schema_version}."
)
current = backup.row_counts(store, actor)
show_table(
    pd.DataFrame(
        [
            {"Table": t, "Rows now": current.get(t, 0), "Rows in the backup": n}
            for t, n in manifest.rows().items()
        ]
    ),
    hide_index=True,
)
# A restore installs the backup's user list too: say who will be able to administer the app.
st.write(
    "Administrators after the restore: "
    + (plain(", ".join(checked.admins)) if checked.admins else "**none**")
)
for note in checked.account_notes():
    st.warning(plain(note), icon=":material/admin_panel_settings:")
confirmed = st.checkbox("I understand that every record in this database will be replaced by the backup's")
if st.button("Restore this backup", type="primary", disabled=not confirmed, icon=":material/restore:"):
    try:
        backup.restore_backup(store, actor, data)
    except (backup.BackupRefused, PermissionDenied) as exc:
        st.error(f"Nothing was changed: {plain(exc)}", icon=":material/block:")
    else:
        st.session_state["restore_flash"] = (
            f"Restored the backup of {manifest.created_at.replace('T', ' ')} "
            f"({plural(sum(manifest.rows().values()), 'row')} in {plural(len(manifest.tables), 'table')})."
        )
        st.session_state["restore_round"] = st.session_state.get("restore_round", 0) + 1
        st.rerun()
