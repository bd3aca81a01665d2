"""Assessment rounds: a country's MNR self-assessment entered as one grid, then submitted and verified.

A focal point (for their countries) or the secretariat fills in one row per capability of the current MNR
version (phase, note, evidence link; a row left without a phase is not assessed in this round), saves it as a
draft and submits it. Drafts stay out of the scorecard. The secretariat verifies a submitted round,
capability by capability or whole; a round is "verified" once every capability it assesses is. Once
submitted, only the secretariat changes a round (or sends it back to draft, saying why). Rounds and their
assessments are versioned records: every change is in their history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from pydantic import ValidationError

from partners.domain.model import (
    Actor,
    AssessmentRound,
    CapabilityAssessment,
    ReportSource,
    RoundStatus,
    describe_validation_error,
)
from partners.domain.permissions import UseCase, authorize, can
from partners.reference import MNR_FAMILY
from partners.services import audit, frameworks, scorecard
from partners.services.errors import NotFound, ValidationFailed
from partners.services.records import (
    assessment_columns,
    ensure_version,
    record_snapshot,
    save_record,
    versioned_write,
)
from partners.storage.port import Store

#: The grid's columns, in order.
GRID_COLUMNS = ("capability_key", "code", "capability", "domain", "phase", "note", "evidence_url", "source")


@dataclass(frozen=True)
class GridRow:
    """One capability's row of a round: ``phase`` None means not assessed in this round."""

    capability_key: str
    phase: int | None = None
    note: str = ""
    evidence_url: str = ""


def _capabilities(store: Store) -> pd.DataFrame:
    current = frameworks.current_framework(store, MNR_FAMILY)
    if current is None:
        raise ValidationFailed(["No MNR framework is loaded: load the reference frameworks first"])
    return frameworks.capabilities(store, current.id)


def _round(store: Store, round_id: int) -> dict[str, Any]:
    row = store.get_row("assessment_round", round_id)
    if row is None:
        raise NotFound(f"there is no assessment round {round_id}")
    return row


def rounds(store: Store, actor: Actor, code: str) -> pd.DataFrame:
    """The country's rounds, newest first (``Store.assessment_rounds``): for the secretariat and the
    country's focal points."""
    authorize(actor, UseCase.VIEW_ASSESSMENTS, countries=[code])
    return store.assessment_rounds(code)


def get_round(store: Store, actor: Actor, round_id: int) -> dict[str, Any]:
    """One round's record, for those who may see the country's private assessments."""
    row = _round(store, round_id)
    authorize(actor, UseCase.VIEW_ASSESSMENTS, countries=[row["country_code"]])
    return row


def grid(store: Store, actor: Actor, code: str, round_id: int | None = None) -> pd.DataFrame:
    """The grid of a round: one row per current MNR capability, in the framework's order, with the round's
    phase, note, evidence link and basis (empty where the round does not assess it). A new round
    (``round_id`` None) starts from the country's latest phases the actor may see, so that only what
    changed needs typing; its notes and links start empty."""
    authorize(actor, UseCase.VIEW_ASSESSMENTS, countries=[code])
    caps = _capabilities(store)
    if round_id is not None:
        row = get_round(store, actor, round_id)
        if row["country_code"] != code:
            raise NotFound(f"there is no assessment round {round_id} of {code}")
        entered = {r["capability_key"]: r for r in store.round_assessments(round_id)}
    else:
        latest = scorecard.maturity(store, actor, code).capabilities
        entered = {
            key: {"phase": p.latest.phase, "note": "", "evidence_url": "", "source": ""}
            for key, p in latest.items() if p.latest is not None
        }
    out = pd.DataFrame(
        {
            "capability_key": caps["key"],
            "code": caps["code"],
            "capability": caps["name"],
            "domain": caps["domain"],
            "phase": pd.array([entered.get(k, {}).get("phase") for k in caps["key"]], dtype="Int64"),
            "note": [entered.get(k, {}).get("note") or "" for k in caps["key"]],
            "evidence_url": [entered.get(k, {}).get("evidence_url") or "" for k in caps["key"]],
            "source": [entered.get(k, {}).get("source") or "" for k in caps["key"]],
        }
    )
    return out[list(GRID_COLUMNS)]


