"""Access probes replayed: local mode reached through a port forwarder, a database another program holds,
and the pins of what sign-in rests on (Authlib's version, the Chromium the browser tests use).

Everything runs on this machine's loopback addresses only: the app, the forwarder (a plain TCP relay in a
thread), and Chromium, which is told that ``partners.test`` is 127.0.0.1 (``--host-resolver-rules``) so
it sends that name as the ``Host``, exactly as a browser on another machine reaching a forwarder would.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from streamlit.testing.v1 import AppTest

from conftest import CHROMIUM, ROOT, run_app
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.ui import auth, session
from snapshots import everything

TIMEOUT = 30_000  # ms, for any one thing to appear
FORWARDED_NAME = "partners.test"  # mapped to 127.0.0.1 inside the test's Chromium only
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# -- the decision, unit by unit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("localhost:8501", True), ("LOCALHOST:8501", True), ("127.0.0.1", True),
     ("127.0.0.1:8501", True), ("127.3.4.5:80", True), ("[::1]", True), ("[::1]:8501", True),
     ("app.localhost:8501", True), ("localhost.:8501", True),
     ("partners.example:9000", False), ("192.0.2.10:8501", False), ("10.0.0.1", False), ("0.0.0.0:8501", False),
     ("localhost.evil.example", False), ("127.0.0.1.nip.io", False), ("user@localhost", False),
     ("localhost:notaport", False), ("localhost/x", False), ("", False), (None, False)],
)
def test_only_a_host_naming_this_machine_counts_as_loopback(host: str | None, loopback: bool) -> None:
    assert auth.host_is_loopback(host) is loopback


def test_a_request_is_local_only_from_a_loopback_peer_for_a_loopback_host_and_origin_without_proxy() -> None:
    why = auth.not_local_because
    direct = auth.Request(host="localhost:8501", origin="http://localhost:8501")
    assert why(direct) == ""
    assert why(auth.Request(host="127.0.0.1:8501")) == ""  # no Origin sent: allowed
    assert why(auth.Request(host="[::1]:8501", origin="http://[::1]:8501")) == ""

    forwarded = why(auth.Request(host="partners.example:9000", origin="http://partners.example:9000"))
    assert forwarded.startswith("This page was reached through the address 'partners.example:9000'")
    assert "not this machine's own (localhost)" in forwarded
    assert "opened from 'https://evil.example'" in why(
        auth.Request(host="localhost:8501", origin="https://evil.example")
    )
    assert "opened from 'null'" in why(auth.Request(host="localhost:8501", origin="null"))
    assert "another machine (192.0.2.7)" in why(auth.Request(peer="192.0.2.7", host="localhost:8501"))
    assert "x-forwarded-for" in why(auth.Request(host="localhost:8501", forwarded=("x-forwarded-for",)))
    assert "no Host header" in why(auth.Request())
    assert why(auth.Request(), app_test=True) == ""  # AppTest serves no request, hence no headers
    long_host = "a" * 500 + ":1"
    assert len(why(auth.Request(host=long_host))) < 200  # a hostile header is quoted short


def test_local_mode_needs_the_request_to_be_local_and_says_why_it_refuses() -> None:
    reason = auth.not_local_because(auth.Request(host="partners.example:9000"))
    mode = auth.access_mode(auth=False, address="127.0.0.1", open_access=False, request_is_local=not reason)
    assert mode is auth.Mode.REFUSED
    text = auth.refusal("127.0.0.1", reason, 8501)
    assert text.startswith("This page was reached through the address 'partners.example:9000'")
    assert "Local mode serves only this machine: open http://localhost:8501/" in text
    assert "configure sign-in" in text
    assert auth.refusal("0.0.0.0", "", 8501) == auth.REFUSAL  # bound beyond loopback: the older refusal
    # A deliberate PARTNERS_ALLOW_OPEN_ACCESS still opens the app (under its red warning).
    assert auth.access_mode(auth=False, address="127.0.0.1", open_access=True, request_is_local=False) is (
        auth.Mode.OPEN
    )


# -- the forwarder, in Chromium -----------------------------------------------------------------------


class TcpForwarder:
    """A plain TCP relay (what socat or `ssh -L` is): listens on a loopback port, copies bytes both ways."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._listener.close()
        for s in self._sockets:
            s.close()


@dataclass(frozen=True)
class Served:
    url: str
    pid: int


