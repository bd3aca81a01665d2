"""Every version of the rows the country scorecard reads, with the moments it held (migrations 008 and 009), so
that a scorecard can be rebuilt exactly as it stood at any past moment (``ViewScope.as_of``).

For each recorded table ``T`` the table ``T_history`` has T's columns plus ``valid_from`` and ``valid_to``
(null: still the current version): one row per version of a row of T. A row's version is valid from the
moment the write that made it committed its change up to the moment a later write changed or removed it.

One mechanism writes it: ``sync`` compares the live rows of a table (or only those a write touched, named by a
``narrow`` condition on their keys) with their open versions, closes the versions that no longer match a live
row and opens one for each live row that has none. Every write path of the store calls it in the write's own
transaction and with the transaction's moment (``Database.now``), so a failed write leaves no version and a
version's moments agree with the audit entry of the same write. Since it compares rows, calling it again, or on
more rows than changed, changes nothing: a write need only name a superset of the rows it touched.

Reads as of a moment (``at_moment``) put, in front of a query, one CTE per recorded table named like the
table and holding its versions valid at ``$as_of``: the query itself stays the one the live page runs, with
its privacy rules, over the rows as they were.

The derived tables (``commitment_status``, ``commitment_names``) have no history: the as-of reads compute
what they hold from the progress updates and links as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import duckdb

#: The recorded tables: table -> (its key columns, the column ``narrow`` conditions name to pick rows of one
#: record, SQL over the row ``t`` for when a row was made, for rows loaded in bulk and for the backfill).
RECORDED: dict[str, tuple[tuple[str, ...], str, str]] = {
    "countries": (("code",), "code", "_beginning"),
    "partners": (("id",), "id", "t.created_at"),
    "events": (("id",), "id", "t.created_at"),
    "commitments": (("id",), "id", "t.created_at"),
    "commitment_partners": (("commitment_id", "partner_id"), "commitment_id", "_made_of_commitment"),
    "commitment_countries": (("commitment_id", "country_code"), "commitment_id", "_made_of_commitment"),
    "commitment_items": (("commitment_id", "item_key"), "commitment_id", "_made_of_commitment"),
    "progress_updates": (("id",), "id", "t.created_at"),
    "capability_assessments": (("id",), "id", "t.created_at"),
    "assessment_rounds": (("id",), "id", "t.created_at"),  # since migration 009
}

#: The moment before any record: reference rows (countries) are valid from it. A finite timestamp, so that
#: backups (Parquet, Arrow) and Python read it.
BEGINNING = "TIMESTAMP '0001-01-01 00:00:00'"

#: A link row is taken to be made with its commitment.
_MADE_OF_COMMITMENT = "(SELECT c.created_at FROM commitments c WHERE c.id = t.commitment_id)"

#: The history tables: never read by a live page, backed up and restored with the data.
HISTORY_TABLES: tuple[str, ...] = tuple(f"{t}_history" for t in RECORDED)

_PERIOD = ("valid_from", "valid_to")


def history_table(table: str) -> str:
    return f"{table}_history"


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()"
        " AND schema_name = current_schema() AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def _made_at(table: str) -> str:
    made = RECORDED[table][2]
    return {"_made_of_commitment": _MADE_OF_COMMITMENT, "_beginning": BEGINNING}.get(made, made)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the schema -------------------------------------------------------------------------------------------


def install(cur: duckdb.DuckDBPyConnection) -> None:
    """Migrations 008 and 009: make each history table from its live table's columns (whatever columns earlier
    migrations gave it) and backfill it from the rows stored now (``backfill``). A history table already
    there (the migration run again over a database that has it) is kept as it is."""
    present = set(_tables(cur))
    made = []
    for table in RECORDED:
        if history_table(table) in present:
            continue
        made.append(table)
        cur.execute(
            f"CREATE TABLE {_q(history_table(table))} AS"  # noqa: S608 (names from RECORDED only)
            f" SELECT *, NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to FROM {_q(table)} LIMIT 0"
        )
        keys = ", ".join(_q(k) for k in RECORDED[table][0])
        cur.execute(f"CREATE INDEX {_q(history_table(table) + '_key_idx')} ON {_q(history_table(table))} ({keys})")
    backfill(cur, made)


def follow_columns(cur: duckdb.DuckDBPyConnection) -> None:
    """Give each history table the columns its live table gained since (a later migration's ``ALTER TABLE
    ... ADD COLUMN``): earlier versions hold null there. Nothing before migration 008."""
    present = set(_tables(cur))
    for table in RECORDED:
        if history_table(table) not in present:
            continue
        have = set(_columns(cur, history_table(table)))
        types = dict(
            cur.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database()"
                " AND schema_name = current_schema() AND table_name = ?",
                [table],
            ).fetchall()
        )
        for column in _columns(cur, table):
            if column not in have:
                cur.execute(f"ALTER TABLE {_q(history_table(table))} ADD COLUMN {_q(column)} {types[column]}")


def _tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            " AND schema_name = current_schema()"
        ).fetchall()
    ]


def backfill(cur: duckdb.DuckDBPyConnection, tables: Iterable[str] = tuple(RECORDED)) -> None:
    """The versions of the rows stored before history was kept, as exactly as the rows themselves tell:

    - each row is valid from when it was made (``created_at``; a link row: its commitment's), with the
      values it holds now: earlier values of a row changed since are not known (the audit log keeps what
      people changed, not every column in its stored form);
    - a soft-deleted row was live, with no ``deleted_at``, until its ``deleted_at``, then deleted;
    - a member country was not a member before its ``member_since`` (countries are reference data, valid
      from the beginning of time otherwise).
    """
    for table in tables:
        h, cols = _q(history_table(table)), _columns(cur, table)
        names = ", ".join(_q(c) for c in cols)
        made = _made_at(table)
        if "deleted_at" in cols:
            live = ", ".join("NULL AS deleted_at" if c == "deleted_at" else f"t.{_q(c)}" for c in cols)
            cur.execute(  # until deleted: live
                f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608 (catalog names only)
                f" SELECT {live}, least({made}, t.deleted_at), t.deleted_at FROM {_q(table)} t"
                " WHERE t.deleted_at IS NOT NULL"
            )
            cur.execute(
                f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608
                f" SELECT t.*, coalesce(t.deleted_at, {made}, {BEGINNING}), NULL FROM {_q(table)} t"
            )
        elif table == "countries":
            before = ", ".join(
                {"member": "false", "member_since": "NULL::DATE"}.get(c, f"t.{_q(c)}") for c in cols
            )
            cur.execute(  # a member: not one before it joined
                f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608
                f" SELECT {before}, {BEGINNING}, CAST(t.member_since AS TIMESTAMP) FROM countries t"
                " WHERE t.member AND t.member_since IS NOT NULL"
            )
            cur.execute(
                f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608
                " SELECT t.*, CASE WHEN t.member AND t.member_since IS NOT NULL"
                f" THEN CAST(t.member_since AS TIMESTAMP) ELSE {BEGINNING} END, NULL FROM countries t"
            )
        else:
            cur.execute(
                f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608
                f" SELECT t.*, coalesce({made}, {BEGINNING}), NULL FROM {_q(table)} t"
            )


# -- writing ----------------------------------------------------------------------------------------------


def sync(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    at: datetime,
    narrow: str | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    made: bool = False,
) -> None:
    """Bring the history of ``table`` in line with its live rows, at the moment ``at``: close the open
    versions that match no live row any more (changed or removed), open a version for each live row that
    has no identical open one. ``narrow``: SQL over the alias ``{a}`` picking the rows a write may have touched
    (a superset is fine; none: the whole table), with its ``params`` (named, never ``$at``). ``made``: the first
    version of a row never seen before is valid from when the row was made (``RECORDED``'s expression: a bulk
    load of records made before they were loaded; a country, reference data, from the beginning of time), at
    the latest ``at``, instead of from ``at``.

    Call inside the write's transaction, after the write. A table without history (before migration 008)
    is left alone."""
    if table not in RECORDED or not _has_history(cur):
        return
    keys = RECORDED[table][0]
    cols = _columns(cur, table)
    h, live = _q(history_table(table)), _q(table)
    same = " AND ".join(
        [f"t.{_q(k)} = h.{_q(k)}" for k in keys] + [f"t.{_q(c)} IS NOT DISTINCT FROM h.{_q(c)}" for c in cols
                                                     if c not in keys]
    )
    values = {**(params or {}), "at": at}
    on_h = f" AND ({narrow.format(a='h')})" if narrow else ""
    on_t = f" AND ({narrow.format(a='t')})" if narrow else ""
    cur.execute(
        f"UPDATE {h} AS h SET valid_to = $at WHERE h.valid_to IS NULL{on_h}"  # noqa: S608 (catalog names only)
        f" AND NOT EXISTS (SELECT 1 FROM {live} t WHERE {same})",
        values,
    )
    start = "$at"
    if made:  # a row never seen before is valid from when it was made; a later version of one, from now
        seen = " AND ".join(f"s.{_q(k)} = t.{_q(k)}" for k in keys)
        start = (f"CASE WHEN EXISTS (SELECT 1 FROM {h} s WHERE {seen}) THEN $at"
                 f" ELSE least(coalesce({_made_at(table)}, $at), $at) END")
    names = ", ".join(_q(c) for c in cols)
    cur.execute(
        f"INSERT INTO {h} ({names}, valid_from, valid_to)"  # noqa: S608
        f" SELECT {', '.join(f't.{_q(c)}' for c in cols)}, {start}, NULL FROM {live} t WHERE true{on_t}"
        f" AND NOT EXISTS (SELECT 1 FROM {h} h WHERE h.valid_to IS NULL AND {same})",
        values,
    )


def date_back(
    cur: duckdb.DuckDBPyConnection, table: str, at: datetime, when: str, narrow: str, params: Mapping[str, Any]
) -> None:
    """Move the change the write at ``at`` made to these rows back to ``when`` (SQL over the alias ``{a}``,
    the new version's row): for a load of records that say when they changed (a membership's start). Only
    where ``when`` falls after the previous version began and before ``at``."""
    if table not in RECORDED or not _has_history(cur):
        return
    keys = RECORDED[table][0]
    same = " AND ".join(f"o.{_q(k)} = n.{_q(k)}" for k in keys)
    values = {**params, "at": at}
    moved = f"""SELECT {', '.join(f'n.{_q(k)}' for k in keys)}, {when.format(a='n')} AS moved_to
        FROM {_q(history_table(table))} n
        WHERE n.valid_from = $at AND n.valid_to IS NULL AND ({narrow.format(a='n')})
          AND {when.format(a='n')} < $at
          AND NOT EXISTS (SELECT 1 FROM {_q(history_table(table))} o WHERE {same} AND o.valid_to = $at
                          AND o.valid_from >= {when.format(a='n')})"""
    on = " AND ".join(f"m.{_q(k)} = h.{_q(k)}" for k in keys)
    h = _q(history_table(table))
    cur.execute(  # the version before: ended then
        f"UPDATE {h} AS h SET valid_to = m.moved_to FROM ({moved}) m WHERE {on} AND h.valid_to = $at",  # noqa: S608
        values,
    )
    cur.execute(  # the new one: began then
        f"UPDATE {h} AS h SET valid_from = m.moved_to FROM ({moved}) m"  # noqa: S608
        f" WHERE {on} AND h.valid_from = $at AND h.valid_to IS NULL",
        values,
    )


def sync_all(cur: duckdb.DuckDBPyConnection, at: datetime, tables: Iterable[str] = tuple(RECORDED)) -> None:
    """``sync`` every row of these tables (after a write that replaced or removed many rows at once)."""
    for table in tables:
        sync(cur, table, at)


def _has_history(cur: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
            " AND schema_name = current_schema() AND table_name = 'capability_assessments_history'"
        ).fetchone()[0]
    )


def by_id(column: str = "id") -> str:
    """A ``narrow`` condition: the rows whose ``column`` is in ``$ids``."""
    return f"{{a}}.{_q(column)} IN (SELECT unnest($ids))"


# -- reading ----------------------------------------------------------------------------------------------


def at_moment(
    sql: str, params: dict[str, Any], as_of: datetime | None, tables: Iterable[str]
) -> tuple[str, dict[str, Any]]:
    """``sql`` as it reads at the moment ``as_of``: each of ``tables`` (recorded ones) replaced, for this query,
    by its versions valid then (a CTE named like the table, ahead of the query's own). Unchanged when
    ``as_of`` is None (now: the live tables). The moment is the parameter ``$as_of``."""
    if as_of is None or not any(t in RECORDED for t in tables):
        return sql, params
    ctes = ",\n".join(
        f"{_q(t)} AS (SELECT * EXCLUDE (valid_from, valid_to) FROM {_q(history_table(t))}"
        " WHERE valid_from <= $as_of AND (valid_to IS NULL OR valid_to > $as_of))"
        for t in tables
        if t in RECORDED
    )
    body = sql.lstrip()
    if body[:4].upper() == "WITH" and body[4:5].isspace():
        sql = f"WITH {ctes},\n{body[5:]}"
    else:
        sql = f"WITH {ctes}\n{body}"
    return sql, {**params, "as_of": as_of}
