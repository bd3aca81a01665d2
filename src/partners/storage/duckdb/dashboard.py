"""The dashboard's reads: the Overview's figures for a ``ViewScope`` narrowed by a ``DashboardFilter``.

Every read starts from the same two CTEs: ``visible`` (the one visibility rule, withdrawn commitments left
out) and ``picked`` (the visible commitments the filter keeps), plus ``places`` (the countries the filter
keeps). All values are parameters; only constant SQL is put together here.

At a past moment (``scope.as_of``) every read runs over the recorded tables as they stood then
(``history.at_moment``), and each commitment's latest status, which ``commitment_status`` keeps current on
write, is computed from the progress updates as they stood then by the same definition (``STATUS_OF``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from partners.domain.dashboard import DashboardFilter
from partners.domain.scope import ViewScope
from partners.storage.duckdb.history import at_moment
from partners.storage.duckdb.queries import _CLOSED, _cutoff, _with
from partners.storage.duckdb.scorecards import ACTIVE_SIGNOFFS
from partners.storage.duckdb.status import STATUS_OF

#: The recorded tables the dashboard reads as they stood at ``scope.as_of``. A partner's stakeholder type is read
#: as it is now (as "Since the last summit" reads it), and so is an event's date: neither changes with time, and
#: records loaded with their dates (the demo's) have partners and events made only when loaded.
_TABLES = ("countries", "commitments", "commitment_partners", "commitment_countries", "commitment_items",
           "progress_updates")


def at_scope(sql: str, params: dict[str, Any], scope: ViewScope) -> tuple[str, dict[str, Any]]:
    """A dashboard read (``picked_cte`` and what follows) as it reads at ``scope.as_of`` (now: unchanged)."""
    return at_moment(sql, params, scope.as_of, _TABLES)


def picked_cte(scope: ViewScope, flt: DashboardFilter) -> tuple[str, dict[str, Any]]:
    """``WITH visible, places(code), picked(id, is_global, made_on)``: the commitments of the view (and, at
    ``scope.as_of``, ``commitment_status`` as it was then). Run what follows through ``at_scope``."""
    within = ("SELECT DISTINCT commitment_id AS id FROM commitment_items WHERE item_key = $item"
              if flt.item_key else None)
    head, params = _with(scope, counting=True, within=within)
    place = [sql for given, sql in ((flt.regions, "list_contains($regions, k.region)"),
                                    (flt.north is not None, "k.global_north = $north")) if given]
    place_sql = " AND ".join(place) or "true"
    made = "coalesce(e.date, c.start_date, CAST(c.created_at AS DATE))"
    conditions = [
        sql
        for given, sql in (
            (place, "EXISTS (SELECT 1 FROM commitment_countries cc JOIN places p ON p.code = cc.country_code"
                    " WHERE cc.commitment_id = c.id)"),
            (flt.stakeholder_types, "EXISTS (SELECT 1 FROM commitment_partners cp JOIN partners p"
                                    " ON p.id = cp.partner_id WHERE cp.commitment_id = c.id"
                                    " AND list_contains($types, p.stakeholder_type))"),
            (flt.event_ids, "list_contains($events, c.event_id)"),
            (flt.made_from, f"{made} >= $made_from"),
            (flt.made_to, f"{made} <= $made_to"),
        )
        if given
    ]  # fmt: skip
    params |= {
        **({"item": flt.item_key} if flt.item_key else {}),
        **({"regions": list(flt.regions)} if flt.regions else {}),
        **({"north": flt.north} if flt.north is not None else {}),
        **({"types": list(flt.stakeholder_types)} if flt.stakeholder_types else {}),
        **({"events": [int(i) for i in flt.event_ids]} if flt.event_ids else {}),
        **({"made_from": flt.made_from} if flt.made_from else {}),
        **({"made_to": flt.made_to} if flt.made_to else {}),
    }
    # at a past moment: each picked commitment's status as ``commitment_status`` held it then
    status = (f""",
    commitment_status AS ({STATUS_OF.format(where="commitment_id IN (SELECT id FROM picked)")})"""
              if scope.as_of is not None else "")
    sql = f"""{head},
    places AS (SELECT k.code FROM countries k WHERE {place_sql}),
    picked AS (
        SELECT c.id, c.is_global, {made} AS made_on
        FROM commitments c JOIN visible v ON v.id = c.id LEFT JOIN events e ON e.id = c.event_id
        WHERE {" AND ".join(conditions) or "true"}
    ){status}"""  # noqa: S608 (constants only; every value is a parameter)
    return sql, params


#: The members of each breakdown's groups: (key, id), one row per commitment in a group.
_MEMBERS = {
    "stakeholder_type": """SELECT DISTINCT p.stakeholder_type AS key, g.id FROM picked g
        JOIN commitment_partners cp ON cp.commitment_id = g.id JOIN partners p ON p.id = cp.partner_id""",
    "status": """SELECT coalesce(l.reported_status, 'not_reported') AS key, g.id FROM picked g
        LEFT JOIN commitment_status l ON l.commitment_id = g.id""",
    "year": "SELECT CAST(year(g.made_on) AS INTEGER) AS key, g.id FROM picked g",
    # a region's group: the commitments naming one of its countries (of ``places``)
    "region": """SELECT DISTINCT k.region AS key, g.id FROM picked g
        JOIN commitment_countries cc ON cc.commitment_id = g.id JOIN countries k ON k.code = cc.country_code
        JOIN places p ON p.code = k.code""",
}


def grouped(members: str, keys: tuple[str, ...], *, countries: bool, of_region: bool = False) -> str:
    """Counts per group of ``members`` (SQL of rows (``keys``..., id), distinct): ``commitments``,
    ``global`` (how many serve every country) and, when ``countries``, how many countries of ``places``
    the group's commitments name (else 0: only the public's figures need it, to hold small groups back);
    ``of_region``: only those of the group's region (the key)."""
    cols = ", ".join(f"m.{k}" for k in keys)
    on = " AND ".join(f"n.{k} IS NOT DISTINCT FROM m.{k}" for k in keys)
    region = " JOIN countries k ON k.code = cc.country_code AND k.region = m.key" if of_region else ""
    named = f"""LEFT JOIN (
            SELECT {cols}, count(DISTINCT cc.country_code) AS countries
            FROM members m JOIN commitment_countries cc ON cc.commitment_id = m.id
            JOIN places p ON p.code = cc.country_code{region} GROUP BY ALL
        ) n ON {on}""" if countries else ""
    return f""", members AS ({members})
        SELECT {cols}, count(*) AS commitments, count(*) FILTER (WHERE g.is_global) AS global,
               {"coalesce(any_value(n.countries), 0)" if countries else "0"} AS countries
        FROM members m JOIN picked g ON g.id = m.id {named}
        GROUP BY ALL ORDER BY ALL"""


