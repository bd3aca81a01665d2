"""A new framework version is a data file plus a crosswalk file: after loading a second, fictional MNR
version, the forms, the importer, the demo generator and the pages all use it, and records made against
MNR-2016 keep their keys and map to the new version through the crosswalk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from partners import reference
from partners.demo import generator as demo
from partners.domain.frameworks import CrosswalkKind
from partners.domain.model import (
    SYSTEM,
    Actor,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Partner,
    PartnerRole,
    Role,
    StakeholderType,
)
from partners.reference import ReferenceDataError
from partners.services import frameworks, importing, records, setup
from partners.services.errors import ValidationFailed
from partners.storage.duckdb.store import DuckDBStore as Store
from test_import import commitment, xlsx

PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC)  # frameworks are public reference data

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = reference.DATA_DIR

# Clearly fictional: a version that does not exist, with invented items, for these tests only.
MNR_2099 = """\
id: MNR-2099
family: MNR
name: Model National Response (fictional test version)
version: "2099"
published: 2099-01-01
source_url: https://example.org/fictional-mnr-2099
description: Fictional. Exists only in the test suite, to prove that a new version is a data file.
verified: false
items:
  - code: PG
    kind: domain
    name: Policy and governance
    items:
      - {code: "1", kind: capability, name: Leadership}
      - {code: "2", kind: capability, name: Evidence and law}
  - code: CJ
    kind: domain
    name: Criminal justice
    items:
      - {code: "3", kind: capability, name: Specialist investigation units}
      - {code: "4", kind: capability, name: Online investigation capacity}
      - {code: "5", kind: capability, name: Fictional new capability}
"""

CROSSWALK = """\
from: MNR-2016
to: MNR-2099
rows:
  - {from: [MNR-2016:PG], to: [MNR-2099:PG], kind: same}
  - {from: [MNR-2016:CJ], to: [MNR-2099:CJ], kind: same}
  - {from: [MNR-2016:1], to: [MNR-2099:1], kind: same}
  - {from: [MNR-2016:2, MNR-2016:3], to: [MNR-2099:2], kind: merged}
  - {from: [MNR-2016:4], to: [MNR-2099:3, MNR-2099:4], kind: split}
  - {from: [], to: [MNR-2099:5], kind: new}
  - {from: [MNR-2016:21], to: [], kind: retired}
"""

CAPABILITIES_2099 = ["MNR-2099:1", "MNR-2099:2", "MNR-2099:3", "MNR-2099:4", "MNR-2099:5"]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of data/ with the fictional MNR-2099 and a crosswalk from MNR-2016, in use by the loader."""
    data = tmp_path / "data"
    shutil.copytree(REAL_DATA, data)
    (data / "frameworks" / "mnr-2099.yaml").write_text(MNR_2099, encoding="utf-8")
    (data / "crosswalks").mkdir(exist_ok=True)
    (data / "crosswalks" / "mnr-2016--mnr-2099.yaml").write_text(CROSSWALK, encoding="utf-8")
    monkeypatch.setattr(reference, "DATA_DIR", data)
    reference.clear_caches()
    yield data
    reference.clear_caches()


@pytest.fixture
def versioned(data_dir: Path, tmp_path: Path) -> Iterator[Store]:
    """A database loaded from that data folder (nothing else)."""
    store = Store.open(tmp_path / "versions.duckdb")
    setup.load_reference(store, SYSTEM)
    yield store
    store.db.close()


def test_the_newest_mnr_version_is_current_in_the_database_and_in_the_files(versioned: Store) -> None:
    assert frameworks.current_framework(versioned, "MNR").id == "MNR-2099"
    assert reference.current_framework("MNR").id == "MNR-2099"
    assert list(frameworks.capabilities(versioned).key) == CAPABILITIES_2099
    assert frameworks.current_framework(versioned, "GA").id == "GA-2012"  # other families are unchanged


