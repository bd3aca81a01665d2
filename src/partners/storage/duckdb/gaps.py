"""The rows behind the scorecard's "Gaps" section: the templates of a framework's items, the visible
commitments for some countries linked to some framework items, and the commitments already made from a
gap's suggestion (so that one click twice does not store two drafts).

Mixed into ``DuckDBStore``; every value is a parameter, and the commitments are filtered by the one
visibility rule (``queries._visible_cte``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from partners.domain.scope import ViewScope
from partners.storage.duckdb.history import at_moment
from partners.storage.duckdb.queries import _CLOSED, _cutoff, _visible_cte, latest_cte

#: The ids of the commitments naming one of ``$g_countries`` and linked to one of ``$g_items``: the only ones the
#: visibility rule is applied to.
_NAMING_AND_LINKED = (
    "SELECT cc.commitment_id AS id FROM commitment_countries cc"
    " JOIN commitment_items ci ON ci.commitment_id = cc.commitment_id"
    " WHERE list_contains($g_countries, cc.country_code) AND list_contains($g_items, ci.item_key)"
    " GROUP BY cc.commitment_id"
)


class GapRows:
    """The gaps section's queries (``query_rows`` is the store's)."""

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    def framework_item_extras(self, framework_id: str) -> list[dict[str, Any]]:
        """Every item of one framework with its ``extra`` (a dict; {} when none): key, code, kind, name,
        summary, extra, in the framework's order."""
        rows = self.query_rows(
            "SELECT key, code, kind, name, summary, extra FROM framework_items"
            " WHERE framework_id = $fw ORDER BY ordinal, code",
            {"fw": framework_id},
        )
        for row in rows:
            extra = row["extra"]
            row["extra"] = json.loads(extra) if isinstance(extra, str) and extra else (extra or {})
        return rows

    def linked_commitments(
        self, scope: ViewScope, countries: Sequence[str], item_keys: Sequence[str], *, newest: int | None = None
    ) -> list[dict[str, Any]]:
        """The commitments ``scope`` may see that name one of ``countries`` and link to one of ``item_keys``:
        one row per (commitment, such country, such item) with id, title, review_state, visibility,
        embargo_until, reported_status (latest of any source, null: none), verified_status, not_reporting,
        country_code, item_key and partners (their names, the lead first). Newest commitment first. At
        ``scope.as_of``: as they stood then, under the same rule. ``newest``: only commitments that count (not
        withdrawn, not under embargo at ``scope.now``), the newest ``newest`` of them per item, so that a
        handful of examples never reads every commitment of a region."""
        if not countries or not item_keys:
            return []
        vis, params = _visible_cte(scope, within=_NAMING_AND_LINKED)
        params |= {
            "g_countries": sorted(set(countries)), "g_items": sorted(set(item_keys)),
            "cutoff": _cutoff(scope), "closed": _CLOSED,
        }
        if newest is None:
            chosen = "chosen AS (SELECT id FROM visible)"
        else:
            params |= {"newest": newest, "g_now": scope.now}
            chosen = """chosen AS (
            SELECT DISTINCT id FROM (
                SELECT c.id FROM visible v JOIN commitments c ON c.id = v.id
                JOIN commitment_items ci ON ci.commitment_id = c.id AND list_contains($g_items, ci.item_key)
                WHERE c.review_state <> 'withdrawn' AND (c.embargo_until IS NULL OR c.embargo_until <= $g_now)
                QUALIFY row_number() OVER (PARTITION BY ci.item_key ORDER BY c.id DESC) <= $newest
            ))"""
        sql = f"""WITH {vis},
        {chosen},
        {latest_cte("chosen")},
        names AS (
            SELECT cp.commitment_id,
                   string_agg(p.name, ', ' ORDER BY cp.role = 'lead' DESC, p.name) AS partners
            FROM commitment_partners cp JOIN partners p ON p.id = cp.partner_id
            WHERE cp.commitment_id IN (SELECT id FROM chosen)
            GROUP BY cp.commitment_id
        )
        SELECT c.id, c.title, c.review_state, c.visibility, c.embargo_until,
               l.reported_status, l.verified_status,
               (l.last_report IS NULL OR l.last_report < $cutoff)
                   AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting,
               cc.country_code, ci.item_key, coalesce(n.partners, '') AS partners
        FROM chosen v
        JOIN commitments c ON c.id = v.id
        JOIN commitment_countries cc ON cc.commitment_id = c.id AND list_contains($g_countries, cc.country_code)
        JOIN commitment_items ci ON ci.commitment_id = c.id AND list_contains($g_items, ci.item_key)
        LEFT JOIN latest l ON l.commitment_id = c.id
        LEFT JOIN names n ON n.commitment_id = c.id
        ORDER BY c.id DESC, cc.country_code, ci.item_key"""  # noqa: S608 (only the visibility CTE is formatted in)
        return self.query_rows(*at_moment(
            sql, params, scope.as_of,
            ("commitments", "commitment_partners", "commitment_countries", "commitment_items",
             "progress_updates", "partners"),
        ))

    def linked_commitment_items(
        self, scope: ViewScope, countries: Sequence[str], item_keys: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The (id, item_key) pairs of the commitments ``scope`` may see that name one of ``countries``, link to
        one of ``item_keys`` and count (not withdrawn, not under embargo at ``scope.now``): how many there
        are per item, without reading their progress. At ``scope.as_of``: as they stood then."""
        if not countries or not item_keys:
            return []
        vis, params = _visible_cte(scope, within=_NAMING_AND_LINKED)
        params |= {"g_countries": sorted(set(countries)), "g_items": sorted(set(item_keys)), "g_now": scope.now}
        sql = f"""WITH {vis}
        SELECT DISTINCT c.id, ci.item_key FROM visible v JOIN commitments c ON c.id = v.id
        JOIN commitment_items ci ON ci.commitment_id = c.id AND list_contains($g_items, ci.item_key)
        WHERE c.review_state <> 'withdrawn' AND (c.embargo_until IS NULL OR c.embargo_until <= $g_now)
        ORDER BY c.id DESC, ci.item_key"""  # noqa: S608 (only the visibility CTE is formatted in)
        return self.query_rows(*at_moment(
            sql, params, scope.as_of,
            ("commitments", "commitment_partners", "commitment_countries", "commitment_items"),
        ))

    def commitments_linked_to_all(self, country: str, item_keys: Sequence[str]) -> list[dict[str, Any]]:
        """The live (not deleted), not withdrawn commitments naming ``country`` and linked to every one of
        ``item_keys``, whoever may see them: id, title, review_state. For the use case's own check (one
        suggestion turned into a draft twice), never shown as a list."""
        keys = sorted(set(item_keys))
        if not keys:
            return []
        return self.query_rows(
            "SELECT c.id, c.title, c.review_state FROM commitments c"
            " JOIN commitment_countries cc ON cc.commitment_id = c.id AND cc.country_code = $country"
            " WHERE c.deleted_at IS NULL AND c.review_state <> 'withdrawn'"
            " AND (SELECT count(DISTINCT ci.item_key) FROM commitment_items ci"
            "      WHERE ci.commitment_id = c.id AND list_contains($keys, ci.item_key)) = $n"
            " ORDER BY c.id",
            {"country": country, "keys": keys, "n": len(keys)},
        )
