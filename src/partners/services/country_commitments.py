"""The country scorecard's commitment sections, for one viewer: the commitments for the country (its own
beside others' made for it), who is helping per MNR capability, the Global Alliance targets they address and
the progress timeline.

One read (``Store.country_commitment_rows``) gives every commitment naming the country that the viewer may
see, as it stood at ``as_of`` when one is given; each section is computed from it. As in every scorecard
figure (``scoring.counts_toward_figures``), withdrawn commitments and commitments under embargo are left out
of every section, even the secretariat's, and counted apart (``left_out``).

A commitment is the country's **own** when one of its partners is based in the country (its government, a
national hotline, a company headquartered there: ``partners.hq_country``); otherwise it was made **for** the
country by partners from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from partners.domain import scoring
from partners.domain.model import Actor, ProgressStatus, ReviewState, Visibility
from partners.domain.scoring import CommitmentFacts, TimelineFacts, TimelinePeriod
from partners.services import frameworks
from partners.services.as_of import AsOf, moment
from partners.services.errors import NotFound
from partners.services.scorecard import current_mnr
from partners.services.visibility import view_scope
from partners.storage.port import Store

#: The family of the Global Alliance's policy targets and operational goals (``data/frameworks``).
GA_FAMILY = "GA"

#: A status column's value for a commitment with no update (of that source) yet.
NO_UPDATE = "not_reported"

#: The statuses in the order the sections list them, then "no update yet".
STATUS_ORDER: tuple[str, ...] = (*(s.value for s in ProgressStatus), NO_UPDATE)


@dataclass(frozen=True)
class PartnerRef:
    """One partner of a commitment, as the scorecard names it."""

    id: int
    name: str
    stakeholder_type: str
    hq_country: str | None
    role: str


@dataclass(frozen=True)
class CountryCommitment:
    """One commitment naming the country, as the viewer may see it."""

    id: int
    title: str  # user text: shown in tables only, never as markdown
    made_on: date | None
    deadline: date | None
    review_state: str
    visibility: str
    embargo_until: datetime | None
    own: bool  # made by a partner based in the country
    partners: tuple[PartnerRef, ...]  # lead partners first
    reported_status: str | None  # latest of any source (None: no update yet)
    self_reported_status: str | None
    verified_status: str | None
    not_reporting: bool
    item_keys: tuple[str, ...]
    updates: tuple[tuple[date, str], ...]  # (report date, status), oldest first

    @property
    def stakeholder_type(self) -> str:
        """The stakeholder type the commitment is counted under: its (first) lead partner's."""
        return self.partners[0].stakeholder_type if self.partners else ""

    def facts(self) -> CommitmentFacts:
        return CommitmentFacts(self.review_state, self.reported_status, self.verified_status, self.not_reporting,
                               self.embargo_until)

    def timeline_facts(self) -> TimelineFacts:
        return TimelineFacts(self.review_state, self.deadline, self.updates, self.embargo_until)


@dataclass(frozen=True)
class CountryCommitments:
    """The commitments for one country that count (not withdrawn, not under embargo), as one viewer may see
    them, newest first."""

    country_code: str
    commitments: tuple[CountryCommitment, ...]
    left_out: int  # visible to the viewer but withdrawn or under embargo: in no section
    now: datetime  # the moment they are judged at (the as-of moment when one is given)

    @property
    def includes_private(self) -> bool:
        """Whether any of them is private or not yet published: only the secretariat, the country's focal
        points and the commitment's own partners may see such a commitment (one shared with members is not)."""
        return any(c.visibility == Visibility.PRIVATE.value or c.review_state != ReviewState.PUBLISHED.value
                   for c in self.commitments)


def _day(value: Any) -> date | None:
    if value is None or value != value:  # None or NaT
        return None
    return value.date() if isinstance(value, datetime) else value


