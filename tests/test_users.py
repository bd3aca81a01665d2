"""Users and roles: managed by e-mail through the service (checked, validated, audited), signed-in people
mapped to actors, the explicit local mode, the `partners users` command and the admin page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from partners import cli
from partners.domain.model import SYSTEM, Actor, Partner, Role, StakeholderType
from partners.domain.permissions import PermissionDenied
from partners.services import records, users
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.storage.errors import ConcurrentEditError
from partners.ui import auth
from partners.ui.navigation import PAGES_DIR
from partners.ui.text import plain

ROOT = Path(__file__).resolve().parents[1]
ADMIN_PAGE = str(PAGES_DIR / "admin_users.py")
ABOUT_PAGE = str(PAGES_DIR / "about.py")
ADMIN = Actor(identity="ada@secretariat.example", role=Role.ADMIN)
EDITOR = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR)
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-cookie-secret-for-tests",
    "client_id": "partners",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


@pytest.fixture
def partner_id(store: Store) -> int:
    hotline = Partner(name="Kenya Hotline", stakeholder_type=StakeholderType.HOTLINE, hq_country="KEN")
    return records.create_partner(store, SYSTEM, hotline)


def audit_rows(store: Store, email: str) -> list[dict]:
    return store.history("user", email)


# -- the service ---------------------------------------------------------------------------------


def test_an_admin_gives_a_focal_point_their_countries_and_the_change_is_audited(store: Store) -> None:
    account = users.add_user(store, ADMIN, "  Amina@Interior.GO.KE ", "country_focal_point",
                             name="Amina", countries=["ken", "UGA"])
    assert account.email == "amina@interior.go.ke"
    assert account.role is Role.COUNTRY_FOCAL_POINT
    assert account.countries == ("KEN", "UGA")
    [entry] = audit_rows(store, "amina@interior.go.ke")
    assert entry["action"] == "create" and entry["actor"] == ADMIN.identity
    assert entry["after"]["countries"] == ["KEN", "UGA"]


def test_a_partner_contributor_is_scoped_to_their_partners(store: Store, partner_id: int) -> None:
    account = users.add_user(store, ADMIN, "pat@hotline.example", "Partner contributor",
                             partners=[partner_id])
    actor = account.actor()
    assert actor.role is Role.PARTNER_CONTRIBUTOR and actor.partners == frozenset({partner_id})


@pytest.mark.parametrize(
    ("email", "role", "countries", "partners", "message"),
    [
        ("not-an-address", "reviewer", [], [], "E-mail: 'not-an-address' is not an e-mail address"),
        ("x@example.org", "wizard", [], [], "Role: 'wizard' is not one of: Admin, Secretariat editor"),
        ("x@example.org", "public", [], [], "Role: everyone without a role is the public already"),
        ("x@example.org", "country_focal_point", ["XXK"], [], "Countries: unknown country code XXK"),
        ("x@example.org", "country_focal_point", [], [], "Countries: a country focal point needs at least"),
        ("x@example.org", "partner_contributor", [], [999], "Partners: unknown partner id 999"),
        ("x@example.org", "partner_contributor", [], [], "Partners: a partner contributor needs at least"),
        ("x@example.org", "partner_contributor", [], ["abc"], "Partners: 'abc' is not a partner id"),
        ("x@example.org", "reviewer", ["KEN"], [], "Countries: only a country focal point has countries"),
    ],
)
def test_bad_user_input_is_refused_in_plain_words_and_nothing_is_stored(
    store: Store, email: str, role: str, countries: list, partners: list, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        users.add_user(store, ADMIN, email, role, countries=countries, partners=partners)
    assert any(p.startswith(message) for p in refused.value.problems), refused.value.problems
    assert store.scalar("SELECT count(*) FROM users") == 0
    assert store.scalar("SELECT count(*) FROM audit_log WHERE entity = 'user'") == 0


def test_an_address_gets_one_role_only(store: Store) -> None:
    users.add_user(store, ADMIN, "rey@example.org", "reviewer")
    with pytest.raises(ValidationFailed, match="already has a role"):
        users.add_user(store, ADMIN, "REY@example.org", "member_viewer")


def test_only_an_admin_manages_users_and_a_refusal_says_why(store: Store) -> None:
    with pytest.raises(PermissionDenied, match="may not manage users and roles"):
        users.add_user(store, EDITOR, "x@example.org", "reviewer")
    with pytest.raises(PermissionDenied):
        users.list_users(store, EDITOR)
    assert store.scalar("SELECT count(*) FROM users") == 0


def test_changing_a_role_keeps_before_and_after_in_the_history(store: Store) -> None:
    first = users.add_user(store, ADMIN, "mo@example.org", "member_viewer", name="Mo")
    changed = users.update_user(store, ADMIN, "mo@example.org", role="country_focal_point", name="Mo",
                                countries=["PHL"], expected_version=first.version)
    assert changed.role is Role.COUNTRY_FOCAL_POINT and changed.version == first.version + 1
    update = audit_rows(store, "mo@example.org")[-1]
    assert update["before"]["role"] == "member_viewer" and update["after"]["role"] == "country_focal_point"


def test_a_stale_edit_does_not_overwrite_a_newer_one(store: Store) -> None:
    first = users.add_user(store, ADMIN, "mo@example.org", "member_viewer")
    users.update_user(store, ADMIN, "mo@example.org", role="reviewer", expected_version=first.version)
    with pytest.raises(ConcurrentEditError, match="changed by ada@secretariat.example"):
        users.update_user(store, ADMIN, "mo@example.org", role="admin", expected_version=first.version)
    assert users.get_user(store, ADMIN, "mo@example.org").role is Role.REVIEWER


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(store: Store) -> None:
    boss = users.add_user(store, SYSTEM, "boss@example.org", "admin")
    with pytest.raises(ValidationFailed, match="last active admin"):
        users.update_user(store, ADMIN, boss.email, role="reviewer", expected_version=boss.version)
    with pytest.raises(ValidationFailed, match="last active admin"):
        users.set_active(store, ADMIN, boss.email, False, expected_version=boss.version)
    users.add_user(store, ADMIN, "second@example.org", "admin")
    assert not users.set_active(store, ADMIN, boss.email, False, expected_version=boss.version).active


def test_changing_an_unknown_user_says_so(store: Store) -> None:
    with pytest.raises(NotFound, match="no user with the e-mail address ghost@example.org"):
        users.update_user(store, ADMIN, "ghost@example.org", role="reviewer", expected_version=1)


# -- signed-in people become actors ---------------------------------------------------------------


def test_a_signed_in_address_gets_its_stored_role_whatever_its_capitals(store: Store) -> None:
    users.add_user(store, ADMIN, "amina@interior.go.ke", "country_focal_point", countries=["KEN"])
    actor = auth.actor_from_user(store, "Amina@Interior.go.KE", "Amina", email_verified=True)
    assert actor.role is Role.COUNTRY_FOCAL_POINT
    assert actor.countries == frozenset({"KEN"})
    assert actor.identity == "amina@interior.go.ke" and actor.name == "Amina"


def test_an_unknown_signed_in_address_is_the_public(store: Store) -> None:
    actor = auth.actor_from_user(store, "stranger@example.org", "Stranger", email_verified=True)
    assert actor.role is Role.PUBLIC and not actor.countries and not actor.partners


def test_a_deactivated_user_is_the_public(store: Store) -> None:
    users.add_user(store, SYSTEM, "boss@example.org", "admin")
    account = users.add_user(store, ADMIN, "amina@interior.go.ke", "country_focal_point", countries=["KEN"])
    users.set_active(store, ADMIN, account.email, False, expected_version=account.version)
    actor = auth.actor_from_user(store, account.email, "Amina", email_verified=True)
    assert actor.role is Role.PUBLIC and not actor.countries


def test_an_address_the_provider_has_not_verified_gets_no_role(store: Store) -> None:
    users.add_user(store, SYSTEM, "boss@example.org", "admin")
    assert auth.actor_from_user(store, "boss@example.org", email_verified=False).role is Role.PUBLIC
    assert auth.actor_from_user(store, "boss@example.org", email_verified=True).role is Role.ADMIN
    assert auth.actor_from_user(store, "", "No Mail").role is Role.PUBLIC
    # Even where the provider's addresses are trusted without the claim, an explicit "not verified" stands.
    unverified = auth.actor_from_user(store, "boss@example.org", email_verified=False, trust_unverified=True)
    assert unverified.role is Role.PUBLIC


def test_an_address_sent_without_the_verified_claim_gets_a_role_only_where_the_provider_is_trusted(
    store: Store,
) -> None:
    users.add_user(store, SYSTEM, "boss@example.org", "admin")
    assert auth.actor_from_user(store, "boss@example.org").role is Role.PUBLIC  # the default: require it
    trusted = auth.actor_from_user(store, "boss@example.org", email_verified=None, trust_unverified=True)
    assert trusted.role is Role.ADMIN


@pytest.mark.parametrize(
    ("claim", "verified"),
    [(True, True), (False, False), ("true", True), ("True", True), ("false", False), ("yes", False),
     (1, False), (None, None)],
)
def test_the_verified_claim_is_read_as_sent(claim: object, verified: bool | None) -> None:
    assert auth.email_verified_claim(claim) is verified


def test_trusting_addresses_without_the_claim_is_set_per_provider_section() -> None:
    provider = {k: AUTH_SECRETS[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    key = auth.TRUST_UNVERIFIED_KEY
    assert not auth.trusts_unverified_email(AUTH_SECRETS, "default")  # the default: require the claim
    assert auth.trusts_unverified_email({**AUTH_SECRETS, key: True}, "default")
    assert auth.trusts_unverified_email({**AUTH_SECRETS, key: True}, None)
    assert not auth.trusts_unverified_email({**AUTH_SECRETS, key: "true"}, "default")  # a string is no TOML true
    assert not auth.trusts_unverified_email(None, "default")
    named = {"redirect_uri": AUTH_SECRETS["redirect_uri"], "cookie_secret": "x" * 32,
             "microsoft": {**provider, key: True}, "google": dict(provider)}
    assert auth.trusts_unverified_email(named, "microsoft")
    assert not auth.trusts_unverified_email(named, "google")
    assert not auth.trusts_unverified_email({**named, key: True}, "google")  # [auth] does not cover [auth.google]
    assert auth.config_problems(named) == []
    problem = f"{key} must be true or false (without quotes)"
    assert auth.config_problems({**AUTH_SECRETS, key: "yes"}) == [f"[auth] {problem}"]
    bad = {**named, "google": {**provider, key: 1}}
    assert auth.config_problems(bad) == [f"[auth.google] {problem}"]


def test_the_admin_is_told_which_way_the_verified_claim_is_treated() -> None:
    required = auth.email_verification_summary(AUTH_SECRETS)
    assert "must be verified by the provider (default)" in required
    trusted = auth.email_verification_summary({**AUTH_SECRETS, auth.TRUST_UNVERIFIED_KEY: True})
    assert "trusted without verification for the default provider" in trusted
    provider = {k: AUTH_SECRETS[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    named = {"redirect_uri": "x", "cookie_secret": "y", "microsoft": {**provider, auth.TRUST_UNVERIFIED_KEY: True}}
    assert "trusted without verification for provider 'microsoft'" in auth.email_verification_summary(named)
    assert "local mode" in auth.email_verification_summary(None)
    for text in (required, trusted):
        assert AUTH_SECRETS["client_secret"] not in text and AUTH_SECRETS["cookie_secret"] not in text


# -- local mode and open access -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("localhost", True), ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("", False), (None, False), ("10.1.2.3", False),
     ("partners.example.org", False)],
)
def test_loopback_addresses_are_recognised(address: str | None, loopback: bool) -> None:
    assert auth.is_loopback(address) is loopback


def test_without_sign_in_the_app_serves_this_machine_only_unless_open_access_is_deliberate() -> None:
    mode = auth.access_mode
    assert mode(auth=True, address="0.0.0.0", open_access=False) is auth.Mode.SIGN_IN
    assert mode(auth=False, address="localhost", open_access=False) is auth.Mode.LOCAL
    assert mode(auth=False, address=None, open_access=False) is auth.Mode.REFUSED  # unset = every interface
    assert mode(auth=False, address="0.0.0.0", open_access=False) is auth.Mode.REFUSED
    assert mode(auth=False, address="0.0.0.0", open_access=True) is auth.Mode.OPEN
    # Bound to localhost but reached through a reverse proxy: not local.
    proxied = mode(auth=False, address="localhost", open_access=False, request_is_local=False)
    assert proxied is auth.Mode.REFUSED


def test_open_access_needs_the_documented_setting() -> None:
    assert not auth.open_access_allowed({})
    assert not auth.open_access_allowed({auth.OPEN_ACCESS_ENV: "0"})
    assert auth.open_access_allowed({auth.OPEN_ACCESS_ENV: "1"})


def test_an_incomplete_auth_section_is_described_without_showing_its_values() -> None:
    assert auth.config_problems(AUTH_SECRETS) == []
    assert auth.config_problems({**AUTH_SECRETS, "client_kwargs": {"prompt": "login"}}) == []
    broken = {k: v for k, v in AUTH_SECRETS.items() if k not in ("cookie_secret", "client_secret")}
    problems = auth.config_problems({**broken, "redirect_uri": "http://localhost:8501/"})
    assert problems == [
        "[auth] needs 'cookie_secret'",
        "[auth] needs client_id, client_secret and server_metadata_url (for one provider)",
        "[auth] redirect_uri must end with /oauth2callback",
    ]
    assert not any(AUTH_SECRETS["client_id"] in p for p in problems)


def test_a_named_provider_section_is_the_one_signed_in_with() -> None:
    assert auth.provider_name(AUTH_SECRETS) is None  # the flat form: Streamlit's default provider
    provider = {k: AUTH_SECRETS[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    named = {"redirect_uri": AUTH_SECRETS["redirect_uri"], "cookie_secret": "x" * 32, "microsoft": provider}
    assert auth.provider_name(named) == "microsoft"
    assert auth.config_problems(named) == []


# -- the command line -----------------------------------------------------------------------------


def test_the_first_admin_is_created_from_the_command_line(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store.db.path
    store.db.close()
    assert cli.main(["--db", path, "users", "add", "--role", "admin", "Boss@Example.org", "--name", "B"]) == 0
    assert "boss@example.org is now Admin" in capsys.readouterr().out
    assert cli.main(["--db", path, "users", "add", "--role", "country_focal_point", "fp@example.org"]) == 2
    assert "a country focal point needs at least one country" in capsys.readouterr().err
    assert cli.main(["--db", path, "users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "boss@example.org" in listing and "fp@example.org" not in listing
    reopened = Store.open(path)
    try:
        assert auth.actor_from_user(reopened, "boss@example.org", email_verified=True).role is Role.ADMIN
        [entry] = reopened.history("user", "boss@example.org")
        assert entry["actor"] == SYSTEM.identity
    finally:
        reopened.db.close()


# -- the app: local mode, sign-in mode, the admin page ----------------------------------------------


@pytest.fixture
def app_db(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    path = store.db.path
    users.add_user(store, SYSTEM, "ada@secretariat.example", "admin", name="Ada")
    users.add_user(store, SYSTEM, "amina@interior.go.ke", "country_focal_point", countries=["KEN"])
    store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return path


def signed_in_app(email: str | None, *, verified: bool | None = True, trust_unverified: bool = False) -> AppTest:
    """The app with sign-in configured and ``email`` signed in; ``verified=None`` sends no email_verified
    claim (as Microsoft Entra ID), ``trust_unverified`` sets partners_trust_unverified_email in [auth]."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.secrets["auth"] = dict(AUTH_SECRETS) | ({auth.TRUST_UNVERIFIED_KEY: True} if trust_unverified else {})
    if email:
        claims = {} if verified is None else {"email_verified": verified}
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0], "provider": "default",
                   **claims}
    return at


