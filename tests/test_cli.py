"""The ``partners`` command end to end, against real database files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from partners import cli
from partners.domain.model import SYSTEM, Partner
from partners.services import read, records, setup
from partners.storage.duckdb.store import TABLES, migrations
from partners.storage.duckdb.store import DuckDBStore as Store

STATS_TABLES = (
    "countries", "frameworks", "framework_items", "partners", "events", "commitments",
    "progress_updates", "capability_assessments", "users", "audit_log",
)  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def table_counts(db: Path) -> dict[str, int]:
    store = Store.open(db, migrate=False)
    try:
        return {table: store.count(table, live_only=False) for table in TABLES}
    finally:
        store.db.close()


def parse_stats(out: str) -> tuple[dict[str, int], dict[str, int]]:
    """The two blocks `stats` prints: record counts, then headline figures."""
    tables_part, _, headline_part = out.partition("headline (as the secretariat sees it):")
    line = re.compile(r"^  (\w+)\s+(\d+)$", re.MULTILINE)
    return (
        {k: int(v) for k, v in line.findall(tables_part)},
        {k: int(v) for k, v in line.findall(headline_part)},
    )


@pytest.fixture(scope="module")
def initialised_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database set up by `partners init` once for this module."""
    db = tmp_path_factory.mktemp("init") / "partners.duckdb"
    assert cli.main(["--db", str(db), "init"]) == 0
    return db


