"""The translation function and the languages of the static public site: every message the site's modules mark
is translated in French and Spanish, `partners publish --lang fr` writes French pages linked to the English
ones, and a language not offered is refused with nothing written."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from partners import cli, i18n
from partners.presentation import labels, static_site
from publishing import Seeded, seeded_copy

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "partners"

#: The modules whose words the static site shows, with the extraction method babel.cfg gives them.
SITE_MODULES = {
    "presentation/static_site.py": "python",
    "presentation/public_views.py": "python",
    "presentation/labels.py": "python",
    "presentation/charts.py": "python",
    "presentation/scorecard_pdf.py": "python",
    "domain/model.py": "partners.i18n:extract_domain_labels",
    "domain/figures.py": "partners.i18n:extract_domain_labels",
}


def site_messages() -> set[str | tuple[str, str]]:
    """Every message the site's modules mark, found by Babel's own extraction (as `pybabel extract` does)."""
    found: set[str | tuple[str, str]] = set()
    for module, method in SITE_MODULES.items():
        for _lineno, message, _comments, _context in extract_from_file(method, SRC / module,
                                                                      keywords={"_": None, "N_": None,
                                                                                "ngettext": (1, 2)}):
            found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_message_of_the_static_site_is_translated_in_the_catalogue(lang: str) -> None:
    with (SRC / "locale" / lang / "LC_MESSAGES" / "partners.po").open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    translated = {}
    for m in catalogue:
        if m.id and not m.fuzzy:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if all(strings):
                translated[m.id if isinstance(m.id, str) else tuple(m.id[:2])] = strings
    messages = site_messages()
    assert len(messages) > 100  # the extraction found the site's messages (the enumerations' labels among them)
    missing = sorted(str(m) for m in messages if m not in translated)
    assert not missing, f"not translated in {lang} (run `make extract`, translate, no fuzzy entry): {missing}"
    # A translation keeps the message's placeholders, or .format() would fail on the page.
    for message, strings in translated.items():
        wanted = set(re.findall(r"\{\w+\}", message if isinstance(message, str) else message[1]))
        for text in strings:
            assert set(re.findall(r"\{\w+\}", text)) == wanted, (lang, message, text)


def test_the_translation_function_follows_the_language_in_force() -> None:
    assert i18n._("Public commitments") == "Public commitments"
    with i18n.use_language("fr"):
        assert i18n._("Public commitments") == "Engagements publics"
        assert labels.status_labels()["on_track"] == "En bonne voie"
        with i18n.use_language("es"):
            assert i18n._("Public commitments") == "Compromisos públicos"
        assert i18n.ngettext("{count} public commitment, newest first.",
                             "{count} public commitments, newest first.", 2).startswith("{count} engagements")
    assert i18n.current() == "en"


def test_a_missing_compiled_catalogue_is_compiled_from_its_po_in_memory() -> None:
    mo = i18n.compile_catalogue(SRC / "locale" / "fr" / "LC_MESSAGES" / "partners.po")
    assert mo[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # the gettext .mo magic number


def test_a_language_is_chosen_from_a_code_and_an_unknown_one_falls_back_to_english_saying_so() -> None:
    assert i18n.choose("fr-FR").lang == "fr" and not i18n.choose("fr-FR").note
    assert i18n.choose("es_419").lang == "es"
    assert i18n.choose(None) == i18n.Choice("en")
    unknown = i18n.choose("de-DE")
    assert unknown.lang == "en" and "not offered" in unknown.note and "Français" in unknown.note
    assert i18n.offered() == [("en", "English"), ("fr", "Français"), ("es", "Español")]
    with pytest.raises(ValueError, match="not a language offered"):
        i18n.language_of("de")


def test_dates_and_numbers_are_formatted_for_the_language() -> None:
    assert i18n.day(date(2026, 3, 3), "en") == "3 Mar 2026"
    assert i18n.day(datetime(2026, 3, 3, 14, 5), "fr") == "3 mars 2026"
    assert i18n.day("2026-08-03", "es") == "3 ago 2026"
    assert i18n.number(1500000, "en") == "1,500,000"
    assert i18n.number(2.5, "fr") == "2,5"
    assert i18n.number(15000, "es") == "15.000"
    assert i18n.number(15000, "fr").replace("\u202f", " ") == "15 000"


@pytest.fixture(scope="module")
def seeded(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seeded_copy(demo_db_path, tmp_path_factory.mktemp("i18n"))


@pytest.fixture(scope="module")
def site(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site-fr") / "site"
    assert cli.main(["--db", str(seeded.db), "publish", str(folder), "--lang", "fr"]) == 0
    return folder


def test_publish_in_french_writes_french_pages_beside_the_english_ones(site: Path) -> None:
    english = (site / "index.html").read_text(encoding="utf-8")
    french = (site / "fr" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="fr">' in french
    assert "Engagements de l&#x27;Alliance" in french and "tableau de bord public" in french
    assert "Alliance commitments: public dashboard" not in french and "Public commitments" not in french
    assert "Alliance commitments: public dashboard" in english
    # The as-of date in French ("Données au 4 déc. 2026"), not in English.
    today = i18n.day(datetime.now(), "fr")
    assert f"Données au {today}" in french
    assert re.search(r"Données au \d{1,2} [a-zéû]+\.? \d{4}", french)
    # Every page links to itself in the other language, named in its own language.
    assert 'href="fr/index.html"' in english and 'hreflang="fr"' in english and ">Français<" in english
    assert 'href="../index.html"' in french and ">English<" in french
    country = next((site / "fr" / "countries").glob("*.html"))
    page = country.read_text(encoding="utf-8")
    assert f'href="../../countries/{country.name}"' in page and '<html lang="fr">' in page
    assert "Fiche de résultats" in page and "Maturité MNR par capacité" in page
    # The data files are French too: their headers, the statuses in words.
    commitments_csv = (site / "fr" / "data" / "commitments.csv").read_text(encoding="utf-8-sig")
    assert commitments_csv.startswith("Engagement,Partenaires,Pays")
    assert "On track" not in commitments_csv
    # Every link of the French pages stays within the site.
    for html in (site / "fr").rglob("*.html"):
        for href in re.findall(r'href="([^"]+)"', html.read_text(encoding="utf-8")):
            target = (html.parent / href.split("#")[0]).resolve()
            assert target.is_file() and site.resolve() in target.parents, (html, href)


def test_an_unknown_language_is_refused_in_words_and_nothing_is_written(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "site"
    assert cli.main(["--db", str(seeded.db), "publish", str(folder), "--lang", "fr,de"]) == 2
    err = capsys.readouterr().err
    assert "'de' is not a language offered" in err and "fr (Français)" in err and "Nothing was written" in err
    assert not folder.exists()


def test_a_site_in_one_language_has_no_language_links() -> None:
    page = static_site.page("T", [], as_of=datetime(2026, 3, 3), demo=None).decode()
    assert "hreflang" not in page and '<html lang="en">' in page
