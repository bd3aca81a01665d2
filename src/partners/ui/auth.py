"""Who is using the app: OpenID Connect sign-in (``st.login`` / ``st.user``), or the explicit local mode.

Three ways to run, decided on every page view (``access_mode``):

* **sign-in**: ``.streamlit/secrets.toml`` has an ``[auth]`` section. Visitors are the public until they
  sign in; a signed-in person gets the role stored for their e-mail address (``services.users``), or stays
  the public, with a note, while nobody gave them one.
* **local**: no ``[auth]``, the server listens on a loopback address only (``make run`` binds
  ``localhost``), and the request is this machine's own: from a loopback peer, for a loopback ``Host``
  (and from a loopback ``Origin`` when the browser sends one), with no proxy's forwarding headers. One
  person on this machine, acting as an administrator, under a visible banner. A request that fails one of
  these (a port forwarder on another address, a reverse proxy, a DNS name pointed at 127.0.0.1) is refused
  with the reason (``not_local_because``).
* **open**: no ``[auth]`` on a non-loopback address. Refused, unless ``PARTNERS_ALLOW_OPEN_ACCESS=1``
  says it is deliberate; then every page carries a red warning.

A signed-in person's role rests on their e-mail address, so the provider must say it verified that address
(``email_verified``). Providers that never send the claim (Microsoft Entra ID) can be trusted without it,
per provider, with ``partners_trust_unverified_email = true`` in that provider's section of the secrets
(``[auth]`` for the flat form, ``[auth.<name>]`` for a named provider); Streamlit and Authlib ignore the key.

Secrets (client secret, cookie secret) are read by Streamlit itself; this module only asks whether the
``[auth]`` section exists, which keys are missing and how e-mail addresses are trusted, and never shows a
secret's value.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from partners.domain.model import PUBLIC_VIEWER, Actor, Role
from partners.services import users
from partners.services.setup import Store
from partners.ui.text import plain

#: The environment variable that allows serving without sign-in on a non-loopback address.
OPEN_ACCESS_ENV = "PARTNERS_ALLOW_OPEN_ACCESS"

#: The single user of local mode (no sign-in configured): may do everything, on this machine only.
LOCAL_ACTOR = Actor(identity="local-user", role=Role.ADMIN, name="Local user")

#: Whoever has not signed in (or has no role): sees published, non-embargoed records and public aggregates.
ANONYMOUS = PUBLIC_VIEWER

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

#: The key, in a provider's section of the secrets, that trusts addresses sent without ``email_verified``.
TRUST_UNVERIFIED_KEY = "partners_trust_unverified_email"

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_FORWARDING_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")
_SHOWN_MAX = 80  # characters of a request header quoted back on the refusal page


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
    for name, provider in [("auth", section)] + [(f"auth.{n}", p) for n, p in _named_providers(section).items()]:
        if TRUST_UNVERIFIED_KEY in provider and not isinstance(provider[TRUST_UNVERIFIED_KEY], bool):
            problems.append(f"[{name}] {TRUST_UNVERIFIED_KEY} must be true or false (without quotes)")
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


def trusts_unverified_email(section: Mapping | None, provider: str | None) -> bool:
    """Whether the provider's section says to trust an address sent without an ``email_verified`` claim.

    ``provider`` is the one the person signed in with (``st.user["provider"]``): ``"default"`` or None for the
    flat ``[auth]`` form, else the name of an ``[auth.<name>]`` section. Only a TOML ``true`` trusts;
    anything else (the key absent, a misplaced or misspelt key, a string) keeps the default, which is to
    require the claim. An explicit ``email_verified = false`` is never trusted, whatever the setting.
    """
    if section is None:
        return False
    own = section if provider in (None, "", "default") else section.get(provider)
    return isinstance(own, Mapping) and own.get(TRUST_UNVERIFIED_KEY) is True


def email_verification_summary(section: Mapping | None) -> str:
    """How sign-in treats e-mail addresses, for the admin (which way ``partners_trust_unverified_email`` is set)."""
    if section is None:
        return "Sign-in is not configured: the app runs in local mode (one user on this machine)."
    name = provider_name(section)
    label = "the default provider" if name is None else f"provider '{name}'"
    if trusts_unverified_email(section, name):
        key = "[auth]" if name is None else f"[auth.{name}]"
        return (
            f"Sign-in: e-mail addresses are trusted without verification for {label} (`{key} "
            f"{TRUST_UNVERIFIED_KEY} = true`): a role rests on the address the provider sends, so keep that "
            "provider limited to your organisation's accounts. An address the provider marks unverified "
            "still gets no role."
        )
    return (
        "Sign-in: e-mail addresses must be verified by the provider (default): a person whose provider does "
        "not say it verified their address (the email_verified claim) gets no role. For a provider that "
        f"never sends the claim (Microsoft Entra ID), set `{TRUST_UNVERIFIED_KEY} = true` in its section of "
        "`.streamlit/secrets.toml` (README, 'Sign-in and roles')."
    )


def sign_in_summary() -> str:
    """How this app's sign-in treats e-mail addresses, for the admin page."""
    return email_verification_summary(_auth_section())


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


