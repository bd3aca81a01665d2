"""The real sign-in flow in Chromium: `streamlit run` with an `[auth]` section pointing at oidc-provider-mock.

The provider runs in this process on a free port; the app runs as a separate server with its own secrets
file (``--secrets.files``, in a temporary directory: no secrets.toml is ever written into the repository)
and a database holding a few records of two countries, so every row shown can be checked by its title.
One person's provider sends no ``email_verified`` claim (as Microsoft Entra ID): a second server, whose
``[auth]`` trusts such addresses (``partners_trust_unverified_email = true``), shows both settings at work.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from conftest import free_port, run_app
from partners.domain.model import (
    SYSTEM,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Partner,
    PartnerRole,
    ReviewState,
    StakeholderType,
    Visibility,
)
from partners.services import records, setup, users
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.ui import auth

pytestmark = pytest.mark.browser

AMINA = "amina@interior.go.ke"  # country focal point for Kenya
OLIVER = "oliver@homeoffice.gov.uk"  # country focal point for the United Kingdom
EVE = "eve@ict.go.ke"  # country focal point for Kenya whose provider sends no email_verified claim
MIA = "mia@alliance-member.example.org"  # member viewer
TIMEOUT = 30_000  # ms, for any one thing to appear


@dataclass(frozen=True)
class AuthApp:
    url: str
    provider: str
    client_secret: str
    cookie_secret: str
    log: Path


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on a free port, with the two people who will sign in."""
    from oidc_provider_mock import User, run_server_in_thread

    people = [
        User(sub=AMINA, claims={"email": AMINA, "email_verified": True, "name": "Amina Odhiambo"}),
        User(sub=OLIVER, claims={"email": OLIVER, "email_verified": True, "name": "Oliver Smith"}),
        User(sub=EVE, claims={"email": EVE, "name": "Eve Wanjiru"}),  # no email_verified, as Entra ID
        User(sub=MIA, claims={"email": MIA, "email_verified": True, "name": "Mia Laine"}),
    ]
    with run_server_in_thread(port=free_port(), user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


def _pledge(partner_id: int, country: str, title: str, public: bool) -> Commitment:
    return Commitment(
        title=title,
        partners=[CommitmentPartner(partner_id=partner_id, role=PartnerRole.LEAD)],
        countries=[country],
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        review_state=ReviewState.PUBLISHED if public else ReviewState.SUBMITTED,
    )


def _records(path: Path) -> None:
    """Per country: a public pledge, a private one, a published and a private capability assessment."""
    store = Store.open(path)
    setup.load_reference(store, SYSTEM)
    for code, country in (("KEN", "Kenya"), ("GBR", "United Kingdom")):
        pid = records.create_partner(
            store, SYSTEM, Partner(name=f"{country} ministry", stakeholder_type=StakeholderType.GOVERNMENT,
                                   hq_country=code),
        )
        records.log_commitment(store, SYSTEM, _pledge(pid, code, f"{country} public pledge", public=True))
        records.log_commitment(store, SYSTEM, _pledge(pid, code, f"{country} private pledge", public=False))
        for capability, published in (("MNR-2016:1", True), ("MNR-2016:2", False)):
            assessment = CapabilityAssessment(
                country=code, capability=capability, assessed_on=date(2025, 3, 1), phase=2,
                published=published,
            )
            records.record_assessment(store, SYSTEM, assessment)
    users.add_user(store, SYSTEM, AMINA, "country_focal_point", countries=["KEN"])
    users.add_user(store, SYSTEM, OLIVER, "country_focal_point", countries=["GBR"])
    users.add_user(store, SYSTEM, EVE, "country_focal_point", countries=["KEN"])
    users.add_user(store, SYSTEM, MIA, "member_viewer")
    store.db.close()


@contextmanager
def serve_with_sign_in(oidc_provider: str, work: Path, extra_auth: str = "",
                       records: Callable[[Path], None] | None = None) -> Iterator[AuthApp]:
    """`streamlit run streamlit_app.py` with sign-in configured (plus ``extra_auth`` lines in [auth]), on a
    free port, logging to a file; ``records`` writes its database (default: this module's few records)."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "auth.duckdb"
    (records or _records)(db)
    port = free_port()
    client_secret, cookie_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    secrets_file = work / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "partners-tests"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n' + extra_auth,
        encoding="utf-8",
    )
    log = work / "streamlit.log"
    with run_app(db, secrets_file, log, port=port, env={"STREAMLIT_LOGGER_LEVEL": "debug"}):
        yield AuthApp(f"http://localhost:{port}", oidc_provider, client_secret, cookie_secret, log)
    shutil.rmtree(work, ignore_errors=True)  # the secrets file goes with it


@pytest.fixture(scope="module")
def auth_app(oidc_provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthApp]:
    """The app with sign-in and the default rule: a role needs the provider's email_verified claim."""
    with serve_with_sign_in(oidc_provider, tmp_path_factory.mktemp("auth-app")) as app:
        yield app


@pytest.fixture(scope="module")
def trusting_app(oidc_provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthApp]:
    """The app whose [auth] trusts addresses sent without the email_verified claim."""
    extra = f"{auth.TRUST_UNVERIFIED_KEY} = true\n"
    with serve_with_sign_in(oidc_provider, tmp_path_factory.mktemp("trusting-app"), extra) as app:
        yield app


# -- helpers ------------------------------------------------------------------------------------------


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def open_country(page, app: AuthApp, code: str) -> None:
    page.goto(f"{app.url}/countries?country={code}", wait_until="domcontentloaded")
    country_shown(page, code)


def country_shown(page, code: str) -> None:
    """Wait until the country page for ``code`` is drawn, its tables included."""
    name = {"KEN": "Kenya", "GBR": "United Kingdom"}[code]
    page.locator('[data-testid="stHeading"]').filter(has_text=re.compile(f"^{name}$")).first.wait_for(
        timeout=TIMEOUT
    )
    expect_no_spinner(page)
    # The grid draws its rows on a canvas and keeps them in an accessible table: wait for its cells.
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=TIMEOUT)


