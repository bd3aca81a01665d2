"""No lost updates: threads editing the same commitments at once, each with its own database cursor (as
Streamlit sessions do). Every conflict is reported as "changed by …; reload to see their change", never
a silent overwrite, and a retry loop loses no update."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from partners.domain.model import SYSTEM, Actor, Commitment, Partner, Role
from partners.services import history, records, setup, workflow
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError

EDITORS = [Actor(identity=f"editor{i}@secretariat.example", role=Role.SECRETARIAT_EDITOR) for i in range(6)]
REVIEWERS = [Actor(identity=f"reviewer{i}@secretariat.example", role=Role.REVIEWER) for i in range(4)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "partners.duckdb"
    s = Store.open(path)
    setup.load_reference(s, SYSTEM)
    yield s
    s.db.close()


@pytest.fixture
def partner(store: Store) -> int:
    return records.create_partner(
        store, EDITORS[0], Partner(name="Kenya Ministry of ICT", stakeholder_type="government")
    )


def form(partner_id: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {
        "title": "Train 200 investigators",
        "partners": [{"partner_id": partner_id, "role": "lead"}],
        "countries": ["KEN"],
    }
    return Commitment(**(data | changes))


def run_together(work: Callable[[int], Any], n: int) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads; each result is the return value or the exception raised."""
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_of_several_editors_saving_the_same_version_exactly_one_wins_each_round(
    store: Store, partner: int
) -> None:
    cid = records.log_commitment(store, EDITORS[0], form(partner))
    n, rounds = len(EDITORS), 4
    for r in range(rounds):
        loaded = records.get_commitment(store, cid)["version"]
        barrier = threading.Barrier(n)

        def save(i: int, loaded: int = loaded, barrier: threading.Barrier = barrier, r: int = r) -> int:
            barrier.wait()  # everyone has loaded the same version before anyone saves
            return records.update_commitment(
                store, EDITORS[i], cid, form(partner, title=f"round {r} by {i}"), loaded
            )

        results = run_together(save, n)
        wins = [i for i, res in enumerate(results) if isinstance(res, int)]
        conflicts = [res for res in results if isinstance(res, ConcurrentEditError)]
        assert len(wins) == 1, results
        assert len(conflicts) == n - 1, results  # every other outcome is a reported conflict
        assert all("reload to see their change" in str(c) for c in conflicts)
        stored = records.get_commitment(store, cid)
        assert (stored["title"], stored["version"]) == (f"round {r} by {wins[0]}", loaded + 1)
        last = store.history("commitment", cid)[-1]
        assert (last["actor"], last["after"]["title"]) == (EDITORS[wins[0]].identity, stored["title"])
    assert [e["action"] for e in store.history("commitment", cid)] == ["create"] + ["update"] * rounds


def test_a_conflict_found_after_the_winner_committed_names_the_winner_and_the_time(
    store: Store, partner: int
) -> None:
    cid = records.log_commitment(store, EDITORS[0], form(partner))
    records.update_commitment(store, EDITORS[1], cid, form(partner, title="first"), 1)
    results = run_together(
        lambda i: records.update_commitment(store, EDITORS[2], cid, form(partner, title="second"), 1), 1
    )
    assert isinstance(results[0], ConcurrentEditError)
    assert str(results[0]).startswith(f"this commitment was changed by {EDITORS[1].identity} at ")
    assert str(results[0]).endswith("; reload to see their change, then make yours again")
    assert records.get_commitment(store, cid)["title"] == "first"


def test_editors_who_reload_and_retry_after_a_conflict_lose_no_update(store: Store, partner: int) -> None:
    cid = records.log_commitment(store, EDITORS[0], form(partner, description=""))
    n, edits = len(EDITORS), 4
    barrier = threading.Barrier(n)
    conflicts = [0] * n
    others: list[Exception] = []

    def edit(i: int) -> list[int]:
        saved = []
        for k in range(edits):
            while True:
                current = records.get_commitment(store, cid)  # reload
                if k == 0 and not conflicts[i]:
                    barrier.wait()  # the first round: all hold version 1, so n - 1 must conflict
                change = form(partner, description=current["description"] + f"[{i}.{k}]")
                try:
                    saved.append(
                        records.update_commitment(store, EDITORS[i], cid, change, current["version"])
                    )
                    break
                except ConcurrentEditError:
                    conflicts[i] += 1
                except Exception as exc:  # anything else would be a bug: record it and stop
                    others.append(exc)
                    return saved
        return saved

    results = run_together(edit, n)
    assert others == []
    assert sum(conflicts) >= n - 1
    stored = records.get_commitment(store, cid)
    for i in range(n):
        for k in range(edits):
            assert f"[{i}.{k}]" in stored["description"], (i, k)  # no update lost
    assert stored["version"] == 1 + n * edits
    updates = [e for e in store.history("commitment", cid) if e["action"] == "update"]
    assert len(updates) == n * edits  # every successful save is in the history…
    assert sorted(e["after"]["version"] for e in updates) == list(
        range(2, 2 + n * edits)
    )  # …once per version
    assert sorted(v for r in results for v in r) == list(range(2, 2 + n * edits))
    for previous, entry in zip(updates, updates[1:], strict=False):
        assert entry["before"]["description"] == previous["after"]["description"]  # each built on the last


