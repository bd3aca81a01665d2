"""How counts, lists and dates are written, and what a page the visitor may not use says instead."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from partners.domain.model import Actor, Role
from partners.domain.permissions import UseCase, roles_allowed
from partners.presentation.formatting import day
from partners.presentation.wording import date_columns, join_words, plural
from partners.ui import auth
from partners.ui.navigation import PAGES, not_offered_message


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 commitments"), (1, "1 commitment"), (2, "2 commitments"), (1500, "1,500 commitments")],
)
def test_a_count_takes_the_noun_in_the_right_number(count: int, expected: str) -> None:
    assert plural(count, "commitment") == expected


def test_an_irregular_plural_is_given() -> None:
    assert plural(1, "country", "countries") == "1 country"
    assert plural(3, "country", "countries") == "3 countries"


def test_words_are_listed_as_a_sentence_lists_them() -> None:
    assert join_words([]) == ""
    assert join_words(["Admin"]) == "Admin"
    assert join_words(["Admin", "Reviewer"], last="or") == "Admin or Reviewer"
    assert join_words(["A", "B", "C"]) == "A, B and C"


@pytest.mark.parametrize(
    "value",
    [date(2022, 9, 22), datetime(2022, 9, 22), pd.Timestamp("2022-09-22 00:00:00"), "2022-09-22"],
)
def test_a_date_reads_as_a_date_never_with_a_midnight_time(value: object) -> None:
    assert day(value) == "22 Sep 2022"


@pytest.mark.parametrize("missing", [None, pd.NaT, float("nan")])
def test_no_date_is_written_as_nothing(missing: object) -> None:
    assert day(missing) == ""


def test_table_columns_of_midnight_timestamps_are_dates_and_of_moments_are_datetimes() -> None:
    frame = pd.DataFrame(
        {
            "Date made": pd.to_datetime(["2022-09-22", None]),
            "Embargo until": pd.to_datetime(["2026-12-01 09:00", None]),
            "Title": ["a", "b"],
        }
    )
    assert date_columns(frame) == {"Date made": "date", "Embargo until": "datetime"}


def test_the_roles_a_use_case_is_granted_come_from_the_permission_table() -> None:
    assert roles_allowed(UseCase.MANAGE_USERS) == [Role.ADMIN]
    assert roles_allowed(UseCase.VIEW_WORKLIST) == [Role.ADMIN, Role.SECRETARIAT_EDITOR, Role.REVIEWER]
    assert Role.PUBLIC in roles_allowed(UseCase.VIEW_PUBLIC)


def _spec(url_path: str):
    return next(p for p in PAGES if p.url_path == url_path)


MEMBER = Actor(identity="mia@example.org", role=Role.MEMBER_VIEWER, name="Mia")


def test_a_member_viewer_is_told_the_worklist_is_for_the_secretariat_and_what_they_are() -> None:
    visitor = auth.Visitor(MEMBER, auth.Mode.SIGN_IN, signed_in=True, email="mia@example.org")
    purpose, who = not_offered_message(_spec("worklist"), visitor)
    assert purpose.startswith("This page is for the secretariat (Admin, Secretariat editor or Reviewer)")
    assert "You are signed in as Mia, a member viewer" in who


def test_the_public_is_told_to_sign_in_with_the_role_the_page_needs() -> None:
    visitor = auth.Visitor(auth.ANONYMOUS, auth.Mode.SIGN_IN)
    purpose, who = not_offered_message(_spec("users"), visitor)
    assert purpose == "This page is for administrators: those who may manage users and roles."
    assert who.startswith("You are not signed in: sign in")
    assert "this role" in who
