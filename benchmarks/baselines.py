"""Baselines: the same figures computed the way a typical Streamlit app computes them, with pandas over
DataFrames loaded from the same tables (``SELECT *`` of each, as ``st.cache_data`` would keep them).

Each baseline is measured on preloaded frames; loading every table is measured on its own
(``baseline.load``), so "load counted" is that plus the computation. The pandas code is written as a
careful author would (filter first, then join and aggregate), so a ratio against it is not flattered by a
naive baseline. Each one is checked against the service's result (``same``), so the two compute the same
figures, for the secretariat's view (every live record; withdrawn ones left out of the counts).
"""

from __future__ import annotations

import calendar
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.context import Context
from benchmarks.core import Entry, Plan, Stopwatch, measure
from partners.domain.model import CLOSED_STATUSES

TABLES = ("commitments", "commitment_partners", "commitment_countries", "commitment_items", "partners",
          "countries", "events", "progress_updates", "capability_assessments", "assessment_rounds",
          "scorecard_signoffs", "signed_assessments", "framework_items")  # fmt: skip


@dataclass
class Frames:
    """Every table the pages read, as DataFrames."""

    tables: dict[str, pd.DataFrame]
    cycle_months: int
    now: datetime

    @classmethod
    def load(cls, ctx: Context) -> Frames:
        from partners.services import settings

        tables = {name: ctx.store.query_df(f"SELECT * FROM {name}") for name in TABLES}  # noqa: S608 (constants)
        return cls(tables, settings.reporting_cycle_months(ctx.store), datetime.now())

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise AttributeError(name) from None

    def live(self, name: str) -> pd.DataFrame:
        frame = self.tables[name]
        return frame[frame["deleted_at"].isna()] if "deleted_at" in frame else frame


def latest_status(progress: pd.DataFrame) -> pd.DataFrame:
    """Per commitment: the latest reported status, its date, and the latest verified status."""
    ordered = progress.sort_values(["commitment_id", "report_date", "id"])
    last = ordered.groupby("commitment_id").tail(1).set_index("commitment_id")
    verified = ordered[ordered["source"] == "verified"].groupby("commitment_id").tail(1).set_index("commitment_id")
    return pd.DataFrame(
        {"reported_status": last["status"], "last_report": last["report_date"],
         "verified_status": verified["status"].reindex(last.index)}
    )  # fmt: skip


def listing(f: Frames, chosen: pd.DataFrame) -> pd.DataFrame:
    """The Commitments table for these commitments: partners (lead first), countries, event, latest status."""
    ids = chosen["id"]
    links = f.commitment_partners[f.commitment_partners["commitment_id"].isin(ids)]
    links = links.merge(f.partners[["id", "name"]], left_on="partner_id", right_on="id", suffixes=("", "_p"))
    links = links.assign(lead=links["role"] == "lead").sort_values(
        ["commitment_id", "lead", "name"], ascending=[True, False, True]
    )
    links["label"] = np.where(links["lead"], links["name"] + " (lead)", links["name"])
    partners = links.groupby("commitment_id")["label"].agg("; ".join)
    places = f.commitment_countries[f.commitment_countries["commitment_id"].isin(ids)]
    places = places.merge(f.countries[["code", "name"]], left_on="country_code", right_on="code")
    countries = places.sort_values("name").groupby("commitment_id")["name"].agg("; ".join)
    latest = latest_status(f.live("progress_updates").pipe(lambda p: p[p["commitment_id"].isin(ids)]))
    events = f.live("events")[["id", "name", "date"]].rename(
        columns={"id": "event_id", "name": "event", "date": "event_date"}
    )
    out = chosen.merge(events, on="event_id", how="left").join(latest, on="id")
    out["partners"] = out["id"].map(partners)
    out["countries"] = np.where(out["is_global"], "Global", out["id"].map(countries))
    out["reported_status"] = out["reported_status"].fillna("not_reported")
    out["made"] = out["event_date"].fillna(out["start_date"])
    return out.sort_values(["made", "id"], ascending=[False, False], na_position="last")


def country_data(f: Frames, code: str) -> dict[str, pd.DataFrame]:
    named = f.commitment_countries.loc[f.commitment_countries["country_code"] == code, "commitment_id"]
    commitments = f.live("commitments")
    assessments = f.live("capability_assessments")
    return {
        "commitments": listing(f, commitments[commitments["id"].isin(named)]),
        "assessments": assessments[assessments["country_code"] == code],
    }


