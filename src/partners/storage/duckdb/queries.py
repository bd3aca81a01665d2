"""Read models: the SQL behind every view, parameterised, always filtered by a ``ViewScope``.

The service layer (``partners.services.read``) derives the ViewScope from the acting user; nothing here
decides who may see what, it only applies the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pandas as pd

from partners.domain.dashboard import EVERYTHING
from partners.domain.model import CLOSED_STATUSES
from partners.domain.scope import CommitmentFilter, ViewScope
from partners.storage.duckdb.history import at_moment
from partners.storage.duckdb.scorecards import ACTIVE_SIGNOFFS, at
from partners.storage.port import WorklistRows


def _visible_cte(
    scope: ViewScope, *, counting: bool = False, within: str | None = None
) -> tuple[str, dict[str, Any]]:
    """``visible(id)``: the commitments this scope may see. The one definition of who sees a commitment:

    - the secretariat (``everything``): every live commitment, in any state, embargoed or not;
    - the contributors of a commitment's own partners: it once submitted, embargoed or withdrawn included;
    - focal points of one of its countries: it once submitted, unless withdrawn or still under embargo;
    - members and the public: it once published and its embargo lifted, if shared with them.

    When ``counting`` (headline figures and breakdowns), withdrawn commitments are left out even for the
    secretariat. ``within``: SQL giving the ids of the only commitments asked about (a country's, a partner's,
    given ones), so that the rule is applied to those alone, not to every commitment in the database.
    """
    rule, params = _visible_rule(scope, counting=counting)
    narrowed = f" JOIN ({within}) w ON w.id = c.id" if within else ""
    sql = f"""
    visible AS (
        SELECT c.id FROM commitments c{narrowed}
        WHERE {rule}
    )"""
    return sql, params


def _visible_rule(scope: ViewScope, *, counting: bool = False) -> tuple[str, dict[str, Any]]:
    """The condition on a row ``c`` of ``commitments`` that ``_visible_cte`` applies (live, and visible to this
    scope as it says), for a query that reads the commitments' own columns in the same pass."""
    # The rule's parts that cannot apply to this scope (no partners, no countries of its own) are left out of
    # the SQL, so the query is planned for the rule this viewer has: the same rows, planned in less time.
    own_partners = """(c.review_state <> 'draft' AND EXISTS (
                SELECT 1 FROM commitment_partners cp
                WHERE cp.commitment_id = c.id AND list_contains($v_partners, cp.partner_id)))"""
    own_countries = """ OR (c.review_state NOT IN ('draft', 'withdrawn') AND EXISTS (
                    SELECT 1 FROM commitment_countries cc
                    WHERE cc.commitment_id = c.id AND list_contains($v_countries, cc.country_code)))"""
    shared = f"""((c.embargo_until IS NULL OR c.embargo_until <= $v_now) AND (
                (c.review_state = 'published'
                    AND (c.visibility = 'public' OR ($v_members AND c.visibility = 'members'))){
                    own_countries if scope.countries else ""}))"""
    rule = "true" if scope.everything else " OR ".join([*([own_partners] if scope.partners else []), shared])
    withdrawn = " AND c.review_state <> 'withdrawn'" if counting else ""
    params: dict[str, Any] = {}
    if not scope.everything:
        params |= {"v_now": scope.now, "v_members": scope.members}
        params |= {"v_countries": sorted(scope.countries)} if scope.countries else {}
        params |= {"v_partners": sorted(scope.partners)} if scope.partners else {}
    return f"c.deleted_at IS NULL{withdrawn} AND ({rule})", params


def _with(
    scope: ViewScope, *, counting: bool = False, within: str | None = None
) -> tuple[str, dict[str, Any]]:
    """``WITH visible AS (...)``; each commitment's status is the table ``commitment_status`` (kept current on
    write from ``status.STATUS_OF``), joined as ``l``."""
    vis, params = _visible_cte(scope, counting=counting, within=within)
    return f"WITH {vis}", params


#: The columns of a commitment that lists show, read with it in ``_matching`` (over ``c`` and its event ``e``).
_LISTED = (", c.title, c.is_global, e.name AS event, e.date AS event_date, c.deadline, c.visibility,"
           " c.embargo_until, c.smart_level, c.is_demo")

#: What "closed" means (``CLOSED_STATUSES``), as the SQL parameter ``$closed``.
_CLOSED = sorted(s.value for s in CLOSED_STATUSES)


def latest_cte(ids: str) -> str:
    """``latest``: for each commitment of the CTE ``ids`` (a name holding ``id``), its latest reported status
    (of any source), the day of its last report and its latest verified status, from its live progress
    updates (the latest: by report date, then the later record)."""
    return f"""latest AS (
            SELECT commitment_id,
                   arg_max(status, struct_pack(d := report_date, i := id)) AS reported_status,
                   max(report_date) AS last_report,
                   arg_max(status, struct_pack(d := report_date, i := id))
                       FILTER (WHERE source = 'verified') AS verified_status
            FROM progress_updates
            WHERE deleted_at IS NULL AND commitment_id IN (SELECT id FROM {ids})
            GROUP BY commitment_id
        )"""  # noqa: S608 (a CTE name of this package's own SQL)