class DashboardRows:
    """The dashboard's reads, mixed into ``DuckDBStore``."""

    def query_df(self, sql: str, params: Any = ()) -> pd.DataFrame:  # provided by the store
        raise NotImplementedError

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    def dashboard_headline(self, scope: ViewScope, flt: DashboardFilter) -> dict[str, int]:
        """The headline figures of the view (``HEADLINE_DEFINITIONS``), counting the picked commitments;
        ``countries``: the countries of ``places`` they name."""
        head, params = picked_cte(scope, flt)
        params |= {"cutoff": _cutoff(scope), "closed": _CLOSED}
        sql = f"""{head},
        base AS (
            SELECT g.id, g.is_global, l.reported_status, l.verified_status, l.last_report,
                   coalesce(j.n, 0) AS n_partners
            FROM picked g LEFT JOIN commitment_status l ON l.commitment_id = g.id
            LEFT JOIN (SELECT cp.commitment_id, count(*) AS n FROM commitment_partners cp
                       JOIN picked g1 ON g1.id = cp.commitment_id GROUP BY 1) j ON j.commitment_id = g.id
        )
        SELECT
            count(*) AS commitments,
            count(*) FILTER (WHERE n_partners > 1) AS joint,
            count(*) FILTER (WHERE is_global) AS global,
            count(*) FILTER (WHERE verified_status IS NOT NULL) AS verified,
            count(*) FILTER (WHERE reported_status IS NOT NULL AND verified_status IS NULL) AS self_reported_only,
            count(*) FILTER (WHERE (last_report IS NULL OR last_report < $cutoff)
                              AND NOT list_contains($closed, coalesce(reported_status, ''))) AS not_reporting,
            count(*) FILTER (WHERE reported_status = 'complete') AS complete,
            count(*) FILTER (WHERE verified_status = 'complete') AS complete_verified,
            (SELECT count(DISTINCT cp.partner_id) FROM commitment_partners cp JOIN picked g2
                ON g2.id = cp.commitment_id) AS partners,
            (SELECT count(DISTINCT cc.country_code) FROM commitment_countries cc JOIN picked g3
                ON g3.id = cc.commitment_id JOIN places p ON p.code = cc.country_code) AS countries,
            (SELECT count(*) FROM countries k JOIN places p ON p.code = k.code WHERE k.member) AS member_countries
        FROM base
        """  # noqa: S608 (constants only)
        row = self.query_rows(*at_scope(sql, params, scope))[0]
        return {k: int(v or 0) for k, v in row.items()}

    def dashboard_breakdown(
        self, scope: ViewScope, flt: DashboardFilter, by: str, *, countries: bool = True
    ) -> pd.DataFrame:
        """The view's commitments by ``stakeholder_type``, ``status``, ``year`` or ``region`` (a joint or
        multi-country commitment counts once in each group): ``key``, ``commitments``, ``global``,
        ``countries`` (named, of ``places``; 0 unless ``countries``); by key."""
        if by not in _MEMBERS:
            raise ValueError(f"unknown breakdown {by}")
        head, params = picked_cte(scope, flt)
        return self.query_df(*at_scope(
            head + grouped(_MEMBERS[by], ("key",), countries=countries, of_region=by == "region"), params, scope))

    def dashboard_countries(
        self, scope: ViewScope, flt: DashboardFilter, capability_keys: list[str]
    ) -> pd.DataFrame:
        """Every country of ``places`` with the view's commitments naming it (``commitments``), those
        reported ``complete`` and those ``verified``, and ``assessed``: how many of ``capability_keys`` (the
        current MNR's) the country's published scorecard (its sign-off in force) assesses. By name."""
        head, params = picked_cte(scope, flt)
        params |= {"caps": capability_keys, "at": scope.as_of}
        sql = f"""{head}, {ACTIVE_SIGNOFFS},
        named AS (
            SELECT cc.country_code AS code, count(*) AS commitments,
                   count(*) FILTER (WHERE l.reported_status = 'complete') AS complete,
                   count(*) FILTER (WHERE l.verified_status IS NOT NULL) AS verified
            FROM picked g JOIN commitment_countries cc ON cc.commitment_id = g.id
            LEFT JOIN commitment_status l ON l.commitment_id = g.id GROUP BY 1
        ),
        assessed AS (
            SELECT s.country_code AS code, count(DISTINCT x.capability_key) AS assessed
            FROM active_signoffs s JOIN signed_assessments x ON x.signoff_id = s.id
            WHERE list_contains($caps, x.capability_key) GROUP BY 1
        )
        SELECT k.code, k.name, k.numeric, k.region, k.global_north, k.member,
               coalesce(n.commitments, 0) AS commitments, coalesce(n.complete, 0) AS complete,
               coalesce(n.verified, 0) AS verified, coalesce(a.assessed, 0) AS assessed
        FROM countries k JOIN places p ON p.code = k.code
        LEFT JOIN named n ON n.code = k.code LEFT JOIN assessed a ON a.code = k.code
        ORDER BY k.name"""  # noqa: S608 (constants only)
        return self.query_df(*at_scope(sql, params, scope))

    def dashboard_item_types(
        self, scope: ViewScope, flt: DashboardFilter, item_keys: list[str], *, countries: bool = True
    ) -> pd.DataFrame:
        """The view's commitments linked to each of ``item_keys``, by the stakeholder type of their partners
        (a joint commitment counts once for each type in it): ``item``, ``type``, ``commitments``,
        ``global``, ``countries`` (as ``dashboard_breakdown``). Pairs without any commitment have no row."""
        head, params = picked_cte(scope, flt)
        params["wanted_items"] = item_keys
        members = """SELECT DISTINCT ci.item_key AS item, p.stakeholder_type AS type, g.id FROM picked g
            JOIN commitment_items ci ON ci.commitment_id = g.id AND list_contains($wanted_items, ci.item_key)
            JOIN commitment_partners cp ON cp.commitment_id = g.id JOIN partners p ON p.id = cp.partner_id"""
        return self.query_df(*at_scope(head + grouped(members, ("item", "type"), countries=countries), params, scope))

    def dashboard_group_status(
        self, scope: ViewScope, flt: DashboardFilter, item_keys: list[str], groups: list[str], *,
        countries: bool = True,
    ) -> pd.DataFrame:
        """The view's commitments linked to items, gathered in groups (``item_keys[i]`` belongs to
        ``groups[i]``; a commitment counts once per group), by latest reported status: ``key`` (the group),
        ``status``, ``commitments``, ``global``, ``countries`` (as ``dashboard_breakdown``)."""
        head, params = picked_cte(scope, flt)
        params |= {"group_items": item_keys, "group_keys": groups}
        members = """SELECT DISTINCT t.key, coalesce(l.reported_status, 'not_reported') AS status, g.id
            FROM picked g JOIN commitment_items ci ON ci.commitment_id = g.id
            JOIN (SELECT unnest($group_items) AS item_key, unnest($group_keys) AS key) t ON t.item_key = ci.item_key
            LEFT JOIN commitment_status l ON l.commitment_id = g.id"""
        return self.query_df(*at_scope(head + grouped(members, ("key", "status"), countries=countries), params,
                                       scope))
