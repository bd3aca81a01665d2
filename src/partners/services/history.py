"""History of every record: who changed what and when; soft deletes the secretariat can undo; restoring an
earlier version in one action.

Every write already leaves an audit entry (actor, time, action, before, after) in the same transaction
as the change. Here the secretariat reads those entries, deletes a record (softly: ``deleted_at`` is set,
every view stops showing it), brings a deleted record back, or writes an earlier version's snapshot back
over the record. Each of these is itself an audit entry, so nothing is ever silently lost.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError

from partners.domain.model import (
    RECORD_KINDS,
    Actor,
    AssessmentRound,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Event,
    Partner,
    ProgressUpdate,
)
from partners.domain.permissions import UseCase, authorize
from partners.services import audit, lookups, records
from partners.services.errors import NotFound, ValidationFailed
from partners.services.records import (
    ensure_version,
    record_snapshot,
    validated,
    versioned_write,
)
from partners.storage.port import Store

#: Fields of a snapshot that describe the stored row rather than its content (never restored).
_BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "deleted_at", "reason_for_change"})

#: How each action reads in a history view.
ACTION_LABELS = {
    "create": "Created",
    "update": "Edited",
    "delete": "Deleted",
    "undelete": "Restored after deletion",
    "restore": "Earlier version restored",
    "submit": "Submitted for review",
    "verify": "Verified",
    "send_back": "Sent back to draft",
    "publish": "Published",
    "unpublish": "Unpublished",
    "withdraw": "Withdrawn",
    "reinstate": "Reinstated as a draft",
}


def _check_entity(entity: str) -> str:
    if entity not in RECORD_KINDS:
        raise ValidationFailed([f"'{entity}' is not a kind of record ({', '.join(RECORD_KINDS)})"])
    return entity


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """The fields that differ between two snapshots: (field, before, after), bookkeeping left out."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if k not in _BOOKKEEPING]
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def history(store: Store, actor: Actor, entity: str, record_id: int) -> list[dict[str, Any]]:
    """Every audit entry of one record, oldest first, each with its ``changes`` and a readable ``what``."""
    authorize(actor, UseCase.VIEW_HISTORY)
    _check_entity(entity)
    entries = store.history(entity, record_id)
    for e in entries:
        e["what"] = ACTION_LABELS.get(e["action"], e["action"].replace("_", " ").capitalize())
        e["changes"] = changes(e["before"], e["after"])
    return entries


#: The model of each kind of record, whose field types say how a stored value reads.
_MODELS: dict[str, type[BaseModel]] = {
    "commitment": Commitment,
    "progress_update": ProgressUpdate,
    "partner": Partner,
    "event": Event,
    "capability_assessment": CapabilityAssessment,
    "assessment_round": AssessmentRound,
}

#: Stored column names that differ from the model's field names.
_STORED_AS = {"country_code": "country", "capability_key": "capability"}

#: Fields a history never lists as a change (the entry's own note, or restore's pointer to its source).
_NOT_SHOWN = frozenset({"restored_from", "is_demo"})


def typed_value(entity: str, field: str, value: Any) -> Any:
    """A snapshot value (JSON: numbers and dates as text) as the model types it: a Decimal, a date, an
    enumeration member, a list of partners. Left as it is when the model does not know it."""
    model = _MODELS.get(entity)
    info = model.model_fields.get(field) if model else None
    if info is None or value is None:
        return value
    try:
        return TypeAdapter(info.annotation).validate_python(value)
    except (ValidationError, TypeError, ValueError):
        return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | dict) and not value)


