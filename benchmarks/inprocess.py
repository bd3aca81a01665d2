"""The measurements of one scale that run inside one Python process: the pages under AppTest, the read
services, their pandas baselines and the import. The runner starts one such process per scale
(``python -m benchmarks.inprocess``), so no cache, connection or memory of one scale reaches the next.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.core import Entry, Plan, step

PARTS = ("pages", "reads", "baselines", "import")


def run(db: Path, plan: Plan, *, parts=PARTS, import_rows: int = 10_000, baseline_rows: int = 300,
        log=print) -> dict[str, Any]:  # fmt: skip
    """Measure ``parts`` on a working copy of ``db``; returns the entries and what the database holds."""
    from benchmarks import baselines, imports, pages, reads
    from benchmarks.context import Context
    from benchmarks.databases import working_copy

    entries: dict[str, Entry] = {}
    with tempfile.TemporaryDirectory(prefix="partners-bench-") as tmp:
        folder = Path(tmp)
        ctx = Context.open(working_copy(db, folder, "bench.duckdb"))
        counts = {t: ctx.store.count(t) for t in ("commitments", "progress_updates", "partners")}
        results: dict[str, Any] = {}
        try:
            if "pages" in parts:
                with step("pages (AppTest)", log):
                    pages.render_pages(ctx, plan, entries)
            if "reads" in parts:
                with step("read services", log):
                    reads.measure_reads(ctx, plan, entries, results)
            if "baselines" in parts:
                with step("pandas baselines", log):
                    baselines.measure_baselines(ctx, plan, entries, results)
        finally:
            ctx.close()
        if "import" in parts:
            with step(f"import of {import_rows:,} rows", log):
                imports.measure_import(db, folder, plan, entries, rows=import_rows, baseline_rows=baseline_rows)
    return {"counts": counts, "entries": {k: e.as_json() for k, e in entries.items()}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.inprocess", description=__doc__)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--json", type=Path, required=True, help="where to write the entries")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--budget", type=float, default=25.0)
    p.add_argument("--parts", default=",".join(PARTS))
    p.add_argument("--import-rows", type=int, default=10_000)
    p.add_argument("--baseline-rows", type=int, default=300)
    args = p.parse_args(argv)
    result = run(
        args.db, Plan(args.runs, args.warmup, args.budget), parts=tuple(args.parts.split(",")),
        import_rows=args.import_rows, baseline_rows=args.baseline_rows,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )  # fmt: skip
    args.json.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
