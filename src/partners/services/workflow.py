"""The review workflow of a commitment: draft -> submitted -> verified -> published, and withdrawn.

``TRANSITIONS`` (in ``partners.domain.workflow``) is the whole rule book: which state may move to which, and
the use case (in the permission table, ``partners.domain.permissions``) the acting user needs for it. Pages
offer only the moves ``available`` returns; ``transition`` checks everything again.

The partner's self-reported status and the secretariat's verified status are kept side by side
(``status_comparison``), with the reason when they differ.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from partners.domain.model import Actor, ProgressStatus, ReviewState
from partners.domain.permissions import UseCase, authorize, can
from partners.domain.workflow import (  # noqa: F401 (re-exported: the table is the domain's)
    STATE_ACTIONS,
    TRANSITIONS,
    Transition,
    find_transition,
    use_cases_to_reach,
)
from partners.services import audit
from partners.services.errors import ValidationFailed
from partners.services.records import (
    ensure_version,
    get_commitment,
    record_snapshot,
    versioned_write,
    without_timestamps,
)
from partners.services.visibility import require_visible
from partners.storage.port import Store


def available(actor: Actor, commitment: dict[str, Any]) -> list[Transition]:
    """The moves this actor may make on this commitment now (what a page offers)."""
    state = ReviewState(commitment["review_state"])
    countries = commitment.get("countries") or None
    return [t for t in TRANSITIONS if t.source is state and can(actor, t.use_case, countries=countries)]


def _refusal(current: ReviewState, target: ReviewState) -> str:
    # State names, not labels: "verified" shares its label with ReportSource.VERIFIED's.
    allowed = [t.target.value for t in TRANSITIONS if t.source is current]
    return (
        f"Review state: a {current.value} commitment cannot become {target.value}; "
        f"it can become {' or '.join(allowed)}"
    )


def transition(
    store: Store,
    actor: Actor,
    commitment_id: int,
    target: ReviewState | str,
    expected_version: int,
    reason: str = "",
) -> int:
    """Move a commitment to ``target`` if the workflow allows it and the actor may; returns the new version.

    Recorded in the audit log as the transition's action, with the full record before and after and the
    reason.
    """
    try:
        target = ReviewState(target)
    except ValueError:
        raise ValidationFailed([f"Review state: '{target}' is not one of {', '.join(ReviewState)}"]) from None
    reason = reason.strip()
    with versioned_write(store, "commitment", commitment_id, expected_version):
        before = get_commitment(store, commitment_id)
        ensure_version(store, "commitment", before, expected_version)
        current = ReviewState(before["review_state"])
        move = find_transition(current, target)
        if move is None:
            raise ValidationFailed([_refusal(current, target)])
        authorize(actor, move.use_case, countries=before["countries"] or None)
        if move.needs_reason and not reason:
            raise ValidationFailed([f"Reason: say why the commitment is {move.done}"])
        values = {"review_state": target.value}
        version = store.update_row("commitment", commitment_id, values, expected_version)
        after = record_snapshot(store, "commitment", commitment_id) | {"reason": reason}
        before = without_timestamps(before)
        audit.record(store, actor, move.action, "commitment", commitment_id, before=before, after=after)
    return version


def last_state_change(store: Store, actor: Actor, commitment_id: int) -> dict[str, Any] | None:
    """The latest workflow move on a commitment (who, when, what, why), for the commitment page."""
    authorize(actor, UseCase.VIEW_HISTORY)
    moves = [e for e in store.history("commitment", commitment_id) if e["action"] in STATE_ACTIONS]
    if not moves:
        return None
    last = moves[-1]
    return {
        "action": last["action"],
        "actor": last["actor"],
        "changed_at": last["changed_at"],
        "state": (last["after"] or {}).get("review_state"),
        "reason": (last["after"] or {}).get("reason", ""),
    }


def progress_updates(
    store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None
) -> pd.DataFrame:
    """A commitment's progress updates, newest first, with source and reason (for anyone who may see it)."""
    require_visible(store, actor, commitment_id, now=now)
    return store.progress_updates(commitment_id)


def status_comparison(
    store: Store, actor: Actor, commitment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """The partner's latest self-reported status and the secretariat's latest verified one, side by side,
    whether they differ, and the reason given for the verified one (for anyone who may see the commitment).
    """
    require_visible(store, actor, commitment_id, now=now)
    both = store.status_comparison(commitment_id)
    claimed, verified = both["self_reported"], both["verified"]

    def side(row: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if row is None else {**row, "label": ProgressStatus(row["status"]).label}

    return {
        "self_reported": side(claimed),
        "verified": side(verified),
        "differ": bool(claimed and verified and claimed["status"] != verified["status"]),
        "reason": verified["reason"] if verified else "",
    }
