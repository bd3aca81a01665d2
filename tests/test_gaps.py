"""The scorecard's gaps: the pure rules (active commitment, gaps, comparable countries) against hand-made
cases, the Abu Dhabi template mapping and its strict loading, and the service on real DuckDB files: gaps
and suggestions per viewer (privacy of comparable countries' commitments), and the one-click draft with
its refusals, each leaving the data unchanged."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from actors import EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC, REVIEWER, contributor
from partners import reference
from partners.domain import scoring
from partners.domain.model import (
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Framework,
    FrameworkItem,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    Visibility,
)
from partners.domain.permissions import PermissionDenied
from partners.domain.scoring import CapabilityPhase, CommitmentFacts, PhaseReading
from partners.reference.files import ReferenceDataError
from partners.reference.frameworks import check_capability_links
from partners.services import gaps, records, scorecard
from partners.services.errors import ValidationFailed
from partners.storage import Store

NOW = datetime(2026, 6, 1, 12, 0)


# -- is a commitment active? ----------------------------------------------------------------------------


def facts(state: str = "published", status: str | None = None, embargo: datetime | None = None) -> CommitmentFacts:
    return CommitmentFacts(review_state=state, reported_status=status, verified_status=None, not_reporting=False,
                           embargo_until=embargo)


@pytest.mark.parametrize(("c", "active"), [
    (facts("draft"), True),  # a draft with no report: someone has taken the capability on
    (facts("submitted", "not_started"), True),
    (facts("published", "on_track"), True),
    (facts("published", "stalled"), True),
    (facts("published", "complete"), False),
    (facts("verified", "discontinued"), False),
    (facts("withdrawn", "on_track"), False),
    (facts("withdrawn"), False),
    (facts("published", "on_track", embargo=NOW + timedelta(days=1)), False),  # still under embargo
    (facts("published", "on_track", embargo=NOW), True),  # the embargo ends at this moment
    (facts("published", "not_reported"), True),  # the store's word for "no report yet"
])
def test_a_commitment_is_active_unless_withdrawn_closed_or_under_embargo(c: CommitmentFacts, active: bool) -> None:
    assert scoring.is_active_commitment(c, NOW) is active


# -- which capabilities are gaps ------------------------------------------------------------------------


def reading(phase: int, day: date, source: ReportSource = ReportSource.SELF_REPORTED) -> PhaseReading:
    return PhaseReading(phase, day, source, ("X",), False)


def test_gaps_are_phase_1_or_2_without_an_active_commitment_and_not_assessed_is_apart() -> None:
    early, late = date(2020, 1, 1), date(2024, 1, 1)
    V = ReportSource.VERIFIED
    phases = {
        "A": CapabilityPhase("A", reading(1, early, V), None),  # gap, verified
        "B": CapabilityPhase("B", None, reading(2, early)),  # phase 2, but an active commitment
        "C": CapabilityPhase("C", None, reading(3, early)),  # beyond
        # D: no reading at all (not in the mapping): not assessed
        "E": CapabilityPhase("E", reading(1, early, V), reading(3, late)),  # the newer self-assessed 3 is shown
        "F": CapabilityPhase("F", reading(2, late, V), reading(4, late)),  # same day: the verified 2 is shown
        "G": CapabilityPhase("G", None, None),  # held but never assessed
        "H": CapabilityPhase("H", None, reading(4, early)),
    }
    found = scoring.find_gaps(list("ABCDEFGH"), phases, with_active={"B", "C", "Z"})
    assert found.gaps == (scoring.Gap("A", 1, V), scoring.Gap("F", 2, V))
    assert found.covered == ("B",)
    assert found.not_assessed == ("D", "G")
    assert found.beyond == ("C", "E", "H")


def test_no_assessment_gives_no_gap_only_capabilities_not_assessed() -> None:
    found = scoring.find_gaps(["A", "B"], {}, with_active=())
    assert found.gaps == () and found.covered == () and found.not_assessed == ("A", "B")


def test_comparable_countries_share_the_region_and_the_north_south_side_in_order_of_code() -> None:
    countries = [
        {"code": "UGA", "region": "Africa", "global_north": False},
        {"code": "KEN", "region": "Africa", "global_north": False},
        {"code": "AGO", "region": "Africa", "global_north": False},
        {"code": "XAN", "region": "Africa", "global_north": True},  # same region, the other side
        {"code": "IND", "region": "Asia", "global_north": False},  # same side, another region
    ]
    assert scoring.comparable_countries({"code": "KEN", "region": "Africa", "global_north": False},
                                        countries) == ["AGO", "UGA"]
    assert scoring.comparable_countries({"code": "ATA", "region": None, "global_north": False}, countries) == []


def test_the_methodology_explains_gaps_and_comparable_countries() -> None:
    text = scorecard.methodology_text()
    assert "## Gaps and suggestions" in text
    assert "1 Building or 2 Developing" in text and sorted(scoring.GAP_PHASES) == [1, 2]
    assert "no income groups" in text and "never by any country's score" in text


# -- the Abu Dhabi templates and their capabilities -----------------------------------------------------


def test_every_abu_dhabi_item_names_the_current_mnr_capabilities_it_serves() -> None:
    ad = reference.framework("AD-2015")
    capabilities = {i.key for i in reference.mnr_capabilities()}
    links = {i.code: i.extra["mnr_capabilities"] for i in ad.items}
    assert set(links) == {"O1", "O2", "O3", "O4", "O5", "C1", "C2", "C3"}
    assert all(set(keys) <= capabilities for keys in links.values())
    assert links["C1"] == ["MNR-2016:1"] and links["C2"] == ["MNR-2016:2"]
    assert "MNR-2016:16" in links["O4"] and links["C3"] == []  # C3 is cross-cutting


def _framework(extra: dict) -> Framework:
    return Framework(id="AD-T", family="AD", name="t", version="1", source_url="https://example.org",
                     items=[FrameworkItem(framework_id="AD-T", code="O1", kind="outcome", name="o", ordinal=1,
                                          extra=extra)])


def test_a_template_naming_no_loaded_capability_is_refused() -> None:
    mnr = reference.framework("MNR-2016")
    check_capability_links([mnr, _framework({"mnr_capabilities": ["MNR-2016:21"]})])  # fine
    with pytest.raises(ReferenceDataError, match=r"AD-T: item 'O1'.*MNR-2016:22.*no capability"):
        check_capability_links([mnr, _framework({"mnr_capabilities": ["MNR-2016:22"]})])
    with pytest.raises(ReferenceDataError, match="MNR-2016:PG"):  # a domain, not a capability
        check_capability_links([mnr, _framework({"mnr_capabilities": ["MNR-2016:PG"]})])


FILE = """id: AD-T
family: AD
name: Test
version: "1"
source_url: https://example.org
items:
  - code: O1
    kind: outcome
    name: One
    extra:
      mnr_capabilities: {value}
