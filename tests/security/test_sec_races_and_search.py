"""Two smaller probes of the read side.

A lost race names who saved first and when ("changed by X at T"), not "someone else saved at the same
moment": threads, each with its own cursor on the same DuckDB file, save the same version at once, round
after round. And the search box takes '%' and '_' as characters, not wildcards.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actors import EDITOR, PUBLIC
from partners.domain.model import SYSTEM, Actor, Commitment, Partner, Role
from partners.domain.scope import CommitmentFilter
from partners.services import read, records, setup
from partners.storage import Store, open_store
from partners.storage.errors import ConcurrentEditError

EDITORS = [Actor(identity=f"editor{i}@secretariat.example", role=Role.SECRETARIAT_EDITOR) for i in range(5)]
NAMED = re.compile(r"^this commitment was changed by (editor\d@secretariat\.example) at \d{4}-\d\d-\d\d \d\d:\d\d; "
                   r"reload to see their change, then make yours again$")


@pytest.fixture
def race_store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "race.duckdb")
    setup.load_reference(s, SYSTEM)
    yield s
    s.close()


def _form(partner: int, **changes: Any) -> Commitment:
    data: dict[str, Any] = {"title": "Train 200 investigators", "partners": [{"partner_id": partner, "role": "lead"}],
                            "countries": ["KEN"]}
    return Commitment(**(data | changes))


def test_every_lost_race_names_who_saved_first_and_when(race_store: Store) -> None:
    store = race_store
    partner = records.create_partner(
        store, EDITOR, Partner(name="Kenya Ministry of ICT", stakeholder_type="government")
    )
    cid = records.log_commitment(store, EDITOR, _form(partner))
    rows_before = store.count("audit_log")
    messages: list[str] = []
    rounds = 15
    for r in range(rounds):
        loaded = int(store.get_row("commitment", cid)["version"])
        barrier = threading.Barrier(len(EDITORS))
        results: list[Any] = [None] * len(EDITORS)

        def save(i: int, loaded: int = loaded, barrier: threading.Barrier = barrier, r: int = r,
                 results: list[Any] = results) -> None:
            barrier.wait()
            try:
                results[i] = records.update_commitment(store, EDITORS[i], cid, _form(partner, title=f"{r}/{i}"), loaded)
            except ConcurrentEditError as exc:
                results[i] = exc

        threads = [threading.Thread(target=save, args=(i,)) for i in range(len(EDITORS))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        winners = [i for i, res in enumerate(results) if isinstance(res, int)]
        assert len(winners) == 1, results
        winner = EDITORS[winners[0]].identity
        for res in results:
            if isinstance(res, ConcurrentEditError):
                messages.append(str(res))
                found = NAMED.match(str(res))
                assert found, f"a lost race that does not name who won: {res}"
                assert found.group(1) == winner
    assert len(messages) == rounds * (len(EDITORS) - 1)
    # Nothing but the winners' saves was stored.
    assert store.count("audit_log") == rows_before + rounds
    assert int(store.get_row("commitment", cid)["version"]) == 1 + rounds


def test_percent_and_underscore_in_the_search_box_are_characters_not_wildcards(store: Store, partners) -> None:
    gov, _ = partners

    def log(title: str) -> int:
        return records.log_commitment(store, EDITOR, Commitment(
            title=title, partners=[{"partner_id": gov, "role": "lead"}], countries=["KEN"],
            visibility="public", review_state="published",
        ))  # fmt: skip

    full = log("Reach 100% of schools with online safety lessons")
    log("Reach 1000 schools with online safety lessons")
    underscored = log("Publish the a_b transparency report")
    log("Publish the axb transparency report")
    before = store.row_counts()

    def found(text: str) -> set[int]:
        return set(read.find_commitments(store, PUBLIC, CommitmentFilter(text=text)).id)

    assert found("100%") == {full}
    assert found("a_b") == {underscored}
    assert found("A_B") == {underscored}  # still case-insensitive
    assert found("%") == {full} and found("_") == {underscored}
    assert store.row_counts() == before  # a search changes nothing
