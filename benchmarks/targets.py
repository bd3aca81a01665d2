"""The targets of issue 12 (median, 2-core machine, 50x, ratios from the same run), as checks over a run's
entries. A target whose figure is missing (a scale not run, a page renamed) is "not measured", never met."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.core import Entry

#: The scale the targets are set at, and the one growth is measured from.
AT, FROM = 50.0, 10.0
LINEAR = AT / FROM  # "from 10x to 50x every time grows at most linearly"

Scales = dict[float, dict[str, Entry]]


@dataclass(frozen=True)
class Verdict:
    met: bool | None  # None: not measured
    shown: str  # the figure the verdict rests on, e.g. "412 ms" or "2.1x"


@dataclass(frozen=True)
class Target:
    key: str  # the entry (row) it belongs to
    text: str  # the target in words, e.g. "<= 300 ms"
    check: Callable[[Scales], Verdict]


def median(scales: Scales, key: str, scale: float = AT) -> float | None:
    entry = scales.get(scale, {}).get(key)
    return entry.median if entry is not None and not entry.error else None


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "—"
    if unit == "s":
        if value < 0.01:
            return f"{value * 1000:.1f} ms"
        return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:g}"


def at_most(key: str, limit: float, unit: str = "s") -> Target:
    def check(scales: Scales) -> Verdict:
        value = median(scales, key)
        return Verdict(None if value is None else value <= limit, fmt(value, unit))

    return Target(key, f"≤ {fmt(limit, unit)}", check)


def speedup(key: str, baseline: str, factor: float) -> Target:
    """At least ``factor`` times faster than ``baseline`` (baseline time / our time, same run)."""

    def check(scales: Scales) -> Verdict:
        ours, theirs = median(scales, key), median(scales, baseline)
        if not ours or theirs is None:
            return Verdict(None, "—")
        return Verdict(theirs / ours >= factor, f"{theirs / ours:.1f}x")

    return Target(key, f"≥ {factor:g}x faster than pandas", check)


def share(key: str, of: str, limit: float) -> Target:
    """At most ``limit`` of another figure (a rerun against the first render)."""

    def check(scales: Scales) -> Verdict:
        part, whole = median(scales, key), median(scales, of)
        if part is None or not whole:
            return Verdict(None, "—")
        return Verdict(part / whole <= limit, f"{part / whole:.0%}")

    return Target(key, f"≤ {limit:.0%} of the first render", check)


def growth(key: str, limit: float) -> Target:
    def check(scales: Scales) -> Verdict:
        big, small = median(scales, key, AT), median(scales, key, FROM)
        if big is None or not small:
            return Verdict(None, "—")
        return Verdict(big / small <= limit, f"{big / small:.1f}x")

    return Target(key, f"grows ≤ {limit:g}x from 10x to 50x", check)


def exactly(key: str, wanted: float) -> Target:
    def check(scales: Scales) -> Verdict:
        value = median(scales, key)
        return Verdict(None if value is None else value == wanted, fmt(value, "count"))

    return Target(key, f"= {wanted:g}", check)


def reported(key: str) -> Target:
    def check(scales: Scales) -> Verdict:
        value = median(scales, key)
        return Verdict(None if value is None else True, fmt(value))

    return Target(key, "reported", check)


def targets(scales: Scales) -> list[Target]:
    """Every target of issue 12, in the order of the issue; the rerun target for every page measured."""
    found = [
        at_most("page.worklist.first", 0.300),
        at_most("page.overview.first", 0.250),
        at_most("page.commitments.first", 0.200),
        at_most("page.countries.first", 0.100),
        at_most("read.country", 0.025),
        speedup("read.country", "baseline.country", 3),
        at_most("read.commitment", 0.010),
        growth("read.country", 1.5),
        growth("read.commitment", 1.5),
        at_most("read.duplicates", 0.100),
        at_most("read.scorecard", 0.050),
        speedup("read.scorecard", "baseline.scorecard", 1),
        at_most("read.scorecard.as_of", 0.150),
        reported("read.scorecard.sections"),
        at_most("read.scorecard.pdf", 1.5),
        at_most("cli.scorecard.all", 90.0),
        at_most("read.since", 0.300),  # issue 11: since the last summit
        at_most("read.since.public", 0.300),
        at_most("cli.publish", 60.0),  # issue 11: the public site and the pack
        at_most("cli.pack", 20.0),
    ]
    keys = sorted({k for entries in scales.values() for k in entries if k.startswith("page.") and k.endswith(".rerun")})
    found += [share(k, k.removesuffix(".rerun") + ".first", 0.30) for k in keys]
    found += [
        at_most("import.rows", 2.5),
        at_most("memory.server_peak", 400, "MB"),
        at_most("demo.generate", 20.0),
        at_most("demo.generate.peak", 600, "MB"),
        at_most("load.20.p95", 1.5),
        exactly("load.20.errors", 0),
        exactly("load.50.errors", 0),
        reported("load.50.p95"),
    ]
    return found


def over_linear(scales: Scales) -> tuple[list[str], int]:
    """The timed rows that grow more than linearly from 10x to 50x, and how many rows were compared."""
    over, compared = [], 0
    for key, entry in scales.get(AT, {}).items():
        small = median(scales, key, FROM)
        if entry.unit != "s" or entry.median is None or not small:
            continue
        compared += 1
        if entry.median / small > LINEAR:
            over.append(key)
    return over, compared
