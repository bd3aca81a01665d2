"""Probe 7 in the browser: the Backup page checks an uploaded backup before anyone confirms, names the
accounts it would make administrators, and refuses a tampered one by table and row. Nothing is restored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_sec_restore import _set, tamper  # the archive editor of the service-level probes

from partners.domain.model import SYSTEM, Role
from partners.services import backup, users
from partners.storage import open_store

pytestmark = pytest.mark.browser


def _archives(demo_db_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A backup of the server's data plus one admin account, and the same with that account's role forged."""
    copy = tmp_path / "source.duckdb"
    shutil.copy(demo_db_path, copy)
    store = open_store(copy)
    try:
        users.add_user(store, SYSTEM, "forged@example.org", Role.ADMIN)
        data = backup.create_backup(store, SYSTEM).data
    finally:
        store.close()
    added, forged = tmp_path / "adds-an-admin.zip", tmp_path / "superuser.zip"
    added.write_bytes(data)
    forged.write_bytes(tamper(data, "users", _set(1, role="superuser")))
    return added, forged


#: The address as the page shows it: as text, with an invisible word joiner before "@" (ui.text.plain) so
#: that it never becomes a mailto link.
SHOWN = "forged\u2060@example.org"


def test_the_backup_page_names_new_admins_and_refuses_a_forged_role_by_row(
    streamlit_server, page, artifacts, demo_db_path, tmp_path
) -> None:
    added, forged = _archives(demo_db_path, tmp_path)
    page.goto(f"{streamlit_server}/backup", wait_until="domcontentloaded")
    page.get_by_text("Restore from a backup").first.wait_for(timeout=60_000)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')

    uploader.set_input_files(str(added))
    page.get_by_text(f"This backup makes these accounts administrators: {SHOWN}.").wait_for(
        timeout=60_000
    )
    assert page.get_by_text(f"Administrators after the restore: {SHOWN}").first.is_visible()
    page.screenshot(path=str(artifacts / "restore-new-admin.png"), full_page=True)

    uploader.set_input_files(str(forged))
    page.get_by_text(
        "users, row 1: role 'superuser' is not a role (valid: admin, secretariat_editor"
    ).first.wait_for(timeout=60_000)
    assert page.get_by_text("This file cannot be restored").first.is_visible()
    assert not page.get_by_role("button", name="Restore this backup").count()
