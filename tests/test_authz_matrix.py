"""The authorisation matrix at the service level: every role x every use case, in scope and out of scope;
then every bulk path and every read service, each role x in and out of scope.

``EXPECTED`` is the policy as one grid a person can review (it must equal ``authz.PERMISSIONS``). For each
cell the test performs the use case through its service function, as an actor of that role, on a record
inside the actor's scope (Kenya; the actor's own partner) and on one outside it (the United Kingdom;
another partner). Allowed actions succeed (and writes leave an audit entry); refused writes raise
PermissionDenied saying who was refused what, refused reads hide the record, and neither changes a thing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from partners.domain.model import (
    SYSTEM,
    Actor,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Event,
    EventKind,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    Role,
    StakeholderType,
    Visibility,
)
from partners.domain.permissions import PERMISSIONS, PermissionDenied, Scope, UseCase
from partners.services import (
    backup,
    commitment_page,
    frameworks,
    gaps,
    history,
    importing,
    lookups,
    read,
    records,
    rounds,
    settings,
    setup,
    snapshots,
    users,
    workflow,
    worklist,
)
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import NotFound
from partners.storage.duckdb.store import DuckDBStore as Store

ALL, OWN, NO = "all", "own", "-"  # allowed everywhere; in the actor's own scope only; refused
ROLES = (
    Role.ADMIN, Role.SECRETARIAT_EDITOR, Role.REVIEWER, Role.COUNTRY_FOCAL_POINT,
    Role.PARTNER_CONTRIBUTOR, Role.MEMBER_VIEWER, Role.PUBLIC,
)  # fmt: skip

# fmt: off
EXPECTED: dict[UseCase, tuple[str, ...]] = {
    # adm admin, edit secretariat editor, rev reviewer, fp country focal point, pc partner contributor,
    # mem member viewer, pub public
    #                                adm  edit rev  fp   pc   mem  pub
    UseCase.VIEW_PUBLIC:            (ALL, ALL, ALL, ALL, ALL, ALL, ALL),
    UseCase.VIEW_MEMBERS:           (ALL, ALL, ALL, ALL, ALL, ALL, NO),
    UseCase.VIEW_PRIVATE:           (ALL, ALL, ALL, OWN, OWN, NO , NO),
    UseCase.VIEW_ASSESSMENTS:       (ALL, ALL, ALL, OWN, NO , NO , NO),
    UseCase.LOG_COMMITMENT:         (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.EDIT_COMMITMENT:        (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.SUBMIT_COMMITMENT:      (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.VERIFY_COMMITMENT:      (ALL, ALL, ALL, NO , NO , NO , NO),
    UseCase.PUBLISH_COMMITMENT:     (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.WITHDRAW_COMMITMENT:    (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.RECORD_PROGRESS:        (ALL, ALL, NO , NO , OWN, NO , NO),
    UseCase.VERIFY_PROGRESS:        (ALL, ALL, ALL, NO , NO , NO , NO),
    UseCase.MANAGE_PARTNERS:        (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.MANAGE_EVENTS:          (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.RECORD_ASSESSMENT:      (ALL, ALL, NO , OWN, NO , NO , NO),
    UseCase.PUBLISH_ASSESSMENT:     (ALL, ALL, NO , OWN, NO , NO , NO),
    UseCase.VERIFY_ASSESSMENT:      (ALL, ALL, ALL, NO , NO , NO , NO),
    UseCase.VIEW_HISTORY:           (ALL, ALL, ALL, NO , NO , NO , NO),
    UseCase.DELETE_RECORD:          (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.RESTORE_RECORD:         (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.SUGGEST_COMMITMENT:     (ALL, ALL, NO , OWN, NO , NO , NO),
    UseCase.FREEZE_SNAPSHOT:        (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.VIEW_WORKLIST:          (ALL, ALL, ALL, NO , NO , NO , NO),
    UseCase.RECORD_REMINDERS:       (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.BACKUP_DATABASE:        (ALL, ALL, NO , NO , NO , NO , NO),
    UseCase.BACKUP_RESTORE:         (ALL, NO , NO , NO , NO , NO , NO),
    UseCase.MANAGE_SETTINGS:        (ALL, NO , NO , NO , NO , NO , NO),
    UseCase.MANAGE_REFERENCE:       (ALL, NO , NO , NO , NO , NO , NO),
    UseCase.MANAGE_DEMO:            (ALL, NO , NO , NO , NO , NO , NO),
    UseCase.MANAGE_USERS:           (ALL, NO , NO , NO , NO , NO , NO),
}
# fmt: on

#: Use cases that only read: refused, they hide the record instead of raising PermissionDenied.
READS = {
    UseCase.VIEW_PUBLIC, UseCase.VIEW_MEMBERS, UseCase.VIEW_PRIVATE, UseCase.VIEW_ASSESSMENTS,
}  # fmt: skip
#: Reads that are refused outright (they are not filtered views): no audit entry when allowed either.
CHECKED_READS = {UseCase.VIEW_HISTORY, UseCase.VIEW_WORKLIST}


class Hidden(LookupError):
    """A read that succeeded but did not show the record: how a view refuses."""


# -- the world: a database with one record of each kind inside the scope and one outside -------------

SIDES = ("in", "out")
COUNTRY = {"in": "KEN", "out": "GBR"}
ITEM = "MNR-2016:7"  # linked only to the private submitted commitment of each side


@dataclass(frozen=True)
class World:
    partner: dict[str, int]
    draft: dict[str, int]
    submitted: dict[str, int]
    verified: dict[str, int]
    live_progress: dict[str, int]
    deleted_progress: dict[str, int]
    assessment: dict[str, int]
    members_only: int
    public: int
    archive: bytes
    round: dict[str, int]  # a submitted assessment round of each side's country

    def actor(self, role: Role) -> Actor:
        return Actor(
            identity=f"{role.value}@matrix.example",
            role=role,
            countries=frozenset({COUNTRY["in"]}) if role is Role.COUNTRY_FOCAL_POINT else frozenset(),
            partners=frozenset({self.partner["in"]}) if role is Role.PARTNER_CONTRIBUTOR else frozenset(),
        )


def _commitment(partner_id: int, country: str, state: ReviewState, visibility=Visibility.PRIVATE, **kw):
    return Commitment(
        title=kw.pop("title", f"{state.value} commitment for {country}"),
        partners=[CommitmentPartner(partner_id=partner_id, role=PartnerRole.LEAD)],
        countries=[country],
        visibility=visibility,
        review_state=state,
        **kw,
    )


def _progress(commitment_id: int, source=ReportSource.SELF_REPORTED) -> ProgressUpdate:
    return ProgressUpdate(
        commitment_id=commitment_id, report_date=date.today(), status=ProgressStatus.ON_TRACK, source=source
    )


def _version(store: Store, table: str, record_id: int) -> int:
    assert table in ("commitments", "progress_updates")
    return int(store.scalar(f"SELECT version FROM {table} WHERE id = ?", [record_id]))  # noqa: S608


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("matrix") / "matrix.duckdb"
    s = Store.open(path)
    setup.load_reference(s, SYSTEM)
    kinds = ("partner", "draft", "submitted", "verified", "live", "deleted", "assess")
    ids: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for side in SIDES:
        country = COUNTRY[side]
        partner = Partner(name=f"Partner {side}", stakeholder_type=StakeholderType.HOTLINE,
                          hq_country=country)
        pid = records.create_partner(s, SYSTEM, partner)
        ids["partner"][side] = pid
        for state, key in ((ReviewState.DRAFT, "draft"), (ReviewState.SUBMITTED, "submitted"),
                           (ReviewState.VERIFIED, "verified")):
            items = [ITEM] if key == "submitted" else []  # the read matrix finds it by its framework item
            ids[key][side] = records.log_commitment(
                s, SYSTEM, _commitment(pid, country, state, framework_items=items)
            )
        ids["live"][side] = records.record_progress(s, SYSTEM, _progress(ids["submitted"][side]))
        gone = records.record_progress(s, SYSTEM, _progress(ids["submitted"][side]))
        history.delete_record(s, SYSTEM, "progress_update", gone, _version(s, "progress_updates", gone))
        ids["deleted"][side] = gone
        assessment = CapabilityAssessment(
            country=country, capability="MNR-2016:4", assessed_on=date(2025, 1, 1), phase=2
        )
        ids["assess"][side] = records.record_assessment(s, SYSTEM, assessment)
        ids.setdefault("round", {})[side] = rounds.save_round(
            s, SYSTEM, country, date(2025, 2, 1), [rounds.GridRow("MNR-2016:6", 3)], submit=True)
    members_only = records.log_commitment(
        s, SYSTEM, _commitment(ids["partner"]["out"], "GBR", ReviewState.PUBLISHED, Visibility.MEMBERS)
    )
    public = records.log_commitment(
        s, SYSTEM, _commitment(ids["partner"]["out"], "GBR", ReviewState.PUBLISHED, Visibility.PUBLIC)
    )
    records.create_partner(s, SYSTEM, Partner(name="Demo partner", stakeholder_type=StakeholderType.ACADEMIA,
                                              is_demo=True))
    users.add_user(s, SYSTEM, "boss@matrix.example", Role.ADMIN)
    archive = backup.create_backup(s, SYSTEM).data
    s.db.close()
    return path, World(ids["partner"], ids["draft"], ids["submitted"], ids["verified"], ids["live"],
                       ids["deleted"], ids["assess"], members_only, public, archive, ids["round"])


@pytest.fixture
def world(world_db: tuple[Path, World], tmp_path: Path) -> Iterator[tuple[Store, World]]:
    """A private copy of the matrix database for one cell."""
    template, w = world_db
    copy = tmp_path / "cell.duckdb"
    shutil.copy(template, copy)
    s = Store.open(copy)
    yield s, w
    s.db.close()


@pytest.fixture(scope="module")
def read_world(world_db: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, World]]:
    """One copy of the matrix database shared by the reads (each read asserts it changed nothing)."""
    template, w = world_db
    copy = tmp_path_factory.mktemp("matrix-reads") / "reads.duckdb"
    shutil.copy(template, copy)
    s = Store.open(copy)
    yield s, w
    s.db.close()


def fingerprint(store: Store) -> dict[str, tuple[int, int]]:
    """Every table's row count and a hash of all its rows: equal fingerprints mean nothing changed."""
    tables = [r[0] for r in store.cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary"
    ).fetchall()]
    return {
        t: tuple(store.cur.execute(
            f'SELECT count(*), coalesce(sum(hash(r)), 0) FROM "{t}" AS r'  # noqa: S608 (catalog names)
        ).fetchone())
        for t in sorted(tables)
    }


