"""How the country scorecard's figures are calculated: pure functions, one definition of each.

``docs/methodology.md`` says the same in words for a ministry reader (the app shows that file in its
"How is this calculated?" panel, and a test keeps its tables equal to the constants here). Nothing in
this module reads the database: services pass in plain rows and get plain results back.

Three calculations:

* **Commitment progress** (:func:`commitment_figures`): which of a country's commitments count, and a
  progress score from their status (:data:`STATUS_WEIGHTS`), verified and self-reported kept apart,
  non-reporting commitments counted apart and left out of the scores.
* **MNR maturity** (:func:`latest_phases`, :func:`domain_phases`): the latest phase of each capability of
  the current MNR version, older rounds brought onto it through the crosswalk, verified and self-assessed
  kept apart; then each domain's phase, the mean of its capabilities' phases.
* **Peer context** (:func:`peer_band`): the median and interquartile band of a peer group's domain
  phases, or the reason it is not shown (fewer than :data:`MIN_PEER_COUNTRIES` countries).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from partners.domain.figures import HEADLINE_DEFINITIONS
from partners.domain.frameworks import CrosswalkKind
from partners.domain.frameworks import Mapping as CrosswalkMapping
from partners.domain.model import CLOSED_STATUSES, ProgressStatus, ReportSource, ReviewState

# -- commitment progress -----------------------------------------------------------------------------

#: How much each latest status counts toward a commitment's progress score (0: nothing delivered yet,
#: 1: delivered). Conventions, not measurements: "on track" earns half, since it says the work is
#: going as planned, not how much of it is done; a discontinued commitment delivered nothing.
STATUS_WEIGHTS: dict[ProgressStatus, float] = {
    ProgressStatus.NOT_STARTED: 0.0,
    ProgressStatus.STALLED: 0.25,
    ProgressStatus.OFF_TRACK: 0.25,
    ProgressStatus.ON_TRACK: 0.5,
    ProgressStatus.COMPLETE: 1.0,
    ProgressStatus.DISCONTINUED: 0.0,
}

#: The review states whose commitments never count toward a figure.
EXCLUDED_STATES = frozenset({ReviewState.WITHDRAWN})

#: What each scorecard figure counts, in the words shown beside it ({months}: the reporting cycle).
#: "Not reporting" is the headline figures' definition (``HEADLINE_DEFINITIONS``), one for both.
SCORECARD_DEFINITIONS: dict[str, str] = {
    "counted": "Commitments naming this country, not counting withdrawn ones or ones under embargo",
    "left_out": "Withdrawn commitments and commitments under embargo: they count toward no figure",
    "verified": "Reporting commitments whose latest status was verified by the secretariat, scored on it",
    "self_reported": "Reporting commitments with a status from the partner, not yet verified, scored on it",
    "not_reporting": HEADLINE_DEFINITIONS["not_reporting"] + "; shown apart and not scored",
    "progress_score": "The average of the commitments' status weights, from 0 (nothing delivered) to 1 (delivered)",
    "domain_phase": "The average of the latest maturity phases of the domain's assessed capabilities (1 to 4)",
    "peer_band": "Median and middle half of the member countries' published phases; not shown under 3 countries",
}


def status_weight(status: ProgressStatus | str) -> float:
    """The weight of one status (:data:`STATUS_WEIGHTS`)."""
    return STATUS_WEIGHTS[ProgressStatus(status)]


@dataclass(frozen=True)
class CommitmentFacts:
    """What the scoring needs to know of one commitment (a row of ``Store.commitments``)."""

    review_state: str
    reported_status: str | None  # the latest status of any source; None: no update yet
    verified_status: str | None  # the latest status the secretariat verified
    not_reporting: bool  # open, and no update within the reporting cycle (``HEADLINE_DEFINITIONS``)
    embargo_until: datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> CommitmentFacts:
        """From a row of ``Store.commitments`` (a dict, or a pandas row's ``_asdict()``)."""

        def text(key: str) -> str | None:
            value = row.get(key)
            return value if isinstance(value, str) and value not in ("", "not_reported") else None

        embargo = row.get("embargo_until")
        return cls(
            review_state=str(row["review_state"]),
            reported_status=text("reported_status"),
            verified_status=text("verified_status"),
            not_reporting=bool(row.get("not_reporting")),
            # pandas' NaT is a datetime that equals nothing, not even itself: no embargo
            embargo_until=embargo if isinstance(embargo, datetime) and embargo == embargo else None,
        )


def counts_toward_figures(c: CommitmentFacts, now: datetime) -> bool:
    """Whether a commitment counts at all: not withdrawn, and not under embargo at ``now`` (an embargoed
    commitment stays out of every figure, even the secretariat's, so no figure gives it away)."""
    if ReviewState(c.review_state) in EXCLUDED_STATES:
        return False
    return c.embargo_until is None or _naive(c.embargo_until) <= _naive(now)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def _status(value: str | None) -> ProgressStatus | None:
    return None if value in (None, "", "not_reported") else ProgressStatus(value)


@dataclass(frozen=True)
class ProgressScore:
    """Commitments with a status of one kind (verified, or self-reported only) and their mean weight."""

    commitments: int
    score: float | None  # mean of STATUS_WEIGHTS over them, 0-1; None when there are none
    complete: int


@dataclass(frozen=True)
class CommitmentFigures:
    """A country's commitment figures (see ``docs/methodology.md``, "Commitments")."""

    counted: int  # commitments that count: not withdrawn, not under embargo
    left_out: int  # withdrawn or under embargo: in no figure
    verified: ProgressScore  # counted, reporting, latest status verified by the secretariat
    self_reported: ProgressScore  # counted, reporting, with a status from the partner only
    not_reporting: int  # counted but open with no update within the reporting cycle: shown apart


def _score(statuses: Sequence[ProgressStatus]) -> ProgressScore:
    score = sum(STATUS_WEIGHTS[s] for s in statuses) / len(statuses) if statuses else None
    return ProgressScore(len(statuses), score, sum(s is ProgressStatus.COMPLETE for s in statuses))


def commitment_figures(commitments: Iterable[CommitmentFacts], now: datetime) -> CommitmentFigures:
    """Count a country's commitments and score their progress.

    Each counted commitment lands in exactly one of three places: *not reporting* (open, no update within
    the reporting cycle, or none at all), else *verified* (its latest verified status is scored), else
    *self-reported* (its latest status, which the partner reported, is scored). The two scores are never
    added together.
    """
    counted, left_out, not_reporting = 0, 0, 0
    verified: list[ProgressStatus] = []
    self_reported: list[ProgressStatus] = []
    for c in commitments:
        if not counts_toward_figures(c, now):
            left_out += 1
            continue
        counted += 1
        verified_status, reported = _status(c.verified_status), _status(c.reported_status)
        if c.not_reporting or reported is None:
            not_reporting += 1
        elif verified_status is not None:
            verified.append(verified_status)
        else:
            self_reported.append(reported)
    return CommitmentFigures(counted, left_out, _score(verified), _score(self_reported), not_reporting)


# -- MNR maturity -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """One recorded capability assessment, as stored (its key is of the version it was made against)."""

    capability_key: str
    assessed_on: date
    phase: int
    source: str  # ReportSource value
    id: int = 0  # breaks ties between assessments of one capability on one day (the later record wins)

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Assessment:
        """From a row of ``Store.assessments``."""
        day = row["assessed_on"]
        return cls(
            capability_key=str(row["capability_key"]),
            assessed_on=day.date() if isinstance(day, datetime) else day,  # type: ignore[arg-type]
            phase=int(row["phase"]),  # type: ignore[call-overload]
            source=str(row["source"]),
            id=int(row.get("id") or 0),  # type: ignore[call-overload]
        )


@dataclass(frozen=True)
class PhaseReading:
    """The latest phase of one current capability from one source."""

    phase: int
    assessed_on: date
    source: ReportSource
    recorded_keys: tuple[str, ...]  # the keys as recorded (several: merged by the crosswalk)
    through_crosswalk: bool  # made against an older version and shown on the current one
    kind: CrosswalkKind = CrosswalkKind.SAME


@dataclass(frozen=True)
class CapabilityPhase:
    """A current capability's latest phase, verified and self-assessed kept apart."""

    key: str
    verified: PhaseReading | None
    self_assessed: PhaseReading | None

    @property
    def latest(self) -> PhaseReading | None:
        """The newer of the two readings (on the same day, the verified one): the phase shown."""
        readings = [r for r in (self.verified, self.self_assessed) if r is not None]
        return max(readings, key=lambda r: (r.assessed_on, r.source is ReportSource.VERIFIED), default=None)


@dataclass(frozen=True)
class Unmapped:
    """A recorded assessment key that has no place on the current version (retired, or not in the
    crosswalk): shown apart, never in a domain's phase."""

    key: str
    reason: str


def latest_phases(
    assessments: Iterable[Assessment],
    capability_keys: Sequence[str],
    mappings: Mapping[str, CrosswalkMapping | None],
) -> tuple[dict[str, CapabilityPhase], list[Unmapped]]:
    """The latest phase of every current capability, per source, and the recorded keys left out.

    ``capability_keys``: the capabilities of the current MNR version; ``mappings``: where each recorded
    key lands on it (``services.frameworks.map_to_current``). The rules, per source (verified,
    self-assessed):

    1. for each recorded key, its latest assessment (latest date; on one day, the later record);
    2. each recorded key lands on one current capability (same), several (split: the phase applies to
       each) or shares one with others (merged);
    3. a current capability takes the latest date among the keys landing on it; when several keys of
       that date land on it (merged), the *lowest* of their phases: a merged capability is only as
       mature as its least mature part.
    """
    wanted = set(capability_keys)
    newest: dict[tuple[str, ReportSource], Assessment] = {}
    for a in assessments:
        slot = (a.capability_key, ReportSource(a.source))
        held = newest.get(slot)
        if held is None or (a.assessed_on, a.id) > (held.assessed_on, held.id):
            newest[slot] = a
    unmapped: dict[str, Unmapped] = {}
    landing: dict[tuple[str, ReportSource], list[tuple[Assessment, CrosswalkMapping | None]]] = {}
    for (key, source), a in newest.items():
        mapping = mappings.get(key)
        targets = mapping.targets if mapping is not None else ((key,) if key in wanted else ())
        targets = tuple(t for t in targets if t in wanted)
        if not targets:
            unmapped[key] = Unmapped(key, _unmapped_reason(mapping))
            continue
        for target in targets:
            landing.setdefault((target, source), []).append((a, mapping))
    readings: dict[tuple[str, ReportSource], PhaseReading] = {}
    for (target, source), found in landing.items():
        day = max(a.assessed_on for a, _ in found)
        same_day = [(a, m) for a, m in found if a.assessed_on == day]
        via = [m for _, m in same_day if m is not None and m.through_crosswalk]
        kinds = {m.kind for m in via if m.kind is not None}
        if CrosswalkKind.MERGED in kinds or len(kinds) != 1:
            kind = CrosswalkKind.MERGED if CrosswalkKind.MERGED in kinds else CrosswalkKind.SAME
        else:
            kind = kinds.pop()
        readings[(target, source)] = PhaseReading(
            phase=min(a.phase for a, _ in same_day),
            assessed_on=day,
            source=source,
            recorded_keys=tuple(sorted(a.capability_key for a, _ in same_day)),
            through_crosswalk=bool(via),
            kind=kind,
        )
    phases = {
        key: CapabilityPhase(
            key, readings.get((key, ReportSource.VERIFIED)), readings.get((key, ReportSource.SELF_REPORTED))
        )
        for key in capability_keys
    }
    return phases, sorted(unmapped.values(), key=lambda u: u.key)


def _unmapped_reason(mapping: CrosswalkMapping | None) -> str:
    if mapping is None:
        return "no crosswalk leads from its version to the current one"
    if mapping.kind is None:
        return "the crosswalk to the current version does not list it"
    return "retired in the current version (no counterpart)"


#: Which reading of each capability a domain phase is computed from.
READINGS: dict[str, Callable[[CapabilityPhase], PhaseReading | None]] = {
    "latest": lambda c: c.latest,
    "verified": lambda c: c.verified,
    "self_assessed": lambda c: c.self_assessed,
}


@dataclass(frozen=True)
class DomainPhase:
    """One MNR domain's phase: the mean of its assessed capabilities' phases, with its coverage."""

    domain_key: str
    phase: float | None  # None: none of its capabilities is assessed
    assessed: int  # capabilities with a phase
    capabilities: int  # capabilities the domain has


def one_decimal(value: float) -> float:
    """``value`` rounded to one decimal, halves away from zero as people round (1.25 -> 1.3), not to the
    even digit as Python's ``round`` does."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean_phase(phases: Sequence[int]) -> float | None:
    """The mean of some phases, to one decimal (:func:`one_decimal`; None for none)."""
    return one_decimal(statistics.fmean(phases)) if phases else None


def domain_phases(
    phases: Mapping[str, CapabilityPhase], domain_of: Mapping[str, str], reading: str = "latest"
) -> dict[str, DomainPhase]:
    """Each domain's phase, from the ``reading`` of its capabilities ("latest", "verified" or
    "self_assessed", see :data:`READINGS`). ``domain_of``: current capability key -> domain key, in the
    framework's order; a capability without that reading is left out of the mean and the coverage says so.
    """
    pick = READINGS[reading]
    members: dict[str, list[str]] = {}
    for key, domain in domain_of.items():
        members.setdefault(domain, []).append(key)
    out = {}
    for domain, keys in members.items():
        found = [r.phase for r in (pick(phases[k]) if k in phases else None for k in keys) if r is not None]
        out[domain] = DomainPhase(domain, mean_phase(found), len(found), len(keys))
    return out


def phases_by_round(
    assessments: Sequence[Assessment],
    capability_keys: Sequence[str],
    mappings: Mapping[str, CrosswalkMapping | None],
    domain_of: Mapping[str, str],
    reading: str = "latest",
) -> list[tuple[date, dict[str, DomainPhase]]]:
    """How each domain stood after each assessment round, oldest first: a round is a day on which
    assessments were made, and the domains after it are computed (:func:`latest_phases`,
    :func:`domain_phases`) from every assessment made up to that day, so a capability not re-assessed in a
    round keeps its earlier phase."""
    out = []
    for day in sorted({a.assessed_on for a in assessments}):
        phases, _ = latest_phases([a for a in assessments if a.assessed_on <= day], capability_keys, mappings)
        out.append((day, domain_phases(phases, domain_of, reading)))
    return out


# -- peer context -------------------------------------------------------------------------------------

#: A peer group's band is shown only over at least this many countries with published assessments
#: (an aggregate over fewer would all but show one country's own answers).
MIN_PEER_COUNTRIES = 3


@dataclass(frozen=True)
class PeerBand:
    """A peer group's median and interquartile band for one domain, or why it is not shown.

    Only aggregates: never which countries, nor any one country's value."""

    countries: int | None  # countries in the group with a published phase for this domain (None: suppressed)
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None
    suppressed: str = ""  # why no band is shown ("" when it is)

    @property
    def shown(self) -> bool:
        return not self.suppressed