def test_a_version_whose_file_says_current_false_is_never_current(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "frameworks" / "mnr-2099.yaml"
    path.write_text(path.read_text().replace("verified: false\n", "verified: false\ncurrent: false\n"))
    reference.clear_caches()
    store = Store.open(tmp_path / "draft.duckdb")
    try:
        setup.load_reference(store, SYSTEM)
        assert frameworks.current_framework(store, "MNR").id == "MNR-2016"
        assert reference.current_framework("MNR").id == "MNR-2016"
        assert store.framework_item("MNR-2099:5") is not None  # loaded all the same
    finally:
        store.db.close()


def test_the_commitment_form_offers_the_current_version_and_keeps_existing_links(versioned: Store) -> None:
    offered = set(frameworks.picker_items(versioned, PUBLIC).framework_id)
    assert "MNR-2099" in offered and "MNR-2016" not in offered
    assert {"GA-2012", "VP-2020"} <= offered
    editing = frameworks.picker_items(versioned, PUBLIC, ["MNR-2016:4"])
    assert "MNR-2016:4" in set(editing.key)
    assert "MNR-2016:5" not in set(editing.key)


def test_keys_of_both_versions_are_accepted_on_write_and_unknown_keys_refused(versioned: Store) -> None:
    pid = records.create_partner(
        versioned, SYSTEM, Partner(name="Fictional ministry", stakeholder_type=StakeholderType.GOVERNMENT)
    )
    c = Commitment(
        title="Set up a specialist unit",
        partners=[CommitmentPartner(partner_id=pid, role=PartnerRole.LEAD)],
        countries=["KEN"],
        framework_items=["MNR-2099:3", "MNR-2016:4"],
    )
    cid = records.log_commitment(versioned, SYSTEM, c)
    assert sorted(records.get_commitment(versioned, cid)["framework_items"]) == ["MNR-2016:4", "MNR-2099:3"]
    with pytest.raises(ValidationFailed, match="MNR-2099:99"):
        records.log_commitment(versioned, SYSTEM, c.model_copy(update={"framework_items": ["MNR-2099:99"]}))


def test_the_importer_reads_short_forms_on_the_current_version_and_full_keys_as_written(versioned: Store) -> None:
    records.create_partner(
        versioned, SYSTEM, Partner(name="Ministry of Interior of Kenya", stakeholder_type=StakeholderType.GOVERNMENT)
    )
    records.create_partner(
        versioned, SYSTEM, Partner(name="Childline Kenya", stakeholder_type=StakeholderType.CIVIL_SOCIETY)
    )
    rows = [
        commitment("V-1", framework_items="MNR 3; Fictional new capability"),
        commitment("V-2", framework_items="MNR-2016:4"),
    ]
    report = importing.run_import(versioned, SYSTEM, xlsx(rows), "versions.xlsx")
    assert report.committed, report.problems
    stored = {ref: versioned.commitment_by_external_ref(ref)["id"] for ref in ("V-1", "V-2")}
    links = {ref: sorted(records.get_commitment(versioned, cid)["framework_items"]) for ref, cid in stored.items()}
    assert links == {"V-1": ["MNR-2099:3", "MNR-2099:5"], "V-2": ["MNR-2016:4"]}


def test_the_demo_generator_links_to_the_current_mnr_through_the_crosswalk(versioned: Store) -> None:
    ds = demo.generate(scale=0.1)
    first_links = {c.framework_items[0].partition(":")[0] for c in ds.commitments}
    assert first_links == {"MNR-2099"}
    assert {a.capability for a in ds.assessments} <= set(CAPABILITIES_2099)
    assert demo._current_mnr_key("4") == "MNR-2099:3"  # split: the first successor
    assert demo._current_mnr_key("3") == "MNR-2099:2"  # merged
    setup.load_demo(versioned, SYSTEM, ds, description="versions test")  # the database accepts every key
    assert versioned.count("capability_assessments") == len(ds.assessments)


def test_an_assessment_made_against_mnr_2016_keeps_its_key_and_maps_through_the_crosswalk(
    versioned: Store,
) -> None:
    aid = records.record_assessment(
        versioned, SYSTEM,
        CapabilityAssessment(country="KEN", capability="MNR-2016:4", assessed_on=date(2024, 5, 1), phase=2),
    )
    assert records.get_record(versioned, SYSTEM, "capability_assessment", aid)["capability_key"] == "MNR-2016:4"
    mapped = frameworks.map_to_current(versioned, ["MNR-2016:4", "MNR-2016:2", "MNR-2016:21", "MNR-2099:1"])
    assert mapped["MNR-2016:4"].targets == ("MNR-2099:3", "MNR-2099:4")
    assert mapped["MNR-2016:4"].kind is CrosswalkKind.SPLIT
    assert mapped["MNR-2016:2"].targets == ("MNR-2099:2",) and mapped["MNR-2016:2"].kind is CrosswalkKind.MERGED
    assert mapped["MNR-2016:21"].targets == () and mapped["MNR-2016:21"].kind is CrosswalkKind.RETIRED
    assert not mapped["MNR-2099:1"].through_crosswalk
    assert frameworks.crosswalk_note(versioned, mapped["MNR-2016:4"]) == (
        "Shown on MNR 2099 through the crosswalk from MNR 2016 (split)."
    )
    assert frameworks.crosswalk_note(versioned, mapped["MNR-2099:1"]) == ""


def test_the_assessments_page_offers_the_current_version_and_says_how_older_ones_map(
    versioned: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = versioned.db.path
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    versioned.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at.run()
    at.switch_page("src/partners/pages/assessments_admin.py").run()
    assert not at.exception, at.exception
    country = at.selectbox(key="assess_country").value
    options = at.selectbox(key="assess_new_0_capability").options
    assert len(options) == len(CAPABILITIES_2099)
    assert options[2] == "3 · Specialist investigation units (Criminal justice)"

    store = Store.open(path)
    try:
        records.record_assessment(
            store, SYSTEM,
            CapabilityAssessment(country=country, capability="MNR-2016:4", assessed_on=date(2024, 5, 1), phase=2),
        )
    finally:
        store.db.close()
    at.run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Made against MNR 2016" in captions
    assert "shown on MNR 2099 through the crosswalk: 4 → 3, 4 (split)" in captions


def test_a_crosswalk_naming_an_unknown_key_is_refused(data_dir: Path, tmp_path: Path) -> None:
    bad = data_dir / "crosswalks" / "mnr-2016--mnr-2099.yaml"
    bad.write_text(CROSSWALK.replace("[MNR-2016:21]", "[MNR-2016:99]"), encoding="utf-8")
    reference.clear_caches()
    with pytest.raises(ReferenceDataError, match=r"rows\[6\]: 'MNR-2016:99' is not an item of MNR-2016"):
        reference.crosswalks()
    store = Store.open(tmp_path / "refused.duckdb")
    try:
        with pytest.raises(ReferenceDataError, match="MNR-2016:99"):
            setup.load_reference(store, SYSTEM)
        assert store.count("frameworks") == 0  # nothing half-loaded
    finally:
        store.db.close()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{from: [MNR-2016:5], to: [MNR-2099:5, MNR-2099:4], kind: same}", "kind 'same' needs one 'from' key"),
        ("{from: [MNR-2016:5], to: [MNR-2099:1], kind: same}", r"'MNR-2099:1' is already in rows\[2\]"),
        ("{from: [MNR-2016:5], to: [MNR-2099:5], kind: renamed}", "'kind' must be one of same, merged"),
        ("{from: [MNR-2016:5], to: [MNR-2099:5], kind: same, why: x}", r"unknown field\(s\) \['why'\]"),
    ],
)
def test_a_crosswalk_row_of_the_wrong_shape_is_refused(data_dir: Path, row: str, message: str) -> None:
    (data_dir / "crosswalks" / "mnr-2016--mnr-2099.yaml").write_text(
        CROSSWALK.replace("  - {from: [], to: [MNR-2099:5], kind: new}\n", "") + f"  - {row}\n", encoding="utf-8"
    )
    reference.clear_caches()
    with pytest.raises(ReferenceDataError, match=message):
        reference.crosswalks()
