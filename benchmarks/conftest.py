"""Benchmark fixtures: a database file like the secretariat's before a summit import (reference data, 300
partners, the summit), fresh copies of it, and a 10,000-row workbook of pledges."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from partners.domain.model import SYSTEM, Event, EventKind, Partner, StakeholderType
from partners.importing import columns
from partners.services import setup
from partners.services.bulk import Dataset, load_dataset
from partners.storage.duckdb.store import DuckDBStore as Store

PARTNERS = 300
SUMMIT = "Global Summit 2025"
COUNTRIES = [
    "Kenya",
    "UK",
    "Türkiye",
    "Turkey",
    "Cote d'Ivoire",
    "PHL",
    "BRA",
    "Germany",
    "India",
    "Viet Nam",
]
ITEMS = ["MNR 4", "MNR-2016:12", "Dedicated law enforcement", "GA-2012:T1", "VP 3", "MNR 16"]
DEADLINES = [date(2027, 12, 31), "2027-12-31", "31/12/2027", "31 December 2027"]


def partner_names() -> list[str]:
    kinds = list(StakeholderType)
    return [f"{kinds[i % len(kinds)].label} partner nº {i:03d}" for i in range(PARTNERS)]


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "base.duckdb"
    store = Store.open(path)
    setup.load_reference(store, SYSTEM)
    kinds = list(StakeholderType)
    load_dataset(
        store,
        SYSTEM,
        Dataset(
            partners=[
                Partner(id=i + 1, name=name, stakeholder_type=kinds[i % len(kinds)])
                for i, name in enumerate(partner_names())
            ],
            events=[Event(id=1, name=SUMMIT, kind=EventKind.SUMMIT, date=date(2025, 6, 1))],
        ),
    )
    store.db.close()
    return path


@pytest.fixture
def fresh_store(base_db: Path, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens a new copy of the base database each call (each benchmark round starts from the same state)."""
    opened: list[Store] = []

    def make() -> Store:
        path = tmp_path / f"copy-{len(opened)}.duckdb"
        shutil.copy(base_db, path)
        store = Store.open(path)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.db.close()


#: Rows in the benchmark workbook.
ROWS = 10_000


@pytest.fixture(scope="session")
def summit_workbook() -> bytes:
    return workbook(ROWS)


def workbook(rows: int) -> bytes:
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
            "external_ref": f"GS25-{i:05d}",
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
