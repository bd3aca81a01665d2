"""Authorisation in one place: a permission table of role x use case x scope.

Every service function calls ``authorize`` before it reads or writes. Pages ask ``can`` only to decide
what to offer; the service decides what happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from partners.domain.model import Actor, Role


class UseCase(StrEnum):
    VIEW_PUBLIC = "view public records and aggregates"
    VIEW_MEMBERS = "view records shared with Alliance members"
    VIEW_PRIVATE = "view private records"
    VIEW_ASSESSMENTS = "view unpublished capability assessments"
    LOG_COMMITMENT = "log a commitment"
    EDIT_COMMITMENT = "edit a commitment"
    RECORD_PROGRESS = "record a progress update"
    VERIFY_PROGRESS = "verify progress"
    MANAGE_PARTNERS = "add or edit partners"
    MANAGE_EVENTS = "add or edit summits and plans"
    RECORD_ASSESSMENT = "record a capability assessment"
    PUBLISH_ASSESSMENT = "sign off a country's scorecard, which publishes its assessments (or withdraw it)"
    VERIFY_ASSESSMENT = "verify a capability assessment round"
    MANAGE_REFERENCE = "load reference frameworks"
    MANAGE_DEMO = "load or remove demo data"
    VIEW_HISTORY = "view the change history"
    MANAGE_USERS = "manage users and roles"
    VIEW_WORKLIST = "see the secretariat worklist and reminders"
    RECORD_REMINDERS = "record reminders sent to partners"
    MANAGE_SETTINGS = "change app settings such as the reporting cycle"
    BACKUP_DATABASE = "download a backup of the whole database"
    BACKUP_RESTORE = "restore the whole database from a backup"
    SUBMIT_COMMITMENT = "submit a commitment for review"
    VERIFY_COMMITMENT = "verify a commitment (or send it back to draft)"
    PUBLISH_COMMITMENT = "publish a commitment (or take it back from publication)"
    WITHDRAW_COMMITMENT = "withdraw a commitment (or reinstate it as a draft)"
    DELETE_RECORD = "delete a record"
    RESTORE_RECORD = "restore a deleted record or an earlier version of a record"
    SUGGEST_COMMITMENT = "propose a draft commitment for the secretariat from a scorecard gap's suggestion"
    FREEZE_SNAPSHOT = "freeze the public dashboard as a named snapshot for a summit"


class Scope(StrEnum):
    """How far a grant reaches."""

    ALL = "all"
    OWN_COUNTRIES = "own countries"  # the countries in the actor's scope
    OWN_PARTNERS = "own partners"  # commitments in which one of the actor's partners takes part


_SECRETARIAT_EDIT = {
    UseCase.VIEW_PUBLIC,
    UseCase.VIEW_MEMBERS,
    UseCase.VIEW_PRIVATE,
    UseCase.VIEW_ASSESSMENTS,
    UseCase.LOG_COMMITMENT,
    UseCase.EDIT_COMMITMENT,
    UseCase.RECORD_PROGRESS,
    UseCase.VERIFY_PROGRESS,
    UseCase.MANAGE_PARTNERS,
    UseCase.MANAGE_EVENTS,
    UseCase.RECORD_ASSESSMENT,
    UseCase.VERIFY_ASSESSMENT,
    UseCase.VIEW_HISTORY,
    UseCase.VIEW_WORKLIST,
    UseCase.RECORD_REMINDERS,
    UseCase.BACKUP_DATABASE,
    UseCase.SUBMIT_COMMITMENT,
    UseCase.VERIFY_COMMITMENT,
    UseCase.PUBLISH_COMMITMENT,
    UseCase.WITHDRAW_COMMITMENT,
    UseCase.DELETE_RECORD,
    UseCase.RESTORE_RECORD,
    UseCase.SUGGEST_COMMITMENT,
    UseCase.FREEZE_SNAPSHOT,
}

#: role -> use case -> scope. Absent means refused.
PERMISSIONS: dict[Role, dict[UseCase, Scope]] = {
    Role.ADMIN: dict.fromkeys(UseCase, Scope.ALL),
    Role.SECRETARIAT_EDITOR: dict.fromkeys(_SECRETARIAT_EDIT | {UseCase.PUBLISH_ASSESSMENT}, Scope.ALL),
    Role.REVIEWER: {
        **dict.fromkeys(
            {
                UseCase.VIEW_PUBLIC,
                UseCase.VIEW_MEMBERS,
                UseCase.VIEW_PRIVATE,
                UseCase.VIEW_ASSESSMENTS,
                UseCase.VERIFY_PROGRESS,
                UseCase.VERIFY_ASSESSMENT,
                UseCase.VIEW_HISTORY,
                UseCase.VIEW_WORKLIST,
                UseCase.VERIFY_COMMITMENT,
            },
            Scope.ALL,
        ),
    },
    Role.COUNTRY_FOCAL_POINT: {
        UseCase.VIEW_PUBLIC: Scope.ALL,
        UseCase.VIEW_MEMBERS: Scope.ALL,
        UseCase.VIEW_PRIVATE: Scope.OWN_COUNTRIES,
        UseCase.VIEW_ASSESSMENTS: Scope.OWN_COUNTRIES,
        UseCase.RECORD_ASSESSMENT: Scope.OWN_COUNTRIES,
        UseCase.PUBLISH_ASSESSMENT: Scope.OWN_COUNTRIES,
        # Narrow: a draft from a scorecard gap's template, for the secretariat to review (services.gaps);
        # not LOG_COMMITMENT, which logs any commitment in any state.
        UseCase.SUGGEST_COMMITMENT: Scope.OWN_COUNTRIES,
    },
    Role.PARTNER_CONTRIBUTOR: {
        UseCase.VIEW_PUBLIC: Scope.ALL,
        UseCase.VIEW_MEMBERS: Scope.ALL,
        UseCase.VIEW_PRIVATE: Scope.OWN_PARTNERS,
        UseCase.RECORD_PROGRESS: Scope.OWN_PARTNERS,
    },
    Role.MEMBER_VIEWER: {UseCase.VIEW_PUBLIC: Scope.ALL, UseCase.VIEW_MEMBERS: Scope.ALL},
    Role.PUBLIC: {UseCase.VIEW_PUBLIC: Scope.ALL},
}


#: The roles that make up the secretariat.
SECRETARIAT_ROLES = (Role.ADMIN, Role.SECRETARIAT_EDITOR, Role.REVIEWER)


class PermissionDenied(PermissionError):
    """A refused action, with the reason in plain words."""


def scope_of(actor: Actor, use_case: UseCase) -> Scope | None:
    return PERMISSIONS.get(actor.role, {}).get(use_case)


def can(
    actor: Actor,
    use_case: UseCase,
    *,
    countries: Iterable[str] | None = None,
    partners: Iterable[int] | None = None,
) -> bool:
    """Whether ``actor`` may do ``use_case`` for a record touching these countries / partners.

    With no countries or partners given, answers whether the actor may do it anywhere at all.
    A record in scope needs one of its countries (or partners) in the actor's scope.
    """
    scope = scope_of(actor, use_case)
    if scope is None:
        return False
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN_COUNTRIES:
        if countries is None:
            return bool(actor.countries)
        return bool(set(countries) & actor.countries)
    if partners is None:
        return bool(actor.partners)
    return bool(set(partners) & actor.partners)


def authorize(
    actor: Actor,
    use_case: UseCase,
    *,
    countries: Iterable[str] | None = None,
    partners: Iterable[int] | None = None,
) -> None:
    """Raise PermissionDenied, explaining why, unless ``actor`` may do ``use_case`` here."""
    if can(actor, use_case, countries=countries, partners=partners):
        return
    scope = scope_of(actor, use_case)
    who = f"{actor.display} ({actor.role.label})"
    if scope is None:
        raise PermissionDenied(f"{who} may not {use_case.value}. Ask the secretariat if you need this.")
    if scope is Scope.OWN_COUNTRIES:
        own = ", ".join(sorted(actor.countries)) or "none"
        raise PermissionDenied(
            f"{who} may {use_case.value} only for their own countries ({own}); this record concerns others."
        )
    raise PermissionDenied(
        f"{who} may {use_case.value} only for commitments of their own organisation(s)."
    )


def roles_allowed(use_case: UseCase) -> list[Role]:
    """The roles the permission table grants ``use_case`` (in any scope), in the order of ``Role``."""
    return [role for role in Role if use_case in PERMISSIONS.get(role, {})]


def is_secretariat(actor: Actor) -> bool:
    return actor.role in SECRETARIAT_ROLES
