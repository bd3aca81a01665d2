"""The review workflow, verified versus self-reported progress, embargoes, the SMART level, duplicate
suggestions and the record forms' services, each against a real DuckDB file.

Every refused action is checked to leave the stored data exactly as it was.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from actors import ADMIN, ALICE, EDITOR, FOCAL_KEN, MEMBER, PUBLIC, REVIEWER, contributor
from partners.domain.model import (
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressUpdate,
    ReviewState,
    Role,
)
from partners.domain.permissions import PERMISSIONS, PermissionDenied, UseCase
from partners.domain.scope import CommitmentFilter
from partners.services import read, records, workflow
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError
from snapshots import everything


def commitment(partner_id: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
        "framework_items": ["MNR-2016:4"],
    }
    return Commitment(**(data | changes))


def log(store: Store, partner_id: int, **changes: Any) -> int:
    return records.log_commitment(store, EDITOR, commitment(partner_id, **changes))


def state_and_version(store: Store, cid: int) -> tuple[str, int]:
    row = store.get_row("commitment", cid)
    return row["review_state"], row["version"]


# -- the workflow ------------------------------------------------------------------------------------


def test_a_commitment_goes_draft_submitted_verified_published_with_one_audit_entry_per_move(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    assert state_and_version(store, cid) == ("draft", 1)
    assert workflow.transition(store, EDITOR, cid, "submitted", 1) == 2
    assert workflow.transition(store, REVIEWER, cid, ReviewState.VERIFIED, 2) == 3
    assert workflow.transition(store, ALICE, cid, "published", 3) == 4
    assert state_and_version(store, cid) == ("published", 4)
    moves = store.history("commitment", cid)[1:]
    assert [(e["action"], e["actor"]) for e in moves] == [
        ("submit", EDITOR.identity), ("verify", REVIEWER.identity), ("publish", ALICE.identity),
    ]  # fmt: skip
    assert [(e["before"]["review_state"], e["after"]["review_state"]) for e in moves] == [
        ("draft", "submitted"), ("submitted", "verified"), ("verified", "published"),
    ]  # fmt: skip
    assert moves[-1]["after"]["countries"] == ["KEN"]  # the whole record, links included
    assert all(isinstance(e["changed_at"], datetime) for e in moves)


def test_the_transition_table_covers_every_state_and_names_a_use_case() -> None:
    sources = {t.source for t in workflow.TRANSITIONS}
    assert sources == set(ReviewState)
    assert workflow.use_cases_to_reach("draft") == []
    assert workflow.use_cases_to_reach("published") == [
        UseCase.SUBMIT_COMMITMENT, UseCase.VERIFY_COMMITMENT, UseCase.PUBLISH_COMMITMENT,
    ]  # fmt: skip
    assert workflow.use_cases_to_reach("withdrawn") == [UseCase.WITHDRAW_COMMITMENT]


@pytest.mark.parametrize(
    ("start", "target", "actor", "expected"),
    [
        pytest.param("draft", "submitted", REVIEWER, "may not submit a commitment", id="reviewer-submits"),
        pytest.param(
            "verified", "published", REVIEWER, "may not publish a commitment", id="reviewer-publishes"
        ),
        pytest.param("submitted", "withdrawn", REVIEWER, "may not withdraw", id="reviewer-withdraws"),
        pytest.param("submitted", "verified", MEMBER, "may not verify a commitment", id="member-verifies"),
        pytest.param("draft", "submitted", PUBLIC, "may not submit", id="public-submits"),
        pytest.param("draft", "submitted", FOCAL_KEN, "may not submit", id="focal-point-submits"),
    ],
)
def test_who_may_move_a_commitment_is_decided_by_the_service_and_a_refusal_changes_nothing(
    store: Store, partners: tuple[int, int], start: str, target: str, actor: Actor, expected: str
) -> None:
    cid = log(store, partners[0], review_state=start)
    before = everything(store)
    with pytest.raises(PermissionDenied, match=expected):
        workflow.transition(store, actor, cid, target, 1, reason="because")
    assert everything(store) == before


def test_a_partner_contributor_cannot_move_their_own_commitment(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    before = everything(store)
    with pytest.raises(PermissionDenied):
        workflow.transition(store, contributor(partners[0]), cid, "submitted", 1)
    assert everything(store) == before


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "published"),
        ("draft", "verified"),
        ("submitted", "published"),
        ("published", "draft"),
        ("withdrawn", "published"),
        ("verified", "verified"),
    ],
)
def test_a_move_outside_the_workflow_is_refused_in_plain_words_and_changes_nothing(
    store: Store, partners: tuple[int, int], start: str, target: str
) -> None:
    cid = log(store, partners[0], review_state=start)
    before = everything(store)
    with pytest.raises(ValidationFailed) as info:
        workflow.transition(store, ADMIN, cid, target, 1, reason="because")
    assert info.value.problems[0].startswith(
        f"Review state: a {start} commitment cannot become {target}; it can "
    )
    assert everything(store) == before


def test_an_unknown_state_is_refused(store: Store, partners: tuple[int, int]) -> None:
    cid = log(store, partners[0])
    before = everything(store)
    with pytest.raises(ValidationFailed, match="'approved' is not one of draft, submitted"):
        workflow.transition(store, EDITOR, cid, "approved", 1)
    assert everything(store) == before


@pytest.mark.parametrize(
    ("start", "target", "word"),
    [
        ("published", "withdrawn", "withdrawn"),
        ("submitted", "draft", "sent back"),
        ("published", "verified", "unpublished"),
        ("withdrawn", "draft", "reinstated"),
    ],
)
def test_withdrawing_sending_back_unpublishing_and_reinstating_need_a_reason(
    store: Store, partners: tuple[int, int], start: str, target: str, word: str
) -> None:
    cid = log(store, partners[0], review_state=start)
    before = everything(store)
    with pytest.raises(ValidationFailed) as info:
        workflow.transition(store, ADMIN, cid, target, 1, reason="   ")
    assert info.value.problems == [f"Reason: say why the commitment is {word}"]
    assert everything(store) == before


def test_the_reason_for_a_withdrawal_is_kept_and_shown_as_the_last_state_change(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0], review_state="published", visibility="public")
    workflow.transition(store, EDITOR, cid, "withdrawn", 1, reason="Partner merged into another ministry")
    last = workflow.last_state_change(store, REVIEWER, cid)
    assert (last["action"], last["actor"], last["state"], last["reason"]) == (
        "withdraw", EDITOR.identity, "withdrawn", "Partner merged into another ministry",
    )  # fmt: skip
    assert cid not in set(read.find_commitments(store, PUBLIC).id)


def test_a_move_on_a_stale_version_names_who_moved_it_and_changes_nothing(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    workflow.transition(store, ALICE, cid, "submitted", 1)
    before = everything(store)
    expected = (
        r"changed by alice@secretariat\.example at \d{4}-\d\d-\d\d \d\d:\d\d; reload to see their change"
    )
    with pytest.raises(ConcurrentEditError, match=expected):
        workflow.transition(store, EDITOR, cid, "withdrawn", 1, reason="duplicate")
    assert everything(store) == before


def test_a_move_on_a_missing_commitment_is_not_found(store: Store) -> None:
    before = everything(store)
    with pytest.raises(NotFound, match="there is no commitment with id 404"):
        workflow.transition(store, EDITOR, 404, "submitted", 1)
    assert everything(store) == before


def test_available_moves_depend_on_the_state_and_the_role(store: Store, partners: tuple[int, int]) -> None:
    draft = records.get_commitment(store, log(store, partners[0]))
    submitted = records.get_commitment(store, log(store, partners[0], review_state="submitted"))
    assert [t.action for t in workflow.available(EDITOR, draft)] == ["submit", "withdraw"]
    assert [t.action for t in workflow.available(REVIEWER, draft)] == []
    assert [t.action for t in workflow.available(REVIEWER, submitted)] == ["verify", "send_back"]
    assert workflow.available(PUBLIC, submitted) == []


def test_editing_a_commitment_cannot_change_its_review_state(store: Store, partners: tuple[int, int]) -> None:
    cid = log(store, partners[0])
    before = everything(store)
    with pytest.raises(ValidationFailed, match="Review state: change it with the workflow actions"):
        records.update_commitment(store, EDITOR, cid, commitment(partners[0], review_state="published"), 1)
    assert everything(store) == before


def test_logging_a_commitment_straight_as_published_needs_every_step_up_to_publication(
    store: Store, partners: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    grants = dict(PERMISSIONS[Role.SECRETARIAT_EDITOR])
    del grants[UseCase.PUBLISH_COMMITMENT]
    monkeypatch.setitem(PERMISSIONS, Role.SECRETARIAT_EDITOR, grants)
    before = everything(store)
    with pytest.raises(PermissionDenied, match="may not publish a commitment"):
        log(store, partners[0], review_state="published")
    assert everything(store) == before
    assert state_and_version(store, log(store, partners[0], review_state="verified")) == ("verified", 1)


# -- embargo ---------------------------------------------------------------------------------------


def test_an_embargoed_commitment_is_absent_from_every_public_view_until_the_embargo_ends(
    store: Store, partners: tuple[int, int]
) -> None:
    lift = datetime.now() + timedelta(hours=2)
    cid = log(store, partners[0], review_state="published", visibility="public", embargo_until=lift,
              title="Pledge announced on stage")  # fmt: skip
    other = log(store, partners[1], review_state="published", visibility="public", countries=["UGA"])

    def public_sees(now: datetime) -> dict[str, Any]:
        scope = read.view_scope(PUBLIC, now=now)
        per_country = store.commitments_per_country(scope)
        per_item = store.item_counts(scope, "MNR-2016")
        return {
            "list": set(store.commitments(scope).id),
            "country": set(store.commitments(scope, CommitmentFilter(countries=("KEN",))).id),
            "item": set(store.commitments(scope, CommitmentFilter(item_keys=("MNR-2016:4",))).id),
            "headline": store.headline(scope)["commitments"],
            "map": int(per_country.set_index("code").loc["KEN", "commitments"]),
            "framework": int(per_item.set_index("key").loc["MNR-2016:4", "commitments"]),
        }

    during = public_sees(datetime.now())
    assert during == {
        "list": {other},
        "country": set(),
        "item": {other},
        "headline": 1,
        "map": 0,
        "framework": 1,
    }
    with pytest.raises(NotFound):
        read.commitment_detail(store, PUBLIC, cid)
    assert cid not in set(read.find_commitments(store, MEMBER).id)
    assert cid in set(read.find_commitments(store, EDITOR).id)  # the secretariat always sees it

    after = public_sees(lift + timedelta(minutes=1))
    assert after == {"list": {cid, other}, "country": {cid}, "item": {cid, other}, "headline": 2, "map": 1,
                     "framework": 2}  # fmt: skip


def test_the_embargo_is_saved_with_the_commitment_and_can_be_lifted_by_an_edit(
    store: Store, partners: tuple[int, int]
) -> None:
    lift = datetime(2030, 3, 4, 9, 30)
    cid = log(store, partners[0], embargo_until=lift)
    assert store.get_row("commitment", cid)["embargo_until"] == lift
    records.update_commitment(store, EDITOR, cid, commitment(partners[0], embargo_until=None), 1)
    assert store.get_row("commitment", cid)["embargo_until"] is None
    assert store.history("commitment", cid)[-1]["before"]["embargo_until"] == lift.isoformat()


# -- verified and self-reported progress -------------------------------------------------------------


def progress(
    cid: int, status: str, source: str = "self_reported", day: date = date(2025, 5, 1)
) -> ProgressUpdate:
    return ProgressUpdate(commitment_id=cid, report_date=day, status=status, source=source)


def test_a_verified_status_that_differs_from_the_self_reported_one_needs_a_reason(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0], review_state="submitted")  # a contributor reports once it leaves draft
    records.record_progress(store, contributor(partners[0]), progress(cid, "on_track"))
    before = everything(store)
    with pytest.raises(ValidationFailed) as info:
        records.record_progress(store, REVIEWER, progress(cid, "off_track", "verified", date(2025, 6, 1)))
    assert info.value.problems == [
        "Reason: the verified status (Off track) differs from the partner's latest self-reported status "
        "(On track); "
        "say why"
    ]
    assert everything(store) == before

    uid = records.record_progress(
        store, REVIEWER, progress(cid, "off_track", "verified", date(2025, 6, 1)),
        reason="  Only 40 of 200 trained, per the ministry's report  ",
    )  # fmt: skip
    assert (
        store.get_row("progress_update", uid)["reason"] == "Only 40 of 200 trained, per the ministry's report"
    )
    assert store.history("progress_update", uid)[0]["after"]["reason"].startswith("Only 40")


def test_self_reported_and_verified_statuses_are_shown_side_by_side_with_the_reason(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0], review_state="published", visibility="public")
    records.record_progress(store, contributor(partners[0]), progress(cid, "on_track", day=date(2025, 1, 1)))
    records.record_progress(store, contributor(partners[0]), progress(cid, "complete", day=date(2025, 4, 1)))
    records.record_progress(store, REVIEWER, progress(cid, "off_track", "verified", date(2025, 5, 1)),
                            reason="No evidence of completion")  # fmt: skip
    shown = workflow.status_comparison(store, PUBLIC, cid)
    assert (shown["self_reported"]["status"], shown["self_reported"]["label"]) == ("complete", "Complete")
    assert shown["self_reported"]["report_date"] == date(2025, 4, 1)
    assert (shown["verified"]["status"], shown["verified"]["label"]) == ("off_track", "Off track")
    assert shown["differ"] is True and shown["reason"] == "No evidence of completion"
    listed = read.find_commitments(store, PUBLIC).set_index("id").loc[cid]
    assert (listed["reported_status"], listed["verified_status"]) == ("off_track", "off_track")


def test_a_verified_status_that_agrees_or_has_nothing_to_compare_needs_no_reason(
    store: Store, partners: tuple[int, int]
) -> None:
    first = log(store, partners[0])
    records.record_progress(store, REVIEWER, progress(first, "on_track", "verified"))  # nothing self-reported
    second = log(store, partners[0], title="Another", review_state="submitted")
    records.record_progress(store, contributor(partners[0]), progress(second, "stalled"))
    records.record_progress(store, REVIEWER, progress(second, "stalled", "verified"))
    shown = workflow.status_comparison(store, EDITOR, second)
    assert shown["differ"] is False and shown["reason"] == ""
    assert workflow.status_comparison(store, EDITOR, first)["self_reported"] is None


def test_status_comparison_of_a_commitment_the_public_may_not_see_is_not_found(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])  # a private draft
    with pytest.raises(NotFound):
        workflow.status_comparison(store, PUBLIC, cid)


# -- the commitment form's services: SMART level and duplicates ----------------------------------------


def test_the_smart_level_is_computed_and_saved_with_the_commitment(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0], smart_level=5, unit="people", indicator="Investigators trained",
              target_value=Decimal("200"))  # fmt: skip
    assert store.get_row("commitment", cid)["smart_level"] == 3  # no deadline, no baseline: not the 5 claimed
    changed = commitment(
        partners[0],
        unit="people",
        indicator="Investigators trained",
        target_value=Decimal("200"),
        baseline=Decimal("0"),
        deadline=date(2027, 1, 1),
    )
    records.update_commitment(store, EDITOR, cid, changed, 1)
    assert store.get_row("commitment", cid)["smart_level"] == 5
    assert read.find_commitments(store, EDITOR).set_index("id").loc[cid, "smart_level"] == 5


def test_likely_duplicates_are_suggested_before_saving(store: Store, partners: tuple[int, int]) -> None:
    gov, hotline = partners
    same = log(store, gov)
    log(store, hotline, title="Launch a public awareness campaign on sextortion", countries=["UGA"])
    withdrawn = log(store, gov, title="Train 200 investigators in victim identification (old)",
                    review_state="withdrawn")  # fmt: skip
    found = records.find_duplicates(
        store, EDITOR, "Train 200 investigators in victim identification", [gov], ["KEN"]
    )
    assert [d.commitment_id for d in found] == [same]
    assert withdrawn not in [d.commitment_id for d in found]
    assert "same partner" in found[0].reasons and "same country" in found[0].reasons
    assert records.find_duplicates(store, EDITOR, found[0].title, [gov], ["KEN"], exclude_id=same) == []
    with pytest.raises(PermissionDenied):
        records.find_duplicates(store, PUBLIC, "Train investigators", [gov], ["KEN"])


def test_suggested_duplicates_can_be_listed_through_the_ids_filter(
    store: Store, partners: tuple[int, int]
) -> None:
    a = log(store, partners[0])
    log(store, partners[0], title="Something else entirely")
    assert read.find_commitments(store, EDITOR, CommitmentFilter(ids=(a,))).id.tolist() == [a]


# -- partner, event, progress and assessment forms ---------------------------------------------------


def test_an_event_can_be_edited_with_a_version_check(store: Store) -> None:
    eid = records.create_event(store, EDITOR, Event(name="Summit", kind="summit", date=date(2025, 3, 1)))
    renamed = Event(name="Abu Dhabi Summit", kind="summit", date=date(2025, 3, 2), country="ARE")
    assert records.update_event(store, ALICE, eid, renamed, 1) == 2
    row = store.get_row("event", eid)
    assert (row["name"], row["date"], row["country"], row["version"]) == (
        "Abu Dhabi Summit",
        date(2025, 3, 2),
        "ARE",
        2,
    )
    entry = store.history("event", eid)[-1]
    assert (entry["action"], entry["actor"], entry["before"]["name"], entry["after"]["name"]) == (
        "update", ALICE.identity, "Summit", "Abu Dhabi Summit",
    )  # fmt: skip
    before = everything(store)
    with pytest.raises(
        ConcurrentEditError, match=r"this event was changed by alice@secretariat\.example at "
    ):
        records.update_event(store, EDITOR, eid, Event(name="Mine", kind="summit", date=date(2025, 3, 1)), 1)
    assert everything(store) == before


def test_only_the_secretariat_edits_events(store: Store) -> None:
    eid = records.create_event(store, EDITOR, Event(name="Summit", kind="summit", date=date(2025, 3, 1)))
    before = everything(store)
    with pytest.raises(PermissionDenied, match="may not add or edit summits and plans"):
        records.update_event(store, REVIEWER, eid, Event(name="X", kind="summit", date=date(2025, 3, 1)), 1)
    assert everything(store) == before


def test_editing_a_missing_or_deleted_partner_is_not_found(store: Store) -> None:
    before = everything(store)
    with pytest.raises(NotFound, match="there is no partner with id 9"):
        records.update_partner(store, EDITOR, 9, Partner(name="X", stakeholder_type="hotline"), 1)
    assert everything(store) == before


def test_a_partner_taking_part_in_a_commitment_can_change_its_tags(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, _ = partners
    log(store, gov)
    retagged = Partner(name="Kenya Ministry of ICT", stakeholder_type="government", tags=["regulator"])
    records.update_partner(store, EDITOR, gov, retagged, 1)
    assert store.get_row("partner", gov)["tags"] == ["regulator"]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"name": "", "stakeholder_type": "hotline"}, "Name: cannot be empty"),
        ({"name": "X", "stakeholder_type": "wizard"}, "Stakeholder type: "),
        (
            {"name": "X", "stakeholder_type": "hotline", "website": "www.x.org"},
            "Website: the website must be",
        ),
        (
            {"name": "X", "stakeholder_type": "hotline", "hq_country": "XXX"},
            "Hq country: 'XXX' is not an ISO",
        ),
    ],
)
def test_a_bad_partner_form_is_refused_in_plain_words_and_nothing_is_written(
    store: Store, form: dict[str, Any], expected: str
) -> None:
    before = everything(store)
    with pytest.raises(ValidationFailed) as info:
        records.create_partner(store, EDITOR, records.validated(Partner, form))
    assert info.value.problems[0].startswith(expected), info.value.problems
    assert everything(store) == before


def test_a_bad_assessment_form_is_refused_and_nothing_is_written(store: Store) -> None:
    before = everything(store)
    with pytest.raises(ValidationFailed, match="Phase: Input should be less than or equal to 4"):
        records.validated(CapabilityAssessment, {"country": "KEN", "capability": "MNR-2016:4",
                                                 "assessed_on": date(2025, 1, 1), "phase": 9})  # fmt: skip
    assert everything(store) == before


def test_an_import_reference_already_used_is_refused_in_plain_words_even_by_a_deleted_commitment(
    store: Store, partners: tuple[int, int]
) -> None:
    from partners.services import history

    first = log(store, partners[0], external_ref="SUMMIT-2025-017")
    records.update_commitment(
        store, EDITOR, first, commitment(partners[0], external_ref="SUMMIT-2025-017"), 1
    )
    before = everything(store)
    with pytest.raises(ValidationFailed) as info:
        log(store, partners[1], title="Another pledge", external_ref="SUMMIT-2025-017")
    assert info.value.problems == [
        f"External ref: 'SUMMIT-2025-017' is already the reference of commitment {first}"
    ]
    assert everything(store) == before
    history.delete_record(store, EDITOR, "commitment", first, 2)
    before = everything(store)
    with pytest.raises(ValidationFailed, match=r"commitment \d+ \(deleted; restore it instead\)"):
        log(store, partners[1], title="Another pledge", external_ref="SUMMIT-2025-017")
    assert everything(store) == before


def test_the_log_form_shows_hints_suggests_a_likely_duplicate_and_saves_only_once_confirmed(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    existing = records.get_commitment(
        demo_store, int(demo_store.scalar("SELECT min(commitment_id) FROM commitment_countries"))
    )
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("src/partners/pages/log_commitment.py").run()
    assert any(w.value.startswith("No unit") for w in at.warning)

    at.text_input(key="log0_title").set_value(existing["title"]).run()
    at.multiselect(key="log0_partners").set_value([existing["partners"][0]["partner_id"]]).run()
    at.multiselect(key="log0_countries").set_value(existing["countries"][:1]).run()
    at.text_input(key="log0_unit").set_value("people").run()
    assert not any(w.value.startswith("No unit") for w in at.warning)  # the hint went with the unit
    assert any("looks like a commitment already logged" in w.value for w in at.warning)
    assert any(f"Looks like commitment {existing['id']}" in c.value for c in at.caption)
    assert at.button(key="log0_save").disabled

    at.checkbox(key="log0_not_duplicate").check().run()
    assert not at.button(key="log0_save").disabled
    at.button(key="log0_save").click().run()
    saved = [s.value for s in at.success if s.value.startswith("Saved as commitment")]
    assert saved, [e.value for e in at.error]
    new_id = int(saved[0].removeprefix("Saved as commitment ").rstrip("."))
    check = Store.open(path)
    try:
        stored = records.get_commitment(check, new_id)
    finally:
        check.db.close()
    assert (stored["title"], stored["unit"], stored["smart_level"]) == (existing["title"], "people", 1)
    assert at.text_input(key="log1_title").value == ""  # a fresh form for the next one
