"""The one translation function: every string a user reads goes through ``_()`` (or ``ngettext``) here.

Messages are written in English in the code and translated from gettext catalogues,
``partners/locale/<lang>/LC_MESSAGES/partners.po`` (docs/languages.md: how to add a string, extract,
translate and compile). ``_()`` translates into the language in force: English unless a caller chose another
with :func:`use_language` (a context variable, so each Streamlit session thread, CLI run or worker process has
its own). A string defined at import time (a constant, a table of names) is marked with :func:`N_` and
translated where it is shown, ``_(NAME)``.

The compiled catalogues (``.mo``) are made by the build (``make run``/``make test`` run ``pybabel compile``)
and never committed. Where none is there, or it is older than its ``.po`` (a fresh checkout, a plain
``pip install``), the ``.po`` is compiled in memory on first use with ``babel.messages``: nothing is downloaded
and no language silently falls back to English because a build step was skipped.

Dates and numbers are formatted for the language with Babel (:func:`day`, :func:`number`). The language
offered to a reader comes from a code (:func:`choose`: "fr-FR" -> French; an unknown one -> English, saying
so) and the list of languages with their own names (:func:`offered`).
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

#: The gettext domain: the catalogues are ``partners.po`` / ``partners.mo``.
DOMAIN = "partners"

#: Where the catalogues live (installed with the package: ``tool.setuptools.package-data``).
LOCALE_DIR = Path(__file__).parent / "locale"

#: The language every message is written in, and the one shown when no other is chosen.
DEFAULT = "en"

#: The languages a reader may choose (the pages, the static site), in the order they are offered. Arabic has a
#: catalogue prepared for the scorecard PDF and is not offered until it is translated.
OFFERED: tuple[str, ...] = ("en", "fr", "es")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("partners_language", default=DEFAULT)


# -- translating ------------------------------------------------------------------------------------------


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (English, or a language without a catalogue: messages as written)."""
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if not po.is_file():
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(io.BytesIO(compile_catalogue(po)))


def compile_catalogue(po: Path) -> bytes:
    """A ``.po`` catalogue compiled to ``.mo`` bytes, leaving out fuzzy (unchecked) translations as
    ``pybabel compile`` does."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def current() -> str:
    """The language messages are translated into now."""
    return _current.get()


@contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Translate into ``lang`` (a code of :data:`OFFERED` or one with a catalogue) inside the block."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def set_language(lang: str) -> None:
    """Translate into ``lang`` from now on in this context (a worker process, a session's script run)."""
    _current.set(lang)


def _(message: str) -> str:
    """``message`` (written in English) in the language in force."""
    return translations(current()).gettext(message)


def gettext(message: str) -> str:
    """The same as :func:`_`."""
    return _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, by the rules of the language in force."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (a constant defined at import time, translated
    with ``_()`` where it is shown)."""
    return message


# -- choosing a language ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The language a reader is shown, and what to tell them when it is not the one they asked for."""

    lang: str
    note: str = ""


def normalise(code: str) -> str:
    """The language part of a code: "fr-FR", "fr_FR", "FR" -> "fr"; "" for nothing usable."""
    return str(code or "").strip().replace("_", "-").split("-", 1)[0].lower()


def choose(code: str | None) -> Choice:
    """The language to show for ``code`` (a browser's locale such as ``st.context.locale``, a URL parameter):
    one of :data:`OFFERED`, or English with a note saying the one asked for is not offered. The Streamlit side
    (the browser's locale, a sidebar picker kept in the URL) calls this with what the reader sent."""
    lang = normalise(code or "")
    if not lang:
        return Choice(DEFAULT)
    if lang in OFFERED:
        return Choice(lang)
    return Choice(DEFAULT, f"The language {code!r} is not offered yet: shown in English. Offered: {offered_line()}.")


def language_of(code: str) -> str:
    """``code`` as an offered language, or ValueError saying which ones are (for a command's ``--lang``)."""
    lang = normalise(code)
    if lang not in OFFERED:
        raise ValueError(f"{code!r} is not a language offered: choose from {offered_line()}")
    return lang


def own_name(lang: str) -> str:
    """A language's name in itself, capitalised: "Français", "Español", "English"."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def offered() -> list[tuple[str, str]]:
    """The languages offered, each with its own name: ``[("en", "English"), ("fr", "Français"), ...]``."""
    return [(lang, own_name(lang)) for lang in OFFERED]


def offered_line() -> str:
    return ", ".join(f"{lang} ({name})" for lang, name in offered())


# -- dates and numbers ------------------------------------------------------------------------------------


def day(value: Any, lang: str | None = None) -> str:
    """A date (or the day of a date and time) for the language: "3 Mar 2026", "3 mars 2026", "3 mar 2026";
    nothing for a missing one; a string that is not an ISO date as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    try:
        return format_date(value, "d MMM y", locale=lang or current())
    except (TypeError, ValueError, AttributeError):
        return "" if _is_nat(value) else str(value)


def _is_nat(value: Any) -> bool:
    return str(value) == "NaT"


def number(value: Any, lang: str | None = None) -> str:
    """A number with the language's separators and no trailing zeros: "1,500", "1 500", "2,5"."""
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not exact.is_finite():
        return str(value)
    return format_decimal(exact, format="#,##0.##########", locale=lang or current())


# -- extraction -------------------------------------------------------------------------------------------


def extract_domain_labels(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[
        tuple[int, str, str, list[str]]]:
    """A Babel extraction method (babel.cfg) for the domain's wordings, which import no translation function
    and are translated where they are shown (``_(member.label)``): the text of each pair of ``_LABEL_LIST``
    (``domain/model.py``, the enumerations' labels) and each value of ``HEADLINE_DEFINITIONS``
    (``domain/figures.py``, what each headline figure counts)."""
    import ast

    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        if target.id == "_LABEL_LIST" and isinstance(node.value, ast.List):
            texts = [pair.elts[1] for pair in node.value.elts if isinstance(pair, ast.Tuple) and len(pair.elts) == 2]
        elif target.id == "HEADLINE_DEFINITIONS" and isinstance(node.value, ast.Dict):
            texts = list(node.value.values)
        else:
            continue
        for text in texts:
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                yield text.lineno, "_", text.value, []
