"""The country scorecard page (``country?code=...``): it renders for the public, a focal point and the
secretariat from the demo database, draws one heatmap cell per MNR capability, shows private assessments
only to the country's focal points and the secretariat, and says so plainly for an unknown code."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from partners.domain.model import SYSTEM
from partners.services import scorecard, users
from partners.storage import Store, open_store
from partners.ui import auth

ROOT = Path(__file__).resolve().parents[1]
PAGE = "src/partners/pages/country.py"
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-cookie-secret-for-tests",
    "client_id": "partners",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
FOCAL = "focal@country.example"
OTHER_FOCAL = "focal@elsewhere.example"
EDITOR = "sam@secretariat.example"
PRIVATE_NOTE = "Includes private assessments"


@pytest.fixture
def db(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The demo database with a focal point for a member country that has both published and private
    assessments, a focal point of another country and a secretariat editor; the country's code."""
    code = demo_store.scalar(
        "SELECT country_code FROM capability_assessments GROUP BY 1"
        " HAVING bool_or(published) AND bool_or(NOT published) ORDER BY 1 LIMIT 1"
    )
    other = demo_store.scalar("SELECT code FROM countries WHERE code <> ? ORDER BY code LIMIT 1", [code])
    users.add_user(demo_store, SYSTEM, FOCAL, "country_focal_point", countries=[code])
    users.add_user(demo_store, SYSTEM, OTHER_FOCAL, "country_focal_point", countries=[other])
    users.add_user(demo_store, SYSTEM, EDITOR, "secretariat_editor")
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return path, code


