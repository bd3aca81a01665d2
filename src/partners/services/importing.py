"""Spreadsheet import: commitments and progress updates (and the new partners and events they name) from an
XLSX workbook or a CSV file.

The use case is :func:`run_import` (``dry_run=True`` for the preview): read the file, validate every
row, then write all of it in one transaction, or nothing. Each row gets a status (new, update,
unchanged, error) and every problem says where it is (the row number Excel shows, header = row 1, and
the column), what is wrong and how to fix it. Malformed files (binary junk, wrong or mixed encoding,
formula cells and text starting like a formula, an empty sheet, no header) and files over a limit
(size, unpacked size, distinct texts, reading time: ``partners.importing.columns``) are reported the same
way: never a traceback, never a change.

Matching is tolerant where spreadsheets are messy:

* countries by name variant or ISO code (``UK``, ``United Kingdom``, ``Türkiye``, ``Turkey``,
  ``Cote d'Ivoire``, ``CIV``) through :func:`partners.reference.match_country`, or ``global``;
* partners and summits by name, ignoring case and accents, with "did you mean" suggestions; those not in
  the database yet may be on the file's *Partners* and *Events* sheets, written in the same transaction;
* framework items by key (``MNR-2016:4``), short form (``MNR 4``) or name (``Dedicated law enforcement``);
* dates in common formats, read day first (``03/04/2025`` is 3 April 2025);
* several partners, countries, framework items or evidence links in one cell, separated by ``;`` (or ``,``);
* a workbook's own column names, by synonym or similarity (``partners.importing.mapping``), shown with the
  report and overridden by the officer's choice or a ``--columns`` map.

The ``external_ref`` column is the stable key: re-importing the same file changes nothing, a row whose
content changed updates its commitment (versioned and audited like an edit in the app).

The jobs are split: ``partners.importing.reading`` reads the file, ``columns`` defines the columns and
templates, ``mapping`` matches headers to columns, ``parsing`` reads cell values, ``checks`` validates rows
against the domain rules and ``report`` holds the outcome. This use case authorises, and writes through the
record services.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import PurePath
from typing import Any

from partners.domain.model import Actor, Commitment
from partners.domain.permissions import UseCase, authorize
from partners.domain.text import fold
from partners.importing import columns, parsing
from partners.importing.checks import Plan, Validator
from partners.importing.columns import SheetKind
from partners.importing.mapping import MapFileError, parse_overrides, unused_headers
from partners.importing.reading import FileError, Overrides, Sheet, check_size, read
from partners.importing.report import ImportReport, Problem, RowStatus
from partners.services import audit, frameworks, records, setup
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.port import Store


def _validator(store: Store, actor: Actor, sheets: list[Sheet], report: ImportReport) -> Validator:
    """The row checks for this database: its demo flag and its framework items, read once per import."""
    items = parsing.item_index(
        store.framework_items().itertuples(),
        family_of={v.id: v.family for v in frameworks.versions(store)},
        current=frameworks.current_ids(store),
    )
    return Validator(store, actor, sheets, report, demo=setup.holds_demo(store), items=items)


def check_file_size(store: Store, actor: Actor, file_name: str, size: int) -> ImportReport | None:
    """The report refusing a file of ``size`` bytes over the limit, or None when the size is fine: lets a
    caller holding a path (the command line) refuse a huge file before reading it into memory."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    try:
        check_size(size)
    except FileError as exc:
        report = ImportReport(file_name=PurePath(file_name).name or "upload", sha256="")
        report.file_problems.append(exc.problem)
        return report
    return None


def preview_import(
    store: Store, actor: Actor, data: bytes, file_name: str, overrides: Overrides | None = None
) -> ImportReport:
    """Read and validate a file without changing anything: the per-row report for the preview."""
    return run_import(store, actor, data, file_name, dry_run=True, overrides=overrides)


