"""End to end in Chromium: an officer uploads the import template with two bad rows and sees the errors."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from partners.domain.model import SYSTEM
from partners.importing import columns
from partners.services import importing
from partners.storage.duckdb.store import DuckDBStore as Store

pytestmark = pytest.mark.browser

HEADER = [c.name for c in columns.COMMITMENT_COLUMNS]


def _template_with_rows(demo_db_path: Path) -> bytes:
    """The downloadable template, filled in: three good rows and two bad ones (rows 4 and 6)."""
    store = Store.open(demo_db_path, migrate=False)
    names = store.partners()["name"].tolist()[:3]
    template = importing.template_xlsx(store, SYSTEM)
    store.db.close()
    wb = openpyxl.load_workbook(io.BytesIO(template))
    sheet = wb["Commitments"]

    def row(ref: str, **values) -> list:
        data = {
            "external_ref": ref,
            "title": f"Train investigators ({ref})",
            "partners": names[0],
            "countries": "Kenya; UK",
            "framework_items": "MNR 4",
            "deadline": "31/12/2027",
            **values,
        }
        return [data.get(name) for name in HEADER]

    sheet.append(row("BROWSER-1", partners=f"{names[0].upper()} (lead); {names[1]}"))
    sheet.append(row("BROWSER-2", countries="Türkiye"))
    sheet.append(row("BROWSER-3", deadline="31/02/2027"))
    sheet.append(row("BROWSER-4", countries="global"))
    sheet.append(row("BROWSER-5", partners="Nobody We Know Ltd"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_officer_uploads_the_template_with_two_bad_rows_and_sees_the_row_errors(
    streamlit_server, page, artifacts, demo_db_path, tmp_path
) -> None:
    upload = tmp_path / "summit-pledges.xlsx"
    upload.write_bytes(_template_with_rows(demo_db_path))

    page.goto(f"{streamlit_server}/import", wait_until="domcontentloaded")
    page.get_by_text("Import a spreadsheet").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))

    page.get_by_text("2 rows cannot be imported").wait_for(timeout=60_000)
    # The problems table (a data grid) keeps its cells in an accessible table: one row per problem.
    grid = page.locator(".st-key-import_problems")
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=30_000)
    rows = [
        [cell.inner_text() for cell in row.locator('[role="gridcell"]').all()]
        for row in grid.locator('[role="row"]').all()
    ]
    problems = [r for r in rows if r]
    assert problems == [
        [
            "Commitments",
            "4",
            "deadline",
            "'31/02/2027' is not a valid date",
            "write the date as 2025-03-31 (year-month-day) or 31/03/2025 (day/month/year)",
        ],
        [
            "Commitments",
            "6",
            "partners",
            "partner 'Nobody We Know Ltd' is not in the database",
            "Correct the name, or add the partner to the workbook's 'Partners' sheet (or in the app)",
        ],
    ]

    button = page.get_by_role("button", name="Import 3 rows")
    assert button.is_disabled()
    page.set_viewport_size({"width": 1400, "height": 1500})  # room for the problems and the disabled button
    grid.scroll_into_view_if_needed()  # the app scrolls inside its main area: bring the problems on screen
    page.screenshot(path=str(artifacts / "import-preview-errors.png"), full_page=True)
    assert (artifacts / "import-preview-errors.png").stat().st_size > 10_000