@dataclass(frozen=True)
class Request:
    """Where this page view's request came from, as Streamlit received it (the websocket's upgrade request).

    ``peer`` is the connection's address (``st.context.ip_address``: None for a loopback peer); ``host`` and
    ``origin`` are the ``Host`` and ``Origin`` headers (None when not sent); ``forwarded`` names the proxy
    forwarding headers present (``X-Forwarded-For``, ``Forwarded``, ...).
    """

    peer: str | None = None
    host: str | None = None
    origin: str | None = None
    forwarded: tuple[str, ...] = ()


def host_is_loopback(host: str | None) -> bool:
    """Whether a ``Host`` header names this machine: localhost, 127.x, [::1], *.localhost, with any port."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host.strip()}")
        _ = parts.port  # a port that is not a number (or out of range) is no address of this machine
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or parts.path or parts.query or parts.fragment:
        return False
    return is_loopback((parts.hostname or "").rstrip("."))


def origin_is_loopback(origin: str) -> bool:
    """Whether an ``Origin`` header (``http://localhost:8501``) is a page of this machine's own."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host_is_loopback(parts.netloc)


def _shown(value: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def not_local_because(request: Request, *, app_test: bool = False) -> str:
    """Why this request is not this machine's own, in plain words; "" when it is.

    Local mode trusts a request only when all of these hold: the peer is a loopback address, the ``Host``
    it asked for is a loopback name (so a port forwarder or a DNS name pointed at 127.0.0.1 does not pass:
    the browser sends the address it was given), the ``Origin``, when sent, is a loopback page too, and no
    proxy added forwarding headers. Under AppTest no request exists (no headers at all), so a missing
    ``Host`` passes there only.
    """
    # Forwarding headers first: the server (uvicorn) also takes a loopback proxy's X-Forwarded-For as the peer.
    if request.forwarded:
        names = ", ".join(request.forwarded)
        return f"This page was reached through a proxy (the request carries {names})."
    if request.peer and not is_loopback(request.peer):
        return f"This page was reached from another machine ({_shown(request.peer)}), not from this one."
    if request.host is None:
        if app_test:
            return ""
        return "This page was reached without saying which address it asked for (no Host header)."
    if not host_is_loopback(request.host):
        return (
            f"This page was reached through the address '{_shown(request.host)}', "
            "not this machine's own (localhost)."
        )
    if request.origin is not None and not origin_is_loopback(request.origin):
        return f"This page was opened from '{_shown(request.origin)}', not from this machine's own address."
    return ""


def refusal(address: str | None, reason: str = "", port: int | None = None) -> str:
    """What a refused page says: the server is bound beyond this machine, or the request is not local."""
    if not is_loopback(address):
        return REFUSAL
    here = f"http://localhost:{port}/" if port else "http://localhost/"
    return (
        f"{reason} Local mode serves only this machine: open {here} on the machine that runs the app. "
        "To let others in, configure sign-in in .streamlit/secrets.toml [auth] (README, 'Sign-in and roles')."
    )


def access_mode(
    *,
    auth: bool,
    address: str | None,
    open_access: bool,
    request_is_local: bool = True,
    app_test: bool = False,
) -> Mode:
    """Decide how this page view runs (see the module docstring).

    ``request_is_local`` is false when the request is not this machine's own (``not_local_because``): a
    loopback-bound server behind a reverse proxy or a port forwarder is not local. Under Streamlit's AppTest
    nothing is served, so an unset address counts as local there.
    """
    if auth:
        return Mode.SIGN_IN
    local = (is_loopback(address) or (app_test and not address)) and request_is_local
    if local:
        return Mode.LOCAL
    return Mode.OPEN if open_access else Mode.REFUSED


def current_request() -> Request:
    """This page view's request, from ``st.context`` (the headers of the websocket's upgrade request)."""
    headers = st.context.headers or {}
    ip = st.context.ip_address  # None for loopback connections
    return Request(
        peer=ip if isinstance(ip, str) else None,
        host=headers.get("host"),
        origin=headers.get("origin"),
        forwarded=tuple(h for h in _FORWARDING_HEADERS if headers.get(h)),
    )


def _app_test() -> bool:
    # config.get_option, not st.get_option: tests patch the former (AppTest sets global.appTest there).
    return config.get_option("global.appTest") is True


def current_refusal() -> str:
    """What the refused page says, for this page view (call when ``current_mode()`` is ``REFUSED``)."""
    # The reason quotes the Host or Origin the request sent: text from outside, shown as text (plain()).
    reason = plain(not_local_because(current_request(), app_test=_app_test()))
    return refusal(config.get_option("server.address"), reason, config.get_option("server.port"))


def current_mode() -> Mode:
    app_test = _app_test()
    return access_mode(
        auth=auth_configured(),
        address=config.get_option("server.address"),
        open_access=open_access_allowed(),
        request_is_local=not not_local_because(current_request(), app_test=app_test),
        app_test=app_test,
    )


# -- who is signed in ----------------------------------------------------------------------------


def email_verified_claim(value: object) -> bool | None:
    """The ``email_verified`` claim as sent: True, False, or None when the provider sent none.

    Some providers send it as text ("true"); any other value counts as not verified."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return False


def actor_from_user(
    store: Store,
    email: str | None,
    name: str | None = None,
    *,
    email_verified: bool | None = None,
    trust_unverified: bool = False,
) -> Actor:
    """The actor for a signed-in person: the role stored for their e-mail address, else the public.

    Unknown and deactivated addresses, addresses the provider says it has not verified, and addresses sent
    without the ``email_verified`` claim (unless ``trust_unverified``: the provider's
    ``partners_trust_unverified_email`` setting) get the public role: a role is only ever given by the
    secretariat, never assumed.
    """
    address = users.normalise_email(email or "")
    display = str(name or "").strip()
    if not address:
        return Actor(identity="unknown", role=Role.PUBLIC, name=display)
    if email_verified is False or (email_verified is None and not trust_unverified):
        return Actor(identity=address, role=Role.PUBLIC, name=display)
    account = users.account_for_sign_in(store, address)
    if account is None:
        return Actor(identity=address, role=Role.PUBLIC, name=display)
    actor = account.actor()
    return actor if actor.name else actor.model_copy(update={"name": display})


def _notice(actor: Actor, email: str, email_verified: bool | None, trust_unverified: bool, provider: str) -> str:
    if actor.role is not Role.PUBLIC:
        return ""
    shown = plain(email)  # the notice is Markdown; the address is the provider's text
    if not email:
        return "Signed in, but the sign-in provider sent no e-mail address: ask the secretariat."
    if email_verified is False:
        return (
            f"Signed in as {shown}, but the sign-in provider has not verified that address: "
            "ask the secretariat."
        )
    if email_verified is None and not trust_unverified:
        section = "[auth]" if provider in ("", "default") else f"[auth.{provider}]"
        return (
            f"Signed in as {shown}, but the sign-in provider did not say it verified that address "
            "(no email_verified claim), and this app gives roles to verified addresses only: you see what "
            "the public sees. Ask the secretariat: if this provider never sends the claim (Microsoft Entra "
            f"ID does not), an administrator can set `{TRUST_UNVERIFIED_KEY} = true` in `{section}` of "
            "`.streamlit/secrets.toml`."
        )
    return f"Signed in as {shown}, but no role yet: ask the secretariat."


def visitor(store: Callable[[], Store]) -> Visitor:
    """Who this browser session is, now (roles are read from the database on every page view).

    ``store`` opens the store; it is called only for a signed-in person, so a refused page view never
    touches the database (and is refused even while the database is busy)."""
    mode = current_mode()
    if mode in (Mode.LOCAL, Mode.OPEN):
        return Visitor(LOCAL_ACTOR, mode)
    if mode is Mode.REFUSED:
        return Visitor(ANONYMOUS, mode)
    user = st.user
    if not user.get("is_logged_in"):
        return Visitor(ANONYMOUS, mode)
    email = users.normalise_email(str(user.get("email") or ""))
    verified = email_verified_claim(user.get("email_verified"))
    # Streamlit records the provider signed in with ("default" for the flat [auth] form) in st.user.
    provider = str(user.get("provider") or "default")
    trust = trusts_unverified_email(_auth_section(), provider)
    actor = actor_from_user(
        store(), email, str(user.get("name") or ""), email_verified=verified, trust_unverified=trust
    )
    notice = _notice(actor, email, verified, trust, provider)
    return Visitor(actor, mode, signed_in=True, email=email, notice=notice)