@contextmanager
def serve(db: Path, log: Path) -> Iterator[Served]:
    """`streamlit run streamlit_app.py` in local mode on 127.0.0.1 (as the streamlit_server fixture), on ``db``."""
    no_secrets = log.with_name("empty-secrets.toml")
    no_secrets.write_text("")
    with run_app(db, no_secrets, log) as app:
        yield Served(app.url, app.pid)


@pytest.fixture(scope="module")
def resolving_browser(browser):
    """A second Chromium, from the same Playwright as the shared one, that resolves partners.test to
    127.0.0.1 (and nothing else differently)."""
    second = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {FORWARDED_NAME} 127.0.0.1"],
    )  # fmt: skip
    yield second
    second.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the database file, read and released (an open store would hold the file's lock)."""
    store = Store.open(db, migrate=False)
    try:
        return everything(store)
    finally:
        store.close()


def main_text(page) -> str:
    return page.locator('[data-testid="stApp"]').text_content() or ""


def expect_refused(page, url: str, reason: str) -> str:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text("Local mode serves only this machine").first.wait_for(timeout=TIMEOUT)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT)
    text = main_text(page)
    assert reason in text
    assert "Local user" not in text and auth.LOCAL_BANNER not in text and "Admin" not in text
    assert not page.get_by_role("heading", name="Users and roles").count()
    assert not page.locator('[data-testid="stSidebarNav"]').count()  # no pages offered at all
    assert not page.locator('[data-testid="stMain"] button, input, textarea').count()  # nothing to act with
    return text


@pytest.mark.browser
def test_local_mode_reached_through_a_port_forwarder_is_refused_and_changes_nothing(
    demo_db_path: Path, tmp_path: Path, resolving_browser
) -> None:
    db = tmp_path / "served.duckdb"
    shutil.copy(demo_db_path, db)
    before = snapshot(db)
    with serve(db, tmp_path / "streamlit.log") as served:
        url = served.url
        port = int(url.rsplit(":", 1)[1])
        forwarder = TcpForwarder(port)
        context = resolving_browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            # Another machine's browser, through the forwarder: it asks for the forwarder's name and port.
            text = expect_refused(
                page, f"http://{FORWARDED_NAME}:{forwarder.port}/users",
                f"This page was reached through the address '{FORWARDED_NAME}:{forwarder.port}'",
            )
            assert f"open http://localhost:{port}/" in text
            # A DNS name pointed at this machine (rebinding), without the forwarder: refused the same way.
            expect_refused(
                page, f"http://{FORWARDED_NAME}:{port}/",
                f"This page was reached through the address '{FORWARDED_NAME}:{port}'",
            )
            # The same server, asked directly on this machine: local mode, the administrator's pages.
            page.goto(f"{url}/users", wait_until="domcontentloaded")
            page.get_by_text("Local user (Admin), no sign-in").wait_for(timeout=TIMEOUT)
            page.get_by_role("heading", name="Users and roles").wait_for(timeout=TIMEOUT)
        finally:
            context.close()
            forwarder.close()
    assert snapshot(db) == before


@pytest.mark.browser
def test_a_proxys_forwarding_header_on_a_loopback_connection_is_refused(streamlit_server: str, browser) -> None:
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "192.0.2.44"})
    try:
        expect_refused(context.new_page(), streamlit_server, "This page was reached through a proxy")
    finally:
        context.close()


@pytest.mark.browser
def test_the_shared_test_server_is_local_when_asked_directly(streamlit_server: str, page) -> None:
    page.goto(streamlit_server, wait_until="domcontentloaded")
    page.get_by_text("Local user (Admin), no sign-in").wait_for(timeout=TIMEOUT)
    assert auth.LOCAL_BANNER in main_text(page)


# -- a database another program holds ----------------------------------------------------------------