# -- one action per use case: perform it on the record inside (``in``) or outside (``out``) the scope --

Action = Callable[[Store, Actor, World, str], object]


def _see_commitment(commitment_id: int) -> Action:
    return lambda s, a, w, side: read.commitment_detail(s, a, commitment_id)


def _see_private(s: Store, a: Actor, w: World, side: str) -> None:
    read.commitment_detail(s, a, w.submitted[side])


def _see_assessment(s: Store, a: Actor, w: World, side: str) -> None:
    shown = read.country_profile(s, a, COUNTRY[side])["assessments"]
    if w.assessment[side] not in set(shown.id.tolist()):
        raise Hidden(f"assessment {w.assessment[side]} is not shown")


def _log(s: Store, a: Actor, w: World, side: str) -> None:
    records.log_commitment(s, a, _commitment(w.partner[side], COUNTRY[side], ReviewState.DRAFT, title="New"))


def _edit(s: Store, a: Actor, w: World, side: str) -> None:
    cid = w.submitted[side]
    changed = _commitment(w.partner[side], COUNTRY[side], ReviewState.SUBMITTED, title="Edited title")
    records.update_commitment(s, a, cid, changed, _version(s, "commitments", cid))


def _move(key: str, target: ReviewState) -> Action:
    def act(s: Store, a: Actor, w: World, side: str) -> None:
        cid = getattr(w, key)[side]
        workflow.transition(s, a, cid, target, _version(s, "commitments", cid), reason="matrix test")

    return act


