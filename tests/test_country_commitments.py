"""The country scorecard's commitment sections (``services.country_commitments``): the progress timeline's
definitions against hand-computed values, and, on real DuckDB files, what each viewer may see through the
list, "Who is helping", the Global Alliance targets and the timeline, now and as of a past moment."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from actors import EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC, contributor
from partners.domain import scoring
from partners.domain.model import (
    Commitment,
    CommitmentPartner,
    ProgressUpdate,
    ReviewState,
    Visibility,
)
from partners.domain.scoring import TimelineFacts, TimelinePeriod
from partners.services import country_commitments as service
from partners.services import records, workflow
from partners.storage import Store

# -- the progress timeline's definitions, by hand --------------------------------------------------

NOW = datetime(2024, 8, 15, 12, 0)


def facts(deadline: date | None, *updates: tuple[date, str], state: str = "published",
          embargo: datetime | None = None) -> TimelineFacts:
    return TimelineFacts(state, deadline, tuple(updates), embargo)


def test_no_commitments_give_an_empty_timeline() -> None:
    assert scoring.progress_timeline([], NOW) == []


def test_withdrawn_and_embargoed_commitments_leave_the_timeline_empty() -> None:
    left_out = [
        facts(date(2024, 2, 1), (date(2024, 1, 5), "complete"), state="withdrawn"),
        facts(date(2024, 3, 1), state="withdrawn"),
        facts(date(2024, 1, 15), embargo=datetime(2025, 1, 1)),
    ]
    assert scoring.progress_timeline(left_out, NOW) == []


def test_the_timeline_counts_completed_due_and_overdue_per_quarter_as_documented() -> None:
    a = facts(date(2024, 3, 31), (date(2024, 2, 10), "on_track"), (date(2024, 5, 5), "complete"))
    b = facts(date(2024, 5, 15), (date(2024, 1, 20), "not_started"))
    c = facts(None, (date(2024, 4, 1), "complete"), (date(2024, 6, 1), "on_track"), (date(2024, 7, 10), "complete"))
    withdrawn = facts(date(2024, 2, 1), state="withdrawn")
    embargoed = facts(date(2024, 1, 15), embargo=datetime(2025, 1, 1))
    got = scoring.progress_timeline([a, b, c, withdrawn, embargoed], NOW)
    # Q1: A falls due on its last day (not overdue on it); Q2: A completed, B due and then overdue; C was
    # complete in April but reopened by the quarter's end; Q3 (to today): C completed again, B still overdue.
    assert [(p.label, p.completed, p.due, p.overdue) for p in got] == [
        ("2024 Q1", 0, 1, 0), ("2024 Q2", 1, 1, 1), ("2024 Q3", 1, 0, 1)]
    assert got[0] == TimelinePeriod(date(2024, 1, 1), date(2024, 3, 31), "2024 Q1", 0, 1, 0)
    assert got[-1].end == date(2024, 9, 30)


def test_overdue_means_past_the_deadline_and_not_closed() -> None:
    day = date(2024, 6, 30)
    assert not scoring.is_overdue_on(facts(day), day)  # due today: not yet overdue
    assert scoring.is_overdue_on(facts(date(2024, 6, 29)), day)
    assert not scoring.is_overdue_on(facts(date(2024, 1, 1), (date(2024, 3, 1), "discontinued")), day)
    assert not scoring.is_overdue_on(facts(date(2024, 1, 1), (date(2024, 3, 1), "complete")), day)
    assert scoring.is_overdue_on(facts(date(2024, 1, 1), (date(2024, 7, 1), "complete")), day)  # completed later
    assert not scoring.is_overdue_on(facts(None), day)


def test_quarters_and_the_status_on_a_day() -> None:
    assert scoring.quarter_of(date(2024, 11, 5)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert scoring.quarter_of(date(2023, 2, 28)) == (date(2023, 1, 1), date(2023, 3, 31))
    c = facts(None, (date(2024, 4, 1), "complete"), (date(2024, 6, 1), "on_track"))
    assert scoring.status_on(c, date(2024, 3, 31)) is None
    assert scoring.status_on(c, date(2024, 5, 1)).value == "complete"
    assert not scoring.is_completed_on(c, date(2024, 6, 1))


# -- through the service, on a real database -------------------------------------------------------

T0 = datetime(2024, 1, 10, 9, 0)  # the commitments are logged
T1 = datetime(2024, 6, 1, 12, 0)  # the moment the scorecard is asked as of
T2 = datetime(2024, 9, 1, 12, 0)  # a later commitment is logged

OWN_PUBLIC = "Kenya's national hotline expansion"
FOR_KEN = "Uganda hotline training for Kenya"
PRIVATE = "Private plan for Kenya 8812"
MEMBERS_ONLY = "Members-only plan for Kenya"
EMBARGOED = "Embargoed plan for Kenya"
WITHDRAWN = "Withdrawn plan for Kenya"
LATER = "A plan logged after the moment"


@pytest.fixture
def kenya(store: Store, partners: tuple[int, int]) -> dict[str, Any]:
    """Commitments naming Kenya, logged at T0: the Kenyan ministry's own public one (MNR 1, GA goal G1.1,
    self-reported on track then verified complete), a Ugandan hotline's public one for Kenya (MNR 12, GA
    target T4), the hotline's private one, a members-only one, one under embargo and one withdrawn; and at
    T2 one more."""
    gov, hotline = partners
    ids: dict[str, Any] = {"gov": gov, "hotline": hotline}

    def commit(title: str, partner: int, visibility: Visibility = Visibility.PUBLIC, **more: Any) -> int:
        return records.log_commitment(store, EDITOR, Commitment(
            title=title, partners=[CommitmentPartner(partner_id=partner, role="lead")], countries=["KEN"],
            visibility=visibility, review_state=ReviewState.PUBLISHED, **more))

    with store.transaction(at=T0):
        ids["own"] = commit(OWN_PUBLIC, gov, framework_items=["MNR-2016:1", "GA-2012:G1.1"],
                            deadline=date(2024, 3, 31))
        ids["for"] = commit(FOR_KEN, hotline, framework_items=["MNR-2016:12", "GA-2012:T4"],
                            deadline=date(2023, 12, 31))
        ids["private"] = commit(PRIVATE, hotline, Visibility.PRIVATE, framework_items=["MNR-2016:2"])
        ids["members"] = commit(MEMBERS_ONLY, hotline, Visibility.MEMBERS, framework_items=["MNR-2016:3"])
        ids["embargoed"] = commit(EMBARGOED, gov, framework_items=["MNR-2016:4"],
                                  embargo_until=datetime.now() + timedelta(days=30))
        ids["withdrawn"] = commit(WITHDRAWN, gov, framework_items=["MNR-2016:5"])
        records.record_progress(store, EDITOR, ProgressUpdate(
            commitment_id=ids["own"], report_date=date(2024, 1, 5), status="on_track", source="self_reported"))
        records.record_progress(store, EDITOR, ProgressUpdate(
            commitment_id=ids["own"], report_date=date(2024, 1, 8), status="complete", source="verified"),
            reason="The hotline opened in January")
        workflow.transition(store, EDITOR, ids["withdrawn"], ReviewState.WITHDRAWN,
                            int(store.get_row("commitment", ids["withdrawn"])["version"]), reason="replaced")
    with store.transaction(at=T2):
        ids["later"] = commit(LATER, gov)
    return ids


def titles(store: Store, actor: Any, **kw: Any) -> set[str]:
    return {c.title for c in service.country_commitments(store, actor, "KEN", **kw).commitments}


SHARED = {OWN_PUBLIC, FOR_KEN, LATER}


@pytest.mark.parametrize(("name", "actor", "expected"), [
    ("the public", PUBLIC, SHARED),
    ("a member viewer", MEMBER, SHARED | {MEMBERS_ONLY}),
    ("another country's focal point", FOCAL_UGA, SHARED | {MEMBERS_ONLY}),
    ("Kenya's focal point", FOCAL_KEN, SHARED | {MEMBERS_ONLY, PRIVATE}),
    ("the secretariat", EDITOR, SHARED | {MEMBERS_ONLY, PRIVATE}),
])
def test_each_viewer_sees_only_the_commitments_they_may(
    store: Store, kenya: dict[str, Any], name: str, actor: Any, expected: set[str]
) -> None:
    assert titles(store, actor) == expected, name


def test_the_private_commitments_partner_sees_it_and_nothing_private_leaks_into_any_section(
    store: Store, kenya: dict[str, Any]
) -> None:
    assert PRIVATE in titles(store, contributor(kenya["hotline"]))
    for actor in (PUBLIC, MEMBER, FOCAL_UGA):
        found = service.country_commitments(store, actor, "KEN")
        summary, detail = service.who_is_helping(store, found)
        assert PRIVATE not in set(detail["title"]) and PRIVATE not in repr(service.commitment_rows(found))
        helped = dict(zip(summary["code"], summary["commitments"], strict=True))
        assert helped["2"] == 0 and helped["4"] == 0  # the private one's and the embargoed one's capabilities
        assert not found.includes_private  # a members-only commitment is not private
    editor = service.country_commitments(store, EDITOR, "KEN")
    assert editor.includes_private and editor.left_out == 2  # the embargoed and the withdrawn one
    assert service.who_is_helping(store, editor)[0].set_index("code").loc["2", "commitments"] == 1


def test_the_countrys_own_commitments_are_told_from_those_others_made_for_it(
    store: Store, kenya: dict[str, Any]
) -> None:
    rows = service.commitment_rows(service.country_commitments(store, PUBLIC, "KEN"))
    whose = dict(zip(rows["title"], rows["whose"], strict=True))
    assert whose == {OWN_PUBLIC: "own", FOR_KEN: "others", LATER: "own"}
    own = rows[rows["title"] == OWN_PUBLIC].iloc[0]
    assert (own["self_reported_status"], own["verified_status"]) == ("on_track", "complete")
    assert own["stakeholder_type"] == "government"


def test_counts_by_stakeholder_type_keep_self_reported_beside_verified(store: Store, kenya: dict[str, Any]) -> None:
    counts = service.by_stakeholder_and_status(service.country_commitments(store, PUBLIC, "KEN"))
    got = {(r.whose, r.stakeholder_type, r.status): (r.self_reported, r.verified) for r in counts.itertuples()}
    assert got == {
        ("own", "government", "on_track"): (1, 0),
        ("own", "government", "complete"): (0, 1),
        ("own", "government", "not_reported"): (1, 1),  # the later one: no update of either source
        ("others", "hotline", "not_reported"): (1, 1),
    }


def test_who_is_helping_names_the_partners_per_capability_and_shows_capabilities_with_nobody(
    store: Store, kenya: dict[str, Any]
) -> None:
    summary, detail = service.who_is_helping(store, service.country_commitments(store, PUBLIC, "KEN"))
    assert len(summary) == 21
    by_code = summary.set_index("code")
    assert by_code.loc["1", "partners"] == "Kenya Ministry of ICT" and by_code.loc["1", "complete"] == 1
    assert by_code.loc["12", "partners"] == "Uganda Hotline"
    assert not by_code.loc["13", "helped"] and by_code.loc["13", "partners"] == ""
    assert int(summary["helped"].sum()) == 2
    assert set(zip(detail["code"], detail["partner"], detail["verified_status"], strict=True)) == {
        ("1", "Kenya Ministry of ICT", "complete"), ("12", "Uganda Hotline", "not_reported")}


def test_the_global_alliance_targets_count_a_goals_commitments_for_its_target_and_show_the_uncovered(
    store: Store, kenya: dict[str, Any]
) -> None:
    coverage = service.ga_coverage(store, service.country_commitments(store, EDITOR, "KEN")).set_index("code")
    assert list(coverage.index) == ["T1", "G1.1", "T2", "G2.1", "G2.2", "T3", "G3.1", "T4", "G4.1", "G4.2"]
    assert coverage.loc["G1.1", "commitments"] == 1 and coverage.loc["G1.1", "complete"] == 1
    assert coverage.loc["T1", "commitments"] == 1  # through its goal
    assert coverage.loc["T4", "commitments"] == 1 and coverage.loc["T4", "not_reported"] == 1
    assert coverage.loc["G4.1", "commitments"] == 0  # linked to the target, not to its goals
    assert set(coverage.index[~coverage["covered"]]) == {"T2", "G2.1", "G2.2", "T3", "G3.1", "G4.1", "G4.2"}


def test_the_timeline_counts_the_countrys_commitments(store: Store, kenya: dict[str, Any]) -> None:
    periods = service.timeline(service.country_commitments(store, PUBLIC, "KEN", now=datetime(2024, 6, 30, 18)))
    got = {p.label: (p.completed, p.due, p.overdue) for p in periods}
    # The hotline's (due end of 2023, no update) is overdue from 2024; the ministry's completed in Q1.
    assert got == {"2023 Q4": (0, 1, 0), "2024 Q1": (1, 1, 1), "2024 Q2": (0, 0, 1)}


def test_as_of_a_moment_a_commitment_logged_after_it_does_not_appear(store: Store, kenya: dict[str, Any]) -> None:
    for actor in (PUBLIC, EDITOR):
        assert LATER in titles(store, actor)
        then = titles(store, actor, as_of=T1)
        assert LATER not in then and OWN_PUBLIC in then
    assert PRIVATE not in titles(store, PUBLIC, as_of=T1)


def test_an_unknown_country_is_refused_in_words(store: Store) -> None:
    from partners.services.errors import NotFound

    with pytest.raises(NotFound, match="no country with code XXX"):
        service.country_commitments(store, PUBLIC, "XXX")


def test_the_lists_csv_neutralises_a_formula_title_and_links_each_commitment_in_full(
    store: Store, partners: tuple[int, int]
) -> None:
    import csv
    import io

    from partners.presentation import country_commitments as tables
    from partners.presentation import exports, urls

    formula = '=HYPERLINK("https://example.org","click")'
    cid = records.log_commitment(store, EDITOR, Commitment(
        title=formula, partners=[CommitmentPartner(partner_id=partners[0], role="lead")], countries=["KEN"],
        visibility=Visibility.PUBLIC, review_state=ReviewState.PUBLISHED))
    rows = service.commitment_rows(service.country_commitments(store, PUBLIC, "KEN"))
    text = exports.to_csv(tables.commitments_table(rows, urls.absolute_commitment_url)).decode(exports.CSV_ENCODING)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["Commitment"] == "'" + formula
    assert row["Open"] == urls.absolute_commitment_url(cid) and row["Self-reported status"] == "No update yet"
    assert row["Verified status"] == tables.NOT_VERIFIED_LABEL and row["Whose"] == "The country's own"
