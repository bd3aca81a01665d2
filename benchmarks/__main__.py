"""`python -m benchmarks`: the read-path benchmark of issue 12 (`make bench`, `make bench-quick`, `make load`).

For each scale it builds (or reuses) the demo database, measures in a process of its own the pages under
AppTest, the read services, their pandas baselines and the import, then, against real `streamlit run`
servers, the cold start in Chromium and the server's peak memory; at the largest scale it times
`partners demo` and runs the load test. It prints one Markdown table and writes the JSON report to
bench-results/ (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.core import RESULTS, ROOT, Entry, Plan, child_env, one, step
from benchmarks.databases import DEFAULT_SEED, demo_db, run_demo, scale_name, working_copy


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="1x only, fewer runs, no load test (under a minute)")
    p.add_argument("--scales", type=_floats, help="comma-separated demo scales (default 1,10,50)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--runs", type=int, help="samples kept per measurement (default 5; quick 3)")
    p.add_argument("--warmup", type=int, help="samples discarded first (default 1; quick 0)")
    p.add_argument("--budget", type=float, help="seconds one measurement may take before it gets fewer runs")
    p.add_argument(
        "--parts",
        default="pages,reads,baselines,import,browser,memory,demo,load,scorecards,publish",
        help="what to measure (comma-separated)",
    )
    p.add_argument("--import-rows", type=int, help="rows of the imported workbook (default 10,000; quick 1,000)")
    p.add_argument("--baseline-rows", type=int, help="rows the row-by-row baseline logs (default 300; quick 50)")
    p.add_argument("--load-sessions", default="20,50", help="concurrent sessions per load level")
    p.add_argument("--load-duration", type=float, default=60.0, help="seconds each load level starts page views")
    p.add_argument("--load-scale", type=float, help="the scale the load test runs at (default: the largest)")
    p.add_argument("--rebuild", action="store_true", help="build the demo databases anew")
    p.add_argument("--out", type=Path, default=RESULTS, help="where the JSON report goes")
    p.add_argument("--name", help="the report's file name (default: bench, bench-quick, or bench-PARTS)")
    args = p.parse_args(argv)
    parts = set(args.parts.split(","))
    if args.quick:
        args.scales = args.scales or [1.0]
        args.runs = args.runs or 3
        args.warmup = 0 if args.warmup is None else args.warmup
        args.budget = args.budget or 1.0
        args.baseline_rows = args.baseline_rows or 20
        args.import_rows = args.import_rows or 1_000
        parts -= {"load", "demo", "scorecards", "publish"}
    args.scales = sorted(args.scales or [1.0, 10.0, 50.0])
    args.runs = args.runs or 5
    args.warmup = 1 if args.warmup is None else args.warmup
    args.budget = args.budget or 25.0
    args.baseline_rows = args.baseline_rows or 300
    args.import_rows = args.import_rows or 10_000
    args.parts = parts
    return args


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), None)  # fmt: skip
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "system": platform.platform(),
        "python": platform.python_version(), "streamlit": version("streamlit"), "duckdb": version("duckdb"),
        "pandas": version("pandas"), "load_average": os.getloadavg(),
    }  # fmt: skip


def git() -> dict[str, Any]:
    def run(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": run("rev-parse", "HEAD"), "branch": run("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(run("status", "--porcelain", "--untracked-files=no"))}  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def in_process(db: Path, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """The AppTest, read, baseline and import measurements, in a Python process of their own."""
    parts = [p for p in ("pages", "reads", "baselines", "import") if p in args.parts]
    if not parts:
        return {"counts": {}, "entries": {}}
    out = folder / "inprocess.json"
    cmd = [sys.executable, "-m", "benchmarks.inprocess", "--db", str(db), "--json", str(out),
           "--runs", str(args.runs), "--warmup", str(args.warmup), "--budget", str(args.budget),
           "--parts", ",".join(parts), "--import-rows", str(args.import_rows),
           "--baseline-rows", str(args.baseline_rows)]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, env=child_env())
    if done.returncode != 0:
        raise RuntimeError(f"the in-process measurements failed (exit {done.returncode})")
    return json.loads(out.read_text())


def measure_scale(scale: float, args: argparse.Namespace, report: dict[str, Any], *, largest: bool) -> None:
    from benchmarks import browser, load
    from benchmarks.context import Context
    from benchmarks.pages import app_pages

    name = scale_name(scale)
    log(f"{name}:")
    db, build = demo_db(scale, args.seed, rebuild=args.rebuild, log=log)
    section = report["scales"][f"{scale:g}"] = {"db": str(db.relative_to(ROOT)) if db.is_relative_to(ROOT) else str(db)}
    with tempfile.TemporaryDirectory(prefix="partners-bench-") as tmp:
        folder = Path(tmp)
        found = in_process(db, args, folder)
        section["counts"] = found["counts"]
        entries = {k: Entry.from_json(v) for k, v in found["entries"].items()}
        copy = working_copy(db, folder, "served.duckdb")
        ctx = Context.open(copy)
        pages = app_pages(ctx)
        ctx.close()  # the server opens the file itself (one process at a time)
        # Each cold start is a new server: a few seconds each, so the quick run makes one, with no warm-up.
        plan = Plan(1, 0) if args.quick else Plan(args.runs, args.warmup, args.budget * 2)
        if "browser" in args.parts or "memory" in args.parts:
            try:
                with step("cold start and memory (streamlit run, Chromium)", log):
                    browser.measure_browser(copy, folder, pages, plan if "browser" in args.parts else Plan(1, 0),
                                            entries, memory="memory" in args.parts)  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - no Chromium: the rest of the report still stands
                for key, label, group in (("browser.cold_start", "Cold start to the first page in Chromium",
                                           "browser"),
                                          ("memory.server_peak", "Server peak RSS after visiting every page once",
                                           "memory")):  # fmt: skip
                    entries.setdefault(key, Entry(key, label, group, error=f"{type(exc).__name__}: {exc}"[:300]))
        load_here = (args.load_scale == scale) if args.load_scale else largest
        if "load" in args.parts and load_here:
            levels = [load.Level(int(n), duration=args.load_duration) for n in args.load_sessions.split(",")]
            with step("load test", log):
                load.measure_load(copy, folder, levels, entries, log=log)
        if "scorecards" in args.parts and largest:
            with step("partners scorecard --all (every member's PDF)", log):
                measure_all_scorecards(copy, folder, entries)
        if "publish" in args.parts and largest:
            with step("partners publish and partners pack (the public site and the offline pack)", log):
                measure_publish(copy, folder, entries)
        if "demo" in args.parts and largest:
            if build is None:
                log(f"  partners demo --scale {scale:g} ...")
                build_into = folder / "generated.duckdb"
                one(entries, "demo.generate", f"`partners demo --scale {scale:g}`: time", "demo",
                    lambda: _remember(section, run_demo(build_into, scale, args.seed)).seconds)  # fmt: skip
                build_into.unlink(missing_ok=True)
            else:
                section["build"] = build.__dict__
                entries["demo.generate"] = Entry("demo.generate", f"`partners demo --scale {scale:g}`: time", "demo",
                                                 values=[build.seconds], wanted=1)  # fmt: skip
            peak = section.get("build", {}).get("peak_mb")
            entries["demo.generate.peak"] = Entry(
                "demo.generate.peak",
                f"`partners demo --scale {scale:g}`: peak RSS",
                "demo",
                "MB",
                values=[peak] if peak else [],
                wanted=1,
                error=None if peak else entries["demo.generate"].error,
            )
    section["entries"] = {k: e.as_json() for k, e in entries.items()}


def measure_all_scorecards(db: Path, folder: Path, entries: dict[str, Entry]) -> None:
    """`partners --db DB scorecard --all DIR`, the command run the week before a summit, timed once."""
    out = folder / "scorecards"
    out.mkdir()
    cmd = [sys.executable, "-m", "partners.cli", "--db", str(db), "scorecard", "--all", str(out)]

    def work() -> float:
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"partners scorecard --all failed (exit {done.returncode}): {done.stderr[-300:]}")
        return seconds

    entry = one(entries, "cli.scorecard.all", "`partners scorecard --all`: every member's PDF", "reads", work)
    entry.info["pdfs"] = len(list(out.glob("*.pdf")))


def measure_publish(db: Path, folder: Path, entries: dict[str, Entry]) -> None:
    """`partners publish DIR` (the static public site, every published scorecard) and `partners pack PATH`
    (the offline pack), each timed once, as run before a summit."""
    site, pack = folder / "site", folder / "pack" / "summit-pack.html"
    pack.parent.mkdir()

    def timed(args: list[str]) -> float:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "partners.cli", "--db", str(db), *args], cwd=ROOT,
                              env=child_env(), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"partners {args[0]} failed (exit {done.returncode}): {done.stderr[-300:]}")
        return seconds

    entry = one(entries, "cli.publish", "`partners publish`: the public site", "reads",
                lambda: timed(["publish", str(site)]))
    entry.info["pages"] = len(list(site.rglob("*.html")))
    one(entries, "cli.pack", "`partners pack`: the offline pack", "reads", lambda: timed(["pack", str(pack)]))


def _remember(section: dict[str, Any], build):
    section["build"] = build.__dict__
    return build


def report_name(args: argparse.Namespace) -> str:
    if args.quick:
        return "bench-quick"
    every = set(parse([]).parts)
    return "bench" if args.parts >= every else "bench-" + "-".join(sorted(args.parts))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from benchmarks import report as tables

    args = parse(argv)
    started = time.time()
    report: dict[str, Any] = {
        "started": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "git": git(),
        "plan": {"runs": args.runs, "warmup": args.warmup, "budget": args.budget, "parts": sorted(args.parts),
                 "seed": args.seed, "import_rows": args.import_rows, "baseline_rows": args.baseline_rows},
        "scales": {},
    }  # fmt: skip
    for scale in args.scales:
        measure_scale(scale, args, report, largest=scale == args.scales[-1])
    scales = {
        float(s): {k: Entry.from_json(v) for k, v in sec["entries"].items()} for s, sec in report["scales"].items()
    }
    report["targets"] = tables.target_summary(scales)
    report["table"] = tables.table(scales)
    report["seconds"] = round(time.time() - started, 1)
    report["machine"]["load_average_at_the_end"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"{args.name or report_name(args)}.json"
    (args.out / name).write_text(json.dumps(report, indent=1, default=str))
    (args.out / name.replace(".json", ".md")).write_text(report["table"] + "\n")
    print(report["table"])
    print()
    print(tables.notes())
    for line in tables.summary_lines(scales):
        print(line)
    print(f"JSON report: {args.out / name} ({report['seconds']:.0f} s)")
    return report


if __name__ == "__main__":
    main()