def _report(source: ReportSource) -> Action:
    def act(s: Store, a: Actor, w: World, side: str) -> None:
        records.record_progress(s, a, _progress(w.submitted[side], source), reason="checked with the partner")

    return act


def _assess(published: bool) -> Action:
    def act(s: Store, a: Actor, w: World, side: str) -> None:
        records.record_assessment(s, a, CapabilityAssessment(
            country=COUNTRY[side], capability="MNR-2016:5", assessed_on=date(2025, 6, 1), phase=3,
            published=published,
        ))  # fmt: skip

    return act


def _verify_round(s: Store, a: Actor, w: World, side: str) -> None:
    rounds.verify_round(s, a, w.round[side])


def _delete(s: Store, a: Actor, w: World, side: str) -> None:
    pid = w.live_progress[side]
    history.delete_record(s, a, "progress_update", pid, _version(s, "progress_updates", pid))


def _restore(s: Store, a: Actor, w: World, side: str) -> None:
    pid = w.deleted_progress[side]
    history.restore_deleted(s, a, "progress_update", pid, _version(s, "progress_updates", pid))


ACTIONS: dict[UseCase, Action] = {
    UseCase.VIEW_PUBLIC: lambda s, a, w, side: read.commitment_detail(s, a, w.public),
    UseCase.VIEW_MEMBERS: lambda s, a, w, side: read.commitment_detail(s, a, w.members_only),
    UseCase.VIEW_PRIVATE: _see_private,
    UseCase.VIEW_ASSESSMENTS: _see_assessment,
    UseCase.LOG_COMMITMENT: _log,
    UseCase.EDIT_COMMITMENT: _edit,
    UseCase.SUBMIT_COMMITMENT: _move("draft", ReviewState.SUBMITTED),
    UseCase.VERIFY_COMMITMENT: _move("submitted", ReviewState.VERIFIED),
    UseCase.PUBLISH_COMMITMENT: _move("verified", ReviewState.PUBLISHED),
    UseCase.WITHDRAW_COMMITMENT: _move("submitted", ReviewState.WITHDRAWN),
    UseCase.RECORD_PROGRESS: _report(ReportSource.SELF_REPORTED),
    UseCase.VERIFY_PROGRESS: _report(ReportSource.VERIFIED),
    UseCase.MANAGE_PARTNERS: lambda s, a, w, side: records.create_partner(
        s, a, Partner(name="Another partner", stakeholder_type=StakeholderType.REGULATOR)),
    UseCase.MANAGE_EVENTS: lambda s, a, w, side: records.create_event(
        s, a, Event(name="Another summit", kind=EventKind.SUMMIT, date=date(2025, 11, 1))),
    UseCase.RECORD_ASSESSMENT: _assess(published=False),
    UseCase.PUBLISH_ASSESSMENT: _assess(published=True),
    UseCase.VERIFY_ASSESSMENT: _verify_round,
    UseCase.VIEW_HISTORY: lambda s, a, w, side: history.history(s, a, "commitment", w.submitted[side]),
    UseCase.DELETE_RECORD: _delete,
    UseCase.RESTORE_RECORD: _restore,
    UseCase.VIEW_WORKLIST: lambda s, a, w, side: worklist.build_worklist(s, a),
    UseCase.RECORD_REMINDERS: lambda s, a, w, side: worklist.record_reminders(
        s, a, [worklist.Reminder(w.partner[side], f"Partner {side}", (), "")], "eml"),
    UseCase.BACKUP_DATABASE: lambda s, a, w, side: backup.create_backup(s, a),
    UseCase.BACKUP_RESTORE: lambda s, a, w, side: backup.restore_backup(s, a, w.archive),
    UseCase.MANAGE_SETTINGS: lambda s, a, w, side: settings.set_reporting_cycle(s, a, 6),
    UseCase.MANAGE_REFERENCE: lambda s, a, w, side: setup.load_reference(s, a),
    UseCase.MANAGE_DEMO: lambda s, a, w, side: setup.remove_demo(s, a),
    UseCase.MANAGE_USERS: lambda s, a, w, side: users.add_user(s, a, f"new-{side}@matrix.example", "admin"),
    UseCase.SUGGEST_COMMITMENT: lambda s, a, w, side: gaps.suggest_commitment(
        s, a, COUNTRY[side], "MNR-2016:1", "AD-2015:C1", partner_id=w.partner[side]),
    UseCase.FREEZE_SNAPSHOT: lambda s, a, w, side: snapshots.freeze(s, a, f"Matrix {side}"),
}


