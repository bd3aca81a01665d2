"""Tolerant reading of cell values: dates, numbers, lists, framework items, countries and stored names.

Each parser returns the value, or ``(what is wrong, how to fix it)``.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from partners import reference
from partners.domain.text import fold
from partners.importing.columns import ALT_LIST_SEPARATOR, LIST_SEPARATOR


def _suggest(needle: str, names: dict[str, str], n: int = 3) -> list[str]:
    """Display names whose folded form is close to ``needle`` (folded)."""
    return [names[k] for k in difflib.get_close_matches(needle, list(names), n=n, cutoff=0.75)]


def did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return "did you mean " + " or ".join(f"'{o}'" for o in options) + "? "


def split_list(text: str, whole: Callable[[str], bool] | None = None) -> list[str]:
    """The items of a list cell: separated by ';', else by ',' (a cell with no ';' that ``whole`` accepts
    as one item, such as the partner 'Ministry of Justice, Kenya', stays one item)."""
    if LIST_SEPARATOR in text:
        parts = text.split(LIST_SEPARATOR)
    elif ALT_LIST_SEPARATOR in text and not (whole and whole(text.strip())):
        parts = text.split(ALT_LIST_SEPARATOR)
    else:
        parts = [text]
    return [t.strip() for t in parts if t.strip()]


_MONTHS = {
    fold(datetime(2000, m, 1).strftime(fmt)): m for m in range(1, 13) for fmt in ("%B", "%b")
} | {"sept": 9}
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
_NUMERIC_MONTH = re.compile(r"^(?:(\d{1,2})[/.\-](\d{4})|(\d{4})[/.\-](\d{1,2}))$")


def parse_month_text(text: str) -> tuple[int, int] | None:
    """(year, month) of a month written without a day ('June 2027', 'Jun. 2027', '06/2027', '2027-06')."""
    raw = " ".join(fold(text).split())
    m = _MONTH_YEAR.match(raw)
    if m and m.group(1) in _MONTHS:
        return int(m.group(2)), _MONTHS[m.group(1)]
    m = _NUMERIC_MONTH.match(raw)
    if m:
        month, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if 1 <= int(month) <= 12:
            return int(year), int(month)
    return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


ROLE_MARK = re.compile(r"\s*[(\[]\s*(lead|co|co[- ]?partner|partner)\s*[)\]]\s*$", re.IGNORECASE)

_MONTH_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d %B, %Y", "%B %d, %Y", "%b %d, %Y")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
DATE_HINT = "write the date as 2025-03-31 (year-month-day) or 31/03/2025 (day/month/year)"


@functools.lru_cache(maxsize=4096)
def parse_date_text(text: str) -> date | str:
    """A date, or the reason it is not one (dates are read day first: 03/04/2025 is 3 April 2025)."""
    raw = " ".join(text.split())
    m = _YEAR_FIRST.match(raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            return f"'{text}' is not a valid date"
    m = _DAY_FIRST.match(raw)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            # '31/12/99' could be 1999 or 2099: guessing would store a date a century off.
            return (
                f"'{text}' has a two-digit year, which could be 19{m.group(3)} or 20{m.group(3)}: "
                "write the year in full"
            )
        try:
            return date(y, mo, d)
        except ValueError:
            if mo > 12 and d <= 12:
                try:
                    date(y, d, mo)
                    return f"'{text}' looks like month/day/year; dates are read day first"
                except ValueError:
                    pass
            return f"'{text}' is not a valid date"
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", raw, flags=re.IGNORECASE).replace(".", "")
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return f"'{text}' is not a date"


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER_HINT = "write digits only, with a dot for decimals (e.g. 250000 or 12.5), no currency signs or units"
#: The database stores these numbers with this many decimals (DECIMAL(18, scale)).
_SCALE = {"baseline": 4, "target_value": 4, "indicator_value": 4, "budget": 2}
_LIMIT = Decimal(10) ** 14


def _compact(text: str) -> str:
    """A number as typed, without spaces and thousands separators ('-1 500' and '-1,500' -> '-1500')."""
    compact = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    return compact.replace(",", "") if _THOUSANDS.match(compact) else compact


def is_number_text(text: str) -> bool:
    """Whether a text is a plain number such as -5, +3 or 1,500.50 (read as a number, not a formula)."""
    return bool(_PLAIN_NUMBER.match(_compact(text)))


def parse_number(value: Any, column: str) -> Decimal | tuple[str, str]:
    if isinstance(value, bool):
        return f"'{value}' is not a number", _NUMBER_HINT
    if isinstance(value, int | float):
        number = Decimal(str(value))
        text = str(value)
    else:
        text = str(value).strip()
        compact = _compact(text)
        if not _PLAIN_NUMBER.match(compact):
            hint = _NUMBER_HINT
            if re.search(r"[$€£¥₹]|^[A-Za-z]{3}|[A-Za-z]{3}$", compact) and re.search(r"\d", compact):
                hint = "write the number only, and the currency code (e.g. USD) in the currency column"
            elif compact.endswith("%"):
                hint = "write the number without % (40 for 40%) and put 'percent' in the unit column"
            elif re.match(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$", compact) and ("," in compact or "." in compact):
                hint = "use a dot for decimals and no thousands separators (e.g. 1500.50)"
            return f"'{text}' is not a number", hint
        number = Decimal(compact)
    if not number.is_finite() or abs(number) >= _LIMIT:
        return f"{text} is too large", "check the number; the largest accepted is 99,999,999,999,999"
    scale = _SCALE.get(column, 4)
    if number.as_tuple().exponent < -scale and number != number.quantize(Decimal(1).scaleb(-scale)):
        return (
            f"{text} has more than {scale} decimals",
            f"round it to {scale} decimals (the database keeps {scale})",
        )
    return number


# --------------------------------------------------------------------------------------------------
# Reference lookups built once per import
# --------------------------------------------------------------------------------------------------


def _item_norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z.]+", " ", fold(text)).replace(". ", " ").split()).strip(".")


#: Normalised alias -> the item keys it names; and alias -> how to show it in a suggestion.
ItemIndex = tuple[dict[str, tuple[str, ...]], dict[str, str]]


def item_index(items: Iterable[Any], *, family_of: dict[str, str], current: Iterable[str]) -> ItemIndex:
    """The aliases an import may use for framework items (rows with ``key``, ``framework_id``, ``code``,
    ``kind``, ``name``). Short forms without a version ("MNR 4", "MNR capability 4", an item's name) point
    at the ``current`` version of each family; keys and "MNR-2016 4" name any version."""
    current = set(current)
    index: dict[str, set[str]] = {}
    shown: dict[str, str] = {}

    def add(alias: str, key: str, show: str | None = None) -> None:
        norm = _item_norm(alias)
        if norm:
            index.setdefault(norm, set()).add(key)
            shown.setdefault(norm, show or alias)

    for item in items:
        fw_id, family = item.framework_id, family_of[item.framework_id]
        add(item.key, item.key)
        add(f"{fw_id} {item.code}", item.key, item.key)
        add(f"{item.code} {item.name}", item.key, item.key)
        add(f"{fw_id} {item.code} {item.name}", item.key, item.key)
        if fw_id in current:
            for prefix in (family, f"{family} {item.kind}"):
                add(f"{prefix} {item.code}", item.key, item.key)
                add(f"{prefix} {item.code} {item.name}", item.key, item.key)
            add(f"{family}{item.code}", item.key, item.key)
            add(item.name, item.key, f"{item.name} ({item.key})")
            add(item.code, item.key, item.key)  # a bare number ("16", "#8"): the current version's item
            add(f"{family} {item.name}", item.key, item.key)
    return {k: tuple(sorted(v)) for k, v in index.items()}, shown


def match_item(text: str, items: ItemIndex) -> str | tuple[str, str]:
    index, shown = items
    norm = _item_norm(text)
    keys = index.get(norm) or index.get(norm.replace(" ", ""))
    if keys and len(keys) == 1:
        return keys[0]
    if keys:
        return (
            f"'{text}' matches several framework items ({', '.join(keys)})",
            "write the item's key, e.g. " + keys[0],
        )
    close = difflib.get_close_matches(norm, list(index), n=3, cutoff=0.8)
    options = list(dict.fromkeys(shown[c] for c in close))
    return (
        f"'{text}' is not a framework item",
        did_you_mean(options)
        + "Use keys such as MNR-2016:4 (see the 'Framework items' sheet of the template)",
    )


@functools.cache
def _country_names() -> tuple[dict[str, str], frozenset[str]]:
    names = {fold(c.name): c.name for c in reference.countries().values()}
    return names, frozenset(fold(r) for r in reference.regions())


@functools.lru_cache(maxsize=4096)
def match_country(text: str) -> str | tuple[str, str]:
    found = reference.match_country(text)
    if found is not None:
        return found.code
    names, regions = _country_names()
    folded = fold(text)
    if folded in regions:
        return (
            f"'{text}' is a region, not a country",
            "list the countries separated by ';' (e.g. Kenya; Nigeria), or write global",
        )
    return (
        f"'{text}' is not a country we know",
        did_you_mean(_suggest(folded, names)) + "Use the country's name or its ISO code (e.g. KEN, GBR)",
    )


class Names:
    """Stored records looked up by name, ignoring case and accents; near misses suggested."""

    def __init__(self, rows: Iterable[tuple[int, str, str]]) -> None:
        self.by_key: dict[str, list[tuple[int, str]]] = {}
        for rid, name, label in rows:
            self.by_key.setdefault(fold(name), []).append((rid, label))
        self.display = {k: v[0][1] for k, v in self.by_key.items()}
        self._cache: dict[str, int | tuple[str, str]] = {}

    def add(self, rid: int, name: str) -> None:
        """Add a record of the same file (a new partner on its Partners sheet, say) under its name."""
        key = fold(name)
        self.by_key.setdefault(key, []).append((rid, name))
        self.display.setdefault(key, name)
        self._cache.clear()

    def similar(self, text: str) -> list[str]:
        """Names close to ``text`` but not equal to it (a new partner that may be a stored one misspelt)."""
        key = fold(text)
        return [n for n in _suggest(key, self.display) if fold(n) != key]

    def match(self, text: str, what: str, add_hint: str) -> int | tuple[str, str]:
        key = fold(text)
        if key not in self._cache:
            found = self.by_key.get(key)
            if found and len(found) == 1:
                self._cache[key] = found[0][0]
            elif found:
                ids = ", ".join(str(rid) for rid, _ in found)
                self._cache[key] = (
                    f"'{text}' names {len(found)} {what}s (ids {ids})",
                    "rename one of them in the app so that each name is unique, then import again",
                )
            else:
                self._cache[key] = (
                    f"{what} '{text}' is not in the database",
                    did_you_mean(_suggest(key, self.display)) + add_hint,
                )
        return self._cache[key]
