"""The country scorecard as it stood at a past moment, rebuilt from the history tables (migration 008): equal
to what it showed then, untouched by later changes, as private as it was then, and the history written by
every write of the store in that write's own transaction."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from actors import ADMIN, EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC
from partners import reference
from partners.domain.model import (
    SYSTEM,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Event,
    Partner,
    ProgressUpdate,
    ReviewState,
    Visibility,
)
from partners.services import as_of, backup, history, records, scorecard, setup, workflow
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import ValidationFailed
from partners.storage import Store
from partners.storage.duckdb import history as store_history
from partners.storage.errors import ConcurrentEditError

T0 = datetime(2024, 1, 10, 9, 0)  # the records are loaded
T1 = datetime(2024, 11, 20, 15, 30)  # the scorecard is looked at (the 2024 summit's day)
T2 = datetime(2025, 2, 3, 10, 0)  # things change
T3 = datetime(2025, 6, 1, 12, 0)  # the scorecard as of T1 is asked for

PRIVATE_NOTE = "private-note-only-Kenya-sees-7431"
PRIVATE_TITLE = "Private plan only its partner sees 5519"
PEERS = {"UGA": 1, "TZA": 2, "RWA": 3, "ETH": 4}
VIEWERS = {"secretariat": EDITOR, "public": PUBLIC, "member": MEMBER, "Kenya's focal point": FOCAL_KEN,
           "Uganda's focal point": FOCAL_UGA}


def caps() -> list[str]:
    return [c.key for c in reference.mnr_capabilities()]


def rounds(code: str, phase: int, *, published: bool, day: date, note: str = "") -> list[CapabilityAssessment]:
    return [CapabilityAssessment(country=code, capability=k, assessed_on=day, phase=phase, published=published,
                                 note=note) for k in caps()]


@pytest.fixture
def timeline(store: Store) -> dict[str, Any]:
    """At T0: five member countries with published rounds (Kenya's phase 2, its newer private round phase 3
    with a note only it may see), a partner, a summit and three Kenyan commitments: a published public one
    with progress, a published private one (seen by its partner and Kenya's focal points), and one shared
    with members under embargo until T2."""
    with store.transaction(at=T0):
        partner = records.create_partner(
            store, EDITOR, Partner(name="Nairobi Safety Lab", stakeholder_type="civil_society"))
        summit = records.create_event(store, EDITOR, Event(name="Alliance Summit 2024", kind="summit",
                                                           date=date(2024, 11, 20), location="Nairobi"))
        load_dataset(store, ADMIN, Dataset(
            assessments=[*rounds("KEN", 2, published=True, day=date(2023, 5, 1)),
                         *rounds("KEN", 3, published=False, day=date(2023, 10, 1), note=PRIVATE_NOTE),
                         *(a for code, phase in PEERS.items() for a in rounds(code, phase, published=True,
                                                                           day=date(2023, 5, 1)))],
            members=dict.fromkeys(["KEN", *PEERS], date(2015, 1, 1)),
        ))

        def commit(title: str, visibility: Visibility, **more: Any) -> int:
            return records.log_commitment(store, EDITOR, Commitment(
                title=title, partners=[CommitmentPartner(partner_id=partner, role="lead")], countries=["KEN"],
                visibility=visibility, review_state=ReviewState.PUBLISHED, event_id=summit, **more))

        public = commit("Hotline for Kenya", Visibility.PUBLIC)
        private = commit(PRIVATE_TITLE, Visibility.PRIVATE)
        embargoed = commit("Members' plan", Visibility.MEMBERS, embargo_until=T2 - timedelta(days=1))
        records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=public, report_date=date(2024, 1, 5),
                                                              status="on_track", source="verified"))
    return {"partner": partner, "summit": summit, "public": public, "private": private, "embargoed": embargoed}


def version(store: Store, entity: str, rid: int) -> int:
    return int(store.get_row(entity, rid, include_deleted=True)["version"])


def kenya_assessment(store: Store, *, published: bool) -> int:
    return int(store.scalar("SELECT min(id) FROM capability_assessments WHERE country_code = 'KEN'"
                            " AND published = ?", [published]))


def change_everything(store: Store, ids: dict[str, Any]) -> None:
    """At T2: an assessment's phase edited, the private round published, an assessment deleted, a commitment
    withdrawn, the private one made public, a progress update added, Kenya's membership and a new member."""
    with store.transaction(at=T2):
        aid = kenya_assessment(store, published=True)
        row = store.get_row("capability_assessment", aid)
        records.update_assessment(store, EDITOR, aid, CapabilityAssessment(
            country="KEN", capability=row["capability_key"], assessed_on=row["assessed_on"], phase=4,
            published=True), version(store, "capability_assessment", aid))
        for pid in [int(r["id"]) for r in store.query_rows(
                "SELECT id FROM capability_assessments WHERE country_code = 'KEN' AND NOT published")]:
            r = store.get_row("capability_assessment", pid)
            records.update_assessment(store, EDITOR, pid, CapabilityAssessment(
                country="KEN", capability=r["capability_key"], assessed_on=r["assessed_on"], phase=r["phase"],
                published=True, note=r["note"]), version(store, "capability_assessment", pid))
        gone = int(store.scalar("SELECT min(id) FROM capability_assessments WHERE country_code = 'UGA'"))
        history.delete_record(store, EDITOR, "capability_assessment", gone,
                              version(store, "capability_assessment", gone))
        workflow.transition(store, EDITOR, ids["public"], ReviewState.WITHDRAWN,
                            version(store, "commitment", ids["public"]), reason="replaced")
        detail = records.get_commitment(store, ids["private"])
        records.update_commitment(store, EDITOR, ids["private"], Commitment(
            title=detail["title"], partners=[CommitmentPartner(partner_id=ids["partner"], role="lead")],
            countries=["KEN", "UGA"], visibility=Visibility.PUBLIC, review_state=ReviewState.PUBLISHED,
            event_id=ids["summit"]), version(store, "commitment", ids["private"]))
        records.record_progress(store, EDITOR, ProgressUpdate(
            commitment_id=ids["private"], report_date=date(2025, 2, 1), status="complete", source="self_reported"))
        store.set_membership("BRA", date(2025, 2, 1))


def scorecards(store: Store, *, now: datetime, as_at: Any = None) -> dict[str, Any]:
    """Every figure of Kenya's scorecard for every viewer, as plain values."""
    out: dict[str, Any] = {}
    for name, actor in VIEWERS.items():
        history_frame = scorecard.capability_history(store, actor, "KEN", caps()[0], now=now, as_of=as_at)
        out[name] = {
            "facts": scorecard.country_facts(store, actor, "KEN", now=now, as_of=as_at),
            "maturity": dataclasses.asdict(scorecard.maturity(store, actor, "KEN", now=now, as_of=as_at)),
            "rounds": scorecard.maturity_over_rounds(store, actor, "KEN", now=now, as_of=as_at),
            "history": history_frame.astype(object).where(history_frame.notna(), None).to_dict("records"),
            "figures": dataclasses.asdict(scorecard.commitment_figures(store, actor, "KEN", now=now, as_of=as_at)),
            "peers": dataclasses.asdict(scorecard.peer_context(store, actor, "KEN", now=now, as_of=as_at)),
        }
    return out


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    for viewer in expected:
        for part in expected[viewer]:
            assert got[viewer][part] == expected[viewer][part], (viewer, part)


def test_the_scorecard_as_of_a_moment_equals_the_one_shown_then(store: Store, timeline: dict[str, Any]) -> None:
    shown_then = scorecards(store, now=T1)  # the live scorecard, the clock at T1
    change_everything(store, timeline)
    now = scorecards(store, now=T3)
    for part in ("maturity", "figures", "peers", "history"):  # the changes show today...
        assert now["secretariat"][part] != shown_then["secretariat"][part], part
    assert now["public"]["facts"] == shown_then["public"]["facts"]
    assert_same(scorecards(store, now=T3, as_at=T1), shown_then)  # ... and not as of T1
    assert_same(scorecards(store, now=T3, as_at=T1.date()), shown_then)  # a date: the end of that day


def test_a_change_after_the_moment_does_not_move_its_figures(store: Store, timeline: dict[str, Any]) -> None:
    change_everything(store, timeline)
    then = scorecard.maturity(store, EDITOR, "KEN", now=T3, as_of=T1)
    first = then.capabilities[caps()[0]]
    assert first.latest.phase == 3  # the private round of October 2023, not T2's edit to phase 4
    figures = scorecard.commitment_figures(store, EDITOR, "KEN", now=T3, as_of=T1)
    today = scorecard.commitment_figures(store, EDITOR, "KEN", now=T3)
    # as of T1: the public and the private one; the members' one under embargo still. Today: the public one
    # withdrawn (left out), the embargo lifted.
    assert (figures.counted, figures.left_out, today.counted, today.left_out) == (2, 1, 2, 1)
    assert figures.verified.commitments == 1 and today.verified.commitments == 0  # its verified report
    assert today.self_reported.commitments == 1 and figures.self_reported.commitments == 0  # reported at T2
    uganda = scorecard.commitment_figures(store, EDITOR, "UGA", now=T3, as_of=T1)
    assert uganda.counted == 0  # Uganda was added to the commitment at T2
    assert scorecard.country_facts(store, PUBLIC, "BRA", as_of=T1)["member"] is False
    assert scorecard.country_facts(store, PUBLIC, "BRA")["member"] is True


def test_the_as_of_view_keeps_what_was_private_then_private(store: Store, timeline: dict[str, Any]) -> None:
    change_everything(store, timeline)  # the private round and the private commitment are public now
    for name in ("public", "member", "Uganda's focal point"):
        actor = VIEWERS[name]
        seen = repr(scorecards(store, now=T3, as_at=T1)[name])
        assert PRIVATE_NOTE not in seen and PRIVATE_TITLE not in seen, name
        maturity = scorecard.maturity(store, actor, "KEN", now=T3, as_of=T1)
        assert not maturity.includes_private and maturity.capabilities[caps()[0]].latest.phase == 2, name
        figures = scorecard.commitment_figures(store, actor, "KEN", now=T3, as_of=T1)
        assert figures.counted == 1, name  # the public one: the private one was private, the embargo on
        assert PRIVATE_NOTE in repr(scorecards(store, now=T3)[name]), name  # published since: seen today
    kenya = scorecard.maturity(store, FOCAL_KEN, "KEN", now=T3, as_of=T1)
    assert kenya.includes_private and kenya.capabilities[caps()[0]].latest.phase == 3
    assert scorecard.commitment_figures(store, FOCAL_KEN, "KEN", now=T3, as_of=T1).counted == 2  # not the embargoed


def test_a_moment_still_to_come_is_refused_in_words(store: Store, timeline: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed, match="still to come"):
        scorecard.maturity(store, PUBLIC, "KEN", now=T1, as_of=T1 + timedelta(minutes=1))
    with pytest.raises(ValidationFailed, match="still to come"):
        scorecard.commitment_figures(store, PUBLIC, "KEN", as_of=date.today() + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="not a date"):
        as_of.parse("20/11/2024")
    assert as_of.moment(date.today()) is None  # today: the live scorecard
    assert as_of.parse("2024-11-20") == date(2024, 11, 20)


def test_a_summit_gives_the_date_the_scorecard_is_shown_as_at(store: Store, timeline: dict[str, Any]) -> None:
    assert as_of.occasion_date(store, PUBLIC, timeline["summit"]) == date(2024, 11, 20)
    assert [(o.name, o.on) for o in as_of.occasions(store, PUBLIC)] == [("Alliance Summit 2024", date(2024, 11, 20))]
    later = records.create_event(store, EDITOR, Event(name="Summit to come", kind="summit",
                                                      date=date.today() + timedelta(days=30)))
    assert later not in [o.event_id for o in as_of.occasions(store, PUBLIC)]  # not held yet


# -- the history is written with every write, in its transaction ------------------------------------------


def versions(store: Store, table: str, where: str = "true", params: Any = ()) -> list[dict[str, Any]]:
    return store.query_rows(
        f"SELECT * FROM {table}_history WHERE {where} ORDER BY valid_from, valid_to NULLS LAST", params  # noqa: S608
    )


def test_every_write_path_writes_its_versions(store: Store, timeline: dict[str, Any]) -> None:
    aid = kenya_assessment(store, published=True)
    [v] = versions(store, "capability_assessments", "id = ?", [aid])
    assert v["valid_from"] == T0 and v["valid_to"] is None and v["phase"] == 2
    change_everything(store, timeline)
    old, new = versions(store, "capability_assessments", "id = ?", [aid])
    assert (old["phase"], old["valid_to"], new["phase"], new["valid_from"], new["valid_to"]) == (2, T2, 4, T2, None)
    # soft delete and restore (update_row), at their moments
    gone = int(store.scalar("SELECT min(id) FROM capability_assessments WHERE country_code = 'UGA'"))
    assert versions(store, "capability_assessments", "id = ? AND valid_to IS NULL", [gone])[0]["deleted_at"] == T2
    with store.transaction(at=T3):
        history.restore_deleted(store, EDITOR, "capability_assessment", gone,
                                version(store, "capability_assessment", gone))
    assert versions(store, "capability_assessments", "id = ?", [gone])[-1]["deleted_at"] is None
    # links (replace_links): Uganda added at T2, Kenya's link kept as it was
    links = versions(store, "commitment_countries", "commitment_id = ?", [timeline["private"]])
    assert [(r["country_code"], r["valid_from"], r["valid_to"]) for r in links] == [
        ("KEN", T0, None), ("UGA", T2, None)]
    # progress (insert_row), membership (set_membership), a country's facts (upsert_country)
    assert len(versions(store, "progress_updates", "commitment_id = ?", [timeline["private"]])) == 1
    assert [(r["member"], r["valid_to"]) for r in versions(store, "countries", "code = 'BRA'")] == [
        (False, T2), (True, None)]
    # a bulk load: each row from when it was made
    assert {r["valid_from"] for r in versions(store, "capability_assessments", "country_code = 'TZA'")} == {T0}


def test_a_failed_write_leaves_no_version(store: Store, timeline: dict[str, Any]) -> None:
    aid = kenya_assessment(store, published=True)
    before = store.query_rows("SELECT * FROM capability_assessments_history ORDER BY ALL")
    with pytest.raises(ConcurrentEditError):  # someone saved in between: refused, nothing written
        store.update_row("capability_assessment", aid, {"phase": 1}, version(store, "capability_assessment", aid) + 5)
    with pytest.raises(RuntimeError), store.transaction(at=T2):  # a write whose transaction fails later
        store.update_row("capability_assessment", aid, {"phase": 1}, version(store, "capability_assessment", aid))
        assert versions(store, "capability_assessments", "id = ? AND valid_to IS NULL", [aid])[0]["phase"] == 1
        raise RuntimeError("the rest of the use case failed")
    assert store.query_rows("SELECT * FROM capability_assessments_history ORDER BY ALL") == before


def test_removing_the_demo_closes_its_versions(store: Store, timeline: dict[str, Any]) -> None:
    store.bulk_insert("partners", [{"name": "Demo hotline", "stakeholder_type": "hotline", "is_demo": True,
                                    "id": store.next_ids("partner_ids", 1)[0]}])
    with store.transaction(at=datetime.now()) as _:
        at = store.now()
        store.delete_demo_records(reset_membership=False)
    [demo] = versions(store, "partners", "is_demo")
    assert demo["valid_to"] == at
    assert all(r["valid_to"] is None for r in versions(store, "partners", "NOT is_demo"))


# -- backup and restore, migration --------------------------------------------------------------------------


def test_a_restored_backup_keeps_its_history(store: Store, timeline: dict[str, Any]) -> None:
    shown_then = scorecards(store, now=T1)
    change_everything(store, timeline)
    made = backup.create_backup(store, ADMIN)
    assert "capability_assessments_history" in {t.name for t in made.manifest.tables}
    kept = {t: store.query_rows(f"SELECT * FROM {t} ORDER BY ALL") for t in store_history.HISTORY_TABLES}  # noqa: S608
    with store.transaction(at=datetime.now()):  # a change after the backup, undone by the restore
        records.record_assessment(store, EDITOR, CapabilityAssessment(
            country="KEN", capability=caps()[0], assessed_on=date(2025, 5, 1), phase=1, published=True))
    backup.restore_backup(store, ADMIN, made.data)
    for table, rows in kept.items():
        assert store.query_rows(f"SELECT * FROM {table} ORDER BY ALL") == rows, table  # noqa: S608
    assert_same(scorecards(store, now=T3, as_at=T1), shown_then)


def test_the_migration_backfills_the_history_of_a_database_made_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partners.storage.duckdb import database
    from partners.storage.duckdb.store import DuckDBStore

    path = tmp_path / "before-008.duckdb"
    every = database.migrations()
    monkeypatch.setattr(database, "migrations", lambda: [m for m in every if m[0] < 8])
    old = DuckDBStore.open(path)
    try:
        assert old.schema_version() == 7
        setup.load_reference(old, SYSTEM)
        cur = old.cur
        cur.execute("UPDATE countries SET member = true, member_since = DATE '2019-06-01' WHERE code = 'KEN'")
        for phase, made, deleted in ((2, "2023-05-02 10:00", None), (3, "2023-10-02 10:00", "2024-12-01 09:00")):
            cur.execute("INSERT INTO capability_assessments (country_code, capability_key, assessed_on, phase,"
                        " source, published, created_at, deleted_at) VALUES ('KEN', ?, DATE '2023-05-01', ?,"
                        " 'verified', true, ?, ?)", [caps()[0], phase, made, deleted])
    finally:
        old.close()
    monkeypatch.setattr(database, "migrations", lambda: every)
    store = DuckDBStore.open(path)
    try:
        assert store.schema_version() == len(every) >= 8
        columns = [r["column_name"] for r in store.query_rows(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'capability_assessments_history'")]
        live = [r["column_name"] for r in store.query_rows(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'capability_assessments'")]
        assert columns == [*live, "valid_from", "valid_to"]  # whatever columns migration 007 gave it
        rows = versions(store, "capability_assessments")
        assert [(r["phase"], r["deleted_at"], r["valid_from"], r["valid_to"]) for r in rows] == [
            (2, None, datetime(2023, 5, 2, 10), None),
            (3, None, datetime(2023, 10, 2, 10), datetime(2024, 12, 1, 9)),
            (3, datetime(2024, 12, 1, 9), datetime(2024, 12, 1, 9), None),
        ]
        assert [(r["member"], r["valid_to"]) for r in versions(store, "countries", "code = 'KEN'")] == [
            (False, datetime(2019, 6, 1)), (True, None)]
        scope = dataclasses.replace(scope_all(), as_of=datetime(2024, 6, 1))
        assert sorted(store.assessments(scope, "KEN").phase) == [2, 3]  # the deleted one was live then
        assert sorted(store.assessments(scope_all(), "KEN").phase) == [2]
        assert store.country("KEN", as_of=datetime(2018, 1, 1))["member"] is False
    finally:
        store.close()


def scope_all():
    from partners.domain.scope import ViewScope

    return ViewScope(everything=True, assessments_all=True)


def test_history_tables_follow_a_column_a_later_migration_adds(store: Store) -> None:
    store.cur.execute("ALTER TABLE progress_updates ADD COLUMN later_note VARCHAR")
    store_history.follow_columns(store.cur)
    columns = [r["column_name"] for r in store.query_rows(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'progress_updates_history'")]
    assert columns[-1] == "later_note"
    assert pd.isna(store.scalar("SELECT max(later_note) FROM progress_updates_history"))


def test_a_round_that_was_a_draft_then_stays_out_of_the_private_scorecard_as_of_then(store: Store) -> None:
    """Rounds have history too (migration 009): a round saved as a draft at T1 and submitted at T2 counts in
    the focal point's scorecard from T2 on, and not in the scorecard as of T1."""
    from partners.services import rounds as grid

    with store.transaction(at=T0):
        store.set_memberships({"KEN": date(2015, 1, 1)})
    with store.transaction(at=T1):
        rid = grid.save_round(store, FOCAL_KEN, "KEN", date(2024, 11, 1), [grid.GridRow(k, 3) for k in caps()])
    with store.transaction(at=T2):
        grid.submit_round(store, FOCAL_KEN, rid, version(store, "assessment_round", rid))

    def seen(**when: Any) -> set[int]:
        found = scorecard.maturity(store, FOCAL_KEN, "KEN", **when).capabilities.values()
        return {p.latest.phase for p in found if p.latest}

    assert seen(now=T3) == {3}
    assert seen(now=T3, as_of=T2 + timedelta(minutes=1)) == {3}
    assert seen(now=T3, as_of=T1 + timedelta(minutes=1)) == set()  # a draft then: counted for no one
    statuses = [r["status"] for r in versions(store, "assessment_rounds")]
    assert statuses == ["draft", "submitted"]
