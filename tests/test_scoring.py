"""The scorecard's scoring rules (``partners.domain.scoring``) against hand-computed values, edge cases
included, and the methodology text that explains them (``docs/methodology.md``)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

import pytest

from actors import EDITOR, FOCAL_KEN, PUBLIC, REVIEWER
from partners.domain import scoring
from partners.domain.frameworks import Crosswalk, CrosswalkKind, CrosswalkRow, map_key
from partners.domain.model import CapabilityAssessment, Commitment, ProgressStatus, ProgressUpdate, ReportSource
from partners.domain.scope import REPORTING_CYCLE_MONTHS, CommitmentFilter
from partners.domain.scoring import Assessment, CommitmentFacts
from partners.services import records, scorecard, workflow
from partners.storage import Store
from test_framework_versions import CAPABILITIES_2099, data_dir, versioned  # noqa: F401 - fixtures

NOW = datetime(2026, 6, 1, 12, 0)


def facts(state: str = "published", reported: str | None = None, verified: str | None = None, *,
          not_reporting: bool = False, embargo: datetime | None = None) -> CommitmentFacts:
    return CommitmentFacts(state, reported, verified, not_reporting, embargo)


# -- commitments ---------------------------------------------------------------------------------------


def test_verified_and_self_reported_progress_are_scored_apart_and_non_reporting_counted_apart() -> None:
    figures = scoring.commitment_figures(
        [
            facts(reported="complete", verified="complete"),
            facts(reported="stalled", verified="on_track"),  # the verified status is the one scored
            facts(reported="stalled", verified="stalled"),
            facts(reported="on_track"),
            facts(reported="off_track"),
            facts(reported="not_reported", not_reporting=True),  # never reported on
            facts(reported="on_track", verified="on_track", not_reporting=True),  # report overdue
        ],
        NOW,
    )
    assert figures.counted == 7 and figures.left_out == 0
    assert figures.not_reporting == 2
    # (1 + 0.5 + 0.25) / 3 and (0.5 + 0.25) / 2, by hand
    assert figures.verified == scoring.ProgressScore(commitments=3, score=pytest.approx(1.75 / 3), complete=1)
    assert figures.self_reported == scoring.ProgressScore(commitments=2, score=0.375, complete=0)


def test_withdrawn_and_embargoed_commitments_count_toward_no_figure() -> None:
    figures = scoring.commitment_figures(
        [
            facts("withdrawn", "complete", "complete"),
            facts("verified", "complete", embargo=datetime(2026, 7, 1)),  # embargo still running
            facts("verified", "on_track", embargo=datetime(2026, 5, 1)),  # embargo over: counts
        ],
        NOW,
    )
    assert (figures.counted, figures.left_out) == (1, 2)
    assert figures.self_reported == scoring.ProgressScore(1, 0.5, 0)
    assert figures.verified == scoring.ProgressScore(0, None, 0)


def test_when_every_commitment_is_withdrawn_nothing_is_scored() -> None:
    figures = scoring.commitment_figures([facts("withdrawn", "complete"), facts("withdrawn", "on_track")], NOW)
    assert (figures.counted, figures.left_out, figures.not_reporting) == (0, 2, 0)
    assert figures.verified.score is None and figures.self_reported.score is None


def test_self_reported_only_leaves_the_verified_score_empty() -> None:
    figures = scoring.commitment_figures([facts(reported="complete"), facts(reported="not_started")], NOW)
    assert figures.verified == scoring.ProgressScore(0, None, 0)
    assert figures.self_reported == scoring.ProgressScore(2, 0.5, 1)


def test_no_commitments_give_empty_figures() -> None:
    figures = scoring.commitment_figures([], NOW)
    assert (figures.counted, figures.left_out, figures.not_reporting) == (0, 0, 0)
    assert figures.verified.score is None and figures.self_reported.score is None


def test_a_row_of_the_commitment_list_reads_missing_values_as_missing() -> None:
    import pandas as pd

    row = {"review_state": "published", "reported_status": "not_reported", "verified_status": float("nan"),
           "not_reporting": True, "embargo_until": pd.NaT}
    assert CommitmentFacts.from_row(row) == facts(reported=None, not_reporting=True)


# -- maturity ------------------------------------------------------------------------------------------

CAPS = ("MNR-2016:1", "MNR-2016:2", "MNR-2016:3", "MNR-2016:4")
DOMAINS = {"MNR-2016:1": "PG", "MNR-2016:2": "PG", "MNR-2016:3": "PG", "MNR-2016:4": "CJ"}


def a(key: str, day: date, phase: int, source: str = "self_reported", id: int = 0) -> Assessment:
    return Assessment(key, day, phase, source, id)


def test_no_assessments_give_no_phase_anywhere() -> None:
    phases, unmapped = scoring.latest_phases([], CAPS, {})
    assert all(p.latest is None for p in phases.values()) and unmapped == []
    domains = scoring.domain_phases(phases, DOMAINS)
    assert domains["PG"] == scoring.DomainPhase("PG", None, 0, 3)
    assert domains["CJ"] == scoring.DomainPhase("CJ", None, 0, 1)


def test_one_round_gives_each_domain_the_mean_of_its_capabilities() -> None:
    day = date(2022, 5, 1)
    phases, _ = scoring.latest_phases(
        [a("MNR-2016:1", day, 2), a("MNR-2016:2", day, 3), a("MNR-2016:3", day, 3), a("MNR-2016:4", day, 1)],
        CAPS, {},
    )
    domains = scoring.domain_phases(phases, DOMAINS)
    assert domains["PG"] == scoring.DomainPhase("PG", 2.7, 3, 3)  # (2 + 3 + 3) / 3 = 2.67
    assert domains["CJ"] == scoring.DomainPhase("CJ", 1.0, 1, 1)
    assert scoring.domain_phases(phases, DOMAINS, "verified")["PG"].phase is None  # none verified


def test_the_latest_round_wins_and_verified_and_self_assessed_phases_are_kept_apart() -> None:
    phases, _ = scoring.latest_phases(
        [
            a("MNR-2016:1", date(2019, 1, 1), 1),
            a("MNR-2016:1", date(2022, 1, 1), 3),
            a("MNR-2016:1", date(2020, 1, 1), 2, "verified"),
            a("MNR-2016:2", date(2022, 1, 1), 2, id=1),
            a("MNR-2016:2", date(2022, 1, 1), 4, id=2),  # same day: the later record
            a("MNR-2016:3", date(2022, 1, 1), 2),
            a("MNR-2016:3", date(2022, 1, 1), 3, "verified"),  # same day: the verified one is shown
        ],
        CAPS, {},
    )
    first = phases["MNR-2016:1"]
    assert (first.verified.phase, first.self_assessed.phase, first.latest.phase) == (2, 3, 3)
    assert first.latest.source is ReportSource.SELF_REPORTED
    assert phases["MNR-2016:2"].latest.phase == 4
    assert phases["MNR-2016:3"].latest.source is ReportSource.VERIFIED
    assert scoring.domain_phases(phases, DOMAINS, "latest")["PG"].phase == pytest.approx(3.3)  # (3+4+3)/3
    assert scoring.domain_phases(phases, DOMAINS, "verified")["PG"] == scoring.DomainPhase("PG", 2.5, 2, 3)
    assert scoring.domain_phases(phases, DOMAINS, "self_assessed")["PG"].phase == 3.0  # (3 + 4 + 2) / 3


# A fictional later version: 2 and 3 merged into N2, 4 split into N3 and N4, 5 retired.
WALK = Crosswalk("MNR-2016", "MNR-2099", (
    CrosswalkRow(("MNR-2016:1",), ("MNR-2099:1",), CrosswalkKind.SAME),
    CrosswalkRow(("MNR-2016:2", "MNR-2016:3"), ("MNR-2099:2",), CrosswalkKind.MERGED),
    CrosswalkRow(("MNR-2016:4",), ("MNR-2099:3", "MNR-2099:4"), CrosswalkKind.SPLIT),
    CrosswalkRow(("MNR-2016:5",), (), CrosswalkKind.RETIRED),
))
NEW_CAPS = ("MNR-2099:1", "MNR-2099:2", "MNR-2099:3", "MNR-2099:4")


def test_a_merged_capability_takes_the_lowest_phase_of_its_parts_and_a_split_one_gives_its_phase_to_each() -> None:
    day = date(2019, 6, 1)
    old = [a("MNR-2016:1", day, 2), a("MNR-2016:2", day, 4), a("MNR-2016:3", day, 2),
           a("MNR-2016:4", day, 3), a("MNR-2016:5", day, 1)]
    mappings = {x.capability_key: map_key(x.capability_key, "MNR-2099", [WALK]) for x in old}
    phases, unmapped = scoring.latest_phases(old, NEW_CAPS, mappings)
    merged = phases["MNR-2099:2"].latest
    assert (merged.phase, merged.kind, merged.recorded_keys) == (2, CrosswalkKind.MERGED, ("MNR-2016:2", "MNR-2016:3"))
    assert merged.through_crosswalk
    assert [phases[k].latest.phase for k in ("MNR-2099:3", "MNR-2099:4")] == [3, 3]
    assert phases["MNR-2099:3"].latest.kind is CrosswalkKind.SPLIT
    assert phases["MNR-2099:1"].latest.kind is CrosswalkKind.SAME
    assert [u.key for u in unmapped] == ["MNR-2016:5"] and "retired" in unmapped[0].reason
    domains = scoring.domain_phases(phases, {"MNR-2099:1": "A", "MNR-2099:2": "A", "MNR-2099:3": "B",
                                             "MNR-2099:4": "B"})
    assert (domains["A"].phase, domains["B"].phase) == (2.0, 3.0)


def test_a_newer_round_on_the_current_version_replaces_the_crosswalked_one() -> None:
    rows = [a("MNR-2016:2", date(2019, 6, 1), 1), a("MNR-2016:3", date(2019, 6, 1), 1),
            a("MNR-2099:2", date(2024, 6, 1), 3)]
    mappings = {x.capability_key: map_key(x.capability_key, "MNR-2099", [WALK]) for x in rows}
    phases, _ = scoring.latest_phases(rows, NEW_CAPS, mappings)
    latest = phases["MNR-2099:2"].latest
    assert (latest.phase, latest.through_crosswalk, latest.recorded_keys) == (3, False, ("MNR-2099:2",))


# -- peer bands ----------------------------------------------------------------------------------------


def test_a_peer_band_is_the_median_and_inclusive_quartiles() -> None:
    assert scoring.peer_band([4, 1, 2, 3, 2]) == scoring.PeerBand(5, median=2.0, lower_quartile=2.0,
                                                                  upper_quartile=3.0)
    band = scoring.peer_band([1.0, 2.0, 3.0])
    assert (band.median, band.lower_quartile, band.upper_quartile, band.shown) == (2.0, 1.5, 2.5, True)


@pytest.mark.parametrize("values", [[], [2.0], [1.0, 3.0]])
def test_a_peer_band_over_fewer_than_three_countries_is_suppressed_saying_why(values: list[float]) -> None:
    band = scoring.peer_band(values)
    assert not band.shown and "fewer than 3 countries" in band.suppressed
    assert (band.countries, band.median, band.lower_quartile, band.upper_quartile) == (None, None, None, None)


# -- the methodology text ------------------------------------------------------------------------------


def _weights_table(text: str) -> dict[str, float]:
    section = text.split("| Status | Weight |", 1)[1]
    rows = re.findall(r"^\| ([^|]+?) \| ([0-9.]+) \|$", section, flags=re.MULTILINE)
    return {label: float(weight) for label, weight in rows}


def test_the_documented_status_weights_are_the_codes() -> None:
    documented = _weights_table(scorecard.methodology_text())
    assert documented == {status.label: weight for status, weight in scoring.STATUS_WEIGHTS.items()}
    assert set(scoring.STATUS_WEIGHTS) == set(ProgressStatus)


def test_the_documented_thresholds_are_the_codes() -> None:
    text = scorecard.methodology_text()
    assert f"fewer\nthan **{scoring.MIN_PEER_COUNTRIES}** countries" in text
    assert f"({REPORTING_CYCLE_MONTHS} months" in text
    assert "(1 + 0.5 + 0.25) / 3 = 0.58" in text
    weights = scoring.STATUS_WEIGHTS
    s = ProgressStatus
    assert round((weights[s.COMPLETE] + weights[s.ON_TRACK] + weights[s.STALLED]) / 3, 2) == 0.58
    assert round(scoring.mean_phase([2, 3, 3]), 1) == 2.7 and "2, 3 and 3 give 2.7" in text


# -- through the service, on the database --------------------------------------------------------------


def test_the_services_maturity_is_the_latest_phase_per_capability_for_what_the_viewer_may_see(
    store: Store,
) -> None:
    def record(key: str, day: date, phase: int, published: bool) -> None:
        records.record_assessment(store, EDITOR, CapabilityAssessment(
            country="KEN", capability=key, assessed_on=day, phase=phase, published=published))

    record("MNR-2016:1", date(2019, 5, 1), 1, True)
    record("MNR-2016:2", date(2019, 5, 1), 2, True)
    record("MNR-2016:1", date(2022, 5, 1), 3, False)  # the newer round, still private
    own = scorecard.maturity(store, FOCAL_KEN, "KEN")
    public = scorecard.maturity(store, PUBLIC, "KEN")
    assert own.capabilities["MNR-2016:1"].latest.phase == 3 and own.includes_private
    assert public.capabilities["MNR-2016:1"].latest.phase == 1 and not public.includes_private
    pg = [d for d, name in own.domain_names.items() if name.startswith("Policy")][0]
    assert own.domains["latest"][pg] == scoring.DomainPhase(pg, 2.5, 2, 3)  # (3 + 2) / 2, 2 of 3 assessed
    assert public.domains["latest"][pg].phase == 1.5
    assert len(own.capabilities) == 21 and own.framework_id == "MNR-2016"


def test_figures_are_rounded_to_one_decimal_with_halves_up_as_documented() -> None:
    assert [scoring.one_decimal(v) for v in (1.25, 2.75, 3.75, 2.666, 0.05)] == [1.3, 2.8, 3.8, 2.7, 0.1]
    assert "1.25 becomes 1.3" in scorecard.methodology_text()


def test_older_rounds_are_shown_on_a_newer_mnr_through_the_crosswalk(versioned: Store) -> None:  # noqa: F811
    """With the fictional MNR-2099 loaded (2016's 2 and 3 merged into its 2, 4 split, 21 retired)."""
    day = date(2019, 5, 1)
    for key, phase in (("MNR-2016:2", 4), ("MNR-2016:3", 2), ("MNR-2016:4", 3), ("MNR-2016:21", 1)):
        records.record_assessment(versioned, EDITOR, CapabilityAssessment(
            country="KEN", capability=key, assessed_on=day, phase=phase))
    result = scorecard.maturity(versioned, FOCAL_KEN, "KEN")
    assert result.framework_id == "MNR-2099"
    assert list(result.capabilities) == CAPABILITIES_2099
    merged = result.capabilities["MNR-2099:2"].self_assessed
    assert (merged.phase, merged.kind, merged.through_crosswalk) == (2, CrosswalkKind.MERGED, True)
    assert [result.capabilities[k].latest.phase for k in ("MNR-2099:3", "MNR-2099:4")] == [3, 3]
    assert result.capabilities["MNR-2099:1"].latest is None
    assert [u.key for u in result.unmapped] == ["MNR-2016:21"]
    cj = result.domains["latest"]["MNR-2099:CJ"]
    assert (cj.phase, cj.assessed, cj.capabilities) == (3.0, 2, 3)  # 3 and 3; the new capability 5 unassessed
    assert result.domains["latest"]["MNR-2099:PG"] == scoring.DomainPhase("MNR-2099:PG", 2.0, 1, 2)


def test_domains_over_rounds_keep_a_capability_not_reassessed_at_its_earlier_phase() -> None:
    first, second = date(2019, 5, 1), date(2022, 5, 1)
    rows = [a("MNR-2016:1", first, 1), a("MNR-2016:2", first, 2), a("MNR-2016:4", first, 1),
            a("MNR-2016:1", second, 3), a("MNR-2016:3", second, 4)]
    rounds = scoring.phases_by_round(rows, CAPS, {}, DOMAINS)
    assert [day for day, _ in rounds] == [first, second]
    assert rounds[0][1]["PG"] == scoring.DomainPhase("PG", 1.5, 2, 3)  # (1 + 2) / 2
    assert rounds[1][1]["PG"] == scoring.DomainPhase("PG", 3.0, 3, 3)  # (3 + 2 + 4) / 3: 2 kept from 2019
    assert rounds[1][1]["CJ"].phase == 1.0
    assert scoring.phases_by_round([], CAPS, {}, DOMAINS) == []


def test_the_scorecard_definitions_say_what_each_figure_counts(store: Store) -> None:
    words = scorecard.figure_definitions(store, PUBLIC)
    figures = {f.name for f in dataclasses.fields(scoring.CommitmentFigures)}
    assert figures <= set(words)
    assert "12 months" in words["not_reporting"] and "not scored" in words["not_reporting"]


def test_a_capabilitys_history_holds_the_rounds_the_viewer_may_see_newest_first(store: Store) -> None:
    for day, phase, published in ((date(2019, 5, 1), 1, True), (date(2022, 5, 1), 2, True),
                                  (date(2025, 5, 1), 3, False)):
        records.record_assessment(store, EDITOR, CapabilityAssessment(
            country="KEN", capability="MNR-2016:4", assessed_on=day, phase=phase, published=published))
    records.record_assessment(store, EDITOR, CapabilityAssessment(
        country="KEN", capability="MNR-2016:5", assessed_on=date(2025, 5, 1), phase=4, published=True))
    own = scorecard.capability_history(store, FOCAL_KEN, "KEN", "MNR-2016:4")
    assert list(own.phase) == [3, 2, 1] and set(own.crosswalk_note) == {""}
    assert list(scorecard.capability_history(store, PUBLIC, "KEN", "MNR-2016:4").phase) == [2, 1]
    rounds = scorecard.maturity_over_rounds(store, PUBLIC, "KEN")
    cj = next(d for d in rounds[0][1] if d.endswith(":CJ"))
    # 2025 for the public: capability 4 still at its published 2022 phase (2), capability 5 at 4
    assert [(day.year, domains[cj].phase) for day, domains in rounds] == [(2019, 1.0), (2022, 2.0), (2025, 3.0)]


def test_a_countrys_commitment_figures_come_from_its_records_as_the_viewer_may_see_them(
    store: Store, partners: tuple[int, int]
) -> None:
    lead = partners[0]

    def log(title: str, **changes: object) -> int:
        return records.log_commitment(store, EDITOR, Commitment(
            title=title, partners=[{"partner_id": lead, "role": "lead"}], countries=["KEN"],
            visibility="public", review_state="published", **changes))

    def report(cid: int, status: str, source: str = "self_reported") -> None:
        records.record_progress(store, EDITOR if source == "self_reported" else REVIEWER, ProgressUpdate(
            commitment_id=cid, report_date=date.today() - timedelta(days=10), status=status, source=source),
            reason="seen the evidence" if source == "verified" else "")

    report(log("Open a hotline"), "complete")
    verified = log("Train prosecutors")
    report(verified, "on_track")
    report(verified, "stalled", "verified")
    log("Publish a national plan")  # no update: not reporting
    withdrawn = log("Fund a helpline")
    report(withdrawn, "complete")
    workflow.transition(store, EDITOR, withdrawn, "withdrawn", store.get_row("commitment", withdrawn)["version"],
                        reason="the partner left")
    report(log("Block known material", embargo_until=datetime.now() + timedelta(days=30)), "complete")

    secretariat = scorecard.commitment_figures(store, EDITOR, "KEN")
    assert (secretariat.counted, secretariat.left_out, secretariat.not_reporting) == (3, 2, 1)
    assert secretariat.verified == scoring.ProgressScore(1, 0.25, 0)
    assert secretariat.self_reported == scoring.ProgressScore(1, 1.0, 1)
    public = scorecard.commitment_figures(store, PUBLIC, "KEN")  # it sees neither the withdrawn nor the embargoed
    assert (public.counted, public.left_out, public.not_reporting) == (3, 0, 1)
    assert (public.verified, public.self_reported) == (secretariat.verified, secretariat.self_reported)


def test_the_scorecards_own_commitment_query_gives_the_figures_the_commitment_list_gives(demo_store: Store) -> None:
    from partners.services import read
    from partners.services.visibility import view_scope

    codes = list(demo_store.published_member_assessments()[i]["country_code"] for i in (0, -1))
    for actor in (EDITOR, PUBLIC, FOCAL_KEN):
        for code in [*codes, "KEN"]:
            listed = read.find_commitments(demo_store, actor, CommitmentFilter(countries=(code,)))
            now = view_scope(actor).now
            expected = scoring.commitment_figures([CommitmentFacts.from_row(r) for r in listed.to_dict("records")], now)
            assert scorecard.commitment_figures(demo_store, actor, code, now=now) == expected
            assert expected.counted + expected.left_out == len(listed)