def _validated_rows(
    store: Store, code: str, assessed_on: date, rows: list[GridRow], round_id: int | None
) -> list[CapabilityAssessment]:
    """Every row as an assessment, or one ValidationFailed naming each refused row by its capability."""
    caps = _capabilities(store)
    names = {k: f"{c}. {n}" for k, c, n in zip(caps["key"], caps["code"], caps["name"], strict=True)}
    problems: list[str] = []
    seen: set[str] = set()
    out = []
    for row in rows:
        label = f"Capability {names.get(row.capability_key, row.capability_key)}"
        if row.capability_key not in names:
            problems.append(f"{label}: not a capability of the current MNR version")
            continue
        if row.capability_key in seen:
            problems.append(f"{label}: appears twice in the grid")
            continue
        seen.add(row.capability_key)
        if row.phase is None or pd.isna(row.phase):
            if (row.note or "").strip() or (row.evidence_url or "").strip():
                problems.append(f"{label}: a note or evidence link needs a phase (1 to 4)")
            continue
        try:
            out.append(
                CapabilityAssessment(
                    country=code, capability=row.capability_key, assessed_on=assessed_on, phase=int(row.phase),
                    note=(row.note or "").strip(), evidence_url=row.evidence_url or "", round_id=round_id,
                )
            )
        except (ValidationError, ValueError) as exc:
            problems += [f"{label}: {m[:1].lower()}{m[1:]}" for m in describe_validation_error(exc)]
    if not problems and not out:
        problems.append("Give a phase to at least one capability: a round assesses one or more of them")
    if problems:
        raise ValidationFailed(problems)
    return out


def _check_may_edit(actor: Actor, code: str, existing: dict[str, Any] | None) -> None:
    authorize(actor, UseCase.RECORD_ASSESSMENT, countries=[code])
    if existing is not None and existing["status"] != RoundStatus.DRAFT and not can(actor, UseCase.VERIFY_ASSESSMENT):
        raise ValidationFailed(
            [f"This round was {existing['status']}: only the secretariat changes it now (it can send it back to "
             "draft)"]
        )


def save_round(
    store: Store,
    actor: Actor,
    code: str,
    assessed_on: date,
    rows: list[GridRow],
    *,
    round_id: int | None = None,
    expected_version: int | None = None,
    note: str = "",
    submit: bool = False,
    at: datetime | None = None,
) -> int:
    """Save a round's grid (a new round when ``round_id`` is None) and, when ``submit``, submit it; returns
    the round's id. All or nothing: any refused row refuses the whole grid, naming each row, and nothing is
    stored. A capability given a phase is recorded (or its assessment in the round updated when it changed);
    one whose phase was cleared has its assessment deleted (restorable). A verified capability whose phase,
    note or link changes is self-assessed again."""
    try:
        header = AssessmentRound(country=code, assessed_on=assessed_on, note=note.strip())
    except ValidationError as exc:
        raise ValidationFailed(describe_validation_error(exc)) from exc
    existing = _round(store, round_id) if round_id is not None else None
    if existing is not None and existing["country_code"] != code:
        raise NotFound(f"there is no assessment round {round_id} of {code}")
    _check_may_edit(actor, code, existing)
    if frameworks.current_framework(store, MNR_FAMILY) is None:
        raise ValidationFailed(["No MNR framework is loaded: load the reference frameworks first"])
    assessments = _validated_rows(store, code, header.assessed_on, rows, round_id)
    when = at or store.now()
    status = RoundStatus.SUBMITTED if submit else RoundStatus(existing["status"]) if existing else RoundStatus.DRAFT
    values: dict[str, Any] = {"assessed_on": header.assessed_on, "note": header.note, "status": status.value}
    if submit and (existing is None or existing["status"] == RoundStatus.DRAFT):
        values |= {"submitted_by": actor.display, "submitted_at": when}
    with versioned_write(store, "assessment_round", round_id or 0, expected_version or 0):
        if existing is None:
            values |= {"country_code": code, "is_demo": False}
            round_id = store.insert_row("assessment_round", values)
            audit.record(store, actor, "create", "assessment_round", round_id, after=values, at=when)
        else:
            before = record_snapshot(store, "assessment_round", round_id)
            ensure_version(store, "assessment_round", before, int(expected_version or 0))
            save_record(store, actor, "assessment_round", round_id, values, int(expected_version or 0))
        _write_assessments(store, actor, round_id, assessments, header.assessed_on, when)
        _settle_status(store, actor, round_id)
    return int(round_id)


