"""The layer contracts (pyproject.toml, [tool.importlinter]) hold, and breaking one fails with a message that
names the offending import. See docs/architecture.md for the layers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "partners"
LINT = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the project's import contracts over the package under ``root/src``."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def copy_of_the_tree(tmp_path: Path) -> Path:
    """The package and its contracts copied aside, free to break."""
    shutil.copytree(SRC, tmp_path / "src" / "partners", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_import_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_page_that_imports_duckdb_breaks_the_contracts_and_the_message_names_it(copy_of_the_tree: Path) -> None:
    page = copy_of_the_tree / "src" / "partners" / "pages" / "overview.py"
    page.write_text(page.read_text() + "\nimport duckdb  # a page reaching below the services\n")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "partners.pages.overview -> duckdb" in result.stdout


def test_a_service_that_imports_streamlit_breaks_the_contracts(copy_of_the_tree: Path) -> None:
    service = copy_of_the_tree / "src" / "partners" / "services" / "read.py"
    service.write_text(service.read_text() + "\nimport streamlit\n")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "partners.services.read -> streamlit" in result.stdout


def test_a_cycle_between_service_modules_breaks_the_contracts(copy_of_the_tree: Path) -> None:
    settings = copy_of_the_tree / "src" / "partners" / "services" / "settings.py"
    settings.write_text(settings.read_text() + "\nfrom partners.services import read  # noqa: E402\n")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "No import cycles between service modules" in result.stdout
    assert "BROKEN" in result.stdout


#: A statement of SQL in a Python string: a keyword that starts a statement, then what it acts on.
SQL = re.compile(
    r"""["'](?:\s*)(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|ALTER\s+TABLE)\b"""
)


def test_no_sql_outside_storage() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if "storage" in path.relative_to(SRC).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_sql_detector_would_see_a_query() -> None:
    assert SQL.search('    rows = store.query_rows("SELECT id FROM commitments WHERE x = ?")')
    assert not SQL.search('    """Select the partners from the list."""')
