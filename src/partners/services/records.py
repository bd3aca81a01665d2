"""Use cases that write records: each takes plain data and an acting user, checks permission, validates,
writes in one transaction together with its audit entry, and returns the new id (or the new version).

Edits carry the version the editor loaded (optimistic locking): a save over someone else's change is
refused with "changed by X at T; reload to see their change", never a silent overwrite.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError

from partners.domain import rules, smart
from partners.domain.model import (
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    describe_validation_error,
)
from partners.domain.permissions import PermissionDenied, UseCase, authorize
from partners.domain.workflow import use_cases_to_reach
from partners.services import audit, frameworks, signoff
from partners.services.errors import NotFound, ValidationFailed
from partners.services.visibility import may_see, view_scope
from partners.storage.errors import ConcurrentEditError
from partners.storage.port import Store


def _columns(model: BaseModel, exclude: set[str]) -> dict[str, Any]:
    data = model.model_dump(mode="python", exclude=exclude | {"id"})
    return {k: (v.value if hasattr(v, "value") and not isinstance(v, int | float) else v)
            for k, v in data.items()}


def validated(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """Build a model from plain data, turning pydantic's errors into ValidationFailed (plain sentences)."""
    try:
        return model(**data)
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from exc


# -- optimistic locking ----------------------------------------------------------------------------


def _label(entity: str) -> str:
    return entity.replace("_", " ")


def _changed(store: Store, entity: str, record_id: int) -> ConcurrentEditError:
    """The refusal naming who changed the record last, and when."""
    return ConcurrentEditError.changed_by(f"this {_label(entity)}", store.last_change(entity, record_id))


def ensure_version(store: Store, entity: str, row: dict[str, Any], expected_version: int) -> None:
    """Refuse to act on a record someone changed since the editor loaded ``expected_version``."""
    if int(row["version"]) != int(expected_version):
        raise _changed(store, entity, row["id"])


#: How long a refused write waits for the save that beat it to become visible, to name who made it.
CONFLICT_WAIT_SECONDS = 2.0


@contextmanager
def versioned_write(store: Store, entity: str, record_id: int, expected_version: int) -> Iterator[Any]:
    """A transaction for changing one record. When the engine refuses it because another session wrote the
    same row at the same moment, the refusal names who saved first and when: the engine refuses before the
    other save is committed, so this waits (briefly) until that save is visible, then reads who made it."""
    try:
        with store.transaction() as tx:
            yield tx
    except ConcurrentEditError as exc:
        if _wait_for_other_save(store, entity, record_id, expected_version):
            raise _changed(store, entity, record_id) from exc
        raise


def _wait_for_other_save(store: Store, entity: str, record_id: int, expected_version: int) -> bool:
    """Whether the record's stored version moved past ``expected_version`` (someone else's save committed)
    within ``CONFLICT_WAIT_SECONDS``."""
    deadline = time.monotonic() + CONFLICT_WAIT_SECONDS
    pause = 0.005
    while True:
        try:
            row = store.get_row(entity, record_id, include_deleted=True)
        except Exception:  # noqa: BLE001 - inside an outer transaction that failed: keep the first message
            return False
        if row is None:
            return False
        if int(row["version"]) != int(expected_version):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


# -- snapshots -------------------------------------------------------------------------------------


def _require(store: Store, entity: str, record_id: int) -> dict[str, Any]:
    row = store.get_row(entity, record_id)
    if row is None:
        if store.get_row(entity, record_id, include_deleted=True) is not None:
            raise NotFound(
                f"{_label(entity)} {record_id} has been deleted; "
                "the secretariat can restore it from its history"
            )
        raise NotFound(f"there is no {_label(entity)} with id {record_id}")
    return row


def without_timestamps(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}


def record_snapshot(store: Store, entity: str, record_id: int) -> dict[str, Any]:
    """The stored record as the audit log keeps it (a commitment with its partners, countries and items),
    deleted or not."""
    row = store.get_row(entity, record_id, include_deleted=True)
    if row is None:
        raise NotFound(f"there is no {_label(entity)} with id {record_id}")
    if entity == "commitment":
        row = {**row, **store.commitment_links(record_id)}
    return without_timestamps(row)