# -- the tests ---------------------------------------------------------------------------------------


def test_the_grid_covers_every_use_case_and_every_role() -> None:
    assert set(EXPECTED) == set(UseCase), "add the new use case to EXPECTED (and to ACTIONS)"
    assert set(ACTIONS) == set(UseCase), "give the new use case an action performing it through its service"
    assert set(ROLES) == set(Role)


def test_the_grid_is_the_permission_table() -> None:
    for use_case, row in EXPECTED.items():
        for role, cell in zip(ROLES, row, strict=True):
            granted = PERMISSIONS.get(role, {}).get(use_case)
            want = {ALL: Scope.ALL, NO: None}.get(cell, OWN)
            if want == OWN:
                assert granted in (Scope.OWN_COUNTRIES, Scope.OWN_PARTNERS), (role, use_case, granted)
            else:
                assert granted is want, (role, use_case, granted)


CELLS = [
    pytest.param(role, use_case, side, id=f"{role.value}-{use_case.name.lower()}-{side}")
    for use_case in EXPECTED
    for role in ROLES
    for side in SIDES
]


@pytest.mark.parametrize(("role", "use_case", "side"), CELLS)
def test_service_allows_exactly_what_the_table_grants(
    world: tuple[Store, World], role: Role, use_case: UseCase, side: str
) -> None:
    store, w = world
    actor = w.actor(role)
    cell = EXPECTED[use_case][ROLES.index(role)]
    allowed = cell == ALL or (cell == OWN and side == "in")
    before = fingerprint(store)

    if allowed:
        ACTIONS[use_case](store, actor, w, side)
        if use_case not in READS | CHECKED_READS:
            entries = store.scalar("SELECT count(*) FROM audit_log WHERE actor = ?", [actor.identity])
            assert entries > 0, f"{use_case.value}: no audit entry"
        return

    refusal = (NotFound, Hidden) if use_case in READS else PermissionDenied
    with pytest.raises(refusal) as refused:
        ACTIONS[use_case](store, actor, w, side)
    if refusal is PermissionDenied:
        message = str(refused.value)
        assert message.startswith(f"{actor.display} ({role.label}) may"), message
    assert fingerprint(store) == before, "a refused action changed the database"


