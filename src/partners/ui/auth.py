"""Who is using the app: OpenID Connect sign-in (``st.login`` / ``st.user``), or the explicit local mode.

Three ways to run, decided on every page view (``access_mode``):

* **sign-in**: ``.streamlit/secrets.toml`` has an ``[auth]`` section. Visitors are the public until they
  sign in; a signed-in person gets the role stored for their e-mail address (``services.users``), or stays
  the public, with a note, while nobody gave them one.
* **local**: no ``[auth]``, and the server listens on a loopback address only (``make run`` binds
  ``localhost``). One person on this machine, acting as an administrator, under a visible banner.
* **open**: no ``[auth]`` on a non-loopback address. Refused, unless ``PARTNERS_ALLOW_OPEN_ACCESS=1``
  says it is deliberate; then every page carries a red warning.

Secrets (client secret, cookie secret) are read by Streamlit itself; this module only asks whether the
``[auth]`` section exists and which keys are missing, and never shows a value.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import streamlit as st
from streamlit import config

from partners.domain.model import Actor, Role
from partners.services import users
from partners.services.setup import Store

#: The environment variable that allows serving without sign-in on a non-loopback address.
OPEN_ACCESS_ENV = "PARTNERS_ALLOW_OPEN_ACCESS"

#: The single user of local mode (no sign-in configured): may do everything, on this machine only.
LOCAL_ACTOR = Actor(identity="local-user", role=Role.ADMIN, name="Local user")

#: Whoever has not signed in (or has no role): sees published, non-embargoed records and public aggregates.
ANONYMOUS = Actor(identity="anonymous", role=Role.PUBLIC, name="Public visitor")

LOCAL_BANNER = "Local mode: single user, no sign-in, this machine only"
OPEN_WARNING = (
    "Open access: sign-in is not configured and this app is served on a non-local address "
    f"({OPEN_ACCESS_ENV} is on). Anyone who can reach it acts as an administrator."
)
REFUSAL = (
    "This app is served on a non-local address without sign-in, so it will not start. "
    "Configure sign-in in .streamlit/secrets.toml [auth] (see the README, 'Sign-in and roles'), "
    "serve on localhost only (`make run`), or, if anyone who reaches it may really act as an "
    f"administrator, set {OPEN_ACCESS_ENV}=1."
)

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


class Mode(StrEnum):
    SIGN_IN = "sign-in"
    LOCAL = "local"
    OPEN = "open"
    REFUSED = "refused"


@dataclass(frozen=True)
class Visitor:
    """The person behind this browser session, as the app treats them on this page view."""

    actor: Actor
    mode: Mode
    signed_in: bool = False
    email: str = ""
    notice: str = ""  # why a signed-in person is treated as the public, in plain words


# -- configuration -------------------------------------------------------------------------------


def _auth_section() -> Mapping | None:
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: sign-in is not configured
        return None
    return section if isinstance(section, Mapping) and section else None


def auth_configured() -> bool:
    """Whether sign-in is configured: ``[auth]`` exists in the secrets (its values are never read here)."""
    return _auth_section() is not None


def auth_problems() -> list[str]:
    """What the configured ``[auth]`` section lacks for ``st.login`` (nothing when sign-in is off)."""
    section = _auth_section()
    return [] if section is None else config_problems(section)


def config_problems(section: Mapping) -> list[str]:
    """What an ``[auth]`` section lacks for ``st.login``, as plain sentences (never showing a value)."""
    problems = [f"[auth] needs '{key}'" for key in ("redirect_uri", "cookie_secret") if not section.get(key)]
    needed = ("client_id", "client_secret", "server_metadata_url")
    candidates = [section, *_named_providers(section).values()]
    if not any(all(p.get(k) for k in needed) for p in candidates):
        problems.append("[auth] needs client_id, client_secret and server_metadata_url (for one provider)")
    redirect = str(section.get("redirect_uri") or "")
    if redirect and not redirect.endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must end with /oauth2callback")
    return problems


def _named_providers(section: Mapping) -> dict[str, Mapping]:
    """``[auth.<name>]`` provider sections (not ``client_kwargs``, which belongs to the flat form)."""
    return {
        name: value
        for name, value in section.items()
        if isinstance(value, Mapping) and name != "client_kwargs" and "client_id" in value
    }


def login_provider() -> str | None:
    """The provider ``st.login`` should use for the configured ``[auth]`` section."""
    section = _auth_section()
    return None if section is None else provider_name(section)


def provider_name(section: Mapping) -> str | None:
    """None for the flat ``[auth]`` form (Streamlit's default provider), else the named section
    (``[auth.microsoft]``, ...); with several named sections, the first."""
    if section.get("client_id"):
        return None
    return next(iter(_named_providers(section)), None)


def open_access_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``PARTNERS_ALLOW_OPEN_ACCESS`` deliberately allows serving without sign-in beyond localhost."""
    value = (environ if environ is not None else os.environ).get(OPEN_ACCESS_ENV, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def is_loopback(address: str | None) -> bool:
    """Whether a server address (``server.address``) reaches this machine only (unset: every interface)."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_mode(
    *,
    auth: bool,
    address: str | None,
    open_access: bool,
    request_is_local: bool = True,
    app_test: bool = False,
) -> Mode:
    """Decide how this page view runs (see the module docstring).

    ``request_is_local`` is false when the request came from another machine or through a proxy: a
    loopback-bound server behind a reverse proxy is not local. Under Streamlit's AppTest nothing is served,
    so an unset address counts as local there.
    """
    if auth:
        return Mode.SIGN_IN
    local = (is_loopback(address) or (app_test and not address)) and request_is_local
    if local:
        return Mode.LOCAL
    return Mode.OPEN if open_access else Mode.REFUSED


def _request_is_local() -> bool:
    ip = st.context.ip_address  # None for loopback connections
    if isinstance(ip, str) and not is_loopback(ip):
        return False
    headers = st.context.headers or {}
    return not any(headers.get(h) for h in _FORWARDING_HEADERS)


def current_mode() -> Mode:
    return access_mode(
        auth=auth_configured(),
        # config.get_option, not st.get_option: tests patch the former (AppTest sets global.appTest there).
        address=config.get_option("server.address"),
        open_access=open_access_allowed(),
        request_is_local=_request_is_local(),
        app_test=config.get_option("global.appTest") is True,
    )


# -- who is signed in ----------------------------------------------------------------------------


def actor_from_user(
    store: Store, email: str | None, name: str | None = None, *, email_verified: bool | None = None
) -> Actor:
    """The actor for a signed-in person: the role stored for their e-mail address, else the public.

    Unknown and deactivated addresses, and addresses the provider says it has not verified, get the
    public role: a role is only ever given by the secretariat, never assumed.
    """
    address = users.normalise_email(email or "")
    display = str(name or "").strip()
    if not address:
        return Actor(identity="unknown", role=Role.PUBLIC, name=display)
    if email_verified is False:
        return Actor(identity=address, role=Role.PUBLIC, name=display)
    account = users.account_for_sign_in(store, address)
    if account is None:
        return Actor(identity=address, role=Role.PUBLIC, name=display)
    actor = account.actor()
    return actor if actor.name else actor.model_copy(update={"name": display})


def _notice(actor: Actor, email: str, email_verified) -> str:
    if actor.role is not Role.PUBLIC:
        return ""
    if not email:
        return "Signed in, but the sign-in provider sent no e-mail address: ask the secretariat."
    if email_verified is False:
        return (
            f"Signed in as {email}, but the sign-in provider has not verified that address: "
            "ask the secretariat."
        )
    return f"Signed in as {email}, but no role yet: ask the secretariat."


def visitor(store: Store) -> Visitor:
    """Who this browser session is, now (roles are read from the database on every page view)."""
    mode = current_mode()
    if mode in (Mode.LOCAL, Mode.OPEN):
        return Visitor(LOCAL_ACTOR, mode)
    if mode is Mode.REFUSED:
        return Visitor(ANONYMOUS, mode)
    user = st.user
    if not user.get("is_logged_in"):
        return Visitor(ANONYMOUS, mode)
    email = users.normalise_email(str(user.get("email") or ""))
    verified = user.get("email_verified")
    if isinstance(verified, str):  # some providers send the claim as text
        verified = verified.strip().lower() == "true"
    actor = actor_from_user(store, email, str(user.get("name") or ""), email_verified=verified)
    return Visitor(actor, mode, signed_in=True, email=email, notice=_notice(actor, email, verified))