def test_without_sign_in_configured_the_app_says_it_is_in_local_mode(app_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any(auth.LOCAL_BANNER in i.value for i in at.info)
    assert any("Local user" in c.value for c in at.sidebar.caption)


def test_on_a_non_local_address_without_sign_in_the_app_refuses_to_serve(app_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    with patch_config_options({"server.address": "0.0.0.0"}):
        at.run()
    assert not at.exception, at.exception
    assert any("will not start" in e.value for e in at.error)
    assert not at.metric and not at.title  # no page ran


def test_open_access_on_a_non_local_address_warns_in_red_on_every_page(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.OPEN_ACCESS_ENV, "1")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    with patch_config_options({"server.address": "0.0.0.0"}):
        at.run()
        assert any("Open access" in e.value for e in at.error)
        at.switch_page(ABOUT_PAGE).run()
        assert any("Open access" in e.value for e in at.error)
    assert not at.exception, at.exception


def test_a_visitor_who_has_not_signed_in_is_offered_sign_in_and_sees_public_pages(app_db: str) -> None:
    at = signed_in_app(None).run()
    assert not at.exception, at.exception
    assert [b.label for b in at.sidebar.button] == ["Sign in"]
    assert not any(auth.LOCAL_BANNER in i.value for i in at.info)


def test_a_signed_in_person_without_a_role_is_told_to_ask_the_secretariat(app_db: str) -> None:
    at = signed_in_app("stranger@example.org").run()
    assert not at.exception, at.exception
    # The address is the provider's text: shown as text (no mailto link), so it is quoted with plain().
    notice = f"Signed in as {plain('stranger@example.org')}, but no role yet: ask the secretariat"
    assert any(notice in w.value for w in at.warning)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_the_admin_page_is_offered_to_admins_only(app_db: str) -> None:
    admin = signed_in_app("ada@secretariat.example").run()
    admin.switch_page(ADMIN_PAGE).run()
    assert not admin.exception, admin.exception
    assert admin.title[0].value == "Users and roles"

    focal = signed_in_app("amina@interior.go.ke").run()
    assert any("Country focal point for KEN" in c.value for c in focal.sidebar.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in their navigation
        focal.switch_page(ADMIN_PAGE)


def test_a_partner_contributor_sees_whom_they_report_for(app_db: str) -> None:
    store = Store.open(app_db)
    try:
        hotline = Partner(name="Kenya Hotline", stakeholder_type=StakeholderType.HOTLINE, hq_country="KEN")
        pid = records.create_partner(store, SYSTEM, hotline)
        users.add_user(store, SYSTEM, "pat@hotline.example", "partner_contributor", partners=[pid])
    finally:
        store.db.close()
    at = signed_in_app("pat@hotline.example").run()
    assert not at.exception, at.exception
    assert any("Partner contributor for Kenya Hotline" in c.value for c in at.sidebar.caption)


def test_an_admin_adds_a_user_on_the_admin_page(app_db: str) -> None:
    at = signed_in_app("ada@secretariat.example").run()
    at.switch_page(ADMIN_PAGE).run()
    at.selectbox(key="add_role").set_value(Role.REVIEWER).run()
    email_box = next(t for t in at.text_input if t.label == "E-mail address")
    email_box.set_value("Rey@Secretariat.example")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception, at.exception
    assert any("rey@secretariat.example is now Reviewer" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert "rey@secretariat.example" in set(table["E-mail"])
    store = Store.open(os.environ["PARTNERS_DB"])
    try:
        [entry] = store.history("user", "rey@secretariat.example")
        assert entry["actor"] == "ada@secretariat.example"
    finally:
        store.db.close()


def test_the_admin_page_explains_refused_input(app_db: str) -> None:
    at = signed_in_app("ada@secretariat.example").run()
    at.switch_page(ADMIN_PAGE).run()
    at.selectbox(key="add_role").set_value(Role.COUNTRY_FOCAL_POINT).run()
    next(t for t in at.text_input if t.label == "E-mail address").set_value("new@example.org")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception, at.exception
    assert any("a country focal point needs at least one country" in e.value for e in at.error)


def test_without_the_verified_claim_a_person_gets_no_role_and_is_told_what_the_admin_can_set(app_db: str) -> None:
    at = signed_in_app("ada@secretariat.example", verified=None).run()
    assert not at.exception, at.exception
    [notice] = [w.value for w in at.warning if "Signed in as" in w.value]
    assert "did not say it verified that address" in notice and auth.TRUST_UNVERIFIED_KEY in notice
    assert "[auth]" in notice
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # no admin page: the public
        at.switch_page(ADMIN_PAGE)


def test_where_the_provider_is_trusted_without_the_claim_the_admin_gets_their_role_and_sees_the_setting(
    app_db: str,
) -> None:
    at = signed_in_app("ada@secretariat.example", verified=None, trust_unverified=True).run()
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Signed in as" in w.value]
    at.switch_page(ADMIN_PAGE).run()
    assert not at.exception, at.exception
    assert any("trusted without verification for the default provider" in i.value for i in at.info)


def test_the_admin_page_says_addresses_must_be_verified_by_default(app_db: str) -> None:
    at = signed_in_app("ada@secretariat.example").run()
    at.switch_page(ADMIN_PAGE).run()
    assert not at.exception, at.exception
    assert any("must be verified by the provider (default)" in i.value for i in at.info)
