"""What the measurements of one database share: the open store, the viewers, and the records they look at
(the busiest country, one commitment, a title typed like an existing one, a filtered search), chosen from
the data so that every scale asks the same questions; and ``touch``, a real write between samples."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from partners.domain.model import SYSTEM, Actor, ProgressUpdate, ReportSource, Role
from partners.domain.scope import CommitmentFilter
from partners.services import records
from partners.storage import open_store
from partners.storage.duckdb.store import DuckDBStore

#: Someone who has not signed in (the public view of the Overview).
PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC, name="Public visitor")

#: The text typed into the Commitments page's search box, with a status filter (a filtered search).
SEARCH_TEXT = "hotline"
SEARCH_STATUSES = ("on_track", "off_track", "stalled")


@dataclass(frozen=True)
class DuplicateProbe:
    """A title typed on the "Log a commitment" form: an existing commitment's, slightly reworded, with its
    partners and countries; a good suggestion list names ``original``."""

    title: str
    partner_ids: list[int]
    countries: list[str]
    original: int


@dataclass
class Context:
    path: Path
    store: DuckDBStore
    actor: Actor = SYSTEM  # the secretariat's view (every record), as in local mode
    country: str = ""
    country_commitments: int = 0
    commitment_id: int = 0
    touched_id: int = 0
    probe: DuplicateProbe | None = None
    search: CommitmentFilter = field(default_factory=CommitmentFilter)
    _touches: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def open(cls, path: Path) -> Context:
        store = open_store(path)
        assert isinstance(store, DuckDBStore), "the benchmark reads DuckDB files"
        ctx = cls(path=path, store=store)
        busiest = store.query_rows(
            "SELECT cc.country_code AS code, count(*) AS n FROM commitment_countries cc"
            " JOIN commitments c ON c.id = cc.commitment_id WHERE c.deleted_at IS NULL"
            " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        )[0]
        ctx.country, ctx.country_commitments = busiest["code"], int(busiest["n"])
        # One published commitment with partners, countries and three progress updates (the lowest id).
        ctx.commitment_id = int(store.scalar(
            "SELECT min(c.id) FROM commitments c WHERE c.deleted_at IS NULL AND c.review_state = 'published'"
            " AND NOT c.is_global"
            " AND (SELECT count(*) FROM progress_updates p WHERE p.commitment_id = c.id) = 3"
            " AND EXISTS (SELECT 1 FROM commitment_partners cp WHERE cp.commitment_id = c.id)"
        ))  # fmt: skip
        # The writes between samples go to another commitment, so they never change the one measured.
        ctx.touched_id = int(store.scalar(
            "SELECT max(id) FROM commitments WHERE deleted_at IS NULL AND review_state IN ('published', 'verified')"
        ))  # fmt: skip
        original = store.query_rows("SELECT title FROM commitments WHERE id = ?", [ctx.commitment_id])[0]
        links = store.commitment_links(ctx.commitment_id)
        ctx.probe = DuplicateProbe(
            title=reworded(original["title"]),
            partner_ids=[int(p["partner_id"]) for p in links["partners"]],
            countries=list(links["countries"]),
            original=ctx.commitment_id,
        )
        ctx.search = CommitmentFilter(text=SEARCH_TEXT, statuses=SEARCH_STATUSES)
        return ctx

    def touch(self) -> None:
        """A real write through the services (a partner reports progress on ``touched_id``), so that the
        next sample starts after a data change: anything cached before it must not be reused."""
        status = ("on_track", "off_track")[next(self._touches) % 2]
        records.record_progress(
            self.store,
            SYSTEM,
            ProgressUpdate(
                commitment_id=self.touched_id, report_date=date.today(), status=status,
                narrative="Benchmark: a progress report between two samples.", source=ReportSource.SELF_REPORTED,
            ),
        )  # fmt: skip

    def close(self) -> None:
        self.store.close()


def reworded(title: str) -> str:
    """The title as someone might type it again: first letter lowercased, one word added, one dropped."""
    words = title.split()
    if len(words) > 3:
        words.insert(len(words) // 2, "the")
        del words[1]
    text = " ".join(words)
    return text[:1].lower() + text[1:]
