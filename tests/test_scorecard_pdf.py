"""``partners scorecard``: a country's scorecard as a PDF, typeset from the same service data, read back here
with pypdf: the country, the as-of date, the figures and the confidentiality line (only with private data)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from partners import cli, reference
from partners.domain.model import SYSTEM, CapabilityAssessment, Partner, StakeholderType
from partners.services import records, rounds, setup, signoff
from partners.storage.duckdb.store import DuckDBStore as Store

#: A private note and a partner name holding Typst markup: they must come out as text (or not at all).
PRIVATE_NOTE = "ZQX-private-note"
MARKUP = '#read("/etc/passwd") ]*bold*['
DAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kenya (a member) with a signed-off round at phase 2, then a newer private round at phase 4."""
    db = tmp_path_factory.mktemp("pdf") / "partners.duckdb"
    store = Store.open(db)
    setup.load_reference(store, SYSTEM)
    store.set_memberships({"KEN": date(2015, 1, 1)})
    keys = [c.key for c in reference.mnr_capabilities()]
    rounds.save_round(store, SYSTEM, "KEN", DAY, [rounds.GridRow(k, 2) for k in keys], submit=True)
    signoff.sign_off(store, SYSTEM, "KEN", "Agreed")
    records.record_assessment(store, SYSTEM, CapabilityAssessment(
        country="KEN", capability=keys[0], assessed_on=date(2025, 6, 1), phase=4, note=PRIVATE_NOTE))
    records.create_partner(store, SYSTEM, Partner(name=MARKUP, stakeholder_type=StakeholderType.HOTLINE,
                                                  hq_country="KEN"))
    store.db.close()
    return db


@pytest.fixture
def db(db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "partners.duckdb"
    shutil.copy(db_template, path)
    return path


def pdf_text(path: Path) -> tuple[int, list[str]]:
    reader = PdfReader(str(path))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_the_private_pdf_names_the_country_and_is_confidential_on_every_page(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ken.pdf"
    assert cli.main(["--db", str(db), "scorecard", "KEN", "--pdf", str(out)]) == 0
    pages, texts = pdf_text(out)
    assert 2 <= pages <= 3
    whole = " ".join(texts)
    assert "Kenya" in whole
    assert f"{datetime.now():%Y}" in whole  # the as-of date: today
    assert all("Confidential: Kenya and the secretariat" in " ".join(t.split()) for t in texts)


def test_the_public_pdf_holds_only_what_was_signed_off(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ken-public.pdf"
    assert cli.main(["--db", str(db), "scorecard", "KEN", "--pdf", str(out), "--public"]) == 0
    _, texts = pdf_text(out)
    whole = " ".join(" ".join(texts).split())
    assert "Kenya" in whole
    assert "Confidential" not in whole
    assert PRIVATE_NOTE not in whole


def test_bad_input_writes_nothing(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert cli.main(["--db", str(db), "scorecard", "XXX", "--pdf", str(out)]) != 0
    assert cli.main(["--db", str(db), "scorecard", "KEN", "--pdf", str(out), "--as-of", "2999-01-01"]) != 0
    assert cli.main(["--db", str(db), "scorecard", "KEN", "--pdf", str(out), "--as-of", "yesterday"]) != 0
    assert cli.main(["--db", str(db), "scorecard", "KEN"]) != 0
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    said = capsys.readouterr()
    assert "still to come" in said.out + said.err and "no country with the code" in said.out + said.err


def test_all_writes_one_pdf_per_member(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    assert cli.main(["--db", str(db), "scorecard", "--all", str(folder), "--public"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["KEN-scorecard.pdf"]
    assert "1 scorecard" in capsys.readouterr().out


def test_text_holding_typst_markup_is_printed_as_typed(db: Path) -> None:
    """Every word reaches the template as data (``sys.inputs``): a country name holding Typst code is set as
    text, its code never run (no file read, no bold)."""
    import dataclasses
    import io

    from partners.presentation import scorecard_pdf
    from partners.services import scorecard_document

    store = Store.open(db, migrate=False)
    try:
        doc = scorecard_document.scorecard_document(store, SYSTEM, "KEN")
    finally:
        store.db.close()
    pdf = scorecard_pdf.scorecard_pdf(dataclasses.replace(doc, name=MARKUP))
    whole = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"Confidential: {MARKUP} and the secretariat" in whole
    assert "root:" not in whole  # /etc/passwd was not read into the page