def save_record(
    store: Store,
    actor: Actor,
    entity: str,
    record_id: int,
    values: dict[str, Any],
    expected_version: int,
    *,
    action: str = "update",
    note: dict[str, Any] | None = None,
) -> int:
    """Update one record (not a commitment's links) with its audit entry; call inside a transaction."""
    before = record_snapshot(store, entity, record_id)
    ensure_version(store, entity, before, expected_version)
    version = store.update_row(entity, record_id, values, expected_version)
    after = record_snapshot(store, entity, record_id) | (note or {})
    audit.record(store, actor, action, entity, record_id, before=before, after=after)
    return version


# -- partners ------------------------------------------------------------------------------------


def _partner_columns(p: Partner) -> dict[str, Any]:
    values = _columns(p, set())
    values["tags"] = [t.value for t in p.tags]
    return values


# -- who may create what: one check per kind of record, shared by the one-record and the bulk paths ---


def check_create_partner(actor: Actor, partner: Partner) -> None:
    """Raise PermissionDenied unless ``actor`` may add this partner."""
    authorize(actor, UseCase.MANAGE_PARTNERS)


def check_create_event(actor: Actor, event: Event) -> None:
    """Raise PermissionDenied unless ``actor`` may add this summit or plan."""
    authorize(actor, UseCase.MANAGE_EVENTS)


def check_log_commitment(actor: Actor, commitment: Commitment) -> None:
    """Raise PermissionDenied unless ``actor`` may log this commitment, for its countries, in its review state.

    A commitment logged in a later review state than draft (a pledge already announced on stage) needs
    the right to make every workflow step up to that state (``partners.domain.workflow``).
    """
    authorize(actor, UseCase.LOG_COMMITMENT, countries=commitment.countries)
    for use_case in use_cases_to_reach(commitment.review_state):
        authorize(actor, use_case, countries=commitment.countries or None)


def check_record_progress(store: Store, actor: Actor, update: ProgressUpdate, commitment: dict[str, Any]) -> None:
    """Raise PermissionDenied unless ``actor`` may record this update on ``commitment`` (its ``countries``
    and ``partners``, as ``get_commitment`` gives them).

    A self-reported update needs RECORD_PROGRESS, a verified one VERIFY_PROGRESS, for the commitment's
    countries or partners; and writing needs at least the right to read: the commitment must be one the
    actor's view scope shows (a partner contributor cannot report on their partner's draft). A commitment
    created in the same bulk load has no ``id`` yet: its creator logs it, so may see it.
    """
    partner_ids = [p["partner_id"] for p in commitment["partners"]]
    verified = update.source is ReportSource.VERIFIED
    use_case = UseCase.VERIFY_PROGRESS if verified else UseCase.RECORD_PROGRESS
    authorize(actor, use_case, countries=commitment["countries"], partners=partner_ids)
    stored_id = commitment.get("id")
    if stored_id is not None and not may_see(store, actor, stored_id):
        raise PermissionDenied(
            f"{actor.display} ({actor.role.label}) may {use_case.value} only on commitments they can see; "
            f"commitment {stored_id} is not shown to them (for example a draft, or under embargo)."
        )


def check_record_assessment(actor: Actor, assessment: CapabilityAssessment) -> None:
    """Raise PermissionDenied unless ``actor`` may record this assessment for its country (and, when it is
    published, publish it there)."""
    authorize(actor, UseCase.RECORD_ASSESSMENT, countries=[assessment.country])
    if assessment.published:
        authorize(actor, UseCase.PUBLISH_ASSESSMENT, countries=[assessment.country])


def create_partner(store: Store, actor: Actor, partner: Partner) -> int:
    check_create_partner(actor, partner)
    values = _partner_columns(partner)
    with store.transaction():
        new_id = store.insert_row("partner", values)
        audit.record(store, actor, "create", "partner", new_id, after=values)
    return new_id


def update_partner(
    store: Store,
    actor: Actor,
    partner_id: int,
    partner: Partner,
    expected_version: int,
    *,
    action: str = "update",
    note: dict[str, Any] | None = None,
) -> int:
    """Save an edited partner if nobody saved it since ``expected_version``; returns the new version."""
    authorize(actor, UseCase.MANAGE_PARTNERS)
    values = _partner_columns(partner)
    with versioned_write(store, "partner", partner_id, expected_version):
        _require(store, "partner", partner_id)
        return save_record(
            store, actor, "partner", partner_id, values, expected_version, action=action, note=note
        )