def run_import(
    store: Store,
    actor: Actor,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool = False,
    overrides: Overrides | None = None,
) -> ImportReport:
    """Import commitments and progress updates from an XLSX or CSV file, all or nothing.

    The headers are matched to our columns (``importing.mapping``: name, synonym, similarity), except
    where ``overrides`` say which header is which column (:func:`overrides_from_choices`,
    :func:`read_column_map`); the report carries the mapping. Validates every row first; when any row
    (or the file) has a problem, or with ``dry_run``, nothing is written and the report says why.
    Otherwise new commitments, updated commitments, new progress updates, their audit entries and an
    audit entry for the import itself are written in one transaction.
    Raises PermissionDenied when the actor may not log commitments.
    """
    authorize(actor, UseCase.LOG_COMMITMENT)
    name = PurePath(file_name).name or "upload"
    report = ImportReport(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    try:
        sheets, warnings = read(data, file_name, overrides)
    except FileError as exc:
        report.file_problems.append(exc.problem)
        return report
    report.warnings += warnings
    report.mappings = [s.mapping for s in sheets]
    report.file_problems += [
        Problem(s.where, None, "", p.message, p.hint) for s in sheets for p in s.mapping.problems
    ]
    report.file_problems += [
        Problem("Column map", None, "", message, "check the spelling of the header in the column map")
        for message in unused_headers(overrides, report.mappings)
    ]
    if report.file_problems:
        return report  # the columns are not settled: checking rows would report every row
    if dry_run:
        _validator(store, actor, sheets, report).run()
        _note_months(report)
        return report
    try:
        with store.transaction():
            # Validated inside the writing transaction: what was checked is what gets written.
            plan = _validator(store, actor, sheets, report).run()
            if not report.ok or report.to_write == 0:
                return report
            _write(store, actor, plan)
            _note_written(store, report)
    except ValidationFailed as exc:  # a service refused a row the checks above let through
        report.file_problems.append(
            Problem("File", None, "", "; ".join(exc.problems), "correct the rows concerned and import again")
        )
        return report
    report.committed = True
    _note_months(report)
    return report


def _note_months(report: ImportReport) -> None:
    months = [n for n in report.notes if "of that month)" in n]
    if months:
        report.warnings.append(
            f"{len(months):,} date{'s' if len(months) != 1 else ''} written as a month without a day "
            f"{'were' if len(months) != 1 else 'was'} read as the end of that month (deadline) or its first "
            f"day (start_date), e.g. {months[0]}: see the Notes column"
        )


def _note_written(store: Store, report: ImportReport) -> None:
    """The stored id and review state of every commitment the import created or updated."""
    rows = [
        r
        for r in report.rows
        if r.kind is SheetKind.COMMITMENTS and r.status in (RowStatus.NEW, RowStatus.UPDATE)
    ]
    stored = store.commitments_by_external_ref([r.external_ref for r in rows])
    for r in rows:
        found = stored.get(r.external_ref)
        if found is not None:
            r.commitment_id, r.review_state = int(found["id"]), str(found["review_state"])
    for kind, frame in ((SheetKind.PARTNERS, store.partners()), (SheetKind.EVENTS, store.events())):
        ids = {fold(name): int(rid) for rid, name in zip(frame["id"], frame["name"], strict=True)}
        for r in report.rows:
            if r.kind is kind and r.status is RowStatus.NEW:
                r.record_id = ids.get(fold(r.summary))


def imported_ids(store: Store, actor: Actor, file_name: str, sha256: str) -> list[int]:
    """The commitments an import created or updated (its audit entry, found by file name and checksum),
    for the Commitments page's view of exactly that import. Empty when there is no such import."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    if len(sha256) < 8:
        return []
    for entry in reversed(store.history("import", file_name)):
        after = entry.get("after") or {}
        if str(after.get("sha256", "")).startswith(sha256.lower()):
            return [int(i) for i in after.get("commitment_ids", [])]
    return []


def overrides_from_choices(kind: SheetKind, choices: dict[str, str | None]) -> dict[str, str | None]:
    """The officer's choice on the preview (their header -> our column, None: not read) as an override
    naming every column of the kind. ValidationFailed when two headers are given the same column."""
    taken: dict[str, str] = {}
    for header, column in choices.items():
        if column is None:
            continue
        if column in taken:
            raise ValidationFailed(
                [f"'{taken[column]}' and '{header}' are both set to {column}: choose one of them for it"]
            )
        taken[column] = header
    return {c.name: taken.get(c.name) for c in columns.SHEETS[kind].columns}


def read_column_map(text: str) -> Overrides:
    """A column map file (YAML: ``our_column: "Their header"``, one line per column, optionally under a
    ``Commitments:`` or ``Progress updates:`` section). ValidationFailed saying what is wrong."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ValidationFailed([f"the column map is not valid YAML{line}: write one line per column, "
                                'e.g. partners: "Partner(s)"']) from exc
    try:
        return parse_overrides(data)
    except MapFileError as exc:
        raise ValidationFailed([str(exc)]) from exc