def _commitment(row: dict[str, Any], country: str) -> CountryCommitment:
    partners = tuple(PartnerRef(int(p["id"]), str(p["name"]), str(p["stakeholder_type"]), p["hq_country"],
                                str(p["role"])) for p in row["partners"])
    embargo = row.get("embargo_until")
    return CountryCommitment(
        id=int(row["id"]),
        title=str(row["title"]),
        made_on=_day(row.get("made_on")),
        deadline=_day(row.get("deadline")),
        review_state=str(row["review_state"]),
        visibility=str(row["visibility"]),
        embargo_until=embargo if isinstance(embargo, datetime) else None,
        own=any(p.hq_country == country for p in partners),
        partners=partners,
        reported_status=row.get("reported_status"),
        self_reported_status=row.get("self_reported_status"),
        verified_status=row.get("verified_status"),
        not_reporting=bool(row.get("not_reporting")),
        item_keys=tuple(row["item_keys"]),
        updates=tuple((_day(u["report_date"]), str(u["status"])) for u in row["updates"]),  # type: ignore[misc]
    )


def country_commitments(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None
) -> CountryCommitments:
    """The commitments naming ``code`` that ``actor`` may see (as they stood at ``as_of``, a date or a moment,
    when given) and that count: withdrawn ones and ones under embargo are left out and counted apart."""
    scope = view_scope(actor, now, store, as_of=moment(as_of, now))
    if store.country(code, as_of=scope.as_of) is None:
        raise NotFound(f"there is no country with code {code}")
    found = [_commitment(r, code) for r in store.country_commitment_rows(scope, code)]
    kept = tuple(c for c in found if scoring.counts_toward_figures(c.facts(), scope.now))
    return CountryCommitments(code, kept, len(found) - len(kept), scope.now)


# -- 1. the commitments, by stakeholder type and status ----------------------------------------------


def commitment_rows(cc: CountryCommitments) -> pd.DataFrame:
    """One row per commitment, newest first: id, title, whose ("own" or "others"), partners (names, lead
    first), stakeholder_type, made_on, deadline, self_reported_status and verified_status (``NO_UPDATE``:
    none of that source yet), not_reporting, visibility."""
    return pd.DataFrame(
        [{
            "id": c.id,
            "title": c.title,
            "whose": "own" if c.own else "others",
            "partners": "; ".join(p.name for p in c.partners),
            "stakeholder_type": c.stakeholder_type,
            "made_on": c.made_on,
            "deadline": c.deadline,
            "self_reported_status": c.self_reported_status or NO_UPDATE,
            "verified_status": c.verified_status or NO_UPDATE,
            "not_reporting": c.not_reporting,
            "visibility": c.visibility,
        } for c in cc.commitments],
        columns=["id", "title", "whose", "partners", "stakeholder_type", "made_on", "deadline",
                 "self_reported_status", "verified_status", "not_reporting", "visibility"],
    )


