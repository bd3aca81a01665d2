"""Progress updates and capability assessments are edited in place: versioned, authorised like recording
them, and recorded in their history with before and after. And the duplicate rule of the log form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from actors import EDITOR, FOCAL_KEN, FOCAL_UGA, REVIEWER, contributor
from partners.domain.model import CapabilityAssessment, Commitment, ProgressUpdate
from partners.domain.permissions import PermissionDenied
from partners.services import history, records
from partners.services.errors import ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError


def log(store: Store, partner_id: int, **changes: Any) -> int:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
        "review_state": "submitted",
    }
    return records.log_commitment(store, EDITOR, Commitment(**(data | changes)))


def progress(cid: int, **changes: Any) -> ProgressUpdate:
    data: dict[str, Any] = {
        "commitment_id": cid,
        "report_date": date(2025, 5, 1),
        "status": "on_track",
        "indicator_value": Decimal("40"),
        "narrative": "40 trained",
        "evidence_links": ["https://example.org/report"],
    }
    return ProgressUpdate(**(data | changes))


def assessment(country: str = "KEN", **changes: Any) -> CapabilityAssessment:
    data = {"country": country, "capability": "MNR-2016:4", "assessed_on": date(2025, 1, 1), "phase": 2}
    return CapabilityAssessment(**(data | changes))


def test_a_progress_update_is_edited_in_place_with_a_new_version_and_a_history_entry(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    uid = records.record_progress(store, EDITOR, progress(cid))
    version = records.update_progress(
        store, EDITOR, uid, progress(cid, indicator_value=Decimal("55"), narrative="55 trained"), 1
    )
    assert version == 2
    row = store.get_row("progress_update", uid)
    assert (row["indicator_value"], row["narrative"], row["version"]) == (Decimal("55"), "55 trained", 2)
    entries = history.history(store, EDITOR, "progress_update", uid)
    assert [e["action"] for e in entries] == ["create", "update"]
    changed = {field: (old, new) for field, old, new in entries[-1]["changes"]}
    assert changed["narrative"] == ("40 trained", "55 trained")
    assert entries[-1]["actor"] == EDITOR.identity


def test_editing_a_progress_update_from_an_old_version_is_refused_and_changes_nothing(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    uid = records.record_progress(store, EDITOR, progress(cid))
    records.update_progress(store, EDITOR, uid, progress(cid, narrative="first edit"), 1)
    with pytest.raises(ConcurrentEditError, match="changed by"):
        records.update_progress(store, EDITOR, uid, progress(cid, narrative="second edit"), 1)
    assert store.get_row("progress_update", uid)["narrative"] == "first edit"
    assert len(store.history("progress_update", uid)) == 2


def test_progress_edits_are_authorised_like_recording_progress(store: Store, partners: tuple[int, int]) -> None:
    gov, hotline = partners
    cid = log(store, gov)
    own = records.record_progress(store, contributor(gov), progress(cid))
    assert records.update_progress(store, contributor(gov), own, progress(cid, narrative="more"), 1) == 2
    with pytest.raises(PermissionDenied):  # another partner's commitment
        records.update_progress(store, contributor(hotline), own, progress(cid, narrative="x"), 2)
    with pytest.raises(PermissionDenied, match="may not verify progress"):  # cannot make it verified
        records.update_progress(store, contributor(gov), own, progress(cid, source="verified"), 2)
    verified = records.record_progress(store, REVIEWER, progress(cid, source="verified"))
    with pytest.raises(PermissionDenied, match="may not verify progress"):  # nor turn a verified one back
        records.update_progress(store, contributor(gov), verified, progress(cid), 1)
    with pytest.raises(ValidationFailed, match="stays on the commitment"):
        records.update_progress(store, EDITOR, own, progress(log(store, gov, title="Other")), 2)
    assert store.get_row("progress_update", own)["narrative"] == "more"
    assert store.get_row("progress_update", verified)["source"] == "verified"


def test_a_draft_commitments_progress_cannot_be_edited_by_a_contributor_who_cannot_see_it(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, _ = partners
    cid = log(store, gov, review_state="draft")
    uid = records.record_progress(store, EDITOR, progress(cid))
    with pytest.raises(PermissionDenied, match="only on commitments they can see"):
        records.update_progress(store, contributor(gov), uid, progress(cid, narrative="x"), 1)
    assert store.get_row("progress_update", uid)["version"] == 1


def test_a_verified_edit_that_differs_from_the_partner_needs_a_reason(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    records.record_progress(store, EDITOR, progress(cid, status="on_track"))
    uid = records.record_progress(store, REVIEWER, progress(cid, source="verified", status="on_track"))
    with pytest.raises(ValidationFailed, match="Reason"):
        records.update_progress(store, REVIEWER, uid, progress(cid, source="verified", status="off_track"), 1)
    records.update_progress(
        store, REVIEWER, uid, progress(cid, source="verified", status="off_track"), 1, reason="no report seen"
    )
    assert store.get_row("progress_update", uid)["reason"] == "no report seen"


def test_an_assessment_is_edited_in_place_with_a_new_version_and_a_history_entry(store: Store) -> None:
    aid = records.record_assessment(store, EDITOR, assessment(phase=2))
    assert records.update_assessment(store, EDITOR, aid, assessment(phase=3, note="after review"), 1) == 2
    row = store.get_row("capability_assessment", aid)
    assert (row["phase"], row["note"], row["version"]) == (3, "after review", 2)
    entries = history.history(store, EDITOR, "capability_assessment", aid)
    assert [e["action"] for e in entries] == ["create", "update"]
    assert ("phase", 2, 3) in entries[-1]["changes"]
    with pytest.raises(ConcurrentEditError):
        records.update_assessment(store, EDITOR, aid, assessment(phase=1), 1)
    assert store.get_row("capability_assessment", aid)["phase"] == 3


def test_assessment_edits_are_authorised_for_the_country_before_and_after(store: Store) -> None:
    aid = records.record_assessment(store, FOCAL_KEN, assessment("KEN"))
    assert records.update_assessment(store, FOCAL_KEN, aid, assessment("KEN", phase=4), 1) == 2
    with pytest.raises(PermissionDenied):  # another country's focal point
        records.update_assessment(store, FOCAL_UGA, aid, assessment("UGA", phase=1), 2)
    with pytest.raises(PermissionDenied):  # moving it to a country they do not hold
        records.update_assessment(store, FOCAL_KEN, aid, assessment("UGA"), 2)
    with pytest.raises(ValidationFailed, match="not an MNR capability"):
        records.update_assessment(store, EDITOR, aid, assessment(capability="GA-2021:1"), 2)
    row = store.get_row("capability_assessment", aid)
    assert (row["country_code"], row["phase"], row["version"]) == ("KEN", 4, 2)
    assert len(store.history("capability_assessment", aid)) == 2


def test_duplicates_need_a_similar_title_and_a_shared_partner_or_country(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, hotline = partners
    title = "Train 200 investigators in victim identification"
    same_partner = log(store, gov, countries=["UGA"])
    same_country = log(store, hotline, countries=["KEN"])
    log(store, hotline, countries=["UGA"])  # the same words, nothing in common: another pledge
    found = records.find_duplicates(store, EDITOR, title, [gov], ["KEN"])
    assert sorted(d.commitment_id for d in found) == sorted([same_partner, same_country])
    assert records.find_duplicates(store, EDITOR, title, [], ["TZA"]) == []
