"""Text folding: the one way names and titles are compared ignoring case, accents and spacing."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Typographic apostrophes Word and Excel put in names ("Côte d’Ivoire"), read as the plain one.
_QUOTES = str.maketrans({"’": "'", "‘": "'"})


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a text: 'Fundación  NIÑEZ' -> 'fundacion ninez'."""
    # Names come back again and again (an import folds each row's partners and countries): remembered,
    # short texts only, so that the memory held stays small.
    return _fold_name(text) if len(text) <= 200 else _fold(text)


@lru_cache(maxsize=32_768)
def _fold_name(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose or strip (most titles and names): the same result, faster
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


#: First characters that make a spreadsheet read a text cell as a formula ("CSV injection", OWASP): the
#: CSV writer neutralises such text and the importer refuses it.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
