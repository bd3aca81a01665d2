"""Use cases for the people who sign in: their role and scope, managed by e-mail address.

Every change is authorised (``MANAGE_USERS``), validated with one plain sentence per problem, and written
in one transaction together with its audit entry. ``account_for_sign_in`` is the one read without a
permission check: it is how the app learns who a signed-in person is, before there is an actor to check.

The SQL for the ``users`` table (migration 002) lives in the small repository section at the end of this
module, parameterised like the rest of the storage code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from partners.domain import rules
from partners.domain.model import Actor, Role
from partners.domain.permissions import UseCase, authorize
from partners.services import audit
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.errors import ConcurrentEditError, DuplicateKeyError, StorageError
from partners.storage.port import Store

#: The roles that can be given to someone. The public role is what everyone else has.
ASSIGNABLE_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.PUBLIC)


class UserAccount(BaseModel):
    """A person who may sign in, with the role and scope the secretariat gave them."""

    model_config = ConfigDict(frozen=True)

    email: str
    name: str = ""
    role: Role
    countries: tuple[str, ...] = ()
    partners: tuple[int, ...] = ()
    active: bool = True
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def actor(self) -> Actor:
        """The actor this account acts as: its role and scope, or the public once deactivated."""
        if not self.active:
            return Actor(identity=self.email, role=Role.PUBLIC, name=self.name)
        return Actor(
            identity=self.email,
            role=self.role,
            countries=frozenset(self.countries),
            partners=frozenset(self.partners),
            name=self.name,
        )


def is_email_address(text: object) -> bool:
    """Whether ``text`` is an e-mail address as accounts store them (trimmed, lower-case)."""
    return isinstance(text, str) and text == normalise_email(text) and rules.is_email_address(text)


def normalise_email(text: str) -> str:
    """E-mail addresses are compared case-insensitively: stored trimmed and lower-cased."""
    return str(text or "").strip().lower()


# -- use cases -----------------------------------------------------------------------------------


def list_users(store: Store, actor: Actor) -> list[UserAccount]:
    """Everyone with a role, active ones first, by e-mail."""
    authorize(actor, UseCase.MANAGE_USERS)
    return [UserAccount(**row) for row in _select(store)]


def get_user(store: Store, actor: Actor, email: str) -> UserAccount:
    authorize(actor, UseCase.MANAGE_USERS)
    return _require(store, normalise_email(email))


def add_user(
    store: Store,
    actor: Actor,
    email: str,
    role: Role | str,
    *,
    name: str = "",
    countries: Iterable[str] = (),
    partners: Iterable[int | str] = (),
) -> UserAccount:
    """Give someone a role. Country focal points need their countries, partner contributors their partners."""
    authorize(actor, UseCase.MANAGE_USERS)
    values = _validated(store, email, role, name, countries, partners)
    with store.transaction():
        existing = _find(store, values["email"])
        if existing is not None:
            raise ValidationFailed(
                [f"E-mail: {existing.email} already has a role ({existing.role.label}); change it instead"]
            )
        try:
            _insert(store, values)
        except DuplicateKeyError as exc:  # someone added the same address at the same moment
            problem = f"E-mail: {values['email']} already has a role; reload the list"
            raise ValidationFailed([problem]) from exc
        created = _require(store, values["email"])
        audit.record(store, actor, "create", "user", created.email, after=_snapshot(created))
    return created


def update_user(
    store: Store,
    actor: Actor,
    email: str,
    *,
    role: Role | str,
    name: str = "",
    countries: Iterable[str] = (),
    partners: Iterable[int | str] = (),
    active: bool = True,
    expected_version: int,
) -> UserAccount:
    """Change someone's role, scope, name or status, if nobody saved a change since ``expected_version``."""
    authorize(actor, UseCase.MANAGE_USERS)
    values = _validated(store, email, role, name, countries, partners)
    values["active"] = bool(active)
    guarded = False
    try:
        with store.transaction():
            before = _require(store, values["email"])
            guarded = _demotes_an_admin(before, values["role"], values["active"])
            if guarded:
                _keep_an_admin(store, before)
            _update(store, values, expected_version)
            after = _require(store, values["email"])
            audit.record(
                store, actor, "update", "user", after.email, before=_snapshot(before), after=_snapshot(after)
            )
    except ConcurrentEditError as exc:
        try:
            changed_itself = _version_of(store, values["email"]) != expected_version
        except StorageError:  # inside an outer transaction that failed: keep the first message
            raise exc from None
        if not guarded or changed_itself:
            raise  # the user itself changed: the refusal names who changed it
        raise ConcurrentEditError(
            "another admin changed who the admins are at the same moment; nothing was saved. "
            "Reload the list and make your change again (the last active admin cannot be demoted)"
        ) from exc
    return after


