"""Frozen snapshots of the public dashboard: rows only ever added (``snapshots``, migration 010).

A snapshot's figures are kept as the JSON the service gives (``figures``), never recomputed: what a snapshot
shows is what was frozen, whatever was edited since."""

from __future__ import annotations

from typing import Any

from partners.storage.duckdb.database import translated, writes

_LISTED = "id, slug, name, frozen_by, frozen_at, data_as_of, view, is_demo"


class SnapshotRows:
    """Snapshots, mixed into ``DuckDBStore`` (whose ``query_rows`` and ``cur`` it uses)."""

    def query_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:  # provided by the store
        raise NotImplementedError

    def snapshots(self) -> list[dict[str, Any]]:
        """Every snapshot without its figures, newest first."""
        return self.query_rows(f"SELECT {_LISTED} FROM snapshots ORDER BY frozen_at DESC, id DESC")  # noqa: S608

    def snapshot(self, slug: str) -> dict[str, Any] | None:
        """One snapshot by its slug, its ``figures`` as the JSON text frozen, or None."""
        rows = self.query_rows(f"SELECT {_LISTED}, CAST(figures AS VARCHAR) AS figures FROM snapshots"  # noqa: S608
                               " WHERE slug = $slug", {"slug": slug})
        return rows[0] if rows else None

    @writes
    def add_snapshot(self, values: dict[str, Any]) -> int:
        """Keep a new snapshot (``slug``, ``name``, ``frozen_by``, ``frozen_at``, ``data_as_of``, ``view``,
        ``figures`` as JSON text, ``is_demo``); returns its id. A slug already taken raises
        ``DuplicateKeyError``."""
        cols = ("slug", "name", "frozen_by", "frozen_at", "data_as_of", "view", "figures", "is_demo")
        with translated():
            row = self.cur.execute(  # type: ignore[attr-defined]
                f"INSERT INTO snapshots ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) RETURNING id",  # noqa: S608
                [values[c] for c in cols],
            ).fetchone()
        return int(row[0])
