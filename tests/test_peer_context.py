"""Peer context on the country scorecard: the country's phase per MNR domain beside its peer groups'
median and interquartile band, from published assessments only, never a rank, and nothing private seen
by anyone who may not see it."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from actors import ADMIN, EDITOR, FOCAL_KEN, FOCAL_UGA, MEMBER, PUBLIC, contributor
from partners import reference
from partners.domain.model import Actor, CapabilityAssessment, Role
from partners.domain.scoring import PeerBand
from partners.services import records, scorecard
from partners.services.bulk import Dataset, load_dataset
from partners.storage import Store

#: Published rounds, one uniform phase per country over all 21 capabilities (so each domain's phase is it).
#: Africa: 2, 1, 2, 3, 4 -> median 2, quartiles 2 and 3. Europe: two countries only. Brazil: the Americas.
PUBLISHED = {"KEN": 2, "UGA": 1, "TZA": 2, "RWA": 3, "ETH": 4, "GBR": 4, "FRA": 3, "BRA": 1}
ROUND = date(2022, 5, 1)
FOCAL_GBR = Actor(identity="gill@uk.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"GBR"}))


def capabilities() -> list[str]:
    return [c.key for c in reference.mnr_capabilities()]


def assessments(code: str, phase: int, *, published: bool, day: date = ROUND) -> list[CapabilityAssessment]:
    return [
        CapabilityAssessment(country=code, capability=key, assessed_on=day, phase=phase, published=published)
        for key in capabilities()
    ]


@pytest.fixture
def peers(store: Store) -> Store:
    """Eleven member countries; eight have a published round; KEN also has a newer private one (phase 4);
    DEU and ZAF have private rounds only; SWE has nothing."""
    ds = Dataset(
        assessments=[
            *(a for code, phase in PUBLISHED.items() for a in assessments(code, phase, published=True)),
            *assessments("KEN", 4, published=False, day=date(2025, 5, 1)),
            *assessments("DEU", 1, published=False),
            *assessments("ZAF", 4, published=False),
        ],
        members=dict.fromkeys([*PUBLISHED, "DEU", "ZAF", "SWE"], date(2015, 1, 1)),
    )
    load_dataset(store, ADMIN, ds)
    return store


def bands(context: scorecard.PeerContext, kind: str) -> list[PeerBand]:
    return [band for d in context.domains for group, band in d.bands if group.kind == kind]


def test_the_peer_bands_are_the_median_and_quartiles_of_published_member_countries(peers: Store) -> None:
    context = scorecard.peer_context(peers, PUBLIC, "UGA")
    assert [(g.kind, g.label) for g in context.groups] == [
        ("region", "Africa"), ("north_south", "Global South"), ("members", "All member countries")
    ]
    assert len(context.domains) == 6
    assert {b for b in bands(context, "region")} == {PeerBand(5, 2.0, 2.0, 3.0)}  # 1, 2, 2, 3, 4
    # the South: Africa's five and Brazil (1): 1, 1, 2, 2, 3, 4
    assert {b for b in bands(context, "north_south")} == {PeerBand(6, 2.0, 1.3, 2.8)}
    # every member with a published round: 1, 1, 2, 2, 3, 3, 4, 4
    assert {b for b in bands(context, "members")} == {PeerBand(8, 2.5, 1.8, 3.3)}
    assert all(d.country.phase == 1.0 for d in context.domains)  # Uganda's own


def test_a_group_of_two_published_countries_is_suppressed_saying_so(peers: Store) -> None:
    context = scorecard.peer_context(peers, EDITOR, "GBR")
    europe = bands(context, "region")
    assert europe and all(not b.shown and "fewer than 3 countries" in b.suppressed for b in europe)
    assert all(b.median is None and b.countries is None for b in europe)
    north = bands(context, "north_south")  # GBR and FRA published; DEU's round is private
    assert all(not b.shown for b in north)
    assert all(b.shown and b.countries == 8 for b in bands(context, "members"))


def test_unpublished_assessments_never_count_in_a_band_whoever_asks(peers: Store) -> None:
    seen = {
        actor.identity: {(g.kind, b) for d in scorecard.peer_context(peers, actor, "KEN").domains for g, b in d.bands}
        for actor in (PUBLIC, MEMBER, FOCAL_KEN, FOCAL_UGA, EDITOR)
    }
    assert len({frozenset(s) for s in seen.values()}) == 1  # the same bands for every viewer
    # KEN's private phase 4 and ZAF's private round would move Africa's band: they are not in it
    assert {b for kind, b in seen[EDITOR.identity] if kind == "region"} == {PeerBand(5, 2.0, 2.0, 3.0)}
    # publishing a round makes it count
    load_dataset(peers, ADMIN, Dataset(assessments=assessments("ZAF", 4, published=True)))
    after = scorecard.peer_context(peers, PUBLIC, "KEN")
    assert {b for b in bands(after, "region")} == {PeerBand(6, 2.5, 2.0, 3.8)}  # 1, 2, 2, 3, 4, 4


def test_a_published_round_of_a_country_that_is_not_a_member_stays_out_of_every_band(peers: Store) -> None:
    load_dataset(peers, ADMIN, Dataset(assessments=assessments("NGA", 4, published=True)))  # Africa, no member
    context = scorecard.peer_context(peers, PUBLIC, "UGA")
    assert {b for b in bands(context, "region")} == {PeerBand(5, 2.0, 2.0, 3.0)}
    assert {b.countries for b in bands(context, "members")} == {8}


def test_the_country_sees_its_own_private_round_and_nobody_else_does(peers: Store) -> None:
    for actor in (FOCAL_KEN, EDITOR):
        context = scorecard.peer_context(peers, actor, "KEN")
        assert context.includes_private and all(d.country.phase == 4.0 for d in context.domains)
    for actor in (PUBLIC, MEMBER, FOCAL_UGA, FOCAL_GBR, contributor(1)):
        context = scorecard.peer_context(peers, actor, "KEN")
        assert not context.includes_private
        assert all(d.country.phase == 2.0 for d in context.domains)  # the published round only
        maturity = scorecard.maturity(peers, actor, "KEN")
        assert maturity.assessments == 21 and not maturity.includes_private
        assert {c.latest.assessed_on for c in maturity.capabilities.values()} == {ROUND}
    # a country with private rounds only shows nothing to the others
    assert all(d.country.phase is None for d in scorecard.peer_context(peers, FOCAL_KEN, "ZAF").domains)
    assert all(d.country.phase == 4.0 for d in scorecard.peer_context(peers, EDITOR, "ZAF").domains)


def _texts(value: object) -> list[str]:
    """Every text and number in a result, however deeply nested."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _texts(dataclasses.asdict(value))
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(value, list | tuple | set | frozenset):
        return [t for v in value for t in _texts(v)]
    return [str(value)]