def peer_band(values: Iterable[float]) -> PeerBand:
    """The median and the quartiles (inclusive method: the quartiles lie between the smallest and largest
    value, as in a spreadsheet's QUARTILE.INC) of the peer countries' domain phases, each to one decimal
    (:func:`one_decimal`); suppressed with the reason when fewer than :data:`MIN_PEER_COUNTRIES` countries give one."""
    data = [float(v) for v in values]
    if len(data) < MIN_PEER_COUNTRIES:
        return PeerBand(
            countries=None,  # not even how few: "fewer than 3" is all a suppressed group says
            suppressed=(
                f"Not shown: fewer than {MIN_PEER_COUNTRIES} countries in this group have published"
                " assessments for this domain"
            ),
        )
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return PeerBand(len(data), one_decimal(median), one_decimal(q1), one_decimal(q3))


# -- progress timeline (the scorecard's "Progress timeline") ------------------------------------------


@dataclass(frozen=True)
class TimelineFacts:
    """What the progress timeline needs to know of one commitment."""

    review_state: str
    deadline: date | None
    updates: tuple[tuple[date, str], ...] = ()  # (report date, status) of every progress update, any source
    embargo_until: datetime | None = None


@dataclass(frozen=True)
class TimelinePeriod:
    """One period of the progress timeline (a calendar quarter): what happened in it, and where it ended."""

    start: date
    end: date  # its last day
    label: str  # "2024 Q3"
    completed: int  # commitments that became complete in the period (complete at its end, not at its start)
    due: int  # commitments whose deadline falls in the period
    overdue: int  # commitments past their deadline and not closed at the period's end (or today, if sooner)


