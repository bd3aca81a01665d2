"""Assessment rounds entered as one grid (draft, submit, verify) and the scorecard's sign-off, which publishes
exactly what was signed off: the public sees the signed copies, never a later edit, until a new sign-off."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from actors import EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC, REVIEWER
from partners import reference
from partners.domain.model import CapabilityAssessment
from partners.domain.permissions import PermissionDenied
from partners.services import records, rounds, scorecard, signoff
from partners.services.errors import ValidationFailed
from partners.services.rounds import GridRow
from partners.services.visibility import view_scope as scope_for
from partners.storage import Store

DAY = date(2025, 3, 1)


def keys() -> list[str]:
    return [c.key for c in reference.mnr_capabilities()]


def full_grid(phase: int, *, note: str = "") -> list[GridRow]:
    return [GridRow(k, phase, note) for k in keys()]


def phases_seen(store: Store, actor, code: str = "KEN") -> dict[str, int]:
    return {k: p.latest.phase for k, p in scorecard.maturity(store, actor, code).capabilities.items() if p.latest}


# -- rounds --------------------------------------------------------------------------------------------


def test_a_draft_round_stays_out_of_the_scorecard_until_submitted(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2))
    assert store.get_row("assessment_round", rid)["status"] == "draft"
    assert len(store.round_assessments(rid)) == 21
    assert phases_seen(store, FOCAL_KEN) == {}  # a draft counts for no one
    version = int(store.get_row("assessment_round", rid)["version"])
    rounds.submit_round(store, FOCAL_KEN, rid, version)
    assert store.get_row("assessment_round", rid)["status"] == "submitted"
    assert set(phases_seen(store, FOCAL_KEN).values()) == {2}
    assert phases_seen(store, FOCAL_UGA) == {} and phases_seen(store, PUBLIC) == {}  # private until signed off


def test_a_new_grid_starts_from_the_latest_phases(store: Store) -> None:
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, [GridRow(keys()[0], 3, "first")], submit=True)
    grid = rounds.grid(store, FOCAL_KEN, "KEN")
    assert list(grid["capability_key"]) == keys()
    assert int(grid["phase"].iloc[0]) == 3 and grid["phase"].iloc[1:].isna().all()
    assert grid["note"].iloc[0] == ""  # notes and links start empty


def test_a_refused_row_refuses_the_whole_grid_naming_it_and_stores_nothing(store: Store) -> None:
    rows = full_grid(2)
    rows[3] = GridRow(keys()[3], 2, "", "not a link")
    rows[5] = GridRow(keys()[5], None, "a note without a phase")
    before = store.count("capability_assessments"), store.count("assessment_rounds")
    with pytest.raises(ValidationFailed) as err:
        rounds.save_round(store, FOCAL_KEN, "KEN", DAY, rows)
    text = " ".join(err.value.problems)
    assert "Capability 4." in text and "web address" in text
    assert "Capability 6." in text and "needs a phase" in text
    assert (store.count("capability_assessments"), store.count("assessment_rounds")) == before


def test_an_empty_grid_and_a_future_date_are_refused(store: Store) -> None:
    with pytest.raises(ValidationFailed, match="at least one capability"):
        rounds.save_round(store, FOCAL_KEN, "KEN", DAY, [GridRow(k) for k in keys()])
    with pytest.raises(ValidationFailed):
        rounds.save_round(store, FOCAL_KEN, "KEN", date(2999, 1, 1), full_grid(2))
    assert store.count("assessment_rounds") == 0


def test_saving_again_updates_changed_rows_and_deletes_cleared_ones_with_history(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2))
    version = int(store.get_row("assessment_round", rid)["version"])
    rows = full_grid(2)
    rows[0] = GridRow(keys()[0], 3, "raised")
    rows[1] = GridRow(keys()[1], None)
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, rows, round_id=rid, expected_version=version)
    stored = {r["capability_key"]: r for r in store.round_assessments(rid)}
    assert len(stored) == 20 and keys()[1] not in stored
    assert stored[keys()[0]]["phase"] == 3 and stored[keys()[0]]["version"] == 2
    assert stored[keys()[2]]["version"] == 1  # unchanged rows are not rewritten
    assert [e["action"] for e in store.history("capability_assessment", stored[keys()[0]]["id"])][-1] == "update"


def test_a_stale_grid_is_refused(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2))
    rounds.save_round(store, EDITOR, "KEN", DAY, full_grid(3), round_id=rid, expected_version=1)
    with pytest.raises(Exception, match="(?i)changed|saved"):
        rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(1), round_id=rid, expected_version=1)
    assert {r["phase"] for r in store.round_assessments(rid)} == {3}


def test_only_the_countrys_focal_points_and_the_secretariat_enter_rounds(store: Store) -> None:
    for actor in (FOCAL_UGA, MEMBER, PUBLIC, REVIEWER):
        with pytest.raises(PermissionDenied):
            rounds.save_round(store, actor, "KEN", DAY, full_grid(2))
    assert store.count("assessment_rounds") == 0


def test_the_secretariat_verifies_by_capability_or_whole_and_a_submitted_round_is_theirs(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2), submit=True)
    with pytest.raises(PermissionDenied):
        rounds.verify_round(store, FOCAL_KEN, rid)
    assert rounds.verify_round(store, REVIEWER, rid, keys()[:2]) == 2
    assert store.get_row("assessment_round", rid)["status"] == "submitted"
    caps = scorecard.maturity(store, FOCAL_KEN, "KEN").capabilities
    assert caps[keys()[0]].verified is not None and caps[keys()[2]].verified is None
    assert rounds.verify_round(store, REVIEWER, rid) == 19
    assert store.get_row("assessment_round", rid)["status"] == "verified"
    version = int(store.get_row("assessment_round", rid)["version"])
    with pytest.raises(ValidationFailed, match="only the secretariat"):
        rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(1), round_id=rid, expected_version=version)
    with pytest.raises(ValidationFailed, match="Reason"):
        rounds.return_to_draft(store, EDITOR, rid, version, " ")
    rounds.return_to_draft(store, EDITOR, rid, version, "Evidence for capability 4 missing")
    assert store.get_row("assessment_round", rid)["status"] == "draft"


def test_verifying_a_draft_is_refused(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2))
    with pytest.raises(ValidationFailed, match="draft"):
        rounds.verify_round(store, EDITOR, rid)


# -- sign-off ------------------------------------------------------------------------------------------


def test_sign_off_publishes_exactly_what_was_signed_and_a_later_edit_needs_a_new_one(store: Store) -> None:
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2, note="Signed note"), submit=True)
    assert phases_seen(store, PUBLIC) == {}
    signoff.sign_off(store, FOCAL_KEN, "KEN", "Agreed by the ministry", at=datetime(2025, 3, 2, 10))
    assert set(phases_seen(store, PUBLIC).values()) == {2} and set(phases_seen(store, MEMBER).values()) == {2}

    version = int(store.get_row("assessment_round", rid)["version"])
    rounds.save_round(store, EDITOR, "KEN", DAY, full_grid(4, note="LATER-EDIT"), round_id=rid,
                      expected_version=version)
    assert set(phases_seen(store, PUBLIC).values()) == {2}  # the public still sees what was signed off
    public_rows = store.assessments(scope_for(PUBLIC), "KEN")
    assert "LATER-EDIT" not in " ".join(public_rows["note"]) and set(public_rows["note"]) == {"Signed note"}
    assert set(phases_seen(store, FOCAL_KEN).values()) == {4}  # the country sees its scorecard as it stands
    state = signoff.status(store, FOCAL_KEN, "KEN")
    assert len(state.changed) == 21 and not state.up_to_date
    assert state.active["signed_by"] == FOCAL_KEN.display and state.active["statement"] == "Agreed by the ministry"

    signoff.sign_off(store, FOCAL_KEN, "KEN")
    assert set(phases_seen(store, PUBLIC).values()) == {4}
    assert signoff.status(store, FOCAL_KEN, "KEN").up_to_date
    with pytest.raises(ValidationFailed, match="already exactly"):
        signoff.sign_off(store, FOCAL_KEN, "KEN")


def test_withdrawal_takes_the_scorecard_out_of_publication_and_is_kept(store: Store) -> None:
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(3), submit=True)
    sid = signoff.sign_off(store, FOCAL_KEN, "KEN")
    with pytest.raises(ValidationFailed, match="Reason"):
        signoff.withdraw(store, FOCAL_KEN, "KEN", "")
    signoff.withdraw(store, FOCAL_KEN, "KEN", "Figures under review")
    assert phases_seen(store, PUBLIC) == {}
    history = signoff.status(store, FOCAL_KEN, "KEN").history
    assert history[0]["id"] == sid and history[0]["withdrawn_reason"] == "Figures under review"
    assert [e["action"] for e in store.history("scorecard_signoff", sid)] == ["sign_off", "withdraw"]
    with pytest.raises(ValidationFailed, match="no sign-off in force"):
        signoff.withdraw(store, FOCAL_KEN, "KEN", "again")


def test_only_the_countrys_focal_points_and_secretariat_editors_sign_off(store: Store) -> None:
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(3), submit=True)
    for actor in (FOCAL_UGA, MEMBER, PUBLIC, REVIEWER):
        with pytest.raises(PermissionDenied):
            signoff.sign_off(store, actor, "KEN")
    assert store.signoffs("KEN") == []
    for actor in (FOCAL_UGA, MEMBER, PUBLIC):
        with pytest.raises(PermissionDenied):
            signoff.status(store, actor, "KEN")
    signoff.sign_off(store, EDITOR, "KEN")
    for actor in (FOCAL_UGA, MEMBER, PUBLIC):
        with pytest.raises(PermissionDenied):
            signoff.withdraw(store, actor, "KEN", "no")


def test_nothing_to_sign_off_is_refused(store: Store) -> None:
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(3))  # a draft only
    with pytest.raises(ValidationFailed, match="nothing to sign off"):
        signoff.sign_off(store, FOCAL_KEN, "KEN")


def test_an_assessment_published_on_the_form_is_signed_off_with_the_published_scorecard(store: Store) -> None:
    first = records.record_assessment(store, FOCAL_KEN, CapabilityAssessment(
        country="KEN", capability=keys()[0], assessed_on=DAY, phase=2, published=True))
    records.record_assessment(store, FOCAL_KEN, CapabilityAssessment(
        country="KEN", capability=keys()[1], assessed_on=DAY, phase=3))  # private
    assert phases_seen(store, PUBLIC) == {keys()[0]: 2}
    records.update_assessment(store, FOCAL_KEN, first, CapabilityAssessment(
        country="KEN", capability=keys()[0], assessed_on=DAY, phase=2, published=False), 1)
    assert phases_seen(store, PUBLIC) == {}  # taken out of publication
    assert len(store.signoffs("KEN")) == 1 and store.signoffs("KEN")[0]["withdrawn_at"] is not None


def test_peer_bands_read_the_signed_copies_only(store: Store) -> None:
    store.set_memberships({"KEN": date(2015, 1, 1)})
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2), submit=True)
    signoff.sign_off(store, FOCAL_KEN, "KEN")
    rounds.save_round(store, EDITOR, "KEN", DAY, full_grid(4), round_id=rid,
                      expected_version=int(store.get_row("assessment_round", rid)["version"]))
    phases = {r["phase"] for r in store.published_member_assessments()}
    assert phases == {2}


def test_remembered_assessment_reads_never_cross_viewers_and_end_with_a_write(store: Store) -> None:
    """The scorecard reads a country's assessments once per data version: the same read for a focal point
    and for the public in one version gives each their own rows, and the next write is seen at once."""
    rounds.save_round(store, FOCAL_KEN, "KEN", DAY, full_grid(2), submit=True)
    for _ in range(2):  # the second round of reads is answered from what was remembered
        assert set(phases_seen(store, FOCAL_KEN).values()) == {2}
        assert phases_seen(store, PUBLIC) == {} and phases_seen(store, MEMBER) == {}
    signoff.sign_off(store, FOCAL_KEN, "KEN")
    assert set(phases_seen(store, PUBLIC).values()) == {2}
    rid = rounds.save_round(store, FOCAL_KEN, "KEN", date(2025, 6, 1), full_grid(3), submit=True)
    assert rid and set(phases_seen(store, FOCAL_KEN).values()) == {3}
    assert set(phases_seen(store, PUBLIC).values()) == {2}  # what was signed off, until a new sign-off