def new_commitments(store: Store, actor: Actor, data: bytes, file_name: str) -> list[Commitment]:
    """The validated commitments a file would add (ids cleared): the records :func:`run_import` writes,
    for writing them another way (the row-by-row baseline of the benchmarks). ValueError if any problem."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    report = ImportReport(file_name=file_name, sha256="")
    try:
        sheets, _ = read(data, file_name)
    except FileError as exc:
        raise ValueError(str(exc.problem)) from exc
    plan = _validator(store, actor, sheets, report).run()
    if not report.ok:
        raise ValueError("; ".join(str(p) for p in report.problems[:5]))
    return [c.model_copy(update={"id": None}) for c in plan.new]


def _write(store: Store, actor: Actor, plan: Plan) -> None:
    report = plan.report
    id_map: dict[int, int] = {}
    partner_ids: dict[int, int] = {}
    event_ids: dict[int, int] = {}
    if plan.new or plan.partners or plan.events:
        # new partners and events first in the same load: the new commitments refer to their local ids
        result = load_dataset(
            store, actor, Dataset(partners=plan.partners, events=plan.events, commitments=plan.new)
        )
        id_map, partner_ids, event_ids = (result.id_map[k] for k in ("commitment", "partner", "event"))
    for _, commitment_id, version, commitment in plan.updates:
        stored_ids = {
            "partners": [
                p.model_copy(update={"partner_id": partner_ids.get(p.partner_id, p.partner_id)})
                for p in commitment.partners
            ],
            "event_id": event_ids.get(commitment.event_id, commitment.event_id)
            if commitment.event_id is not None
            else None,
        }
        records.update_commitment(
            store,
            actor,
            commitment_id,
            commitment.model_copy(update=stored_ids),
            version,
            note={"reason_for_change": f"imported from {report.file_name}"},
        )
    for _, update, reason, _ in sorted(plan.progress, key=lambda p: (p[1].report_date, p[0].row)):
        stored_id = id_map.get(update.commitment_id, update.commitment_id)
        records.record_progress(store, actor, update.model_copy(update={"commitment_id": stored_id}), reason)
    kinds = {k: sum(1 for r in report.rows if r.kind is k) for k in SheetKind}
    audit.record(
        store,
        actor,
        "import",
        "import",
        report.file_name,
        after={
            "file": report.file_name,
            "sha256": report.sha256,
            "rows": len(report.rows),
            "commitment_rows": kinds[SheetKind.COMMITMENTS],
            "progress_rows": kinds[SheetKind.PROGRESS],
            "new": report.count(RowStatus.NEW, SheetKind.COMMITMENTS),
            "updated": report.count(RowStatus.UPDATE, SheetKind.COMMITMENTS),
            "unchanged": report.count(RowStatus.UNCHANGED, SheetKind.COMMITMENTS),
            "progress_new": report.count(RowStatus.NEW, SheetKind.PROGRESS),
            "progress_unchanged": report.count(RowStatus.UNCHANGED, SheetKind.PROGRESS),
            "partners_new": report.count(RowStatus.NEW, SheetKind.PARTNERS),
            "events_new": report.count(RowStatus.NEW, SheetKind.EVENTS),
            "partner_ids": sorted(partner_ids.values()),
            "event_ids": sorted(event_ids.values()),
            # the Commitments page shows exactly these (imported_ids)
            "commitment_ids": sorted({*id_map.values(), *(u[1] for u in plan.updates)}),
        },
    )


def template_xlsx(store: Store, actor: Actor) -> bytes:
    """The import template, its *Framework items* sheet listing the current version of each framework."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    return columns.template_xlsx(frameworks.picker_items(store, actor).itertuples())


