"""The read services behind the pages, called directly (no Streamlit), each sample after a real write
(``Context.touch``) so that a cache keyed by the data version cannot answer it from an earlier sample.

Each case names what it reads in words; its result's size goes into the report (``rows``), and the
baselines (``benchmarks.baselines``) check that they compute the same figures from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.context import PUBLIC, Context
from benchmarks.core import Entry, Plan, Stopwatch, measure
from partners.domain.scope import CommitmentFilter


@dataclass(frozen=True)
class Read:
    key: str
    label: str
    call: Callable[[Context], Any]


def overview(ctx: Context, actor=None) -> dict[str, Any]:
    """What the Overview asks: the headline figures and their definitions, the counts per country (the
    map), and the four breakdowns."""
    from partners.services import read

    actor = actor or ctx.actor
    return {
        "headline": read.headline(ctx.store, actor),
        "definitions": read.headline_definitions(ctx.store, actor),
        "per_country": read.commitments_per_country(ctx.store, actor),
        **{by: read.breakdown(ctx.store, actor, by) for by in ("stakeholder_type", "status", "year", "region")},
    }


# -- the dashboard (services/dashboard.py): what the Overview asks now -----------------------------------
def dashboard(ctx: Context, actor=None) -> dict[str, Any]:
    """The dashboard's reads, unfiltered: headline, per-country metrics (the map), four breakdowns, the
    coverage matrix and the progress by Global Alliance target."""
    from partners.services import dashboard as dash

    actor = actor or ctx.actor
    return {
        "headline": dash.headline(ctx.store, actor),
        "countries": dash.countries(ctx.store, actor),
        **{by: dash.breakdown(ctx.store, actor, by) for by in dash.BREAKDOWNS},
        "matrix": dash.coverage_matrix(ctx.store, actor),
        "targets": dash.target_progress(ctx.store, actor),
    }
# -- end of the dashboard --------------------------------------------------------------------------------


def country(ctx: Context) -> dict[str, Any]:
    from partners.services import read

    return read.country_profile(ctx.store, ctx.actor, ctx.country)


def commitments_unfiltered(ctx: Context):
    from partners.services import read

    return read.find_commitments(ctx.store, ctx.actor, CommitmentFilter())


def commitments_lookups(ctx: Context) -> dict[str, Any]:
    """The Commitments page's filter choices: countries, partners, events, framework items."""
    from partners.services import lookups

    return {
        "countries": lookups.country_names(ctx.store, ctx.actor),
        "partners": lookups.partner_names(ctx.store, ctx.actor),
        "events": lookups.events(ctx.store, ctx.actor),
        "items": lookups.framework_item_labels(ctx.store, ctx.actor),
    }


def search(ctx: Context):
    from partners.services import read

    return read.find_commitments(ctx.store, ctx.actor, ctx.search)


def commitment_detail(ctx: Context) -> dict[str, Any]:
    from partners.services import read

    return read.commitment_detail(ctx.store, ctx.actor, ctx.commitment_id)


def commitment_page(ctx: Context):
    from partners.services.commitment_page import commitment_page

    return commitment_page(ctx.store, ctx.actor, ctx.commitment_id)


def worklist(ctx: Context):
    from partners.services import worklist

    return worklist.build_worklist(ctx.store, ctx.actor)


def worklist_reminders(ctx: Context):
    """The worklist and a reminder for every partner in it (what the page's Reminders section lists)."""
    from partners.services import worklist

    return worklist.reminders(worklist.build_worklist(ctx.store, ctx.actor))


def frameworks(ctx: Context):
    """Every framework's items with their commitment counts (the Frameworks page's tree)."""
    from partners.services import lookups, read

    return {
        fw: read.framework_items_with_counts(ctx.store, ctx.actor, fw)
        for fw in lookups.frameworks(ctx.store, ctx.actor).id
    }


def duplicates(ctx: Context):
    from partners.services import records

    assert ctx.probe is not None
    return records.find_duplicates(ctx.store, ctx.actor, ctx.probe.title, ctx.probe.partner_ids, ctx.probe.countries)


def scorecard(ctx: Context, *, past: bool = False) -> dict[str, Any]:
    """What the country scorecard page asks for the busiest country: its facts, maturity, one capability's
    history, the rounds, the peer context and the commitment figures; ``past``: as at a summit held about a
    year before (``services.as_of``: rebuilt from the history tables)."""
    from datetime import date, timedelta

    from partners.services import as_of, scorecard

    day = None
    if past:
        held = [o.on for o in as_of.occasions(ctx.store, ctx.actor) if o.on <= date.today() - timedelta(days=365)]
        day = held[0] if held else date.today() - timedelta(days=365)
    store, actor, code = ctx.store, ctx.actor, ctx.country
    caps = scorecard.capabilities(store, actor)
    return {
        "as_of": day,
        "facts": scorecard.country_facts(store, actor, code, as_of=day),
        "maturity": scorecard.maturity(store, actor, code, as_of=day),
        "history": scorecard.capability_history(store, actor, code, caps.key.iloc[0], as_of=day),
        "rounds": scorecard.maturity_over_rounds(store, actor, code, as_of=day),
        "peers": scorecard.peer_context(store, actor, code, as_of=day),
        "figures": scorecard.commitment_figures(store, actor, code, as_of=day),
    }


