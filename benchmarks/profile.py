"""`python -m benchmarks.profile --scale 50 page.worklist.first read.country`: where the time of a page or
a read goes, with pyinstrument, on the benchmark's cached database of that scale. Each is run once to
warm up, then profiled after a real write, as the benchmark measures it. Prints the call tree and writes
an HTML profile to bench-results/profiles/.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks.core import APP, RESULTS


def _page(ctx, key: str, profiler) -> None:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from benchmarks.pages import TIMEOUT, app_pages

    os.environ["PARTNERS_DB"] = str(ctx.path)
    config.set_option("secrets.files", [])
    page = next(p for p in app_pages(ctx) if p.key == key.split(".")[1])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    rel = str(page.file.relative_to(APP.parent))
    at.switch_page(rel)
    at.query_params.update(page.query)
    at.run()  # warm
    rerun = key.endswith(".rerun")
    if not rerun:
        about = next(p for p in app_pages(ctx) if p.key == "about")
        at.switch_page(str(about.file.relative_to(APP.parent))).run()
        ctx.touch()
        at.switch_page(rel)
        at.query_params.clear()
        at.query_params.update(page.query)
    with profiler:
        at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)


def _read(ctx, key: str, profiler) -> None:
    from benchmarks.reads import READS

    read = next(r for r in READS if r.key == key)
    read.call(ctx)  # warm
    ctx.touch()
    with profiler:
        read.call(ctx)


def main(argv: list[str] | None = None) -> int:
    from pyinstrument import Profiler

    from benchmarks.context import Context
    from benchmarks.databases import demo_db, working_copy

    p = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    p.add_argument("keys", nargs="+", help="entries of the report: page.NAME.first, page.NAME.rerun, read.NAME")
    p.add_argument("--scale", type=float, default=50.0)
    p.add_argument("--depth", type=int, default=25, help="call-tree depth printed")
    args = p.parse_args(argv)
    db, _ = demo_db(args.scale)
    out = RESULTS / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="partners-profile-") as tmp:
        ctx = Context.open(working_copy(db, Path(tmp), "profile.duckdb"))
        try:
            for key in args.keys:
                profiler = Profiler(interval=0.001)
                (_page if key.startswith("page.") else _read)(ctx, key, profiler)
                print(f"==== {key} at {args.scale:g}x")
                print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False,
                                           flat=False)[: 20_000])  # fmt: skip
                html = out / f"{key}-{args.scale:g}x.html"
                html.write_text(profiler.output_html())
                print(f"(HTML: {html})")
        finally:
            ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
