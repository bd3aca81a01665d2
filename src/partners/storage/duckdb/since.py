"""The rows behind "Since the last summit": what changed between two moments, for one viewer.

Each moment's state is read from the history tables as it stood then (``history.at_moment``), under the one
visibility rule (``queries._visible_cte``, counting: withdrawn commitments left out) judged at that moment:
which commitments the viewer would have been shown, their latest reported status and whether they were
reporting. The two states are compared in one statement; every value is a parameter.

Mixed into ``DuckDBStore``.
"""

from __future__ import annotations

import re
from typing import Any

from partners.domain.scope import ViewScope
from partners.storage.duckdb.history import at_moment
from partners.storage.duckdb.queries import _CLOSED, _cutoff, _visible_cte

#: The recorded tables a moment's state reads (as they stood at that moment when it is in the past).
#: A partner's stakeholder type is read as it is now (``live_partners``): a partner's kind does not change
#: with time, and records loaded with their dates (the demo's) have partners made only when loaded.
_TABLES = ("commitments", "commitment_partners", "commitment_countries", "commitment_items", "progress_updates")

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _suffixed(sql: str, params: dict[str, Any], suffix: str) -> tuple[str, dict[str, Any]]:
    """``sql`` with each of its parameters renamed ``<name>_<suffix>``, so that two moments' reads, each
    with its own ``$as_of`` and ``$v_now``, sit in one statement."""
    renamed = _PARAM.sub(lambda m: f"${m.group(1)}_{suffix}" if m.group(1) in params else m.group(0), sql)
    return renamed, {f"{k}_{suffix}": v for k, v in params.items()}


def _state(scope: ViewScope, suffix: str, *, whole: bool) -> tuple[str, dict[str, Any]]:
    """One moment's state: each commitment the scope is shown then (not withdrawn), with complete, stalled
    and overdue (no report for a reporting cycle, not closed) as of then, its partners and its countries and,
    when ``whole`` (the end's state, which the breakdowns read), its partners' stakeholder types and its
    framework items, all as they stood then (a partner's stakeholder type: as it is now)."""
    vis, params = _visible_cte(scope, counting=True)
    params |= {"cutoff": _cutoff(scope), "closed": _CLOSED}
    if whole:
        types = (",\n                   list(DISTINCT p.stakeholder_type) FILTER (WHERE p.stakeholder_type IS NOT NULL)"
                 " AS types")
        join_types = " LEFT JOIN partners p ON p.id = cp.partner_id"
        items = ("SELECT commitment_id, list(item_key ORDER BY item_key) AS item_keys FROM commitment_items"
                 " WHERE commitment_id IN (SELECT id FROM visible) GROUP BY commitment_id")
    else:
        types = ", []::VARCHAR[] AS types"
        join_types = ""
        items = "SELECT NULL::INTEGER AS commitment_id, []::VARCHAR[] AS item_keys WHERE false"
    sql = f"""WITH {vis},
        latest AS (
            SELECT commitment_id,
                   arg_max(status, struct_pack(d := report_date, i := id)) AS reported_status,
                   max(report_date) AS last_report
            FROM progress_updates
            WHERE deleted_at IS NULL AND commitment_id IN (SELECT id FROM visible)
            GROUP BY commitment_id
        ),
        who AS (
            SELECT cp.commitment_id, list(cp.partner_id ORDER BY cp.partner_id) AS partner_ids{types}
            FROM commitment_partners cp{join_types}
            WHERE cp.commitment_id IN (SELECT id FROM visible)
            GROUP BY cp.commitment_id
        ),
        wher AS (
            SELECT commitment_id, list(country_code ORDER BY country_code) AS country_codes
            FROM commitment_countries WHERE commitment_id IN (SELECT id FROM visible)
            GROUP BY commitment_id
        ),
        items AS ({items})
        SELECT v.id,
               coalesce(l.reported_status = 'complete', false) AS complete,
               coalesce(l.reported_status = 'stalled', false) AS stalled,
               (l.last_report IS NULL OR l.last_report < $cutoff)
                   AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS overdue,
               coalesce(w.partner_ids, []) AS partner_ids, coalesce(w.types, []) AS types,
               coalesce(k.country_codes, []) AS country_codes, coalesce(i.item_keys, []) AS item_keys
        FROM visible v
        LEFT JOIN latest l ON l.commitment_id = v.id
        LEFT JOIN who w ON w.commitment_id = v.id
        LEFT JOIN wher k ON k.commitment_id = v.id
        LEFT JOIN items i ON i.commitment_id = v.id"""  # noqa: S608 (only the visibility CTE is formatted in)
    return _suffixed(*at_moment(sql, params, scope.as_of, _TABLES), suffix)


