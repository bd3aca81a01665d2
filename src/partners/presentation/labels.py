"""The labels pages show: statuses, stakeholder types, sources, visibility and the column names of tables.

Enumerations carry their own label (``LabelledEnum.label`` in ``partners.domain.model``); this module only
applies them to stored values and names the columns of the standard tables, so each wording exists once.

The labels are written in English; :func:`status_labels` and :func:`stakeholder_labels` give them in the
language in force (``partners.i18n``). The enumerations' labels reach the catalogues through
``i18n.extract_domain_labels`` (the domain imports no translation), the strings here through ``N_``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from partners.domain.model import ProgressStatus, ReportSource, ReviewState, StakeholderType, Visibility
from partners.i18n import N_, _

#: "No update yet" is not a status: a commitment with no progress update at all. (Not the "not reporting"
#: figure and column, which mean no update within the reporting cycle.)
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = N_("No update yet")


#: Why the Overview's total and the Commitments page's count can differ, said beside both numbers.
WITHDRAWN_LEFT_OUT = N_(
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
    ReportSource.SELF_REPORTED: N_("Self-assessed"),
    ReportSource.VERIFIED: N_("Verified"),
}


def assessment_basis_label(value: str) -> str:
    return ASSESSMENT_BASIS[ReportSource(value)]


def review_state_label(value: str) -> str:
    return ReviewState(value).label


#: Each stored value in words, for labelling a whole column at once (``column_labels``).
STATUS_LABELS: dict[str, str] = {s.value: s.label for s in ProgressStatus} | {NOT_REPORTED: NOT_REPORTED_LABEL}
REVIEW_STATE_LABELS: dict[str, str] = {s.value: s.label for s in ReviewState}
VISIBILITY_SHORT_LABELS: dict[str, str] = {v.value: label for v, label in VISIBILITY_SHORT.items()}
STAKEHOLDER_LABELS: dict[str, str] = {t.value: t.label for t in StakeholderType}
SOURCE_LABELS: dict[str, str] = {s.value: s.label for s in ReportSource}


def status_labels() -> dict[str, str]:
    """:data:`STATUS_LABELS` in the language in force."""
    return {value: _(label) for value, label in STATUS_LABELS.items()}


def stakeholder_labels() -> dict[str, str]:
    """:data:`STAKEHOLDER_LABELS` in the language in force."""
    return {value: _(label) for value, label in STAKEHOLDER_LABELS.items()}


def column_labels(values: pd.Series, labels: Mapping[str, str], *, blank_missing: bool = False) -> pd.Series:
    """A column of stored values in words, in one pass (not a call per row). A value that has no label raises
    ValueError, as the one-value labels above do; a missing one (null) is "" when ``blank_missing``."""
    shown = values.map(labels)
    unlabelled = shown.isna() & (values.notna() | (not blank_missing))
    if unlabelled.any():
        raise ValueError(f"no label for {values[unlabelled].iloc[0]!r}")
    return shown.fillna("") if blank_missing else shown


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

#: The fields of each kind of record as people call them (the commitment page, the history), the table
#: column names above reused where they name the same thing.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "commitment": {
        "title": "Title",
        "description": "Description",
        "partners": COMMITMENT_COLUMNS["partners"],
        "countries": COMMITMENT_COLUMNS["countries"],
        "is_global": "Global",
        "framework_items": "Framework links",
        "deliverable": "Deliverable",
        "indicator": "Indicator",
        "unit": "Unit",
        "baseline": "Baseline",
        "target_value": "Target",
        "start_date": "Start date",
        "deadline": COMMITMENT_COLUMNS["deadline"],
        "budget": "Budget",
        "currency": "Currency",
        "event_id": COMMITMENT_COLUMNS["event"],
        "visibility": COMMITMENT_COLUMNS["visibility"],
        "review_state": COMMITMENT_COLUMNS["review_state"],
        "embargo_until": COMMITMENT_COLUMNS["embargo_until"],
        "external_ref": "Reference in the import file",
        "smart_level": COMMITMENT_COLUMNS["smart_level"],
        "is_demo": "Demo record",
        "deleted_at": "Deleted on",
    },
    "progress_update": {
        **{k: v for k, v in PROGRESS_COLUMNS.items() if k != "id"},
        "commitment_id": "Commitment",
        "is_demo": "Demo record",
        "deleted_at": "Deleted on",
    },
    "capability_assessment": {
        **{k: v for k, v in ASSESSMENT_COLUMNS.items() if k != "id"},
        "country": "Country",
        "capability": ASSESSMENT_COLUMNS["capability"],
        "is_demo": "Demo record",
        "deleted_at": "Deleted on",
    },
    "partner": {
        "name": "Name",
        "stakeholder_type": "Stakeholder type",
        "tags": "Also",
        "hq_country": "Headquarters",
        "member_since": "Member since",
        "website": "Website",
        "is_demo": "Demo record",
        "deleted_at": "Deleted on",
    },
    "event": {
        "name": "Name",
        "kind": "Kind",
        "date": "Date",
        "location": "Location",
        "country": "Country",
        "is_demo": "Demo record",
        "deleted_at": "Deleted on",
    },
}


def field_label(entity: str, field: str) -> str:
    """A field of a record in words ("target_value" -> "Target"); an unknown field reads as its name."""
    return FIELD_LABELS.get(entity, {}).get(field) or field.replace("_", " ").capitalize()


#: Column names of the reference tables the About page shows.
MATURITY_PHASE_COLUMNS: dict[str, str] = {
    "phase": "Phase",
    "label": "Label",
    "description": "Description",
    "verified": "Confirmed by a source",
}
