"""A real `streamlit run` server on a loopback port, and Debian's Chromium driven by Playwright:

* **cold start**: from starting the server process to the Overview drawn in a new browser context (the
  script run finished and every chart drawn); the browser itself is already running, as a visitor's is;
* **peak memory**: the server's peak resident set (``VmHWM`` of ``/proc/PID/status``) after one visitor
  has opened every page once, each in turn by its menu entry, as the local administrator.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.core import APP, ROOT, Entry, Plan, Stopwatch, child_env, measure, one
from benchmarks.pages import AppPage

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
TIMEOUT_MS = 600_000  # the slowest page at 50x must finish


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:PORT
    pid: int
    started: float  # time.perf_counter() when the process was started


def wait_for_http(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"the server at {url} did not come up: {last}")


@contextmanager
def serve(db: Path, folder: Path, name: str = "server") -> Iterator[Server]:
    """`streamlit run streamlit_app.py` on 127.0.0.1 against ``db`` in local mode (an empty secrets file),
    until the block ends; its log goes to ``folder/NAME.log``."""
    folder.mkdir(parents=True, exist_ok=True)
    secrets = folder / "secrets.toml"
    secrets.write_text("")
    port = free_port()
    with open(folder / f"{name}.log", "w") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--secrets.files", str(secrets),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=child_env({"PARTNERS_DB": str(db)}), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health")
            yield Server(f"http://127.0.0.1:{port}", proc.pid, started)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def memory_mb(pid: int) -> dict[str, float]:
    """The process's current (``VmRSS``) and peak (``VmHWM``) resident set, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024  # kB
    return found


@contextmanager
def chromium() -> Iterator:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        try:
            yield browser
        finally:
            browser.close()


#: True once every chart on the page has been drawn (Vega draws after the script run, in the browser).
_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(c => c.querySelector('canvas, svg'))"""


def open_page(page, url: str, title: str) -> None:
    """Open ``url`` and wait until the page is shown: the script run finished, its title shown, its charts
    drawn. Raises when the page shows an exception."""
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(_CHARTS_DRAWN, timeout=TIMEOUT_MS)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"{title}: the page shows an exception")


_SHOWN_AFTER = """(previous) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const title = document.querySelector('h1');
    return app && app.dataset.testScriptState === 'notRunning' && title && title.innerText !== previous;
}"""


def click_to(page, server_url: str, app_page: AppPage) -> None:
    """Go to ``app_page`` as a visitor does, by its menu entry (the same session, no reload); a page that
    is not in the menu (one commitment) is opened by its address. Waits as ``open_page`` does."""
    link = page.locator(f'a[data-testid="stSidebarNavLink"][href$="/{app_page.url_path}"]')
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if not link.count() and more.count():
        more.first.click()  # "View more": the menu shows its first entries only
    if app_page.query or not link.count():
        open_page(page, f"{server_url}/{app_page.address}", app_page.title)
        return
    previous = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
    link.first.click()
    page.wait_for_function(_SHOWN_AFTER, arg=previous, timeout=TIMEOUT_MS)
    page.wait_for_function(_CHARTS_DRAWN, timeout=TIMEOUT_MS)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"{app_page.title}: the page shows an exception")


def measure_browser(db: Path, folder: Path, pages: list[AppPage], plan: Plan, entries: dict[str, Entry],
                    *, memory: bool = True) -> None:  # fmt: skip
    """Cold start to the first page (``plan`` samples, each a new server); on the first of those servers
    (the warm-up's, when there is one), the peak memory after visiting every page once (one figure:
    memory varies little between runs)."""
    home = pages[0]
    visits: dict[str, float] = {}
    peaks: list[dict[str, float]] = []

    def visit_all(page, server: Server) -> None:
        for app_page in pages[1:]:
            started = time.perf_counter()
            click_to(page, server.url, app_page)
            visits[app_page.key] = round(time.perf_counter() - started, 3)
        peaks.append(memory_mb(server.pid))

    with chromium() as browser:

        def cold() -> dict[str, float]:
            watch = Stopwatch()
            with serve(db, folder, "cold-start") as server:
                watch.sample["browser.server_ready"] = time.perf_counter() - server.started
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                try:
                    page = context.new_page()
                    open_page(page, server.url, home.title)
                    watch.sample["browser.cold_start"] = time.perf_counter() - server.started
                    if memory and not peaks:
                        visit_all(page, server)
                finally:
                    context.close()
            return watch.sample

        measure(
            entries,
            {
                "browser.cold_start": ("Cold start to the first page in Chromium", "browser"),
                "browser.server_ready": ("Server start until it answers (health)", "browser"),
            },
            cold,
            plan,
        )
    if memory:
        entry = one(entries, "memory.server_peak", "Server peak RSS after visiting every page once", "memory",
                    lambda: peaks[0]["VmHWM"], unit="MB")  # fmt: skip
        entry.info.update(seconds_per_page_in_chromium=visits, pages=len(visits) + 1,
                          rss_at_the_end_mb=round(peaks[0]["VmRSS"], 1) if peaks else None)  # fmt: skip
        if not peaks and entries["browser.cold_start"].error:
            entry.error = entries["browser.cold_start"].error
