"""The strict embargo and withdrawn commitments, through every read service, for every role.

An embargoed commitment is seen only by the secretariat (admin, secretariat editor, reviewer) and the
contributors of its own partners until its time: not by the public, members, the focal points of its
countries or other partners' contributors, in no list, page, count, chart, map, export or country view.
Once the time passes (an as-of view later than the embargo), it is seen like any published record.
A withdrawn commitment is seen only by the secretariat and its own partners' contributors, marked withdrawn,
and never counted in a headline figure or breakdown, for anyone.

Each read is compared with the same read once the commitment is (soft-)deleted: for those who may not see
it, nothing at all differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from actors import ADMIN, EDITOR, FOCAL_KEN, MEMBER, PUBLIC, REVIEWER, contributor
from partners.domain.model import Actor, Commitment, ReviewState, Visibility
from partners.domain.permissions import PermissionDenied
from partners.presentation import exports
from partners.services import history, read, records, workflow, worklist
from partners.services.commitment_page import commitment_page
from partners.services.errors import NotFound
from partners.storage import Store

NOW = datetime.now().replace(microsecond=0)
EMBARGO_UNTIL = NOW + timedelta(days=10)
LATER = EMBARGO_UNTIL + timedelta(minutes=1)  # an as-of view after the embargo lifted

BREAKDOWNS = ("stakeholder_type", "region", "year", "status", "framework")


@dataclass(frozen=True)
class World:
    own: int  # the partner that made the commitments under test (Kenya's ministry)
    other: int  # another partner (Uganda's hotline)
    embargoed: int
    withdrawn: int


def _log(store: Store, partner: int, country: str, title: str, **kw: Any) -> int:
    data: dict[str, Any] = {
        "title": title,
        "partners": [{"partner_id": partner, "role": "lead"}],
        "countries": [country],
        "framework_items": ["MNR-2016:4"],
        "visibility": Visibility.PUBLIC,
        "review_state": ReviewState.PUBLISHED,
        "deadline": date(2030, 12, 31),
    }
    return records.log_commitment(store, EDITOR, Commitment(**(data | kw)))


@pytest.fixture
def world(store: Store, partners: tuple[int, int]) -> World:
    own, other = partners
    # Published public background commitments in three countries, so no public aggregate is suppressed.
    _log(store, own, "KEN", "Kenya hotline opens")
    _log(store, other, "UGA", "Uganda hotline extends its hours")
    _log(store, other, "TZA", "Tanzania trains prosecutors")
    embargoed = _log(store, own, "KEN", "Embargoed until the summit", embargo_until=EMBARGO_UNTIL)
    withdrawn = _log(store, own, "KEN", "Withdrawn pledge")
    version = int(store.get_row("commitment", withdrawn)["version"])
    workflow.transition(store, EDITOR, withdrawn, ReviewState.WITHDRAWN, version, reason="partner withdrew it")
    return World(own=own, other=other, embargoed=embargoed, withdrawn=withdrawn)


def _roles(w: World) -> dict[str, Actor]:
    return {
        "public": PUBLIC,
        "member": MEMBER,
        "focal point KEN": FOCAL_KEN,
        "contributor of its partner": contributor(w.own),
        "contributor of another partner": contributor(w.other),
        "reviewer": REVIEWER,
        "editor": EDITOR,
        "admin": ADMIN,
    }


SEES_EMBARGOED = {"contributor of its partner", "reviewer", "editor", "admin"}
SEES_WITHDRAWN = SEES_EMBARGOED


def _records(frame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


def _page(store: Store, actor: Actor, cid: int, now: datetime) -> str | None:
    """The review state the commitment page shows, or None when the actor may not see the commitment."""
    try:
        return commitment_page(store, actor, cid, now=now).review_state.value
    except NotFound:
        return None


def every_read(store: Store, actor: Actor, now: datetime, cid: int) -> dict[str, Any]:
    """What each read service shows this actor at ``now`` (lists, page, figures, charts, map, exports...)."""
    found = read.find_commitments(store, actor, now=now)
    out: dict[str, Any] = {
        "list": sorted(found.id.tolist()),
        "list review states": dict(zip(found.id.tolist(), found.review_state.tolist(), strict=True)),
        "page": _page(store, actor, cid, now),
        "may see": read.may_see(store, actor, cid, now=now),
        "headline": read.headline(store, actor, now=now),
        "map": _records(read.commitments_per_country(store, actor, now=now)),
        "framework counts": _records(read.framework_items_with_counts(store, actor, "MNR-2016", now=now)),
        "framework item list": sorted(read.commitments_for_item(store, actor, "MNR-2016:4", now=now).id.tolist()),
        "country view": sorted(read.country_profile(store, actor, "KEN", now=now)["commitments"].id.tolist()),
        "CSV export": exports.to_csv(found),
    }
    for by in BREAKDOWNS:
        out[f"breakdown by {by}"] = _records(read.breakdown(store, actor, by, now=now))
    try:
        items = worklist.build_worklist(store, actor, embargo_days=30, now=now).items
        out["worklist"] = sorted({i.commitment_id for i in items})
    except PermissionDenied:
        out["worklist"] = "refused"
    try:
        out["history"] = len(read.history(store, actor, "commitment", cid))
    except PermissionDenied:
        out["history"] = "refused"
    return out


def _delete(store: Store, cid: int) -> None:
    history.delete_record(store, EDITOR, "commitment", cid, int(store.get_row("commitment", cid)["version"]))


def test_an_embargo_hides_a_commitment_from_all_but_the_secretariat_and_its_own_partners(
    store: Store, world: World
) -> None:
    roles = _roles(world)
    cid = world.embargoed
    with_it = {name: every_read(store, actor, NOW, cid) for name, actor in roles.items()}
    _delete(store, cid)
    without = {name: every_read(store, actor, NOW, cid) for name, actor in roles.items()}

    for name, shown in with_it.items():
        if name in SEES_EMBARGOED:
            assert cid in shown["list"], name
            assert shown["page"] == "published" and shown["may see"], name
            assert shown["headline"]["commitments"] == without[name]["headline"]["commitments"] + 1, name
            assert cid in shown["framework item list"] and cid in shown["country view"], name
            assert b"Embargoed until the summit" in shown["CSV export"], name
            continue
        assert shown["page"] is None and not shown["may see"], name
        differing = [k for k in shown if k not in ("history",) and shown[k] != without[name][k]]
        assert differing == [], f"{name} can tell the embargoed commitment is there, through {differing}"
        assert b"Embargoed until the summit" not in shown["CSV export"], name
    # The secretariat also finds it in the worklist (its embargo ends within 30 days) and in the history.
    for name in ("reviewer", "editor", "admin"):
        assert cid in with_it[name]["worklist"] and with_it[name]["history"] >= 1, name
    for name in set(roles) - {"reviewer", "editor", "admin"}:
        assert with_it[name]["worklist"] == "refused" and with_it[name]["history"] == "refused", name


def test_once_the_embargo_time_passes_everyone_sees_it_like_any_published_record(
    store: Store, world: World
) -> None:
    cid = world.embargoed
    for name, actor in _roles(world).items():
        shown = every_read(store, actor, LATER, cid)
        assert cid in shown["list"] and shown["page"] == "published" and shown["may see"], name
        assert cid in shown["country view"] and cid in shown["framework item list"], name
        assert b"Embargoed until the summit" in shown["CSV export"], name
        # Before the time it was hidden from these; the as-of view decides, not the clock of the test.
        before = every_read(store, actor, NOW, cid)
        if name not in SEES_EMBARGOED:
            assert cid not in before["list"] and before["page"] is None, name
            assert shown["headline"]["commitments"] == before["headline"]["commitments"] + 1, name


def test_a_focal_point_does_not_see_an_embargoed_private_commitment_of_their_own_country(
    store: Store, world: World
) -> None:
    private = _log(store, world.own, "KEN", "Private, embargoed", visibility=Visibility.PRIVATE,
                   review_state=ReviewState.SUBMITTED, embargo_until=EMBARGO_UNTIL)
    assert not read.may_see(store, FOCAL_KEN, private, now=NOW)
    assert private not in set(read.country_profile(store, FOCAL_KEN, "KEN", now=NOW)["commitments"].id)
    # After the embargo, a submitted private commitment of their country is theirs to see.
    assert read.may_see(store, FOCAL_KEN, private, now=LATER)
    assert read.may_see(store, contributor(world.own), private, now=NOW)


def test_a_withdrawn_commitment_is_seen_marked_withdrawn_by_the_secretariat_and_its_own_partners_only(
    store: Store, world: World
) -> None:
    roles = _roles(world)
    cid = world.withdrawn
    with_it = {name: every_read(store, actor, LATER, cid) for name, actor in roles.items()}
    _delete(store, cid)
    without = {name: every_read(store, actor, LATER, cid) for name, actor in roles.items()}

    for name, shown in with_it.items():
        counts = [k for k in shown if k.startswith("breakdown") or k in ("headline", "map", "framework counts")]
        for k in counts:  # never counted, even by those who see it
            assert shown[k] == without[name][k], f"{name}: the withdrawn commitment is counted in {k}"
        if name in SEES_WITHDRAWN:
            assert shown["list review states"][cid] == "withdrawn", name
            assert shown["page"] == "withdrawn" and shown["may see"], name
            assert b"Withdrawn pledge" in shown["CSV export"], name
            continue
        assert cid not in shown["list"] and shown["page"] is None and not shown["may see"], name
        differing = [k for k in shown if k != "history" and shown[k] != without[name][k]]
        assert differing == [], f"{name} can tell the withdrawn commitment is there, through {differing}"
    for name in ("reviewer", "editor", "admin"):
        assert cid not in with_it[name]["worklist"], name  # never chased
