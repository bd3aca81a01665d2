"""A commitment's state in one line each, built so that they cannot contradict themselves: where its
progress stands (and who says so) and where it is in review with who may see it.

Pure functions of what the commitment page already holds (``services.workflow.status_comparison`` and
the commitment's review state, visibility and embargo).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from partners.domain.model import ProgressStatus, ReviewState, Visibility
from partners.presentation.formatting import day, moment


def _said(row: dict[str, Any]) -> str:
    return f"{ProgressStatus(row['status']).label.lower()}, {day(row['report_date'])}"


def _date(row: dict[str, Any]) -> date:
    value = row["report_date"]
    return value.date() if isinstance(value, datetime) else value


def status_line(comparison: dict[str, Any]) -> str:
    """Where the progress stands, in one line: the latest verified status when it is the latest word,
    else the latest self-reported one marked "not yet verified" (naming the last verified one, if any).

    ``comparison`` is ``services.workflow.status_comparison``: ``self_reported`` and ``verified`` (each
    None or a row with ``status`` and ``report_date``).
    """
    claimed, verified = comparison.get("self_reported"), comparison.get("verified")
    if claimed is None and verified is None:
        return "No progress reported yet"
    if verified is not None and (claimed is None or _date(claimed) <= _date(verified)):
        return f"Verified: {_said(verified)}"
    assert claimed is not None
    if verified is None:
        return f"Self-reported: {_said(claimed)} (not yet verified)"
    return f"Self-reported: {_said(claimed)} (not yet verified; last verified: {_said(verified)})"


#: Who sees a commitment that is not published (``storage.duckdb.queries._visible_cte`` is the rule).
_BEFORE_PUBLISHING = "seen by the secretariat, its partners and the focal points of its countries"

_AUDIENCE: dict[Visibility, str] = {
    Visibility.PUBLIC: "visible to everyone",
    Visibility.MEMBERS: "visible to Alliance members",
    Visibility.PRIVATE: f"private: {_BEFORE_PUBLISHING}",
}

_ONCE_PUBLISHED: dict[Visibility, str] = {
    Visibility.PUBLIC: "once published, everyone will see it",
    Visibility.MEMBERS: "once published, Alliance members will see it",
    Visibility.PRIVATE: "it stays private once published",
}


def review_sentence(
    review_state: str, visibility: str, embargo_until: datetime | None = None, *, now: datetime | None = None
) -> str:
    """Where the commitment is in review and who may see it, in one sentence: "Published, visible to
    Alliance members"; "Draft: seen only by the secretariat (once published, everyone will see it)"."""
    state, shown = ReviewState(review_state), Visibility(visibility)
    if state is ReviewState.DRAFT:
        text = f"Draft: seen only by the secretariat ({_ONCE_PUBLISHED[shown]})"
    elif state is ReviewState.WITHDRAWN:
        text = "Withdrawn: seen only by the secretariat and its partners"
    elif state is ReviewState.PUBLISHED:
        text = f"Published, {_AUDIENCE[shown]}"
    else:
        waiting = "Submitted for review" if state is ReviewState.SUBMITTED else "Verified, not yet published"
        text = f"{waiting}: {_BEFORE_PUBLISHING} ({_ONCE_PUBLISHED[shown]})"
    if embargo_until is not None and embargo_until > (now or datetime.now()):
        text += f"; embargoed until {moment(embargo_until)}: until then only the secretariat and its partners see it"
    return text