"""


@pytest.mark.parametrize(("value", "message"), [
    ("MNR-2016:1", "must be a list"),
    ("[MNR-2016]", "is not a capability key"),
    ("[1]", "is not a capability key"),
    ("[MNR-2016:1, MNR-2016:1]", "twice"),
])
def test_the_loader_refuses_a_malformed_capability_list(tmp_path, value: str, message: str) -> None:
    path = tmp_path / "ad.yaml"
    path.write_text(FILE.format(value=value), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=message) as refused:
        reference.load_framework_file(path)
    assert "ad.yaml" in str(refused.value) and "O1" in str(refused.value)


# -- the service, on a real database --------------------------------------------------------------------


def _partner(store: Store, name: str, kind: str, country: str) -> int:
    return records.create_partner(store, EDITOR, Partner(name=name, stakeholder_type=kind, hq_country=country))


def _commitment(store: Store, partner: int, country: str, items: list[str], title: str,
                state: ReviewState = ReviewState.PUBLISHED, visibility: Visibility = Visibility.PUBLIC,
                status: ProgressStatus | None = None) -> int:
    cid = records.log_commitment(store, EDITOR, Commitment(
        title=title, partners=[CommitmentPartner(partner_id=partner, role=PartnerRole.LEAD)],
        countries=[country], framework_items=items, review_state=state, visibility=visibility))
    if status is not None:
        records.record_progress(store, EDITOR, ProgressUpdate(
            commitment_id=cid, report_date=date.today(), status=status))
    return cid


def _assess(store: Store, country: str, code: str, phase: int, published: bool) -> None:
    records.record_assessment(store, EDITOR, CapabilityAssessment(
        country=country, capability=f"MNR-2016:{code}", assessed_on=date(2025, 3, 1), phase=phase,
        published=published))


@pytest.fixture
def world(store: Store) -> dict[str, int]:
    """Kenya's assessments and commitments, and commitments for its capabilities in Uganda (comparable:
    Africa, Global South) and the United Kingdom (not comparable)."""
    ids = {
        "gov_ken": _partner(store, "Kenya Ministry of ICT", "government", "KEN"),
        "hotline_ken": _partner(store, "Kenya Hotline", "hotline", "KEN"),
        "uga": _partner(store, "Uganda Hotline", "hotline", "UGA"),
        "gbr": _partner(store, "UK Hotline", "hotline", "GBR"),
    }
    _assess(store, "KEN", "3", 1, True)  # published gap: Legislation
    _assess(store, "KEN", "4", 2, False)  # private gap: Dedicated law enforcement
    _assess(store, "KEN", "13", 3, True)  # beyond
    _assess(store, "KEN", "8", 2, True)  # covered by an active commitment
    _assess(store, "KEN", "5", 1, True)  # its only commitment is withdrawn: still a gap
    _assess(store, "KEN", "6", 2, True)  # its only commitment is complete: still a gap
    _assess(store, "KEN", "14", 1, True)  # a private commitment only the secretariat sees covers it
    _commitment(store, ids["hotline_ken"], "KEN", ["MNR-2016:8"], "Kenya support services")
    _commitment(store, ids["hotline_ken"], "KEN", ["MNR-2016:5"], "Kenya judges", state=ReviewState.WITHDRAWN)
    _commitment(store, ids["hotline_ken"], "KEN", ["MNR-2016:6"], "Kenya offenders", status=ProgressStatus.COMPLETE)
    _commitment(store, ids["hotline_ken"], "KEN", ["MNR-2016:14"], "Kenya youth panel", state=ReviewState.DRAFT,
                visibility=Visibility.PRIVATE)
    ids["uga_public"] = _commitment(store, ids["uga"], "UGA", ["MNR-2016:3"], "Uganda public law reform")
    ids["uga_members"] = _commitment(store, ids["uga"], "UGA", ["MNR-2016:3"], "Uganda members-only reform",
                                     visibility=Visibility.MEMBERS)
    ids["uga_private"] = _commitment(store, ids["uga"], "UGA", ["MNR-2016:3"], "Uganda private reform",
                                     state=ReviewState.VERIFIED, visibility=Visibility.PRIVATE)
    ids["uga_withdrawn"] = _commitment(store, ids["uga"], "UGA", ["MNR-2016:3"], "Uganda withdrawn reform",
                                       state=ReviewState.WITHDRAWN)
    ids["gbr_public"] = _commitment(store, ids["gbr"], "GBR", ["MNR-2016:3"], "UK public law reform")
    return ids


def _gap(found: gaps.Gaps, code: str) -> gaps.GapSuggestions:
    return next(g for g in found.gaps if g.code == code)


def test_the_secretariat_sees_every_gap_with_templates_and_comparable_commitments(
    store: Store, world: dict[str, int]
) -> None:
    found = gaps.gaps(store, EDITOR, "KEN")
    assert [g.code for g in found.gaps] == ["3", "4", "5", "6"]  # in the framework's order
    assert found.covered == ("8. End-to-end support", "14. Child participation")
    assert "13. Education programme" not in found.not_assessed + found.covered
    assert len(found.not_assessed) == 21 - 7
    legislation = _gap(found, "3")
    assert (legislation.phase, legislation.source) == (1, "self_reported")
    assert [t.key for t in legislation.templates] == ["AD-2015:O4"]
    assert legislation.templates[0].title.startswith("Enable technology companies")
    shown = [c.commitment_id for c in legislation.comparable]
    assert shown == [world["uga_private"], world["uga_members"], world["uga_public"]]  # newest first
    assert legislation.comparable[0].countries == "Uganda" and legislation.comparable[0].partners == "Uganda Hotline"
    assert world["uga_withdrawn"] not in shown and world["gbr_public"] not in shown  # withdrawn; not comparable
    assert found.comparable_group == "Africa, Global South" and found.includes_private


def test_the_public_sees_published_gaps_and_public_commitments_only(store: Store, world: dict[str, int]) -> None:
    found = gaps.gaps(store, PUBLIC, "KEN")
    assert [g.code for g in found.gaps] == ["3", "5", "6", "14"]  # 4 is private; 14's draft is not shown
    assert "4. Dedicated law enforcement" in found.not_assessed
    assert [c.commitment_id for c in _gap(found, "3").comparable] == [world["uga_public"]]
    assert _gap(found, "3").comparable_total == 1 and not found.includes_private


def test_members_and_other_focal_points_see_no_private_comparable_commitment(
    store: Store, world: dict[str, int]
) -> None:
    member = gaps.gaps(store, MEMBER, "KEN")
    assert [c.commitment_id for c in _gap(member, "3").comparable] == [world["uga_members"], world["uga_public"]]
    ken = gaps.gaps(store, FOCAL_KEN, "KEN")  # Kenya's own private assessment, but not Uganda's private commitment
    assert [g.code for g in ken.gaps] == ["3", "4", "5", "6", "14"]
    assert world["uga_private"] not in [c.commitment_id for c in _gap(ken, "3").comparable]
    uga = gaps.gaps(store, FOCAL_UGA, "KEN")  # Uganda's focal point sees Uganda's private one, not Kenya's phases
    assert "4" not in [g.code for g in uga.gaps]
    assert world["uga_private"] in [c.commitment_id for c in _gap(uga, "3").comparable]


def test_no_assessment_means_no_gap(store: Store) -> None:
    found = gaps.gaps(store, EDITOR, "UGA")
    assert found.gaps == () and len(found.not_assessed) == 21


# -- one click: the draft ----------------------------------------------------------------------------


def _counts(store: Store) -> tuple[int, int, int, int]:
    return tuple(store.scalar(f"SELECT count(*) FROM {t}")  # noqa: S608 (constant names)
                 for t in ("commitments", "commitment_items", "commitment_countries", "audit_log"))


def test_a_focal_point_turns_a_template_into_a_draft_for_the_secretariat(store: Store, world: dict[str, int]) -> None:
    new_id = gaps.suggest_commitment(store, FOCAL_KEN, "KEN", "MNR-2016:3", "AD-2015:O4")
    stored = records.get_commitment(store, new_id)
    assert stored["review_state"] == "draft" and stored["visibility"] == "private"
    assert stored["title"] == "Enable technology companies to remove child sexual abuse material"
    assert stored["description"].startswith("Adopt or amend laws")
    assert stored["countries"] == ["KEN"]
    assert sorted(stored["framework_items"]) == ["AD-2015:O4", "MNR-2016:3"]
    assert stored["partners"] == [{"partner_id": world["gov_ken"], "role": "lead"}]  # the government partner
    entry = store.history("commitment", new_id)[0]
    assert entry["actor"] == FOCAL_KEN.identity and entry["action"] == "create"
    assert entry["after"]["suggested_from"] == gaps.suggestion_note("MNR-2016:3", "AD-2015:O4")
    # the secretariat now sees it covering the gap; the focal point does not see drafts, so still a gap
    assert "3" not in [g.code for g in gaps.gaps(store, EDITOR, "KEN").gaps]
    assert "3" in [g.code for g in gaps.gaps(store, FOCAL_KEN, "KEN").gaps]


def test_the_same_suggestion_twice_is_refused_and_stores_nothing(store: Store, world: dict[str, int]) -> None:
    first = gaps.suggest_commitment(store, FOCAL_KEN, "KEN", "MNR-2016:3", "AD-2015:O4")
    before = _counts(store)
    with pytest.raises(ValidationFailed, match=f"A draft from this template already exists.*commitment {first}"):
        gaps.suggest_commitment(store, EDITOR, "KEN", "MNR-2016:3", "AD-2015:O4")
    assert _counts(store) == before
    # the same template for another capability it serves is another suggestion
    gaps.suggest_commitment(store, EDITOR, "KEN", "MNR-2016:16", "AD-2015:O4")


@pytest.mark.parametrize("actor", [PUBLIC, MEMBER, FOCAL_UGA, REVIEWER, contributor(1)],
                         ids=["public", "member", "other-focal-point", "reviewer", "contributor"])
def test_others_are_refused_in_the_service_and_nothing_changes(store: Store, world: dict[str, int], actor) -> None:
    before = _counts(store)
    with pytest.raises(PermissionDenied) as refused:
        gaps.suggest_commitment(store, actor, "KEN", "MNR-2016:3", "AD-2015:O4")
    assert str(refused.value).startswith(f"{actor.display} ({actor.role.label}) may ")
    assert "propose a draft commitment" in str(refused.value)
    assert _counts(store) == before


@pytest.mark.parametrize(("country", "capability", "template", "message"), [
    ("KEN", "MNR-2016:13", "AD-2015:O4", "is not a suggestion for capability MNR-2016:13"),
    ("KEN", "MNR-2016:3", "AD-2015:Z9", "is not a commitment template"),
    ("KEN", "MNR-2016:3", "MNR-2016:3", "is not a commitment template"),
    ("UGA", "MNR-2016:3", "AD-2015:O4", "no government partner based in Uganda"),
])
def test_bad_suggestions_are_refused_with_a_reason_and_nothing_changes(
    store: Store, world: dict[str, int], country: str, capability: str, template: str, message: str
) -> None:
    before = _counts(store)
    with pytest.raises(ValidationFailed, match=message):
        gaps.suggest_commitment(store, EDITOR, country, capability, template)
    assert _counts(store) == before


def test_a_named_lead_partner_must_be_based_in_the_country(store: Store, world: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed, match="is not a partner based in Kenya"):
        gaps.suggest_commitment(store, EDITOR, "KEN", "MNR-2016:3", "AD-2015:O4", partner_id=world["uga"])
    new_id = gaps.suggest_commitment(store, EDITOR, "KEN", "MNR-2016:3", "AD-2015:O4",
                                     partner_id=world["hotline_ken"])
    assert records.get_commitment(store, new_id)["partners"][0]["partner_id"] == world["hotline_ken"]


def test_gaps_as_of_a_past_moment_ignore_what_was_recorded_since(store: Store, world: dict[str, int]) -> None:
    then = datetime.now()
    before = gaps.gaps(store, EDITOR, "KEN")
    _commitment(store, world["gov_ken"], "KEN", ["MNR-2016:3"], "Kenya law reform")  # covers 3 from now on
    assert "3" not in [g.code for g in gaps.gaps(store, EDITOR, "KEN").gaps]
    past = gaps.gaps(store, EDITOR, "KEN", as_of=then)
    assert [g.code for g in past.gaps] == [g.code for g in before.gaps] == ["3", "4", "5", "6"]
    assert _gap(past, "3").comparable == _gap(before, "3").comparable


def test_the_secretariat_finds_the_draft_under_the_gaps_and_no_one_else_does(
    store: Store, world: dict[str, int]
) -> None:
    new_id = gaps.suggest_commitment(store, FOCAL_KEN, "KEN", "MNR-2016:3", "AD-2015:O4")
    assert [d.commitment_id for d in gaps.gaps(store, EDITOR, "KEN").drafts] == [new_id]
    assert gaps.gaps(store, EDITOR, "KEN").drafts[0].partners == "Kenya Ministry of ICT"
    for actor in (FOCAL_KEN, PUBLIC, MEMBER, FOCAL_UGA):
        assert gaps.gaps(store, actor, "KEN").drafts == ()


def test_a_database_loaded_before_the_match_says_so(store: Store, world: dict[str, int]) -> None:
    assert gaps.gaps(store, EDITOR, "KEN").templates_matched
    store.cur.execute("UPDATE framework_items SET extra = json_object('template', extra->'template')"
                      " WHERE framework_id = 'AD-2015'")  # as loaded before extra.mnr_capabilities
    found = gaps.gaps(store, EDITOR, "KEN")
    assert not found.templates_matched and all(g.templates == () for g in found.gaps)