def status_on(c: TimelineFacts, day: date) -> ProgressStatus | None:
    """A commitment's status at the end of ``day``: that of its latest progress update reported on or before
    it, of any source (None: no update by then). Updates of one day count in the order given."""
    found = None
    for reported, status in c.updates:
        if reported <= day:
            found = status
    return _status(found)


def is_completed_on(c: TimelineFacts, day: date) -> bool:
    """Completed: its status at the end of ``day`` is "complete" (a later update can reopen it)."""
    return status_on(c, day) is ProgressStatus.COMPLETE


def is_overdue_on(c: TimelineFacts, day: date) -> bool:
    """Overdue: its deadline is before ``day`` and its status at the end of ``day`` is not closed (complete or
    discontinued). A commitment without a deadline is never overdue."""
    if c.deadline is None or c.deadline >= day:
        return False
    return status_on(c, day) not in CLOSED_STATUSES


def in_timeline(c: TimelineFacts, now: datetime) -> bool:
    """Whether a commitment counts in the timeline: as for every figure, withdrawn ones and ones under embargo
    at ``now`` are left out (:func:`counts_toward_figures`)."""
    return counts_toward_figures(CommitmentFacts(c.review_state, None, None, False, c.embargo_until), now)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, date.fromordinal(following.toordinal() - 1)


