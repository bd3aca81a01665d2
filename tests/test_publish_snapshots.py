"""Frozen snapshots leave the app as they were frozen: ``partners pack PATH --snapshot NAME`` packs a snapshot's
figures (not the records as they stand), and ``partners publish DIR`` writes a page per snapshot with its data
beside it; a name that is not a snapshot is refused in words with nothing written. Real DuckDB, the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from actors import EDITOR
from partners import cli
from partners.domain.model import PUBLIC_VIEWER, Commitment, CommitmentPartner, PartnerRole, ReviewState, Visibility
from partners.presentation import since_text
from partners.services import dashboard, records, snapshots
from partners.storage import open_store
from publishing import HIDDEN, Seeded, seeded_copy
from test_publish import parse

HOSTILE_NAME = '<script>alert("snap")</script> =cmd|ZQXsnap'


@pytest.fixture(scope="module")
def frozen(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Seeded, snapshots.Snapshot]:
    """A seeded copy with a snapshot frozen, then a public commitment added after it (the live view moved on)."""
    seeded = seeded_copy(demo_db_path, tmp_path_factory.mktemp("snapshots"))
    store = open_store(seeded.db)
    try:
        snap = snapshots.freeze(store, EDITOR, HOSTILE_NAME)
        partner = int(store.partners().id.iloc[0])
        records.log_commitment(store, EDITOR, Commitment(
            title="Pledged after the freeze", countries=["KEN"], review_state=ReviewState.PUBLISHED,
            visibility=Visibility.PUBLIC, partners=[CommitmentPartner(partner_id=partner, role=PartnerRole.LEAD)]))
        live = dashboard.headline(store, PUBLIC_VIEWER)
    finally:
        store.close()
    assert live["commitments"] == snap.figures.headline["commitments"] + 1
    return seeded, snap


def test_the_pack_of_a_snapshot_holds_its_figures_as_frozen(frozen, tmp_path: Path) -> None:
    seeded, snap = frozen
    target = tmp_path / "snapshot-pack.html"
    assert cli.main(["--db", str(seeded.db), "pack", str(target), "--snapshot", snap.slug.upper()]) == 0
    page = parse(target)
    text = [t.strip() for t in page.text]
    assert f"{snap.figures.headline['commitments']:,}" in text
    assert f"{snap.figures.headline['commitments'] + 1:,}" not in text
    assert since_text.paragraph(snap.since) in page.text
    body = target.read_text(encoding="utf-8")
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body, "the name is text, not markup"
    assert target.with_suffix(".zip").is_file()
    for title in HIDDEN:
        assert title.split()[0] not in body


def test_a_name_that_is_not_a_snapshot_or_a_mix_with_since_is_refused(frozen, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    seeded, snap = frozen
    capsys.readouterr()
    assert cli.main(["--db", str(seeded.db), "pack", str(tmp_path / "a.html"), "--snapshot", "Closing day"]) == 2
    err = capsys.readouterr().err
    assert "no snapshot named 'Closing day'" in err and "the snapshots are:" in err
    assert cli.main(["--db", str(seeded.db), "pack", str(tmp_path / "b.html"), "--snapshot", snap.slug,
                     "--since", "2024-01-01"]) == 2
    assert "leave out --since and --event" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing written"


def test_the_site_has_a_page_per_snapshot_with_its_data_as_frozen(frozen, tmp_path: Path) -> None:
    seeded, snap = frozen
    folder = tmp_path / "site"
    assert cli.main(["--db", str(seeded.db), "publish", str(folder)]) == 0
    page_file = folder / "snapshots" / f"{snap.slug}.html"
    assert page_file.is_file()
    index = parse(folder / "index.html")
    assert ("a", "href", f"snapshots/{snap.slug}.html") in index.links
    body = page_file.read_text(encoding="utf-8")
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "Frozen snapshot" in body
    headline = json.loads((folder / "snapshots" / snap.slug / "headline.json").read_text(encoding="utf-8"))
    counts = {row["Figure"]: row["Count"] for row in headline["rows"]}
    assert counts["Commitments"] == snap.figures.headline["commitments"]
    live = json.loads((folder / "data" / "headline.json").read_text(encoding="utf-8"))
    assert {r["Figure"]: r["Count"] for r in live["rows"]}["Commitments"] == counts["Commitments"] + 1
    rows = list(csv.reader(io.StringIO((folder / "snapshots" / snap.slug / "headline.csv").read_text("utf-8-sig"))))
    assert rows[0][:2] == ["Figure", "Count"]
    manifest = json.loads((folder / "partners-site.json").read_text(encoding="utf-8"))
    assert f"snapshots/{snap.slug}.html" in manifest["files"]