def scorecard_sections(ctx: Context) -> dict[str, Any]:
    """The scorecard's later sections for the busiest country: its commitments (own and others'), by
    stakeholder type and status, who is helping, the Global Alliance targets, the progress timeline, and
    the gaps with their suggestions."""
    from partners.services import country_commitments as cc
    from partners.services import gaps

    found = cc.country_commitments(ctx.store, ctx.actor, ctx.country)
    return {
        "rows": cc.commitment_rows(found),
        "by_type": cc.by_stakeholder_and_status(found),
        "helping": cc.who_is_helping(ctx.store, found)[0],
        "targets": cc.ga_coverage(ctx.store, found),
        "timeline": cc.timeline(found),
        "gaps": gaps.gaps(ctx.store, ctx.actor, ctx.country),
    }


def scorecard_pdf(ctx: Context) -> bytes:
    """One country's scorecard as the PDF for a minister, as the page's button and the CLI make it: its
    figures gathered, its charts drawn as SVG, the document typeset."""
    from partners.presentation import scorecard_pdf as pdf
    from partners.services import scorecard_document

    return pdf.scorecard_pdf(scorecard_document.scorecard_document(ctx.store, ctx.actor, ctx.country))


# -- since the last summit (issue 11) -----------------------------------------------------------------
def since_last_summit(ctx: Context, actor=None) -> Any:
    """What "Since the last summit" asks by default: from the summit before the latest one to today."""
    from partners.services import since

    actor = actor or ctx.actor
    window = since.window(ctx.store, actor)
    return since.figures(ctx.store, actor, window, public=actor is PUBLIC).new_by_type
# -- end of since the last summit ---------------------------------------------------------------------


READS = [
    Read("read.overview", "Overview's reads (headline, map counts, 4 breakdowns)", overview),
    Read("read.overview.public", "Overview's reads, as the public", lambda ctx: overview(ctx, PUBLIC)),
    Read("read.dashboard", "Dashboard's reads (figures, map metrics, breakdowns, matrix, targets)", dashboard),
    Read("read.dashboard.public", "Dashboard's reads, as the public", lambda ctx: dashboard(ctx, PUBLIC)),
    Read("read.country", "One country's data (the busiest country)", country),
    Read("read.commitments", "Commitments, unfiltered", commitments_unfiltered),
    Read("read.lookups", "Commitments page's filter choices", commitments_lookups),
    Read("read.search", "A filtered search (text and status)", search),
    Read("read.commitment", "One commitment's detail", commitment_detail),
    Read("read.commitment_page", "One commitment's page view model", commitment_page),
    Read("read.worklist", "Worklist: every item to chase", worklist),
    Read("read.reminders", "Worklist and every partner's reminder", worklist_reminders),
    Read("read.frameworks", "Frameworks: item counts of every framework", frameworks),
    Read("read.duplicates", "Duplicate suggestions for a typed title", duplicates),
    Read("read.scorecard", "Country scorecard's figures (the busiest country)", scorecard),
    Read("read.scorecard.as_of", "Country scorecard's figures as at a summit a year back",
         lambda ctx: scorecard(ctx, past=True)),
    Read("read.scorecard.sections", "Country scorecard's commitment sections and gaps (the busiest country)",
         scorecard_sections),
    Read("read.scorecard.pdf", "One country's scorecard as a PDF (figures, SVG charts, typesetting)", scorecard_pdf),
    Read("read.since", "Since the last summit: what changed, as the secretariat", since_last_summit),
    Read("read.since.public", "Since the last summit, as the public",
         lambda ctx: since_last_summit(ctx, PUBLIC)),
]


def size(result: Any) -> int | None:
    """Rows (or items) in a read's result, for the report: a frame's rows, a list's length, a dict's parts."""
    if result is None:
        return None
    if isinstance(result, bytes):
        return None
    if hasattr(result, "shape"):
        return int(result.shape[0])
    items = getattr(result, "items", None)
    if isinstance(items, list | tuple):
        return len(items)
    if isinstance(result, list | tuple):
        return len(result)
    if isinstance(result, dict):
        return sum(size(v) or 0 for v in result.values() if not isinstance(v, int | str))
    return None


def measure_reads(ctx: Context, plan: Plan, entries: dict[str, Entry], results: dict[str, Any]) -> None:
    """Time every read into ``entries``; the last result of each goes into ``results`` (for the baselines)."""
    for read in READS:

        def sample(read: Read = read) -> dict[str, float]:
            ctx.touch()
            watch = Stopwatch()
            with watch(read.key):
                results[read.key] = read.call(ctx)
            return watch.sample

        measure(entries, {read.key: (read.label, "reads")}, sample, plan)
        if read.key in results:
            entries[read.key].info["rows"] = size(results[read.key])
    if ctx.probe is not None and "read.duplicates" in results:
        found = [getattr(d, "commitment_id", None) for d in results["read.duplicates"]]
        entries["read.duplicates"].info.update(
            typed=ctx.probe.title, suggestions=len(found), names_the_original=ctx.probe.original in found
        )
    if "read.country" in entries:
        entries["read.country"].info.update(country=ctx.country)
    if "read.scorecard.as_of" in results:
        entries["read.scorecard.as_of"].info.update(
            country=ctx.country, as_of=str(results["read.scorecard.as_of"]["as_of"]))