# -- events --------------------------------------------------------------------------------------


def create_event(store: Store, actor: Actor, event: Event) -> int:
    check_create_event(actor, event)
    values = _columns(event, set())
    with store.transaction():
        new_id = store.insert_row("event", values)
        audit.record(store, actor, "create", "event", new_id, after=values)
    return new_id


def update_event(
    store: Store,
    actor: Actor,
    event_id: int,
    event: Event,
    expected_version: int,
    *,
    action: str = "update",
    note: dict[str, Any] | None = None,
) -> int:
    """Save an edited summit or plan if nobody saved it since ``expected_version``; returns the new one."""
    authorize(actor, UseCase.MANAGE_EVENTS)
    values = _columns(event, set())
    with versioned_write(store, "event", event_id, expected_version):
        _require(store, "event", event_id)
        return save_record(
            store, actor, "event", event_id, values, expected_version, action=action, note=note
        )


# -- commitments ---------------------------------------------------------------------------------


def _check_commitment_refs(store: Store, c: Commitment, commitment_id: int | None = None) -> None:
    problems = []
    holder = store.commitment_by_external_ref(c.external_ref) if c.external_ref else None
    if holder and holder["id"] != commitment_id:
        deleted = " (deleted; restore it instead)" if holder["deleted"] else ""
        problems.append(
            f"External ref: '{c.external_ref}' is already the reference of commitment {holder['id']}{deleted}"
        )
    partner_ids = [p.partner_id for p in c.partners]
    missing = set(partner_ids) - store.existing_keys("partners", "id", partner_ids)
    if missing:
        problems.append(f"Partners: no partner with id {', '.join(map(str, sorted(missing)))}")
    unknown_items = frameworks.unknown_item_keys(store, c.framework_items)
    if unknown_items:
        problems.append(
            f"Framework items: unknown item {', '.join(unknown_items)} (use keys such as MNR-2016:4)"
        )
    if c.event_id is not None and not store.existing_keys("events", "id", [c.event_id]):
        problems.append(f"Event: no summit or plan with id {c.event_id}")
    if problems:
        raise ValidationFailed(problems)


def _commitment_columns(c: Commitment) -> dict[str, Any]:
    return _columns(c, {"partners", "countries", "framework_items"})


def _commitment_snapshot(values: dict[str, Any], c: Commitment) -> dict[str, Any]:
    return {
        **values,
        "partners": [{"partner_id": p.partner_id, "role": p.role.value} for p in c.partners],
        "countries": list(c.countries),
        "framework_items": list(c.framework_items),
    }


def _write_links(store: Store, commitment_id: int, c: Commitment) -> None:
    store.replace_links(
        "commitment_partners",
        commitment_id,
        [{"partner_id": p.partner_id, "role": p.role.value} for p in c.partners],
    )
    store.replace_links("commitment_countries", commitment_id, [{"country_code": k} for k in c.countries])
    store.replace_links("commitment_items", commitment_id, [{"item_key": k} for k in c.framework_items])


def _with_smart_level(c: Commitment) -> Commitment:
    """The SMART level is derived from the commitment's fields (``partners.domain.smart``), never typed in."""
    return c.model_copy(update={"smart_level": smart.level(c)})


def log_commitment(store: Store, actor: Actor, commitment: Commitment) -> int:
    """Log a new commitment (joint commitments: several partners, several countries or global); the
    permission is ``check_log_commitment``'s."""
    check_log_commitment(actor, commitment)
    return write_new_commitment(store, actor, commitment)


def write_new_commitment(
    store: Store, actor: Actor, commitment: Commitment, *, note: dict[str, Any] | None = None
) -> int:
    """Store a new commitment with its links and its audit entry (``note``: added to the entry), in one
    transaction (joining the caller's). The caller has authorised it: ``log_commitment``, or a narrower use
    case such as ``services.gaps.suggest_commitment``."""
    commitment = _with_smart_level(commitment)
    values = _commitment_columns(commitment)
    with store.transaction():
        _check_commitment_refs(store, commitment)
        new_id = store.insert_row("commitment", values)
        _write_links(store, new_id, commitment)
        after = _commitment_snapshot(values, commitment) | (note or {})
        audit.record(store, actor, "create", "commitment", new_id, after=after)
    return new_id