def scorecard(f: Frames, code: str) -> dict[str, Any]:
    """The scorecard's figures for one country in pandas, for the secretariat: the latest phase of each
    capability of the current MNR and each domain's mean, each domain after each round, the peer bands
    (median and quartiles per region, Global North/South and all members, from the signed-off copies in
    force) and the commitment figures (withdrawn and embargoed left out; verified, self-reported and not
    reporting apart). No crosswalk: the demo's assessments are all made against the current version."""
    versions = f.framework_items["framework_id"]
    items = f.framework_items[versions == versions[versions.str.startswith("MNR-")].max()]
    domain_of = items.loc[items["kind"] == "capability"].set_index("key")["parent_key"]
    assessments = f.live("capability_assessments")
    drafts = f.live("assessment_rounds")
    drafts = drafts.loc[drafts["status"] == "draft", "id"]
    own = assessments[(assessments["country_code"] == code) & ~assessments["round_id"].isin(drafts)
                      & assessments["capability_key"].isin(domain_of.index)]
    latest = own.sort_values(["assessed_on", "id"]).groupby("capability_key").tail(1)
    domains = latest.assign(domain=latest["capability_key"].map(domain_of)).groupby("domain")["phase"].mean()
    rounds = {}
    for day in sorted(own["assessed_on"].unique()):
        upto = own[own["assessed_on"] <= day].sort_values(["assessed_on", "id"]).groupby("capability_key").tail(1)
        rounds[day] = upto.assign(domain=upto["capability_key"].map(domain_of)).groupby("domain")["phase"].mean()
    signoffs = f.scorecard_signoffs.sort_values(["signed_at", "id"]).groupby("country_code").tail(1)
    signoffs = signoffs[signoffs["withdrawn_at"].isna()]
    signed = f.signed_assessments.merge(signoffs[["id", "country_code"]], left_on="signoff_id", right_on="id")
    signed = signed.merge(f.countries.loc[f.countries["member"], ["code", "region", "global_north"]],
                          left_on="country_code", right_on="code")
    signed = signed[signed["capability_key"].isin(domain_of.index)]
    last = signed.sort_values(["assessed_on", "assessment_id"]).groupby(["country_code", "capability_key"]).tail(1)
    per_country = last.assign(domain=last["capability_key"].map(domain_of)).groupby(
        ["country_code", "region", "global_north", "domain"])["phase"].mean().reset_index()
    me = f.countries.set_index("code").loc[code]
    groups = {"region": per_country["region"] == me["region"],
              "north_south": per_country["global_north"] == me["global_north"],
              "members": pd.Series(True, index=per_country.index)}
    peers = {}
    for kind, chosen in groups.items():
        bands = per_country[chosen].groupby("domain")["phase"]
        peers[kind] = pd.DataFrame({"countries": bands.size(), "q1": bands.quantile(0.25),
                                    "median": bands.median(), "q3": bands.quantile(0.75)})
    named = f.commitment_countries.loc[f.commitment_countries["country_code"] == code, "commitment_id"]
    commitments = f.live("commitments")
    mine = commitments[commitments["id"].isin(named)]
    embargoed = mine["embargo_until"].notna() & (mine["embargo_until"] > f.now)
    counted = mine[~mine["review_state"].isin(["withdrawn"]) & ~embargoed]
    status = latest_status(f.live("progress_updates").pipe(lambda p: p[p["commitment_id"].isin(counted["id"])]))
    status = status.reindex(counted["id"])
    cutoff = pd.Timestamp(_cutoff(f.now, f.cycle_months))
    silent = (status["last_report"].isna() | (pd.to_datetime(status["last_report"]) < cutoff)) & ~status[
        "reported_status"].isin(list(CLOSED_STATUSES))
    verified = status[~silent & status["verified_status"].notna()]
    reported = status[~silent & status["verified_status"].isna()]
    return {"domains": domains, "rounds": rounds, "peers": peers, "counted": len(counted),
            "not_reporting": int(silent.sum()), "verified": len(verified), "self_reported": len(reported)}


def _same_scorecard(b: dict[str, Any], s: dict[str, Any], ctx: Context) -> bool:
    ours = {k: d.phase for k, d in s["maturity"].domains["latest"].items() if d.phase is not None}
    # the scorecard rounds a domain's phase to one decimal
    theirs = {k: float(v) for k, v in b["domains"].items()}
    figures = s["figures"]
    return (ours.keys() == theirs.keys() and all(abs(ours[k] - theirs[k]) <= 0.05 + 1e-9 for k in ours)
            and len(b["rounds"]) == len(s["rounds"]) and b["counted"] == figures.counted
            and b["not_reporting"] == figures.not_reporting)