def scorecard_page(code: str, email: str | None) -> AppTest:
    """The scorecard of ``code`` with sign-in configured, seen by ``email`` (None: the public)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.secrets["auth"] = dict(AUTH_SECRETS)
    if email:
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0], "provider": "default",
                   "email_verified": True}
    at.run()
    at.switch_page(PAGE)
    at.query_params["code"] = code
    return at.run()


def charts(at: AppTest) -> list[tuple[dict, list[pa.Table]]]:
    """Every Vega-Lite chart of the page: its spec and its data sets."""
    out = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        tables = [pa.ipc.open_stream(d.data.data).read_all() for d in proto.datasets]
        out.append((json.loads(proto.spec), tables))
    return out


def heatmap_cells(at: AppTest, domains: set[str]) -> int:
    """The cells of the heatmap: the rows of the charts titled with an MNR domain."""
    return sum(
        t.num_rows for spec, tables in charts(at) if (spec.get("title") or {}).get("text") in domains for t in tables
    )


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("who", [None, FOCAL, EDITOR], ids=["public", "focal point", "secretariat"])
def test_the_scorecard_renders_with_21_heatmap_cells_for_every_role(db: tuple[str, str], who: str | None) -> None:
    path, code = db
    at = scorecard_page(code, who)
    assert not at.exception, at.exception
    store = open_store(path)
    try:
        name = scorecard.country_facts(store, SYSTEM, code)["name"]
        shape = scorecard.current_mnr(store)
    finally:
        store.close()
    assert at.title[0].value == f"{name}: scorecard"
    assert any("Demo data" in w.value for w in at.warning)
    assert len(shape.capability_keys) == 21
    assert heatmap_cells(at, set(shape.domain_names.values())) == 21
    assert {h.value for h in at.header} >= {"Model National Response maturity", "Maturity over rounds",
                                            "Peer context", "Commitments for this country"}
    panel = next(e for e in at.expander if e.label == "How is this calculated?")
    assert any(m.value.startswith("# How the country scorecard is calculated") for m in panel.markdown)
    assert not any("rank" in m.value.lower() and "never" not in m.value.lower() for m in at.markdown)


def test_private_assessments_show_only_to_the_countrys_focal_point_and_the_secretariat(
    db: tuple[str, str],
) -> None:
    _, code = db
    seen = {}
    for who in (None, OTHER_FOCAL, FOCAL, EDITOR):
        at = scorecard_page(code, who)
        assert not at.exception, at.exception
        history = next(df.value for df in at.dataframe if "Status" in df.value.columns)
        seen[who] = (any(PRIVATE_NOTE in c for c in captions(at)), set(history["Status"]))
    assert seen[None] == (False, {"Published"})
    assert seen[OTHER_FOCAL] == (False, {"Published"})
    assert seen[FOCAL][0] and "Private" in seen[FOCAL][1]
    assert seen[EDITOR][0] and "Private" in seen[EDITOR][1]


def test_an_unknown_country_code_says_so(db: tuple[str, str]) -> None:
    at = scorecard_page("XXX", EDITOR)
    assert not at.exception, at.exception
    assert any("no country with the code XXX" in e.value for e in at.error)
    assert not at.get("vega_lite_chart")


def test_a_country_without_assessments_shows_every_capability_as_not_assessed(db: tuple[str, str]) -> None:
    path, _ = db
    store = open_store(path)
    try:
        code = store.scalar("SELECT code FROM countries WHERE code NOT IN"
                            " (SELECT country_code FROM capability_assessments) ORDER BY member DESC, code LIMIT 1")
        domains = set(scorecard.current_mnr(store).domain_names.values())
    finally:
        store.close()
    at = scorecard_page(code, None)
    assert not at.exception, at.exception
    assert heatmap_cells(at, domains) == 21
    assert any("No capability assessment that you may see" in i.value for i in at.info)
    table = next(df.value for df in at.dataframe if "Basis" in df.value.columns)
    assert set(table["Basis"]) == {"Not assessed"}


def test_the_countries_page_links_to_the_chosen_countrys_scorecard(db: tuple[str, str]) -> None:
    _, code = db
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    at.switch_page("src/partners/pages/countries.py").run()
    next(s for s in at.selectbox if s.label == "Country").set_value(code).run()
    assert not at.exception, at.exception
    links = [link.proto for link in at.get("page_link")]
    assert any(link.label == "Open the scorecard" and link.page == "country" and link.query_string == f"code={code}"
               for link in links), links


def test_every_scorecard_chart_has_a_one_sentence_description(db: tuple[str, str]) -> None:
    _, code = db
    at = scorecard_page(code, EDITOR)
    specs = [spec for spec, _ in charts(at)]
    assert len(specs) >= 9  # the key, six domains, the rounds and the peer context
    assert all(spec.get("description", "").endswith(".") and spec["description"].count(". ") == 0
               for spec in specs), [s.get("description") for s in specs]


@pytest.mark.parametrize("who", [None, EDITOR], ids=["public", "secretariat"])
def test_the_commitment_figures_are_the_services_for_the_viewer(db: tuple[str, str], who: str | None) -> None:
    path, code = db
    at = scorecard_page(code, who)
    store = open_store(path)
    try:
        viewer = auth.actor_from_user(store, who, email_verified=True) if who else auth.ANONYMOUS
        expected = scorecard.commitment_figures(store, viewer, code)
    finally:
        store.close()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Verified"] == f"{expected.verified.commitments:,}"
    assert metrics["Self-reported"] == f"{expected.self_reported.commitments:,}"
    assert metrics["Not reporting"] == f"{expected.not_reporting:,}"
    table = next(df.value for df in at.dataframe if "What it counts" in df.value.columns)
    assert list(table["Figure"]) == ["Counted", "Verified", "Self-reported", "Not reporting", "Left out"]


def test_a_focal_point_signs_off_the_scorecard_and_the_public_sees_it_published(db: tuple[str, str]) -> None:
    path, code = db
    at = scorecard_page(code, FOCAL)
    assert not at.exception
    at.text_input(key="signoff_statement").set_value("Agreed by the steering committee")
    at.button(key="signoff_go").click().run()
    assert not at.exception
    assert any("Signed off" in s.value for s in at.success), [s.value for s in at.success]
    store = open_store(path)
    try:
        active = store.active_signoff(code)
        assert active["statement"] == "Agreed by the steering committee" and active["signed_by"] == "focal"
    finally:
        store.close()
    public = scorecard_page(code, None)
    assert any("signed off this scorecard" in c.value for c in public.caption)
    assert not [b for b in public.button if b.key in ("signoff_go", "signoff_withdraw")]
    other = scorecard_page(code, OTHER_FOCAL)
    assert not [b for b in other.button if b.key in ("signoff_go", "signoff_withdraw")]


def test_withdrawing_needs_a_reason_and_then_unpublishes(db: tuple[str, str]) -> None:
    path, code = db
    at = scorecard_page(code, FOCAL)
    at.button(key="signoff_withdraw").click().run()
    assert any("Reason" in e.value for e in at.error)
    at.text_input(key="signoff_reason").set_value("Figures under review")
    at.button(key="signoff_withdraw").click().run()
    assert any("Withdrawn" in s.value for s in at.success)
    public = scorecard_page(code, None)
    assert not any("signed off this scorecard" in c.value for c in public.caption)
