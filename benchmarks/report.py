"""The report of a run: one Markdown table (a row per measurement, a column per scale, the ratio to its
baseline, the target and whether it is met), and the summary of the targets."""

from __future__ import annotations

from benchmarks.core import Entry
from benchmarks.targets import AT, FROM, LINEAR, Scales, Target, fmt, over_linear, targets

GROUPS = ("pages", "reads", "baselines", "import", "browser", "memory", "demo", "load")


def cell(entry: Entry | None) -> str:
    if entry is None:
        return ""
    if entry.error:
        return "error"
    if entry.median is None:
        return "—"
    text = fmt(entry.median, entry.unit)
    if len(entry.values) > 1:
        text += f" ({fmt(entry.min, entry.unit)}–{fmt(entry.max, entry.unit)})"
    if entry.capped:
        text += f" n={len(entry.values)}*"
    return text


def _median(entries: dict[str, Entry], key: str) -> float | None:
    entry = entries.get(key)
    return entry.median if entry is not None and not entry.error else None


def versus(key: str, entries: dict[str, Entry]) -> str:
    """How the row compares with its baseline at one scale (baseline time / ours: above 1 is faster)."""
    ours = _median(entries, key)
    if not ours:
        return ""
    if key.startswith("page.") and key != "page.empty":
        floor = _median(entries, "page.empty")
        return f"{ours / floor:,.0f}x the empty page" if floor else ""
    if key == "import.rows":
        rows = _median(entries, "baseline.import")
        return f"{rows / ours:.1f}x faster than row by row" if rows else ""
    if key.startswith("read."):
        base_key = "baseline." + key.removeprefix("read.")
        theirs, load = _median(entries, base_key), _median(entries, "baseline.load")
        if theirs is None:
            return ""
        text = f"pandas {theirs / ours:.1f}x"
        if load is not None:
            text += f", {(theirs + load) / ours:.1f}x with load"
        if entries[base_key].info.get("same") is False:
            text += " (NOT the same figures)"
        return text
    return ""


def rows(scales: Scales) -> list[str]:
    """Every key measured at any scale, by group, in the order they were measured."""
    seen: dict[str, Entry] = {}
    for entries in scales.values():
        for key, entry in entries.items():
            seen.setdefault(key, entry)
    return sorted(seen, key=lambda k: (GROUPS.index(seen[k].group) if seen[k].group in GROUPS else 99,
                                       list(seen).index(k)))  # fmt: skip


def table(scales: Scales) -> str:
    ordered = sorted(scales)
    largest = ordered[-1] if ordered else AT
    by_key: dict[str, list[Target]] = {}
    for target in targets(scales):
        by_key.setdefault(target.key, []).append(target)
    header = ["Measurement", *(f"{s:g}x" for s in ordered), f"{FROM:g}x→{AT:g}x",
              f"vs baseline ({largest:g}x)", f"Target ({AT:g}x)", "Met"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key in rows(scales):
        entry = next(e[key] for e in scales.values() if key in e)
        big, small = _median(scales.get(AT, {}), key), _median(scales.get(FROM, {}), key)
        grow = f"{big / small:.1f}x" if big is not None and small and entry.unit == "s" else ""
        if grow and big / small > LINEAR:
            grow += " (over linear)"
        found = by_key.get(key, [])
        verdicts = [t.check(scales) for t in found]
        met = "; ".join("not measured" if v.met is None else ("met" if v.met else "**missed**") for v in verdicts)
        cells = [entry.label, *(cell(scales[s].get(key)) for s in ordered), grow,
                 versus(key, scales[largest]), "; ".join(t.text for t in found), met]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def target_summary(scales: Scales) -> list[dict]:
    """Every target with its verdict, for the JSON report and the summary lines."""
    out = []
    for target in targets(scales):
        verdict = target.check(scales)
        out.append({"key": target.key, "target": target.text, "met": verdict.met, "value": verdict.shown})
    over, compared = over_linear(scales)
    out.append({
        "key": "*", "target": f"every time grows at most linearly from {FROM:g}x to {AT:g}x",
        "met": None if not compared else not over, "value": f"{len(over)} of {compared} rows over linear",
        "over": over,
    })  # fmt: skip
    return out


def summary_lines(scales: Scales) -> list[str]:
    verdicts = target_summary(scales)
    met = sum(v["met"] is True for v in verdicts)
    missed = [v for v in verdicts if v["met"] is False]
    unmeasured = sum(v["met"] is None for v in verdicts)
    lines = [f"Targets ({AT:g}x): {met} met, {len(missed)} missed, {unmeasured} not measured."]
    lines += [f"  missed: {v['key']} {v['target']} (is {v['value']})" for v in missed]
    return lines


def notes() -> str:
    return (
        "Medians of the runs with (min–max); `n=K*`: fewer runs than asked, the time budget cut them. "
        "Pages: under AppTest as the local administrator, the first render after a write, and a rerun with "
        "nothing changed. `vs baseline`: the baseline's time over ours (above 1: faster than the baseline)."
    )