def by_stakeholder_and_status(cc: CountryCommitments) -> pd.DataFrame:
    """How many commitments of each stakeholder type (its lead partner's), the country's own and others'
    apart, have each status, self-reported beside verified: whose, stakeholder_type, status, self_reported,
    verified (counts; a row for each status either count holds)."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    for c in cc.commitments:
        whose = "own" if c.own else "others"
        for slot, status in enumerate((c.self_reported_status or NO_UPDATE, c.verified_status or NO_UPDATE)):
            counts.setdefault((whose, c.stakeholder_type, status), [0, 0])[slot] += 1
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    rows = sorted(counts.items(), key=lambda kv: (kv[0][0] != "own", kv[0][1], order.get(kv[0][2], 99)))
    return pd.DataFrame(
        [{"whose": w, "stakeholder_type": t, "status": s, "self_reported": n[0], "verified": n[1]}
         for (w, t, s), n in rows],
        columns=["whose", "stakeholder_type", "status", "self_reported", "verified"],
    )


# -- 2. who is helping, per MNR capability ------------------------------------------------------------


def _capability_links(store: Store, cc: CountryCommitments) -> dict[str, list[CountryCommitment]]:
    """Current MNR capability key -> the commitments linked to it (directly, or to an older version's
    capability through the crosswalk)."""
    shape = current_mnr(store)
    wanted = set(shape.capability_keys)
    keys = {k for c in cc.commitments for k in c.item_keys}
    mappings = frameworks.map_to_current(store, [k for k in keys if k not in wanted])
    out: dict[str, list[CountryCommitment]] = {k: [] for k in shape.capability_keys}
    for c in cc.commitments:
        targets: set[str] = set()
        for key in c.item_keys:
            if key in wanted:
                targets.add(key)
            elif (mapping := mappings.get(key)) is not None:
                targets.update(t for t in mapping.targets if t in wanted)
        for t in targets:
            out[t].append(c)
    return out


def who_is_helping(store: Store, cc: CountryCommitments) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per capability of the current MNR, in the framework's order: (a summary) code, capability, domain,
    partners (their names; "" when nobody), commitments, complete, helped (whether anyone is); and (the
    detail) one row per capability, commitment and partner: code, capability, partner, stakeholder_type,
    whose, commitment id, title, self_reported_status, verified_status."""
    caps = frameworks.capabilities(store)
    links = _capability_links(store, cc)
    summary, detail = [], []
    for cap in caps.itertuples(index=False):
        linked = links.get(cap.key, [])
        names = list(dict.fromkeys(p.name for c in linked for p in c.partners))
        summary.append({
            "code": str(cap.code), "capability": cap.name, "domain": cap.domain, "partners": "; ".join(names),
            "commitments": len(linked),
            "complete": sum(c.reported_status == ProgressStatus.COMPLETE.value for c in linked),
            "helped": bool(linked),
        })
        for c in linked:
            for p in c.partners:
                detail.append({
                    "code": str(cap.code), "capability": cap.name, "partner": p.name,
                    "stakeholder_type": p.stakeholder_type, "whose": "own" if c.own else "others", "id": c.id,
                    "title": c.title, "self_reported_status": c.self_reported_status or NO_UPDATE,
                    "verified_status": c.verified_status or NO_UPDATE,
                })
    return (
        pd.DataFrame(summary, columns=["code", "capability", "domain", "partners", "commitments", "complete",
                                       "helped"]),
        pd.DataFrame(detail, columns=["code", "capability", "partner", "stakeholder_type", "whose", "id", "title",
                                      "self_reported_status", "verified_status"]),
    )


# -- 3. the Global Alliance targets ------------------------------------------------------------------


def ga_coverage(store: Store, cc: CountryCommitments) -> pd.DataFrame:
    """Each policy target and operational goal of the current Global Alliance framework, each target
    followed by its goals: kind ("target" or "goal"), code, name, commitments (how many of the country's
    commitments address it: a commitment linked to a goal addresses its target too), then one column per
    status of ``STATUS_ORDER`` (their latest status, of any source) and covered (whether any does)."""
    current = frameworks.current_framework(store, GA_FAMILY)
    columns = ["kind", "code", "name", "commitments", *STATUS_ORDER, "covered"]
    if current is None:
        return pd.DataFrame(columns=columns)
    items = store.framework_items()
    items = items[items.framework_id == current.id]  # in the framework's order
    targets = items[items.parent_key.isna()]
    rows = []
    for target in targets.itertuples(index=False):
        goals = items[items.parent_key == target.key]
        for item, under in ((target, {target.key, *goals.key}),
                            *((g, {g.key}) for g in goals.itertuples(index=False))):
            addressing = [c for c in cc.commitments if under & set(c.item_keys)]
            statuses = [c.reported_status or NO_UPDATE for c in addressing]
            rows.append({"kind": item.kind, "code": item.code, "name": item.name, "commitments": len(addressing),
                         **{s: statuses.count(s) for s in STATUS_ORDER}, "covered": bool(addressing)})
    return pd.DataFrame(rows, columns=columns)


# -- 4. the progress timeline ------------------------------------------------------------------------


def timeline(cc: CountryCommitments) -> list[TimelinePeriod]:
    """Commitments completed, due and overdue per quarter (``scoring.progress_timeline``)."""
    return scoring.progress_timeline((c.timeline_facts() for c in cc.commitments), cc.now)

