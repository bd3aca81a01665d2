"""The storage port: exactly the operations the services need, whatever the engine behind them.

Services and the importer type their ``store`` as this ``Store``; ``partners.storage.duckdb`` implements it
(``DuckDBStore``), and a second engine (say PostgreSQL) implements the same methods in a package of its own
beside it, without a change to services or pages. Engine errors never cross the port: an implementation
raises the errors in ``partners.storage.errors`` (a conflict, a duplicate key, a busy database).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

from partners.domain.audit import AuditEntry
from partners.domain.dashboard import DashboardFilter
from partners.domain.scope import CommitmentFilter, ViewScope


@dataclass(frozen=True)
class WorklistRows:
    """What ``Store.worklist`` gives: ``items`` (one row per kind and commitment); the ``links`` of those
    commitments to their partners (commitment_id, partner_id, lead) and their ``countries`` (commitment_id,
    country); and the ``partners`` linked (partner_id, name, stakeholder_type), each once."""

    items: pd.DataFrame
    links: pd.DataFrame
    countries: pd.DataFrame
    partners: pd.DataFrame


class Store(Protocol):
    """What services may ask of storage. Writes happen inside ``with store.transaction():``."""

    # -- Transactions ------------------------------------------------------------------------------
    def transaction(self, at: datetime | None = None) -> AbstractContextManager[Any]:
        """One transaction: commit on success, roll back on any error; nested use joins the outer one.
        ``at``: the moment its writes are stamped with (audit entries, history versions), by default the
        clock when first asked."""
        ...

    def now(self) -> datetime:
        """The moment the current transaction writes at (the clock, outside a transaction)."""
        ...


    # -- Audit log ---------------------------------------------------------------------------------
    def audit(self, entry: AuditEntry, at: datetime | None = None) -> None:
        ...

    def audit_many(self, entries: Iterable[AuditEntry], at: datetime | None = None) -> int:
        ...

    def history(self, entity: str, entity_id: str | int) -> list[dict[str, Any]]:
        ...

    def last_change(self, entity: str, entity_id: Any) -> str | None:
        """'who at when' of the newest audit entry for a record (for "changed by X at T" messages)."""
        ...


    # -- Dataset facts -----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        ...

    def set_meta(self, key: str, value: str) -> None:
        ...

    def delete_meta(self, key: str) -> None:
        ...


    # -- Reference data and demo data --------------------------------------------------------------
    def upsert_country(self, c: Any) -> None:
        """Insert or refresh a country's reference facts; membership (the alliance's data) is kept."""
        ...

    def upsert_countries(self, countries: Iterable[Any]) -> None:
        """``upsert_country`` for many countries at once (a reference load: one statement, not one each)."""
        ...

    def get_framework_row(self, framework_id: str) -> dict[str, Any] | None:
        ...

    def upsert_framework(self, fw: Any, ordinal: int) -> None:
        ...

    def replace_crosswalk(self, cw: Any) -> None:
        """Store a crosswalk between two framework versions, replacing what that pair had."""
        ...

    def upsert_framework_item(self, fw: Any, it: Any) -> None:
        ...

    def upsert_maturity_phase(self, ph: Any) -> None:
        ...

    def delete_demo_records(self, *, reset_membership: bool) -> int:
        """Delete every record flagged as demo (links first); returns how many records went."""
        ...

    def has_real_records(self, *, count_membership: bool) -> bool:
        """Whether any record not flagged as demo exists (and, if asked, any country membership)."""
        ...

    def set_membership(self, code: str, since: Any) -> None:
        ...

    def set_memberships(self, members: Mapping[str, Any], *, dated: bool = False) -> None:
        """Make each country a member since its date (code -> member since), in one statement (``dated``:
        its history says it joined on that date, not now)."""
        ...


    # -- Records (soft delete, versioned) ----------------------------------------------------------
    def get_row(self, entity: str, record_id: int, *, include_deleted: bool = False) -> dict[str, Any] | None:
        ...

    def insert_row(self, entity: str, values: dict[str, Any]) -> int:
        ...

    def update_row(self, entity: str, record_id: int, values: dict[str, Any], expected_version: int) -> int:
        """Update a record if it still has ``expected_version``; returns the new version."""
        ...

    def replace_links(self, table: str, commitment_id: int, rows: Sequence[dict[str, Any]]) -> None:
        ...

    def commitment_links(self, commitment_id: int) -> dict[str, list]:
        ...

    def existing_keys(self, table: str, column: str, values: Iterable[Any]) -> set[Any]:
        """Which of ``values`` exist in ``table.column`` (for validating references in bulk)."""
        ...

    def next_ids(self, sequence: str, count: int) -> list[int]:
        """Reserve ``count`` ids from a sequence (for bulk inserts)."""
        ...

    def bulk_insert(self, table: str, rows: Sequence[dict[str, Any]] | pd.DataFrame) -> int:
        """Insert many rows at once through Arrow (one statement, not one per row)."""
        ...

    def count(self, table: str, *, live_only: bool = True) -> int:
        ...


    def close(self) -> None:
        """Release the database (its file, its connections)."""
        ...

    @property
    def location(self) -> str:
        """Where the data lives, for messages (a file path, or a server address without credentials)."""
        ...

    def schema_version(self) -> int:
        """The number of the newest migration applied."""
        ...

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; returns their names (re-running is a no-op)."""
        ...

    def data_version(self) -> int | None:
        """A number that every committed write moves on, seen by every process that opens the data (None: the
        schema cannot tell yet). Caches of reads are keyed by it; read it before the data it keys."""
        ...

    # -- Whole-database backup and restore ---------------------------------------------------------
    def data_tables(self) -> list[str]:
        """Every table holding data: ``TABLES`` in order, then any table a later migration added that is not (yet)
        listed there, so a backup never silently leaves one out. ``schema_version`` is not data.
        """
        ...

    def table_columns(self, table: str) -> list[str]:
        """The columns of a data table, in table order."""
        ...

    def table_schema(self, table: str) -> pa.Schema:
        """The Arrow schema the rows of a data table have (the types ``dump_table`` gives)."""
        ...

    def table_keys(self, table: str) -> dict[str, list[tuple[str, ...]]]:
        """A data table's ``not_null`` columns and ``unique`` column groups (primary key and UNIQUE)."""
        ...

    def row_counts(self) -> dict[str, int]:
        """Rows in every data table, soft-deleted ones included."""
        ...

    def dump_table(self, table: str) -> pa.Table:
        """Every row of a data table (soft-deleted ones included), in a stable order, as Arrow."""
        ...

    def replace_all(self, data: dict[str, pa.Table]) -> dict[str, int]:
        """Replace the contents of every data table with ``data`` (table -> rows) in one transaction."""
        ...


    # -- Users -------------------------------------------------------------------------------------
    def user_rows(self) -> list[dict[str, Any]]:
        ...

    def user_row(self, email: str) -> dict[str, Any] | None:
        ...

    def claim_active_users(self, role: str) -> list[str]:
        """Claim every active user with ``role`` for the rest of the current transaction; their addresses.

        A concurrent transaction that claims or changes any of them fails (DuckDB: a write conflict; another
        engine: ``SELECT ... FOR UPDATE``), so "count, then change" is one atomic step (the last-admin rule).
        """
        ...

    def insert_user(self, email: str, name: str, role: str, countries: list[str], partners: list[int]) -> None:
        ...

    def update_user(
        self,
        email: str,
        name: str,
        role: str,
        countries: list[str],
        partners: list[int],
        active: bool,
        expected_version: int,
    ) -> None:
        """Update a user if it still has ``expected_version``, else raise ConcurrentEditError."""
        ...


    # -- Reads for views (every one filtered by a ViewScope where records are private) -------------
    def commitments(self, scope: ViewScope, flt: CommitmentFilter | None = None) -> pd.DataFrame:
        """One row per visible commitment matching the filter, with partners, countries and status, newest first
        (``flt.limit`` rows from ``flt.offset`` on: one page; all of them without a limit)."""
        ...

    def count_commitments(self, scope: ViewScope, flt: CommitmentFilter | None = None) -> dict[str, int]:
        """How many visible commitments match the filter, its limit and offset aside: ``commitments``, and
        ``withdrawn`` among them."""
        ...

    def is_visible(self, scope: ViewScope, commitment_id: int) -> bool:
        """Whether this scope may see this commitment: the one visibility rule (embargo, withdrawn, drafts,
        shared with members or the public) that every list, count, chart and export applies."""
        ...

    def headline(self, scope: ViewScope) -> dict[str, int]:
        """The headline figures, each counting visible commitments (see ``HEADLINE_DEFINITIONS``)."""
        ...

    def breakdown(self, scope: ViewScope, by: str) -> pd.DataFrame:
        """Visible commitments counted by ``stakeholder_type``, ``region``, ``year``, ``status`` or ``framework``."""
        ...

    def commitments_per_country(self, scope: ViewScope) -> pd.DataFrame:
        """Visible commitments per country (for the world map), with ISO numeric code for joining."""
        ...

    def item_counts(self, scope: ViewScope, framework_id: str) -> pd.DataFrame:
        """Every item of a framework with the number of visible commitments linked to it."""
        ...

    def assessments(self, scope: ViewScope, country: str) -> pd.DataFrame:
        """Capability assessments of one country that the scope may see (published, or in scope)."""
        ...

    def countries(self, *, members_only: bool = False) -> pd.DataFrame:
        ...

    def country(self, code: str, *, as_of: datetime | None = None) -> dict[str, Any] | None:
        """One country's facts, or None (``as_of``: as they stood then, from the history)."""
        ...

    def partners(self) -> pd.DataFrame:
        ...

    def partner_contacts(self) -> pd.DataFrame:
        """Every live partner's contact addresses and the last reminder sent to it (null when none was)."""
        ...

    def partner_names(self, ids: Iterable[int]) -> dict[int, str]:
        """Id -> name of these live partners (unknown or deleted ones are left out)."""
        ...

    def events(self) -> pd.DataFrame:
        ...

    def frameworks(self) -> pd.DataFrame:
        ...

    def framework_versions(self) -> list[dict[str, Any]]:
        """Every framework: id, family, name, version, published, current (false: never current), ordinal."""
        ...

    def framework_item(self, key: str) -> dict[str, Any] | None:
        """One framework item (key, framework_id, code, kind, name, ordinal, parent_key, verified), or None."""
        ...

    def crosswalk_rows(self) -> list[dict[str, Any]]:
        """Every crosswalk row: from_framework, to_framework, row_no, kind, from_keys, to_keys, note."""
        ...

    def framework_items(self) -> pd.DataFrame:
        ...

    def maturity_phases(self) -> pd.DataFrame:
        ...

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
        and the partners and countries of those commitments."""
        ...


    # -- Reads for one commitment and for imports --------------------------------------------------
    def duplicate_candidates(
        self, scope: ViewScope, partner_ids: list[int], countries: list[str], *, exclude_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The live, not withdrawn commitments the scope may see that share a partner or a country with the
        given ones, but ``exclude_id``: ``id``, ``title``, and the shared ``partner_ids`` and ``countries``."""
        ...

    def progress_updates(self, commitment_id: int, *, deleted: bool = False) -> pd.DataFrame:
        """A commitment's progress updates, newest first (``deleted``: the soft-deleted ones instead)."""
        ...

    def status_comparison(self, commitment_id: int) -> dict[str, Any]:
        """The latest self-reported and the latest verified progress of a commitment, side by side."""
        ...

    def deleted_records(self, entity: str, *, commitment_id: int | None = None) -> pd.DataFrame:
        """Soft-deleted records of one kind (``RECORD_KINDS``) (``id``, ``label``, ``deleted_at``, ``version``),
        newest first.
        """
        ...

    def commitment_by_external_ref(self, external_ref: str) -> dict[str, Any] | None:
        """The commitment (live or soft-deleted) holding an import reference, as ``id`` and ``deleted``."""
        ...

    def live_commitments_using(self, entity: str, record_id: int) -> list[int]:
        """Ids of live commitments that take part a partner, or were made at an event."""
        ...

    def commitments_by_external_ref(self, refs: list[str]) -> dict[str, dict[str, Any]]:
        """Stored commitments with these external references (deleted ones too: ``deleted_at`` says so), each with
        its ``partners`` (partner_id, role), ``countries`` and ``framework_items``.
        """
        ...

    def progress_of_commitments(self, commitment_ids: list[int]) -> list[dict[str, Any]]:
        """The live progress updates of these commitments (to tell a re-imported update from a new one)."""
        ...

    # -- Assessment rounds and sign-offs -------------------------------------------------------------
    def assessment_rounds(self, country: str) -> pd.DataFrame:
        """A country's live rounds, newest first, with how many capabilities each assesses and verifies."""
        ...

    def round_assessments(self, round_id: int) -> list[dict[str, Any]]:
        """The live assessments of one round (every column)."""
        ...

    def active_signoff(self, country: str, at: datetime | None = None) -> dict[str, Any] | None:
        """The sign-off in force for a country now (or at ``at``), or None when nothing is published."""
        ...

    def signoffs(self, country: str) -> list[dict[str, Any]]:
        """Every sign-off of a country, newest first, with how many assessments each holds."""
        ...

    def signed_assessments(self, signoff_id: int) -> list[dict[str, Any]]:
        """The copies of the assessments one sign-off holds."""
        ...

    def add_signoff(self, values: dict[str, Any], rows: list[dict[str, Any]]) -> int:
        """Record a sign-off with the copies of its assessments; returns its id."""
        ...

    def withdraw_signoff(self, signoff_id: int, by: str, at: datetime, reason: str) -> bool:
        """Mark a sign-off withdrawn unless it already is; whether it was withdrawn now."""
        ...


    # -- Frozen snapshots of the public dashboard (only ever added) ----------------------------------
    def snapshots(self) -> list[dict[str, Any]]:
        """Every snapshot (id, slug, name, frozen_by, frozen_at, data_as_of, view, is_demo), newest first."""
        ...

    def snapshot(self, slug: str) -> dict[str, Any] | None:
        """One snapshot by its slug with its ``figures`` (the JSON text frozen), or None."""
        ...

    def add_snapshot(self, values: dict[str, Any]) -> int:
        """Keep a new snapshot; returns its id (a slug already taken: ``DuplicateKeyError``)."""
        ...

    # -- Peer context for the country scorecard ----------------------------------------------------
    def published_member_assessments(self, *, as_of: datetime | None = None) -> list[dict[str, Any]]:
        """Every published, live capability assessment of an Alliance member country (id, country_code,
        region, global_north, capability_key, assessed_on, phase, source): the input of the peer bands,
        which only ever show aggregates of it. Needs no scope: private assessments are never read."""
        ...

    def published_state(self) -> tuple[Any, ...]:
        """A fingerprint of everything ``published_member_assessments`` reads (the sign-offs and their
        copies, the countries' membership and regions, the frameworks): it changes whenever that result may
        have, and not with other writes, so the peer bands need not be recomputed after each of them."""
        ...

    def country_commitment_status(self, scope: ViewScope, country: str) -> list[dict[str, Any]]:
        """The commitments naming ``country`` that the scope may see, with only what the scorecard's
        figures need: id, review_state, embargo_until, reported_status, verified_status, not_reporting
        (each as in ``commitments``; reported_status null when there is no update yet)."""
        ...

    # -- the scorecard's commitment sections (storage/duckdb/country_commitments.py) ---------------
    def country_commitment_rows(self, scope: ViewScope, country: str) -> list[dict[str, Any]]:
        """The commitments naming ``country`` that the scope may see, newest first, with their statuses (latest
        of any source, of each source), not_reporting, progress updates, partners and framework item keys."""
        ...
    # -- Gaps on the country scorecard (storage/duckdb/gaps.py) ------------------------------------
    def framework_item_extras(self, framework_id: str) -> list[dict[str, Any]]:
        """Every item of one framework with its ``extra`` as a dict: key, code, kind, name, summary, extra."""
        ...

    def linked_commitments(
        self, scope: ViewScope, countries: Sequence[str], item_keys: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The commitments the scope may see naming one of ``countries`` and linked to one of ``item_keys``,
        one row per (commitment, country, item): id, title, review_state, visibility, embargo_until,
        reported_status, verified_status, not_reporting, country_code, item_key, partners. Newest first."""
        ...

    def commitments_linked_to_all(self, country: str, item_keys: Sequence[str]) -> list[dict[str, Any]]:
        """Live, not withdrawn commitments naming ``country`` linked to all of ``item_keys`` (id, title,
        review_state), whoever may see them: for a use case's own duplicate check."""
        ...
    # -- end of gaps -------------------------------------------------------------------------------

    # -- Since the last summit (storage/duckdb/since.py) -------------------------------------------
    def changes_between(
        self, before: ViewScope, after: ViewScope, target_framework: str | None
    ) -> list[dict[str, Any]]:
        """What changed from ``before.as_of`` to ``after.as_of`` (None: now), each moment read as it stood
        then for its own scope: rows of kind, key, commitments, countries (totals, new commitments by
        stakeholder type and region, newly complete by region and by target of ``target_framework``)."""
        ...
    # -- end of since the last summit --------------------------------------------------------------

    # -- The dashboard (storage/duckdb/dashboard.py) ----------------------------------------------
    def dashboard_headline(self, scope: ViewScope, flt: DashboardFilter) -> dict[str, int]:
        """The headline figures of a dashboard view: the visible commitments the filter keeps."""
        ...

    def dashboard_breakdown(
        self, scope: ViewScope, flt: DashboardFilter, by: str, *, countries: bool = True
    ) -> pd.DataFrame:
        """The view's commitments by ``stakeholder_type``, ``status``, ``year`` or ``region``: key,
        commitments, global, countries (named; 0 unless ``countries``)."""
        ...

    def dashboard_countries(
        self, scope: ViewScope, flt: DashboardFilter, capability_keys: list[str]
    ) -> pd.DataFrame:
        """Every country the filter keeps, by name: code, name, numeric, region, global_north, member,
        commitments, complete, verified, assessed (of ``capability_keys``, in the published scorecard)."""
        ...
    def dashboard_item_types(
        self, scope: ViewScope, flt: DashboardFilter, item_keys: list[str], *, countries: bool = True
    ) -> pd.DataFrame:
        """The view's commitments linked to each item by partners' stakeholder type: item, type, commitments,
        countries, global (pairs without a commitment: no row)."""
        ...

    def dashboard_group_status(
        self, scope: ViewScope, flt: DashboardFilter, item_keys: list[str], groups: list[str], *,
        countries: bool = True,
    ) -> pd.DataFrame:
        """The view's commitments linked to items gathered in groups (``item_keys[i]`` in ``groups[i]``), by
        latest reported status: key, status, commitments, countries, global."""
        ...
    # -- end of the dashboard ----------------------------------------------------------------------
