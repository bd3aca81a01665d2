"""What the store keeps derived for each commitment (migration 006), so that reads join one row per
commitment instead of aggregating every progress update, partner and country of the database:

- ``commitment_status``: its latest status (``STATUS_OF``, the one definition of it);
- ``commitment_names``: its partners and countries in words, as lists show them (``NAMES_OF``).

The store refreshes the rows of the commitments a write touches, in that write's transaction (``refresh``,
``refresh_names``), and rebuilds both tables after writes that replace whole tables (``rebuild``).
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

#: The partners ("Name (lead); Other", lead first, then by name) and countries ("Kenya; Uganda", by name) of
#: the commitments whose id passes ``{where}`` (those with at least one of either).
NAMES_OF = """
    SELECT coalesce(p.commitment_id, k.commitment_id) AS commitment_id, p.names AS partners, k.names AS countries
    FROM (SELECT cp.commitment_id,
                 string_agg(p.name || CASE WHEN cp.role = 'lead' THEN ' (lead)' ELSE '' END, '; '
                            ORDER BY cp.role = 'lead' DESC, p.name) AS names
          FROM commitment_partners cp JOIN partners p ON p.id = cp.partner_id
          WHERE ({where}) GROUP BY 1) p
    FULL OUTER JOIN
         (SELECT cc.commitment_id, string_agg(k.name, '; ' ORDER BY k.name) AS names
          FROM commitment_countries cc JOIN countries k ON k.code = cc.country_code
          WHERE ({where}) GROUP BY 1) k
    ON k.commitment_id = p.commitment_id"""

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


def refresh_names(cur: duckdb.DuckDBPyConnection, commitment_ids: Iterable[int]) -> None:
    """Recompute the names rows of these commitments (their links, or a partner's or country's name, changed)."""
    ids = sorted({int(i) for i in commitment_ids})
    if not ids:
        return
    cur.execute("DELETE FROM commitment_names WHERE commitment_id IN (SELECT unnest(?))", [ids])
    cur.execute(
        "INSERT INTO commitment_names (commitment_id, partners, countries)"  # noqa: S608 (constants only)
        + NAMES_OF.format(where="commitment_id IN (SELECT unnest($ids))"),
        {"ids": ids},
    )


def commitments_naming(cur: duckdb.DuckDBPyConnection, *, partner_id: int | None = None,
                       country: str | None = None) -> list[int]:
    """The commitments linked to this partner, or to this country (whose names rows show its name)."""
    if partner_id is not None:
        rows = cur.execute("SELECT commitment_id FROM commitment_partners WHERE partner_id = ?", [partner_id])
    else:
        rows = cur.execute("SELECT commitment_id FROM commitment_countries WHERE country_code = ?", [country])
    return [int(r[0]) for r in rows.fetchall()]


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """Recompute every row of both tables (after a restore, a demo reset, or the migration that made them)."""
    cur.execute("DELETE FROM commitment_status")
    cur.execute(f"INSERT INTO commitment_status ({_COLUMNS})" + STATUS_OF.format(where="true"))  # noqa: S608
    cur.execute("DELETE FROM commitment_names")
    cur.execute("INSERT INTO commitment_names (commitment_id, partners, countries)" + NAMES_OF.format(where="true"))