def progress_timeline(commitments: Iterable[TimelineFacts], now: datetime) -> list[TimelinePeriod]:
    """Commitments completed, due and overdue per calendar quarter, from the quarter of the earliest deadline
    or progress update up to the quarter of ``now`` (none: an empty timeline). Withdrawn and embargoed
    commitments are left out (:func:`in_timeline`). In each quarter:

    * **completed**: complete at the quarter's end and not at the end of the day before it began, so a
      commitment counts once, in the quarter it was reported complete (again if it was reopened and completed
      later);
    * **due**: its deadline falls in the quarter (whatever its status);
    * **overdue**: at the quarter's end (for the current quarter, today) past its deadline and not closed.
    """
    today = now.date()
    kept = [c for c in commitments if in_timeline(c, now)]
    days = [c.deadline for c in kept if c.deadline is not None] + [d for c in kept for d, _ in c.updates]
    days = [d for d in days if d <= today]
    if not days:
        return []
    start, end = quarter_of(min(days))
    periods = []
    while start <= today:
        until = min(end, today)
        before = date.fromordinal(start.toordinal() - 1)
        periods.append(TimelinePeriod(
            start=start,
            end=end,
            label=f"{start.year} Q{(start.month - 1) // 3 + 1}",
            completed=sum(is_completed_on(c, until) and not is_completed_on(c, before) for c in kept),
            due=sum(c.deadline is not None and start <= c.deadline <= end for c in kept),
            overdue=sum(is_overdue_on(c, until) for c in kept),
        ))
        start, end = quarter_of(date.fromordinal(end.toordinal() + 1))
    return periods