def test_the_public_sees_only_published_non_embargoed_public_records_and_their_figures(
    world: tuple[Store, World],
) -> None:
    store, w = world
    partner, now = w.partner["in"], datetime.now()
    under_embargo = records.log_commitment(store, SYSTEM, _commitment(
        partner, "KEN", ReviewState.PUBLISHED, Visibility.PUBLIC, embargo_until=now + timedelta(days=30),
    ))  # fmt: skip
    embargo_over = records.log_commitment(store, SYSTEM, _commitment(
        partner, "KEN", ReviewState.PUBLISHED, Visibility.PUBLIC, embargo_until=now - timedelta(days=1),
    ))  # fmt: skip
    public = w.actor(Role.PUBLIC)

    seen = set(read.find_commitments(store, public).id.tolist())
    assert seen == {w.public, embargo_over}
    assert under_embargo in set(read.find_commitments(store, SYSTEM).id.tolist())
    assert read.headline(store, public)["commitments"] == 2
    assert read.breakdown(store, public, "region").commitments.sum() == 2  # one in Europe, one in Africa
    assert read.country_profile(store, public, "KEN")["assessments"].empty  # Kenya's are unpublished


# -- the bulk paths: each row of a bulk load is authorised as its one-record service authorises it -------
#
# One row of each kind, inside or outside the actor's scope; the expectation is the one-record grid's.

