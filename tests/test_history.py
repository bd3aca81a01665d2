"""History: every create, update, delete and state change is recorded; deletes are soft and restorable;
an earlier version comes back in one action, itself recorded. Against a real DuckDB file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from partners.domain.model import (
    SYSTEM,
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressUpdate,
    Role,
)
from partners.domain.permissions import PermissionDenied
from partners.domain.scope import CommitmentFilter
from partners.services import history, read, records, workflow
from partners.services.audit import audit_entry
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError
from partners.ui.forms import plain
from snapshots import everything

EDITOR = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR, name="Sam")
ALICE = Actor(identity="alice@secretariat.example", role=Role.SECRETARIAT_EDITOR, name="Alice")
REVIEWER = Actor(identity="rey@secretariat.example", role=Role.REVIEWER)
PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC)
FOCAL_KEN = Actor(identity="amina@ke.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"KEN"}))


@pytest.fixture
def partners(store: Store) -> tuple[int, int]:
    gov = records.create_partner(
        store, EDITOR, Partner(name="Kenya Ministry of ICT", stakeholder_type="government")
    )
    hotline = records.create_partner(
        store, EDITOR, Partner(name="Uganda Hotline", stakeholder_type="hotline")
    )
    return gov, hotline


def commitment(partner_id: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {
        "title": "Train 200 investigators in victim identification",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
        "framework_items": ["MNR-2016:4"],
        "review_state": "published",
        "visibility": "public",
    }
    return Commitment(**(data | changes))


def log(store: Store, partner_id: int, **changes: Any) -> int:
    return records.log_commitment(store, EDITOR, commitment(partner_id, **changes))


def version(store: Store, entity: str, record_id: int) -> int:
    return store.get_row(entity, record_id, include_deleted=True)["version"]


def visible_everywhere(store: Store, cid: int) -> dict[str, bool]:
    """Whether a commitment shows in each view, as the secretariat sees them."""
    return {
        "list": cid in set(read.find_commitments(store, EDITOR).id),
        "public list": cid in set(read.find_commitments(store, PUBLIC).id),
        "country": cid in set(read.country_profile(store, EDITOR, "KEN")["commitments"].id),
        "framework item": cid in set(read.commitments_for_item(store, EDITOR, "MNR-2016:4").id),
        "headline": read.headline(store, EDITOR)["commitments"] == 1,
    }


# -- the history view ----------------------------------------------------------------------------


def test_every_create_update_state_change_and_delete_is_in_the_history_with_actor_time_before_after(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, hotline = partners
    cid = log(store, gov, review_state="draft")
    records.update_commitment(store, ALICE, cid, commitment(gov, review_state="draft", title="Train 300"), 1)
    workflow.transition(store, EDITOR, cid, "submitted", 2)
    history.delete_record(store, ALICE, "commitment", cid, 3)
    history.restore_deleted(store, EDITOR, "commitment", cid, 4)

    entries = history.history(store, REVIEWER, "commitment", cid)
    assert [(e["action"], e["actor"], e["what"]) for e in entries] == [
        ("create", EDITOR.identity, "Created"),
        ("update", ALICE.identity, "Edited"),
        ("submit", EDITOR.identity, "Submitted for review"),
        ("delete", ALICE.identity, "Deleted"),
        ("undelete", EDITOR.identity, "Restored after deletion"),
    ]
    assert all(isinstance(e["changed_at"], datetime) for e in entries)
    assert (
        entries[0]["before"] is None
        and entries[0]["after"]["title"] == "Train 200 investigators in victim identification"
    )
    assert ("title", "Train 200 investigators in victim identification", "Train 300") in entries[1]["changes"]
    assert [c[0] for c in entries[2]["changes"]] == ["review_state", "reason"]
    assert entries[3]["before"]["deleted_at"] is None and entries[3]["after"]["deleted_at"] is not None
    assert entries[4]["after"]["deleted_at"] is None


def test_the_history_is_refused_to_the_public_and_to_unknown_kinds_of_record(
    store: Store, partners: tuple[int, int]
) -> None:
    with pytest.raises(PermissionDenied, match="may not view the change history"):
        history.history(store, PUBLIC, "partner", partners[0])
    with pytest.raises(ValidationFailed, match="'country' is not a kind of record"):
        history.history(store, EDITOR, "country", 1)


def test_changes_lists_only_the_fields_that_differ() -> None:
    assert history.changes({"a": 1, "b": 2, "version": 1}, {"a": 1, "b": 3, "version": 2}) == [("b", 2, 3)]
    assert history.changes(None, {"a": 1}) == [("a", None, 1)]


# -- soft delete and restore -------------------------------------------------------------------------


def test_a_deleted_commitment_vanishes_from_every_view_and_comes_back_when_restored(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    assert set(visible_everywhere(store, cid).values()) == {True}
    assert history.delete_record(store, EDITOR, "commitment", cid, 1) == 2
    assert set(visible_everywhere(store, cid).values()) == {False}
    with pytest.raises(NotFound, match=f"there is no commitment {cid} that you can see"):
        read.commitment_detail(store, EDITOR, cid)
    with pytest.raises(NotFound, match=f"commitment {cid} has been deleted; the secretariat can restore it"):
        records.get_commitment(store, cid)
    assert store.get_row("commitment", cid, include_deleted=True)["title"]  # soft: still stored
    assert history.deleted_records(store, EDITOR, "commitment").id.tolist() == [cid]

    assert history.restore_deleted(store, EDITOR, "commitment", cid, 2) == 3
    assert set(visible_everywhere(store, cid).values()) == {True}
    assert history.deleted_records(store, EDITOR, "commitment").empty


def test_only_the_secretariat_editors_delete_and_restore(store: Store, partners: tuple[int, int]) -> None:
    cid = log(store, partners[0])
    before = everything(store)
    for actor in (REVIEWER, FOCAL_KEN, PUBLIC):
        with pytest.raises(PermissionDenied, match="may not delete a record"):
            history.delete_record(store, actor, "commitment", cid, 1)
    assert everything(store) == before
    history.delete_record(store, EDITOR, "commitment", cid, 1)
    before = everything(store)
    with pytest.raises(PermissionDenied, match="may not restore a deleted record"):
        history.restore_deleted(store, REVIEWER, "commitment", cid, 2)
    assert everything(store) == before


def test_deleting_twice_restoring_a_live_record_or_a_stale_version_is_refused(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    before = everything(store)
    with pytest.raises(ValidationFailed, match="This commitment is not deleted"):
        history.restore_deleted(store, EDITOR, "commitment", cid, 1)
    with pytest.raises(ConcurrentEditError, match=r"changed by sam@secretariat\.example at .*; reload"):
        history.delete_record(store, ALICE, "commitment", cid, 7)
    with pytest.raises(NotFound, match="there is no commitment with id 999"):
        history.delete_record(store, EDITOR, "commitment", 999, 1)
    assert everything(store) == before
    history.delete_record(store, EDITOR, "commitment", cid, 1)
    before = everything(store)
    with pytest.raises(ValidationFailed, match="This commitment is already deleted"):
        history.delete_record(store, EDITOR, "commitment", cid, 2)
    assert everything(store) == before


def test_a_partner_or_event_in_use_cannot_be_deleted(store: Store, partners: tuple[int, int]) -> None:
    gov, hotline = partners
    eid = records.create_event(store, EDITOR, Event(name="Summit", kind="summit", date=date(2025, 1, 1)))
    cid = log(store, gov, event_id=eid)
    before = everything(store)
    with pytest.raises(
        ValidationFailed, match=f"This partner takes part in commitment {cid}; change or delete"
    ):
        history.delete_record(store, EDITOR, "partner", gov, 1)
    with pytest.raises(ValidationFailed, match=f"This event is where these were made: commitment {cid}"):
        history.delete_record(store, EDITOR, "event", eid, 1)
    assert everything(store) == before
    history.delete_record(store, EDITOR, "partner", hotline, 1)  # takes part in nothing
    assert hotline not in set(read.find_commitments(store, EDITOR).id)
    assert store.get_row("partner", hotline) is None


def test_a_commitment_whose_partner_was_deleted_meanwhile_cannot_be_restored(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, _ = partners
    cid = log(store, gov)
    history.delete_record(store, EDITOR, "commitment", cid, 1)
    history.delete_record(store, EDITOR, "partner", gov, 1)
    before = everything(store)
    with pytest.raises(ValidationFailed, match=f"Partners: restore partner {gov} first"):
        history.restore_deleted(store, EDITOR, "commitment", cid, 2)
    assert everything(store) == before
    history.restore_deleted(store, EDITOR, "partner", gov, 2)
    history.restore_deleted(store, EDITOR, "commitment", cid, 2)
    assert cid in set(read.find_commitments(store, EDITOR).id)


def test_a_deleted_progress_update_no_longer_counts_and_comes_back_when_restored(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = log(store, partners[0])
    uid = records.record_progress(
        store, EDITOR, ProgressUpdate(commitment_id=cid, report_date=date(2025, 1, 1), status="complete")
    )
    status = lambda: read.find_commitments(store, EDITOR).set_index("id").loc[cid, "reported_status"]  # noqa: E731
    assert status() == "complete"
    history.delete_record(store, EDITOR, "progress_update", uid, 1)
    assert status() == "not_reported"
    assert history.deleted_records(store, EDITOR, "progress_update", commitment_id=cid).id.tolist() == [uid]
    history.restore_deleted(store, EDITOR, "progress_update", uid, 2)
    assert status() == "complete"


# -- restore an earlier version ------------------------------------------------------------------------


def test_restoring_an_earlier_version_brings_back_fields_and_links_in_one_recorded_action(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, hotline = partners
    cid = log(store, gov, review_state="draft")
    original = records.get_commitment(store, cid)
    changed = commitment(
        hotline, review_state="draft", title="Something else", countries=["UGA", "TZA"],
        framework_items=["GA-2012:T1"], partners=[{"partner_id": hotline, "role": "lead"},
                                                  {"partner_id": gov, "role": "co"}],
    )  # fmt: skip
    records.update_commitment(store, ALICE, cid, changed, 1)
    workflow.transition(store, EDITOR, cid, "submitted", 2)
    created = history.history(store, EDITOR, "commitment", cid)[0]

    assert history.restore_version(store, EDITOR, "commitment", cid, created["id"], 3) == 4
    now = records.get_commitment(store, cid)
    for key in ("title", "countries", "framework_items", "partners", "visibility", "smart_level"):
        assert now[key] == original[key], key
    assert now["review_state"] == "submitted"  # the workflow state stays where the workflow put it
    last = history.history(store, REVIEWER, "commitment", cid)[-1]
    assert (last["action"], last["actor"], last["what"]) == (
        "restore",
        EDITOR.identity,
        "Earlier version restored",
    )
    assert last["after"]["restored_from"] == created["id"]
    assert last["before"]["title"] == "Something else" and last["after"]["title"] == original["title"]


@pytest.mark.parametrize("entity", ["partner", "event", "progress_update", "capability_assessment"])
def test_every_kind_of_record_can_be_restored_to_an_earlier_version(
    store: Store, partners: tuple[int, int], entity: str
) -> None:
    gov, _ = partners
    if entity == "partner":
        rid, field, old = gov, "name", "Kenya Ministry of ICT"
        records.update_partner(store, EDITOR, gov, Partner(name="Renamed", stakeholder_type="government"), 1)
    elif entity == "event":
        rid = records.create_event(store, EDITOR, Event(name="Summit", kind="summit", date=date(2025, 1, 1)))
        field, old = "name", "Summit"
        records.update_event(
            store, EDITOR, rid, Event(name="Renamed", kind="summit", date=date(2025, 1, 1)), 1
        )
    elif entity == "progress_update":
        cid = log(store, gov)
        rid = records.record_progress(
            store, EDITOR, ProgressUpdate(commitment_id=cid, report_date=date(2025, 1, 1), status="stalled")
        )
        field, old = "status", "stalled"
        store.update_row("progress_update", rid, {"status": "complete"}, 1)  # a change the history holds:
        store.audit(
            audit_entry(EDITOR, "update", "progress_update", rid, after={"status": "complete"})
        )
    else:
        form = CapabilityAssessment(
            country="KEN", capability="MNR-2016:4", assessed_on=date(2025, 1, 1), phase=2
        )
        rid = records.record_assessment(store, EDITOR, form)
        field, old = "phase", 2
        store.update_row("capability_assessment", rid, {"phase": 3}, 1)
        store.audit(audit_entry(EDITOR, "update", "capability_assessment", rid, after={"phase": 3}))
    assert store.get_row(entity, rid)[field] != old
    first = history.history(store, EDITOR, entity, rid)[0]
    history.restore_version(store, EDITOR, entity, rid, first["id"], 2)
    assert store.get_row(entity, rid)[field] == old
    assert history.history(store, EDITOR, entity, rid)[-1]["action"] == "restore"


def test_restore_version_refuses_bad_requests_and_changes_nothing(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, hotline = partners
    cid = log(store, gov)
    other = log(store, hotline, title="Other")
    records.update_commitment(store, EDITOR, cid, commitment(gov, title="Edited"), 1)
    created = history.history(store, EDITOR, "commitment", cid)[0]["id"]
    of_other = history.history(store, EDITOR, "commitment", other)[0]["id"]
    before = everything(store)

    with pytest.raises(NotFound, match=f"change {of_other} is not in the history of commitment {cid}"):
        history.restore_version(store, EDITOR, "commitment", cid, of_other, 2)
    with pytest.raises(ConcurrentEditError, match="reload to see their change"):
        history.restore_version(store, EDITOR, "commitment", cid, created, 1)
    with pytest.raises(PermissionDenied, match="may not restore"):
        history.restore_version(store, REVIEWER, "commitment", cid, created, 2)
    assert everything(store) == before

    history.delete_record(store, EDITOR, "commitment", cid, 2)
    deleted_entry = history.history(store, EDITOR, "commitment", cid)[-1]["id"]
    before = everything(store)
    with pytest.raises(ValidationFailed, match="This commitment is deleted; restore it first"):
        history.restore_version(store, EDITOR, "commitment", cid, created, 3)
    with pytest.raises(ValidationFailed, match="That change deleted the record"):
        history.restore_version(store, EDITOR, "commitment", cid, deleted_entry, 3)
    assert everything(store) == before


def test_a_version_naming_a_partner_deleted_since_cannot_be_restored(
    store: Store, partners: tuple[int, int]
) -> None:
    gov, hotline = partners
    cid = log(store, hotline)
    records.update_commitment(store, EDITOR, cid, commitment(gov), 1)
    history.delete_record(store, EDITOR, "partner", hotline, 1)
    created = history.history(store, EDITOR, "commitment", cid)[0]["id"]
    before = everything(store)
    with pytest.raises(ValidationFailed, match=f"Partners: no partner with id {hotline}"):
        history.restore_version(store, EDITOR, "commitment", cid, created, 2)
    assert everything(store) == before


def test_restoring_the_version_of_a_bulk_loaded_demo_record_works(demo_store: Store) -> None:
    cid = int(read.find_commitments(demo_store, SYSTEM, CommitmentFilter(limit=1)).id.iloc[0])
    detail = records.get_commitment(demo_store, cid)
    edited = Commitment(
        **{k: detail[k] for k in Commitment.model_fields if k in detail and k not in ("id",)}
        | {"title": "Edited"}
    )
    records.update_commitment(demo_store, EDITOR, cid, edited, detail["version"])
    created = history.history(demo_store, EDITOR, "commitment", cid)[0]
    history.restore_version(demo_store, EDITOR, "commitment", cid, created["id"], detail["version"] + 1)
    assert records.get_commitment(demo_store, cid)["title"] == detail["title"]
    assert records.get_commitment(demo_store, cid)["is_demo"] is True


# -- the same through the commitment page (Streamlit's AppTest) -------------------------------------------


def test_the_commitment_page_submits_deletes_restores_and_brings_back_an_earlier_version(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    cid = int(
        demo_store.scalar(
            "SELECT min(id) FROM commitments WHERE review_state = 'draft' AND deleted_at IS NULL"
        )
    )
    title = records.get_commitment(demo_store, cid)["title"]
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("src/partners/pages/commitment.py")
    at.query_params["id"] = str(cid)
    at.run()
    assert not at.exception, at.exception

    at.button(key=f"c{cid}_move_submit").click().run()
    assert any("now submitted" in s.value for s in at.success)
    assert any("Submitted for review" in m.value for m in at.markdown)

    at.toggle(key=f"c{cid}_editing_0").set_value(True).run()
    at.text_input(key=f"c{cid}_edit0_title").set_value("A wrong title").run()
    at.button(key=f"c{cid}_edit0_save").click().run()
    assert any(h.value == "A wrong title" for h in at.header)

    first = f"c{cid}_restore_pick"
    created = min(at.selectbox(key=first).options, key=lambda o: int(o.split(":")[0].removeprefix("Change ")))
    at.selectbox(key=first).set_value(int(created.split(":")[0].removeprefix("Change "))).run()
    at.button(key=f"c{cid}_restore").click().run()
    assert not any("Restored the version" in s.value for s in at.success)  # it asks first
    assert any("Restore the version after change" in w.value for w in at.warning)
    at.button(key=f"c{cid}_restore_confirm").click().run()
    assert any("Restored the version" in s.value for s in at.success), [e.value for e in at.error]
    assert any(h.value == plain(title) for h in at.header)

    at.checkbox(key=f"c{cid}_sure").check().run()
    at.button(key=f"c{cid}_delete").click().run()
    assert any("has been deleted" in w.value for w in at.warning)
    at.button(key=f"c{cid}_undelete").click().run()
    assert any(f"Commitment {cid} restored" in s.value for s in at.success)
    at.run()
    assert any(h.value == plain(title) for h in at.header)

    check = Store.open(path)
    try:
        actions = [e["action"] for e in check.history("commitment", cid)]
    finally:
        check.db.close()
    assert actions[-5:] == ["submit", "update", "restore", "delete", "undelete"]
