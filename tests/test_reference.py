"""Reference data: the real files under data/ and the loader in partners.reference."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from partners import reference
from partners.domain.model import Event
from partners.reference import ReferenceDataError

MNR_DOMAIN_OF = {
    **dict.fromkeys(["1", "2", "3"], "PG"),
    **dict.fromkeys(["4", "5", "6", "7"], "CJ"),
    **dict.fromkeys(["8", "9", "10", "11"], "VI"),
    **dict.fromkeys(["12", "13", "14", "15"], "SO"),
    **dict.fromkeys(["16", "17", "18", "19"], "IN"),
    **dict.fromkeys(["20", "21"], "MC"),
}

# [U] in the domain notes: encoded, but provisional.
UNCONFIRMED = {
    "GA-2012:G2.2",
    "GA-2012:G3.1",
    "GA-2012:G4.1",
    "GA-2012:G4.2",
    "VP-2020:9",
    "VP-2020:10",
    "VP-2020:11",
    # the grouping of the Voluntary Principles into themes is not in the notes
    *(f"VP-2020:TH{n}" for n in range(1, 8)),
}

EU_27 = {
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
}  # fmt: skip

MNR_2022 = """\
id: MNR-2022
family: MNR
name: WePROTECT Model National Response
version: "2022"
published: 2022-11-01
source_url: https://www.weprotect.org/the-model-national-response/
items:
  - code: PG
    kind: domain
    name: Policy and governance
    items:
      - code: "1"
        kind: capability
        name: Leadership
      - code: "2"
        kind: capability
        name: Research, analysis and monitoring
        verified: false
  - code: IN
    kind: domain
    name: Industry
    items:
      - code: "3"
        kind: capability
        name: Responsible business conduct
        verified: false
        source: https://www.weprotect.org/framing-the-future/
