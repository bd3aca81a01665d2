"""The reads pages make go through services that take the actor: pick-lists, a record for its edit form,
the commitment page's view model, and the small reads behind the history, import, backup and about pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from actors import ADMIN, EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC, REVIEWER, contributor
from partners.domain.model import (
    CapabilityAssessment,
    Commitment,
    Event,
    ProgressUpdate,
    ReportSource,
    Visibility,
)
from partners.domain.permissions import PermissionDenied
from partners.presentation import urls
from partners.presentation.changes import detail_rows
from partners.services import backup, history, lookups, records, setup
from partners.services.commitment_page import commitment_page
from partners.services.errors import NotFound
from partners.storage.duckdb.store import DuckDBStore as Store


def log(store: Store, lead: int, **changes: Any) -> int:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": lead, "role": "lead"}],
        "countries": ["KEN"],
        "framework_items": ["MNR-2016:4"],
        "deadline": date(2027, 12, 31),
    }
    return records.log_commitment(store, EDITOR, Commitment(**(data | changes)))


# -- pick-lists -----------------------------------------------------------------------------------------


def test_the_public_gets_the_partner_country_and_framework_pick_lists(store: Store, partners) -> None:
    gov, hotline = partners
    assert lookups.partner_names(store, PUBLIC) == {gov: "Kenya Ministry of ICT", hotline: "Uganda Hotline"}
    assert lookups.country_names(store, PUBLIC)["KEN"] == "Kenya"
    labels = lookups.framework_item_labels(store, PUBLIC)
    assert labels["MNR-2016:4"] == "WePROTECT Model National Response: 4 Dedicated law enforcement"
    assert set(lookups.frameworks(store, PUBLIC).id) >= {"MNR-2016"}
    assert list(lookups.maturity_phases(store, PUBLIC).phase) == [1, 2, 3, 4]


def test_member_countries_come_first_in_the_country_pick_list(store: Store) -> None:
    store.set_membership("UGA", date(2020, 1, 1))
    order = lookups.countries_members_first(store, PUBLIC)
    assert order[0] == "UGA"
    assert order.index("KEN") > 0


def test_a_deleted_event_leaves_the_event_pick_list(store: Store) -> None:
    kept = records.create_event(store, EDITOR, Event(name="Summit 2025", kind="summit", date=date(2025, 5, 1)))
    gone = records.create_event(store, EDITOR, Event(name="Plan 2024", kind="national_plan", date=date(2024, 5, 1)))
    history.delete_record(store, EDITOR, "event", gone, 1)
    assert list(lookups.events(store, MEMBER).id) == [kept]


# -- a record for its edit form -------------------------------------------------------------------------


def test_a_partner_is_loaded_for_its_edit_form_only_by_those_who_manage_partners(store: Store, partners) -> None:
    gov, _ = partners
    assert records.get_record(store, EDITOR, "partner", gov)["name"] == "Kenya Ministry of ICT"
    for actor in (REVIEWER, MEMBER, PUBLIC, contributor(gov)):
        with pytest.raises(PermissionDenied):
            records.get_record(store, actor, "partner", gov)


def test_an_assessment_is_loaded_only_by_the_secretariat_and_its_own_countrys_focal_point(store: Store) -> None:
    aid = records.record_assessment(
        store,
        FOCAL_KEN,
        CapabilityAssessment(country="KEN", capability="MNR-2016:4", assessed_on=date(2025, 1, 1), phase=2),
    )
    assert records.get_record(store, FOCAL_KEN, "capability_assessment", aid)["phase"] == 2
    assert records.get_record(store, EDITOR, "capability_assessment", aid)["country_code"] == "KEN"
    with pytest.raises(PermissionDenied, match="own countries"):
        records.get_record(store, FOCAL_UGA, "capability_assessment", aid)


def test_a_deleted_partner_is_not_found_for_its_edit_form(store: Store, partners) -> None:
    gov, _ = partners
    history.delete_record(store, EDITOR, "partner", gov, 1)
    with pytest.raises(NotFound, match="deleted"):
        records.get_record(store, EDITOR, "partner", gov)


# -- the commitment page ----------------------------------------------------------------------------------


def test_the_public_sees_only_public_commitments_on_the_commitment_page(store: Store, partners) -> None:
    gov, _ = partners
    public = log(store, gov, review_state="published", visibility=Visibility.PUBLIC.value)
    shared = log(store, gov, review_state="published", visibility=Visibility.MEMBERS.value)
    private = log(store, gov, review_state="published", visibility=Visibility.PRIVATE.value)
    assert commitment_page(store, PUBLIC, public).id == public
    for hidden in (shared, private):
        with pytest.raises(NotFound):
            commitment_page(store, PUBLIC, hidden)
    assert commitment_page(store, MEMBER, shared).visibility is Visibility.MEMBERS
    with pytest.raises(NotFound):
        commitment_page(store, MEMBER, private)


def test_the_commitment_page_names_partners_countries_and_links_in_words(store: Store, partners) -> None:
    gov, hotline = partners
    cid = log(
        store,
        gov,
        partners=[{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}],
        countries=["KEN", "UGA"],
        baseline=Decimal("40"),
        target_value=Decimal("200.0000"),
        budget=Decimal("1500000.00"),
        currency="USD",
        event_id=records.create_event(
            store, EDITOR, Event(name="Abu Dhabi summit", kind="summit", date=date(2015, 11, 17))
        ),
    )
    page = commitment_page(store, EDITOR, cid)
    assert page.details["partners"] == ["Kenya Ministry of ICT (Lead)", "Uganda Hotline (Co-partner)"]
    assert page.details["countries"] == ["Kenya", "Uganda"]
    assert page.details["framework_items"] == ["WePROTECT Model National Response: 4 Dedicated law enforcement"]
    shown = dict(detail_rows(page.details))
    assert shown["Deadline"] == "31 Dec 2027"
    assert shown["Budget"] == "1,500,000 USD" and shown["Baseline"] == "40" and shown["Target"] == "200"
    assert shown["Made at"] == "Abu Dhabi summit, 17 Nov 2015"
    assert shown["Start date"] == "" and "Currency" not in shown
    assert page.version == 1 and page.editable and page.may_delete and page.may_view_history
    assert page.progress.empty and page.comparison["self_reported"] is None


def test_the_commitment_page_offers_only_the_progress_sources_the_actor_may_record(store: Store, partners) -> None:
    gov, hotline = partners
    cid = log(store, gov, review_state="published", visibility=Visibility.PUBLIC.value)
    assert commitment_page(store, EDITOR, cid).progress_sources == [ReportSource.SELF_REPORTED, ReportSource.VERIFIED]
    assert commitment_page(store, REVIEWER, cid).progress_sources == [ReportSource.VERIFIED]
    assert commitment_page(store, contributor(gov), cid).progress_sources == [ReportSource.SELF_REPORTED]
    other = commitment_page(store, contributor(hotline), cid)
    assert other.progress_sources == [] and not other.editable and other.last_review is None
    assert not commitment_page(store, PUBLIC, cid).may_view_history


def test_the_commitment_page_shows_recorded_progress_side_by_side(store: Store, partners) -> None:
    gov, _ = partners
    cid = log(store, gov, review_state="submitted")  # a contributor sees (and reports on) it once submitted
    records.record_progress(
        store,
        contributor(gov),
        ProgressUpdate(commitment_id=cid, report_date=date(2025, 3, 1), status="on_track"),
    )
    page = commitment_page(store, EDITOR, cid)
    assert list(page.progress.status) == ["on_track"]
    assert page.comparison["self_reported"]["label"] == "On track"


# -- history, import, backup, about ---------------------------------------------------------------------


def test_the_change_count_grows_with_every_write_and_is_the_secretariats(store: Store, partners) -> None:
    gov, _ = partners
    before = history.change_count(store, EDITOR)
    log(store, gov)
    assert history.change_count(store, EDITOR) == before + 1
    with pytest.raises(PermissionDenied):
        history.change_count(store, MEMBER)


def test_the_current_version_is_for_those_who_may_restore(store: Store, partners) -> None:
    gov, _ = partners
    assert history.current_version(store, EDITOR, "partner", gov) == 1
    history.delete_record(store, EDITOR, "partner", gov, 1)
    assert history.current_version(store, EDITOR, "partner", gov) is None
    with pytest.raises(PermissionDenied):
        history.current_version(store, REVIEWER, "partner", gov)


def test_row_counts_before_a_restore_are_for_administrators_only(store: Store, partners) -> None:
    assert backup.row_counts(store, ADMIN)["partners"] == 2
    with pytest.raises(PermissionDenied):
        backup.row_counts(store, EDITOR)


def test_everyone_is_told_what_the_demo_data_is(store: Store, demo_store: Store) -> None:
    assert setup.demo_description(store, PUBLIC) is None
    described = setup.demo_description(demo_store, PUBLIC)
    assert described is not None and "generated" in described


# -- links --------------------------------------------------------------------------------------------------


def test_in_app_links_are_relative_and_export_links_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(urls.BASE_URL_ENV, raising=False)
    assert urls.commitment_url(7) == "commitment?id=7"
    assert urls.absolute_commitment_url(7) == "http://localhost:8501/commitment?id=7"
    assert urls.absolute_commitment_url(7, "https://a.example/app/") == "https://a.example/app/commitment?id=7"
    monkeypatch.setenv(urls.BASE_URL_ENV, "https://partners.example.org")
    assert urls.absolute_commitment_url(7) == "https://partners.example.org/commitment?id=7"
