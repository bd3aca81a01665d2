"""The review workflow's rule book: which review state may move to which, and the use case each move needs.

The use cases (``partners.services.workflow``) apply it; pages offer only the moves it allows.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from partners.domain.model import ReviewState
from partners.domain.permissions import UseCase

D, S, V, P, W = (
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.VERIFIED,
    ReviewState.PUBLISHED,
    ReviewState.WITHDRAWN,
)


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``action`` names it in the audit log; ``label`` is the button."""

    source: ReviewState
    target: ReviewState
    use_case: UseCase
    action: str
    label: str
    done: str  # "withdrawn": the commitment is ... (for messages)
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(D, S, UseCase.SUBMIT_COMMITMENT, "submit", "Submit for review", "submitted"),
    Transition(S, V, UseCase.VERIFY_COMMITMENT, "verify", "Verify", "verified"),
    Transition(S, D, UseCase.VERIFY_COMMITMENT, "send_back", "Send back to draft", "sent back", True),
    Transition(V, P, UseCase.PUBLISH_COMMITMENT, "publish", "Publish", "published"),
    Transition(P, V, UseCase.PUBLISH_COMMITMENT, "unpublish", "Unpublish", "unpublished", True),
    *(
        Transition(state, W, UseCase.WITHDRAW_COMMITMENT, "withdraw", "Withdraw", "withdrawn", True)
        for state in (D, S, V, P)
    ),
    Transition(W, D, UseCase.WITHDRAW_COMMITMENT, "reinstate", "Reinstate as a draft", "reinstated", True),
)

#: The audit actions that are state changes (for history views).
STATE_ACTIONS = frozenset(t.action for t in TRANSITIONS)


def find_transition(source: ReviewState | str, target: ReviewState | str) -> Transition | None:
    source, target = ReviewState(source), ReviewState(target)
    return next((t for t in TRANSITIONS if t.source is source and t.target is target), None)


def use_cases_to_reach(state: ReviewState | str) -> list[UseCase]:
    """The use cases along the shortest path from draft to ``state`` (logging a commitment in that state
    needs all of them)."""
    return list(_PATHS[ReviewState(state)])


def _shortest_paths() -> dict[ReviewState, tuple[UseCase, ...]]:
    paths: dict[ReviewState, tuple[UseCase, ...]] = {D: ()}
    todo = deque([D])
    while todo:
        here = todo.popleft()
        for t in TRANSITIONS:
            if t.source is here and t.target not in paths:
                paths[t.target] = (*paths[here], t.use_case)
                todo.append(t.target)
    return paths


#: The shortest path to each state, found once (``TRANSITIONS`` is fixed; bulk loads ask for every row).
_PATHS = _shortest_paths()
