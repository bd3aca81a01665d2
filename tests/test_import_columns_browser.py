"""End to end in Chromium: a rapporteur's workbook with its own column names goes from upload, through the
column mapping, to the import and the Commitments view of exactly that import."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

NEW_PARTNER = "Safe Online Kenya (mapping test)"


def _foreign_workbook(demo_db_path: Path) -> bytes:
    store = Store.open(demo_db_path, migrate=False)
    names = store.partners()["name"].tolist()[:2]
    store.db.close()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(["Summit pledges as received by the rapporteurs"])
    ws.append(["Ref", "Who", "Country / countries", "Commitment", "MNR capabilities", "Deadline for completion",
               "Notes"])
    ws.append(["MAP-1", names[0], "Kenya, Uganda", "Train investigators (MAP-1)", "16, #8", "31.12.2027", "x"])
    ws.append(["MAP-2", f"{names[1]}; {NEW_PARTNER}", "Kenya", "Open a hotline (MAP-2)", "MNR 4", "June 2027", ""])
    ws = wb.create_sheet("Partners")  # a partner the app does not have yet, added by the same import
    ws.append(["Organisation", "Type", "HQ country", "E-mail"])
    ws.append([NEW_PARTNER, "NGO", "Kenya", "hello@mapping-test.example.org"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells(container) -> list[list[str]]:
    container.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=30_000)
    rows = [
        [c.inner_text() for c in r.locator('[role="gridcell"]').all()]
        for r in container.locator('[role="row"]').all()
    ]
    return [r for r in rows if r]


def test_a_foreign_workbook_is_mapped_by_the_officer_then_imported(
    streamlit_server, page, artifacts, demo_db_path, tmp_path
) -> None:
    upload = tmp_path / "rapporteurs.xlsx"
    upload.write_bytes(_foreign_workbook(demo_db_path))
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(f"{streamlit_server}/import", wait_until="domcontentloaded")
    page.get_by_text("Import a spreadsheet").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))

    # "Who" is no column we know: partners is missing, and the mapping shows what each header became
    page.get_by_text("This file cannot be imported").wait_for(timeout=60_000)
    problems = _cells(page.locator(".st-key-import_file_problems"))
    assert [p[3] for p in problems] == ["the column partners is missing"]
    mapped = {r[2]: r[3] for r in _cells(page.locator(".st-key-import_mapping"))}
    assert mapped["Ref"] == "external_ref" and mapped["Who"] == "(not read)"
    assert mapped["Deadline for completion"] == "deadline" and mapped["Notes"] == "(not read)"
    hints = page.locator(".st-key-import_hints")
    assert "choose which of the file's columns it is in the column mapping" in hints.inner_text()
    page.screenshot(path=str(artifacts / "import-mapping-missing.png"), full_page=True)

    box = page.get_by_label(re.compile(r"^Who .{0,3}column B"))
    box.click()
    box.fill("partners")
    page.get_by_role("option", name="partners", exact=True).click()
    page.get_by_role("button", name="Check again with this mapping").click()

    button = page.get_by_role("button", name="Import 3 rows")
    button.wait_for(timeout=60_000)
    assert button.is_enabled()
    rows = _cells(page.locator(".st-key-import_rows"))
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("Partners", "", "New"), ("Pledges", "MAP-1", "New"), ("Pledges", "MAP-2", "New")
    ]
    assert "read as 30 Jun 2027 (the end of that month)" in rows[2][-1]
    page.screenshot(path=str(artifacts / "import-mapping-chosen.png"), full_page=True)
    button.click()

    page.get_by_text("Imported commitments").wait_for(timeout=60_000)
    done = _cells(page.locator(".st-key-import_done_rows"))
    assert [(r[1], r[3], r[4]) for r in done] == [("MAP-1", "created", "Draft"), ("MAP-2", "created", "Draft")]
    added = _cells(page.locator(".st-key-import_done_added"))
    assert [(r[0], r[1]) for r in added] == [("Partner", NEW_PARTNER)]
    page.screenshot(path=str(artifacts / "import-mapping-done.png"), full_page=True)
    page.get_by_role("link", name="Show exactly these 2 commitments on the Commitments page").click()
    page.get_by_text("2 commitments match").wait_for(timeout=60_000)
    page.get_by_text("created or updated by the import of rapporteurs.xlsx").wait_for(timeout=10_000)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(artifacts / "import-mapping-commitments-phone.png"), full_page=True)
