"""Service-level tests: each use case against a real DuckDB file, as a secretariat officer would use it."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from partners.demo import generator as demo
from partners.domain.model import (
    SYSTEM,
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressUpdate,
    Role,
    StakeholderType,
    describe_validation_error,
)
from partners.domain.permissions import PermissionDenied
from partners.domain.scope import CommitmentFilter
from partners.services import read, records, setup
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError
from snapshots import table_counts

SECRETARIAT = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR, name="Sam Secretariat")
ALICE = Actor(identity="alice@secretariat.example", role=Role.SECRETARIAT_EDITOR)
REVIEWER = Actor(identity="rey@secretariat.example", role=Role.REVIEWER)
MEMBER = Actor(identity="mo@member.example", role=Role.MEMBER_VIEWER)
PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC)
FOCAL_KEN = Actor(identity="amina@ke.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"KEN"}))


def contributor(*partner_ids: int) -> Actor:
    return Actor(
        identity="pat@partner.example", role=Role.PARTNER_CONTRIBUTOR, partners=frozenset(partner_ids)
    )


@pytest.fixture
def two_partners(store: Store) -> tuple[int, int]:
    """A Kenyan government body and a Ugandan hotline."""
    gov = records.create_partner(
        store,
        SECRETARIAT,
        Partner(name="Kenya Ministry of ICT", stakeholder_type="government", hq_country="KEN"),
    )
    hotline = records.create_partner(
        store, SECRETARIAT, Partner(name="Uganda Hotline", stakeholder_type="hotline", hq_country="UGA")
    )
    return gov, hotline


def commitment(partner_id: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
        "framework_items": ["MNR-2016:4"],
    }
    return Commitment(**(data | changes))


def log(store: Store, partner_id: int, **changes: Any) -> int:
    return records.log_commitment(store, SECRETARIAT, commitment(partner_id, **changes))


def submit_commitment(store: Store, actor: Actor, form: dict[str, Any]) -> int:
    """What a page does with a submitted form: build the model, then call the service."""
    return records.log_commitment(store, actor, Commitment(**form))


# -- validation: clear messages, nothing written ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"countries": ["KEX"]}, "Countries: 'KEX' is not an ISO 3166-1 alpha-3", id="unknown-country"
        ),
        pytest.param(
            {"start_date": date(2025, 6, 1), "deadline": date(2025, 1, 1)},
            "The deadline (01 Jan 2025) is before the start date (01 Jun 2025)",
            id="deadline-before-start",
        ),
        pytest.param(
            {"budget": "-100", "currency": "EUR"},
            "Budget: the budget cannot be negative",
            id="negative-budget",
        ),
        pytest.param({"title": ""}, "Title: cannot be empty", id="empty-title"),
        pytest.param({"budget": "100"}, "The budget has no currency", id="budget-without-currency"),
        pytest.param(
            {"is_global": True}, "A global commitment names no countries", id="global-with-countries"
        ),
        pytest.param({"partners": []}, "Partners: needs at least one entry", id="no-partner"),
    ],
)
def test_invalid_commitment_form_is_refused_with_a_plain_message_and_nothing_is_written(
    store: Store, two_partners: tuple[int, int], changes: dict[str, Any], expected: str
) -> None:
    form = {
        "title": "Open a hotline",
        "partners": [{"partner_id": two_partners[0], "role": "lead"}],
        "countries": ["KEN"],
    } | changes
    before = table_counts(store)
    with pytest.raises(ValidationError) as info:
        submit_commitment(store, SECRETARIAT, form)
    problems = describe_validation_error(info.value)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert table_counts(store) == before


def test_unknown_framework_item_is_refused_by_log_commitment_and_nothing_is_written(
    store: Store, two_partners: tuple[int, int]
) -> None:
    before = table_counts(store)
    with pytest.raises(ValidationFailed) as info:
        log(store, two_partners[0], framework_items=["MNR-2016:4", "MNR-2016:99"])
    assert info.value.problems == ["Framework items: unknown item MNR-2016:99 (use keys such as MNR-2016:4)"]
    assert table_counts(store) == before


def test_unknown_partner_and_event_are_refused_together_and_nothing_is_written(
    store: Store, two_partners: tuple[int, int]
) -> None:
    before = table_counts(store)
    bad = commitment(two_partners[0], event_id=4242)
    bad.partners.append(bad.partners[0].model_copy(update={"partner_id": 999, "role": "co"}))
    with pytest.raises(ValidationFailed) as info:
        records.log_commitment(store, SECRETARIAT, bad)
    assert info.value.problems == [
        "Partners: no partner with id 999",
        "Event: no summit or plan with id 4242",
    ]
    assert table_counts(store) == before


def test_duplicate_external_reference_is_refused_with_a_plain_message_and_nothing_is_written(
    store: Store, two_partners: tuple[int, int]
) -> None:
    log(store, two_partners[0], external_ref="SUMMIT-2025-017")
    before = table_counts(store)
    with pytest.raises(ValidationFailed) as info:
        log(store, two_partners[1], title="Another pledge", external_ref="SUMMIT-2025-017")
    assert len(info.value.problems) == 1 and "SUMMIT-2025-017" in info.value.problems[0]
    assert table_counts(store) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"evidence_links": ["\\\\fileserver\\reports\\q1.docx"]},
            "Evidence links: evidence link '\\\\fileserver\\reports\\q1.docx' is not a web address",
            id="bad-evidence-link",
        ),
        pytest.param(
            {"report_date": date.today() + timedelta(days=3)},
            "Report date: the report date",
            id="future-date",
        ),
    ],
)
def test_invalid_progress_update_is_refused_and_nothing_is_written(
    store: Store, two_partners: tuple[int, int], changes: dict[str, Any], expected: str
) -> None:
    cid = log(store, two_partners[0])
    before = table_counts(store)
    form = {"commitment_id": cid, "report_date": date(2025, 1, 1), "status": "on_track"} | changes
    with pytest.raises(ValidationError) as info:
        records.record_progress(store, SECRETARIAT, ProgressUpdate(**form))
    problems = describe_validation_error(info.value)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert table_counts(store) == before


def test_progress_for_a_missing_commitment_is_not_found_and_nothing_is_written(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(NotFound, match="there is no commitment with id 77"):
        records.record_progress(
            store,
            SECRETARIAT,
            ProgressUpdate(commitment_id=77, report_date=date(2025, 1, 1), status="on_track"),
        )
    assert table_counts(store) == before


def test_assessment_in_phase_5_is_refused_and_nothing_is_written(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(ValidationError) as info:
        records.record_assessment(
            store,
            SECRETARIAT,
            CapabilityAssessment(
                country="KEN", capability="MNR-2016:4", assessed_on=date(2025, 1, 1), phase=5
            ),
        )
    assert describe_validation_error(info.value) == ["Phase: Input should be less than or equal to 4"]
    assert table_counts(store) == before


@pytest.mark.parametrize("key", ["MNR-2016:PG", "GA-2012:T1", "MNR-2016:99"])
def test_assessment_of_something_other_than_an_mnr_capability_is_refused(store: Store, key: str) -> None:
    before = table_counts(store)
    a = CapabilityAssessment(country="KEN", capability=key, assessed_on=date(2025, 1, 1), phase=2)
    with pytest.raises(ValidationFailed, match=f"Capability: '{key}' is not an MNR capability"):
        records.record_assessment(store, SECRETARIAT, a)
    assert table_counts(store) == before


# -- round trips ---------------------------------------------------------------------------------------


def test_partner_with_tags_reads_back_as_written(store: Store) -> None:
    p = Partner(
        name="SafeNet Foundation",
        stakeholder_type=StakeholderType.CIVIL_SOCIETY,
        tags=[StakeholderType.HOTLINE, StakeholderType.EDUCATION],
        hq_country="phl",
        member_since=date(2019, 5, 1),
        website="https://safenet.example.org",
    )
    pid = records.create_partner(store, SECRETARIAT, p)
    row = store.get_row("partner", pid)
    assert {
        k: row[k] for k in ("name", "stakeholder_type", "tags", "hq_country", "member_since", "website")
    } == {
        "name": "SafeNet Foundation",
        "stakeholder_type": "civil_society",
        "tags": ["hotline", "education"],
        "hq_country": "PHL",
        "member_since": date(2019, 5, 1),
        "website": "https://safenet.example.org",
    }
    assert row["version"] == 1 and row["is_demo"] is False
    listed = store.partners().set_index("id").loc[pid]
    assert listed["hq_country_name"] == "Philippines"
    assert list(listed["tags"]) == ["hotline", "education"]


def test_event_reads_back_as_written(store: Store) -> None:
    eid = records.create_event(
        store,
        SECRETARIAT,
        Event(
            name="Global Summit 2025",
            kind="summit",
            date=date(2025, 3, 4),
            location="Abu Dhabi",
            country="ARE",
        ),
    )
    row = store.get_row("event", eid)
    assert (row["name"], row["kind"], row["date"], row["location"], row["country"]) == (
        "Global Summit 2025",
        "summit",
        date(2025, 3, 4),
        "Abu Dhabi",
        "ARE",
    )
    assert store.events().set_index("id").loc[eid, "name"] == "Global Summit 2025"


def test_joint_multi_country_commitment_reads_back_as_written(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    eid = records.create_event(
        store, SECRETARIAT, Event(name="Nairobi Summit", kind="summit", date=date(2025, 2, 1))
    )
    c = Commitment(
        title="Joint East African reporting portal",
        description="One portal for both hotlines",
        partners=[{"partner_id": hotline, "role": "co"}, {"partner_id": gov, "role": "lead"}],
        countries=["UGA", "KEN"],
        framework_items=["MNR-2016:15", "GA-2012:T1", "VP-2020:1"],
        deliverable="Portal live",
        indicator="Reports received",
        unit="reports",
        baseline=Decimal("0"),
        target_value=Decimal("5000.5"),
        start_date=date(2025, 2, 1),
        deadline=date(2027, 1, 31),
        budget=Decimal("250000.75"),
        currency="USD",
        event_id=eid,
        visibility="members",
        review_state="submitted",
        embargo_until=datetime(2025, 3, 1, 9, 30),
        external_ref="NBO-2025-001",
        smart_level=5,
    )
    cid = records.log_commitment(store, SECRETARIAT, c)
    got = records.get_commitment(store, cid)
    assert got["partners"] == [{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}]
    assert got["countries"] == ["KEN", "UGA"]
    assert got["framework_items"] == ["GA-2012:T1", "MNR-2016:15", "VP-2020:1"]
    expected = c.model_dump(exclude={"id", "partners", "countries", "framework_items"})
    assert {k: got[k] for k in expected} == expected  # Decimals compare by value, enums by their text
    assert got["version"] == 1

    listed = read.find_commitments(store, SECRETARIAT).set_index("id").loc[cid]
    assert listed["title"] == "Joint East African reporting portal"
    assert listed["partners"] == "Kenya Ministry of ICT (lead); Uganda Hotline"
    assert listed["countries"] == "Kenya; Uganda"
    assert listed["event"] == "Nairobi Summit"
    assert listed["reported_status"] == "not_reported"
    by_item = read.commitments_for_item(store, SECRETARIAT, "VP-2020:1")
    assert by_item.id.tolist() == [cid]


def test_global_commitment_is_listed_as_global_with_no_countries(
    store: Store, two_partners: tuple[int, int]
) -> None:
    cid = log(store, two_partners[0], countries=[], is_global=True)
    assert records.get_commitment(store, cid)["countries"] == []
    assert read.find_commitments(store, SECRETARIAT).set_index("id").loc[cid, "countries"] == "Global"
    assert read.headline(store, SECRETARIAT)["global"] == 1


def test_progress_update_with_evidence_reads_back_as_written(
    store: Store, two_partners: tuple[int, int]
) -> None:
    cid = log(store, two_partners[0])
    links = ["https://example.org/report-2025.pdf", "https://example.org/photos"]
    uid = records.record_progress(
        store,
        SECRETARIAT,
        ProgressUpdate(
            commitment_id=cid,
            report_date=date(2025, 4, 30),
            status="off_track",
            indicator_value=Decimal("120"),
            narrative="Training delayed by elections",
            evidence_links=links,
            source="verified",
        ),
    )
    row = store.get_row("progress_update", uid)
    assert (row["commitment_id"], row["report_date"], row["status"], row["source"]) == (
        cid,
        date(2025, 4, 30),
        "off_track",
        "verified",
    )
    assert row["indicator_value"] == Decimal("120") and row["narrative"] == "Training delayed by elections"
    assert row["evidence_links"] == links
    detail = read.commitment_detail(store, SECRETARIAT, cid)
    assert detail["progress"].status.tolist() == ["off_track"]
    assert list(detail["progress"].evidence_links.iloc[0]) == links
    listed = read.find_commitments(store, SECRETARIAT).set_index("id").loc[cid]
    assert (listed["reported_status"], listed["verified_status"]) == ("off_track", "off_track")


def test_latest_progress_update_gives_the_reported_status(
    store: Store, two_partners: tuple[int, int]
) -> None:
    cid = log(store, two_partners[0])
    for day, status in [
        (date(2025, 1, 1), "on_track"),
        (date(2025, 6, 1), "complete"),
        (date(2025, 3, 1), "stalled"),
    ]:
        records.record_progress(
            store, SECRETARIAT, ProgressUpdate(commitment_id=cid, report_date=day, status=status)
        )
    listed = read.find_commitments(store, SECRETARIAT).set_index("id").loc[cid]
    assert listed["reported_status"] == "complete"
    assert pd.isna(listed["verified_status"])
    assert read.find_commitments(
        store, SECRETARIAT, CommitmentFilter(statuses=("complete",))
    ).id.tolist() == [cid]


def test_capability_assessment_reads_back_as_written(store: Store) -> None:
    aid = records.record_assessment(
        store,
        SECRETARIAT,
        CapabilityAssessment(
            country="ken",
            capability="MNR-2016:4",
            assessed_on=date(2025, 2, 2),
            phase=3,
            note="Unit staffed",
            published=True,
            source="verified",
        ),
    )
    row = store.get_row("capability_assessment", aid)
    assert {k: row[k] for k in ("country_code", "capability_key", "assessed_on", "phase", "note", "published",
                                "source")} == {
        "country_code": "KEN", "capability_key": "MNR-2016:4", "assessed_on": date(2025, 2, 2), "phase": 3,
        "note": "Unit staffed", "published": True, "source": "verified",
    }  # fmt: skip
    profile = read.country_profile(store, PUBLIC, "KEN")
    assert profile["country"]["name"] == "Kenya"
    shown = profile["assessments"]
    assert shown.id.tolist() == [aid]
    assert (shown.capability_no.iloc[0], shown.phase.iloc[0]) == ("4", 3)
    phase_3 = store.maturity_phases().set_index("phase").loc[3, "label"]
    assert shown.phase_label.iloc[0] == phase_3


# -- audit ---------------------------------------------------------------------------------------


def only_entry(store: Store, entity: str, entity_id: int) -> dict[str, Any]:
    history = store.history(entity, entity_id)
    assert len(history) == 1, history
    return history[0]


def test_every_create_writes_an_audit_entry_with_who_what_and_after(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, _ = two_partners
    eid = records.create_event(
        store, SECRETARIAT, Event(name="Plan", kind="national_plan", date=date(2024, 1, 1))
    )
    cid = log(store, gov, event_id=eid)
    uid = records.record_progress(
        store, SECRETARIAT, ProgressUpdate(commitment_id=cid, report_date=date(2025, 1, 1), status="on_track")
    )
    aid = records.record_assessment(
        store, FOCAL_KEN,
        CapabilityAssessment(country="KEN", capability="MNR-2016:5", assessed_on=date(2025, 1, 1), phase=1),
    )  # fmt: skip
    expected = [
        ("partner", gov, SECRETARIAT, "name", "Kenya Ministry of ICT"),
        ("event", eid, SECRETARIAT, "name", "Plan"),
        ("commitment", cid, SECRETARIAT, "countries", ["KEN"]),
        ("progress_update", uid, SECRETARIAT, "status", "on_track"),
        ("capability_assessment", aid, FOCAL_KEN, "country_code", "KEN"),
    ]
    for entity, rid, actor, key, value in expected:
        entry = only_entry(store, entity, rid)
        assert (
            entry["actor"],
            entry["actor_role"],
            entry["action"],
            entry["entity"],
            entry["entity_id"],
        ) == (
            actor.identity,
            actor.role.value,
            "create",
            entity,
            str(rid),
        )
        assert entry["before"] is None
        assert entry["after"][key] == value
    assert only_entry(store, "commitment", cid)["after"]["partners"] == [{"partner_id": gov, "role": "lead"}]


def test_partner_update_writes_before_and_after_and_bumps_the_version(store: Store) -> None:
    pid = records.create_partner(store, SECRETARIAT, Partner(name="Old name", stakeholder_type="hotline"))
    version = records.update_partner(
        store, ALICE, pid, Partner(name="New name", stakeholder_type="hotline", tags=["academia"]), 1
    )
    assert version == 2
    assert store.get_row("partner", pid)["name"] == "New name"
    entry = store.history("partner", pid)[-1]
    assert (entry["actor"], entry["actor_role"], entry["action"]) == (
        ALICE.identity,
        "secretariat_editor",
        "update",
    )
    assert entry["before"]["name"] == "Old name" and entry["before"]["version"] == 1
    assert entry["after"]["name"] == "New name" and entry["after"]["tags"] == ["academia"]


def test_commitment_update_saves_fields_and_links_with_an_audit_entry(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    cid = log(store, gov)
    changed = commitment(
        gov, title="Train 300 investigators", countries=["KEN", "UGA"],
        partners=[{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}],
    )  # fmt: skip
    assert records.update_commitment(store, ALICE, cid, changed, expected_version=1) == 2
    got = records.get_commitment(store, cid)
    assert (got["title"], got["countries"], got["version"]) == ("Train 300 investigators", ["KEN", "UGA"], 2)
    assert [p["partner_id"] for p in got["partners"]] == [gov, hotline]
    entry = store.history("commitment", cid)[-1]
    assert (entry["actor"], entry["action"]) == (ALICE.identity, "update")
    assert entry["before"]["title"] == "Train 200 investigators in victim identification"
    assert entry["before"]["countries"] == ["KEN"]
    assert entry["after"]["countries"] == ["KEN", "UGA"]


def test_commitment_update_with_stale_version_says_who_changed_it_and_changes_nothing(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, _ = two_partners
    cid = log(store, gov)
    records.update_commitment(store, ALICE, cid, commitment(gov, title="Alice's title"), expected_version=1)
    before = table_counts(store)
    with pytest.raises(
        ConcurrentEditError, match=r"changed by alice@secretariat\.example at \d{4}-\d\d-\d\d"
    ):
        records.update_commitment(
            store, SECRETARIAT, cid, commitment(gov, title="Sam's title"), expected_version=1
        )
    assert table_counts(store) == before
    got = records.get_commitment(store, cid)
    assert (got["title"], got["version"]) == ("Alice's title", 2)


def test_partner_update_with_stale_version_says_who_changed_it_and_changes_nothing(store: Store) -> None:
    pid = records.create_partner(store, SECRETARIAT, Partner(name="Original", stakeholder_type="hotline"))
    records.update_partner(store, ALICE, pid, Partner(name="Alice's name", stakeholder_type="hotline"), 1)
    before = table_counts(store)
    with pytest.raises(
        ConcurrentEditError, match=r"this partner was changed by alice@secretariat\.example at "
    ):
        records.update_partner(
            store, SECRETARIAT, pid, Partner(name="Sam's name", stakeholder_type="hotline"), 1
        )
    assert table_counts(store) == before
    assert store.get_row("partner", pid)["name"] == "Alice's name"


def test_partner_taking_part_in_a_commitment_can_be_renamed(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, _ = two_partners
    log(store, gov)
    records.update_partner(
        store,
        SECRETARIAT,
        gov,
        Partner(name="Kenya Ministry of Information", stakeholder_type="government"),
        1,
    )
    assert store.get_row("partner", gov)["name"] == "Kenya Ministry of Information"


def test_audit_entry_is_written_in_the_same_transaction_as_the_record(
    store: Store, two_partners: tuple[int, int]
) -> None:
    before = table_counts(store)
    with pytest.raises(RuntimeError, match="power cut"):
        with store.transaction():
            cid = log(store, two_partners[0])
            assert store.history("commitment", cid)  # written, not yet committed
            raise RuntimeError("power cut before the commit")
    assert table_counts(store) == before


# -- authorisation at the service layer --------------------------------------------------------------


@pytest.mark.parametrize("actor", [MEMBER, PUBLIC, FOCAL_KEN, REVIEWER], ids=lambda a: a.role.value)
def test_only_the_secretariat_can_log_a_commitment(
    store: Store, two_partners: tuple[int, int], actor: Actor
) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match="may not log a commitment"):
        records.log_commitment(store, actor, commitment(two_partners[0]))
    assert table_counts(store) == before


def test_partner_contributor_cannot_log_a_commitment_even_for_their_own_organisation(
    store: Store, two_partners: tuple[int, int]
) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied):
        records.log_commitment(store, contributor(two_partners[0]), commitment(two_partners[0]))
    assert table_counts(store) == before


def test_public_actor_cannot_add_partners_or_events(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match=r"Public \(not signed in\)\) may not add or edit partners"):
        records.create_partner(store, PUBLIC, Partner(name="X", stakeholder_type="hotline"))
    with pytest.raises(PermissionDenied, match="may not add or edit summits and plans"):
        records.create_event(store, PUBLIC, Event(name="X", kind="summit", date=date(2025, 1, 1)))
    assert table_counts(store) == before


def assessment(country: str, **changes: Any) -> CapabilityAssessment:
    data = {"country": country, "capability": "MNR-2016:4", "assessed_on": date(2025, 1, 1), "phase": 2}
    return CapabilityAssessment(**(data | changes))


def test_focal_point_can_record_an_assessment_for_their_own_country(store: Store) -> None:
    aid = records.record_assessment(store, FOCAL_KEN, assessment("KEN", published=True))
    assert store.get_row("capability_assessment", aid)["country_code"] == "KEN"


def test_focal_point_cannot_record_assessment_for_another_country(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match=r"only for their own countries \(KEN\)"):
        records.record_assessment(store, FOCAL_KEN, assessment("UGA"))
    assert table_counts(store) == before


def test_member_viewer_cannot_record_an_assessment(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied):
        records.record_assessment(store, MEMBER, assessment("KEN"))
    assert table_counts(store) == before


def progress(cid: int, source: str = "self_reported") -> ProgressUpdate:
    return ProgressUpdate(commitment_id=cid, report_date=date(2025, 5, 1), status="on_track", source=source)


def test_partner_contributor_can_record_self_reported_progress_on_own_commitment(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    joint = log(  # submitted: a contributor sees their partners' commitments once they leave draft
        store, gov, partners=[{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}],
        review_state="submitted",
    )
    uid = records.record_progress(store, contributor(hotline), progress(joint))
    assert store.get_row("progress_update", uid)["source"] == "self_reported"
    assert only_entry(store, "progress_update", uid)["actor_role"] == "partner_contributor"


def test_partner_contributor_cannot_record_progress_on_another_partners_commitment(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    cid = log(store, gov)
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match="only for commitments of their own organisation"):
        records.record_progress(store, contributor(hotline), progress(cid))
    assert table_counts(store) == before


def test_partner_contributor_cannot_record_verified_progress(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, _ = two_partners
    cid = log(store, gov)
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match="may not verify progress"):
        records.record_progress(store, contributor(gov), progress(cid, source="verified"))
    assert table_counts(store) == before


def test_reviewer_can_record_verified_progress(store: Store, two_partners: tuple[int, int]) -> None:
    cid = log(store, two_partners[0])
    uid = records.record_progress(store, REVIEWER, progress(cid, source="verified"))
    assert store.get_row("progress_update", uid)["source"] == "verified"


def test_change_history_is_refused_to_the_public(store: Store, two_partners: tuple[int, int]) -> None:
    with pytest.raises(PermissionDenied, match="may not view the change history"):
        read.history(store, PUBLIC, "partner", two_partners[0])
    assert read.history(store, REVIEWER, "partner", two_partners[0])[0]["action"] == "create"


# -- visibility ----------------------------------------------------------------------------------


@pytest.fixture
def one_of_each_kind(store: Store, two_partners: tuple[int, int]) -> dict[str, int]:
    """Commitments in every combination of state, visibility and embargo that matters for reading."""
    gov, _ = two_partners
    now = datetime.now()
    kinds = {
        "published_public": {"review_state": "published", "visibility": "public"},
        "published_public_embargo_over": {
            "review_state": "published", "visibility": "public", "embargo_until": now - timedelta(days=1),
        },
        "published_public_embargoed": {
            "review_state": "published", "visibility": "public", "embargo_until": now + timedelta(days=30),
        },
        "published_members": {"review_state": "published", "visibility": "members"},
        "published_private": {"review_state": "published", "visibility": "private"},
        "verified_public": {"review_state": "verified", "visibility": "public"},
        "submitted_public": {"review_state": "submitted", "visibility": "public"},
        "draft_public": {"review_state": "draft", "visibility": "public"},
    }  # fmt: skip
    return {name: log(store, gov, title=name.replace("_", " "), **fields) for name, fields in kinds.items()}


def visible_ids(store: Store, actor: Actor) -> set[int]:
    return set(read.find_commitments(store, actor).id.tolist())


def test_public_sees_only_published_public_commitments_past_their_embargo(
    store: Store, one_of_each_kind: dict[str, int]
) -> None:
    expected = {one_of_each_kind["published_public"], one_of_each_kind["published_public_embargo_over"]}
    assert visible_ids(store, PUBLIC) == expected
    assert read.headline(store, PUBLIC)["commitments"] == len(expected)


def test_members_also_see_published_members_commitments(
    store: Store, one_of_each_kind: dict[str, int]
) -> None:
    expected = {
        one_of_each_kind["published_public"],
        one_of_each_kind["published_public_embargo_over"],
        one_of_each_kind["published_members"],
    }
    assert visible_ids(store, MEMBER) == expected
    assert read.headline(store, MEMBER)["commitments"] == len(expected)


def test_secretariat_sees_every_commitment_including_drafts(
    store: Store, one_of_each_kind: dict[str, int]
) -> None:
    assert visible_ids(store, SECRETARIAT) == set(one_of_each_kind.values())
    assert visible_ids(store, REVIEWER) == set(one_of_each_kind.values())
    assert read.headline(store, SECRETARIAT)["commitments"] == len(one_of_each_kind)


def test_public_cannot_open_a_commitment_it_may_not_see(
    store: Store, one_of_each_kind: dict[str, int]
) -> None:
    with pytest.raises(NotFound):
        read.commitment_detail(store, PUBLIC, one_of_each_kind["draft_public"])
    assert (
        read.commitment_detail(store, PUBLIC, one_of_each_kind["published_public"])["title"]
        == "published public"
    )


def test_headline_does_not_count_withdrawn_commitments(store: Store, two_partners: tuple[int, int]) -> None:
    log(store, two_partners[0], review_state="published", visibility="public")
    log(store, two_partners[0], review_state="withdrawn", visibility="public")
    assert read.headline(store, SECRETARIAT)["commitments"] == 1


def test_focal_point_sees_private_commitments_naming_their_country_but_not_others(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    kenya = log(store, gov, countries=["KEN", "TZA"], visibility="private", review_state="submitted")
    uganda = log(store, hotline, countries=["UGA"], visibility="private", review_state="submitted")
    kenya_draft = log(store, gov, countries=["KEN"], visibility="private", review_state="draft")
    public = log(store, hotline, countries=["UGA"], visibility="public", review_state="published")
    seen = visible_ids(store, FOCAL_KEN)
    assert kenya in seen and public in seen
    assert uganda not in seen and kenya_draft not in seen
    assert set(read.country_profile(store, FOCAL_KEN, "KEN")["commitments"].id) == {kenya}


def test_partner_contributor_sees_private_commitments_of_their_organisation_only(
    store: Store, two_partners: tuple[int, int]
) -> None:
    gov, hotline = two_partners
    own = log(store, gov, visibility="private", review_state="published")
    other = log(store, hotline, visibility="private", review_state="published")
    seen = visible_ids(store, contributor(gov))
    assert own in seen and other not in seen


@pytest.fixture
def assessments(store: Store) -> dict[str, int]:
    return {
        "ken_published": records.record_assessment(store, SECRETARIAT, assessment("KEN", published=True)),
        "ken_unpublished": records.record_assessment(
            store, SECRETARIAT, assessment("KEN", capability="MNR-2016:5")
        ),
        "uga_published": records.record_assessment(store, SECRETARIAT, assessment("UGA", published=True)),
        "uga_unpublished": records.record_assessment(
            store, SECRETARIAT, assessment("UGA", capability="MNR-2016:5")
        ),
    }


def shown_assessments(store: Store, actor: Actor, country: str) -> set[int]:
    return set(read.country_profile(store, actor, country)["assessments"].id.tolist())


def test_public_sees_only_published_assessments(store: Store, assessments: dict[str, int]) -> None:
    assert shown_assessments(store, PUBLIC, "KEN") == {assessments["ken_published"]}
    assert shown_assessments(store, PUBLIC, "UGA") == {assessments["uga_published"]}
    assert shown_assessments(store, MEMBER, "UGA") == {assessments["uga_published"]}


def test_focal_point_sees_own_unpublished_assessments_but_not_other_countries(
    store: Store, assessments: dict[str, int]
) -> None:
    assert shown_assessments(store, FOCAL_KEN, "KEN") == {
        assessments["ken_published"],
        assessments["ken_unpublished"],
    }
    assert shown_assessments(store, FOCAL_KEN, "UGA") == {assessments["uga_published"]}


def test_secretariat_sees_every_assessment(store: Store, assessments: dict[str, int]) -> None:
    assert shown_assessments(store, SECRETARIAT, "UGA") == {
        assessments["uga_published"],
        assessments["uga_unpublished"],
    }


def test_country_profile_of_unknown_country_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no country with code XYZ"):
        read.country_profile(store, PUBLIC, "XYZ")


# -- headline figures on the demo data -----------------------------------------------------------------


def twelve_months_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def expected_headline(store: Store, *, members: bool, everything: bool) -> dict[str, int]:
    """The headline figures computed in pandas straight from the tables, following HEADLINE_DEFINITIONS."""
    now = pd.Timestamp(datetime.now())
    c = store.query_df("SELECT * FROM commitments WHERE deleted_at IS NULL")
    if everything:
        visible = c[c.review_state != "withdrawn"]
    else:
        shared = {"public", "members"} if members else {"public"}
        visible = c[
            (c.review_state == "published")
            & c.visibility.isin(shared)
            & (c.embargo_until.isna() | (c.embargo_until <= now))
        ]
    ids = set(visible.id)
    links = store.query_df("SELECT * FROM commitment_partners")
    links = links[links.commitment_id.isin(ids)]
    places = store.query_df("SELECT * FROM commitment_countries")
    places = places[places.commitment_id.isin(ids)]
    updates = store.query_df("SELECT * FROM progress_updates WHERE deleted_at IS NULL")
    updates = updates[updates.commitment_id.isin(ids)].sort_values(["commitment_id", "report_date", "id"])
    latest = updates.groupby("commitment_id").last()
    verified = updates[updates.source == "verified"].groupby("commitment_id").last()
    cutoff = pd.Timestamp(twelve_months_before(date.today()))
    last_report = pd.to_datetime(latest.report_date)
    silent = ids - set(latest.index)
    stale = set(latest.index[(last_report < cutoff) & ~latest.status.isin(["complete", "discontinued"])])
    partners_per = links.groupby("commitment_id").partner_id.nunique()
    return {
        "commitments": len(ids),
        "joint": int((partners_per > 1).sum()),
        "global": int(visible.is_global.sum()),
        "verified": len(verified),
        "self_reported_only": len(set(latest.index) - set(verified.index)),
        "not_reporting": len(silent | stale),
        "complete": int((latest.status == "complete").sum()),
        "complete_verified": int((verified.status == "complete").sum()),
        "partners": links.partner_id.nunique(),
        "countries": places.country_code.nunique(),
        "member_countries": int(store.scalar("SELECT count(*) FROM countries WHERE member")),
    }


@pytest.mark.parametrize(
    ("actor", "members", "everything"),
    [
        pytest.param(PUBLIC, False, False, id="public"),
        pytest.param(MEMBER, True, False, id="member"),
        pytest.param(SECRETARIAT, True, True, id="secretariat"),
    ],
)  # fmt: skip
def test_headline_on_demo_data_matches_an_independent_count(
    demo_store: Store, actor: Actor, members: bool, everything: bool
) -> None:
    got = read.headline(demo_store, actor)
    assert got == expected_headline(demo_store, members=members, everything=everything)


@pytest.mark.parametrize("actor", [PUBLIC, MEMBER, SECRETARIAT, FOCAL_KEN], ids=lambda a: a.role.value)
def test_headline_figures_on_demo_data_are_consistent(demo_store: Store, actor: Actor) -> None:
    h = read.headline(demo_store, actor)
    visible = set(read.find_commitments(demo_store, actor).id.tolist())
    reported = set(
        demo_store.query_df(
            "SELECT DISTINCT commitment_id FROM progress_updates WHERE deleted_at IS NULL"
        ).commitment_id.tolist()
    )
    assert h["commitments"] > 0
    assert h["verified"] + h["self_reported_only"] + len(visible - reported) == h["commitments"]
    assert 0 <= h["not_reporting"] <= h["commitments"]
    assert 0 <= h["joint"] <= h["commitments"]
    assert h["complete_verified"] <= h["verified"] and h["complete"] <= h["commitments"]
    assert h["member_countries"] == demo_store.scalar("SELECT count(*) FROM countries WHERE member")


def test_demo_data_shows_fewer_commitments_to_the_public_than_to_members_and_the_secretariat(
    demo_store: Store,
) -> None:
    public, member, secretariat = (
        read.headline(demo_store, a)["commitments"] for a in (PUBLIC, MEMBER, SECRETARIAT)
    )
    assert 0 < public < member < secretariat
    withdrawn = demo_store.scalar(
        "SELECT count(*) FROM commitments WHERE review_state = 'withdrawn' AND deleted_at IS NULL"
    )
    assert secretariat == demo_store.count("commitments") - withdrawn


# -- demo and reference data ----------------------------------------------------------------------------


def test_remove_demo_leaves_no_demo_records(demo_store: Store) -> None:
    assert setup.holds_demo(demo_store)
    removed = setup.remove_demo(demo_store, SYSTEM)
    assert removed > 0
    for table in ("partners", "events", "commitments", "progress_updates", "capability_assessments"):
        assert demo_store.scalar(f"SELECT count(*) FROM {table} WHERE is_demo") == 0, table  # noqa: S608
    for table in ("commitment_partners", "commitment_countries", "commitment_items"):
        assert demo_store.count(table) == 0, table
    assert not setup.holds_demo(demo_store)
    assert demo_store.scalar("SELECT count(*) FROM countries WHERE member") == 0


def test_remove_demo_keeps_real_membership_when_no_demo_was_loaded(store: Store) -> None:
    store.cur.execute(
        "UPDATE countries SET member = true, member_since = DATE '2020-01-01' WHERE code = 'KEN'"
    )
    setup.remove_demo(store, SYSTEM)
    assert store.scalar("SELECT member FROM countries WHERE code = 'KEN'") is True


def test_load_demo_refuses_when_a_real_commitment_exists_and_changes_nothing(
    store: Store, two_partners: tuple[int, int]
) -> None:
    log(store, two_partners[0])
    before = table_counts(store)
    with pytest.raises(setup.DemoRefused, match="this database holds real records"):
        setup.load_demo(store, SYSTEM, demo.generate(scale=0.1), description="demo")
    assert table_counts(store) == before
    assert not setup.holds_demo(store)


def test_load_demo_is_refused_to_a_secretariat_editor(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match="may not load or remove demo data"):
        setup.load_demo(store, SECRETARIAT, demo.generate(scale=0.1), description="demo")
    assert table_counts(store) == before


def test_load_demo_marks_every_record_as_demo_and_flags_the_store(store: Store) -> None:
    result = setup.load_demo(store, SYSTEM, demo.generate(scale=0.1), description="the demo")
    assert setup.holds_demo(store) and store.meta(setup.DEMO_META_KEY).startswith("the demo; generated ")
    assert not setup.holds_real_records(store)
    assert (store.count("partners"), store.count("commitments")) == (result.partners, result.commitments)
    assert store.scalar("SELECT count(*) FROM commitments WHERE NOT is_demo") == 0
    orphans = store.scalar(
        "SELECT count(*) FROM commitment_partners cp LEFT JOIN partners p ON p.id = cp.partner_id"
        " WHERE p.id IS NULL"
    )
    assert orphans == 0
    audited = store.scalar("SELECT count(*) FROM audit_log WHERE entity = 'commitment' AND action = 'create'")
    assert audited == result.commitments


def test_reference_reload_is_idempotent_and_keeps_country_membership(
    store: Store, two_partners: tuple[int, int]
) -> None:
    log(store, two_partners[0])  # records refer to countries and framework items
    store.cur.execute(
        "UPDATE countries SET member = true, member_since = DATE '2016-05-01' WHERE code = 'KEN'"
    )
    first = setup.load_reference(store, SYSTEM)
    counts = table_counts(store)
    second = setup.load_reference(store, SYSTEM)
    assert first == second
    after = table_counts(store)
    assert {t: n for t, n in after.items() if t != "audit_log"} == {
        t: n for t, n in counts.items() if t != "audit_log"
    }
    assert (
        counts["countries"],
        counts["frameworks"],
        counts["framework_items"],
        counts["maturity_phases"],
    ) == (
        second.countries,
        second.frameworks,
        second.items,
        second.phases,
    )
    assert store.query_rows("SELECT member, member_since FROM countries WHERE code = 'KEN'") == [
        {"member": True, "member_since": date(2016, 5, 1)}
    ]
    assert store.scalar("SELECT count(*) FROM countries WHERE member") == 1
    assert setup.has_reference(store)


def test_reference_reload_is_refused_to_the_secretariat_editor(store: Store) -> None:
    before = table_counts(store)
    with pytest.raises(PermissionDenied, match="may not load reference frameworks"):
        setup.load_reference(store, SECRETARIAT)
    assert table_counts(store) == before


# -- bulk loading ----------------------------------------------------------------------------------------


def test_bulk_load_with_an_unknown_framework_item_writes_nothing(store: Store) -> None:
    ds = Dataset(
        partners=[Partner(id=1, name="P", stakeholder_type="hotline")],
        commitments=[commitment(1, framework_items=["MNR-2016:404"]).model_copy(update={"id": 1})],
    )
    before = table_counts(store)
    with pytest.raises(ValidationFailed, match="unknown framework item MNR-2016:404"):
        load_dataset(store, SECRETARIAT, ds)
    assert table_counts(store) == before


def test_bulk_load_maps_local_ids_to_stored_ids(store: Store, two_partners: tuple[int, int]) -> None:
    existing, _ = two_partners
    ds = Dataset(
        partners=[Partner(id=101, name="New partner", stakeholder_type="academia")],
        events=[Event(id=201, name="Plan", kind="national_plan", date=date(2024, 1, 1))],
        commitments=[
            commitment(
                101, event_id=201, partners=[{"partner_id": 101, "role": "lead"}, {"partner_id": existing}]
            ).model_copy(update={"id": 301})
        ],
        progress=[progress(301, source="verified")],
    )
    result = load_dataset(store, SECRETARIAT, ds)
    cid = result.id_map["commitment"][301]
    got = records.get_commitment(store, cid)
    new_partner = result.id_map["partner"][101]
    assert {p["partner_id"] for p in got["partners"]} == {new_partner, existing}
    assert got["event_id"] == result.id_map["event"][201]
    assert store.query_rows("SELECT commitment_id FROM progress_updates") == [{"commitment_id": cid}]
    assert store.get_row("partner", new_partner)["name"] == "New partner"


# -- threads ---------------------------------------------------------------------------------------------


def test_commitments_logged_from_several_threads_at_once_are_all_stored(
    store: Store, two_partners: tuple[int, int]
) -> None:
    threads_n, each = 6, 5
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []
    ids: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            barrier.wait(10)
            for i in range(each):
                cid = log(store, two_partners[n % 2], title=f"thread {n} commitment {i}")
                with lock:
                    ids.append(cid)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(set(ids)) == threads_n * each
    assert store.count("commitments") == threads_n * each
    titles = set(store.query_df("SELECT title FROM commitments").title)
    assert titles == {f"thread {n} commitment {i}" for n in range(threads_n) for i in range(each)}
    assert store.count("commitment_partners") == threads_n * each
    assert store.scalar("SELECT count(*) FROM audit_log WHERE entity = 'commitment'") == threads_n * each
