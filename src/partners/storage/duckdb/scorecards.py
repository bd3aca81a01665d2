"""Assessment rounds and scorecard sign-offs: the rows behind a country's round grid and its published scorecard.

A country's published scorecard is its latest sign-off unless that one is withdrawn; what the public sees of its
assessments is the copy taken at sign-off (``signed_assessments``), never the live rows. ``_ACTIVE`` is the one
definition of the active sign-off, used here and by the assessment reads of ``queries.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain.scope import ViewScope
from partners.storage.duckdb.database import writes

#: The sign-off of each country in force at ``$at`` (NULL: now): its latest one signed by then, unless it was
#: withdrawn by then. Expects the parameter ``at``.
ACTIVE_SIGNOFFS = """active_signoffs AS (
    SELECT * FROM (
        SELECT s.*, row_number() OVER (PARTITION BY s.country_code ORDER BY s.signed_at DESC, s.id DESC) AS n
        FROM scorecard_signoffs s
        WHERE $at IS NULL OR s.signed_at <= $at
    ) WHERE n = 1 AND (withdrawn_at IS NULL OR ($at IS NOT NULL AND withdrawn_at > $at))
)"""

_SIGNED_COPY = ("signoff_id", "assessment_id", "assessment_version", "capability_key", "assessed_on", "phase",
                "source", "note", "evidence_url")


def at(scope: ViewScope | None) -> datetime | None:
    """The moment a scope looks at: its ``as_of``, or None for now."""
    return scope.as_of if scope is not None else None


class ScorecardRows:
    """Rounds and sign-offs, mixed into ``DuckDBStore`` (whose ``query_df``, ``query_rows``, ``cur`` it uses)."""

    def query_df(self, sql: str, params: Any = ()) -> pd.DataFrame:  # provided by the store
        raise NotImplementedError

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    # -- rounds ------------------------------------------------------------------------------------------

    def assessment_rounds(self, country: str) -> pd.DataFrame:
        """A country's live assessment rounds, newest first: id, assessed_on, status, note, submitted_by,
        submitted_at, version, created_at, updated_at, and how many capabilities it assesses and how many
        of them are verified."""
        return self.query_df(
            """SELECT r.id, r.assessed_on, r.status, r.note, r.submitted_by, r.submitted_at, r.version,
                      r.created_at, r.updated_at, r.is_demo,
                      count(a.id) AS assessed, count(a.id) FILTER (WHERE a.source = 'verified') AS verified
               FROM assessment_rounds r
               LEFT JOIN capability_assessments a ON a.round_id = r.id AND a.deleted_at IS NULL
               WHERE r.country_code = $country AND r.deleted_at IS NULL
               GROUP BY ALL ORDER BY r.assessed_on DESC, r.id DESC""",
            {"country": country},
        )

    def round_assessments(self, round_id: int) -> list[dict[str, Any]]:
        """The live assessments of one round (every column), in capability order."""
        return self.query_rows(
            "SELECT * FROM capability_assessments WHERE round_id = ? AND deleted_at IS NULL ORDER BY capability_key",
            [round_id],
        )

    # -- sign-offs ---------------------------------------------------------------------------------------

    def active_signoff(self, country: str, at: datetime | None = None) -> dict[str, Any] | None:
        """The sign-off in force for a country now (or at ``at``), or None when nothing is published."""
        rows = self.query_rows(
            f"WITH {ACTIVE_SIGNOFFS} SELECT * EXCLUDE (n) FROM active_signoffs WHERE country_code = $country",
            {"country": country, "at": at},
        )
        return rows[0] if rows else None

    def signoffs(self, country: str) -> list[dict[str, Any]]:
        """Every sign-off of a country, newest first, with how many assessments each holds."""
        return self.query_rows(
            """SELECT s.*, (SELECT count(*) FROM signed_assessments x WHERE x.signoff_id = s.id) AS assessments
               FROM scorecard_signoffs s WHERE s.country_code = ? ORDER BY s.signed_at DESC, s.id DESC""",
            [country],
        )

    def signed_assessments(self, signoff_id: int) -> list[dict[str, Any]]:
        """The assessments as one sign-off holds them."""
        return self.query_rows(
            "SELECT * FROM signed_assessments WHERE signoff_id = ? ORDER BY capability_key, assessed_on",
            [signoff_id],
        )

    @writes
    def add_signoff(self, values: dict[str, Any], rows: list[dict[str, Any]]) -> int:
        """Record a sign-off and the copies of the assessments it holds; returns its id. Inside the caller's
        transaction."""
        cols = list(values)
        new_id = int(
            self.cur.execute(
                f"INSERT INTO scorecard_signoffs ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
                " RETURNING id",
                [values[c] for c in cols],
            ).fetchone()[0]
        )
        if rows:
            self.cur.executemany(
                f"INSERT INTO signed_assessments ({', '.join(_SIGNED_COPY)})"
                f" VALUES ({', '.join('?' for _ in _SIGNED_COPY)})",
                [[new_id, *(r[c] for c in _SIGNED_COPY[1:])] for r in rows],
            )
        return new_id

    @writes
    def withdraw_signoff(self, signoff_id: int, by: str, at: datetime, reason: str) -> bool:
        """Mark a sign-off withdrawn, unless it already is; whether it was withdrawn now."""
        row = self.cur.execute(
            "UPDATE scorecard_signoffs SET withdrawn_by = ?, withdrawn_at = ?, withdrawn_reason = ?"
            " WHERE id = ? AND withdrawn_at IS NULL RETURNING id",
            [by, at, reason, signoff_id],
        ).fetchone()
        return row is not None
