"""Probes 5 and 9: bulk loads check the same scoped permission as the one-record path, row by row, and
writing needs at least the right to read.

A focal point for Kenya loaded a published assessment of the United Kingdom through ``bulk.load_dataset``
(the public then saw it); a partner contributor reported progress on their partner's draft, which they
cannot see. Each test asserts the refusal, in words, and that nothing stored changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actors import EDITOR, FOCAL_KEN, PUBLIC, REVIEWER, contributor
from partners.domain.model import (
    CapabilityAssessment,
    Commitment,
    Partner,
    ProgressUpdate,
)
from partners.domain.permissions import PermissionDenied
from partners.services import read, records
from partners.services.bulk import Dataset, load_dataset
from partners.storage import Store


def dump(store: Store) -> dict[str, Any]:
    """Every row of every table (the exact contents: equal dumps mean nothing changed)."""
    return {t: store.dump_table(t).to_pylist() for t in store.data_tables()}


def assessment(country: str, *, published: bool = False, capability: str = "MNR-2016:4") -> CapabilityAssessment:
    return CapabilityAssessment(
        country=country, capability=capability, assessed_on=date(2025, 5, 1), phase=3, published=published
    )


def commitment(partner_id: int, country: str = "KEN", **kw: Any) -> Commitment:
    return Commitment(title=kw.pop("title", "Train 200 investigators"),
                      partners=[{"partner_id": partner_id, "role": "lead"}], countries=[country], **kw)


def progress(commitment_id: int, **kw: Any) -> ProgressUpdate:
    return ProgressUpdate(commitment_id=commitment_id, report_date=date(2025, 6, 1), status="on_track", **kw)


def test_a_focal_point_cannot_bulk_load_another_countrys_published_assessment(store: Store) -> None:
    before = dump(store)
    ds = Dataset(assessments=[assessment("KEN"), assessment("GBR", published=True), assessment("KEN")])
    with pytest.raises(PermissionDenied) as refused:
        load_dataset(store, FOCAL_KEN, ds)
    message = str(refused.value)
    assert message.startswith("amina@ke.example (Country focal point) may not load 1 of these records")
    assert "nothing was loaded" in message
    assert "assessment 2 (GBR, MNR-2016:4, published)" in message
    assert "only for their own countries (KEN)" in message
    assert "assessment 1" not in message and "assessment 3" not in message
    assert dump(store) == before
    assert read.country_profile(store, PUBLIC, "GBR")["assessments"].empty


def test_a_focal_point_loads_their_own_countrys_assessments_as_record_assessment_allows(store: Store) -> None:
    result = load_dataset(store, FOCAL_KEN, Dataset(assessments=[assessment("KEN", published=True)]))
    assert result.assessments == 1
    assert len(read.country_profile(store, PUBLIC, "KEN")["assessments"]) == 1


def test_the_refusal_names_the_first_refused_rows_of_every_kind(store: Store, partners) -> None:
    gov, _ = partners
    before = dump(store)
    ds = Dataset(
        partners=[Partner(id=1, name="New hotline", stakeholder_type="hotline")],
        commitments=[commitment(gov, id=1)],
        assessments=[assessment("GBR", capability=f"MNR-2016:{n}") for n in range(1, 16)],
    )
    with pytest.raises(PermissionDenied) as refused:
        load_dataset(store, FOCAL_KEN, ds)
    message = str(refused.value)
    assert "may not load 17 of these records" in message
    assert "partner 1 (New hotline): may not add or edit partners" in message
    assert "commitment 1 (Train 200 investigators): may not log a commitment" in message
    assert "assessment 8 (GBR, MNR-2016:8)" in message and "assessment 9 " not in message
    assert message.endswith("; and 7 more.")
    assert dump(store) == before


def test_a_bulk_load_cannot_log_commitments_past_the_states_the_actor_may_reach(store: Store, partners) -> None:
    gov, _ = partners
    before = dump(store)
    # A reviewer may verify, not log; an editor may log a published commitment (every step is theirs).
    with pytest.raises(PermissionDenied, match="commitment 1 .*may not log a commitment"):
        load_dataset(store, REVIEWER, Dataset(commitments=[commitment(gov, id=1, review_state="published")]))
    assert dump(store) == before
    assert load_dataset(store, EDITOR, Dataset(commitments=[commitment(gov, id=1, review_state="published")]))


def test_bulk_progress_is_checked_like_record_progress_scope_source_and_visibility(store: Store, partners) -> None:
    gov, hotline = partners
    draft = records.log_commitment(store, EDITOR, commitment(gov, title="Draft"))
    submitted = records.log_commitment(store, EDITOR, commitment(gov, title="Submitted", review_state="submitted"))
    other = records.log_commitment(store, EDITOR, commitment(hotline, "UGA", title="Other", review_state="submitted"))
    before = dump(store)
    mine = contributor(gov)
    cases = [
        (progress(draft), "progress update 1 (commitment 1, 2025-06-01): may record a progress update only on "
                          "commitments they can see"),
        (progress(other), "only for commitments of their own organisation"),
        (progress(submitted, source="verified"), "may not verify progress"),
    ]
    for update, expected in cases:
        with pytest.raises(PermissionDenied) as refused:
            load_dataset(store, mine, Dataset(progress=[update]))
        assert expected in str(refused.value)
        assert dump(store) == before
    assert load_dataset(store, mine, Dataset(progress=[progress(submitted)])).progress == 1


def test_a_partner_contributor_cannot_report_progress_on_their_partners_draft(store: Store, partners) -> None:
    gov, _ = partners
    draft = records.log_commitment(store, EDITOR, commitment(gov))
    me = contributor(gov)
    assert draft not in set(read.find_commitments(store, me).id.tolist())  # they cannot see it ...
    before = dump(store)
    with pytest.raises(PermissionDenied) as refused:  # ... so they cannot write to it
        records.record_progress(store, me, progress(draft))
    assert str(refused.value) == (
        "pat@partner.example (Partner contributor) may record a progress update only on commitments they can "
        f"see; commitment {draft} is not shown to them (for example a draft, or under embargo)."
    )
    assert dump(store) == before


def test_once_submitted_the_contributor_sees_it_and_reports_on_it(store: Store, partners) -> None:
    gov, _ = partners
    cid = records.log_commitment(store, EDITOR, commitment(gov, review_state="submitted"))
    me = contributor(gov)
    assert cid in set(read.find_commitments(store, me).id.tolist())
    uid = records.record_progress(store, me, progress(cid))
    assert store.get_row("progress_update", uid)["source"] == "self_reported"