class SinceRows:
    """The since-the-last-summit read (``query_rows`` is the store's)."""

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    def changes_between(
        self, before: ViewScope, after: ViewScope, target_framework: str | None
    ) -> list[dict[str, Any]]:
        """What changed from the moment of ``before`` (its ``as_of``) to that of ``after`` (``as_of``; None:
        now), each moment read for its own scope: rows of (kind, key, commitments, countries).

        kind ``total`` (countries: null), key: ``new`` (shown at ``after``, not at ``before``), ``new_joint``
        (new, with more than one partner), ``newly_complete`` (complete at ``after``, not complete or not
        shown at ``before``), ``newly_stalled``, ``newly_overdue`` (likewise), ``new_partners`` and
        ``new_countries`` (how many partners and countries the new commitments name), ``engaged_partners``
        and ``engaged_countries`` (named by a commitment shown at ``after`` and by none at ``before``: their
        first commitment in the window);
        kind ``new_by_type``: key a stakeholder type, new commitments with a partner of that type;
        kind ``new_by_region`` and ``complete_by_region``: key a region, new (newly complete) commitments
        naming a country of it and how many of its countries they name;
        kind ``complete_by_target``: key a target of ``target_framework`` (a commitment linked to one of its
        goals addresses it too), newly complete commitments addressing it."""
        sql_a, params_a = _state(before, "a", whole=False)
        sql_b, params_b = _state(after, "b", whole=True)
        params = params_a | params_b | {"target_fw": target_framework or ""}
        sql = f"""WITH a AS ({sql_a}),
        b AS ({sql_b}),
        ch AS (
            SELECT b.*, a.id IS NULL AS is_new,
                   b.complete AND NOT coalesce(a.complete, false) AS newly_complete,
                   b.stalled AND NOT coalesce(a.stalled, false) AS newly_stalled,
                   b.overdue AND NOT coalesce(a.overdue, false) AS newly_overdue
            FROM b LEFT JOIN a ON a.id = b.id
        ),
        partners_a AS (SELECT DISTINCT unnest(partner_ids) AS partner_id FROM a),
        partners_b AS (SELECT DISTINCT unnest(partner_ids) AS partner_id FROM b),
        countries_a AS (SELECT DISTINCT unnest(country_codes) AS code FROM a),
        countries_b AS (SELECT DISTINCT unnest(country_codes) AS code FROM b),
        placed AS (
            SELECT ch.id, ch.is_new, ch.newly_complete, k.code, k.region
            FROM (SELECT id, is_new, newly_complete, unnest(country_codes) AS code FROM ch
                  WHERE is_new OR newly_complete) ch
            JOIN countries k ON k.code = ch.code
        ),
        targets AS (
            SELECT coalesce(fi.parent_key, fi.key) AS target, ch.id
            FROM (SELECT id, unnest(item_keys) AS item_key FROM ch WHERE newly_complete) ch
            JOIN framework_items fi ON fi.key = ch.item_key AND fi.framework_id = $target_fw
        )
        SELECT 'total' AS kind, 'new' AS key, count(*) FILTER (WHERE is_new) AS commitments,
               NULL::BIGINT AS countries FROM ch
        UNION ALL SELECT 'total', 'new_joint', count(*) FILTER (WHERE is_new AND len(partner_ids) > 1), NULL FROM ch
        UNION ALL SELECT 'total', 'newly_complete', count(*) FILTER (WHERE newly_complete), NULL FROM ch
        UNION ALL SELECT 'total', 'newly_stalled', count(*) FILTER (WHERE newly_stalled), NULL FROM ch
        UNION ALL SELECT 'total', 'newly_overdue', count(*) FILTER (WHERE newly_overdue), NULL FROM ch
        UNION ALL SELECT 'total', 'new_partners',
               (SELECT count(DISTINCT p) FROM (SELECT unnest(partner_ids) AS p FROM ch WHERE is_new)), NULL
        UNION ALL SELECT 'total', 'new_countries',
               (SELECT count(DISTINCT k) FROM (SELECT unnest(country_codes) AS k FROM ch WHERE is_new)), NULL
        UNION ALL SELECT 'total', 'engaged_partners',
               (SELECT count(*) FROM partners_b WHERE partner_id NOT IN (SELECT partner_id FROM partners_a)), NULL
        UNION ALL SELECT 'total', 'engaged_countries',
               (SELECT count(*) FROM countries_b WHERE code NOT IN (SELECT code FROM countries_a)), NULL
        UNION ALL SELECT 'new_by_type', t, count(DISTINCT id), NULL
            FROM (SELECT id, unnest(types) AS t FROM ch WHERE is_new) GROUP BY t
        UNION ALL SELECT 'new_by_region', region, count(DISTINCT id), count(DISTINCT code)
            FROM placed WHERE is_new GROUP BY region
        UNION ALL SELECT 'complete_by_region', region, count(DISTINCT id), count(DISTINCT code)
            FROM placed WHERE newly_complete GROUP BY region
        UNION ALL SELECT 'complete_by_target', target, count(DISTINCT id), NULL FROM targets GROUP BY target
        """  # noqa: S608 (only this module's SQL is formatted in; every value is a parameter)
        return self.query_rows(sql, params)