# -- saved column mappings ------------------------------------------------------------------------------

#: The dataset fact holding the saved column mappings (JSON: name -> mapping), in the database so that
#: every officer of a multi-user server sees the same ones.
MAPPINGS_META_KEY = "import_column_mappings"
MAX_MAPPING_NAME = 80
MAX_SAVED_MAPPINGS = 200


def _load_mappings(store: Store) -> dict[str, dict[str, Any]]:
    raw = store.meta(MAPPINGS_META_KEY)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def saved_mappings(store: Store, actor: Actor) -> dict[str, dict[str, Any]]:
    """The saved column mappings by name, each with ``columns`` (sheet kind -> our column -> their header),
    ``signature`` (the headers of the file it was made for), ``saved_by`` and ``saved_at``."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    return dict(sorted(_load_mappings(store).items(), key=lambda kv: kv[0].casefold()))


def save_mapping(store: Store, actor: Actor, name: str, report: ImportReport) -> str:
    """Save the mapping a preview used (every sheet's) under ``name``, replacing one of that name. Audited.
    Returns the name as saved; ValidationFailed for an empty or overlong name, or a report without one."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    clean = " ".join(str(name or "").split())
    if not clean:
        raise ValidationFailed(["Name of the mapping: give it a name, e.g. 'Rapporteurs' workbook 2025'"])
    if len(clean) > MAX_MAPPING_NAME:
        raise ValidationFailed([f"Name of the mapping: at most {MAX_MAPPING_NAME} characters"])
    if not report.mappings:
        raise ValidationFailed(["There is no column mapping to save: upload a file first"])
    entry = {
        "columns": {m.kind.value: m.as_override() for m in report.mappings},
        "signature": sorted({k for m in report.mappings for k in m.signature()}),
        "saved_by": actor.display,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
    }
    with store.transaction():
        saved = _load_mappings(store)
        if clean not in saved and len(saved) >= MAX_SAVED_MAPPINGS:
            raise ValidationFailed([f"At most {MAX_SAVED_MAPPINGS} mappings can be saved: delete one first"])
        before = saved.get(clean)
        saved[clean] = entry
        store.set_meta(MAPPINGS_META_KEY, json.dumps(saved, sort_keys=True))
        audit.record(store, actor, "update" if before else "create", "setting",
                     f"{MAPPINGS_META_KEY}:{clean}", before, entry)
    return clean


def delete_mapping(store: Store, actor: Actor, name: str) -> None:
    """Delete a saved column mapping (audited); NotFound when there is none of that name."""
    authorize(actor, UseCase.LOG_COMMITMENT)
    with store.transaction():
        saved = _load_mappings(store)
        if name not in saved:
            raise NotFound(f"there is no saved column mapping called '{name}'")
        before = saved.pop(name)
        store.set_meta(MAPPINGS_META_KEY, json.dumps(saved, sort_keys=True))
        audit.record(store, actor, "delete", "setting", f"{MAPPINGS_META_KEY}:{name}", before, None)


def mapping_overrides(entry: dict[str, Any]) -> Overrides:
    """A saved mapping as the overrides :func:`run_import` takes."""
    out: Overrides = {}
    for kind in SheetKind:
        columns_ = (entry.get("columns") or {}).get(kind.value)
        if isinstance(columns_, dict):
            out[kind] = {str(c): (str(h) if h else None) for c, h in columns_.items()}
    return out


def fitting_mappings(saved: dict[str, dict[str, Any]], report: ImportReport) -> list[str]:
    """Names of the saved mappings made for a file of this shape (the same headers)."""
    shape = sorted({k for m in report.mappings for k in m.signature()})
    return [name for name, entry in saved.items() if entry.get("signature") == shape]
