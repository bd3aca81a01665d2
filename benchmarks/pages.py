"""Every page of the app rendered server-side with Streamlit's AppTest, as the local administrator (local
mode: no sign-in, every page in the menu), beside an empty page as the floor.

The pages come from the app's own navigation (``partners.ui.navigation.PAGES``), so a page added, renamed
or moved is measured without touching the benchmark; when that list cannot be read, the files of
``src/partners/pages/`` stand in.

One session (an AppTest, its first run on the home page, untimed) visits the pages in menu order. Each
sample opens a light page (About), makes a real write (``Context.touch``) and opens the page: its **first
render** after a data change, as when someone picks it in the menu, then a **rerun** of it with nothing
changed, which is what a widget click costs when nothing was written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.context import Context
from benchmarks.core import APP, SRC, Entry, Plan, Stopwatch, measure

PAGES_DIR = SRC / "partners" / "pages"
TIMEOUT = 900  # seconds AppTest waits for one run (the slowest page at 50x must finish)

#: Query parameters a page needs to show its subject (by page file name): the commitment page shows one.
#: The address each page is opened at: a commitment's page names one, the scorecard names the busiest country
#: (without a code it only asks which country, and would measure nothing).
QUERIES = {
    "commitment": lambda ctx: {"id": str(ctx.commitment_id)},
    "country": lambda ctx: {"code": ctx.country},
}

#: The light page a session visits between two samples of another page.
NEUTRAL = "about"

EMPTY_PAGE = "import streamlit as st\n\nst.title('Empty')\n"


@dataclass(frozen=True)
class AppPage:
    key: str  # the page file's name without .py: "worklist"
    title: str
    file: Path
    url_path: str
    query: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        """Its path on a running server (with the query), e.g. ``commitment?id=12``."""
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.url_path}?{query}" if query else self.url_path


def app_pages(ctx: Context | None = None) -> list[AppPage]:
    """The app's pages in menu order (the local administrator's menu: all of them)."""
    found: list[tuple[Path, str, str]] = []
    try:
        from partners.ui import navigation

        for spec in navigation.PAGES:
            path = Path(getattr(spec, "path", None) or PAGES_DIR / spec.file)
            found.append((path, str(getattr(spec, "title", path.stem)), str(getattr(spec, "url_path", path.stem))))
    except Exception:  # noqa: BLE001 - the navigation changed shape: measure the page files instead
        found = [(p, p.stem.replace("_", " ").capitalize(), p.stem) for p in sorted(PAGES_DIR.glob("[!_]*.py"))]
    pages = []
    for path, title, url_path in found:
        if not path.is_file():
            continue
        query = QUERIES[path.stem](ctx) if ctx is not None and path.stem in QUERIES else {}
        pages.append(AppPage(path.stem, title, path, url_path, query))
    return pages


def _session():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def _check(at, page: str) -> str:
    """The page's title; raises when the run failed or showed an exception."""
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    if not at.title:
        raise RuntimeError(f"{page}: the page has no title")
    return at.title[0].value


def render_pages(ctx: Context, plan: Plan, entries: dict[str, Entry]) -> None:
    """Time the empty page and every page of the app (first render and rerun) into ``entries``."""
    from streamlit import config

    os.environ["PARTNERS_DB"] = str(ctx.path)  # the app opens the database itself, as under `make run`
    config.set_option("secrets.files", [])  # local mode, whatever a developer keeps in .streamlit/
    _render_empty(plan, entries)
    found = app_pages(ctx)
    # Between samples the session goes to a light page, so that the next one arrives at the page afresh.
    neutral = next((p for p in found if p.key == NEUTRAL), found[-1])
    at = _session()
    at.run()
    _check(at, "home page")
    for page in found:
        titles: list[str] = []

        def sample(page: AppPage = page, at=at, titles: list[str] = titles) -> dict[str, float]:
            _visit(at, neutral if page is not neutral else found[0])
            ctx.touch()
            _goto(at, page)
            watch = Stopwatch()
            with watch(f"page.{page.key}.first"):
                at.run()
            titles.append(_check(at, page.title))
            with watch(f"page.{page.key}.rerun"):
                at.run()
            _check(at, page.title)
            return watch.sample

        measure(
            entries,
            {
                f"page.{page.key}.first": (f"{page.title} page: first render after a change", "pages"),
                f"page.{page.key}.rerun": (f"{page.title} page: rerun, nothing changed", "pages"),
            },
            sample,
            plan,
            info={"page": page.title, "file": page.file.name, "url_path": page.url_path},
        )
        for key in (f"page.{page.key}.first", f"page.{page.key}.rerun"):
            if titles:
                entries[key].info["title_shown"] = titles[-1]


def _goto(at, page: AppPage) -> None:
    at.switch_page(str(page.file.relative_to(APP.parent)))
    at.query_params.clear()
    at.query_params.update(page.query)


def _visit(at, page: AppPage) -> None:
    _goto(at, page)
    at.run()
    _check(at, page.title)


def _render_empty(plan: Plan, entries: dict[str, Entry]) -> None:
    from streamlit.testing.v1 import AppTest

    def sample() -> dict[str, float]:
        at = AppTest.from_string(EMPTY_PAGE, default_timeout=TIMEOUT)
        at.run()
        watch = Stopwatch()
        with watch("page.empty"):
            at.run()
        _check(at, "empty page")
        return watch.sample

    measure(entries, {"page.empty": ("An empty page (the floor)", "pages")}, sample, plan)
