"""The domain model rejects bad input with sentences a secretariat officer understands."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from partners.domain.model import (
    SYSTEM,
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    Role,
    describe_validation_error,
)


def commitment_data(**changes: Any) -> dict[str, Any]:
    """A valid commitment as a form would submit it, with ``changes`` applied."""
    data: dict[str, Any] = {
        "title": "Set up a national hotline",
        "partners": [{"partner_id": 1, "role": "lead"}],
        "countries": ["KEN"],
        "start_date": date(2025, 1, 1),
        "deadline": date(2026, 6, 30),
    }
    return data | changes


def messages(model: type, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model(**data)
    return describe_validation_error(info.value)


def test_valid_commitment_is_accepted_and_normalised() -> None:
    c = Commitment(**commitment_data(countries=[" ken", "UGA", "KEN"], title="  Hotline  "))
    assert c.countries == ["KEN", "UGA"]  # upper-cased, stripped, duplicates dropped, order kept
    assert c.title == "Hotline"
    assert c.partners[0].role is PartnerRole.LEAD
    assert c.lead_partner_ids == [1]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"countries": ["XYZ"]},
            ["Countries: 'XYZ' is not an ISO 3166-1 alpha-3 country code"],
            id="unknown-country",
        ),
        pytest.param(
            {"start_date": date(2025, 6, 1), "deadline": date(2025, 5, 31)},
            ["The deadline (31 May 2025) is before the start date (01 Jun 2025)"],
            id="deadline-before-start",
        ),
        pytest.param(
            {"budget": Decimal("-5"), "currency": "USD"},
            ["Budget: the budget cannot be negative"],
            id="negative-budget",
        ),
        pytest.param({"title": "   "}, ["Title: cannot be empty"], id="empty-title"),
        pytest.param(
            {"budget": Decimal("1000")},
            ["The budget has no currency: write the three-letter currency code, e.g. USD, EUR or GBP"],
            id="budget-without-currency",
        ),
        pytest.param(
            {"is_global": True, "countries": ["KEN"]},
            ["A global commitment names no countries: untick 'global' or remove the countries"],
            id="global-with-countries",
        ),
        pytest.param(
            {"countries": []},
            ["Name at least one country, or mark the commitment as global"],
            id="no-country-not-global",
        ),
        pytest.param({"partners": []}, ["Partners: needs at least one entry"], id="no-partner"),
        pytest.param(
            {"partners": [{"partner_id": 1, "role": "lead"}, {"partner_id": 1, "role": "co"}]},
            ["The same partner is listed twice"],
            id="partner-twice",
        ),
        pytest.param({"title": None}, ["Title: Input should be a valid string"], id="title-missing-value"),
    ],
)
def test_commitment_rejects_bad_input_with_plain_message(
    changes: dict[str, Any], expected: list[str]
) -> None:
    got = messages(Commitment, commitment_data(**changes))
    assert len(got) == len(expected), got
    for sentence, start in zip(got, expected, strict=True):
        assert sentence.startswith(start), got


def test_missing_title_is_reported_as_required() -> None:
    data = commitment_data()
    del data["title"]
    assert messages(Commitment, data) == ["Title: is required"]


def test_several_problems_are_all_reported_each_naming_its_field() -> None:
    got = messages(Commitment, commitment_data(title="", countries=["XYZ"], budget=Decimal("-1")))
    fields = sorted(m.split(":")[0] for m in got)
    assert fields == ["Budget", "Countries", "Title"]


def test_lower_case_currency_is_accepted_as_upper_case() -> None:
    assert Commitment(**commitment_data(budget=Decimal("10"), currency="usd")).currency == "USD"


def test_currency_must_be_three_letters() -> None:
    got = messages(Commitment, commitment_data(budget=Decimal("10"), currency="DOLLARS"))
    assert len(got) == 1 and got[0].startswith("Currency:"), got


def progress_data(**changes: Any) -> dict[str, Any]:
    return {"commitment_id": 1, "report_date": date(2025, 3, 1), "status": "on_track"} | changes


def test_progress_update_keeps_clean_evidence_links() -> None:
    u = ProgressUpdate(**progress_data(evidence_links=[" https://example.org/report.pdf "]))
    assert u.evidence_links == ["https://example.org/report.pdf"]
    assert u.status is ProgressStatus.ON_TRACK


def test_progress_update_rejects_evidence_link_that_is_not_a_web_address() -> None:
    got = messages(
        ProgressUpdate, progress_data(evidence_links=["https://ok.org", "shared drive/report.docx"])
    )
    assert got == [
        "Evidence links: evidence link 'shared drive/report.docx' is not a web address starting with"
        " http:// or https://"
    ]


def test_progress_update_rejects_report_date_in_the_future() -> None:
    tomorrow = date.today() + timedelta(days=1)
    got = messages(ProgressUpdate, progress_data(report_date=tomorrow))
    assert got == [f"Report date: the report date {tomorrow:%d %b %Y} is in the future"]


def test_progress_update_accepts_a_report_dated_today() -> None:
    assert ProgressUpdate(**progress_data(report_date=date.today())).report_date == date.today()


def test_progress_update_rejects_unknown_status_naming_the_field() -> None:
    got = messages(ProgressUpdate, progress_data(status="nearly_done"))
    assert len(got) == 1 and got[0].startswith("Status: "), got
    assert "on_track" in got[0]


def assessment_data(**changes: Any) -> dict[str, Any]:
    return {
        "country": "KEN",
        "capability": "MNR-2016:4",
        "assessed_on": date(2025, 1, 1),
        "phase": 2,
    } | changes


def test_assessment_rejects_maturity_phase_5() -> None:
    assert messages(CapabilityAssessment, assessment_data(phase=5)) == [
        "Phase: Input should be less than or equal to 4"
    ]


def test_assessment_rejects_unknown_country() -> None:
    got = messages(CapabilityAssessment, assessment_data(country="ZZZ"))
    assert len(got) == 1 and got[0].startswith("Country: 'ZZZ' is not an ISO 3166-1 alpha-3 country code"), (
        got
    )


def test_partner_rejects_unknown_headquarters_country_and_bad_website() -> None:
    got = messages(
        Partner,
        {"name": "Hotline", "stakeholder_type": "hotline", "hq_country": "XX", "website": "www.x.org"},
    )
    assert sorted(got) == [
        "Hq country: 'XX' is not an ISO 3166-1 alpha-3 country code (for example KEN, GBR, PHL)",
        "Website: the website must be an address starting with http:// or https://",
    ]


def test_partner_treats_blank_optional_fields_as_absent() -> None:
    p = Partner(name="Hotline", stakeholder_type="hotline", hq_country="", website="")
    assert p.hq_country is None and p.website is None


def test_event_rejects_unknown_kind_and_country() -> None:
    got = messages(Event, {"name": "Summit", "kind": "party", "date": date(2025, 1, 1), "country": "QQQ"})
    assert sorted(m.split(":")[0] for m in got) == ["Country", "Kind"]


def test_describe_validation_error_passes_other_errors_through() -> None:
    assert describe_validation_error(RuntimeError("disk full")) == ["disk full"]


def test_actor_is_frozen_and_displays_name_or_identity() -> None:
    actor = Actor(identity="amina@example.org", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"KEN"}))
    assert actor.display == "amina@example.org"
    assert SYSTEM.display == "System (command line)"
    with pytest.raises(ValidationError):
        actor.role = Role.ADMIN  # type: ignore[misc]


def test_labelled_enum_parses_values_and_labels_and_explains_refusal() -> None:
    assert ProgressStatus.parse("On track") is ProgressStatus.ON_TRACK
    assert ProgressStatus.parse(" off_track ") is ProgressStatus.OFF_TRACK
    with pytest.raises(ValueError, match="'done' is not one of: Not started, On track"):
        ProgressStatus.parse("done")


def test_enums_sharing_a_value_keep_their_own_labels() -> None:
    from partners.domain.model import ReportSource, ReviewState, Role, Visibility

    assert Visibility.PUBLIC.label == "Public"
    assert Role.PUBLIC.label == "Public (not signed in)"
    assert ReviewState.VERIFIED.label == "Verified"
    assert ReportSource.VERIFIED.label == "Verified by the secretariat"