def set_role(
    store: Store,
    actor: Actor,
    email: str,
    role: Role | str,
    *,
    countries: Iterable[str] | None = None,
    partners: Iterable[int | str] | None = None,
) -> UserAccount:
    """Give someone another role, keeping their name and status (the command line's ``users set-role``).

    Their countries (partners) are kept when the new role has them too, unless new ones are given; every
    rule of ``update_user`` applies, the last-admin rule included.
    """
    authorize(actor, UseCase.MANAGE_USERS)
    current = _require(store, normalise_email(email))
    if countries is None:
        countries = current.countries if role_value(role) == Role.COUNTRY_FOCAL_POINT.value else ()
    if partners is None:
        partners = current.partners if role_value(role) == Role.PARTNER_CONTRIBUTOR.value else ()
    return update_user(
        store, actor, current.email, role=role, name=current.name, countries=countries, partners=partners,
        active=current.active, expected_version=current.version,
    )


def role_value(role: Role | str) -> str:
    """The role's value when ``role`` names one (value or label, any case), else the text as given."""
    try:
        return (role if isinstance(role, Role) else Role.parse(role)).value
    except ValueError:
        return str(role)


def unknown_role(text: Any) -> str | None:
    """Why ``text`` is not a role that can be given, listing the valid ones; None when it is one."""
    valid = ", ".join(r.value for r in ASSIGNABLE_ROLES)
    if text in {r.value for r in ASSIGNABLE_ROLES}:
        return None
    return f"'{text}' is not a role (valid: {valid})"


def set_active(store: Store, actor: Actor, email: str, active: bool, *, expected_version: int) -> UserAccount:
    """Deactivate someone (they become the public at their next page view) or reactivate them."""
    authorize(actor, UseCase.MANAGE_USERS)
    current = _require(store, normalise_email(email))
    return update_user(
        store,
        actor,
        current.email,
        role=current.role,
        name=current.name,
        countries=current.countries,
        partners=current.partners,
        active=active,
        expected_version=expected_version,
    )


def account_for_sign_in(store: Store, email: str) -> UserAccount | None:
    """The account of a signed-in e-mail address, if any (no permission check: this *is* the check)."""
    email = normalise_email(email)
    if not email:
        return None
    return _find(store, email)


# -- validation ----------------------------------------------------------------------------------


