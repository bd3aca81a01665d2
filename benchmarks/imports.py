"""The import of a 10,000-row summit workbook into a copy of each scale's database (with the 300 partners
and the summit the workbook names added first), beside the baseline of logging the same validated
commitments one by one through ``services.records.log_commitment``.

The row-by-row baseline is slow (minutes for 10,000 rows), so it logs ``baseline_rows`` of them and the
report scales its time to 10,000 rows (``info.baseline_rows`` says how many it logged)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl

from benchmarks.core import Entry, Plan, Stopwatch, measure
from benchmarks.databases import working_copy
from partners.domain.model import SYSTEM, Event, EventKind, Partner, StakeholderType
from partners.importing import columns
from partners.storage import open_store

ROWS = 10_000
PARTNERS = 300
SUMMIT = "Benchmark Summit 2025"
COUNTRIES = ["Kenya", "UK", "Türkiye", "Turkey", "Cote d'Ivoire", "PHL", "BRA", "Germany", "India", "Viet Nam"]
ITEMS = ["MNR 4", "MNR-2016:12", "Dedicated law enforcement", "GA-2012:T1", "VP 3", "MNR 16"]
DEADLINES = [date(2027, 12, 31), "2027-12-31", "31/12/2027", "31 December 2027"]


def partner_names() -> list[str]:
    kinds = list(StakeholderType)
    return [f"{kinds[i % len(kinds)].label} partner nº {i:03d}" for i in range(PARTNERS)]


def workbook(rows: int = ROWS) -> bytes:
    """A summit workbook of ``rows`` valid pledges, written the ways people write them: 1-3 partners with a
    lead mark in various cases, country names and codes in several variants, dates as cells and text."""
    names = partner_names()
    wb = openpyxl.Workbook(write_only=True)
    sheet = wb.create_sheet("Commitments")
    sheet.append([c.name for c in columns.COMMITMENT_COLUMNS])
    for i in range(rows):
        chosen = [names[(i * 7 + k * 31) % len(names)] for k in range(1 + i % 3)]
        partners = "; ".join([f"{chosen[0].upper() if i % 5 == 0 else chosen[0]} (lead)", *chosen[1:]])
        countries = "; ".join(COUNTRIES[(i + k) % len(COUNTRIES)] for k in range(1 + i % 3))
        values = {
            "external_ref": f"BENCH25-{i:05d}",
            "title": f"Pledge {i}: train frontline staff to recognise online grooming",
            "description": "Made on stage at the summit and confirmed by letter.",
            "partners": partners,
            "countries": "global" if i % 10 == 0 else countries,
            "framework_items": f"{ITEMS[i % len(ITEMS)]}; {ITEMS[(i + 2) % len(ITEMS)]}",
            "deliverable": "A training programme run every year",
            "indicator": "Staff trained",
            "unit": "people",
            "baseline": 0,
            "target_value": 100 + i % 900,
            "start_date": date(2025, 7, 1),
            "deadline": DEADLINES[i % len(DEADLINES)],
            "budget": 10_000 + i if i % 2 else None,
            "currency": "USD" if i % 2 else None,
            "event": SUMMIT if i % 4 else None,
            "visibility": ["Private", "Members", "Public"][i % 3],
        }
        sheet.append([values.get(c.name) for c in columns.COMMITMENT_COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def prepare(source: Path, folder: Path) -> Path:
    """A copy of ``source`` with the workbook's partners and summit added (the state before the import)."""
    from partners.services.bulk import Dataset, load_dataset

    path = working_copy(source, folder, "import-base.duckdb")
    store = open_store(path)
    kinds = list(StakeholderType)
    try:
        load_dataset(store, SYSTEM, Dataset(
            partners=[Partner(id=i + 1, name=name, stakeholder_type=kinds[i % len(kinds)])
                      for i, name in enumerate(partner_names())],
            events=[Event(id=1, name=SUMMIT, kind=EventKind.SUMMIT, date=date(2025, 6, 1))],
        ))  # fmt: skip
    finally:
        store.close()
    return path


def measure_import(source: Path, folder: Path, plan: Plan, entries: dict[str, Entry], *, rows: int = ROWS,
                   baseline_rows: int = 300) -> None:  # fmt: skip
    """The import of ``rows`` rows (each sample into a fresh copy), and the row-by-row baseline."""
    from partners.importing.report import RowStatus
    from partners.services import importing, records

    base = prepare(source, folder)
    data = workbook(rows)
    counts: list[int] = []

    def sample() -> dict[str, float]:
        store = open_store(working_copy(base, folder, "import.duckdb"))
        try:
            watch = Stopwatch()
            with watch("import.rows"):
                report = importing.run_import(store, SYSTEM, data, f"summit-{rows}.xlsx")
            if not report.committed:
                raise RuntimeError(f"the import did not commit: {report.problems[:3]}")
            counts.append(report.count(RowStatus.NEW))
            return watch.sample
        finally:
            store.close()

    measure(entries, {"import.rows": (f"Import of {rows:,} rows (validate and commit)", "import")}, sample, plan,
            info={"rows": rows, "file_bytes": len(data)})  # fmt: skip
    if counts:
        entries["import.rows"].info["new_rows"] = counts[-1]

    store = open_store(base)
    try:
        chosen = importing.new_commitments(store, SYSTEM, data, "summit.xlsx")[:baseline_rows]
    finally:
        store.close()

    def one_by_one() -> dict[str, float]:
        store = open_store(working_copy(base, folder, "import.duckdb"))
        try:
            watch = Stopwatch()
            with watch("baseline.import"):
                for commitment in chosen:
                    records.log_commitment(store, SYSTEM, commitment)
            # Scaled to the import's row count: the baseline logs fewer rows (it takes minutes).
            return {"baseline.import": watch.sample["baseline.import"] / len(chosen) * rows}
        finally:
            store.close()

    label = f"Row-by-row inserts ({len(chosen):,} rows, scaled to {rows:,})"
    measure(entries, {"baseline.import": (label, "baselines")}, one_by_one, Plan(min(plan.runs, 3), 0, plan.budget),
            info={"baseline_rows": len(chosen), "scaled_to": rows})  # fmt: skip
