"""`partners publish DIR` (the static public site) and `partners pack PATH` (the offline pack), end to end on a
real DuckDB demo database: what they hold is exactly the public's view, and nothing in them leads to the network."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import subprocess
import sys
import urllib.request
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import free_port, wait_for_http
from partners import cli
from partners.domain.model import PUBLIC_VIEWER, SYSTEM
from partners.presentation import labels, public_views, since_text, static_site
from partners.services import dashboard, publish, read
from partners.storage import open_store
from publishing import (
    FORMULA_PARTNER,
    HIDDEN,
    HOSTILE_PARTNER,
    PUBLIC_TITLE,
    Seeded,
    seeded_copy,
)


class Page(HTMLParser):
    """Every element's attributes, every script element, and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # tag, attribute, value
        self.scripts: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset", "data") and value is not None:
                self.links.append((tag, name, value))
        if tag == "script":
            self.scripts.append(found)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def publish_site(db: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), "publish", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seeded(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seeded_copy(demo_db_path, tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def site(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    assert cli.main(["--db", str(seeded.db), "publish", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def pack(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pack") / "summit-pack.html"
    assert cli.main(["--db", str(seeded.db), "pack", str(target)]) == 0
    return target


def site_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# -- the static public site ---------------------------------------------------------------------------


def test_the_site_has_the_dashboard_the_commitments_and_a_page_per_published_scorecard_only(
    site: Path, seeded: Seeded
) -> None:
    store = open_store(seeded.db)
    try:
        codes = publish.published_scorecard_codes(store)
        members = set(store.countries(members_only=True)["code"])
    finally:
        store.close()
    assert codes and "ALB" in codes
    assert "KEN" in members and "KEN" not in codes  # Kenya, a member, has no assessment at all
    assert (site / "index.html").is_file() and (site / "commitments.html").is_file()
    pages = {p.stem for p in (site / "countries").glob("*.html")}
    assert pages == set(codes)
    assert not (site / "countries" / "KEN.html").exists()
    # The dashboard links each of them, and only them.
    linked = {v for t, a, v in parse(site / "index.html").links if v.startswith("countries/")}
    assert linked == {f"countries/{c}.html" for c in codes}


def test_every_link_of_the_site_is_to_one_of_its_own_files_never_another_host(site: Path) -> None:
    pages = [p for p in site_files(site) if p.suffix == ".html"]
    assert len(pages) >= 3
    for path in pages:
        page = parse(path)
        assert page.scripts == [], f"{path.name}: the site needs no script"
        assert page.links, path
        for tag, attr, value in page.links:
            assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.I), f"{path}: {tag} {attr}={value}"
            target = (path.parent / value.split("#")[0]).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), f"{path}: broken link {value}"
    # Nor any address in a file's markup (inline SVG included), beyond the SVG and XLink namespaces.
    for path in pages:
        body = path.read_text(encoding="utf-8")
        addresses = set(re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]+""", body, re.I))
        assert addresses == set(), path


def _headline_on_page(page: Page, names: list[str]) -> dict[str, int]:
    text = [t.strip() for t in page.text if t.strip()]
    found = {}
    for name in names:
        index = text.index(name)
        found[name] = int(text[index - 1].replace(",", ""))
    return found


def test_the_dashboards_figures_are_the_publics_and_its_data_files_say_the_same(site: Path, seeded: Seeded) -> None:
    store = open_store(seeded.db)
    try:
        public = read.headline(store, PUBLIC_VIEWER)
        secretariat = read.headline(store, SYSTEM)
        # the dashboard's own figures for the public: groups over fewer than 3 countries held back
        by_status = dashboard.breakdown(store, PUBLIC_VIEWER, "status")
        by_type = dashboard.breakdown(store, PUBLIC_VIEWER, "stakeholder_type")
    finally:
        store.close()
    assert public["commitments"] < secretariat["commitments"]  # the check below can tell them apart
    names = {"Commitments": "commitments", "Partners": "partners", "Verified by the secretariat": "verified",
             "Not reporting": "not_reporting", "Self-reported only": "self_reported_only"}
    shown = _headline_on_page(parse(site / "index.html"), list(names))
    assert shown == {name: public[key] for name, key in names.items()}
    headline = json.loads((site / "data" / "headline.json").read_text(encoding="utf-8"))
    assert {r["Figure"]: r["Count"] for r in headline["rows"]}["Commitments"] == public["commitments"]
    assert headline["data_as_of"] and headline["columns"] == ["Figure", "Count", "What it counts"]
    status = json.loads((site / "data" / "commitments-by-status.json").read_text(encoding="utf-8"))
    shown_status = by_status[~by_status["held_back"]]
    assert {r["Status"]: r["Commitments"] for r in status["rows"]} == {
        labels.STATUS_LABELS.get(k, k): n
        for k, n in zip(shown_status["key"], shown_status["commitments"], strict=True)}
    rows = list(csv.DictReader(io.StringIO(
        (site / "data" / "commitments-by-stakeholder-type.csv").read_text(encoding="utf-8-sig"))))
    kept, held = by_type[~by_type["held_back"]], by_type[by_type["held_back"]]
    assert len(held), "the seeded data has stakeholder types over fewer than 3 countries: the check needs one"
    assert sum(int(r["Commitments"]) for r in rows) == int(kept["commitments"].sum())
    held_names = {labels.STAKEHOLDER_LABELS.get(k, k) for k in held["key"]}
    assert not held_names & {r["Stakeholder type"] for r in rows}  # a held-back group is in no file
    page_text = " ".join(parse(site / "index.html").text)
    assert "Held back for the public, over fewer than 3 countries" in page_text
    assert all(name in page_text for name in held_names)
    index = parse(site / "index.html")
    text = " ".join(index.text)
    assert "Data as of" in text and "Demo data" in text
    assert text.count("Data table:") == 5  # a table beside each of the five charts
    assert sum(1 for tag, _ in index.elements if tag == "svg") >= 5


def test_no_private_embargoed_draft_or_members_only_title_reaches_any_file(site: Path) -> None:
    everything = "\n".join(p.read_text(encoding="utf-8-sig") for p in site_files(site))
    for title in HIDDEN:
        assert title.split()[0] not in everything, title
    assert "ZQXpublic" in everything  # the search finds what is there


def test_user_text_is_escaped_in_every_page_and_neutralised_in_every_csv(site: Path, seeded: Seeded) -> None:
    listing = (site / "commitments.html").read_text(encoding="utf-8")
    assert "<script" not in listing
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in listing
    assert "&lt;script&gt;alert(&#x27;partner&#x27;)&lt;/script&gt; ZQXpartner" in listing
    page = parse(site / "commitments.html")
    assert PUBLIC_TITLE in page.text  # shown as typed, as text
    assert not any(v for _, _, v in page.links if "example.com" in v)  # a name is never a link
    for path in site_files(site):
        if path.suffix == ".html":
            assert "<script" not in path.read_text(encoding="utf-8").lower(), path
    rows = list(csv.DictReader(io.StringIO((site / "data" / "commitments.csv").read_text(encoding="utf-8-sig"))))
    ours = [r for r in rows if r["Commitment"] == PUBLIC_TITLE]
    assert len(ours) == 1
    assert HOSTILE_PARTNER in ours[0]["Partners"]
    assert FORMULA_PARTNER not in [c for r in rows for c in r.values()]
    listed = json.loads((site / "data" / "commitments.json").read_text(encoding="utf-8"))
    assert any(r["Commitment"] == PUBLIC_TITLE for r in listed["rows"])


def test_a_file_or_a_foreign_folder_is_refused_and_left_as_it_was(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    code, _, err = publish_site(seeded.db, a_file, capsys)
    assert code == 2 and "is a file, not a folder" in err and "Nothing was written" in err
    assert a_file.read_text() == "mine"

    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"jpeg")
    code, _, err = publish_site(seeded.db, foreign, capsys)
    assert code == 2 and "not empty" in err
    assert [p.name for p in foreign.iterdir()] == ["holiday.jpg"]

    code, _, err = publish_site(seeded.db, tmp_path / "no" / "such", capsys)
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_publishing_again_replaces_an_earlier_site_and_says_what_it_wrote(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "site"
    code, out, _ = publish_site(seeded.db, folder, capsys)
    assert code == 0
    assert re.search(r"published the public site to .*: \d+ pages .*\d+ country scorecards.* data files", out)
    # A page an earlier site had (a country whose scorecard is no longer published) goes; the manifest lists it.
    stale = folder / "countries" / "ZZZ.html"
    stale.write_text("old")
    listed = json.loads((folder / static_site.MANIFEST).read_text())
    listed["files"].append("countries/ZZZ.html")
    listed["files"].append("../outside.txt")  # never followed out of the folder
    (tmp_path / "outside.txt").write_text("keep")
    (folder / static_site.MANIFEST).write_text(json.dumps(listed))
    code, _, _ = publish_site(seeded.db, folder, capsys)
    assert code == 0
    assert not stale.exists()
    assert (tmp_path / "outside.txt").read_text() == "keep"
    assert (folder / "index.html").is_file()


def test_a_plain_web_server_serves_the_site(site: Path) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/index.html", timeout=20)
        with urllib.request.urlopen(f"{base}/countries/ALB.html", timeout=10) as resp:  # noqa: S310 (loopback)
            body = resp.read().decode("utf-8")
        assert "Scorecard: Albania" in body and "Data as of" in body
        with urllib.request.urlopen(f"{base}/countries/ALB/maturity.csv", timeout=10) as resp:  # noqa: S310
            assert resp.read().decode("utf-8-sig").startswith("Domain,No.,Capability")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_country_page_shows_its_public_scorecard(site: Path, seeded: Seeded) -> None:
    from partners.services import scorecard_document

    store = open_store(seeded.db)
    try:
        doc = scorecard_document.scorecard_document(store, PUBLIC_VIEWER, "ALB")
        private = scorecard_document.scorecard_document(store, SYSTEM, "ALB")
    finally:
        store.close()
    assert private.figures.counted > doc.figures.counted  # the private, embargoed, draft and members' ones
    figures = json.loads((site / "countries" / "ALB" / "commitment-figures.json").read_text(encoding="utf-8"))
    counted = {r["Figure"]: r["Commitments"] for r in figures["rows"]}
    assert counted["Counted"] == doc.figures.counted
    assert counted["Verified"] == doc.figures.verified.commitments
    cells = json.loads((site / "countries" / "ALB" / "maturity.json").read_text(encoding="utf-8"))
    assert len(cells["rows"]) == len(doc.capabilities)
    assessed = sum(1 for r in cells["rows"] if r["Maturity"] != "Not assessed")
    assert assessed == sum(1 for c in doc.maturity.capabilities.values() if c.latest is not None)
    text = " ".join(parse(site / "countries" / "ALB.html").text)
    assert "Albania (ALB)" in text and "Data as of" in text and "Data table: Peer context" in text


# -- the offline pack ---------------------------------------------------------------------------------


def test_the_pack_is_one_html_file_that_loads_nothing_and_holds_every_chart_and_its_data(
    pack: Path, seeded: Seeded
) -> None:
    body = pack.read_text(encoding="utf-8")
    page = parse(pack)
    assert all("src" not in s for s in page.scripts), "every script is inline"
    assert not [e for e in page.elements if e[0] in ("link", "img", "iframe", "object", "embed")]
    markup = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", body, flags=re.S)  # the markup, scripts emptied
    assert not re.search(r"""<(?:script|link|img|iframe|a)[^>]*\b(?:src|href)\s*=""", markup, re.I)
    specs = [json.loads(s) for s in re.findall(r'<script type="application/json" data-chart="[^"]+">(.*?)</script>',
                                                body, re.S)]
    store = open_store(seeded.db)
    try:
        since, problems = publish.public_since(store)
    finally:
        store.close()
    assert problems == () and since is not None
    assert len(specs) == 5 + len(public_views.since_views(since))  # the dashboard's, and what changed
    assert all("url" not in json.dumps(s.get("data", {})) for s in specs)  # the data is inline, not fetched
    store = open_store(seeded.db)
    try:
        by_region = dashboard.breakdown(store, PUBLIC_VIEWER, "region")
        headline = read.headline(store, PUBLIC_VIEWER)
    finally:
        store.close()
    region_spec = next(s for s in specs if s.get("title") == "By region (UN M49)")
    values = next(iter(region_spec["datasets"].values()))
    kept = by_region[~by_region["held_back"]]
    assert {v["key"]: v["commitments"] for v in values} == dict(
        zip(kept["key"], kept["commitments"], strict=True))  # a region over fewer than 3 countries: not drawn
    text = " ".join(page.text)
    assert "Data as of" in text and "Demo data" in text
    assert text.count("Data table:") == len(specs)
    assert since_text.paragraph(since) in page.text  # the paragraph to read out, the public's figures
    changes = next(s for s in specs if s.get("title") == "What changed")
    told = {v["Change"]: v["Commitments"] for v in next(iter(changes["datasets"].values()))}
    assert told["New commitments"] == since.new and told["Newly complete"] == since.newly_complete
    assert f"{headline['commitments']:,}" in [t.strip() for t in page.text]
    for title in HIDDEN:
        assert title.split()[0] not in body


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_packs_zip_holds_each_chart_as_png_at_2x_svg_and_pdf_and_each_table_as_csv(pack: Path) -> None:
    archive = pack.with_suffix(".zip")
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        slugs = {n.removeprefix("charts/").rsplit(".", 1)[0] for n in names if n.startswith("charts/")}
        assert len(slugs) >= 6 and "commitments-map" in slugs and "since-changes" in slugs
        for slug in slugs:
            assert {f"charts/{slug}.png", f"charts/{slug}.svg", f"charts/{slug}.pdf", f"tables/{slug}.csv"} <= names
            svg = z.read(f"charts/{slug}.svg").decode("utf-8")
            width, height = (int(v) for v in re.search(r'<svg[^>]*width="(\d+)" height="(\d+)"', svg).groups())
            assert _png_size(z.read(f"charts/{slug}.png")) == (2 * width, 2 * height), slug
            assert z.read(f"charts/{slug}.pdf").startswith(b"%PDF")
        assert "tables/headline.csv" in names
        assert "Data as of" in z.read("README.txt").decode("utf-8")


def test_the_pack_refuses_a_folder_and_a_zip_name(seeded: Seeded, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--db", str(seeded.db), "pack", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert cli.main(["--db", str(seeded.db), "pack", str(tmp_path / "pack.zip")]) == 2
    assert "HTML file's name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_list_page_stays_light_and_the_data_files_hold_every_public_commitment(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(static_site, "COMMITMENTS_SHOWN", 3)
    store = open_store(seeded.db)
    try:
        everyone = publish.public_commitments(store)
        files = dict(static_site.dashboard_files(publish.public_dashboard(store), [], everyone))
    finally:
        store.close()
    assert len(everyone) > 3
    page = Page()
    page.feed(files["commitments.html"].decode("utf-8"))
    assert sum(1 for tag, _ in page.elements if tag == "tr") == 1 + 3  # the header and three rows
    assert f"{len(everyone):,} public commitments: the newest 3" in " ".join(page.text)
    rows = list(csv.DictReader(io.StringIO(files["data/commitments.csv"].decode("utf-8-sig"))))
    assert len(rows) == len(everyone)
    assert len(json.loads(files["data/commitments.json"])["rows"]) == len(everyone)


def test_the_pack_compares_the_ends_asked_for_and_refuses_one_it_cannot_use(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(seeded.db)
    try:
        held = [o for o in publish.since.events(store, PUBLIC_VIEWER)]
        start = held[-1]  # the first event held
        expected, _ = publish.public_since(store, start=str(start.event_id), end="2026-06-01")
    finally:
        store.close()
    target = tmp_path / "pack.html"
    code = cli.main(["--db", str(seeded.db), "pack", str(target), "--since", start.name.upper(),
                     "--event", "2026-06-01"])
    assert code == 0
    page = parse(target)
    assert expected is not None and since_text.paragraph(expected) in page.text
    assert since_text.paragraph(expected).startswith(f"Between {start.name}")
    capsys.readouterr()
    assert cli.main(["--db", str(seeded.db), "pack", str(tmp_path / "bad.html"), "--since", "2099-01-01"]) == 2
    assert "--since/--event" in capsys.readouterr().err
    assert not (tmp_path / "bad.html").exists()
