"""The Overview's figures as of a past moment (``as_of``), rebuilt from the history tables: equal to what the
dashboard showed at that moment, untouched by later changes, and as private as they were then (the public's
figures leave out what was private or under embargo then, and hold back what covered fewer than 3 countries)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from tests.test_as_of import T1, T2, T3, VIEWERS, change_everything
from tests.test_as_of import timeline as timeline  # noqa: PLC0414 - the scorecard's timeline (a fixture)

from actors import EDITOR, MEMBER, PUBLIC
from partners.domain.dashboard import EVERYTHING, DashboardFilter
from partners.domain.model import Commitment, CommitmentPartner, Partner, ProgressUpdate, ReviewState, Visibility
from partners.services import dashboard, records
from partners.services.errors import ValidationFailed
from partners.storage import Store

HOTLINES = DashboardFilter(stakeholder_types=("hotline",))
CIVIL_SOCIETY = DashboardFilter(stakeholder_types=("civil_society",))  # the Kenyan commitments only


@pytest.fixture
def world(store: Store, timeline: dict[str, Any]) -> dict[str, Any]:
    """The scorecard's timeline (three Kenyan commitments of a civil society partner: public, private, under
    embargo for members until the day before T2) and, before T1, a public global commitment of a hotline,
    linked to an MNR capability and a Global Alliance target, reported on track."""
    with store.transaction(at=T1 - timedelta(days=30)):
        hotline = records.create_partner(store, EDITOR, Partner(name="Global Hotline", stakeholder_type="hotline"))
        worldwide = records.log_commitment(store, EDITOR, Commitment(
            title="Hotlines everywhere", partners=[CommitmentPartner(partner_id=hotline, role="lead")],
            is_global=True, framework_items=["MNR-2016:1", "GA-2012:T1"], visibility=Visibility.PUBLIC,
            review_state=ReviewState.PUBLISHED))
        records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=worldwide, report_date=date(2024, 10, 1),
                                                              status="on_track", source="self_reported"))
    return timeline | {"global": worldwide}


def later_changes(store: Store, ids: dict[str, Any]) -> None:
    """At T2 the scorecard's changes (a commitment withdrawn, the private one made public with Uganda and
    reported complete, an embargo lifted, a new member) and the global commitment reported complete."""
    change_everything(store, ids)
    with store.transaction(at=T2 + timedelta(hours=1)):
        records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=ids["global"], report_date=date(2025, 2, 1),
                                                              status="complete", source="verified"),
                                reason="checked with the hotline's own records")


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def figures(store: Store, actor: Any, flt: DashboardFilter = EVERYTHING, **when: Any) -> dict[str, Any]:
    """Every figure of the Overview for ``actor``, as plain values."""
    return {
        "headline": dashboard.headline(store, actor, flt, **when),
        **{f"by {by}": rows(dashboard.breakdown(store, actor, by, flt, **when)) for by in dashboard.BREAKDOWNS},
        "countries": rows(dashboard.countries(store, actor, flt, **when)),
        "coverage": rows(dashboard.coverage_matrix(store, actor, flt, **when)),
        "targets": rows(dashboard.target_progress(store, actor, flt, **when)),
    }


def every_view(store: Store, **when: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(name, label): figures(store, actor, flt, **when) for name, actor in VIEWERS.items()
            for label, flt in (("all", DashboardFilter()), ("hotlines", HOTLINES), ("civil society", CIVIL_SOCIETY))}


def test_the_dashboard_as_of_a_moment_equals_the_one_shown_then(store: Store, world: dict[str, Any]) -> None:
    shown_then = every_view(store, now=T1)  # the live dashboard, the clock at T1
    later_changes(store, world)
    today = every_view(store, now=T3)
    for part in ("headline", "by status", "by region", "countries", "targets"):  # the changes show today...
        assert today[("secretariat", "all")][part] != shown_then[("secretariat", "all")][part], part
    for as_at in (T1, T1.date()):  # ... and not as of T1, nor as of the end of its day
        again = every_view(store, now=T3, as_of=as_at)
        for view, expected in shown_then.items():
            for part, value in expected.items():
                assert again[view][part] == value, (view, part, as_at)


def test_a_change_after_the_moment_does_not_move_its_figures(store: Store, world: dict[str, Any]) -> None:
    later_changes(store, world)
    then = dashboard.headline(store, EDITOR, now=T3, as_of=T1)
    now = dashboard.headline(store, EDITOR, now=T3)
    # as of T1: four commitments, none complete, the verified report of the public one; today the public one
    # withdrawn (left out), the private one and the global one complete
    assert (then["commitments"], then["complete"], then["verified"]) == (4, 0, 1)
    assert (now["commitments"], now["complete"], now["complete_verified"]) == (3, 2, 1)
    assert (then["countries"], now["countries"]) == (1, 2)  # Uganda added at T2
    by_status = dashboard.breakdown(store, EDITOR, "status", now=T3, as_of=T1).set_index("key")["commitments"]
    assert by_status.to_dict() == {"not_reported": 2, "on_track": 2}
    uganda = dashboard.countries(store, EDITOR, now=T3, as_of=T1).set_index("code").loc["UGA"]
    assert uganda["commitments"] == 0
    targets = dashboard.target_progress(store, EDITOR, now=T3, as_of=T1)
    assert targets.loc[targets["commitments"] > 0, "status"].tolist() == ["on_track"]


def test_the_public_view_as_of_a_moment_shows_only_what_the_public_saw_then(
    store: Store, world: dict[str, Any]
) -> None:
    later_changes(store, world)  # the private commitment is public now, the members' embargo lifted
    public_then = dashboard.headline(store, PUBLIC, now=T3, as_of=T1)
    assert public_then["commitments"] == 2  # the public Kenyan one and the global one: not the private one
    assert public_then["countries"] == 1 and dashboard.headline(store, PUBLIC, now=T3)["countries"] == 2
    assert dashboard.headline(store, MEMBER, now=T3, as_of=T1)["commitments"] == 2  # under embargo then
    assert dashboard.headline(store, MEMBER, now=T3)["commitments"] == 3
    assert dashboard.headline(store, EDITOR, now=T3, as_of=T1)["commitments"] == 4
    # Kenya's commitments alone cover one country: held back for the public then, shown to the secretariat
    held = dashboard.headline(store, PUBLIC, CIVIL_SOCIETY, now=T3, as_of=T1)
    assert held["held_back"] and held["commitments"] is None
    assert dashboard.headline(store, EDITOR, CIVIL_SOCIETY, now=T3, as_of=T1)["commitments"] == 3
    by_type = dashboard.breakdown(store, PUBLIC, "stakeholder_type", now=T3, as_of=T1).set_index("key")
    assert bool(by_type.loc["civil_society", "held_back"]) and not bool(by_type.loc["hotline", "held_back"])


def test_a_moment_still_to_come_is_refused_in_words(store: Store, world: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed, match="still to come"):
        dashboard.headline(store, PUBLIC, as_of=date.today() + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="still to come"):
        dashboard.breakdown(store, PUBLIC, "status", now=T1, as_of=T1 + timedelta(minutes=1))
    assert dashboard.headline(store, PUBLIC, as_of=date.today()) == dashboard.headline(store, PUBLIC)
    assert dashboard.headline(store, EDITOR, as_of=datetime(2000, 1, 1))["commitments"] == 0  # before any record