def test_two_reviewers_verifying_at_once_verify_once(store: Store, partner: int) -> None:
    cid = records.log_commitment(store, EDITORS[0], form(partner, review_state="submitted"))
    barrier = threading.Barrier(len(REVIEWERS))

    def verify(i: int) -> int:
        barrier.wait()
        return workflow.transition(store, REVIEWERS[i], cid, "verified", 1)

    results = run_together(verify, len(REVIEWERS))
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, ConcurrentEditError) for r in results) == len(REVIEWERS) - 1
    assert [e["action"] for e in store.history("commitment", cid)] == ["create", "verify"]


def test_an_edit_and_a_delete_at_once_do_not_both_happen(store: Store, partner: int) -> None:
    cid = records.log_commitment(store, EDITORS[0], form(partner))
    barrier = threading.Barrier(2)

    def act(i: int) -> int:
        barrier.wait()
        if i == 0:
            return records.update_commitment(store, EDITORS[0], cid, form(partner, title="edited"), 1)
        return history.delete_record(store, EDITORS[1], "commitment", cid, 1)

    results = run_together(act, 2)
    assert sorted(type(r).__name__ for r in results) == ["ConcurrentEditError", "int"]
    row = store.get_row("commitment", cid, include_deleted=True)
    assert row["version"] == 2
    edited, deleted = row["title"] == "edited", row["deleted_at"] is not None
    assert edited != deleted  # exactly one of the two happened, and the history says which
    assert store.history("commitment", cid)[-1]["action"] == ("update" if edited else "delete")


def test_editors_changing_different_commitments_at_once_all_succeed(store: Store, partner: int) -> None:
    ids = [
        records.log_commitment(store, EDITORS[0], form(partner, title=f"c{i}")) for i in range(len(EDITORS))
    ]
    barrier = threading.Barrier(len(EDITORS))

    def save(i: int) -> int:
        barrier.wait()
        return records.update_commitment(store, EDITORS[i], ids[i], form(partner, title=f"c{i} edited"), 1)

    assert run_together(save, len(EDITORS)) == [2] * len(EDITORS)
    assert [records.get_commitment(store, c)["title"] for c in ids] == [
        f"c{i} edited" for i in range(len(EDITORS))
    ]


# -- the same race through the commitment page (Streamlit's AppTest, two sessions on one database) -------


def test_the_commitment_page_refuses_the_second_of_two_overlapping_edits(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    cid = int(demo_store.scalar("SELECT min(id) FROM commitments WHERE deleted_at IS NULL"))
    original = records.get_commitment(demo_store, cid)
    original, reference = original["title"], original["external_ref"]
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    app = Path(__file__).resolve().parents[1] / "streamlit_app.py"

    def open_editor() -> AppTest:
        at = AppTest.from_file(str(app), default_timeout=60)
        at.run()
        at.switch_page("src/partners/pages/commitment.py")
        at.query_params["id"] = str(cid)
        at.run()
        at.toggle(key=f"c{cid}_editing_0").set_value(True).run()
        assert not at.exception, at.exception
        return at

    first, second = open_editor(), open_editor()  # both load the same version
    second.text_input(key=f"c{cid}_edit0_title").set_value("Second editor's title").run()
    second.button(key=f"c{cid}_edit0_save").click().run()
    assert any("Changes saved" in s.value for s in second.success), [e.value for e in second.error]

    first.text_input(key=f"c{cid}_edit0_title").set_value("First editor's title").run()
    first.button(key=f"c{cid}_edit0_save").click().run()
    refusals = [e.value for e in first.error]
    assert any("changed by local\\-user at" in e and "reload to see their change" in e for e in refusals), (
        refusals
    )

    check = Store.open(path)
    try:
        stored = records.get_commitment(check, cid)
        assert stored["title"] == "Second editor's title" != original
        assert stored["external_ref"] == reference  # fields not on the form are kept
        assert [e["action"] for e in check.history("commitment", cid)].count("update") == 1
    finally:
        check.db.close()
