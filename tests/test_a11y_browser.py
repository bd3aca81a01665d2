"""The accessibility audit: every page opened in Chromium at 1280x800 on the demo data, as the public, as the
secretariat (signed in through oidc-provider-mock) and in presentation mode, checked by axe-core (the copy
bundled in ``axe-playwright-python``: nothing downloaded) against the WCAG 2.0, 2.1 and 2.2 A and AA rules.
A serious or critical violation fails the test unless it is one of Streamlit's own that the app cannot change
(``a11y_known.KNOWN``, with the reason), and each of those must still occur somewhere (the list cannot go
stale). One server, one browser context per visitor, the pages in a loop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from a11y_known import KNOWN
from conftest import free_port
from partners.domain.model import PUBLIC_VIEWER, SYSTEM, Actor, Role
from partners.domain.permissions import can
from partners.services import users
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.ui.navigation import PAGES
from test_auth_browser import AuthApp, expect_no_spinner, serve_with_sign_in, sign_in

pytestmark = pytest.mark.browser

EDITOR = "sam@secretariat.example"  # a secretariat editor
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING = ("serious", "critical")
TIMEOUT = 60_000
SLIDES = 6  # presentation mode's slides (pages/present.py SLIDES)


@pytest.fixture(scope="module")
def audited_app(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AuthApp, int]]:
    """The app with sign-in on a copy of the demo data, a secretariat editor among its users; and the id of a
    public commitment (for the commitment page)."""
    from oidc_provider_mock import User, run_server_in_thread

    def records(path: Path) -> None:
        shutil.copy(demo_db_path, path)
        store = Store.open(path)
        users.add_user(store, SYSTEM, EDITOR, "secretariat_editor")
        store.db.close()

    commitment = Store.open(demo_db_path, migrate=False).scalar(
        "SELECT min(id) FROM commitments WHERE visibility = 'public' AND review_state = 'published'")
    person = User(sub=EDITOR, claims={"email": EDITOR, "email_verified": True, "name": "Sam Editor"})
    with run_server_in_thread(port=free_port(), user_claims=[person]) as provider:
        url = f"http://localhost:{provider.server_port}"
        with serve_with_sign_in(url, tmp_path_factory.mktemp("a11y-app"), records=records) as app:
            yield app, int(commitment)


def addresses(actor: Actor, commitment: int) -> list[str]:
    """Every page ``actor`` is offered, in menu order, with the parameters that make it show its content."""
    params = {"country": "?code=KEN", "commitment": f"?id={commitment}"}
    return [f"{spec.url_path}{params.get(spec.url_path, '')}" for spec in PAGES if can(actor, spec.needs)]


def settle(page) -> None:
    """Wait until the page is drawn: its title, the script run over, every chart drawn."""
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=TIMEOUT)
    expect_no_spinner(page)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .every(c => c.querySelector('svg, canvas'))""", timeout=TIMEOUT)
    # Idle for a moment, not between two runs (a page that reruns once shows Streamlit's running indicator
    # and its "Stop" button in the header again).
    page.wait_for_timeout(500)
    expect_no_spinner(page)


def audit(page, where: str) -> list[tuple[str, str, str, str]]:
    """axe-core on the page as it stands: (where, rule, impact, known-entry or the element) per failing node."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    found = []
    for violation in result.response["violations"]:
        if violation["impact"] not in FAILING:
            continue
        for node in violation["nodes"]:
            target = node["target"][0] if len(node["target"]) == 1 else ""
            known = next((k.inside for k in KNOWN if k.rule == violation["id"] and target and page.evaluate(
                "([t, inside]) => !!document.querySelector(t)?.closest(inside)", [target, k.inside])), None)
            found.append((where, violation["id"], violation["impact"], known or node["html"][:200]))
    return found


def test_every_page_passes_the_accessibility_audit_but_for_streamlits_own_listed_markup(
    audited_app: tuple[AuthApp, int], browser, artifacts
) -> None:
    app, commitment = audited_app
    secretariat = Actor(identity=EDITOR, role=Role.SECRETARIAT_EDITOR)
    found: list[tuple[str, str, str, str]] = []
    for who in ("public", "secretariat"):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        try:
            if who == "secretariat":
                sign_in(page, app, EDITOR)
            actor = secretariat if who == "secretariat" else PUBLIC_VIEWER
            paths = addresses(actor, commitment)
            if who == "secretariat":  # presentation mode, every slide, as a presenter opens it
                paths += [f"present?slide={n}" for n in range(2, SLIDES + 1)]
            for path in paths:
                page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
                settle(page)
                found += audit(page, f"{who} /{path}")
        finally:
            context.close()
    known = {(k.rule, k.inside) for k in KNOWN}
    unknown = [f for f in found if (f[1], f[3]) not in known]
    assert unknown == [], "\n".join(" | ".join(f) for f in unknown)
    seen = {(f[1], f[3]) for f in found}
    assert [k for k in KNOWN if (k.rule, k.inside) not in seen] == [], "listed in a11y_known but no longer found"
