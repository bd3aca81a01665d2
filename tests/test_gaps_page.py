"""The scorecard's "Gaps" section in the app (AppTest, on a copy of the demo database): it lists the gaps
the viewer may see, offers the one-click draft only to the country's focal point and the secretariat, and
the click stores one draft, then says it exists instead of storing a second."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from actors import EDITOR as EDITOR_ACTOR
from partners.domain.model import SYSTEM
from partners.services import gaps, users
from partners.storage import Store, open_store
from partners.ui import auth
from test_scorecard_page import scorecard_page

FOCAL = "focal@gaps.example"
OTHER_FOCAL = "focal@elsewhere.example"
MEMBER = "member@gaps.example"
EDITOR = "sam@secretariat.example"


@pytest.fixture
def db(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, gaps.GapSuggestions]:
    """The demo database with a focal point of a country that has a gap with a template, a focal point of
    another country, a member viewer and a secretariat editor; the country and its first such gap."""
    code, gap = next(
        (code, gap)
        for code in ("ALB", "ARE", *demo_store.countries(members_only=True).code)
        for gap in gaps.gaps(demo_store, EDITOR_ACTOR, code).gaps
        if gap.templates
    )
    users.add_user(demo_store, SYSTEM, FOCAL, "country_focal_point", countries=[code])
    other = "GBR" if code != "GBR" else "FRA"
    users.add_user(demo_store, SYSTEM, OTHER_FOCAL, "country_focal_point", countries=[other])
    users.add_user(demo_store, SYSTEM, MEMBER, "member_viewer")
    users.add_user(demo_store, SYSTEM, EDITOR, "secretariat_editor")
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return path, code, gap


def suggest_buttons(at: AppTest) -> list:
    return [b for b in at.button if str(b.key or "").startswith("gap_suggest_")]


def drafts_from(path: str, code: str, gap: gaps.GapSuggestions) -> list[dict]:
    store = open_store(path)
    try:
        return store.commitments_linked_to_all(code, [gap.key, gap.templates[0].key])
    finally:
        store.close()


def test_the_section_lists_the_gaps_with_their_suggestions(db) -> None:
    _, code, gap = db
    at = scorecard_page(code, EDITOR)
    assert not at.exception, at.exception
    assert "Gaps" in [h.value for h in at.header]
    panel = next(e for e in at.expander if e.label.startswith(f"{gap.code}\\. "))
    assert gap.templates[0].title in [m.value.strip("*").replace("\\", "") for m in panel.markdown]
    assert any("In comparable countries" in m.value for m in panel.markdown)
    if gap.comparable:  # the commitments' titles are table cells, with links to their pages
        table = next(df.value for df in panel.dataframe if "Commitment" in df.value.columns)
        assert list(table["Commitment"]) == [c.title for c in gap.comparable]
        assert list(table["open"]) == [f"commitment?id={c.commitment_id}" for c in gap.comparable]
    assert suggest_buttons(at)


@pytest.mark.parametrize("who", [None, MEMBER, OTHER_FOCAL], ids=["public", "member", "other-focal-point"])
def test_others_are_not_offered_the_draft(db, who: str | None) -> None:
    _, code, _ = db
    at = scorecard_page(code, who)
    assert not at.exception, at.exception
    assert "Gaps" in [h.value for h in at.header]
    assert suggest_buttons(at) == []


def test_one_click_stores_one_draft_and_a_second_click_says_it_exists(db) -> None:
    path, code, gap = db
    at = scorecard_page(code, FOCAL)
    assert not at.exception, at.exception
    key = f"gap_suggest_{gap.key}_{gap.templates[0].key}"
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    stored = drafts_from(path, code, gap)
    assert len(stored) == 1 and stored[0]["review_state"] == "draft"
    assert any(f"Draft commitment {stored[0]['id']} stored" in s.value for s in at.success)

    at.button(key=key).click().run()  # the focal point does not see drafts: the gap is still offered
    assert not at.exception, at.exception
    assert any("already exists" in e.value for e in at.error)
    assert len(drafts_from(path, code, gap)) == 1

    review = scorecard_page(code, EDITOR)  # the secretariat finds it under the gaps, linked to its page
    assert not review.exception, review.exception
    assert any(m.value.startswith("**Drafts from these suggestions") for m in review.markdown)
    links = [list(df.value["open"]) for df in review.dataframe  # the drafts table (the sections have others)
             if {"open", "Partners"} <= set(df.value.columns) and "Countries" not in df.value.columns]
    assert [f"commitment?id={stored[0]['id']}"] in links
