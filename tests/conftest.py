"""Shared fixtures: real DuckDB files (never mocks), a demo database, and a real streamlit server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from partners.domain.model import SYSTEM, Partner
from partners.services import records, setup
from partners.storage import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# The Chromium `make test` accepts (any `chromium` on PATH), else Debian's usual place.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def reference_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the schema and reference data, built once per run (loading takes ~0.5 s)."""
    path = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    template = open_store(path)
    setup.load_reference(template, SYSTEM)
    template.close()
    return path


@pytest.fixture
def store(reference_db_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh database with the schema and reference data, nothing else (a copy of the template).

    Service tests take this fixture, so they run against the configured backend (``open_store``), not a
    particular engine's class."""
    path = tmp_path / "partners.duckdb"
    shutil.copy(reference_db_path, path)
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture
def partners(store: Store) -> tuple[int, int]:
    """A Kenyan ministry and a Ugandan hotline (ids), logged by the secretariat."""
    from actors import EDITOR

    gov = records.create_partner(
        store, EDITOR, Partner(name="Kenya Ministry of ICT", stakeholder_type="government", hq_country="KEN")
    )
    hotline = records.create_partner(
        store, EDITOR, Partner(name="Uganda Hotline", stakeholder_type="hotline", hq_country="UGA")
    )
    return gov, hotline


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with reference data and a small demo dataset (built once per test run)."""
    from partners.demo import generator as demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    s = open_store(path)
    setup.load_reference(s, SYSTEM)
    setup.load_demo(s, SYSTEM, demo.generate(scale=0.2), description=demo.describe(demo.DEFAULT_SEED, 0.2))
    s.close()
    return path


@pytest.fixture
def demo_store(demo_db_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the demo database, free to change."""
    copy = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db_path, copy)
    s = open_store(copy)
    yield s
    s.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not come up: {last}")


@dataclass(frozen=True)
class RunningApp:
    url: str  # http://127.0.0.1:PORT
    port: int
    pid: int


@contextmanager
def run_app(
    db: Path, secrets: Path, log: Path, *, port: int | None = None, env: dict | None = None
) -> Iterator[RunningApp]:
    """`streamlit run streamlit_app.py` on a loopback port against ``db``, with ``secrets`` as its only secrets
    file (an empty one: local mode), logging to ``log``; stopped on exit. No STREAMLIT_* or open-access
    setting of the developer's environment leaks in; ``env`` adds variables."""
    port = port or free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    environ.pop("PARTNERS_ALLOW_OPEN_ACCESS", None)
    environ |= {"PARTNERS_DB": str(db), **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
             "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
             "--secrets.files", str(secrets)],
            cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health")
            yield RunningApp(f"http://127.0.0.1:{port}", port, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free loopback port against a copy of the demo database."""
    work = tmp_path_factory.mktemp("server")
    db = Path(shutil.copy(demo_db_path, work / "server.duckdb"))
    # An empty secrets file: the test server runs in local mode whatever a developer keeps in .streamlit/.
    no_secrets = work / "secrets.toml"
    no_secrets.write_text("")
    with run_app(db, no_secrets, work / "streamlit.log") as app:
        yield app.url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (not on PATH): `make test` installs Debian's chromium package")
        pytest.skip("chromium is missing, not on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True, scope="session")
def _no_developer_secrets() -> Iterator[None]:
    """In-process app tests (AppTest) run without sign-in unless a test configures it (``AppTest.secrets``):
    a developer's own .streamlit/secrets.toml must not turn every page into the public's view."""
    from streamlit import config

    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [])
    yield
    config.set_option("secrets.files", saved)
