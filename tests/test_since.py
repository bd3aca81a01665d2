"""Since the last summit: what changed between two moments, from the history tables, for one viewer.

Hand-made records at known moments: commitments made before the window, inside it and after it, a
completion inside it, an embargoed and a draft commitment only the secretariat counts; and the paragraph
read out from the same figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from actors import EDITOR, PUBLIC
from partners.domain.model import Commitment, CommitmentPartner, Event, Partner, ProgressUpdate, ReviewState, Visibility
from partners.domain.since import End, SinceFigures
from partners.presentation.since_text import paragraph
from partners.services import records, since
from partners.storage import Store

T0 = datetime(2024, 1, 10, 9, 0)  # before the window: the first records
T1 = datetime(2025, 2, 3, 10, 0)  # inside the window
T2 = datetime(2026, 8, 1, 12, 0)  # after the window's end
NOW = datetime(2026, 12, 1, 12, 0)
START = date(2024, 6, 1)  # the 2024 summit
END = date(2026, 6, 1)  # the window's end, a date
EMBARGOED = "Embargoed pledge counted by the secretariat only 8812"
DRAFT = "Draft pledge counted by the secretariat only 4471"


@pytest.fixture
def made(store: Store) -> dict[str, Any]:
    """Three summits (2022, 2024, 2026); at T0 two public commitments (Kenya's, Uganda's: linked to a Global
    Alliance goal); at T1 a joint commitment of an old and a new partner for Kenya and Tanzania, an embargoed
    one for Rwanda, a draft for Ethiopia and Uganda's commitment reported complete; at T2 (after the end) one
    for Ghana."""
    with store.transaction(at=T0):
        p1 = records.create_partner(store, EDITOR, Partner(name="Nairobi Safety Lab", stakeholder_type="civil_society"))
        p2 = records.create_partner(store, EDITOR, Partner(name="Kampala Ministry", stakeholder_type="government"))
        p3 = records.create_partner(store, EDITOR, Partner(name="Dodoma Hotline", stakeholder_type="hotline"))
        records.create_event(store, EDITOR, Event(name="Alliance summit 2022", kind="summit", date=date(2022, 6, 1)))
        s24 = records.create_event(store, EDITOR, Event(name="Alliance summit 2024", kind="summit", date=START))
        s26 = records.create_event(store, EDITOR, Event(name="Alliance summit 2026", kind="summit",
                                                        date=date(2026, 10, 6)))

    def commit(title: str, partners: list[int], countries: list[str], *, items: list[str] = (),
               state: ReviewState = ReviewState.PUBLISHED, **more: Any) -> int:
        return records.log_commitment(store, EDITOR, Commitment(
            title=title, partners=[CommitmentPartner(partner_id=p, role="lead" if i == 0 else "co")
                                   for i, p in enumerate(partners)],
            countries=countries, framework_items=list(items), visibility=Visibility.PUBLIC, review_state=state,
            **more))

    with store.transaction(at=T0):
        old_ken = commit("Kenya's old plan", [p1], ["KEN"])
        old_uga = commit("Uganda's old plan", [p2], ["UGA"], items=["GA-2012:G2.1"])
        for cid in (old_ken, old_uga):
            records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=cid, report_date=date(2024, 1, 5),
                                                                  status="on_track", source="self_reported"))
    with store.transaction(at=T1):
        joint = commit("Joint plan for Kenya and Tanzania", [p1, p3], ["KEN", "TZA"])
        embargoed = commit(EMBARGOED, [p2], ["RWA"], embargo_until=datetime(2030, 1, 1))
        draft = commit(DRAFT, [p2], ["ETH"], state=ReviewState.DRAFT)
        records.record_progress(store, EDITOR, ProgressUpdate(commitment_id=old_uga, report_date=date(2025, 2, 1),
                                                              status="complete", source="self_reported"))
    with store.transaction(at=T2):
        late = commit("Ghana's plan after the window", [p2], ["GHA"])
    return {"s24": s24, "s26": s26, "joint": joint, "embargoed": embargoed, "draft": draft, "late": late}


def window(store: Store, made: dict[str, Any]) -> since.Window:
    win = since.window(store, EDITOR, str(made["s24"]), END.isoformat(), now=NOW)
    assert win.problems == ()
    return win


def test_public_figures_count_only_what_the_public_sees(store: Store, made: dict[str, Any]) -> None:
    f = since.figures(store, EDITOR, window(store, made), public=True, now=NOW)
    assert f.public
    assert (f.new, f.new_joint, f.new_partners, f.new_countries) == (1, 1, 2, 2)
    assert f.newly_complete == 1
    # Kenya's old plan (last report 5 Jan 2024) and the joint one (none yet) are not reporting at the end.
    assert f.newly_overdue == 2
    assert f.newly_stalled == 0
    assert (f.engaged_partners, f.engaged_countries) == (1, 1)  # the Dodoma hotline; Tanzania
    assert [(g.label, g.commitments) for g in f.new_by_type] == [("Civil society organisation", 1), ("Hotline", 1)]
    # Africa: two countries (Kenya, Tanzania) for the public: held back, its counts never leave the service.
    [africa] = f.new_by_region
    assert africa.held_back and africa.commitments == 0 and africa.countries is None
    [complete_africa] = f.complete_by_region
    assert complete_africa.held_back
    [target] = f.complete_by_target
    assert (target.key, target.commitments) == ("GA-2012:T2", 1)  # its goal G2.1 addresses target T2
    assert EMBARGOED not in paragraph(f) and DRAFT not in paragraph(f)


def test_the_secretariat_counts_embargoed_and_draft_commitments(store: Store, made: dict[str, Any]) -> None:
    f = since.figures(store, EDITOR, window(store, made), public=False, now=NOW)
    assert not f.public
    assert (f.new, f.new_joint, f.new_countries) == (3, 1, 4)
    assert (f.engaged_partners, f.engaged_countries) == (1, 3)  # Tanzania, Rwanda, Ethiopia
    [africa] = f.new_by_region
    assert (africa.commitments, africa.countries, africa.held_back) == (3, 4, False)
    assert f.newly_overdue == 4


def test_the_public_viewer_is_the_public_whoever_asks(store: Store, made: dict[str, Any]) -> None:
    win = window(store, made)
    assert since.figures(store, PUBLIC, win, public=False, now=NOW) == since.figures(store, EDITOR, win,
                                                                                      public=True, now=NOW)


def test_a_commitment_after_the_end_is_not_counted_and_today_counts_it(store: Store, made: dict[str, Any]) -> None:
    win = window(store, made)
    assert since.figures(store, EDITOR, win, public=True, now=NOW).new == 1
    today = since.window(store, EDITOR, str(made["s24"]), "today", now=NOW)
    assert today.end.today
    assert since.figures(store, EDITOR, today, public=True, now=NOW).new == 2  # Ghana's, made at T2


def test_a_commitment_made_before_the_start_is_not_new(store: Store, made: dict[str, Any]) -> None:
    win = since.window(store, EDITOR, "2025-03-01", END.isoformat(), now=NOW)  # after T1's records
    f = since.figures(store, EDITOR, win, public=False, now=NOW)
    assert (f.new, f.newly_complete, f.engaged_countries) == (0, 0, 0)
    assert paragraph(f).startswith("Between 1 Mar 2025 and 1 Jun 2026, there were no new commitments. No "
                                   "commitment was completed;")


def test_the_default_window_is_from_the_previous_summit_to_today(store: Store, made: dict[str, Any]) -> None:
    win = since.window(store, EDITOR, now=NOW)
    assert win.start == End(day=START, event="Alliance summit 2024", event_id=made["s24"])
    assert win.end.today and win.end.day == NOW.date()
    assert win.problems == ()


@pytest.mark.parametrize(("start", "end", "problem"), [
    ("999", "", "there is no event 999"),
    ("not a date", "", "is not an event or a date"),
    ("", "2031-01-01", "still to come"),
    ("2026-01-01", "2025-01-01", "must be before the end"),
])
def test_what_cannot_be_used_is_said_and_the_default_used(
    store: Store, made: dict[str, Any], start: str, end: str, problem: str
) -> None:
    win = since.window(store, EDITOR, start, end, now=NOW)
    assert any(problem in p for p in win.problems)
    default = since.window(store, EDITOR, now=NOW)
    assert (win.start, win.end) == (default.start, default.end)


# -- the paragraph ---------------------------------------------------------------------------------------

SUMMIT = End(day=date(2024, 10, 15), event="Alliance summit 2024", event_id=32)
TODAY = End(day=date(2026, 12, 3), today=True)


def figures(**counts: int) -> SinceFigures:
    zero = dict.fromkeys(("new", "new_joint", "new_partners", "new_countries", "newly_complete", "newly_stalled",
                          "newly_overdue", "engaged_partners", "engaged_countries"), 0)
    return SinceFigures(start=SUMMIT, end=TODAY, public=True, **(zero | counts))


def test_the_paragraph_reads_the_figures() -> None:
    text = paragraph(figures(new=212, new_joint=40, new_partners=64, new_countries=31, newly_complete=48,
                             newly_stalled=12, newly_overdue=30, engaged_countries=5, engaged_partners=20))
    assert text == (
        "Since Alliance summit 2024 (15 Oct 2024), there were 212 new commitments from 64 partners in 31 countries, "
        "40 of them joint commitments of more than one partner. 48 commitments were completed; 12 commitments "
        "stalled and 30 fell behind on reporting (no progress update for 12 months). 5 countries and 20 partners "
        "made their first commitment.")


def test_the_paragraph_says_one_in_the_singular() -> None:
    text = paragraph(figures(new=1, new_joint=1, new_partners=2, new_countries=1, newly_complete=1,
                             newly_stalled=1, engaged_partners=1))
    assert "there was 1 new commitment from 2 partners in 1 country, a joint commitment" in text
    assert "1 commitment was completed; 1 commitment stalled; none fell behind on reporting." in text
    assert text.endswith("1 partner made its first commitment.")


def test_the_paragraph_words_zero_well() -> None:
    text = paragraph(figures())
    assert text == ("Since Alliance summit 2024 (15 Oct 2024), there were no new commitments. No commitment was "
                    "completed; none stalled or fell behind on reporting. No country or partner made its first "
                    "commitment in this period.")


def test_the_paragraph_between_two_ends_and_all_joint() -> None:
    end = End(day=date(2026, 10, 6), event="Alliance summit 2026", event_id=34)
    text = paragraph(replace(figures(new=3, new_joint=3, new_partners=4, newly_overdue=2, engaged_countries=1),
                             end=end))
    assert text.startswith("Between Alliance summit 2024 (15 Oct 2024) and Alliance summit 2026 (6 Oct 2026), "
                           "there were 3 new commitments from 4 partners, all of them joint commitments")
    assert "2 commitments fell behind on reporting (no progress update for 12 months); none stalled." in text
    assert text.endswith("1 country made its first commitment.")


def test_a_focal_point_and_a_contributor_count_what_they_may_see(store: Store, made: dict[str, Any]) -> None:
    """Each moment's read carries the viewer's own countries and partners (their parameters renamed per
    moment): Rwanda's focal point counts Rwanda's embargoed commitment only once the embargo lifts (never,
    here); the partner that made the draft does not count it (a draft is not yet submitted)."""
    from actors import contributor
    from partners.domain.model import Actor, Role

    win = window(store, made)
    focal_rwa = Actor(identity="rw@example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"RWA"}))
    assert since.figures(store, focal_rwa, win, public=False, now=NOW).new == 1
    partner = int(store.scalar("SELECT id FROM partners WHERE name = 'Kampala Ministry'"))
    own = since.figures(store, contributor(partner), win, public=False, now=NOW)
    assert own.new == 2  # the joint one (public) and its own embargoed one; not its draft
    assert since.figures(store, contributor(partner), win, public=True, now=NOW).new == 1


def test_the_paragraph_of_the_made_records_says_the_numbers_counted_by_hand(store: Store, made: dict[str, Any]) -> None:
    f = since.figures(store, EDITOR, window(store, made), public=True, now=NOW)
    assert paragraph(f) == (
        "Between Alliance summit 2024 (1 Jun 2024) and 1 Jun 2026, there was 1 new commitment from 2 partners in "
        "2 countries, a joint commitment of more than one partner. 1 commitment was completed; 2 commitments fell "
        "behind on reporting (no progress update for 12 months); none stalled. 1 country and 1 partner made "
        "their first commitment.")


def test_on_a_summits_day_the_default_is_since_the_one_before(store: Store, made: dict[str, Any]) -> None:
    on_the_day = datetime(2026, 10, 6, 11, 0)  # the 2026 summit's day
    win = since.window(store, EDITOR, now=on_the_day)
    assert win.start.event == "Alliance summit 2024" and win.end.today and win.end.day == on_the_day.date()
    assert win.problems == ()