Rows = Callable[[World, str], Dataset]

BULK: dict[UseCase, Rows] = {
    UseCase.MANAGE_PARTNERS: lambda w, side: Dataset(partners=[
        Partner(id=1, name="Bulk partner", stakeholder_type=StakeholderType.REGULATOR, hq_country=COUNTRY[side])]),
    UseCase.MANAGE_EVENTS: lambda w, side: Dataset(events=[
        Event(id=1, name="Bulk summit", kind=EventKind.SUMMIT, date=date(2025, 11, 1), country=COUNTRY[side])]),
    UseCase.LOG_COMMITMENT: lambda w, side: Dataset(commitments=[
        _commitment(w.partner[side], COUNTRY[side], ReviewState.DRAFT, id=1, title="Bulk commitment")]),
    UseCase.RECORD_PROGRESS: lambda w, side: Dataset(progress=[_progress(w.submitted[side])]),
    UseCase.VERIFY_PROGRESS: lambda w, side: Dataset(progress=[_progress(w.submitted[side], ReportSource.VERIFIED)]),
    UseCase.RECORD_ASSESSMENT: lambda w, side: Dataset(assessments=[CapabilityAssessment(
        country=COUNTRY[side], capability="MNR-2016:5", assessed_on=date(2025, 6, 1), phase=3)]),
    UseCase.PUBLISH_ASSESSMENT: lambda w, side: Dataset(assessments=[CapabilityAssessment(
        country=COUNTRY[side], capability="MNR-2016:5", assessed_on=date(2025, 6, 1), phase=3, published=True)]),
    UseCase.MANAGE_REFERENCE: lambda w, side: Dataset(members={COUNTRY[side]: date(2020, 1, 1)}),
}  # fmt: skip

BULK_CELLS = [
    pytest.param(role, use_case, side, id=f"bulk-{role.value}-{use_case.name.lower()}-{side}")
    for use_case in BULK
    for role in ROLES
    for side in SIDES
]


def _allowed(role: Role, use_case: UseCase, side: str) -> bool:
    cell = EXPECTED[use_case][ROLES.index(role)]
    return cell == ALL or (cell == OWN and side == "in")


@pytest.mark.parametrize(("role", "use_case", "side"), BULK_CELLS)
def test_a_bulk_load_allows_exactly_what_the_one_record_path_allows(
    world: tuple[Store, World], role: Role, use_case: UseCase, side: str
) -> None:
    store, w = world
    actor = w.actor(role)
    before = fingerprint(store)
    if _allowed(role, use_case, side):
        load_dataset(store, actor, BULK[use_case](w, side))
        assert store.scalar("SELECT count(*) FROM audit_log WHERE actor = ?", [actor.identity]) > 0
        return
    with pytest.raises(PermissionDenied) as refused:
        load_dataset(store, actor, BULK[use_case](w, side))
    message = str(refused.value)
    assert message.startswith(f"{actor.display} ({role.label}) may not load 1 of these records"), message
    assert fingerprint(store) == before, "a refused bulk load changed the database"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_the_other_bulk_paths_ask_their_use_case_first(world: tuple[Store, World], role: Role) -> None:
    """The spreadsheet import (LOG_COMMITMENT, then its rows through the same checks) and the demo loader
    (MANAGE_DEMO; never into real records)."""
    store, w = world
    actor = w.actor(role)
    before = fingerprint(store)
    if _allowed(role, UseCase.LOG_COMMITMENT, "in"):
        report = importing.run_import(store, actor, b"not a spreadsheet", "pledges.xlsx")
        assert not report.committed and report.file_problems
    else:
        with pytest.raises(PermissionDenied):
            importing.run_import(store, actor, b"not a spreadsheet", "pledges.xlsx")
    demo_refusal = setup.DemoRefused if _allowed(role, UseCase.MANAGE_DEMO, "in") else PermissionDenied
    with pytest.raises(demo_refusal):
        setup.load_demo(store, actor, Dataset(), description="matrix")
    assert fingerprint(store) == before


