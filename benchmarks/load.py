"""Many people at once: N concurrent sessions browsing the Overview, Countries and Commitments pages of one
`streamlit run` server on 127.0.0.1, each page time measured from asking for the page to the end of its
script run, with every message of the page received.

Each session is a websocket client speaking Streamlit's own protocol (the ``BackMsg``/``ForwardMsg``
protobufs the browser exchanges with the server, from the installed Streamlit): it asks for a page as the
browser does when a menu entry is clicked (a ``rerun_script`` naming the page), and reads every message
until ``script_finished``. So each page view is a real script run with its real output sent over a real
socket, without a browser per session competing with the server for the CPU (50 headless Chromium tabs
would measure the browsers). What a browser adds on top (drawing) is in the cold-start figure.

A page view is an error when the connection fails, the run does not finish within ``page_timeout``, the
page shows an exception or no title, or the run ends otherwise than successfully. The test is bounded: each
level stops starting page views after ``duration`` seconds and each session after ``rounds`` rounds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.core import Entry, one

PAGES = ("overview", "countries", "commitments")  # url paths, in the order a visitor browses them


@dataclass(frozen=True)
class Level:
    sessions: int
    duration: float = 60.0  # seconds after which no session starts another page view
    rounds: int = 3  # each session browses the pages this many times at most
    think: tuple[float, float] = (2.0, 5.0)  # seconds a person reads a page before the next (uniform)
    page_timeout: float = 120.0


@dataclass
class View:
    page: str
    seconds: float
    error: str = ""
    received: int = 0  # bytes


@dataclass
class Outcome:
    level: Level
    views: list[View] = field(default_factory=list)
    wall: float = 0.0

    def times(self, page: str | None = None) -> list[float]:
        return [v.seconds for v in self.views if not v.error and (page is None or v.page == page)]

    @property
    def errors(self) -> list[View]:
        return [v for v in self.views if v.error]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), nearest-rank on the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def _view(ws, page: str, timeout: float) -> View:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ask = BackMsg()
    ask.rerun_script.query_string = ""
    ask.rerun_script.page_name = page
    started = time.perf_counter()
    await ws.send(ask.SerializeToString())
    title, error, received = "", "", 0
    async with asyncio.timeout(timeout):
        while True:
            data = await ws.recv()
            received += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                shown = element.WhichOneof("type")
                if shown == "heading" and not title:
                    title = element.heading.body
                elif shown == "exception" and not error:
                    error = f"exception: {element.exception.message[:120]}"
            elif kind == "page_not_found":
                error = "page not found"
            elif kind == "script_finished":
                if msg.script_finished not in (0, 3):  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                    error = error or f"script finished with status {msg.script_finished}"
                break
    if not title and not error:
        error = "no title shown"
    return View(page, time.perf_counter() - started, error, received)


async def _session(url: str, level: Level, deadline: float, out: Outcome, rng: random.Random) -> None:
    import websockets

    await asyncio.sleep(rng.uniform(0, 1))  # people do not arrive in the same millisecond
    try:
        async with websockets.connect(
            url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"], origin=url, max_size=None, open_timeout=60, ping_interval=None,
        ) as ws:  # fmt: skip
            for _ in range(level.rounds):
                for page in PAGES:
                    if time.monotonic() > deadline:
                        return
                    started = time.perf_counter()
                    try:
                        out.views.append(await _view(ws, page, level.page_timeout))
                    except TimeoutError:
                        out.views.append(View(page, time.perf_counter() - started, "timed out"))
                        return
                    await asyncio.sleep(rng.uniform(*level.think))
    except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is an error of the test
        out.views.append(View("connect", 0.0, f"connection: {type(exc).__name__}: {exc}"[:160]))


async def _run(url: str, level: Level, seed: int) -> Outcome:
    out = Outcome(level)
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = started + level.duration
    await asyncio.gather(*(_session(url, level, deadline, out, random.Random(rng.random()))
                           for _ in range(level.sessions)))  # fmt: skip
    out.wall = time.monotonic() - started
    return out


def run_level(url: str, level: Level, seed: int = 12) -> Outcome:
    """Browse ``url`` with ``level.sessions`` concurrent sessions; every page view and error. Runs its own
    event loop, in a thread of its own when the caller's thread already has one (Playwright's, in tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_run(url, level, seed))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(url, level, seed)).result()


def summary(out: Outcome) -> dict[str, Any]:
    times = out.times()
    return {
        "sessions": out.level.sessions,
        "page_views": len(out.views),
        "errors": len(out.errors),
        "error_kinds": sorted({v.error for v in out.errors}),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "max": max(times) if times else None,
        "mean": statistics.fmean(times) if times else None,
        "per_page": {
            p: {"p50": percentile(out.times(p), 50), "p95": percentile(out.times(p), 95), "n": len(out.times(p))}
            for p in PAGES
        },  # fmt: skip
        "wall_seconds": round(out.wall, 1),
        "think_seconds": list(out.level.think),
        "duration_bound": out.level.duration,
        "rounds_bound": out.level.rounds,
        "megabytes_received": round(sum(v.received for v in out.views) / 1e6, 1),
    }


def measure_load(db: Path, folder: Path, levels: list[Level], entries: dict[str, Entry], log=print) -> None:
    """Each level against a server of its own (so one level's memory and caches do not carry into the next),
    warmed by one visitor: p50 and p95 page times, errors, and the server's peak memory afterwards."""
    from benchmarks.browser import memory_mb, serve

    for level in levels:
        n = level.sessions
        log(f"  load: {n} sessions ...")
        found: dict[str, Any] = {}

        def work(level: Level = level, found: dict[str, Any] = found) -> float:
            with serve(db, folder, f"load-{level.sessions}") as server:
                # One visitor first, not counted: the server has imported and opened everything, as a server
                # that has been running has (the first visitor's wait is the cold-start figure).
                run_level(server.url, Level(1, rounds=1, think=(0, 0), page_timeout=level.page_timeout))
                out = run_level(server.url, level)
                found.update(summary(out), server_peak_mb=round(memory_mb(server.pid)["VmHWM"], 1))
            if found["p95"] is None:
                raise RuntimeError(f"no page view succeeded: {found['error_kinds'][:3]}")
            return found["p95"]

        entry = one(entries, f"load.{n}.p95", f"{n} concurrent sessions: p95 page time", "load", work)
        entry.info.update(found)
        for key, label, value, unit in (
            (f"load.{n}.p50", f"{n} concurrent sessions: p50 page time", found.get("p50"), "s"),
            (f"load.{n}.errors", f"{n} concurrent sessions: page views that failed", found.get("errors"), "count"),
        ):
            item = Entry(key, label, "load", unit, wanted=1, error=entry.error)
            if value is not None:
                item.values = [float(value)]
            item.info = {"page_views": found.get("page_views"), "error_kinds": found.get("error_kinds")}
            entries[key] = item