def _validated(
    store: Store,
    email: str,
    role: Role | str,
    name: str,
    countries: Iterable[str],
    partners: Iterable[int | str],
) -> dict[str, Any]:
    problems: list[str] = []
    address = normalise_email(email)
    if not rules.is_email_address(address):
        shown = str(email or "").strip() or "(empty)"
        problems.append(f"E-mail: '{shown}' is not an e-mail address (for example amina@interior.go.ke)")

    parsed_role: Role | None
    try:
        parsed_role = role if isinstance(role, Role) else Role.parse(role)
    except ValueError:
        parsed_role = None
        allowed = ", ".join(r.label for r in ASSIGNABLE_ROLES)
        values = ", ".join(r.value for r in ASSIGNABLE_ROLES)
        problems.append(f"Role: '{role}' is not one of: {allowed} (on the command line: {values})")
    if parsed_role is Role.PUBLIC:
        problems.append(
            "Role: everyone without a role is the public already; choose a role, or deactivate the user"
        )

    codes: list[str] = []
    for code in countries:
        code = str(code).strip().upper()
        if code and code not in codes:
            codes.append(code)
    known = store.existing_keys("countries", "code", codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        problems.append(
            f"Countries: unknown country code {', '.join(unknown)} "
            "(use ISO 3166-1 alpha-3 codes such as KEN, GBR, PHL)"
        )

    ids: list[int] = []
    for raw in partners:
        try:
            pid = int(str(raw).strip())
        except ValueError:
            problems.append(f"Partners: '{raw}' is not a partner id (a whole number)")
            continue
        if pid not in ids:
            ids.append(pid)
    missing = sorted(set(ids) - store.existing_keys("partners", "id", ids))
    if missing:
        problems.append(f"Partners: unknown partner id {', '.join(map(str, missing))}")

    if parsed_role is Role.COUNTRY_FOCAL_POINT and not codes:
        problems.append("Countries: a country focal point needs at least one country")
    if parsed_role is Role.PARTNER_CONTRIBUTOR and not ids:
        problems.append(
            "Partners: a partner contributor needs at least one partner (the organisation they report for)"
        )
    if parsed_role not in (None, Role.COUNTRY_FOCAL_POINT) and codes:
        problems.append(
            f"Countries: only a country focal point has countries; leave them empty for a {parsed_role.label}"
        )
    if parsed_role not in (None, Role.PARTNER_CONTRIBUTOR) and ids:
        problems.append(
            f"Partners: only a partner contributor has partners; leave them empty for a {parsed_role.label}"
        )

    if problems:
        raise ValidationFailed(problems)
    return {
        "email": address,
        "name": str(name or "").strip(),
        "role": parsed_role,
        "countries": sorted(codes),
        "partners": sorted(ids),
    }


def _demotes_an_admin(before: UserAccount, role: Role, active: bool) -> bool:
    """Whether the change takes an active admin's admin role (or their access) away."""
    was_admin = before.active and before.role is Role.ADMIN
    stays_admin = active and role is Role.ADMIN
    return was_admin and not stays_admin


def _keep_an_admin(store: Store, before: UserAccount) -> None:
    """Nobody may demote or deactivate the last active admin: the app would have nobody to manage roles.

    The count and the change are one atomic step: the active admins are claimed in the caller's
    transaction first (``Store.claim_active_users``), so when two admins demote each other at the same
    moment one of the two transactions fails instead of both committing.
    """
    others = [e for e in store.claim_active_users(Role.ADMIN.value) if e != before.email]
    if not others:
        raise ValidationFailed(
            [f"Role: {before.email} is the last active admin; make someone else an admin first"]
        )


def _snapshot(user: UserAccount) -> dict[str, Any]:
    return user.model_dump(mode="json", exclude={"created_at", "updated_at"})


def _require(store: Store, email: str) -> UserAccount:
    found = _find(store, email)
    if found is None:
        raise NotFound(f"there is no user with the e-mail address {email}")
    return found


# -- storage access (the SQL lives in storage.Store) ----------------------------------------------

def _select(store: Store) -> list[dict[str, Any]]:
    return store.user_rows()


def _find(store: Store, email: str) -> UserAccount | None:
    row = store.user_row(email)
    return UserAccount(**row) if row else None


def _version_of(store: Store, email: str) -> int | None:
    row = store.user_row(email)
    return None if row is None else int(row["version"])


def _insert(store: Store, values: dict[str, Any]) -> None:
    store.insert_user(values["email"], values["name"], values["role"].value, values["countries"],
                      values["partners"])


def _update(store: Store, values: dict[str, Any], expected_version: int) -> None:
    store.update_user(values["email"], values["name"], values["role"].value, values["countries"],
                      values["partners"], values["active"], expected_version)