"""


@pytest.fixture
def fresh_caches():
    """Forget cached reference data before and after a test that points the loader elsewhere."""
    reference.clear_caches()
    yield
    reference.clear_caches()


# --------------------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------------------


def test_frameworks_are_the_five_data_files_with_mnr_first():
    ids = [fw.id for fw in reference.frameworks()]
    assert ids[0] == "MNR-2016"
    assert sorted(ids) == sorted(["MNR-2016", "GA-2012", "VP-2020", "GTA-2019-FL", "AD-2015"])
    assert reference.framework("GA-2012").family == "GA"
    assert reference.framework("nope") is None


def test_mnr_has_21_capabilities_in_6_domains_numbered_1_to_21_in_order():
    mnr = reference.framework("MNR-2016")
    domains = [i for i in mnr.items if i.kind == "domain"]
    assert [d.code for d in domains] == ["PG", "CJ", "VI", "SO", "IN", "MC"]
    assert all(d.parent_code is None for d in domains)

    caps = reference.mnr_capabilities()
    assert [c.code for c in caps] == [str(n) for n in range(1, 22)]
    assert all(c.framework_id == "MNR-2016" and c.kind == "capability" for c in caps)


@pytest.mark.parametrize("code,domain", sorted(MNR_DOMAIN_OF.items(), key=lambda kv: int(kv[0])))
def test_each_mnr_capability_sits_under_its_domain(code, domain):
    assert reference.framework_item(f"MNR-2016:{code}").parent_code == domain


def test_mnr_capability_names_follow_the_public_model():
    names = {c.code: c.name for c in reference.mnr_capabilities()}
    assert names["1"] == "Leadership"
    assert names["7"] == "Access to image databases"
    assert names["12"] == "CSEA hotline"
    assert names["21"] == "Universal terminology"


def test_ordinals_are_positions_among_siblings():
    cj = [i for i in reference.framework("MNR-2016").items if i.parent_code == "CJ"]
    assert [(i.code, i.ordinal) for i in cj] == [("4", 1), ("5", 2), ("6", 3), ("7", 4)]
    assert reference.framework_item("MNR-2016:CJ").ordinal == 2


def test_every_framework_and_every_item_has_a_source():
    for fw in reference.frameworks():
        assert fw.source_url.startswith("https://"), fw.id
        for item in fw.items:
            assert item.source.startswith("http"), item.key


def test_unconfirmed_items_are_unverified_and_the_rest_verified():
    for fw in reference.frameworks():
        assert fw.verified, fw.id
        for item in fw.items:
            assert item.verified is (item.key not in UNCONFIRMED), item.key
    keys = {item.key for fw in reference.frameworks() for item in fw.items}
    assert keys >= UNCONFIRMED


def test_partly_confirmed_items_are_verified_with_partial_confidence():
    principle_8 = reference.framework_item("VP-2020:8")
    assert principle_8.verified is True
    assert principle_8.extra["confidence"] == "partial"
    enablers = reference.framework_meta("MNR-2016")["enablers"]
    assert len(enablers) == 4
    assert all(e["confidence"] == "partial" for e in enablers)


def test_framework_item_is_found_by_key_and_unknown_keys_give_none():
    assert reference.framework_item("MNR-2016:4").name == "Dedicated law enforcement"
    assert reference.framework_item("GA-2012:T1").kind == "target"
    assert reference.framework_item("GA-2012:G1.1").parent_code == "T1"
    assert reference.framework_item("MNR-2016:99") is None
    assert reference.framework_item("XYZ:1") is None
    assert reference.framework_item("MNR-2016") is None


def test_framework_meta_keeps_extra_source_addresses():
    meta = reference.framework_meta("VP-2020")
    assert meta["file"] == "voluntary-principles-2020.yaml"
    assert any("gov.uk" in url for url in meta["sources"])
    assert reference.framework_meta("nope") == {}


def test_global_alliance_has_four_targets_with_their_operational_goals():
    ga = reference.framework("GA-2012")
    targets = [i.code for i in ga.items if i.kind == "target"]
    assert targets == ["T1", "T2", "T3", "T4"]
    goals = {i.code: i.parent_code for i in ga.items if i.kind == "goal"}
    assert goals == {"G1.1": "T1", "G2.1": "T2", "G2.2": "T2", "G3.1": "T3", "G4.1": "T4", "G4.2": "T4"}


def test_voluntary_principles_are_11_under_7_themes():
    vp = reference.framework("VP-2020")
    themes = [i for i in vp.items if i.kind == "theme"]
    principles = [i for i in vp.items if i.kind == "principle"]
    assert len(themes) == 7
    assert [p.code for p in principles] == [str(n) for n in range(1, 12)]
    grouping = {p.code: p.parent_code for p in principles}
    assert grouping == {
        "1": "TH1", "2": "TH1", "3": "TH2", "4": "TH2", "5": "TH3", "6": "TH4",
        "7": "TH5", "8": "TH6", "9": "TH7", "10": "TH7", "11": "TH7",
    }  # fmt: skip


def test_gta_2019_has_13_recommendations_each_with_its_addressee():
    gta = reference.framework("GTA-2019-FL")
    addressees = {i.code: i.name for i in gta.items if i.kind == "addressee"}
    recs = [i for i in gta.items if i.kind == "recommendation"]
    assert [r.code for r in recs] == [str(n) for n in range(1, 14)]
    for rec in recs:
        assert rec.extra["addressee"] == addressees[rec.parent_code], rec.code
    by_code = {r.code: r.extra["addressee"] for r in recs}
    assert by_code["1"] == by_code["4"] == "International community"
    assert by_code["5"] == "Global technology companies"
    assert by_code["11"] == "Law enforcement agencies"
    assert by_code["13"] == "Social care providers"


def test_abu_dhabi_outcomes_and_commitments_carry_commitment_templates():
    ad = reference.framework("AD-2015")
    assert [i.code for i in ad.items if i.kind == "outcome"] == ["O1", "O2", "O3", "O4", "O5"]
    assert [i.code for i in ad.items if i.kind == "commitment"] == ["C1", "C2", "C3"]
    for item in ad.items:
        template = item.extra["template"]
        for field in ("title", "description", "deliverable", "indicator", "unit"):
            assert template[field].strip(), (item.code, field)
        assert len(template["title"]) <= 300


# --------------------------------------------------------------------------------------------------
# New versions and invalid files
# --------------------------------------------------------------------------------------------------


def test_a_new_framework_version_needs_only_a_new_data_file(tmp_path):
    path = tmp_path / "mnr-2022.yaml"
    path.write_text(MNR_2022, encoding="utf-8")

    fw = reference.load_framework_file(path)

    assert (fw.id, fw.family, fw.version) == ("MNR-2022", "MNR", "2022")
    by_code = {i.code: i for i in fw.items}
    assert by_code["2"].parent_code == "PG" and by_code["2"].verified is False
    assert by_code["1"].source == fw.source_url
    assert by_code["3"].source == "https://www.weprotect.org/framing-the-future/"
    assert by_code["3"].ordinal == 1


def test_the_newest_mnr_version_in_the_data_folder_gives_the_capabilities(
    tmp_path, monkeypatch, fresh_caches
):
    shutil.copytree(reference.DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "frameworks" / "mnr-2022.yaml").write_text(MNR_2022, encoding="utf-8")
    monkeypatch.setattr(reference, "DATA_DIR", tmp_path / "data")
    reference.clear_caches()

    assert [fw.id for fw in reference.frameworks()][:2] == ["MNR-2016", "MNR-2022"]
    assert [c.key for c in reference.mnr_capabilities()] == ["MNR-2022:1", "MNR-2022:2", "MNR-2022:3"]
    assert reference.framework_item("MNR-2016:21").name == "Universal terminology"


INVALID = {
    "duplicate code": (
        """
        - {code: A, kind: domain, name: One}
        - {code: A, kind: domain, name: Two}
        """,
        "used twice",
    ),
    "unknown parent": (
        """
        - {code: A, kind: domain, name: One}
        - {code: "1", kind: capability, name: Orphan, parent: ZZ}
        """,
        "unknown parent ZZ",
    ),
    "missing name": (
        """
        - code: A
          kind: domain
          items:
            - {code: "1", kind: capability}
        """,
        "'name' is required",
    ),
    "unknown item field": (
        """
        - {code: A, kind: domain, name: One, verifed: false}
        """,
        "verifed",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_framework_file_raises_an_error_naming_the_file(tmp_path, case):
    items, expected = INVALID[case]
    body = "\n".join(line[8:] for line in items.strip("\n").splitlines())
    text = (
        "id: BAD-1\nfamily: BAD\nname: Broken\nversion: '1'\nsource_url: https://example.org/\n"
        "items:\n" + "\n".join("  " + line for line in body.splitlines()) + "\n"
    )
    path = tmp_path / f"broken-{case.replace(' ', '-')}.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ReferenceDataError) as info:
        reference.load_framework_file(path)

    assert path.name in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("id: [unclosed\n", "not valid YAML"),
        ("id: X-1\npublished: 2020-13-01\n", "month must be in 1..12"),
        ("- just\n- a list\n", "must be a mapping"),
        ("id: X-1\nfamily: X\nname: X\nversion: '1'\nitems: [{code: A, kind: k, name: n}]\n", "source_url"),
        ("id: X-1\nfamily: X\nname: X\nversion: '1'\nsource_url: https://e.org\nowner: me\n", "owner"),
        ("id: X-1\nfamily: X\nname: X\nversion: '1'\nsource_url: https://e.org\nitems: []\n", "items"),
    ],
)
def test_a_malformed_framework_file_raises_an_error_naming_the_file(tmp_path, text, expected):
    path = tmp_path / "malformed.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=expected) as info:
        reference.load_framework_file(path)
    assert "malformed.yaml" in str(info.value)


def test_clearing_the_cache_rereads_edited_files(tmp_path, monkeypatch, fresh_caches):
    shutil.copytree(reference.DATA_DIR, tmp_path / "data")
    monkeypatch.setattr(reference, "DATA_DIR", tmp_path / "data")
    reference.clear_cache()
    assert reference.maturity_phases()[1].label == "Developing"

    maturity = tmp_path / "data" / "maturity" / "mnr.yaml"
    maturity.write_text(
        maturity.read_text(encoding="utf-8").replace("Developing", "Emerging"), encoding="utf-8"
    )
    assert reference.maturity_phases()[1].label == "Developing"  # cached until cleared
    reference.clear_cache()
    assert reference.maturity_phases()[1].label == "Emerging"


def test_a_broken_file_in_the_data_folder_stops_loading_with_its_name(tmp_path, monkeypatch, fresh_caches):
    shutil.copytree(reference.DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "frameworks" / "zz-copy.yaml").write_text(
        (tmp_path / "data" / "frameworks" / "mnr-2016.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(reference, "DATA_DIR", tmp_path / "data")
    reference.clear_caches()
    with pytest.raises(ReferenceDataError, match="zz-copy.yaml.*MNR-2016"):
        reference.frameworks()


# --------------------------------------------------------------------------------------------------
# Maturity phases
# --------------------------------------------------------------------------------------------------


def test_maturity_has_four_phases_with_the_middle_labels_unverified():
    phases = reference.maturity_phases()
    assert [p.phase for p in phases] == [1, 2, 3, 4]
    assert (phases[0].label, phases[3].label) == ("Building", "Maturity")
    assert [p.verified for p in phases] == [True, False, False, True]
    assert all(p.description for p in phases)


# --------------------------------------------------------------------------------------------------
# Global North
# --------------------------------------------------------------------------------------------------


def test_global_north_follows_the_gta_2019_definition():
    north = reference.global_north_codes()
    for code in ["USA", "CAN", "GBR", "FRA", "DEU", "ITA", "JPN", "RUS", "ISR", "SGP", "KOR", "AUS", "NZL"]:
        assert code in north, code
    assert EU_27 <= north
    assert north == EU_27 | {"USA", "CAN", "GBR", "JPN", "RUS", "ISR", "SGP", "KOR", "AUS", "NZL"}
    for code in ["CHN", "BRA", "IND", "NGA", "ZAF", "MEX", "PHL"]:
        assert code not in north, code

    countries = reference.countries()
    assert {c.code for c in countries.values() if c.global_north} == north
    assert countries["KEN"].global_north is False


def test_global_north_definition_keeps_its_source_and_groups():
    definition = reference.global_north_definition()
    assert definition["source_url"].startswith("https://")
    groups = {g["id"]: g for g in definition["groups"]}
    assert set(groups["EU"]["members"]) == EU_27
    assert groups["EU"]["former_members"] == ["GBR"]
    assert "CHN" not in groups["UNSC-P4"]["members"] and groups["UNSC-P4"]["excluded"] == ["CHN"]


def test_eu_members_in_the_grouping_match_country_converter():
    folder = Path(next(iter(importlib.util.find_spec("country_converter").submodule_search_locations)))
    with (folder / "country_data.tsv").open(encoding="utf-8", newline="") as handle:
        eu27 = {row["ISO3"] for row in csv.DictReader(handle, delimiter="\t") if row.get("EU27")}
    assert eu27 == EU_27


# --------------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------------


def test_countries_cover_iso_3166_with_m49_regions():
    countries = reference.countries()
    assert len(countries) > 190
    assert countries["KEN"].region == "Africa" and countries["KEN"].subregion == "Eastern Africa"
    assert countries["BRA"].region == "Americas" and countries["BRA"].subregion == "South America"
    assert countries["NAM"].region == "Africa"  # 'NA' must not be read as missing
    assert countries["PHL"].region == "Asia"
    assert reference.regions() == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert all(c.member is False and c.member_since is None for c in countries.values())


def test_only_antarctica_has_no_m49_region():
    unclassified = [c.code for c in reference.countries().values() if c.region == reference.UNCLASSIFIED]
    assert unclassified == ["ATA"]
    assert reference.country_by_code("BVT").region == "Americas"
    assert reference.country_by_code("HMD").region == "Oceania"


def test_country_fields_come_from_pycountry_with_common_names():
    bol = reference.country_by_code("BOL")
    assert (bol.name, bol.alpha2, bol.numeric) == ("Bolivia", "BO", "068")
    assert reference.country_by_code("TWN").name == "Taiwan"
    assert reference.country_by_code("GBR").name == "United Kingdom"
    assert all(len(c.numeric) == 3 and c.numeric.isdigit() for c in reference.countries().values())


def test_country_by_code_is_case_insensitive_and_none_when_unknown():
    assert reference.country_by_code("ken").code == "KEN"
    assert reference.country_by_code(" Gbr ").code == "GBR"
    assert reference.country_by_code("xxx") is None
    assert reference.country_by_code("") is None


def test_changing_a_returned_country_does_not_change_the_reference_data():
    reference.countries()["KEN"].member = True
    reference.country_by_code("KEN").member = True
    assert reference.country_by_code("KEN").member is False


def test_models_validate_country_codes_against_the_reference_data():
    event = Event(name="Summit", kind="summit", date="2019-12-11", country="eth")
    assert event.country == "ETH"
    with pytest.raises(ValueError, match="not an ISO 3166-1 alpha-3"):
        Event(name="Summit", kind="summit", date="2019-12-11", country="XXX")


@pytest.mark.parametrize(
    "text,code",
    [
        ("KEN", "KEN"),
        ("ke", "KEN"),
        ("Kenya", "KEN"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("UK", "GBR"),
        ("United Kingdom", "GBR"),
        ("Great Britain", "GBR"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("United States of America", "USA"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("  bolivia ", "BOL"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Viet Nam", "VNM"),
        ("Philippines", "PHL"),
    ],
)
def test_match_country_accepts_common_variants(text, code):
    assert reference.match_country(text).code == code


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "XX", "Kosovo"])
def test_match_country_returns_none_when_nothing_matches(text):
    assert reference.match_country(text) is None


# --------------------------------------------------------------------------------------------------
# World map
# --------------------------------------------------------------------------------------------------


def test_world_map_ids_join_country_numeric_codes():
    path = reference.world_topojson_path()
    assert path.name == "countries-110m.json"
    assert (path.parent / "LICENSE-world-atlas").is_file()
    topology = json.loads(path.read_text(encoding="utf-8"))
    ids = {g["id"] for g in topology["objects"]["countries"]["geometries"] if "id" in g}
    assert all(len(i) == 3 and i.isdigit() for i in ids)
    numerics = {c.numeric for c in reference.countries().values()}
    assert ids <= numerics
    assert {reference.country_by_code(c).numeric for c in ("KEN", "BRA", "PHL")} <= ids
