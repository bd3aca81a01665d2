"""Frozen snapshots of the public dashboard (services.snapshots), on real DuckDB files: a snapshot is the public
view whoever freezes it, keeps its figures (not a query) so later edits do not change it, is never replaced,
refuses a bad name in words with nothing stored, survives a backup and a restore, and goes with the demo."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from actors import ADMIN, EDITOR, MEMBER, PUBLIC
from partners.domain.dashboard import DashboardFilter
from partners.domain.model import PUBLIC_VIEWER, Commitment, CommitmentPartner, PartnerRole, ReviewState, Visibility
from partners.domain.permissions import PermissionDenied
from partners.services import backup, dashboard, records, setup, snapshots
from partners.services.errors import NotFound, ValidationFailed
from partners.storage import open_store
from partners.storage.port import Store
from publishing import HIDDEN, seeded_copy
from snapshots import everything


def _public_commitment(store: Store, title: str = "A pledge made during the summit") -> int:
    partner = int(store.partners().id.iloc[0])
    return records.log_commitment(store, EDITOR, Commitment(
        title=title, countries=["KEN"], review_state=ReviewState.PUBLISHED, visibility=Visibility.PUBLIC,
        partners=[CommitmentPartner(partner_id=partner, role=PartnerRole.LEAD)]))  # fmt: skip


def _same(a: dashboard.DashboardFigures, b: dashboard.DashboardFigures) -> None:
    assert a.headline == b.headline
    assert a.definitions == b.definitions
    assert a.public == b.public and a.demo == b.demo
    for name in ("countries", "coverage", "targets"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_dtype=False, obj=name)
    assert set(a.breakdowns) == set(b.breakdowns)
    for by in a.breakdowns:
        pd.testing.assert_frame_equal(a.breakdowns[by], b.breakdowns[by], check_dtype=False, obj=by)


def test_a_snapshot_keeps_the_public_dashboard_whoever_freezes_it(demo_store: Store) -> None:
    frozen = snapshots.freeze(demo_store, EDITOR, "Summit 2026 opening")
    public = dashboard.figures(demo_store, PUBLIC_VIEWER, now=frozen.data_as_of)
    own = dashboard.headline(demo_store, EDITOR, now=frozen.data_as_of)
    opened = snapshots.opened(demo_store, PUBLIC, "summit-2026-opening")
    assert opened.figures is not None and opened.figures.public
    _same(opened.figures, public)
    assert opened.figures.headline["commitments"] < own["commitments"], "the secretariat's drafts stayed out"
    assert opened.since is not None and opened.since.public
    assert opened.name == "Summit 2026 opening" and opened.view == ""


def test_no_hidden_record_reaches_a_snapshot(demo_db_path, tmp_path) -> None:
    seeded = seeded_copy(demo_db_path, tmp_path)
    store = open_store(seeded.db)
    try:
        flt = DashboardFilter(stakeholder_types=("hotline",))  # the seeded partners' type
        frozen = snapshots.freeze(store, ADMIN, "Hotlines", flt, view="type=hotline")
        row = store.snapshot(frozen.slug)
        assert row is not None
        for title in HIDDEN:
            assert title not in row["figures"]
        kept = snapshots.opened(store, ADMIN, frozen.slug).figures
        assert kept is not None
        assert kept.headline == dashboard.headline(store, PUBLIC_VIEWER, flt, now=frozen.data_as_of)
        albania = kept.countries.set_index("code").loc["ALB", "commitments"]
        live_public = dashboard.countries(store, PUBLIC_VIEWER, flt).set_index("code").loc["ALB", "commitments"]
        live_admin = dashboard.countries(store, ADMIN, flt).set_index("code").loc["ALB", "commitments"]
        assert albania == live_public and live_admin >= albania + len(HIDDEN) - 1  # the embargoed one included
    finally:
        store.close()


def test_edits_after_freezing_do_not_change_the_snapshot(demo_store: Store) -> None:
    frozen = snapshots.freeze(demo_store, EDITOR, "Before the pledges")
    before = snapshots.opened(demo_store, PUBLIC, frozen.slug)
    _public_commitment(demo_store)
    live = dashboard.headline(demo_store, PUBLIC_VIEWER)
    assert live["commitments"] == before.figures.headline["commitments"] + 1
    after = snapshots.opened(demo_store, PUBLIC, frozen.slug)
    _same(after.figures, before.figures)
    assert after.since == before.since
    assert after.data_as_of == frozen.data_as_of


@pytest.mark.parametrize(("name", "words"), [
    ("", "Give the snapshot a name"),
    ("   ", "Give the snapshot a name"),
    ("x" * 81, "keep it to 80"),
    ("!!!", "at least one letter or digit"),
])  # fmt: skip
def test_a_bad_name_is_refused_in_words_and_nothing_is_kept(demo_store: Store, name: str, words: str) -> None:
    before = everything(demo_store)
    with pytest.raises(ValidationFailed) as refused:
        snapshots.freeze(demo_store, EDITOR, name)
    assert words in str(refused.value)
    assert everything(demo_store) == before


def test_a_snapshot_is_never_replaced(demo_store: Store) -> None:
    first = snapshots.freeze(demo_store, EDITOR, "Opening plenary")
    _public_commitment(demo_store)
    before = everything(demo_store)
    with pytest.raises(ValidationFailed) as refused:
        snapshots.freeze(demo_store, ADMIN, "  OPENING   plenary! ")
    assert "exists already" in str(refused.value)
    assert everything(demo_store) == before
    assert snapshots.opened(demo_store, PUBLIC, first.slug).figures.headline == first.figures.headline


def test_only_the_secretariat_freezes_and_anyone_lists_and_opens(demo_store: Store) -> None:
    for actor in (PUBLIC, MEMBER):
        with pytest.raises(PermissionDenied):
            snapshots.freeze(demo_store, actor, "Not mine")
    snapshots.freeze(demo_store, EDITOR, "Day one")
    snapshots.freeze(demo_store, EDITOR, "Day two", now=datetime.now() + timedelta(seconds=1))
    listed = snapshots.listing(demo_store, PUBLIC)
    assert [s.name for s in listed] == ["Day two", "Day one"]  # newest first
    assert all(s.figures is None and s.frozen_by == "" for s in listed), "the public is not told who froze it"
    assert snapshots.listing(demo_store, EDITOR)[0].frozen_by == EDITOR.display
    entry = demo_store.history("snapshot", "day-one")
    assert entry and entry[0]["action"] == "freeze"


def test_an_unknown_snapshot_says_so(demo_store: Store) -> None:
    with pytest.raises(NotFound) as missing:
        snapshots.opened(demo_store, PUBLIC, "no-such-thing")
    assert "no snapshot 'no-such-thing'" in str(missing.value)


def test_a_snapshot_survives_a_backup_and_a_restore(demo_store: Store, tmp_path) -> None:
    frozen = snapshots.freeze(demo_store, EDITOR, "Kept safe")
    made = backup.create_backup(demo_store, ADMIN)
    fresh = open_store(tmp_path / "fresh.duckdb")
    try:
        backup.restore_backup(fresh, ADMIN, made.data)
        again = snapshots.opened(fresh, PUBLIC, frozen.slug)
        _same(again.figures, frozen.figures)
        assert again.since == frozen.since
        snapshots.freeze(fresh, EDITOR, "After the restore")  # the id sequence moved past the restored rows
        assert [s.slug for s in snapshots.listing(fresh, PUBLIC)][-1] == frozen.slug
    finally:
        fresh.close()


def test_a_snapshot_of_demo_data_goes_with_the_demo(demo_store: Store) -> None:
    frozen = snapshots.freeze(demo_store, EDITOR, "Demo day")
    assert frozen.is_demo
    setup.remove_demo(demo_store, ADMIN)
    assert snapshots.listing(demo_store, PUBLIC) == []


def test_a_snapshot_of_a_past_day_keeps_the_dashboard_as_it_stood_then(demo_store: Store) -> None:
    _public_commitment(demo_store, "Made after the day frozen")
    day = (datetime.now() - timedelta(days=400)).date()
    frozen = snapshots.freeze(demo_store, EDITOR, "A year ago", as_of=day, view=f"as_of={day.isoformat()}")
    then = dashboard.figures(demo_store, PUBLIC_VIEWER, as_of=day)
    _same(snapshots.opened(demo_store, PUBLIC, frozen.slug).figures, then)
    assert frozen.data_as_of.date() == day
    assert frozen.since is not None and frozen.since.end.day == day
