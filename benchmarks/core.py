"""Timing primitives shared by every part of the benchmark: a warm-up, then repeated samples within a time
budget, and the entries the report is made of (median, min and max of the samples, or the error that
stopped them)."""

from __future__ import annotations

import gc
import os
import statistics
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
APP = ROOT / "streamlit_app.py"
RESULTS = ROOT / "bench-results"

#: One sample: the seconds (or megabytes) each named figure took in that sample.
Sample = dict[str, float]


@dataclass(frozen=True)
class Plan:
    """How hard to measure: ``runs`` samples after ``warmup`` discarded ones. An entry whose warm-up shows
    that ``runs`` samples would take longer than ``budget`` seconds gets fewer (never fewer than one); the
    report marks it, so a slow page cannot push the whole run past its time while it is being fixed."""

    runs: int = 5
    warmup: int = 1
    budget: float = 25.0


@dataclass
class Entry:
    """One line of the report at one scale."""

    key: str  # stable, e.g. "page.worklist.first"; the targets refer to it
    label: str  # what it measures, in words
    group: str  # pages, reads, baselines, import, browser, memory, load, demo
    unit: str = "s"  # "s" or "MB"
    values: list[float] = field(default_factory=list)
    wanted: int = 0  # the samples the plan asked for (fewer when the budget cut them)
    error: str | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def min(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def max(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def capped(self) -> bool:
        return bool(self.values) and len(self.values) < self.wanted

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "group": self.group,
            "unit": self.unit,
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "n": len(self.values),
            "wanted": self.wanted,
            "capped": self.capped,
            "values": self.values,
            "error": self.error,
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(
            key=data["key"], label=data["label"], group=data["group"], unit=data.get("unit", "s"),
            values=list(data.get("values") or []), wanted=int(data.get("wanted") or 0), error=data.get("error"),
            info=dict(data.get("info") or {}),
        )  # fmt: skip


def describe_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def repeat(sample: Callable[[], Sample], plan: Plan) -> tuple[list[Sample], int]:
    """``plan.warmup`` discarded calls of ``sample``, then up to ``plan.runs`` kept ones: fewer when the
    calls so far say the next would end past ``plan.budget`` seconds (at least one is always kept).
    Returns the kept samples and how many were asked for.

    ``sample`` sets up what it needs (a fresh session, a fresh copy) and times only what it measures, with
    ``time.perf_counter``; the garbage collector runs before each call, outside every timing."""
    wanted = max(1, plan.runs)
    started = time.perf_counter()
    calls = 0
    for _ in range(plan.warmup):
        gc.collect()
        sample()
        calls += 1
    kept: list[Sample] = []
    while len(kept) < wanted:
        spent = time.perf_counter() - started
        if kept and plan.budget and spent + spent / calls > plan.budget:
            break  # the next call would end past the budget
        gc.collect()
        kept.append(sample())
        calls += 1
    return kept, wanted


def measure(
    entries: dict[str, Entry],
    labels: dict[str, tuple[str, str]],
    sample: Callable[[], Sample],
    plan: Plan,
    *,
    unit: str = "s",
    info: dict[str, Any] | None = None,
) -> None:
    """Run ``sample`` as ``repeat`` does and file each figure it returns under its key in ``entries``.

    ``labels`` maps every key the sample returns to (label, group). An exception stops the measurement and
    is filed as the error of each of those entries (the report shows it; the run goes on)."""
    made = {key: Entry(key, label, group, unit, info=dict(info or {})) for key, (label, group) in labels.items()}
    entries.update(made)
    try:
        samples, wanted = repeat(sample, plan)
    except Exception as exc:  # noqa: BLE001 - one broken measurement must not stop the others
        for entry in made.values():
            entry.error = describe_error(exc)
            entry.info["traceback"] = traceback.format_exc(limit=-6)
        return
    for key, entry in made.items():
        entry.values = [s[key] for s in samples if key in s]
        entry.wanted = wanted
        if not entry.values:
            entry.error = "no sample returned this figure"


def one(entries: dict[str, Entry], key: str, label: str, group: str, work: Callable[[], float | Sample],
        *, unit: str = "s", info: dict[str, Any] | None = None) -> Entry:  # fmt: skip
    """A figure measured once (a memory peak, a demo build): ``work`` returns it (or a sample holding it)."""
    entry = Entry(key, label, group, unit, wanted=1, info=dict(info or {}))
    entries[key] = entry
    try:
        value = work()
        entry.values = [float(value[key] if isinstance(value, dict) else value)]
    except Exception as exc:  # noqa: BLE001
        entry.error = describe_error(exc)
        entry.info["traceback"] = traceback.format_exc(limit=-6)
    return entry


class Stopwatch:
    """``with watch("first"):`` times a block into ``watch.sample["first"]``."""

    def __init__(self) -> None:
        self.sample: Sample = {}

    @contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.sample[key] = time.perf_counter() - started


@contextmanager
def step(what: str, log: Callable[[str], None]) -> Iterator[None]:
    """Log ``what`` and, once done, how long it took (the run's progress on the terminal)."""
    started = time.perf_counter()
    log(f"  {what} ...")
    yield
    log(f"  {what}: {time.perf_counter() - started:.1f} s")


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the processes the benchmark starts (the CLI, `streamlit run`, a scale's run):
    this checkout's ``src`` first on the path (so a worktree measures its own code), no STREAMLIT_* setting
    and no open-access switch from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.pop("PARTNERS_ALLOW_OPEN_ACCESS", None)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra or {})
    return env