@pytest.fixture
def initialised(initialised_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A private copy of a database set up by `partners init`."""
    db = tmp_path / "partners.duckdb"
    shutil.copy(initialised_template, db)
    capsys.readouterr()  # forget what the template's `init` printed
    return db


def test_init_creates_the_schema_and_loads_reference_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "new" / "partners.duckdb"
    code, out, _ = run(capsys, db, "init")
    assert code == 0
    assert re.search(r"^reference: \d+ countries, 5 frameworks \(\d+ items\), 4 phases$", out, re.MULTILINE)
    assert f"database ready at {db}" in out
    store = Store.open(db, migrate=False)
    try:
        assert store.db.schema_version() == len(migrations())
        assert setup.has_reference(store)
        assert store.count("maturity_phases") == 4
        assert store.count("commitments") == 0
    finally:
        store.db.close()


def test_init_on_a_new_file_reports_the_migrations_it_applied(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out, _ = run(capsys, tmp_path / "partners.duckdb", "init")
    assert "schema: applied 001_initial.sql" in out


def test_init_twice_changes_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str], initialised: Path
) -> None:
    db = initialised
    before = table_counts(db)
    code, out, _ = run(capsys, db, "init")
    assert code == 0
    assert "reference:" not in out  # reference data present: not reloaded
    assert table_counts(db) == before


def test_init_reload_reloads_reference_and_keeps_membership(
    capsys: pytest.CaptureFixture[str], initialised: Path
) -> None:
    db = initialised
    store = Store.open(db)
    store.cur.execute("UPDATE countries SET member = true WHERE code = 'PHL'")
    store.db.close()
    code, out, _ = run(capsys, db, "init", "--reload")
    assert code == 0 and out.startswith("reference: ")
    store = Store.open(db)
    try:
        assert store.scalar("SELECT member FROM countries WHERE code = 'PHL'") is True
    finally:
        store.db.close()


def test_init_demo_loads_demo_data_into_an_empty_database_then_is_a_no_op(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "partners.duckdb"
    code, out, _ = run(capsys, db, "init", "--demo")
    assert code == 0
    loaded = re.search(r"demo data loaded \(seed 2026, scale 1\): .* (\d+) commitments", out)
    assert loaded, out
    first = table_counts(db)
    assert first["commitments"] == int(loaded.group(1)) > 0
    code, out, _ = run(capsys, db, "init", "--demo")
    assert code == 0
    assert "demo data loaded" not in out
    assert table_counts(db) == first


def test_stats_prints_counts_and_headline_that_match_the_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "partners.duckdb"
    assert run(capsys, db, "demo", "--scale", "0.1")[0] == 0
    code, out, _ = run(capsys, db, "stats")
    assert code == 0
    assert f"database: {db} (schema version {len(migrations())})" in out
    assert "DEMO DATA: Demo data: fictional partners and commitments" in out
    counts, headline = parse_stats(out)
    store = Store.open(db)
    try:
        assert counts == {table: store.count(table) for table in STATS_TABLES}
        assert counts["commitments"] > 0
        assert headline == read.headline(store, SYSTEM)
    finally:
        store.db.close()


def test_stats_on_an_empty_database_prints_zero_records_and_no_headline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, tmp_path / "empty.duckdb", "stats")
    assert code == 0
    counts, headline = parse_stats(out)
    assert counts == dict.fromkeys(STATS_TABLES, 0)
    assert headline == {}
    assert "DEMO DATA" not in out


def test_reference_reload_reports_what_it_loaded_and_changes_no_counts(
    capsys: pytest.CaptureFixture[str], initialised: Path
) -> None:
    db = initialised
    before = table_counts(db)
    code, out, _ = run(capsys, db, "reference", "reload")
    assert code == 0
    assert out.startswith(f"reloaded: {before['countries']} countries, {before['frameworks']} frameworks")
    after = table_counts(db)
    assert after.pop("audit_log") > before.pop("audit_log")  # the reload is audited
    assert after == before


def test_demo_at_scale_0_1_loads_a_small_dataset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "partners.duckdb"
    code, out, _ = run(capsys, db, "demo", "--scale", "0.1", "--seed", "7")
    assert code == 0
    m = re.search(
        r"\(seed 7, scale 0\.1\): (\d+) member countries, (\d+) partners, (\d+) events, (\d+) commitments",
        out,
    )
    assert m, out
    members, partners, events, commitments = map(int, m.groups())
    store = Store.open(db)
    try:
        assert (store.count("partners"), store.count("events"), store.count("commitments")) == (
            partners,
            events,
            commitments,
        )
        assert store.scalar("SELECT count(*) FROM countries WHERE member") == members
        assert 0 < commitments < 500
        assert setup.holds_demo(store)
    finally:
        store.db.close()


def test_demo_run_twice_replaces_the_demo_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "partners.duckdb"
    run(capsys, db, "demo", "--scale", "0.1")
    first = table_counts(db)
    code, _, _ = run(capsys, db, "demo", "--scale", "0.1")
    assert code == 0
    again = table_counts(db)
    assert again.pop("audit_log") > first.pop("audit_log")
    assert again == first  # same seed and scale: the same data, not twice as much


def test_demo_is_refused_where_real_records_exist(
    capsys: pytest.CaptureFixture[str], initialised: Path
) -> None:
    db = initialised
    store = Store.open(db)
    records.create_partner(store, SYSTEM, Partner(name="A real partner", stakeholder_type="hotline"))
    store.db.close()
    before = table_counts(db)
    code, out, err = run(capsys, db, "demo", "--scale", "0.1")
    assert code == 2
    assert err.startswith("refused: this database holds real records")
    assert "demo data loaded" not in out
    assert table_counts(db) == before


def test_unreadable_database_is_an_error_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("minutes of the steering group")
    code, _, err = run(capsys, bogus, "stats")
    assert code == 1
    assert err.startswith(f"error: cannot open the database at {bogus}")


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_stats_runs_as_a_real_process(capsys: pytest.CaptureFixture[str], initialised: Path) -> None:
    db = initialised
    env = {k: v for k, v in os.environ.items() if k != "PARTNERS_DB"}
    done = subprocess.run(
        [sys.executable, "-m", "partners.cli", "--db", str(db), "stats"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    counts, headline = parse_stats(done.stdout)
    expected = table_counts(db)
    assert counts == {table: expected[table] for table in STATS_TABLES}
    assert headline["commitments"] == 0 and headline["member_countries"] == 0


def test_the_partners_console_script_is_installed_and_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("partners")
    if not script.exists():
        pytest.skip(f"no console script next to {sys.executable} (package not installed in this environment)")
    db = tmp_path / "partners.duckdb"
    done = subprocess.run(
        [str(script), "--db", str(db), "init"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"database ready at {db}" in done.stdout
    assert table_counts(db)["countries"] > 200


def test_users_set_role_changes_a_role_from_the_command_line_and_keeps_the_last_admin(
    capsys: pytest.CaptureFixture[str], initialised: Path
) -> None:
    assert run(capsys, initialised, "users", "add", "--role", "admin", "boss@example.org")[0] == 0
    assert run(capsys, initialised, "users", "add", "--role", "reviewer", "rey@example.org")[0] == 0

    code, out, _ = run(capsys, initialised, "users", "set-role", "Rey@Example.org", "--role", "admin")
    assert (code, out.strip()) == (0, "rey@example.org is now Admin")
    code, out, _ = run(capsys, initialised, "users", "set-role", "boss@example.org", "--role", "member_viewer")
    assert (code, out.strip()) == (0, "boss@example.org is now Member viewer")

    code, _, err = run(capsys, initialised, "users", "set-role", "rey@example.org", "--role", "member_viewer")
    assert code == 2 and "rey@example.org is the last active admin" in err
    code, _, err = run(capsys, initialised, "users", "set-role", "rey@example.org", "--role", "wizard")
    assert code == 2 and "'wizard' is not one of" in err and "secretariat_editor" in err
    code, _, err = run(capsys, initialised, "users", "set-role", "nobody@example.org", "--role", "admin")
    assert code == 2 and "no user with the e-mail address nobody@example.org" in err

    listed = run(capsys, initialised, "users", "list")[1]
    assert re.search(r"boss@example.org\s+member_viewer", listed)
    assert re.search(r"rey@example.org\s+admin", listed)
