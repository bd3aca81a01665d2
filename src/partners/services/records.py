"""Use cases that write records: each takes plain data and an acting user, checks permission, validates,
writes in one transaction together with its audit entry, and returns the new id.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from partners import reference
from partners.authz import UseCase, authorize
from partners.models import (
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressUpdate,
)
from partners.storage import AuditEntry, Store


class ValidationFailed(ValueError):
    """Input that cannot be stored, with one plain sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class NotFound(LookupError):
    pass


def _entry(actor: Actor, action: str, entity: str, entity_id: Any, before=None, after=None) -> AuditEntry:
    return AuditEntry(
        actor=actor.identity,
        actor_role=actor.role.value,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )


def _columns(model: BaseModel, exclude: set[str]) -> dict[str, Any]:
    data = model.model_dump(mode="python", exclude=exclude | {"id"})
    return {k: (v.value if hasattr(v, "value") and not isinstance(v, int | float) else v) for k, v in data.items()}


# -- partners ------------------------------------------------------------------------------------


def _partner_columns(p: Partner) -> dict[str, Any]:
    values = _columns(p, set())
    values["tags"] = [t.value for t in p.tags]
    return values


def create_partner(store: Store, actor: Actor, partner: Partner) -> int:
    authorize(actor, UseCase.MANAGE_PARTNERS)
    values = _partner_columns(partner)
    with store.transaction():
        new_id = store.insert_row("partner", values)
        store.audit(_entry(actor, "create", "partner", new_id, after=values))
    return new_id


def update_partner(store: Store, actor: Actor, partner_id: int, partner: Partner, expected_version: int) -> int:
    authorize(actor, UseCase.MANAGE_PARTNERS)
    values = _partner_columns(partner)
    with store.transaction():
        before = _require(store, "partner", partner_id)
        version = store.update_row("partner", partner_id, values, expected_version)
        store.audit(_entry(actor, "update", "partner", partner_id, before=_plain(before), after=values))
    return version


# -- events --------------------------------------------------------------------------------------


def create_event(store: Store, actor: Actor, event: Event) -> int:
    authorize(actor, UseCase.MANAGE_EVENTS)
    values = _columns(event, set())
    with store.transaction():
        new_id = store.insert_row("event", values)
        store.audit(_entry(actor, "create", "event", new_id, after=values))
    return new_id


# -- commitments ---------------------------------------------------------------------------------


def _check_commitment_refs(store: Store, c: Commitment) -> None:
    problems = []
    partner_ids = [p.partner_id for p in c.partners]
    missing = set(partner_ids) - store.existing_keys("partners", "id", partner_ids)
    if missing:
        problems.append(f"Partners: no partner with id {', '.join(map(str, sorted(missing)))}")
    unknown_items = [k for k in c.framework_items if reference.framework_item(k) is None]
    if unknown_items:
        problems.append(f"Framework items: unknown item {', '.join(unknown_items)} (use keys such as MNR-2016:4)")
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


def log_commitment(store: Store, actor: Actor, commitment: Commitment) -> int:
    """Log a new commitment (joint commitments: several partners, several countries or global)."""
    authorize(actor, UseCase.LOG_COMMITMENT, countries=commitment.countries)
    values = _commitment_columns(commitment)
    with store.transaction():
        _check_commitment_refs(store, commitment)
        new_id = store.insert_row("commitment", values)
        _write_links(store, new_id, commitment)
        store.audit(_entry(actor, "create", "commitment", new_id, after=_commitment_snapshot(values, commitment)))
    return new_id


def update_commitment(
    store: Store, actor: Actor, commitment_id: int, commitment: Commitment, expected_version: int
) -> int:
    """Save an edited commitment if nobody saved it since ``expected_version``; returns the new version."""
    with store.transaction():
        before = get_commitment(store, commitment_id)
        authorize(actor, UseCase.EDIT_COMMITMENT, countries=before["countries"] or None)
        _check_commitment_refs(store, commitment)
        values = _commitment_columns(commitment)
        version = store.update_row("commitment", commitment_id, values, expected_version)
        _write_links(store, commitment_id, commitment)
        store.audit(
            _entry(
                actor,
                "update",
                "commitment",
                commitment_id,
                before=_plain(before),
                after=_commitment_snapshot(values, commitment),
            )
        )
    return version


def get_commitment(store: Store, commitment_id: int) -> dict[str, Any]:
    """The stored commitment with its partners, countries and framework items."""
    row = _require(store, "commitment", commitment_id)
    return {**row, **store.commitment_links(commitment_id)}


# -- progress and assessments --------------------------------------------------------------------


def record_progress(store: Store, actor: Actor, update: ProgressUpdate) -> int:
    with store.transaction():
        c = get_commitment(store, update.commitment_id)
        partner_ids = [p["partner_id"] for p in c["partners"]]
        use_case = UseCase.VERIFY_PROGRESS if update.source.value == "verified" else UseCase.RECORD_PROGRESS
        authorize(actor, use_case, countries=c["countries"], partners=partner_ids)
        values = _columns(update, set())
        new_id = store.insert_row("progress_update", values)
        store.audit(_entry(actor, "create", "progress_update", new_id, after=values))
    return new_id


def record_assessment(store: Store, actor: Actor, assessment: CapabilityAssessment) -> int:
    authorize(actor, UseCase.RECORD_ASSESSMENT, countries=[assessment.country])
    if assessment.published:
        authorize(actor, UseCase.PUBLISH_ASSESSMENT, countries=[assessment.country])
    item = reference.framework_item(assessment.capability)
    if item is None or item.kind != "capability":
        raise ValidationFailed([f"Capability: '{assessment.capability}' is not an MNR capability (e.g. MNR-2016:4)"])
    values = _columns(assessment, {"country", "capability"})
    values["country_code"] = assessment.country
    values["capability_key"] = assessment.capability
    with store.transaction():
        new_id = store.insert_row("capability_assessment", values)
        store.audit(_entry(actor, "create", "capability_assessment", new_id, after=values))
    return new_id


# -- helpers -------------------------------------------------------------------------------------


def _require(store: Store, entity: str, record_id: int) -> dict[str, Any]:
    row = store.get_row(entity, record_id)
    if row is None:
        raise NotFound(f"there is no {entity.replace('_', ' ')} with id {record_id}")
    return row


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
