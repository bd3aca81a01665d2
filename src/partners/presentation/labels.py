"""The labels pages show: statuses, stakeholder types, sources, visibility and the column names of tables.

Enumerations carry their own label (``LabelledEnum.label`` in ``partners.domain.model``); this module only
applies them to stored values and names the columns of the standard tables, so each wording exists once.
"""

from __future__ import annotations

from typing import Any

from partners.domain.model import ProgressStatus, ReportSource, ReviewState, StakeholderType, Visibility

#: "No update yet" is not a status: a commitment with no progress update at all. (Not the "not reporting"
#: figure and column, which mean no update within the reporting cycle.)
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = "No update yet"


#: Why the Overview's total and the Commitments page's count can differ, said beside both numbers.
WITHDRAWN_LEFT_OUT = (
    "Withdrawn commitments are left out of every figure and chart here. The Commitments page also lists "
    "them, marked Withdrawn, to those who may see them (the secretariat and the partners who made them)."
)


def status_label(value: str) -> str:
    """A reported or verified status in words (``not_reported`` included)."""
    return NOT_REPORTED_LABEL if value == NOT_REPORTED else ProgressStatus(value).label


def optional_status_label(value: Any) -> str:
    """A status in words, or nothing when there is none (a commitment not verified yet)."""
    return status_label(value) if isinstance(value, str) else ""


def stakeholder_label(value: str) -> str:
    return StakeholderType(value).label


def source_label(value: str) -> str:
    """Who stands behind a status or an assessment (self-reported, verified by the secretariat)."""
    return ReportSource(value).label


def visibility_label(value: str) -> str:
    """Who may see a commitment, in full (forms, explanations)."""
    return Visibility(value).label


#: The one-word visibility that tables and headers show (the full label explains it in the forms).
VISIBILITY_SHORT: dict[Visibility, str] = {
    Visibility.PRIVATE: "Private",
    Visibility.MEMBERS: "Members",
    Visibility.PUBLIC: "Public",
}


def visibility_short_label(value: str) -> str:
    return VISIBILITY_SHORT[Visibility(value)]


#: An assessment's basis: the country's own assessment, or the secretariat's verification of it.
ASSESSMENT_BASIS: dict[ReportSource, str] = {
    ReportSource.SELF_REPORTED: "Self-assessed",
    ReportSource.VERIFIED: "Verified",
}


def assessment_basis_label(value: str) -> str:
    return ASSESSMENT_BASIS[ReportSource(value)]


def review_state_label(value: str) -> str:
    return ReviewState(value).label


def published_label(published: Any) -> str:
    """Whether a capability assessment is published: until then only the country and secretariat see it."""
    return "Published" if bool(published) else "Private"


#: Column names of the standard commitments table (``partners.ui.session.commitments_table``).
COMMITMENT_COLUMNS: dict[str, str] = {
    "id": "No.",
    "title": "Commitment",
    "partners": "Partners",
    "countries": "Countries",
    "event": "Made at",
    "event_date": "Date made",
    "deadline": "Deadline",
    "reported_status": "Reported status",
    "verified_status": "Verified status",
    "last_report": "Last report",
    "not_reporting": "Not reporting",
    "visibility": "Visibility",
    "review_state": "Review state",
    "embargo_until": "Embargo until",
    "smart_level": "SMART level (0-5)",
}

#: Column names of capability assessment tables (a country's page, the assessments page).
ASSESSMENT_COLUMNS: dict[str, str] = {
    "id": "No.",
    "assessed_on": "Assessed on",
    "capability_no": "Capability no.",
    "capability": "Capability",
    "domain": "Domain",
    "phase": "Phase",
    "phase_label": "Maturity",
    "source": "Basis",
    "published": "Published",
    "note": "Note",
}

#: Column names of a commitment's progress updates.
PROGRESS_COLUMNS: dict[str, str] = {
    "id": "No.",
    "report_date": "Date",
    "status": "Status",
    "source": "Source",
    "indicator_value": "Value",
    "narrative": "Narrative",
    "evidence_links": "Evidence",
    "reason": "Reason",
}

#: Column names of the reference tables the About page shows.
MATURITY_PHASE_COLUMNS: dict[str, str] = {
    "phase": "Phase",
    "label": "Label",
    "description": "Description",
    "verified": "Confirmed by a source",
}
