"""Signing off a country's scorecard, which publishes it.

Assessments are private to the secretariat and the country's focal points until a focal point (or the
secretariat) signs the scorecard off: the sign-off copies the country's assessments as they stand (draft
rounds left out), and from then on the public and members see exactly those copies. A later edit changes
nothing they see until the scorecard is signed off again; a withdrawal takes the scorecard out of
publication. Every sign-off and withdrawal is kept, with who and when, and written to the audit log.

The older way of publishing one assessment (its ``published`` flag on the form or in an import) signs off
the published scorecard as it stood with that assessment added (or taken out): the same mechanism, so there
is one definition of what the public sees (``Store.assessments`` for a scope without the country's private
assessments).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.domain.scope import ViewScope
from partners.services import audit
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.port import Store

#: The columns a sign-off copies of each assessment.
_COPIED = ("capability_key", "assessed_on", "phase", "source", "note", "evidence_url")


@dataclass(frozen=True)
class SignoffStatus:
    """Where a country's published scorecard stands, for those who may sign it off."""

    country_code: str
    active: dict[str, Any] | None  # the sign-off in force (signed_by, signed_at, statement, assessments), or None
    changed: tuple[str, ...]  # capability keys whose live assessment differs from the signed-off copy
    unpublished: int  # live assessments (outside draft rounds) the sign-off in force does not hold
    history: tuple[dict[str, Any], ...]  # every sign-off, newest first (withdrawn ones with who, when, why)

    @property
    def up_to_date(self) -> bool:
        """Whether the published scorecard is exactly the country's scorecard as it stands."""
        return self.active is not None and not self.changed and not self.unpublished


def _private_scope(code: str) -> ViewScope:
    """The scope that reads a country's live assessments (the caller has been authorised for them)."""
    return ViewScope(assessment_countries=frozenset({code}))


def _live(store: Store, code: str) -> list[dict[str, Any]]:
    rows = store.assessments(_private_scope(code), code)
    return rows.to_dict("records") if len(rows) else []


def _copy(row: dict[str, Any]) -> dict[str, Any]:
    out = {c: row.get(c) for c in _COPIED}
    out["note"] = out["note"] or ""
    out["evidence_url"] = out["evidence_url"] or ""
    return out | {"assessment_id": int(row["id"]), "assessment_version": int(row["version"]),
                  "is_demo": bool(row.get("is_demo"))}


def _signed(store: Store, signoff: dict[str, Any] | None) -> list[dict[str, Any]]:
    return store.signed_assessments(int(signoff["id"])) if signoff else []


def _known_country(store: Store, code: str) -> None:
    if store.country(code) is None:
        raise NotFound(f"there is no country with code {code}")


def status(store: Store, actor: Actor, code: str) -> SignoffStatus:
    """The sign-off in force, what changed since, and every sign-off of ``code``: for the secretariat and the
    country's focal points (``VIEW_ASSESSMENTS``)."""
    authorize(actor, UseCase.VIEW_ASSESSMENTS, countries=[code])
    _known_country(store, code)
    active = store.active_signoff(code)
    signed = {int(r["assessment_id"]): r for r in _signed(store, active)}
    live = _live(store, code)
    changed = sorted(
        {r["capability_key"] for r in live if int(r["id"]) in signed
         and int(signed[int(r["id"])]["assessment_version"]) != int(r["version"])}
        | {r["capability_key"] for r in signed.values() if r["assessment_id"] not in {int(x["id"]) for x in live}}
    )
    unpublished = sum(1 for r in live if int(r["id"]) not in signed)
    return SignoffStatus(code, active, tuple(changed), unpublished, tuple(store.signoffs(code)))


def _record(
    store: Store, actor: Actor, code: str, rows: list[dict[str, Any]], statement: str, at: datetime | None
) -> int:
    """Write one sign-off holding ``rows`` (copies) and its audit entry; inside the caller's transaction."""
    when = at or store.now()
    values = {
        "country_code": code,
        "signed_by": actor.display,
        "signed_at": when,
        "statement": statement,
        "is_demo": bool(rows) and all(bool(r.get("is_demo")) for r in rows),
    }
    copies = [_copy(r) if "id" in r else r for r in rows]
    signoff_id = store.add_signoff(values, copies)
    audit.record(
        store, actor, "sign_off", "scorecard_signoff", signoff_id,
        after={k: v for k, v in values.items() if k != "signed_at"}  # the entry's own time is when
        | {"assessments": sorted(c["assessment_id"] for c in copies)},
        at=when,
    )
    return signoff_id


