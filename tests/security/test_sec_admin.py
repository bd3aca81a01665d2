"""Probe 6: the last-admin rule cannot be raced, and an admin can be recovered from the command line.

Two admins demoting each other at the same moment used to both succeed, leaving nobody to manage roles.
These tests race them for real: threads on one real DuckDB file, each with its own cursor (as Streamlit
sessions have), and threads each holding a separate store (connection) on the same file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partners import cli
from partners.domain.model import SYSTEM, Role
from partners.services import setup, users
from partners.services.errors import ValidationFailed
from partners.storage.duckdb.store import DuckDBStore
from partners.storage.errors import ConcurrentEditError

TRIES = 40
A, B = "ada@secretariat.example", "bo@secretariat.example"


def _race(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0)`` and ``work(1)`` in two threads released at the same instant; outcomes or exceptions."""
    results: list[Any] = [None, None]
    gate = threading.Barrier(2)

    def run(i: int) -> None:
        gate.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _reset(store: DuckDBStore) -> dict[str, int]:
    """Exactly two active admins, A and B; returns their versions."""
    for email in (A, B):
        found = store.user_row(email)
        if found is None:
            users.add_user(store, SYSTEM, email, Role.ADMIN)
        elif not (found["active"] and found["role"] == "admin"):
            # Out of the race: put it back with the CLI's operator, which the rule allows (B or A remains).
            users.update_user(store, SYSTEM, email, role=Role.ADMIN, active=True,
                              expected_version=found["version"])
    return {e: store.user_row(e)["version"] for e in (A, B)}


def _active_admins(store: DuckDBStore) -> list[str]:
    return [r["email"] for r in store.user_rows() if r["active"] and r["role"] == "admin"]


def _assert_one_wins(results: list[Any], store: DuckDBStore) -> int:
    admins = _active_admins(store)
    assert admins, f"no active admin left: {results}"
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures, f"both demotions succeeded: {results}"
    for exc in failures:
        assert isinstance(exc, ConcurrentEditError | ValidationFailed), repr(exc)
        text = str(exc)
        assert "admin" in text and ("at the same moment" in text or "last active admin" in text), text
    return len(failures)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "race.duckdb"
    s = DuckDBStore.open(path)
    setup.load_reference(s, SYSTEM)
    s.close()
    return path


def _demote(store: DuckDBStore, versions: dict[str, int], i: int, how: str) -> None:
    me, other = (A, B) if i == 0 else (B, A)
    actor = SYSTEM.model_copy(update={"identity": me, "name": ""})  # each is an admin when they press save
    if how == "demote":
        users.update_user(store, actor, other, role=Role.REVIEWER, expected_version=versions[other])
    else:
        users.set_active(store, actor, other, False, expected_version=versions[other])


@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_admins_demoting_each_other_at_once_leave_an_admin_threads_with_own_cursors(
    db: Path, how: str
) -> None:
    store = DuckDBStore.open(db)  # one store, a cursor per thread
    try:
        for _ in range(TRIES):
            versions = _reset(store)
            results = _race(lambda i, v=versions: _demote(store, v, i, how))
            _assert_one_wins(results, store)
    finally:
        store.close()


def test_two_admins_demoting_each_other_at_once_leave_an_admin_separate_connections(db: Path) -> None:
    stores = [DuckDBStore.open(db), DuckDBStore.open(db)]  # two connections on the same file
    try:
        for _ in range(TRIES):
            versions = _reset(stores[0])
            results = _race(lambda i, v=versions: _demote(stores[i], v, i, "demote"))
            _assert_one_wins(results, stores[0])
            _assert_one_wins(results, stores[1])
    finally:
        for s in stores:
            s.close()


def test_the_loser_of_the_race_is_told_what_happened_and_nothing_of_theirs_is_saved(db: Path) -> None:
    store = DuckDBStore.open(db)
    try:
        seen: list[str] = []
        for _ in range(TRIES):
            versions = _reset(store)
            audit_before = store.count("audit_log")
            results = _race(lambda i, v=versions: _demote(store, v, i, "demote"))
            failures = _assert_one_wins(results, store)
            seen += [str(r) for r in results if isinstance(r, Exception)]
            # One audit entry per change that went through, none for a refused one.
            assert store.count("audit_log") - audit_before == 2 - failures
        assert seen
    finally:
        store.close()


# -- partners users set-role ------------------------------------------------------------------------


def _table(store: DuckDBStore) -> list[dict[str, Any]]:
    return store.query_rows("SELECT * FROM users ORDER BY email")


def test_set_role_recovers_an_admin_from_the_command_line_and_is_audited(db: Path, capsys) -> None:
    store = DuckDBStore.open(db)
    users.add_user(store, SYSTEM, A, Role.ADMIN)
    users.add_user(store, SYSTEM, B, Role.REVIEWER)
    store.close()
    assert cli.main(["--db", str(db), "users", "set-role", "BO@secretariat.example", "--role", "admin"]) == 0
    assert "bo@secretariat.example is now Admin" in capsys.readouterr().out
    store = DuckDBStore.open(db)
    try:
        assert store.user_row(B)["role"] == "admin"
        entry = store.history("user", B)[-1]
        assert entry["actor"] == SYSTEM.identity and entry["action"] == "update"
        assert entry["before"]["role"] == "reviewer" and entry["after"]["role"] == "admin"
    finally:
        store.close()


def test_set_role_refuses_an_unknown_role_listing_the_valid_ones_and_changes_nothing(db: Path, capsys) -> None:
    store = DuckDBStore.open(db)
    users.add_user(store, SYSTEM, A, Role.ADMIN)
    before = _table(store)
    store.close()
    assert cli.main(["--db", str(db), "users", "set-role", A, "--role", "superuser"]) == 2
    err = capsys.readouterr().err
    assert "'superuser' is not one of" in err
    for value in ("admin", "secretariat_editor", "reviewer", "country_focal_point", "partner_contributor",
                  "member_viewer"):
        assert value in err
    store = DuckDBStore.open(db)
    try:
        assert _table(store) == before
    finally:
        store.close()


def test_set_role_refuses_to_demote_the_last_active_admin(db: Path, capsys) -> None:
    store = DuckDBStore.open(db)
    users.add_user(store, SYSTEM, A, Role.ADMIN)
    before = _table(store)
    audit = store.count("audit_log")
    store.close()
    assert cli.main(["--db", str(db), "users", "set-role", A, "--role", "reviewer"]) == 2
    assert "last active admin" in capsys.readouterr().err
    store = DuckDBStore.open(db)
    try:
        assert _table(store) == before
        assert store.count("audit_log") == audit
    finally:
        store.close()


def test_set_role_to_a_focal_point_needs_countries_and_takes_them(db: Path, capsys) -> None:
    store = DuckDBStore.open(db)
    users.add_user(store, SYSTEM, A, Role.ADMIN)
    users.add_user(store, SYSTEM, B, Role.REVIEWER)
    store.close()
    assert cli.main(["--db", str(db), "users", "set-role", B, "--role", "country_focal_point"]) == 2
    assert "needs at least one country" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "users", "set-role", B, "--role", "country_focal_point",
                     "--country", "KEN"]) == 0
    store = DuckDBStore.open(db)
    try:
        row = store.user_row(B)
        assert row["role"] == "country_focal_point" and list(row["countries"]) == ["KEN"]
    finally:
        store.close()