def _cutoff(scope: ViewScope) -> date:
    """The day before which a last report counts as overdue (``reporting_cycle_months`` back from now)."""
    import calendar

    now = scope.now.date()
    year, month = divmod(now.month - 1 - scope.reporting_cycle_months, 12)
    year, month = now.year + year, month + 1
    return date(year, month, min(now.day, calendar.monthrange(year, month)[1]))


#: What names a record in lists of deleted records, per entity table (SQL expressions over the table).
_RECORD_LABELS = {
    "partner": ("partners", "name"),
    "event": ("events", "name || ' (' || strftime(date, '%Y-%m-%d') || ')'"),
    "commitment": ("commitments", "title"),
    "progress_update": (
        "progress_updates",
        "'Progress of ' || strftime(report_date, '%Y-%m-%d') || ' on commitment ' || commitment_id",
    ),
    "capability_assessment": (
        "capability_assessments",
        "country_code || ', ' || capability_key || ', ' || strftime(assessed_on, '%Y-%m-%d')",
    ),
}


class ReadQueries:
    """The read side of the DuckDB store: every query a view needs, filtered by a ``ViewScope``.

    Mixed into ``DuckDBStore``, whose ``query_df``, ``query_rows`` and ``scalar`` run this package's own SQL
    (they are not part of the port: services never pass SQL).
    """

    def query_df(self, sql: str, params: Any = ()) -> pd.DataFrame:  # provided by the store
        raise NotImplementedError

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def scalar(self, sql: str, params: Any = ()) -> Any:
        raise NotImplementedError

    def commitments(self, scope: ViewScope, flt: CommitmentFilter | None = None) -> pd.DataFrame:
        """One row per visible commitment matching the filter, with partners, countries and status, newest
        first; ``flt.limit`` rows from ``flt.offset`` on (all of them without a limit)."""
        flt = flt or CommitmentFilter()
        if not flt.limit and not flt.offset:
            return self._all_matching(scope, flt)
        head, params = self._matching(scope, flt)
        window = f" LIMIT {int(flt.limit)}" if flt.limit else ""
        window += f" OFFSET {int(flt.offset)}" if flt.offset else ""
        params |= {"cutoff": _cutoff(scope), "closed": _CLOSED}
        # The matching ids are found and ordered first; the rest is joined to the rows asked for only (a page,
        # one country's), partners and countries as the store keeps them in words (``status.NAMES_OF``).
        sql = f"""{head},
        picked AS (SELECT id, made_on FROM matched ORDER BY made_on DESC NULLS LAST, id DESC{window})
        SELECT c.id, c.title, n.partners,
            CASE WHEN c.is_global THEN 'Global' ELSE n.countries END AS countries,
            e.name AS event, e.date AS event_date, c.deadline,
            coalesce(l.reported_status, 'not_reported') AS reported_status,
            l.verified_status, l.last_report,
            (l.last_report IS NULL OR l.last_report < $cutoff)
                AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting,
            c.visibility, c.review_state, c.embargo_until, c.smart_level, c.is_demo
        FROM picked m JOIN commitments c ON c.id = m.id
        LEFT JOIN events e ON e.id = c.event_id
        LEFT JOIN commitment_status l ON l.commitment_id = c.id
        LEFT JOIN commitment_names n ON n.commitment_id = c.id
        ORDER BY m.made_on DESC NULLS LAST, c.id DESC
        """  # noqa: S608 (only constants and whole numbers are formatted in; every value is a parameter)
        return self.query_df(sql, params)

    def _all_matching(self, scope: ViewScope, flt: CommitmentFilter) -> pd.DataFrame:
        """``commitments`` without a window (one country's, one item's, every one): the rows read in the pass
        that matches them. A small read's cost is mostly DuckDB planning it, which grows with each join, so
        the form here joins each table once; the paged form joins the commitments again for one page only."""
        head, params = self._matching(scope, flt, columns=_LISTED)
        params |= {"cutoff": _cutoff(scope), "closed": _CLOSED}
        sql = f"""{head}
        SELECT m.id, m.title, n.partners,
            CASE WHEN m.is_global THEN 'Global' ELSE n.countries END AS countries,
            m.event, m.event_date, m.deadline,
            coalesce(l.reported_status, 'not_reported') AS reported_status,
            l.verified_status, l.last_report,
            (l.last_report IS NULL OR l.last_report < $cutoff)
                AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting,
            m.visibility, m.review_state, m.embargo_until, m.smart_level, m.is_demo
        FROM matched m
        LEFT JOIN commitment_status l ON l.commitment_id = m.id
        LEFT JOIN commitment_names n ON n.commitment_id = m.id
        ORDER BY m.made_on DESC NULLS LAST, m.id DESC
        """  # noqa: S608 (constants only; every value is a parameter)
        return self.query_df(sql, params)

    def count_commitments(self, scope: ViewScope, flt: CommitmentFilter | None = None) -> dict[str, int]:
        """How many visible commitments match the filter (``limit`` and ``offset`` aside): ``commitments``,
        and ``withdrawn`` among them."""
        head, params = self._matching(scope, flt or CommitmentFilter())
        row = self.query_rows(
            f"""{head} SELECT count(*) AS commitments,
                count(*) FILTER (WHERE review_state = 'withdrawn') AS withdrawn FROM matched""",
            params,
        )[0]
        return {k: int(v or 0) for k, v in row.items()}

    def _matching(
        self, scope: ViewScope, flt: CommitmentFilter, *, columns: str = ""
    ) -> tuple[str, dict[str, Any]]:
        """``WITH ... matched(id, made_on, review_state, ...)``: the visible commitments the filter keeps
        (``columns``: more of theirs, SQL over ``c`` and its event ``e``).

        The filters held by link tables (countries, partners, framework items) and given ids narrow the
        commitments first, so one country's list costs what that country holds, not what the database does.
        The visibility rule is applied in the same pass over the commitments (``_visible_rule``).
        """
        narrowing = [
            sql
            for given, sql in (
                (flt.countries, "SELECT DISTINCT commitment_id AS id FROM commitment_countries"
                                " WHERE list_contains($countries, country_code)"),
                (flt.partner_ids, "SELECT DISTINCT commitment_id AS id FROM commitment_partners"
                                  " WHERE list_contains($partner_ids, partner_id)"),
                (flt.item_keys, "SELECT DISTINCT commitment_id AS id FROM commitment_items"
                              " WHERE list_contains($items, item_key)"),
                (flt.ids, "SELECT DISTINCT unnest($ids) AS id"),
            )
            if given
        ]  # fmt: skip
        rule, params = _visible_rule(scope)
        within = " INTERSECT ".join(narrowing)
        narrowed = f" JOIN ({within}) w ON w.id = c.id" if within else ""
        text = flt.text.strip().lower()
        params |= {
            # Matched as a plain substring, case-insensitively: '%' and '_' are characters, not wildcards.
            **({"text": text} if text else {}),
            **({"types": list(flt.stakeholder_types)} if flt.stakeholder_types else {}),
            **({"statuses": list(flt.statuses)} if flt.statuses else {}),
            **({"events": list(flt.event_ids)} if flt.event_ids else {}),
            **({"countries": list(flt.countries)} if flt.countries else {}),
            **({"partner_ids": list(flt.partner_ids)} if flt.partner_ids else {}),
            **({"items": list(flt.item_keys)} if flt.item_keys else {}),
            **({"ids": [int(i) for i in flt.ids]} if flt.ids else {}),
        }
        # Only the conditions of the filters given are written into the query (constants, never values).
        conditions = [
            sql
            for given, sql in (
                (text, "(contains(lower(c.title), $text) OR contains(lower(c.description), $text)"
                       " OR contains(lower(c.deliverable), $text))"),
                (flt.stakeholder_types, "EXISTS (SELECT 1 FROM commitment_partners cp"
                                        " JOIN partners p ON p.id = cp.partner_id WHERE cp.commitment_id = c.id"
                                        " AND list_contains($types, p.stakeholder_type))"),
                (flt.statuses, "list_contains($statuses, coalesce(l.reported_status, 'not_reported'))"),
                (flt.event_ids, "list_contains($events, c.event_id)"),
            )
            if given
        ]  # fmt: skip
        status = " LEFT JOIN commitment_status l ON l.commitment_id = c.id" if flt.statuses else ""
        sql = f"""WITH matched AS (
            SELECT c.id, coalesce(e.date, c.start_date) AS made_on, c.review_state{columns}
            FROM commitments c{narrowed}
            LEFT JOIN events e ON e.id = c.event_id{status}
            WHERE {" AND ".join([rule, *conditions])}
        )"""
        return sql, params

    def is_visible(self, scope: ViewScope, commitment_id: int) -> bool:
        """Whether this scope may see this commitment (the same rule every list and count applies)."""
        vis, params = _visible_cte(scope, within="SELECT $id AS id")  # this one only, not every commitment
        params["id"] = int(commitment_id)
        return bool(self.scalar(f"WITH {vis} SELECT EXISTS (SELECT 1 FROM visible)", params))

    def headline(self, scope: ViewScope) -> dict[str, int]:
        """The headline figures, each counting visible commitments (see ``HEADLINE_DEFINITIONS``): the
        dashboard's, unfiltered (one definition of each figure, in ``dashboard_headline``)."""
        return self.dashboard_headline(scope, EVERYTHING)  # type: ignore[attr-defined]  (the dashboard mixin)

    def breakdown(self, scope: ViewScope, by: str) -> pd.DataFrame:
        """Visible commitments counted by ``stakeholder_type``, ``region``, ``year``, ``status`` or ``framework``.

        A joint or multi-country commitment counts once in each group it belongs to.
        """
        head, params = _with(scope, counting=True)
        selects = {
            "stakeholder_type": """SELECT p.stakeholder_type AS key, count(DISTINCT cp.commitment_id) AS commitments
                FROM commitment_partners cp JOIN visible v ON v.id = cp.commitment_id
                JOIN partners p ON p.id = cp.partner_id GROUP BY 1""",
            "region": """SELECT k.region AS key, count(DISTINCT cc.commitment_id) AS commitments
                FROM commitment_countries cc JOIN visible v ON v.id = cc.commitment_id
                JOIN countries k ON k.code = cc.country_code GROUP BY 1""",
            "year": """SELECT CAST(year(coalesce(e.date, c.start_date, CAST(c.created_at AS DATE))) AS INTEGER) AS key,
                       count(*) AS commitments
                FROM commitments c JOIN visible v ON v.id = c.id LEFT JOIN events e ON e.id = c.event_id GROUP BY 1""",
            "status": """SELECT coalesce(l.reported_status, 'not_reported') AS key, count(*) AS commitments
                FROM visible v LEFT JOIN commitment_status l ON l.commitment_id = v.id GROUP BY 1""",
            "framework": """SELECT f.name AS key, count(DISTINCT ci.commitment_id) AS commitments
                FROM commitment_items ci JOIN visible v ON v.id = ci.commitment_id
                JOIN framework_items i ON i.key = ci.item_key JOIN frameworks f ON f.id = i.framework_id
                GROUP BY 1""",
        }
        if by not in selects:
            raise ValueError(f"unknown breakdown {by}")
        return self.query_df(f"{head} {selects[by]} ORDER BY commitments DESC, key", params)

    def commitments_per_country(self, scope: ViewScope) -> pd.DataFrame:
        """Visible commitments per country (for the world map), with ISO numeric code for joining."""
        head, params = _with(scope, counting=True)
        sql = f"""{head}
        SELECT k.code, k.name, k.numeric, k.region, k.member, count(DISTINCT cc.commitment_id) AS commitments
        FROM countries k LEFT JOIN commitment_countries cc ON cc.country_code = k.code
            AND cc.commitment_id IN (SELECT id FROM visible)
        GROUP BY ALL ORDER BY commitments DESC, k.name"""
        return self.query_df(sql, params)

    def item_counts(self, scope: ViewScope, framework_id: str) -> pd.DataFrame:
        """Every item of a framework with the number of visible commitments linked to it."""
        head, params = _with(scope, counting=True)
        params["fw"] = framework_id
        sql = f"""{head}
        SELECT i.key, i.code, i.kind, i.name, i.summary, i.ordinal, i.parent_key, i.verified, i.source,
               count(DISTINCT ci.commitment_id) AS commitments
        FROM framework_items i LEFT JOIN commitment_items ci ON ci.item_key = i.key
            AND ci.commitment_id IN (SELECT id FROM visible)
        WHERE i.framework_id = $fw
        GROUP BY ALL ORDER BY i.parent_key NULLS FIRST, i.ordinal"""
        return self.query_df(sql, params)

    def assessments(self, scope: ViewScope, country: str) -> pd.DataFrame:
        """Capability assessments of one country as the scope may see them. The secretariat and the country's
        focal points see the live ones (draft rounds left out), ``published`` telling whether each is in the
        published scorecard as it stands; everyone else sees the copies the country's sign-off in force holds
        (none when it has none), exactly as they were signed off."""
        private = scope.assessments_all or country in scope.assessment_countries
        labels = """JOIN framework_items i ON i.key = a.capability_key
        LEFT JOIN framework_items d ON d.key = i.parent_key
        LEFT JOIN maturity_phases m ON m.phase = a.phase"""
        columns = """i.code AS capability_no, i.name AS capability, d.name AS domain, a.phase,
               m.label AS phase_label, a.source"""
        if private:
            sql = f"""WITH {ACTIVE_SIGNOFFS}
            SELECT a.id, a.assessed_on, a.capability_key, {columns},
                   x.assessment_id IS NOT NULL AS published, a.note, a.evidence_url, a.round_id, a.version,
                   a.is_demo
            FROM capability_assessments a {labels}
            LEFT JOIN assessment_rounds r ON r.id = a.round_id
            LEFT JOIN active_signoffs s ON s.country_code = a.country_code
            LEFT JOIN signed_assessments x ON x.signoff_id = s.id AND x.assessment_id = a.id
                AND x.assessment_version = a.version
            WHERE a.deleted_at IS NULL AND a.country_code = $country AND coalesce(r.status, '') <> 'draft'
            ORDER BY a.assessed_on DESC, CAST(i.code AS INTEGER)"""
        else:
            sql = f"""WITH {ACTIVE_SIGNOFFS}
            SELECT a.assessment_id AS id, a.assessed_on, a.capability_key, {columns},
                   true AS published, a.note, a.evidence_url, NULL::INTEGER AS round_id,
                   a.assessment_version AS version, s.is_demo
            FROM active_signoffs s JOIN signed_assessments a ON a.signoff_id = s.id {labels}
            WHERE s.country_code = $country
            ORDER BY a.assessed_on DESC, CAST(i.code AS INTEGER)"""
        # the rounds as they were (a draft then stays out); sign-offs and their copies are never edited
        tables = ("capability_assessments", "assessment_rounds") if private else ()
        return self.query_df(*at_moment(sql, {"country": country, "at": at(scope)}, scope.as_of, tables))

    def countries(self, *, members_only: bool = False) -> pd.DataFrame:
        where = "WHERE member" if members_only else ""
        return self.query_df(
            f"SELECT code, name, numeric, region, subregion, global_north, member, member_since FROM countries {where}"
            " ORDER BY name"
        )

    def country(self, code: str, *, as_of: datetime | None = None) -> dict[str, Any] | None:
        """One country's facts, or None (``as_of``: as they stood then, e.g. its membership)."""
        rows = self.query_rows(*at_moment(
            "SELECT code, name, region, subregion, global_north, member, member_since FROM countries"
            " WHERE code = $code",
            {"code": code}, as_of, ("countries",),
        ))
        return rows[0] if rows else None

    def partners(self) -> pd.DataFrame:
        return self.query_df(
            "SELECT p.id, p.name, p.stakeholder_type, p.tags, p.hq_country, k.name AS hq_country_name,"
            " p.member_since, p.is_demo FROM partners p LEFT JOIN countries k ON k.code = p.hq_country"
            " WHERE p.deleted_at IS NULL ORDER BY p.name"
        )

    def partner_names(self, ids: Iterable[int]) -> dict[int, str]:
        """Id -> name of these live partners (unknown or deleted ones are left out)."""
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        rows = self.query_rows(
            "SELECT id, name FROM partners WHERE deleted_at IS NULL AND id IN (SELECT unnest(?))", [wanted]
        )
        return {int(r["id"]): str(r["name"]) for r in rows}

    def events(self) -> pd.DataFrame:
        return self.query_df(
            "SELECT id, name, kind, date, location, country, is_demo FROM events WHERE deleted_at IS NULL"
            " ORDER BY date DESC, name"
        )

    def frameworks(self) -> pd.DataFrame:
        return self.query_df(
            "SELECT f.id, f.family, f.name, f.version, f.published, f.source_url, f.description, f.verified,"
            " (SELECT count(*) FROM framework_items i WHERE i.framework_id = f.id) AS items"
            " FROM frameworks f ORDER BY f.ordinal, f.id"
        )

    def framework_versions(self) -> list[dict[str, Any]]:
        """Every framework with what the current-version rule needs: id, family, name, version,
        published, current (false: the file said ``current: false``)."""
        return self.query_rows(
            "SELECT id, family, name, version, published, current_eligible AS current, ordinal"
            " FROM frameworks ORDER BY ordinal, id"
        )

    def framework_item(self, key: str) -> dict[str, Any] | None:
        """One framework item (key, framework_id, code, kind, name, ordinal, parent_key, verified), or None."""
        rows = self.query_rows(
            "SELECT key, framework_id, code, kind, name, ordinal, parent_key, verified"
            " FROM framework_items WHERE key = ?",
            [key],
        )
        return rows[0] if rows else None

    def crosswalk_rows(self) -> list[dict[str, Any]]:
        """Every crosswalk row: from_framework, to_framework, row_no, kind, from_keys, to_keys, note."""
        return self.query_rows(
            "SELECT from_framework, to_framework, row_no, kind, from_keys, to_keys, note"
            " FROM framework_crosswalk ORDER BY from_framework, to_framework, row_no"
        )

    def framework_items(self) -> pd.DataFrame:
        return self.query_df(
            "SELECT i.key, i.framework_id, f.name AS framework, i.code, i.kind, i.name, i.parent_key, i.verified"
            " FROM framework_items i JOIN frameworks f ON f.id = i.framework_id ORDER BY f.ordinal, i.ordinal"
        )

    def maturity_phases(self) -> pd.DataFrame:
        return self.query_df("SELECT phase, label, description, verified FROM maturity_phases ORDER BY phase")

    def worklist(
        self,
        scope: ViewScope,
        *,
        cycle_months: int,
        stale_before: datetime,
        embargo_by: datetime,
        closed: tuple[str, ...],
    ) -> WorklistRows:
        """Commitments needing attention, one row per (kind, commitment), with the facts the worklist words,
        and the partners (lead first, then by name) and countries of those commitments, one row each.

        Kinds: ``overdue_report`` (open, no update within ``cycle_months`` of the last one, or of the date it
        was made), ``deadline_passed`` (deadline before today, latest status not ``closed``),
        ``missing_evidence`` (latest status complete, no complete report carries an evidence link),
        ``stale_draft`` (draft or submitted, unchanged since before ``stale_before``) and ``embargo_ending``
        (embargo lifting after now and by ``embargo_by``). Withdrawn commitments never appear; drafts appear
        only as stale drafts. ``due`` is the date a row is about (due, deadline, claim, last change, embargo end).
        The items come in no particular order (the service orders them).
        """
        head, params = _with(scope)
        params |= {
            "today": scope.now.date(),
            "now": scope.now,
            "cycle": int(cycle_months),
            "stale_before": stale_before,
            "embargo_by": embargo_by,
            "closed": list(closed),
        }
        sql = f"""{head},
        facts AS (
            SELECT c.id AS commitment_id, c.title, c.review_state, c.visibility, c.deadline, c.embargo_until,
                   c.updated_at, coalesce(e.date, c.start_date, CAST(c.created_at AS DATE)) AS made_on,
                   e.name AS event, l.reported_status, l.last_report, l.verified_status,
                   l.complete_on, l.complete_source,
                   coalesce(l.complete_evidenced, false) AS complete_evidenced,
                   c.event_id, CAST(c.budget AS DOUBLE) AS budget, c.currency,
                   CAST(coalesce(l.last_report, coalesce(e.date, c.start_date, CAST(c.created_at AS DATE)))
                        + to_months($cycle) AS DATE) AS report_due,
                   c.review_state NOT IN ('draft', 'withdrawn') AS active,
                   list_contains($closed, coalesce(l.reported_status, '')) AS closed
            FROM commitments c JOIN visible v ON v.id = c.id
            LEFT JOIN events e ON e.id = c.event_id
            LEFT JOIN commitment_status l ON l.commitment_id = c.id
            WHERE c.review_state <> 'withdrawn'
        )
        -- One pass over the facts for all five kinds (each row is one kind of one commitment), and only the
        -- columns an item is worded from.
        SELECT k.kind,
               CASE k.kind WHEN 'overdue_report' THEN f.report_due WHEN 'deadline_passed' THEN f.deadline
                   WHEN 'missing_evidence' THEN f.complete_on WHEN 'stale_draft' THEN CAST(f.updated_at AS DATE)
                   ELSE CAST(f.embargo_until AS DATE) END AS due,
               f.commitment_id, f.title, f.review_state, f.visibility, f.embargo_until, f.made_on,
               f.reported_status, f.last_report, f.complete_source, f.event_id, f.budget, f.currency
        FROM facts f CROSS JOIN (VALUES ('overdue_report'), ('deadline_passed'), ('missing_evidence'),
                                        ('stale_draft'), ('embargo_ending')) k(kind)
        WHERE CASE k.kind
            WHEN 'overdue_report' THEN f.active AND NOT f.closed AND f.report_due < $today
            WHEN 'deadline_passed' THEN f.active AND NOT f.closed AND f.deadline < $today
            WHEN 'missing_evidence' THEN f.active AND f.reported_status = 'complete' AND NOT f.complete_evidenced
            WHEN 'stale_draft' THEN f.review_state IN ('draft', 'submitted') AND f.updated_at < $stale_before
            ELSE f.embargo_until > $now AND f.embargo_until <= $embargo_by END
        """  # noqa: S608 (only constants are formatted in; every value is a parameter)
        # By way of Arrow (``query_frame``): tens of thousands of rows of text at 50x the demo data.
        items = self.query_frame(sql, params)
        # The links as plain rows of numbers (a list per cell would cost an object per cell, for every item),
        # and each partner's name once.
        head, params = _with(scope)
        linked = """JOIN visible v ON v.id = x.commitment_id JOIN commitments c ON c.id = x.commitment_id
            WHERE c.review_state <> 'withdrawn'"""
        links = self.query_frame(
            f"{head} SELECT x.commitment_id, x.partner_id, x.role = 'lead' AS lead"
            f" FROM commitment_partners x {linked}",  # noqa: S608 (constants only)
            params,
        )
        countries = self.query_frame(
            f"{head} SELECT x.commitment_id, x.country_code AS country FROM commitment_countries x {linked}",  # noqa: S608
            params,
        )
        partners = self.query_df(
            "SELECT id AS partner_id, name, stakeholder_type FROM partners"
            " WHERE id IN (SELECT unnest(?))",
            [sorted(int(i) for i in links["partner_id"].unique().tolist())],
        )
        return WorklistRows(items, links, countries.sort_values(['commitment_id', 'country']), partners)

    def partner_contacts(self) -> pd.DataFrame:
        """Every live partner's contact addresses and the last reminder sent to it (null when none was)."""
        return self.query_df(
            """SELECT p.id, p.name, p.stakeholder_type, p.contact_email, p.contact_email_2,
                      r.reminded_at AS last_reminded_at, r.reminded_by AS last_reminded_by,
                      r.channel AS last_reminder_channel
               FROM partners p
               LEFT JOIN (SELECT partner_id, max(reminded_at) AS reminded_at,
                                 arg_max(reminded_by, struct_pack(t := reminded_at, i := id)) AS reminded_by,
                                 arg_max(channel, struct_pack(t := reminded_at, i := id)) AS channel
                          FROM partner_reminders GROUP BY partner_id) r ON r.partner_id = p.id
               WHERE p.deleted_at IS NULL ORDER BY p.name, p.id"""
        )

    def duplicate_candidates(
        self, scope: ViewScope, partner_ids: list[int], countries: list[str], *, exclude_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The live, not withdrawn commitments this scope may see that share a partner or a country with
        the given ones (all a duplicate needs), but ``exclude_id``: ``id``, ``title``, and the shared
        ``partner_ids`` and ``countries`` (lists). Narrowed through the link tables, so the cost follows
        how many commitments the partners and countries have, not the size of the database."""
        # The rule of who sees what is applied to these commitments only (``within``), not to every one.
        near = (
            "SELECT commitment_id AS id FROM commitment_partners WHERE list_contains($partner_ids, partner_id)"
            " UNION SELECT commitment_id FROM commitment_countries WHERE list_contains($countries, country_code)"
        )
        vis, params = _visible_cte(scope, within=near)
        sql = f"""
        WITH {vis},
        shared_partners AS (
            SELECT commitment_id, list(partner_id ORDER BY partner_id) AS partner_ids FROM commitment_partners
            WHERE list_contains($partner_ids, partner_id) GROUP BY commitment_id
        ),
        shared_countries AS (
            SELECT commitment_id, list(country_code ORDER BY country_code) AS countries FROM commitment_countries
            WHERE list_contains($countries, country_code) GROUP BY commitment_id
        )
        SELECT c.id, c.title, coalesce(p.partner_ids, []) AS partner_ids, coalesce(k.countries, []) AS countries
        FROM visible v JOIN commitments c ON c.id = v.id
        LEFT JOIN shared_partners p ON p.commitment_id = c.id
        LEFT JOIN shared_countries k ON k.commitment_id = c.id
        WHERE c.review_state <> 'withdrawn' AND c.id IS DISTINCT FROM $exclude_id
        ORDER BY c.id
        """
        params |= {
            "partner_ids": sorted(set(partner_ids)),
            "countries": sorted(set(countries)),
            "exclude_id": exclude_id,
        }
        return self.query_rows(sql, params)

    def progress_updates(self, commitment_id: int, *, deleted: bool = False) -> pd.DataFrame:
        """A commitment's progress updates, newest first (``deleted``: the soft-deleted ones instead)."""
        return self.query_df(
            "SELECT id, report_date, status, source, indicator_value, narrative, evidence_links, reason, version,"
            " deleted_at FROM progress_updates WHERE commitment_id = ? AND (deleted_at IS NOT NULL) = ?"
            " ORDER BY report_date DESC, id DESC",
            [commitment_id, deleted],
        )

    def status_comparison(self, commitment_id: int) -> dict[str, Any]:
        """The latest self-reported and the latest verified progress of a commitment, side by side."""
        rows = self.query_rows(
            """SELECT source,
                      arg_max(status, struct_pack(d := report_date, i := id)) AS status,
                      max(report_date) AS report_date,
                      arg_max(reason, struct_pack(d := report_date, i := id)) AS reason
               FROM progress_updates WHERE commitment_id = ? AND deleted_at IS NULL GROUP BY source""",
            [commitment_id],
        )
        by_source = {r["source"]: r for r in rows}
        return {"self_reported": by_source.get("self_reported"), "verified": by_source.get("verified")}

    def deleted_records(self, entity: str, *, commitment_id: int | None = None) -> pd.DataFrame:
        """Soft-deleted records of one kind (``id``, ``label``, ``deleted_at``, ``version``), newest first."""
        table, label = _RECORD_LABELS[entity]  # KeyError for anything but the kinds above
        where = " AND commitment_id = ?" if commitment_id is not None and entity == "progress_update" else ""
        params = [commitment_id] if where else []
        return self.query_df(  # table and label come from _RECORD_LABELS, never from people
            f"SELECT id, {label} AS label, deleted_at, version FROM {table}"  # noqa: S608
            f" WHERE deleted_at IS NOT NULL{where} ORDER BY deleted_at DESC, id DESC",
            params,
        )

    def commitment_by_external_ref(self, external_ref: str) -> dict[str, Any] | None:
        """The commitment (live or soft-deleted) holding an import reference, as ``id`` and ``deleted``."""
        rows = self.query_rows(
            "SELECT id, deleted_at IS NOT NULL AS deleted FROM commitments WHERE external_ref = ?", [external_ref]
        )
        return rows[0] if rows else None

    def live_commitments_using(self, entity: str, record_id: int) -> list[int]:
        """Ids of live commitments that take part a partner, or were made at an event."""
        sql = {
            "partner": "SELECT c.id FROM commitments c JOIN commitment_partners cp ON cp.commitment_id = c.id"
            " WHERE cp.partner_id = ? AND c.deleted_at IS NULL ORDER BY c.id",
            "event": "SELECT id FROM commitments WHERE event_id = ? AND deleted_at IS NULL ORDER BY id",
        }[entity]
        return [int(r["id"]) for r in self.query_rows(sql, [record_id])]

    def commitments_by_external_ref(self, refs: list[str]) -> dict[str, dict[str, Any]]:
        """Stored commitments with these external references (deleted ones too: ``deleted_at`` says so),
        each with its ``partners`` (partner_id, role), ``countries`` and ``framework_items``."""
        if not refs:
            return {}
        rows = self.query_rows(
            "SELECT * FROM commitments WHERE external_ref IN (SELECT unnest(?))", [list(refs)]
        )
        by_id = {r["id"]: {**r, "partners": [], "countries": [], "framework_items": []} for r in rows}
        ids = list(by_id)
        if ids:
            for r in self.query_rows(
                "SELECT commitment_id, partner_id, role FROM commitment_partners"
                " WHERE commitment_id IN (SELECT unnest(?))", [ids]
            ):
                by_id[r["commitment_id"]]["partners"].append({"partner_id": r["partner_id"], "role": r["role"]})
            for r in self.query_rows(
                "SELECT commitment_id, country_code FROM commitment_countries"
                " WHERE commitment_id IN (SELECT unnest(?))", [ids],
            ):
                by_id[r["commitment_id"]]["countries"].append(r["country_code"])
            for r in self.query_rows(
                "SELECT commitment_id, item_key FROM commitment_items"
                " WHERE commitment_id IN (SELECT unnest(?))", [ids]
            ):
                by_id[r["commitment_id"]]["framework_items"].append(r["item_key"])
        return {c["external_ref"]: c for c in by_id.values()}

    def progress_of_commitments(self, commitment_ids: list[int]) -> list[dict[str, Any]]:
        """The live progress updates of these commitments (to tell a re-imported update from a new one)."""
        if not commitment_ids:
            return []
        return self.query_rows(
            "SELECT id, commitment_id, report_date, status, indicator_value, narrative, evidence_links, source,"
            " reason FROM progress_updates WHERE deleted_at IS NULL AND commitment_id IN (SELECT unnest(?))"
            " ORDER BY commitment_id, report_date, id",
            [list(commitment_ids)],
        )

    # -- Peer context for the country scorecard ----------------------------------------------------

    def published_member_assessments(self, *, as_of: datetime | None = None) -> list[dict[str, Any]]:
        """Every published capability assessment of an Alliance member country (as its sign-off in force, now
        or at ``as_of``, holds it), with the country's UN region and Global North flag: the only input of the
        scorecard's peer bands (never shown row by row). Private assessments are not read at all."""
        return self.query_rows(*at_moment(
            f"""WITH {ACTIVE_SIGNOFFS}
               SELECT a.assessment_id AS id, s.country_code, k.region, k.global_north, a.capability_key,
                      a.assessed_on, a.phase, a.source
               FROM active_signoffs s JOIN signed_assessments a ON a.signoff_id = s.id
               JOIN countries k ON k.code = s.country_code
               WHERE k.member
               ORDER BY s.country_code, a.capability_key, a.assessed_on, a.assessment_id""",
            {"at": as_of}, as_of, ("countries",),
        ))

    def published_state(self) -> tuple[Any, ...]:
        # five small reads: as scalar subqueries of one statement they plan ten times slower
        return tuple(
            value
            for sql in (
                "SELECT count(*), max(id), count(withdrawn_at), max(withdrawn_at) FROM scorecard_signoffs",
                "SELECT count(*), max(valid_from) FROM countries_history",
                "SELECT sum(hash(key || '/' || coalesce(parent_key, ''))) FROM framework_items",
                "SELECT string_agg(id || ':' || current_eligible, ',' ORDER BY id) FROM frameworks",
                "SELECT sum(hash(from_framework || to_framework || row_no || kind)) FROM framework_crosswalk",
            )
            for value in self.query_rows(sql)[0].values()
        )

    def country_commitment_status(self, scope: ViewScope, country: str) -> list[dict[str, Any]]:
        """The visible commitments naming ``country`` with what the scorecard's figures need, and nothing
        else: id, review_state, embargo_until, reported_status (latest of any source, null: no update),
        verified_status and not_reporting (as in ``commitments``). Progress is read for these commitments
        only, so one country's figures do not scan every commitment's history. At ``scope.as_of`` when it
        is set: the commitments, links and progress updates as they stood then (the status computed from
        those, as ``commitment_status`` held it then), under the same rule, with ``scope.now`` the moment."""
        if scope.as_of is None:  # now: each commitment's status as kept on write (``commitment_status``)
            vis, params = _visible_cte(
                scope, within="SELECT commitment_id AS id FROM commitment_countries WHERE country_code = $country")
            params |= {"country": country, "cutoff": _cutoff(scope), "closed": _CLOSED}
            return self.query_rows(f"""WITH {vis}
            SELECT c.id, c.review_state, c.embargo_until, l.reported_status, l.verified_status,
                   (l.last_report IS NULL OR l.last_report < $cutoff)
                       AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting
            FROM commitments c JOIN visible v ON v.id = c.id LEFT JOIN commitment_status l ON l.commitment_id = c.id
            ORDER BY c.id""", params)  # noqa: S608 (only the visibility CTE is formatted in)
        vis, params = _visible_cte(scope)
        params |= {"country": country, "cutoff": _cutoff(scope), "closed": _CLOSED}
        sql = f"""WITH {vis},
        mine AS (
            SELECT DISTINCT v.id FROM visible v
            JOIN commitment_countries cc ON cc.commitment_id = v.id AND cc.country_code = $country
        ),
        {latest_cte("mine")}
        SELECT c.id, c.review_state, c.embargo_until, l.reported_status, l.verified_status,
               (l.last_report IS NULL OR l.last_report < $cutoff)
                   AND NOT list_contains($closed, coalesce(l.reported_status, '')) AS not_reporting
        FROM commitments c JOIN mine m ON m.id = c.id LEFT JOIN latest l ON l.commitment_id = c.id
        ORDER BY c.id"""  # noqa: S608 (only the visibility CTE is formatted in; every value is a parameter)
        return self.query_rows(*at_moment(
            sql, params, scope.as_of,
            ("commitments", "commitment_partners", "commitment_countries", "progress_updates"),
        ))