def update_commitment(
    store: Store,
    actor: Actor,
    commitment_id: int,
    commitment: Commitment,
    expected_version: int,
    *,
    action: str = "update",
    note: dict[str, Any] | None = None,
) -> int:
    """Save an edited commitment if nobody saved it since ``expected_version``; returns the new version.

    The review state does not change here: it moves only through ``services.workflow``.
    """
    with versioned_write(store, "commitment", commitment_id, expected_version):
        before = get_commitment(store, commitment_id)
        authorize(actor, UseCase.EDIT_COMMITMENT, countries=before["countries"] or None)
        ensure_version(store, "commitment", before, expected_version)
        if commitment.review_state.value != before["review_state"]:
            raise ValidationFailed(
                ["Review state: change it with the workflow actions (submit, verify, publish, withdraw)"]
            )
        commitment = _with_smart_level(commitment)
        _check_commitment_refs(store, commitment, commitment_id)
        values = _commitment_columns(commitment)
        version = store.update_row("commitment", commitment_id, values, expected_version)
        _write_links(store, commitment_id, commitment)
        after = record_snapshot(store, "commitment", commitment_id) | (note or {})
        before = without_timestamps(before)
        audit.record(store, actor, action, "commitment", commitment_id, before=before, after=after)
    return version


#: The use case that edits each kind of record ``get_record`` loads: reading it for the edit form needs it.
_EDIT_USE_CASE = {
    "partner": UseCase.MANAGE_PARTNERS,
    "event": UseCase.MANAGE_EVENTS,
    "capability_assessment": UseCase.RECORD_ASSESSMENT,
}


def get_record(store: Store, actor: Actor, entity: str, record_id: int) -> dict[str, Any]:
    """A stored partner, event or capability assessment, for the form that edits it (NotFound when
    missing or deleted). Refused unless the actor may edit that kind of record (an assessment: of its
    country)."""
    if entity not in _EDIT_USE_CASE:
        raise ValueError(f"get_record loads partners, events and assessments, not {_label(entity)}")
    use_case = _EDIT_USE_CASE[entity]
    authorize(actor, use_case)
    row = _require(store, entity, record_id)
    if entity == "capability_assessment":
        authorize(actor, use_case, countries=[row["country_code"]])
    return row


def get_commitment(store: Store, commitment_id: int) -> dict[str, Any]:
    """The stored commitment with its partners, countries and framework items."""
    row = _require(store, "commitment", commitment_id)
    return {**row, **store.commitment_links(commitment_id)}


def find_duplicates(
    store: Store,
    actor: Actor,
    title: str,
    partner_ids: list[int],
    countries: list[str],
    *,
    exclude_id: int | None = None,
) -> list[smart.DuplicateSuggestion]:
    """Commitments already stored that look like this one: a similar title and the same partner or country
    (``smart.likely_duplicates``), among those the actor may see (a suggestion shows its title and links to
    it). Until the form names a partner or a country, nothing can be a duplicate, so nothing is looked up."""
    authorize(actor, UseCase.LOG_COMMITMENT if exclude_id is None else UseCase.EDIT_COMMITMENT)
    if not (partner_ids or countries):
        return []
    candidates = store.duplicate_candidates(view_scope(actor), partner_ids, countries, exclude_id=exclude_id)
    return smart.likely_duplicates(title, partner_ids, countries, candidates, exclude_id=exclude_id)


# -- progress and assessments --------------------------------------------------------------------


def record_progress(store: Store, actor: Actor, update: ProgressUpdate, reason: str = "") -> int:
    """Record a progress update (permission: ``check_record_progress``). A verified status that differs
    from the partner's latest self-reported one needs the ``reason`` (shown next to both statuses)."""
    reason = reason.strip()
    with store.transaction():
        c = get_commitment(store, update.commitment_id)
        check_record_progress(store, actor, update, c)
        _check_reason(store, update, reason)
        values = progress_columns(update, reason)
        new_id = store.insert_row("progress_update", values)
        audit.record(store, actor, "create", "progress_update", new_id, after=values)
    return new_id


