"""The commitment page reads as people write: numbers and dates, one status line that cannot contradict
itself, review state and visibility in one sentence, the progress timeline against its target, and a
history of labelled before/after changes with no empty edits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from actors import EDITOR, REVIEWER
from partners.domain.model import Commitment, Event, ProgressUpdate, ReportSource
from partners.presentation import changes, charts, formatting, status
from partners.services import history, records, workflow
from partners.services.commitment_page import commitment_page
from partners.storage.port import Store

# -- numbers and dates as people write them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("40.0000"), "40"),
        ("40.0000", "40"),
        (Decimal("1500000.00"), "1,500,000"),
        (Decimal("2.50"), "2.5"),
        (Decimal("1234.125"), "1,234.125"),
        (0, "0"),
        (None, ""),
        (7.0, "7"),
        (float("nan"), ""),
    ],
)
def test_numbers_lose_their_trailing_zeros_and_get_thousands_separators(value: Any, shown: str) -> None:
    assert formatting.number(value) == shown


def test_amounts_dates_and_enumerations_read_as_words() -> None:
    assert formatting.money(Decimal("1500000.00"), "USD") == "1,500,000 USD"
    assert formatting.money(None, "USD") == ""
    assert formatting.day(date(2026, 3, 3)) == "3 Mar 2026"
    assert formatting.day("2026-03-03") == "3 Mar 2026"
    assert formatting.moment(datetime(2022, 9, 22)) == "22 Sep 2022"  # never "2022-09-22 00:00:00"
    assert formatting.moment(datetime(2026, 3, 3, 14, 5)) == "3 Mar 2026 14:05"
    assert formatting.value_text(ReportSource.VERIFIED) == "Verified by the secretariat"
    assert formatting.value_text(True) == "Yes"
    assert formatting.value_text(["Kenya", "Uganda"]) == ["Kenya", "Uganda"]
    assert formatting.value_text(("Summit", date(2015, 11, 17))) == "Summit, 17 Nov 2015"


# -- one status line ---------------------------------------------------------------------------------------


def _side(status_value: str, day: date) -> dict[str, Any]:
    return {"status": status_value, "report_date": day, "reason": ""}


def test_the_status_line_names_the_latest_verified_status_and_its_date() -> None:
    both = {"self_reported": _side("off_track", date(2026, 1, 12)), "verified": _side("on_track", date(2026, 3, 3))}
    assert status.status_line(both) == "Verified: on track, 3 Mar 2026"


def test_a_newer_self_reported_status_is_marked_not_yet_verified() -> None:
    alone = {"self_reported": _side("off_track", date(2026, 1, 12)), "verified": None}
    assert status.status_line(alone) == "Self-reported: off track, 12 Jan 2026 (not yet verified)"
    newer = {"self_reported": _side("stalled", date(2026, 5, 1)), "verified": _side("on_track", date(2026, 3, 3))}
    line = status.status_line(newer)
    assert line.startswith("Self-reported: stalled, 1 May 2026 (not yet verified")
    assert "last verified: on track, 3 Mar 2026" in line


def test_the_status_line_never_says_none_yet_and_says_when_nothing_is_reported() -> None:
    assert status.status_line({"self_reported": None, "verified": None}) == "No progress reported yet"
    for both in (
        {"self_reported": None, "verified": _side("complete", date(2025, 6, 30))},
        {"self_reported": _side("complete", date(2025, 6, 30)), "verified": None},
    ):
        assert "None" not in status.status_line(both)


def test_review_state_and_visibility_read_as_one_sentence() -> None:
    assert status.review_sentence("published", "members") == "Published, visible to Alliance members"
    assert status.review_sentence("published", "public") == "Published, visible to everyone"
    draft = status.review_sentence("draft", "public")
    assert draft.startswith("Draft: seen only by the secretariat") and "once published, everyone" in draft
    assert status.review_sentence("withdrawn", "public").startswith("Withdrawn: seen only by")
    later = datetime(2030, 1, 1, 9, 0)
    embargoed = status.review_sentence("published", "public", later, now=datetime(2026, 1, 1))
    assert "embargoed until 1 Jan 2030 09:00" in embargoed
    assert "embargoed" not in status.review_sentence("published", "public", later, now=datetime(2031, 1, 1))


# -- the progress timeline ----------------------------------------------------------------------------------


def test_the_timeline_plots_reported_values_against_the_baseline_and_the_target(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = _log(store, partners)
    for day, value, source in ((date(2025, 1, 10), "60", "self_reported"), (date(2025, 6, 1), "90", "verified"),
                               (date(2025, 9, 1), None, "self_reported")):
        records.record_progress(
            store,
            EDITOR,
            ProgressUpdate(commitment_id=cid, report_date=day, status="on_track", source=source,
                           indicator_value=value),
        )
    page = commitment_page(store, EDITOR, cid)
    values = charts.progress_table(page.progress)
    assert values.Value.tolist() == [60.0, 90.0]  # oldest first; the update without a value is left out
    assert values.Source.tolist() == ["Self-reported", "Verified by the secretariat"]
    spec = charts.progress_timeline(values, baseline=Decimal("40"), target=Decimal("200"), unit="people").to_dict()
    texts = [v for layer in spec["layer"] if "data" in layer for v in _inline_values(spec, layer)]
    assert "Target: 200" in texts and "Baseline: 40" in texts
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Indicator value (people)"


def _inline_values(spec: dict[str, Any], layer: dict[str, Any]) -> list[str]:
    name = layer["data"].get("name")
    rows = spec.get("datasets", {}).get(name, []) if name else layer["data"].get("values", [])
    return [r["Line"] for r in rows if "Line" in r]


# -- a history people read ---------------------------------------------------------------------------------


def _log(store: Store, partners: tuple[int, int], **extra: Any) -> int:
    gov, hotline = partners
    data: dict[str, Any] = {
        "title": "Train 200 investigators",
        "partners": [{"partner_id": gov, "role": "lead"}, {"partner_id": hotline, "role": "co"}],
        "countries": ["KEN"],
        "baseline": Decimal("40"),
        "target_value": Decimal("200"),
        "budget": Decimal("1500000"),
        "currency": "USD",
        "unit": "people",
    }
    return records.log_commitment(store, EDITOR, Commitment(**(data | extra)))


def test_the_history_names_fields_formats_values_and_leaves_out_edits_that_changed_nothing(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = _log(store, partners)
    same = Commitment(**{k: v for k, v in records.get_commitment(store, cid).items() if k in Commitment.model_fields})
    records.update_commitment(store, EDITOR, cid, same, 1)  # saved without a change
    event = records.create_event(store, EDITOR, Event(name="Abu Dhabi summit", kind="summit", date=date(2015, 11, 17)))
    changed = same.model_copy(
        update={"countries": ["KEN", "UGA"], "target_value": Decimal("300"), "deadline": date(2027, 12, 31),
                "event_id": event}
    )
    records.update_commitment(store, EDITOR, cid, changed, 2)

    entries = history.readable_history(store, REVIEWER, "commitment", cid)
    assert [e["what"] for e in entries] == ["Edited", "Created"]  # newest first, the empty edit left out
    edit = changes.change_table("commitment", entries[0]["changes"])
    rows = {r.Field: (r.Before, r.After) for r in edit.itertuples()}
    assert rows == {
        "Countries": ("Kenya", "Kenya; Uganda"),
        "Target": ("200", "300"),
        "Deadline": ("", "31 Dec 2027"),
        "Made at": ("", "Abu Dhabi summit, 17 Nov 2015"),
        "SMART level (0-5)": ("3", "4"),  # the deadline made it one step more SMART
    }
    created = dict(zip(*changes.change_table("commitment", entries[1]["changes"])[["Field", "After"]].T.values,
                       strict=True))
    assert created["Partners"] == "Kenya Ministry of ICT (Lead); Uganda Hotline (Co-partner)"
    assert created["Budget"] == "1,500,000" and created["Baseline"] == "40" and created["Review state"] == "Draft"
    assert not any(f in created for f in ("is_demo", "Demo record", "reason", "Reason"))
    assert all(e["reason"] == "" for e in entries)


def test_a_review_move_carries_its_reason_and_a_move_without_one_shows_none(
    store: Store, partners: tuple[int, int]
) -> None:
    cid = _log(store, partners, review_state="submitted")
    workflow.transition(store, REVIEWER, cid, "draft", 1, reason="Baseline missing a source")
    workflow.transition(store, EDITOR, cid, "submitted", 2)
    entries = history.readable_history(store, EDITOR, "commitment", cid)
    assert [e["action"] for e in entries][:2] == ["submit", "send_back"]
    assert entries[0]["reason"] == "" and entries[1]["reason"] == "Baseline missing a source"
    assert [(f, old.label, new.label) for f, old, new in entries[1]["changes"]] == [
        ("review_state", "Submitted", "Draft")
    ]
    shown = changes.history_summary("commitment", entries)
    assert shown.loc[1, "Fields changed"] == "Review state" and shown.loc[0, "Reason"] == ""


def test_a_restore_is_previewed_field_by_field_before_it_is_made(store: Store, partners: tuple[int, int]) -> None:
    cid = _log(store, partners)
    first = history.history(store, EDITOR, "commitment", cid)[0]["id"]
    now = Commitment(**{k: v for k, v in records.get_commitment(store, cid).items() if k in Commitment.model_fields})
    records.update_commitment(store, EDITOR, cid, now.model_copy(update={"title": "A wrong title"}), 1)
    preview = history.restore_preview(store, EDITOR, "commitment", cid, first)
    assert changes.change_table("commitment", preview, before="Now", after="After the restore").values.tolist() == [
        ["Title", "A wrong title", "Train 200 investigators"]
    ]
    assert records.get_commitment(store, cid)["title"] == "A wrong title"  # a preview writes nothing