def commitments_unfiltered(f: Frames) -> pd.DataFrame:
    return listing(f, f.live("commitments"))


def search(f: Frames, text: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    c = f.live("commitments")
    needle = text.strip().lower()
    hit = (c["title"].str.lower().str.contains(needle, regex=False)
           | c["description"].str.lower().str.contains(needle, regex=False)
           | c["deliverable"].str.lower().str.contains(needle, regex=False))  # fmt: skip
    found = listing(f, c[hit])
    return found[found["reported_status"].isin(statuses)] if statuses else found


def commitment_detail(f: Frames, commitment_id: int) -> dict[str, Any]:
    c = f.live("commitments")
    row = c[c["id"] == commitment_id].iloc[0].to_dict()
    links = f.commitment_partners[f.commitment_partners["commitment_id"] == commitment_id]
    progress = f.live("progress_updates")
    return {
        **row,
        "partners": links[["partner_id", "role"]].to_dict("records"),
        "countries": list(
            f.commitment_countries.loc[f.commitment_countries["commitment_id"] == commitment_id, "country_code"]
        ),
        "framework_items": list(
            f.commitment_items.loc[f.commitment_items["commitment_id"] == commitment_id, "item_key"]
        ),
        "progress": progress[progress["commitment_id"] == commitment_id].sort_values(
            ["report_date", "id"], ascending=False
        ),
    }


def _cutoff(now: datetime, months: int) -> date:
    day = now.date()
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def overview(f: Frames) -> dict[str, Any]:
    """The headline figures, the counts per country and the four breakdowns (withdrawn left out)."""
    c = f.live("commitments")
    c = c[c["review_state"] != "withdrawn"]
    ids = c["id"]
    latest = latest_status(f.live("progress_updates").pipe(lambda p: p[p["commitment_id"].isin(ids)]))
    base = c[["id", "is_global", "start_date", "created_at", "event_id"]].join(latest, on="id")
    links = f.commitment_partners[f.commitment_partners["commitment_id"].isin(ids)]
    places = f.commitment_countries[f.commitment_countries["commitment_id"].isin(ids)]
    reported, verified = base["reported_status"], base["verified_status"]
    cutoff = pd.Timestamp(_cutoff(f.now, f.cycle_months))
    closed = [s.value for s in CLOSED_STATUSES]
    headline = {
        "commitments": len(c),
        "joint": int((base["id"].map(links.groupby("commitment_id").size()) > 1).sum()),
        "global": int(base["is_global"].sum()),
        "verified": int(verified.notna().sum()),
        "self_reported_only": int((reported.notna() & verified.isna()).sum()),
        "not_reporting": int(((base["last_report"].isna() | (base["last_report"] < cutoff))
                              & ~reported.fillna("").isin(closed)).sum()),
        "complete": int((reported == "complete").sum()),
        "complete_verified": int((verified == "complete").sum()),
        "partners": int(links["partner_id"].nunique()),
        "countries": int(places["country_code"].nunique()),
        "member_countries": int(f.countries["member"].sum()),
    }  # fmt: skip
    per_country = places.groupby("country_code")["commitment_id"].nunique()
    countries = f.countries[["code", "name", "numeric", "region", "member"]].assign(
        commitments=lambda k: k["code"].map(per_country).fillna(0).astype(int)
    )
    typed = links.merge(f.partners[["id", "stakeholder_type"]], left_on="partner_id", right_on="id")
    regions = places.merge(f.countries[["code", "region"]], left_on="country_code", right_on="code")
    events = f.live("events").set_index("id")["date"]
    made = base["event_id"].map(events).fillna(base["start_date"]).fillna(base["created_at"])
    return {
        "headline": headline,
        "per_country": countries.sort_values(["commitments", "name"], ascending=[False, True]),
        "stakeholder_type": typed.groupby("stakeholder_type")["commitment_id"].nunique(),
        "status": reported.fillna("not_reported").value_counts(),
        "year": pd.to_datetime(made).dt.year.value_counts(),
        "region": regions.groupby("region")["commitment_id"].nunique(),
    }


def _plain(text: str) -> str:
    return " ".join(str(text).lower().split())


def duplicates(f: Frames, title: str, partner_ids: list[int], countries: list[str], limit: int = 5) -> list[int]:
    """Live, not withdrawn commitments sharing a partner or a country, ranked by title similarity
    (``difflib``, as a typical app would), the best ``limit`` above 0.6."""
    c = f.live("commitments")
    c = c[c["review_state"] != "withdrawn"]
    near = set(f.commitment_partners.loc[f.commitment_partners["partner_id"].isin(partner_ids), "commitment_id"])
    near |= set(f.commitment_countries.loc[f.commitment_countries["country_code"].isin(countries), "commitment_id"])
    candidates = c[c["id"].isin(near)]
    typed = _plain(title)
    scores = candidates["title"].map(lambda t: difflib.SequenceMatcher(None, typed, _plain(t)).ratio())
    best = candidates.assign(score=scores)
    best = best[best["score"] >= 0.6].sort_values(["score", "id"], ascending=[False, True])
    return [int(i) for i in best["id"].head(limit)]


@dataclass(frozen=True)
class Baseline:
    key: str  # the read it stands beside: "read.country" -> "baseline.country"
    label: str
    compute: Callable[[Frames, Context], Any]
    same: Callable[[Any, Any, Context], bool]  # (baseline result, service result) compute the same figures


def _ids(frame: Any) -> set[int]:
    return {int(i) for i in frame["id"]}


def _same_overview(b: dict[str, Any], s: dict[str, Any], ctx: Context) -> bool:
    return all(int(s["headline"][k]) == v for k, v in b["headline"].items() if k in s["headline"])


def _same_duplicates(b: list[int], s: Any, ctx: Context) -> bool:
    assert ctx.probe is not None
    return (ctx.probe.original in b) == (ctx.probe.original in [d.commitment_id for d in s])


BASELINES = [
    Baseline("baseline.overview", "Overview's figures in pandas", lambda f, ctx: overview(f), _same_overview),
    Baseline("baseline.country", "One country's data in pandas", lambda f, ctx: country_data(f, ctx.country),
             lambda b, s, ctx: _ids(b["commitments"]) == _ids(s["commitments"])
             and len(b["assessments"]) == len(s["assessments"])),
    Baseline("baseline.commitments", "Commitments, unfiltered, in pandas", lambda f, ctx: commitments_unfiltered(f),
             lambda b, s, ctx: _ids(b) == _ids(s)),
    Baseline("baseline.search", "A filtered search in pandas",
             lambda f, ctx: search(f, ctx.search.text, ctx.search.statuses), lambda b, s, ctx: _ids(b) == _ids(s)),
    Baseline("baseline.commitment", "One commitment's detail in pandas",
             lambda f, ctx: commitment_detail(f, ctx.commitment_id),
             lambda b, s, ctx: len(b["progress"]) == len(s["progress"]) and sorted(b["countries"]) ==
             sorted(s["countries"])),
    Baseline("baseline.scorecard", "Country scorecard's figures in pandas",
             lambda f, ctx: scorecard(f, ctx.country), _same_scorecard),
    Baseline("baseline.duplicates", "Duplicate suggestions with difflib over a title column",
             lambda f, ctx: duplicates(f, ctx.probe.title, ctx.probe.partner_ids, ctx.probe.countries),
             _same_duplicates),
]  # fmt: skip

#: Which read each baseline stands beside.
COMPARED = {b.key: "read." + b.key.removeprefix("baseline.") for b in BASELINES}


def measure_baselines(ctx: Context, plan: Plan, entries: dict[str, Entry], results: dict[str, Any]) -> None:
    """Time loading the tables and each baseline on the loaded frames; note whether each computes the same
    figures as its service (``results`` holds the services' last answers)."""
    loaded: list[Frames] = []

    def load() -> dict[str, float]:
        watch = Stopwatch()
        with watch("baseline.load"):
            loaded[:] = [Frames.load(ctx)]
        return watch.sample

    measure(entries, {"baseline.load": ("Load every table into DataFrames", "baselines")}, load, plan)
    if not loaded:
        return
    frames = loaded[0]
    rows = sum(len(t) for t in frames.tables.values())
    entries["baseline.load"].info.update(tables=len(frames.tables), rows=rows)
    for baseline in BASELINES:
        answers: list[Any] = []

        def sample(baseline: Baseline = baseline, answers: list[Any] = answers) -> dict[str, float]:
            watch = Stopwatch()
            with watch(baseline.key):
                answers[:] = [baseline.compute(frames, ctx)]
            return watch.sample

        measure(entries, {baseline.key: (baseline.label, "baselines")}, sample, plan)
        service = results.get(COMPARED[baseline.key])
        if answers and service is not None:
            try:
                entries[baseline.key].info["same"] = bool(baseline.same(answers[0], service, ctx))
            except Exception as exc:  # noqa: BLE001 - a service that changed shape: say so, keep the timing
                entries[baseline.key].info["same"] = None
                entries[baseline.key].info["compare_error"] = f"{type(exc).__name__}: {exc}"