class RecordNames:
    """Ids and codes in records as names: partners (with their role), countries, events (name and date),
    framework items."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self._store, self._actor = store, actor
        self._partners: dict[int, str | None] = {}  # looked up as records name them, not every partner at once
        self.countries = lookups.country_names(store, actor)
        self.items = lookups.framework_item_labels(store, actor)
        found = lookups.events(store, actor)
        self.events: dict[int, tuple[str, Any]] = {
            int(i): (str(n), d) for i, n, d in zip(found.id, found.name, found.date, strict=True)
        }

    def _partner_name(self, partner_id: int) -> str:
        if partner_id not in self._partners:
            found = lookups.names_of_partners(self._store, self._actor, [partner_id])
            self._partners[partner_id] = found.get(partner_id)
        return self._partners[partner_id] or f"partner {partner_id}"

    def partner(self, p: Any) -> str:
        if isinstance(p, CommitmentPartner):
            return f"{self._partner_name(p.partner_id)} ({p.role.label})"
        return self._partner_name(p) if isinstance(p, int) else str(p)

    def resolve(self, field: str, value: Any) -> Any:
        if _empty(value):
            return None
        if field == "partners":
            return [self.partner(p) for p in value]
        if field == "countries":
            return [self.countries.get(c, c) for c in value]
        if field in ("country", "hq_country"):
            return self.countries.get(value, value)
        if field == "framework_items":
            return [self.items.get(k, k) for k in value]
        if field == "capability":
            return self.items.get(value, value)
        if field == "event_id":
            return self.events.get(value, (f"event {value}",))
        if field == "commitment_id":
            return f"Commitment {value}"
        return value


def readable_history(store: Store, actor: Actor, entity: str, record_id: int) -> list[dict[str, Any]]:
    """The history of one record as people read it, newest first: each entry's ``changes`` as
    (field, before, after) with typed values (numbers, dates, enumerations) and names for ids and codes
    (partners with their roles, countries, events, framework items). A value that only changed its
    spelling (``40`` and ``40.0000``, empty and missing) is no change; an edit that changed nothing is
    left out; ``reason`` is the reason given with the change, when one was.
    """
    entries = history(store, actor, entity, record_id)
    names = RecordNames(store, actor)
    shown = []
    for e in entries:
        readable = _readable(entity, e["changes"], names)
        if e["action"] == "update" and not readable:
            continue
        note = e["after"] or {}
        # A review move's reason goes with the move (``workflow.transition``); a progress update's own
        # reason field is a change like the others.
        reason = note.get("reason_for_change") or ("" if entity == "progress_update" else note.get("reason")) or ""
        restored = note.get("restored_from") if e["action"] == "restore" else None
        shown.append({**e, "changes": readable, "reason": str(reason), "restored_from": restored})
    return list(reversed(shown))


def restore_preview(
    store: Store, actor: Actor, entity: str, record_id: int, audit_entry_id: int
) -> list[tuple[str, Any, Any]]:
    """What restoring the version after change ``audit_entry_id`` would change: (field, now, then), read
    as ``readable_history`` reads its changes (the review state stays, so it is not listed)."""
    authorize(actor, UseCase.RESTORE_RECORD)
    _check_entity(entity)
    entry = next((e for e in store.history(entity, record_id) if e["id"] == audit_entry_id), None)
    if entry is None or not entry["after"]:
        raise NotFound(f"change {audit_entry_id} is not a version of this {entity.replace('_', ' ')}")
    current = record_snapshot(store, entity, record_id)
    then = {k: v for k, v in entry["after"].items() if k != "review_state"}
    now = {k: v for k, v in current.items() if k != "review_state"}
    return _readable(entity, changes(now, then), RecordNames(store, actor))


def _readable(entity: str, raw: list[tuple[str, Any, Any]], names: RecordNames) -> list[tuple[str, Any, Any]]:
    readable = []
    for stored, old, new in raw:
        field = _STORED_AS.get(stored, stored)
        if field in _NOT_SHOWN or (field == "reason" and entity != "progress_update"):
            continue
        old, new = typed_value(entity, field, old), typed_value(entity, field, new)
        if (_empty(old) and _empty(new)) or old == new:
            continue
        readable.append((field, names.resolve(field, old), names.resolve(field, new)))
    return readable


def deleted_records(
    store: Store, actor: Actor, entity: str, *, commitment_id: int | None = None
) -> pd.DataFrame:
    """The soft-deleted records of one kind (progress updates: of one commitment), newest deletion first."""
    authorize(actor, UseCase.VIEW_HISTORY)
    return store.deleted_records(_check_entity(entity), commitment_id=commitment_id)


def current_version(store: Store, actor: Actor, entity: str, record_id: int) -> int | None:
    """The version of a live record a restore would replace (None when it is deleted or missing)."""
    authorize(actor, UseCase.RESTORE_RECORD)
    row = store.get_row(_check_entity(entity), record_id)
    return None if row is None else int(row["version"])


def change_count(store: Store, actor: Actor) -> int:
    """How many changes the history holds. Every write adds an entry, so a page can tell by this number
    whether the database changed since it last looked (the import preview keeps its result until then)."""
    authorize(actor, UseCase.VIEW_HISTORY)
    return store.count("audit_log")


# -- delete and undelete -------------------------------------------------------------------------


def _refuse_delete_in_use(store: Store, entity: str, record_id: int) -> None:
    if entity not in ("partner", "event"):
        return
    using = store.live_commitments_using(entity, record_id)
    if using:
        shown = ", ".join(map(str, using[:10])) + (" …" if len(using) > 10 else "")
        what = "takes part in" if entity == "partner" else "is where these were made:"
        raise ValidationFailed([
            f"This {entity} {what} commitment{'s' if len(using) > 1 else ''} {shown}; "
            "change or delete those first"
        ])


def delete_record(store: Store, actor: Actor, entity: str, record_id: int, expected_version: int) -> int:
    """Soft-delete a record: it disappears from every view and export, and stays restorable."""
    authorize(actor, UseCase.DELETE_RECORD)
    _check_entity(entity)
    with versioned_write(store, entity, record_id, expected_version):
        before = record_snapshot(store, entity, record_id)
        if before["deleted_at"] is not None:
            raise ValidationFailed([f"This {entity.replace('_', ' ')} is already deleted"])
        ensure_version(store, entity, before, expected_version)
        _refuse_delete_in_use(store, entity, record_id)
        version = store.update_row(entity, record_id, {"deleted_at": store.now()}, expected_version)
        after = record_snapshot(store, entity, record_id)
        audit.record(store, actor, "delete", entity, record_id, before=before, after=after)
    return version


def _refuse_undelete_dangling(store: Store, entity: str, row: dict[str, Any]) -> None:
    """A restored record must not point at records that are deleted now."""
    problems = []
    if entity == "commitment":
        ids = [p["partner_id"] for p in row["partners"]]
        gone = set(ids) - store.existing_keys("partners", "id", ids)
        if gone:
            problems.append(f"Partners: restore partner {', '.join(map(str, sorted(gone)))} first")
        if row["event_id"] is not None and not store.existing_keys("events", "id", [row["event_id"]]):
            problems.append(f"Event: restore summit or plan {row['event_id']} first")
    if entity == "progress_update" and not store.existing_keys("commitments", "id", [row["commitment_id"]]):
        problems.append(f"Commitment: restore commitment {row['commitment_id']} first")
    if problems:
        raise ValidationFailed(problems)


def restore_deleted(store: Store, actor: Actor, entity: str, record_id: int, expected_version: int) -> int:
    """Bring a soft-deleted record back into every view (recorded as 'undelete')."""
    authorize(actor, UseCase.RESTORE_RECORD)
    _check_entity(entity)
    with versioned_write(store, entity, record_id, expected_version):
        before = record_snapshot(store, entity, record_id)
        if before["deleted_at"] is None:
            raise ValidationFailed([f"This {entity.replace('_', ' ')} is not deleted"])
        ensure_version(store, entity, before, expected_version)
        _refuse_undelete_dangling(store, entity, before)
        version = store.update_row(entity, record_id, {"deleted_at": None}, expected_version)
        after = record_snapshot(store, entity, record_id)
        audit.record(store, actor, "undelete", entity, record_id, before=before, after=after)
    return version


# -- restore an earlier version ---------------------------------------------------------------------


def _content(
    snapshot: dict[str, Any], model: type, *, rename: dict[str, str] | None = None
) -> dict[str, Any]:
    rename = rename or {}
    data = {rename.get(k, k): v for k, v in snapshot.items()}
    return {k: v for k, v in data.items() if k in model.model_fields and k not in _BOOKKEEPING}


def restore_version(
    store: Store, actor: Actor, entity: str, record_id: int, audit_entry_id: int, expected_version: int
) -> int:
    """Write back the record as it was after the change ``audit_entry_id`` (one of its history entries).

    The content comes back (for a commitment: its partners, countries and framework links too); the
    review state of a commitment stays as it is now, since it moves only through the workflow. Recorded
    as 'restore', naming the entry restored. Returns the new version.
    """
    authorize(actor, UseCase.RESTORE_RECORD)
    _check_entity(entity)
    entry = next((e for e in store.history(entity, record_id) if e["id"] == audit_entry_id), None)
    if entry is None:
        what = f"{entity.replace('_', ' ')} {record_id}"
        raise NotFound(f"change {audit_entry_id} is not in the history of {what}")
    snapshot = entry["after"]
    if entry["action"] == "delete" or not snapshot:
        raise ValidationFailed(["That change deleted the record; restore the deleted record instead"])
    current = record_snapshot(store, entity, record_id)
    if current["deleted_at"] is not None:
        raise ValidationFailed([f"This {entity.replace('_', ' ')} is deleted; restore it first"])
    note = {"restored_from": audit_entry_id}
    keep = {"is_demo": current.get("is_demo", False)}

    if entity == "commitment":
        data = _content(snapshot, Commitment) | keep | {"review_state": current["review_state"]}
        model = validated(Commitment, data)
        return records.update_commitment(
            store, actor, record_id, model, expected_version, action="restore", note=note
        )
    if entity == "partner":
        model = validated(Partner, _content(snapshot, Partner) | keep)
        return records.update_partner(
            store, actor, record_id, model, expected_version, action="restore", note=note
        )
    if entity == "event":
        model = validated(Event, _content(snapshot, Event) | keep)
        return records.update_event(
            store, actor, record_id, model, expected_version, action="restore", note=note
        )

    if entity == "progress_update":
        model = validated(ProgressUpdate, _content(snapshot, ProgressUpdate) | keep)
        values = records.progress_columns(model, snapshot.get("reason", ""))
    else:
        rename = {"country_code": "country", "capability_key": "capability"}
        data = _content(snapshot, CapabilityAssessment, rename=rename) | keep
        model = validated(CapabilityAssessment, data)
        values = records.assessment_columns(model)
    with versioned_write(store, entity, record_id, expected_version):
        return records.save_record(
            store, actor, entity, record_id, values, expected_version, action="restore", note=note
        )