def expect_no_spinner(page) -> None:
    """Wait until the script run is over (Streamlit shows a running indicator while it works)."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT)


def shown_text(page) -> str:
    """Everything on the page a person can read, table cells included (the grid's accessible table)."""
    return page.locator('[data-testid="stMain"]').text_content() or ""


def sign_in(page, app: AuthApp, email: str) -> None:
    page.goto(app.url, wait_until="domcontentloaded")
    sidebar(page).get_by_role("button", name="Sign in").click(timeout=TIMEOUT)
    page.wait_for_url(f"{app.provider}/oauth2/authorize**", timeout=TIMEOUT)
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(re.escape(app.url) + r"/?(overview)?$"), timeout=TIMEOUT)
    sidebar(page).get_by_text("Signed in as").wait_for(timeout=TIMEOUT)


def sign_out(page, app: AuthApp) -> None:
    sidebar(page).get_by_role("button", name="Sign out").click(timeout=TIMEOUT)
    # The provider's end-session page (the mock asks to confirm), then back to the app.
    page.wait_for_url(f"{app.provider}/oauth2/end_session**", timeout=TIMEOUT)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(app.url) + r"/?(overview)?$"), timeout=TIMEOUT)
    sidebar(page).get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)


def assert_no_secret(app: AuthApp, *texts: str) -> None:
    for text in (*texts, app.log.read_text(encoding="utf-8")):
        assert app.client_secret not in text, "the client secret leaked"
        assert app.cookie_secret not in text, "the cookie secret leaked"


# -- the tests -----------------------------------------------------------------------------------------