def _check_reason(store: Store, update: ProgressUpdate, reason: str) -> None:
    """A verified status that differs from the partner's latest self-reported one needs a reason."""
    if update.source is ReportSource.VERIFIED and not reason:
        claimed = store.status_comparison(update.commitment_id)["self_reported"]
        differs = rules.verified_status_differs(
            update.status, ProgressStatus(claimed["status"]) if claimed else None
        )
        if differs:
            raise ValidationFailed([f"Reason: {differs}; say why"])


def update_progress(
    store: Store,
    actor: Actor,
    progress_id: int,
    update: ProgressUpdate,
    expected_version: int,
    reason: str = "",
) -> int:
    """Save an edited progress update if nobody saved it since ``expected_version``; returns the new
    version. Recorded in its history as an edit (before and after).

    The same permission as recording one (``check_record_progress``), for the update as it was and as it
    becomes: turning a verified update into a self-reported one (or back) needs the right to verify. An
    update stays on its commitment.
    """
    reason = reason.strip()
    with versioned_write(store, "progress_update", progress_id, expected_version):
        before = _require(store, "progress_update", progress_id)
        if int(update.commitment_id) != int(before["commitment_id"]):
            raise ValidationFailed(["Commitment: a progress update stays on the commitment it was reported on"])
        c = get_commitment(store, int(before["commitment_id"]))
        check_record_progress(store, actor, update, c)
        if before["source"] != update.source.value:
            was = update.model_copy(update={"source": ReportSource(before["source"])})
            check_record_progress(store, actor, was, c)
        ensure_version(store, "progress_update", before, expected_version)
        _check_reason(store, update, reason)
        values = progress_columns(update, reason) | {"is_demo": bool(before.get("is_demo", False))}
        return save_record(store, actor, "progress_update", progress_id, values, expected_version)


def update_assessment(
    store: Store,
    actor: Actor,
    assessment_id: int,
    assessment: CapabilityAssessment,
    expected_version: int,
) -> int:
    """Save an edited capability assessment if nobody saved it since ``expected_version``; returns the new
    version, recorded in its history. The permission is ``check_record_assessment``'s, for the assessment
    as it was and as it becomes (unpublishing needs the right to publish too)."""
    with versioned_write(store, "capability_assessment", assessment_id, expected_version):
        before = _require(store, "capability_assessment", assessment_id)
        check_record_assessment(actor, assessment)
        check_record_assessment(
            actor,
            assessment.model_copy(
                update={"country": before["country_code"], "published": bool(before["published"])}
            ),
        )
        ensure_version(store, "capability_assessment", before, expected_version)
        _check_capability(store, assessment)
        values = assessment_columns(assessment) | {"is_demo": bool(before.get("is_demo", False))}
        version = save_record(store, actor, "capability_assessment", assessment_id, values, expected_version)
        was_published = signoff.is_published(store, before["country_code"], assessment_id)
        if assessment.published or was_published:  # the flag publishes this version, or takes it out
            signoff.publish_assessments(
                store, actor, before["country_code"],
                add=[assessment_id] if assessment.published else [],
                remove=[] if assessment.published else [assessment_id],
            )
        return version


def _check_capability(store: Store, assessment: CapabilityAssessment) -> None:
    if not frameworks.is_capability(store, assessment.capability):
        raise ValidationFailed(
            [f"Capability: '{assessment.capability}' is not an MNR capability (e.g. MNR-2016:4)"]
        )


def record_assessment(store: Store, actor: Actor, assessment: CapabilityAssessment) -> int:
    check_record_assessment(actor, assessment)
    _check_capability(store, assessment)
    values = assessment_columns(assessment)
    with store.transaction():
        new_id = store.insert_row("capability_assessment", values)
        audit.record(store, actor, "create", "capability_assessment", new_id, after=values)
        if assessment.published:  # published on the way in: signed off with the published scorecard
            signoff.publish_assessments(store, actor, assessment.country, add=[new_id])
    return new_id


def assessment_columns(assessment: CapabilityAssessment) -> dict[str, Any]:
    values = _columns(assessment, {"country", "capability"})
    values["country_code"] = assessment.country
    values["capability_key"] = assessment.capability
    return values


def progress_columns(update: ProgressUpdate, reason: str = "") -> dict[str, Any]:
    return _columns(update, set()) | {"reason": reason}