# -- gaps (the scorecard's "Gaps" section) ------------------------------------------------------------

#: The phases at which an assessed capability is a gap: 1 (building) and 2 (developing).
GAP_PHASES = frozenset({1, 2})


def is_active_commitment(c: CommitmentFacts, now: datetime) -> bool:
    """Whether a commitment is *active*, so that it takes a capability out of the gaps.

    Active: it counts toward the figures (:func:`counts_toward_figures`: not withdrawn, not under embargo
    at ``now``), and it is not closed: its latest status (of any source) is neither complete nor
    discontinued. A commitment with no status yet (a draft, or one not reported on) is active: someone
    has taken the capability on. Callers pass only the commitments the viewer may see."""
    if not counts_toward_figures(c, now):
        return False
    status = _status(c.reported_status)
    return status not in (ProgressStatus.COMPLETE, ProgressStatus.DISCONTINUED)


@dataclass(frozen=True)
class Gap:
    """A current capability at phase 1 or 2 with no active commitment."""

    key: str
    phase: int  # the latest phase (verified or self-assessed, whichever is newer: ``CapabilityPhase.latest``)
    source: ReportSource


@dataclass(frozen=True)
class GapFinding:
    """Each current capability in one of four places, each in the framework's order."""

    gaps: tuple[Gap, ...]  # phase 1-2, no active commitment
    covered: tuple[str, ...]  # phase 1-2, with an active commitment
    not_assessed: tuple[str, ...]  # no phase the viewer may see: shown apart, never a gap
    beyond: tuple[str, ...]  # phase 3 or 4