# -- the read side: each role x each read service x in and out of scope ------------------------------
#
# A *filtered* read never refuses: it shows the private submitted commitment (or the unpublished
# assessment) of the side exactly when the grid grants VIEW_PRIVATE (VIEW_ASSESSMENTS) there, and hides it
# otherwise (NotFound for one record, absent from a list). A *checked* read is refused outright
# (PermissionDenied) unless the grid grants its use case.

Shows = Callable[[Store, Actor, World, str], bool]


def _ids(frame) -> set[int]:
    return set(frame.id.tolist()) if len(frame) else set()


def _one(show: Callable[[Store, Actor, int], object]) -> Shows:
    """A read of one commitment: shown when it answers, hidden when it says NotFound."""
    def shows(s: Store, a: Actor, w: World, side: str) -> bool:
        try:
            show(s, a, w.submitted[side])
        except NotFound:
            return False
        return True

    return shows


FILTERED: dict[str, tuple[UseCase, Shows]] = {
    "read.find_commitments": (UseCase.VIEW_PRIVATE,
        lambda s, a, w, side: w.submitted[side] in _ids(read.find_commitments(s, a))),
    "read.commitment_detail": (UseCase.VIEW_PRIVATE, _one(lambda s, a, cid: read.commitment_detail(s, a, cid))),
    "commitment_page": (UseCase.VIEW_PRIVATE, _one(lambda s, a, cid: commitment_page.commitment_page(s, a, cid))),
    "workflow.progress_updates": (UseCase.VIEW_PRIVATE,
        _one(lambda s, a, cid: workflow.progress_updates(s, a, cid))),
    "workflow.status_comparison": (UseCase.VIEW_PRIVATE,
        _one(lambda s, a, cid: workflow.status_comparison(s, a, cid))),
    "read.country_profile commitments": (UseCase.VIEW_PRIVATE,
        lambda s, a, w, side: w.submitted[side] in _ids(read.country_profile(s, a, COUNTRY[side])["commitments"])),
    "read.commitments_for_item": (UseCase.VIEW_PRIVATE,
        lambda s, a, w, side: w.submitted[side] in _ids(read.commitments_for_item(s, a, ITEM))),
    "read.country_profile assessments": (UseCase.VIEW_ASSESSMENTS,
        lambda s, a, w, side: w.assessment[side] in _ids(read.country_profile(s, a, COUNTRY[side])["assessments"])),
}  # fmt: skip

