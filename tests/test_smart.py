"""SMART hints, the SMART level and duplicate scoring: pure functions, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from partners.domain import smart

COMPLETE: dict[str, Any] = {
    "title": "Train 200 investigators in victim identification",
    "deliverable": "Two training cohorts",
    "indicator": "Investigators trained",
    "unit": "people",
    "baseline": Decimal("0"),
    "target_value": Decimal("200"),
    "deadline": date(2030, 12, 31),
    "framework_items": ["MNR-2016:4"],
}


def codes(fields: dict[str, Any], **kw: Any) -> list[str]:
    return [h.code for h in smart.hints(fields, **kw)]


def test_a_complete_commitment_is_level_5_with_no_hints() -> None:
    assert smart.level(COMPLETE) == 5
    assert smart.hints(COMPLETE, today=date(2026, 1, 1)) == []


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("deadline", "no_deadline"),
        ("unit", "no_unit"),
        ("baseline", "no_baseline"),
        ("target_value", "target_not_measurable"),
        ("indicator", "no_indicator"),
    ],
)
def test_each_missing_element_gives_its_hint_and_lowers_the_level_by_one(missing: str, code: str) -> None:
    fields = COMPLETE | {missing: None if missing in ("deadline", "baseline", "target_value") else "  "}
    assert smart.level(fields) == 4
    assert codes(fields, today=date(2026, 1, 1)) == [code]
    assert smart.hints(fields, today=date(2026, 1, 1))[0].counts is True


def test_an_empty_form_is_level_0_and_lists_the_five_elements_first() -> None:
    fields = {"title": ""}
    assert smart.level(fields) == 0
    assert codes(fields)[:5] == [code for _, code, _ in smart.LEVEL_ELEMENTS]
    assert [code for _, code, _ in smart.LEVEL_ELEMENTS] == [
        "no_deadline", "no_unit", "no_baseline", "target_not_measurable", "no_indicator",
    ]  # fmt: skip


def test_a_baseline_of_zero_counts_as_given() -> None:
    assert smart.level({"baseline": Decimal("0")}) == 1
    assert smart.level({"baseline": 0}) == 1


def test_level_matches_the_demo_generators_count_of_the_five_elements() -> None:
    from partners.demo import generator as demo

    ds = demo.generate(scale=0.05)
    assert ds.commitments
    assert all(smart.level(c) == c.smart_level for c in ds.commitments)


@pytest.mark.parametrize(
    ("title", "target", "vague"),
    [
        ("Support hotlines in the region", None, True),
        ("Strengthen victim identification", None, True),
        ("Support 12 hotlines in the region", None, False),  # a number to reach
        ("Support hotlines in the region", Decimal("12"), False),  # a target value
        ("Open a hotline", None, False),  # a result, not an effort
    ],
)
def test_a_vague_title_without_a_number_is_flagged_but_does_not_lower_the_level(
    title: str, target: Decimal | None, vague: bool
) -> None:
    fields = COMPLETE | {"title": title, "target_value": target}
    assert ("vague_title" in codes(fields, today=date(2026, 1, 1))) is vague
    vague_hint = [h for h in smart.hints(fields) if h.code == "vague_title"]
    assert all(not h.counts for h in vague_hint)


def test_advisory_hints_past_deadline_equal_target_no_deliverable_no_link() -> None:
    fields = COMPLETE | {
        "deadline": date(2020, 1, 1),
        "target_value": Decimal("0"),
        "deliverable": "",
        "framework_items": [],
    }
    assert codes(fields, today=date(2026, 1, 1)) == [
        "deadline_passed", "target_equals_baseline", "no_deliverable", "no_framework_link",
    ]  # fmt: skip
    assert smart.level(fields) == 5  # advisory hints do not change the level


def test_hints_read_from_a_model_as_well_as_a_mapping() -> None:
    from partners.domain.model import Commitment

    c = Commitment(title="Open a hotline", partners=[{"partner_id": 1, "role": "lead"}], countries=["KEN"])
    assert smart.level(c) == 0
    assert "no_deadline" in [h.code for h in smart.hints(c)]


def test_level_label_names_the_level() -> None:
    assert smart.level_label(5) == "5 of 5: SMART"
    assert smart.level_label(2) == "2 of 5: weak"
    assert smart.level_label(None) == "not assessed"


# -- duplicates --------------------------------------------------------------------------------------


def candidate(cid: int, title: str, partners: tuple[int, ...] = (), countries: tuple[str, ...] = ()) -> dict:
    return {"id": cid, "title": title, "partner_ids": list(partners), "countries": list(countries)}


def test_title_similarity_ignores_case_punctuation_and_filler_words() -> None:
    assert smart.title_similarity("Open a national hotline!", "open national hotline") == 1.0
    assert smart.title_similarity("Open a national hotline", "Train judges on digital evidence") < 0.4
    assert smart.title_similarity("", "anything") == 0.0


def test_same_title_same_partner_is_the_top_suggestion_with_reasons() -> None:
    found = smart.likely_duplicates(
        "Train 200 investigators in victim identification",
        [7],
        ["KEN"],
        [
            candidate(1, "Train 200 investigators in victim identification", (7,), ("KEN",)),
            candidate(2, "Train 150 investigators in victim identification", (9,), ("UGA",)),
            candidate(3, "Launch a public awareness campaign", (7,), ("KEN",)),
        ],
    )
    assert [d.commitment_id for d in found] == [1]  # 2 shares neither partner nor country
    assert found[0].reasons == ("similar title (100%)", "same partner", "same country")


def test_a_similar_title_alone_is_never_a_duplicate_suggestion() -> None:
    title = "Train 200 investigators in victim identification"
    cands = [
        candidate(1, title, (9,), ("UGA",)),  # the very same title, nothing in common
        candidate(2, title, (), ()),
        candidate(3, "Train 150 investigators in victim identification", (7,), ("UGA",)),  # same partner
        candidate(4, "Train 150 investigators in victim identification", (9,), ("KEN",)),  # same country
    ]
    found = smart.likely_duplicates(title, [7], ["KEN"], cands)
    assert sorted(d.commitment_id for d in found) == [3, 4]
    assert all({"same partner", "same country"} & set(d.reasons) for d in found)
    assert smart.likely_duplicates(title, [], [], cands) == []


def test_a_loosely_similar_title_is_suggested_only_with_a_shared_partner_or_country() -> None:
    title = "National hotline for reporting online abuse"
    other = "Reporting portal for online abuse material"
    similarity = smart.title_similarity(title, other)
    assert smart.MIN_TITLE <= similarity < smart.THRESHOLD
    assert smart.likely_duplicates(title, [1], ["KEN"], [candidate(5, other, (2,), ("UGA",))]) == []
    shared = smart.likely_duplicates(title, [1], ["KEN"], [candidate(5, other, (1,), ("KEN",))])
    assert [d.commitment_id for d in shared] == [5]


def test_the_commitment_being_edited_is_not_its_own_duplicate() -> None:
    cands = [candidate(4, "Open a hotline in Kenya", (1,), ("KEN",))]
    assert smart.likely_duplicates("Open a hotline in Kenya", [1], ["KEN"], cands, exclude_id=4) == []
    assert len(smart.likely_duplicates("Open a hotline in Kenya", [1], ["KEN"], cands)) == 1


def test_a_very_short_title_suggests_nothing_and_the_list_is_capped() -> None:
    cands = [candidate(i, "Open a hotline in Kenya", (1,), ("KEN",)) for i in range(1, 20)]
    assert smart.likely_duplicates("Op", [1], ["KEN"], cands) == []
    found = smart.likely_duplicates("Open a hotline in Kenya", [1], ["KEN"], cands, limit=3)
    assert [d.commitment_id for d in found] == [1, 2, 3]