def find_gaps(
    capability_keys: Sequence[str], phases: Mapping[str, CapabilityPhase], with_active: Iterable[str]
) -> GapFinding:
    """Sort the current capabilities into gaps and the rest.

    ``phases``: the latest phases (:func:`latest_phases`) from the assessments the viewer may see;
    ``with_active``: the capability keys with at least one active commitment (:func:`is_active_commitment`).
    A capability without a phase is *not assessed*: listed apart, since nothing says it is weak."""
    active = set(with_active)
    gaps: list[Gap] = []
    covered: list[str] = []
    not_assessed: list[str] = []
    beyond: list[str] = []
    for key in capability_keys:
        held = phases.get(key)
        reading = held.latest if held is not None else None
        if reading is None:
            not_assessed.append(key)
        elif reading.phase not in GAP_PHASES:
            beyond.append(key)
        elif key in active:
            covered.append(key)
        else:
            gaps.append(Gap(key, reading.phase, reading.source))
    return GapFinding(tuple(gaps), tuple(covered), tuple(not_assessed), tuple(beyond))


def comparable_countries(country: Mapping[str, object], countries: Iterable[Mapping[str, object]]) -> list[str]:
    """The countries comparable with ``country`` for suggestions: the same UN region and the same side of
    the Global North / South line, the country itself left out; by code (an order of names, never of
    scores). There is no income-group data, so region and North / South stand in for it. A country
    without a region has no comparable countries."""
    region, north, code = country.get("region"), bool(country.get("global_north")), country.get("code")
    if not region:
        return []
    return sorted(
        str(c["code"]) for c in countries
        if c.get("region") == region and bool(c.get("global_north")) == north and c.get("code") != code
    )
