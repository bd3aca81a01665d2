"""The tables of the schema that the store names in its own statements (never names from people)."""

from __future__ import annotations

#: Tables holding records people edit (soft delete, versioned), with the entity name used in the audit log.
ENTITY_TABLES: dict[str, str] = {
    "partner": "partners",
    "event": "events",
    "commitment": "commitments",
    "progress_update": "progress_updates",
    "capability_assessment": "capability_assessments",
    "assessment_round": "assessment_rounds",
}

#: Every table with its columns, in the order backups and bulk loads use.
TABLES: tuple[str, ...] = (
    "countries",
    "frameworks",
    "framework_items",
    "framework_crosswalk",
    "maturity_phases",
    "partners",
    "events",
    "commitments",
    "commitment_partners",
    "commitment_countries",
    "commitment_items",
    "progress_updates",
    "assessment_rounds",
    "capability_assessments",
    "scorecard_signoffs",
    "signed_assessments",
    "audit_log",
    "dataset_meta",
    "users",
    "partner_reminders",
    "snapshots",
)

#: Tables the store keeps for itself, never backed up or restored: ``commitment_status`` and
#: ``commitment_names`` are derived from the records (rebuilt after a restore) and ``data_changes`` counts
#: committed writes (the data version).
DERIVED_TABLES: tuple[str, ...] = ("commitment_status", "commitment_names", "data_changes")
