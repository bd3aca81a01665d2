"""The benchmark still runs: its quick path on the small demo database, one run of everything, and the
load test's websocket client against a real server. No timing is asserted here (timings are the
benchmark's business, docs/performance.md); only that every figure is measured and reported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the benchmarks package lives beside src/

from benchmarks import inprocess, load, report  # noqa: E402
from benchmarks.core import Entry, Plan  # noqa: E402
from benchmarks.pages import app_pages  # noqa: E402


@pytest.fixture(scope="module")
def measured(demo_db_path: Path) -> dict[str, Entry]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTNERS_DB", str(demo_db_path))  # the run points the app at its copy; restored after
        found = inprocess.run(demo_db_path, Plan(runs=1, warmup=0, budget=0), import_rows=40, baseline_rows=4,
                              log=lambda _: None)  # fmt: skip
    return {k: Entry.from_json(v) for k, v in found["entries"].items()}


def test_every_page_of_the_menu_and_every_read_gets_a_number(measured: dict[str, Entry]) -> None:
    pages = app_pages()
    assert {"overview", "countries", "commitments", "worklist"} <= {p.key for p in pages}
    expected = {"page.empty", "baseline.load", "import.rows", "baseline.import"}
    expected |= {f"page.{p.key}.{kind}" for p in pages for kind in ("first", "rerun")}
    expected |= {"read.overview", "read.country", "read.commitments", "read.search", "read.commitment",
                 "read.worklist", "read.duplicates"}  # fmt: skip
    expected |= {"baseline." + k.removeprefix("read.") for k in ("read.overview", "read.country", "read.search")}
    assert expected <= set(measured), sorted(expected - set(measured))
    broken = {k: e.error for k, e in measured.items() if e.error or e.median is None}
    assert not broken, broken
    assert all(e.median > 0 and e.min <= e.median <= e.max for e in measured.values())


def test_the_baselines_compute_the_same_figures_as_the_services(measured: dict[str, Entry]) -> None:
    compared = {k: e.info.get("same") for k, e in measured.items() if k.startswith("baseline.") and "same" in e.info}
    assert len(compared) >= 5
    assert all(compared.values()), compared
    assert measured["read.duplicates"].info["names_the_original"] is True


def test_the_report_has_a_row_with_numbers_for_every_measurement(measured: dict[str, Entry]) -> None:
    table = report.table({0.2: measured}).splitlines()
    assert len(table) == 2 + len(measured)
    for entry in measured.values():
        row = next(line for line in table if line.startswith(f"| {entry.label} |"))
        assert any(c.isdigit() for c in row.split("|")[2]), row
    verdicts = report.target_summary({0.2: measured})
    assert verdicts and all(v["met"] is None for v in verdicts)  # the targets are set at 50x, not measured here


def test_the_load_client_browses_real_pages_of_a_server(streamlit_server: str) -> None:
    out = load.run_level(streamlit_server, load.Level(sessions=2, rounds=1, think=(0, 0), duration=60))
    assert [v.page for v in out.views].count("overview") == 2
    assert not out.errors, [v.error for v in out.errors]
    summary = load.summary(out)
    assert summary["page_views"] == 2 * len(load.PAGES) and summary["p95"] > 0
    assert all(v.received > 1000 for v in out.views)  # each page's elements arrived