CHECKED: dict[str, tuple[UseCase, Action]] = {
    "read.history": (UseCase.VIEW_HISTORY, lambda s, a, w, side: read.history(s, a, "commitment", w.draft[side])),
    "history.history": (UseCase.VIEW_HISTORY,
        lambda s, a, w, side: history.history(s, a, "commitment", w.draft[side])),
    "history.deleted_records": (UseCase.VIEW_HISTORY,
        lambda s, a, w, side: history.deleted_records(s, a, "progress_update", commitment_id=w.submitted[side])),
    "history.change_count": (UseCase.VIEW_HISTORY, lambda s, a, w, side: history.change_count(s, a)),
    "history.readable_history": (UseCase.VIEW_HISTORY,
        lambda s, a, w, side: history.readable_history(s, a, "commitment", w.draft[side])),
    "history.restore_preview": (UseCase.RESTORE_RECORD,
        lambda s, a, w, side: history.restore_preview(
            s, a, "commitment", w.draft[side], s.history("commitment", w.draft[side])[0]["id"])),
    "workflow.last_state_change": (UseCase.VIEW_HISTORY,
        lambda s, a, w, side: workflow.last_state_change(s, a, w.submitted[side])),
    "worklist.build_worklist": (UseCase.VIEW_WORKLIST, lambda s, a, w, side: worklist.build_worklist(s, a)),
    "backup.create_backup (download)": (UseCase.BACKUP_DATABASE, lambda s, a, w, side: backup.create_backup(s, a)),
    "backup.row_counts": (UseCase.BACKUP_RESTORE, lambda s, a, w, side: backup.row_counts(s, a)),
    "backup.check_archive": (UseCase.BACKUP_RESTORE, lambda s, a, w, side: backup.check_archive(s, a, w.archive)),
    "users.list_users": (UseCase.MANAGE_USERS, lambda s, a, w, side: users.list_users(s, a)),
    "users.get_user": (UseCase.MANAGE_USERS, lambda s, a, w, side: users.get_user(s, a, "boss@matrix.example")),
    "records.get_record partner": (UseCase.MANAGE_PARTNERS,
        lambda s, a, w, side: records.get_record(s, a, "partner", w.partner[side])),
    "records.get_record assessment": (UseCase.RECORD_ASSESSMENT,
        lambda s, a, w, side: records.get_record(s, a, "capability_assessment", w.assessment[side])),
    "importing.template_xlsx": (UseCase.LOG_COMMITMENT, lambda s, a, w, side: importing.template_xlsx(s, a)),
    "settings.reporting_cycle": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: settings.reporting_cycle(s, a)),
    "read.headline": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: read.headline(s, a)),
    "read.breakdown": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: read.breakdown(s, a, "region")),
    "read.commitments_per_country": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: read.commitments_per_country(s, a)),
    "read.headline_definitions": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: read.headline_definitions(s, a)),
    "lookups.countries": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.countries(s, a)),
    "lookups.partners": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.partners(s, a)),
    "lookups.events": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.events(s, a)),
    "lookups.frameworks": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.frameworks(s, a)),
    "lookups.framework_items": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.framework_items(s, a)),
    "lookups.maturity_phases": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: lookups.maturity_phases(s, a)),
    "frameworks.picker_items": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: frameworks.picker_items(s, a)),
    "frameworks.capability_labels": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: frameworks.capability_labels(s, a)),
    "setup.demo_description": (UseCase.VIEW_PUBLIC, lambda s, a, w, side: setup.demo_description(s, a)),
}  # fmt: skip

#: Checked reads that record themselves in the history (a backup download is audited).
AUDITED_READS = {"backup.create_backup (download)"}


@pytest.mark.parametrize(
    ("role", "service", "side"),
    [pytest.param(role, name, side, id=f"{name}-{role.value}-{side}")
     for name in FILTERED for role in ROLES for side in SIDES],
)  # fmt: skip
def test_a_filtered_read_shows_a_private_record_exactly_where_the_grid_grants_it(
    read_world: tuple[Store, World], role: Role, service: str, side: str
) -> None:
    store, w = read_world
    use_case, shows = FILTERED[service]
    before = fingerprint(store)
    assert shows(store, w.actor(role), w, side) is _allowed(role, use_case, side)
    assert fingerprint(store) == before, "a read changed the database"


@pytest.mark.parametrize(
    ("role", "service", "side"),
    [pytest.param(role, name, side, id=f"{name}-{role.value}-{side}")
     for name in CHECKED for role in ROLES for side in SIDES],
)  # fmt: skip
def test_a_checked_read_is_refused_exactly_where_the_grid_refuses_it(
    request: pytest.FixtureRequest, read_world: tuple[Store, World], role: Role, service: str, side: str
) -> None:
    store, w = request.getfixturevalue("world") if service in AUDITED_READS else read_world
    use_case, act = CHECKED[service]
    actor = w.actor(role)
    before = fingerprint(store)
    if _allowed(role, use_case, side):
        act(store, actor, w, side)
        if service not in AUDITED_READS:
            assert fingerprint(store) == before, "a read changed the database"
        return
    with pytest.raises(PermissionDenied) as refused:
        act(store, actor, w, side)
    assert str(refused.value).startswith(f"{actor.display} ({role.label}) may"), refused.value
    assert fingerprint(store) == before


def test_framework_item_counts_count_only_the_private_commitments_the_actor_may_see(
    world: tuple[Store, World],
) -> None:
    store, w = world
    for role in ROLES:
        counts = read.framework_items_with_counts(store, w.actor(role), "MNR-2016")
        counted = int(counts.loc[counts.key == ITEM, "commitments"].iloc[0])
        assert counted == sum(_allowed(role, UseCase.VIEW_PRIVATE, side) for side in SIDES), role
