"""Spreadsheet import: validating and committing a 10,000-row workbook (target: at most 10 s on the
development machine), beside the baseline of logging the same rows one by one through
``services.records.log_commitment``. The ratio is in the JSON report (``extra_info``) of both benchmarks.

``PARTNERS_BENCH_BASELINE_ROWS`` runs the baseline on fewer rows (it takes minutes at 10,000); the ratio is
then computed per row and the JSON says how many rows the baseline logged.
"""

from __future__ import annotations

import os
from typing import Any

from partners.domain.model import SYSTEM
from partners.importing.report import RowStatus
from partners.services import importing, records

ROWS = 10_000  # the size of the ``summit_workbook`` fixture
TARGET_SECONDS = 10.0
BASELINE_ROWS = int(os.environ.get("PARTNERS_BENCH_BASELINE_ROWS", ROWS))

_measured: dict[str, Any] = {}


def test_import_validates_and_commits_a_10000_row_workbook(benchmark, summit_workbook, fresh_store) -> None:
    stores = []

    def fresh():
        stores.append(fresh_store())
        return (stores[-1],), {}

    def run(store):
        return importing.run_import(store, SYSTEM, summit_workbook, "summit-10000.xlsx")

    report = benchmark.pedantic(run, setup=fresh, rounds=3, iterations=1)

    assert report.committed, report.problems[:3]
    assert report.count(RowStatus.NEW) == ROWS
    assert all(s.count("commitments") == ROWS for s in stores)
    mean = benchmark.stats.stats.mean
    benchmark.extra_info.update(
        rows=ROWS,
        file_bytes=len(summit_workbook),
        target_seconds=TARGET_SECONDS,
        within_target=mean <= TARGET_SECONDS,
        rows_per_second=round(ROWS / mean),
    )
    _measured["import"] = (mean, benchmark.extra_info)


def test_baseline_logs_the_same_rows_one_by_one(benchmark, summit_workbook, fresh_store) -> None:
    # The same validated commitments the import writes (reading and checking the file is not timed here).
    commitments = importing.new_commitments(fresh_store(), SYSTEM, summit_workbook, "summit-10000.xlsx")
    commitments = commitments[:BASELINE_ROWS]
    stores = []

    def fresh():
        stores.append(fresh_store())
        return (stores[-1],), {}

    def run(store):
        for c in commitments:
            records.log_commitment(store, SYSTEM, c)

    benchmark.pedantic(run, setup=fresh, rounds=1, iterations=1)

    assert stores[-1].count("commitments") == len(commitments)
    baseline = benchmark.stats.stats.mean
    info = {
        "baseline_rows": len(commitments),
        "baseline_seconds": round(baseline, 3),
        "baseline_seconds_per_10000_rows": round(baseline / len(commitments) * ROWS, 3),
        "baseline_excludes": "reading and validating the file",
    }
    benchmark.extra_info.update(info)
    if "import" in _measured:
        mean, import_info = _measured["import"]
        ratio = round((baseline / len(commitments)) / (mean / ROWS), 1)
        benchmark.extra_info["ratio_baseline_over_import"] = ratio
        import_info.update(info, import_seconds=round(mean, 3), ratio_baseline_over_import=ratio)