def test_no_output_names_or_orders_other_countries(peers: Store) -> None:
    context = scorecard.peer_context(peers, EDITOR, "KEN")
    words = " ".join(_texts(context))
    others = [c for c in (*PUBLISHED, "DEU", "ZAF", "SWE") if c != "KEN"]
    names = [reference.country_by_code(c).name for c in others]
    assert not [c for c in (*others, *names) if re.search(rf"\b{re.escape(c)}\b", words)]
    # only aggregates per band: no list of countries' values, no position, no rank
    assert {f.name for f in dataclasses.fields(PeerBand)} == {
        "countries", "median", "lower_quartile", "upper_quartile", "suppressed"
    }
    assert not re.search(r"\b(rank|position|top|league|percentile)\b", words, flags=re.IGNORECASE)
    for domain in context.domains:
        for _, band in domain.bands:
            assert not any(isinstance(getattr(band, f.name), list | tuple) for f in dataclasses.fields(band))


def test_no_published_assessments_suppress_every_band(store: Store) -> None:
    records.record_assessment(store, EDITOR, assessments("KEN", 3, published=False)[0])
    context = scorecard.peer_context(store, EDITOR, "KEN")
    assert all(not b.shown for d in context.domains for _, b in d.bands)
    assert context.includes_private


def test_the_bands_follow_a_sign_off_and_a_withdrawal_at_once(peers: Store) -> None:
    """The bands' inputs are kept between writes that cannot change them (a progress report), never past a
    sign-off or a withdrawal: DEU (phase 1, private) signs off, then withdraws."""
    from partners.services import signoff

    before = bands(scorecard.peer_context(peers, PUBLIC, "UGA"), "members")
    assert {b.countries for b in before} == {8}
    signoff.sign_off(peers, ADMIN, "DEU")
    assert {b.countries for b in bands(scorecard.peer_context(peers, PUBLIC, "UGA"), "members")} == {9}
    signoff.withdraw(peers, ADMIN, "DEU", "Signed off by mistake")
    assert bands(scorecard.peer_context(peers, PUBLIC, "UGA"), "members") == before
