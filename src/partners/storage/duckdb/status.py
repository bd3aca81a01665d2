"""Each commitment's latest status, kept in ``commitment_status`` (migration 006) so that reads join one row
per commitment instead of aggregating every progress update of the database.

``STATUS_OF`` is the one definition of a commitment's status. The store refreshes the rows of the
commitments a write touches, in that write's transaction (``refresh``), and rebuilds the table after writes
that replace whole tables (``rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

#: The status of the commitments whose live progress updates pass ``{where}``: the latest reported status
#: (ties on the date: the later record), the latest verified one, how many updates, whether any carries
#: evidence, and the latest "complete" claim (when, by which source, whether a complete report had evidence).
STATUS_OF = """
    SELECT commitment_id,
           arg_max(status, struct_pack(d := report_date, i := id)) AS reported_status,
           max(report_date) AS last_report,
           arg_max(status, struct_pack(d := report_date, i := id))
               FILTER (WHERE source = 'verified') AS verified_status,
           max(report_date) FILTER (WHERE source = 'verified') AS last_verified,
           count(*) AS updates,
           bool_or(len(evidence_links) > 0) AS has_evidence,
           max(report_date) FILTER (WHERE status = 'complete') AS complete_on,
           arg_max(source, struct_pack(d := report_date, i := id)) FILTER (WHERE status = 'complete')
               AS complete_source,
           coalesce(bool_or(len(evidence_links) > 0) FILTER (WHERE status = 'complete'), false)
               AS complete_evidenced
    FROM progress_updates WHERE deleted_at IS NULL AND ({where}) GROUP BY commitment_id"""

_COLUMNS = (
    "commitment_id, reported_status, last_report, verified_status, last_verified, updates, has_evidence,"
    " complete_on, complete_source, complete_evidenced"
)


def refresh(cur: duckdb.DuckDBPyConnection, commitment_ids: Iterable[int]) -> None:
    """Recompute the status rows of these commitments (call inside the transaction that changed them)."""
    ids = sorted({int(i) for i in commitment_ids})
    if not ids:
        return
    cur.execute("DELETE FROM commitment_status WHERE commitment_id IN (SELECT unnest(?))", [ids])
    cur.execute(
        f"INSERT INTO commitment_status ({_COLUMNS})"  # noqa: S608 (constants only)
        + STATUS_OF.format(where="commitment_id IN (SELECT unnest($ids))"),
        {"ids": ids},
    )


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """Recompute every status row (after a restore, a demo reset, or the migration that made the table)."""
    cur.execute("DELETE FROM commitment_status")
    cur.execute(f"INSERT INTO commitment_status ({_COLUMNS})" + STATUS_OF.format(where="true"))  # noqa: S608
