"""The scorecard page's commitment sections (``ui/country_commitments.py``) in the app: the list is paged and
reaches its last row, titles stay table cells (never markdown), each viewer sees only what they may, and "Who
is helping", the Global Alliance targets and the progress timeline are there with their tables."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from partners.domain.model import SYSTEM, Commitment, CommitmentPartner, ReviewState, Visibility
from partners.services import records, users
from partners.storage import Store
from partners.ui import auth
from test_scorecard_page import EDITOR, FOCAL, OTHER_FOCAL, charts, scorecard_page

#: Enough public commitments for the country that the list has two pages and a bit.
EXTRA = 40
PRIVATE_TITLE = "Private plan for the country 4471"
MARKDOWN_TITLE = "**Bold claim** [click](https://example.org/x) <b>html</b>"


@pytest.fixture
def db(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo database plus, for one member country, EXTRA public commitments by a partner based there, one
    whose title is markdown and one private one; a focal point of the country, one of another country and a
    secretariat editor."""
    code = demo_store.scalar("SELECT code FROM countries WHERE member ORDER BY code LIMIT 1")
    other = demo_store.scalar("SELECT code FROM countries WHERE code <> ? ORDER BY code LIMIT 1", [code])
    partner = int(demo_store.scalar("SELECT min(id) FROM partners WHERE deleted_at IS NULL AND hq_country = ?",
                                    [code]) or demo_store.scalar("SELECT min(id) FROM partners"))

    def commit(title: str, visibility: Visibility = Visibility.PUBLIC) -> int:
        return records.log_commitment(demo_store, SYSTEM, Commitment(
            title=title, partners=[CommitmentPartner(partner_id=partner, role="lead")], countries=[code],
            visibility=visibility, review_state=ReviewState.PUBLISHED, framework_items=["MNR-2016:1"]))

    with demo_store.transaction():
        for n in range(EXTRA):
            commit(f"Public commitment number {n:02d} for the paging test")
        commit(MARKDOWN_TITLE)
        commit(PRIVATE_TITLE, Visibility.PRIVATE)
    users.add_user(demo_store, SYSTEM, FOCAL, "country_focal_point", countries=[code])
    users.add_user(demo_store, SYSTEM, OTHER_FOCAL, "country_focal_point", countries=[other])
    users.add_user(demo_store, SYSTEM, EDITOR, "secretariat_editor")
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    monkeypatch.delenv(auth.OPEN_ACCESS_ENV, raising=False)
    return {"path": path, "code": code}


def commitment_list(at: AppTest) -> Any:
    return next(df.value for df in at.dataframe if "Self-reported status" in df.value.columns
                and "Commitment" in df.value.columns and "Open" in df.value.columns and "Whose" in df.value.columns)


def rows_caption(at: AppTest) -> tuple[int, int, int]:
    found = next(c.value for c in at.caption if c.value.startswith("Rows "))
    first, last, total = re.match(r"Rows ([\d,]+)-([\d,]+) of ([\d,]+)", found).groups()
    return int(first), int(last), int(total.replace(",", ""))


def every_title(at: AppTest) -> set[str]:
    return {t for df in at.dataframe if "Commitment" in df.value.columns for t in df.value["Commitment"]}


def test_the_list_is_paged_and_its_last_page_reaches_the_last_row(db: dict[str, Any]) -> None:
    at = scorecard_page(db["code"], None)
    assert not at.exception, at.exception
    first, last, total = rows_caption(at)
    assert (first, last) == (1, 25) and total >= EXTRA + 1
    assert len(commitment_list(at)) == 25
    seen = list(commitment_list(at)["No."])
    while at.button(key="scorecard_commitments_page_next").proto.disabled is False:
        at.button(key="scorecard_commitments_page_next").click().run()
        assert not at.exception, at.exception
        seen += list(commitment_list(at)["No."])
    first, last, end_total = rows_caption(at)
    assert last == total == end_total and first == 25 * ((total - 1) // 25) + 1
    assert len(seen) == len(set(seen)) == total  # every row reached once, none twice


def test_titles_are_table_cells_with_a_link_to_the_commitment_never_markdown(db: dict[str, Any]) -> None:
    at = scorecard_page(db["code"], None)
    assert not at.exception, at.exception
    at.number_input(key="scorecard_commitments_page").set_value(1).run()
    listed = commitment_list(at)
    row = listed[listed["Commitment"] == MARKDOWN_TITLE]
    assert len(row) == 1 and re.fullmatch(r"commitment\?id=\d+", row["Open"].iloc[0])
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("Bold claim" in text for text in rendered)


@pytest.mark.parametrize(("who", "sees"), [(None, False), (OTHER_FOCAL, False), (FOCAL, True), (EDITOR, True)],
                         ids=["public", "another country's focal point", "the country's focal point",
                              "the secretariat"])
def test_a_private_commitment_shows_only_to_those_who_may_see_it(db: dict[str, Any], who: str | None,
                                                                  sees: bool) -> None:
    at = scorecard_page(db["code"], who)
    assert not at.exception, at.exception
    titles = set()
    while True:  # every page of the list, and the other tables
        titles |= every_title(at)
        nxt = at.button(key="scorecard_commitments_page_next")
        if nxt.proto.disabled:
            break
        nxt.click().run()
    with_detail = titles | {t for df in at.dataframe for col in df.value.columns if col == "Commitment"
                            for t in df.value[col]}
    assert (PRIVATE_TITLE in with_detail) is sees
    assert any("Includes private commitments" in c.value for c in at.caption) is sees


def test_the_sections_after_the_list_are_there_with_their_tables(db: dict[str, Any]) -> None:
    at = scorecard_page(db["code"], EDITOR)
    assert not at.exception, at.exception
    headers = [h.value for h in at.header]
    assert headers.index("Commitments for this country") < headers.index("Who is helping") \
        < headers.index("Global Alliance targets") < headers.index("Progress timeline")
    helping = next(df.value for df in at.dataframe if "Who is helping" in df.value.columns)
    assert len(helping) == 21 and helping["Who is helping"].str.len().gt(0).all()
    assert ((helping["Commitments"] == 0) == (helping["Who is helping"] == "Nobody yet")).all()
    assert helping.loc[helping["No."] == "1", "Commitments"].iloc[0] >= EXTRA  # the fixture's, all on capability 1
    ga = next(df.value for df in at.dataframe if "Target or goal" in df.value.columns)
    assert len(ga) == 10 and set(ga["Coverage"]) <= {"Covered", "Uncovered"}
    timeline = [spec for spec, _ in charts(at) if "completed, due and overdue" in spec.get("description", "")]
    assert len(timeline) == 1
    assert any(c.value.startswith("Per quarter:") for c in at.caption)


def test_as_of_yesterday_the_list_leaves_out_the_commitments_logged_today(db: dict[str, Any]) -> None:
    from datetime import date, timedelta

    from partners.services import country_commitments as service
    from partners.storage import open_store

    yesterday = date.today() - timedelta(days=1)
    store = open_store(db["path"])
    try:
        expected = len(service.country_commitments(store, SYSTEM, db["code"], as_of=yesterday).commitments)
        today = len(service.country_commitments(store, SYSTEM, db["code"]).commitments)
    finally:
        store.close()
    assert today >= expected + EXTRA
    at = scorecard_page(db["code"], EDITOR)
    at.query_params["as_of"] = yesterday.isoformat()
    at.run()
    assert not at.exception, at.exception
    if expected == 0:
        assert not any(c.value.startswith("Rows ") for c in at.caption)
    else:
        assert rows_caption(at)[2] == expected
    assert not any(t.startswith("Public commitment number") for t in every_title(at))
