"""What each headline figure counts, in the words every view shows beside it."""

from __future__ import annotations

HEADLINE_DEFINITIONS: dict[str, str] = {
    "commitments": "Commitments you can see, not counting withdrawn ones (the public sees published ones only)",
    "joint": "Commitments made jointly by two or more partners",
    "global": "Commitments that serve every country rather than named ones",
    "verified": "Commitments whose latest status was verified by the secretariat",
    "self_reported_only": "Commitments with progress reported by the partner but not yet verified",
    "not_reporting": "Open commitments with no progress update within the reporting cycle ({months} months)",
    "complete": "Commitments whose latest reported status is complete (self-reported or verified)",
    "complete_verified": "Commitments verified as complete by the secretariat",
    "partners": "Partners taking part in at least one of these commitments",
    "countries": "Countries named by at least one of these commitments",
    "member_countries": "Alliance member countries",
}