def sign_off(store: Store, actor: Actor, code: str, statement: str = "", *, at: datetime | None = None) -> int:
    """Sign off ``code``'s scorecard as it stands now, which publishes it; returns the sign-off's id.

    Refused unless ``actor`` may publish the country's assessments (its focal points, the secretariat's
    editors); refused when the country has no assessment outside draft rounds, or when the published
    scorecard is already exactly what stands."""
    authorize(actor, UseCase.PUBLISH_ASSESSMENT, countries=[code])
    _known_country(store, code)
    statement = statement.strip()
    with store.transaction():
        live = _live(store, code)
        if not live:
            raise ValidationFailed(
                ["There is nothing to sign off: the country has no assessment outside draft rounds"]
            )
        active = store.active_signoff(code)
        held = {(int(r["assessment_id"]), int(r["assessment_version"])) for r in _signed(store, active)}
        if active and held == {(int(r["id"]), int(r["version"])) for r in live}:
            raise ValidationFailed(["The published scorecard is already exactly the scorecard as it stands"])
        return _record(store, actor, code, live, statement, at)


def withdraw(store: Store, actor: Actor, code: str, reason: str, *, at: datetime | None = None) -> int:
    """Withdraw the sign-off in force, which takes the country's scorecard out of publication (its
    assessments private again until the next sign-off); returns the withdrawn sign-off's id. A reason is
    required; it is kept with the sign-off."""
    authorize(actor, UseCase.PUBLISH_ASSESSMENT, countries=[code])
    _known_country(store, code)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(["Reason: say why the sign-off is withdrawn"])
    with store.transaction():
        when = at or store.now()
        active = store.active_signoff(code)
        if active is None:
            raise ValidationFailed(["There is no sign-off in force to withdraw: the scorecard is not published"])
        if not store.withdraw_signoff(int(active["id"]), actor.display, when, reason):
            raise ValidationFailed(["This sign-off was withdrawn a moment ago by someone else"])
        audit.record(
            store, actor, "withdraw", "scorecard_signoff", int(active["id"]),
            before={"withdrawn_at": None}, after={"withdrawn_by": actor.display, "withdrawn_at": when,
                                                  "withdrawn_reason": reason}, at=when,
        )
        return int(active["id"])


def publish_assessments(
    store: Store,
    actor: Actor,
    code: str,
    add: Iterable[int] = (),
    remove: Iterable[int] = (),
    *,
    at: datetime | None = None,
) -> int | None:
    """Sign off the published scorecard as it stood with the assessments ``add`` put in (as they are now)
    and ``remove`` taken out: how an assessment's ``published`` flag on a form or in an import publishes
    it. Returns the new sign-off's id, or None when it changes nothing. Inside the caller's transaction;
    the caller has checked ``PUBLISH_ASSESSMENT`` for the country."""
    add, remove = set(map(int, add)), set(map(int, remove))
    active = store.active_signoff(code)
    held = {int(r["assessment_id"]): r for r in _signed(store, active)}
    live = {int(r["id"]): r for r in _live(store, code)}
    content = {k: v for k, v in held.items() if k not in remove | add}
    content |= {k: _copy(live[k]) for k in add if k in live}
    before = {(k, int(v["assessment_version"])) for k, v in held.items()}
    after = {(k, int(v["assessment_version"])) for k, v in content.items()}
    if after == before:
        return None
    if not content:
        when = at or store.now()
        why = "Its last assessment was unpublished"
        if active and store.withdraw_signoff(int(active["id"]), actor.display, when, why):
            audit.record(store, actor, "withdraw", "scorecard_signoff", int(active["id"]),
                         after={"withdrawn_by": actor.display, "withdrawn_at": when}, at=when)
        return None
    statement = "Published with the assessments recorded" if add else "An assessment taken out of publication"
    return _record(store, actor, code, list(content.values()), statement, at)


def is_published(store: Store, code: str, assessment_id: int) -> bool:
    """Whether the sign-off in force holds this assessment (in any version)."""
    return any(int(r["assessment_id"]) == assessment_id for r in _signed(store, store.active_signoff(code)))


def published_on(store: Store, actor: Actor, code: str, *, as_of: datetime | None = None) -> datetime | None:
    """When the country's scorecard in force (now, or at ``as_of``) was signed off, or None when it is not
    published: a public fact, shown to everyone beside the published scorecard."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    active = store.active_signoff(code, as_of)
    return active["signed_at"] if active else None