def _write_assessments(
    store: Store, actor: Actor, round_id: int, assessments: list[CapabilityAssessment], assessed_on: date,
    when: datetime,
) -> None:
    stored = {r["capability_key"]: r for r in store.round_assessments(round_id)}
    wanted = {a.capability: a for a in assessments}
    for key, a in wanted.items():
        values = assessment_columns(a.model_copy(update={"round_id": round_id})) | {"published": False}
        old = stored.get(key)
        if old is None:
            new_id = store.insert_row("capability_assessment", values)
            audit.record(store, actor, "create", "capability_assessment", new_id, after=values, at=when)
            continue
        same = (int(old["phase"]), old["note"] or "", old["evidence_url"] or "", old["assessed_on"]) == (
            a.phase, a.note, a.evidence_url, assessed_on)
        if same:
            continue
        values["source"] = ReportSource.SELF_REPORTED.value  # what was verified is no longer what stands
        values["is_demo"] = bool(old.get("is_demo"))
        save_record(store, actor, "capability_assessment", int(old["id"]), values, int(old["version"]))
    for key, old in stored.items():
        if key not in wanted:
            save_record(store, actor, "capability_assessment", int(old["id"]), {"deleted_at": when},
                        int(old["version"]), action="delete")


def _settle_status(store: Store, actor: Actor, round_id: int) -> None:
    """A submitted round whose every assessment is verified becomes verified, and a verified one with an
    unverified assessment goes back to submitted."""
    row = _round(store, round_id)
    if row["status"] == RoundStatus.DRAFT:
        return
    items = store.round_assessments(round_id)
    verified = bool(items) and all(r["source"] == ReportSource.VERIFIED for r in items)
    status = RoundStatus.VERIFIED if verified else RoundStatus.SUBMITTED
    if status != row["status"]:
        save_record(store, actor, "assessment_round", round_id, {"status": status.value}, int(row["version"]))


def submit_round(
    store: Store, actor: Actor, round_id: int, expected_version: int, *, at: datetime | None = None
) -> int:
    """Submit a draft round to the secretariat; returns its new version."""
    row = _round(store, round_id)
    authorize(actor, UseCase.RECORD_ASSESSMENT, countries=[row["country_code"]])
    if row["status"] != RoundStatus.DRAFT:
        raise ValidationFailed([f"This round is already {row['status']}"])
    with versioned_write(store, "assessment_round", round_id, expected_version):
        if not store.round_assessments(round_id):
            raise ValidationFailed(["Give a phase to at least one capability before submitting the round"])
        version = save_record(
            store, actor, "assessment_round", round_id,
            {"status": RoundStatus.SUBMITTED.value, "submitted_by": actor.display,
             "submitted_at": at or store.now()},
            expected_version,
        )
        _settle_status(store, actor, round_id)
    return version


def verify_round(
    store: Store, actor: Actor, round_id: int, capability_keys: list[str] | None = None
) -> int:
    """Verify a submitted round's assessments: those of ``capability_keys``, or all of them (None); returns
    how many were verified now. The round becomes verified when every assessment it holds is."""
    row = _round(store, round_id)
    authorize(actor, UseCase.VERIFY_ASSESSMENT, countries=[row["country_code"]])
    if row["status"] == RoundStatus.DRAFT:
        raise ValidationFailed(["This round is a draft: the country submits it before it is verified"])
    with store.transaction():
        items = {r["capability_key"]: r for r in store.round_assessments(round_id)}
        keys = list(items) if capability_keys is None else capability_keys
        unknown = [k for k in keys if k not in items]
        if unknown:
            raise ValidationFailed([f"Capability {k}: this round does not assess it" for k in unknown])
        done = 0
        for key in keys:
            item = items[key]
            if item["source"] == ReportSource.VERIFIED:
                continue
            save_record(store, actor, "capability_assessment", int(item["id"]),
                        {"source": ReportSource.VERIFIED.value}, int(item["version"]), action="verify")
            done += 1
        _settle_status(store, actor, round_id)
    return done


def return_to_draft(store: Store, actor: Actor, round_id: int, expected_version: int, reason: str) -> int:
    """Send a submitted or verified round back to the country as a draft (the secretariat), saying why."""
    row = _round(store, round_id)
    authorize(actor, UseCase.VERIFY_ASSESSMENT, countries=[row["country_code"]])
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(["Reason: say why the round goes back to draft"])
    if row["status"] == RoundStatus.DRAFT:
        raise ValidationFailed(["This round is already a draft"])
    with versioned_write(store, "assessment_round", round_id, expected_version):
        return save_record(store, actor, "assessment_round", round_id, {"status": RoundStatus.DRAFT.value},
                           expected_version, note={"reason": reason})
