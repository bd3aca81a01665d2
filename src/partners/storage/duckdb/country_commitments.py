"""The rows behind the country scorecard's commitment sections (the list, who is helping, the Global
Alliance targets, the progress timeline): one read per country, for one viewer's scope.

The commitments naming the country are picked first and the visibility rule is applied to those alone, so one
country's sections never scan every commitment's progress. At ``scope.as_of``: every table read as it stood
then (``history.at_moment``), under the same rule.
"""

from __future__ import annotations

from typing import Any

from partners.domain.scope import ViewScope
from partners.storage.duckdb.history import at_moment
from partners.storage.duckdb.queries import _CLOSED, _cutoff, _visible_cte

#: The recorded tables the read touches (read as they stood at ``as_of`` when it is set).
_TABLES = ("commitments", "commitment_partners", "commitment_countries", "commitment_items", "progress_updates",
           "partners", "events")


class CountryCommitmentRows:
    """Mixed into ``DuckDBStore`` (whose ``query_rows`` it uses)."""

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    def country_commitment_rows(self, scope: ViewScope, country: str) -> list[dict[str, Any]]:
        """The commitments naming ``country`` that the scope may see, newest first, each with: id, title,
        made_on (its event's date), deadline, review_state, visibility, embargo_until, reported_status
        (latest of any source), self_reported_status, verified_status (latest of each source), last_report,
        not_reporting (as in ``commitments``), updates (every live progress update as {report_date, status},
        oldest first), partners (each as {id, name, stakeholder_type, hq_country, role}, lead partners
        first) and item_keys (the framework items it is linked to)."""
        vis, params = _visible_cte(
            scope, within="SELECT commitment_id AS id FROM commitment_countries WHERE country_code = $country"
        )
        params |= {"country": country, "cutoff": _cutoff(scope), "closed": _CLOSED}
        sql = f"""WITH {vis},
        latest AS (
            SELECT commitment_id,
                   arg_max(status, struct_pack(d := report_date, i := id)) AS reported_status,
                   arg_max(status, struct_pack(d := report_date, i := id))
                       FILTER (WHERE source = 'self_reported') AS self_reported_status,
                   arg_max(status, struct_pack(d := report_date, i := id))
                       FILTER (WHERE source = 'verified') AS verified_status,
                   max(report_date) AS last_report,
                   list(struct_pack(report_date := report_date, status := status) ORDER BY report_date, id)
                       AS updates
            FROM progress_updates
            WHERE deleted_at IS NULL AND commitment_id IN (SELECT id FROM visible)
            GROUP BY commitment_id
        ),
        who AS (
            SELECT cp.commitment_id,
                   list(struct_pack(id := p.id, name := p.name, stakeholder_type := p.stakeholder_type,
                                    hq_country := p.hq_country, role := cp.role)
                        ORDER BY cp.role <> 'lead', p.name, p.id) AS partners
            FROM commitment_partners cp JOIN partners p ON p.id = cp.partner_id AND p.deleted_at IS NULL
            WHERE cp.commitment_id IN (SELECT id FROM visible)
            GROUP BY cp.commitment_id
        ),
        items AS (
            SELECT commitment_id, list(item_key ORDER BY item_key) AS item_keys
            FROM commitment_items WHERE commitment_id IN (SELECT id FROM visible)
            GROUP BY commitment_id
        )
        SELECT c.id, c.title, e.date AS made_on, c.deadline, c.review_state, c.visibility, c.embargo_until,
               l.reported_status, l.self_reported_status, l.verified_status, l.last_report,
               (l.last_report IS NULL OR l.last_report < $cutoff)
                   AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting,
               coalesce(l.updates, []) AS updates, coalesce(w.partners, []) AS partners,
               coalesce(i.item_keys, []) AS item_keys
        FROM commitments c JOIN visible v ON v.id = c.id
        LEFT JOIN events e ON e.id = c.event_id AND e.deleted_at IS NULL
        LEFT JOIN latest l ON l.commitment_id = c.id
        LEFT JOIN who w ON w.commitment_id = c.id
        LEFT JOIN items i ON i.commitment_id = c.id
        ORDER BY e.date DESC NULLS LAST, c.id DESC"""  # noqa: S608 (only the visibility CTE is formatted in)
        return self.query_rows(*at_moment(sql, params, scope.as_of, _TABLES))