def test_a_focal_point_signs_in_sees_their_countrys_private_records_only_and_signs_out(
    auth_app: AuthApp, browser, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    pages_seen: list[str] = []
    try:
        # Anonymous: the public pledge and the published assessment only.
        open_country(page, auth_app, "KEN")
        text = shown_text(page)
        assert "Kenya public pledge" in text
        assert "Kenya private pledge" not in text
        assert "assessments are private" not in text
        assert sidebar(page).get_by_role("button", name="Sign in").is_visible()
        pages_seen.append(page.content())

        sign_in(page, auth_app, AMINA)
        caption = sidebar(page).get_by_text("Signed in as").inner_text()
        assert "Amina Odhiambo" in caption and "Country focal point for KEN" in caption
        assert not page.get_by_role("link", name="Users and roles").count()  # not an admin
        pages_seen.append(page.content())

        # Her own country: the private pledge and the private assessment.
        open_country(page, auth_app, "KEN")
        text = shown_text(page)
        assert "Kenya private pledge" in text and "Kenya public pledge" in text
        assert "1 of 2 assessments is private" in text
        page.screenshot(path=str(artifacts / "signed-in-focal-point.png"), full_page=True)
        pages_seen.append(page.content())

        # Another country: public records only.
        open_country(page, auth_app, "GBR")
        text = shown_text(page)
        assert "United Kingdom public pledge" in text
        assert "United Kingdom private pledge" not in text
        assert "assessments are private" not in text
        pages_seen.append(page.content())

        sign_out(page, auth_app)
        open_country(page, auth_app, "KEN")
        text = shown_text(page)
        assert "Kenya public pledge" in text  # the table is drawn, without the private rows:
        assert "Kenya private pledge" not in text and "assessments are private" not in text
        assert sidebar(page).get_by_role("button", name="Sign in").is_visible()
        pages_seen.append(page.content())
    finally:
        context.close()
    assert_no_secret(auth_app, *pages_seen)


def test_two_people_signed_in_at_once_never_see_each_others_state(auth_app: AuthApp, browser) -> None:
    kenya = browser.new_context(viewport={"width": 1400, "height": 1000})
    britain = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        amina, oliver = kenya.new_page(), britain.new_page()
        sign_in(amina, auth_app, AMINA)
        sign_in(oliver, auth_app, OLIVER)

        # Interleaved: each opens the other's country, then their own, while the other session is live.
        open_country(amina, auth_app, "GBR")
        open_country(oliver, auth_app, "KEN")
        assert "United Kingdom public pledge" in shown_text(amina)
        assert "United Kingdom private pledge" not in shown_text(amina)
        assert "Kenya public pledge" in shown_text(oliver)
        assert "Kenya private pledge" not in shown_text(oliver)

        open_country(amina, auth_app, "KEN")
        open_country(oliver, auth_app, "GBR")
        assert "Kenya private pledge" in shown_text(amina)
        assert "United Kingdom private pledge" not in shown_text(amina)
        assert "United Kingdom private pledge" in shown_text(oliver)
        assert "Kenya private pledge" not in shown_text(oliver)

        # Widget state is per session too: Oliver picking Kenya does not move Amina's selection.
        oliver.locator('[data-testid="stSelectbox"]').first.click()
        oliver.keyboard.type("Kenya (KEN)")
        oliver.get_by_role("option", name="Kenya (KEN)").click(timeout=TIMEOUT)
        country_shown(oliver, "KEN")
        amina.reload(wait_until="domcontentloaded")
        country_shown(amina, "KEN")
        assert "Kenya private pledge" in shown_text(amina)
        assert "Kenya public pledge" in shown_text(oliver)
        assert "Kenya private pledge" not in shown_text(oliver)

        assert "amina" in sidebar(amina).get_by_text("Signed in as").inner_text()
        assert "oliver" in sidebar(oliver).get_by_text("Signed in as").inner_text()
        assert_no_secret(auth_app, amina.content(), oliver.content())
    finally:
        kenya.close()
        britain.close()


def explanation(page, app: AuthApp, path: str) -> str:
    """Open ``/path`` and return the main text once the page has a title."""
    page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
    page.locator("h1").first.wait_for(timeout=TIMEOUT)
    expect_no_spinner(page)
    if path != "overview":  # the explanation's last line: everything above it is drawn
        page.get_by_role("link", name="Go to the Overview").wait_for(timeout=TIMEOUT)
    return shown_text(page)


def test_a_page_not_offered_says_whom_it_is_for_and_overview_opens_the_overview(
    auth_app: AuthApp, browser, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        # The public (not signed in): told to sign in, not sent to the Overview in silence.
        text = explanation(page, auth_app, "users")
        assert "Users and roles" in text and "This page is for administrators" in text
        assert "You are not signed in: sign in" in text
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.screenshot(path=artifacts / "not-offered-public.png")
        text = explanation(page, auth_app, "overview")
        assert page.locator("h1").first.inner_text() == "Overview"
        assert "Page not found" not in (page.locator("body").text_content() or "")

        # A member viewer: told the worklist is the secretariat's, and what the app takes them for.
        sign_in(page, auth_app, MIA)
        text = explanation(page, auth_app, "worklist")
        assert page.locator("h1").first.inner_text() == "Worklist"
        assert "This page is for the secretariat (Admin, Secretariat editor or Reviewer)" in text
        assert "You are signed in as Mia Laine, a member viewer" in text
        assert "Worklist" not in sidebar(page).inner_text(), "the menu still offers only the visitor's pages"
        page.screenshot(path=artifacts / "not-offered-member.png")
        page.get_by_role("link", name="Go to the Overview").click()
        page.wait_for_url(re.compile(re.escape(auth_app.url) + r"/?(overview)?$"), timeout=TIMEOUT)
        page.locator("h1").filter(has_text="Overview").wait_for(timeout=TIMEOUT)
    finally:
        context.close()


def test_without_the_verified_claim_a_person_gets_no_role_unless_the_provider_is_trusted(
    auth_app: AuthApp, trusting_app: AuthApp, browser
) -> None:
    """Eve's provider sends her address but no email_verified claim. By default she is the public, told why
    and what an administrator can set; where [auth] trusts such addresses she gets her role."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        sign_in(page, auth_app, EVE)
        caption = sidebar(page).get_by_text("Signed in as").inner_text()
        assert "Country focal point" not in caption
        notice = page.get_by_text("did not say it verified that address").inner_text(timeout=TIMEOUT)
        assert auth.TRUST_UNVERIFIED_KEY in notice and "[auth]" in notice
        open_country(page, auth_app, "KEN")
        assert "Kenya private pledge" not in shown_text(page)  # the public's view
        assert "Kenya public pledge" in shown_text(page)
        default_pages = page.content()
    finally:
        context.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        sign_in(page, trusting_app, EVE)
        caption = sidebar(page).get_by_text("Signed in as").inner_text()
        assert "Eve Wanjiru" in caption and "Country focal point for KEN" in caption
        assert not page.get_by_text("did not say it verified that address").count()
        open_country(page, trusting_app, "KEN")
        assert "Kenya private pledge" in shown_text(page)
        trusted_pages = page.content()
    finally:
        context.close()
    assert_no_secret(auth_app, default_pages)
    assert_no_secret(trusting_app, trusted_pages)


def test_an_explicit_verified_claim_still_works_where_unverified_addresses_are_trusted(
    trusting_app: AuthApp, browser
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        sign_in(page, trusting_app, AMINA)
        assert "Country focal point for KEN" in sidebar(page).get_by_text("Signed in as").inner_text()
    finally:
        context.close()


def test_signing_in_logs_no_authlib_deprecation_but_the_known_httpx_fallback(auth_app: AuthApp, browser) -> None:
    """The server's log after a real sign-in: Authlib (bounded in pyproject.toml) warns of nothing else."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        sign_in(context.new_page(), auth_app, OLIVER)
    finally:
        context.close()
    warned = [line for line in auth_app.log.read_text(encoding="utf-8").splitlines() if "DeprecationWarning" in line]
    unknown = [line for line in warned if "The httpx module is deprecated; please use httpx2 instead" not in line]
    assert not unknown, unknown
