"""The users table (people's roles and scopes by e-mail address): part of ``DuckDBStore``."""

from __future__ import annotations

from typing import Any

import duckdb

from partners.storage.duckdb.database import constraint_error, writes
from partners.storage.errors import ConcurrentEditError


class UserRows:
    """Mixed into ``DuckDBStore``."""

    cur: duckdb.DuckDBPyConnection

    _USER_COLUMNS = "email, name, role, countries, partners, active, version, created_at, updated_at"

    def user_rows(self) -> list[dict[str, Any]]:
        return self.query_rows(f"SELECT {self._USER_COLUMNS} FROM users ORDER BY active DESC, email")

    def user_row(self, email: str) -> dict[str, Any] | None:
        rows = self.query_rows(f"SELECT {self._USER_COLUMNS} FROM users WHERE email = ?", [email])
        return rows[0] if rows else None

    def claim_active_users(self, role: str) -> list[str]:
        """Claim every active user with ``role`` for the rest of this transaction and return their addresses.

        The claim is a write that changes nothing (``active = active``). Two transactions that both claim
        the same rows cannot both commit: DuckDB's optimistic concurrency refuses the second (a write
        conflict), so a count taken after the claim cannot be made stale by a concurrent change (the
        last-admin rule counts this way). Call inside ``transaction()``.
        """
        rows = self.cur.execute(
            "UPDATE users SET active = active WHERE active AND role = ? RETURNING email", [role]
        ).fetchall()
        return sorted(r[0] for r in rows)

    @writes
    def insert_user(self, email: str, name: str, role: str, countries: list[str], partners: list[int]) -> None:
        try:
            self.cur.execute(
                "INSERT INTO users (email, name, role, countries, partners)"
                " VALUES (?, ?, ?, ?::VARCHAR[], ?::INTEGER[])",
                [email, name, role, countries, partners],
            )
        except duckdb.ConstraintException as exc:
            raise constraint_error(exc) from exc

    @writes
    def update_user(
        self, email: str, name: str, role: str, countries: list[str], partners: list[int], active: bool,
        expected_version: int,
    ) -> None:
        """Update a user if it still has ``expected_version``, else raise ConcurrentEditError."""
        row = self.cur.execute(
            "UPDATE users SET name = ?, role = ?, countries = ?::VARCHAR[], partners = ?::INTEGER[], active = ?,"
            " updated_at = current_localtimestamp(), version = version + 1"
            " WHERE email = ? AND version = ? RETURNING version",
            [name, role, countries, partners, active, email, expected_version],
        ).fetchone()
        if row is None:
            raise ConcurrentEditError.changed_by(f"the user {email}", self.last_change("user", email))