@contextmanager
def held(db: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the DuckDB file (as a long `partners import` or a second app would)."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
         str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.stdin.close()  # it reads to the end of its input, then exits and lets go of the file
        holder.wait(timeout=30)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The `partners` command in its own process, as an operator runs it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "partners.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_the_cli_says_what_to_do_when_another_program_holds_the_database(store: Store) -> None:
    path = Path(store.location)
    before = everything(store)
    store.close()
    with held(path) as holder:
        done = run_cli("--db", str(path), "users", "add", "--role", "admin", "intruder@example.org")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "IOException" not in done.stderr
    assert "is busy: another program has it open" in done.stderr
    assert f"process {holder.pid}" in done.stderr  # which program to look for
    assert "stop the app (Ctrl+C in its terminal) or use the app's Import page / Backup page instead" in done.stderr
    assert snapshot(path) == before


def test_the_app_shows_a_plain_busy_page_and_recovers_once_the_file_is_free(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(store.location)
    store.close()
    monkeypatch.setenv("PARTNERS_DB", str(path))
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    with held(path):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [f"**{session.BUSY}**"]
        assert not at.title and not at.sidebar.caption  # no page ran
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.error and any(auth.LOCAL_BANNER in i.value for i in at.info)


@pytest.mark.browser
def test_a_visitor_sees_the_busy_page_without_paths_or_traceback_and_the_operator_gets_the_log(
    demo_db_path: Path, tmp_path: Path, resolving_browser
) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copy(demo_db_path, db)
    before = snapshot(db)
    log = tmp_path / "streamlit.log"
    context = resolving_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        with held(db) as holder, serve(db, log) as served:
            url = served.url
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text(session.BUSY).wait_for(timeout=TIMEOUT)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT)
            shown, html = main_text(page), page.content()
            assert "For whoever runs this app" in shown
            for leak in (str(db), str(tmp_path), "busy.duckdb", "Traceback", "IOException", "duckdb.",
                         str(holder.pid)):
                assert leak not in shown and leak not in html, leak
            assert not page.locator('[data-testid="stException"]').count()
            # A request that is not this machine's own is refused first: the refusal needs no database.
            port = int(url.rsplit(":", 1)[1])
            expect_refused(page, f"http://{FORWARDED_NAME}:{port}/", "This page was reached through the address")
            # The health check still answers (it says the server is up, not that pages can be served).
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as resp:  # noqa: S310 (loopback)
                assert resp.status == 200
            # The operator's log has the detail: which file, and which process holds it.
            logged = log.read_text(encoding="utf-8")
            assert "busy-database page" in logged and str(db) in logged and f"PID {holder.pid}" in logged
            holder.stdin.close()
            holder.wait(timeout=30)
            # Once the other program lets go, the next page view works (the failed open was not cached).
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("Local user (Admin), no sign-in").wait_for(timeout=TIMEOUT)
            assert session.BUSY not in main_text(page)
            # Now the app holds the file: the command line says so, and what to do instead.
            done = run_cli("--db", str(db), "users", "add", "--role", "admin", "intruder@example.org")
            assert done.returncode != 0 and "Traceback" not in done.stderr
            assert f"process {served.pid}" in done.stderr
            assert "stop the app (Ctrl+C in its terminal)" in done.stderr
    finally:
        context.close()
    assert snapshot(db) == before


# -- what sign-in and the browser tests rest on ------------------------------------------------------


def _declared(name: str) -> SpecifierSet:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    [spec] = [d for d in deps if re.match(rf"{name}\b", d, re.IGNORECASE)]
    return SpecifierSet(spec[len(name):].split(";")[0].strip())


def test_authlib_is_bounded_and_the_installed_one_is_within_the_bound() -> None:
    declared = _declared("Authlib")
    assert any(s.operator in ("<", "<=", "~=", "==") for s in declared), "Authlib needs an upper bound"
    assert Version("2.0") not in declared
    installed = importlib.metadata.version("Authlib")
    assert Version(installed) in declared, f"installed Authlib {installed} is outside {declared}"


def test_the_sign_in_client_warns_of_no_deprecation_but_the_known_httpx_fallback() -> None:
    """st.login runs Authlib's Starlette client; in a fresh interpreter, with every deprecation warning an
    error except the one 1.9 is known to give (its fallback to httpx, when httpx2 is not installed),
    importing it must succeed. A new deprecation inside the bound fails here: look at it before moving on."""
    known = "The httpx module is deprecated; please use httpx2 instead."
    code = (
        "import warnings\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        f"warnings.filterwarnings('ignore', message={re.escape(known)!r}, category=DeprecationWarning)\n"
        "import authlib.integrations.starlette_client as c\n"
        "import streamlit.web.server.starlette.starlette_auth_routes\n"
        "print(c.StarletteOAuth2App.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "StarletteOAuth2App"


def test_the_browser_tests_use_the_chromium_that_make_test_accepts() -> None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        assert CHROMIUM == found and Path(CHROMIUM).exists()
    else:
        assert CHROMIUM == "/usr/bin/chromium"
