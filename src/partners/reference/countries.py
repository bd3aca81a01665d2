"""Countries, UN M49 regions and the Global North grouping.

Countries: every ISO 3166-1 entry known to pycountry is kept. Region is the M49 region (Africa,
Americas, Asia, Europe, Oceania). Sub-region is country-converter's ``UNregion``: the classic M49
geographic sub-regions, using M49's intermediate regions where it has them (e.g. "Eastern Africa",
"Caribbean", "South America"). Three uninhabited territories that country-converter files under the
continent "Antarctica" (Bouvet Island, South Georgia, Heard and McDonald Islands) take the region of
their M49 sub-region; Antarctica itself has no M49 region and gets :data:`UNCLASSIFIED` for both.
Countries are handed out as copies, so callers may fill in fields such as ``member``.
"""

from __future__ import annotations

import copy
import csv
import functools
import importlib.util
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry

from partners.domain.model import Country
from partners.domain.text import fold
from partners.reference.files import ReferenceDataError, data_dir, read_yaml

#: Region and sub-region of the few ISO entries that have no UN M49 region (Antarctica).
UNCLASSIFIED = "Unclassified"

_GLOBAL_NORTH_FILE = Path("groupings") / "global-north-gta-2019.yaml"


@functools.cache
def _global_north() -> tuple[dict[str, Any], frozenset[str]]:
    path = data_dir() / _GLOBAL_NORTH_FILE
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), list):
        raise ReferenceDataError(f"{path.name}: needs a 'groups' list")
    if not str(raw.get("source_url") or "").strip():
        raise ReferenceDataError(f"{path.name}: 'source_url' is required")
    codes: set[str] = set()
    for index, group in enumerate(raw["groups"]):
        if not isinstance(group, dict) or not isinstance(group.get("members"), list):
            raise ReferenceDataError(f"{path.name}: groups[{index}] needs a 'members' list")
        for code in [*group["members"], *(group.get("former_members") or [])]:
            code = str(code).strip().upper()
            if pycountry.countries.get(alpha_3=code) is None:
                raise ReferenceDataError(
                    f"{path.name}: groups[{index}] ({group.get('id')}): {code!r} is not an ISO alpha-3 code"
                )
            codes.add(code)
    return raw, frozenset(codes)


def global_north_definition() -> dict[str, Any]:
    """The parsed grouping file: its definition text, groups of alpha-3 codes and source."""
    return copy.deepcopy(_global_north()[0])


def global_north_codes() -> frozenset[str]:
    """Alpha-3 codes of the Global North as GTA 2019 defines it; every other country is South."""
    return _global_north()[1]


# --------------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------------


def _coco_table_path() -> Path:
    # Locate the package folder without importing it (its __init__ imports pandas).
    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise ReferenceDataError("country_data.tsv: the country-converter package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"


@functools.cache
def _coco_rows() -> dict[str, dict[str, str]]:
    path = _coco_table_path()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as exc:
        raise ReferenceDataError(f"{path.name}: cannot be read at {path} ({exc})") from exc
    return {row["ISO3"].strip(): {k: (v or "").strip() for k, v in row.items() if k} for row in rows}


_M49_REGION_NAMES = {"America": "Americas"}


def _region(continent: str) -> str:
    return _M49_REGION_NAMES.get(continent, continent)


def _m49(row: dict[str, str] | None, region_of_subregion: dict[str, str]) -> tuple[str, str]:
    if row is None:
        return UNCLASSIFIED, UNCLASSIFIED
    continent, subregion = row.get("continent", ""), row.get("UNregion", "")
    if not subregion or subregion == "Antarctica":
        subregion = UNCLASSIFIED
    if continent and continent != "Antarctica":
        return _region(continent), subregion
    # country-converter's "Antarctica" is not an M49 region: use the region of the M49 sub-region.
    return region_of_subregion.get(subregion, UNCLASSIFIED), subregion


@functools.cache
def _countries() -> dict[str, Country]:
    rows = _coco_rows()
    votes: dict[str, Counter[str]] = {}
    for row in rows.values():
        if row.get("UNregion") and row.get("continent") not in ("", "Antarctica"):
            votes.setdefault(row["UNregion"], Counter())[_region(row["continent"])] += 1
    region_of_subregion = {sub: counter.most_common(1)[0][0] for sub, counter in votes.items()}
    north = global_north_codes()
    out: dict[str, Country] = {}
    for entry in pycountry.countries:
        region, subregion = _m49(rows.get(entry.alpha_3), region_of_subregion)
        out[entry.alpha_3] = Country(
            code=entry.alpha_3,
            name=getattr(entry, "common_name", None) or entry.name,
            numeric=entry.numeric,
            alpha2=entry.alpha_2,
            region=region,
            subregion=subregion,
            global_north=entry.alpha_3 in north,
        )
    return dict(sorted(out.items()))


def countries() -> dict[str, Country]:
    """All ISO 3166-1 countries keyed by alpha-3 (copies: ``member`` is filled from the database)."""
    return {code: c.model_copy() for code, c in _countries().items()}


def country_by_code(code: str) -> Country | None:
    """The country with this alpha-3 code (any case), or None."""
    if not isinstance(code, str):
        return None
    found = _countries().get(code.strip().upper())
    return found.model_copy() if found is not None else None


def is_country_code(code: str) -> bool:
    """Whether ``code`` is a known ISO 3166-1 alpha-3 code (any case); cheap, for validators."""
    return isinstance(code, str) and code.strip().upper() in _countries()


def regions() -> list[str]:
    """The UN M49 regions present, sorted (without :data:`UNCLASSIFIED`)."""
    return sorted({c.region for c in _countries().values()} - {UNCLASSIFIED})


def _name_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form: "Côte d'Ivoire" -> "cote d ivoire"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text).replace("&", " and ")).split())


_MatchIndex = tuple[dict[str, str], dict[str, str], dict[str, str], tuple[tuple[str, re.Pattern[str]], ...]]


@functools.cache
def _match_index() -> _MatchIndex:
    known = _countries()
    alpha3 = {code: code for code in known}
    alpha2 = {c.alpha2.upper(): code for code, c in known.items()}
    names: dict[str, str | None] = {}

    def add(name: str | None, code: str) -> None:
        if not name:
            return
        key = _name_key(name)
        if key and names.get(key, code) != code:
            names[key] = None  # two countries share this name: never guess
        elif key:
            names[key] = code

    rows = _coco_rows()
    patterns = []
    for entry in pycountry.countries:
        code = entry.alpha_3
        for attr in ("name", "official_name", "common_name"):
            add(getattr(entry, attr, None), code)
        row = rows.get(code)
        if row:
            add(row.get("name_short"), code)
            add(row.get("name_official"), code)
            if row.get("regex"):
                try:
                    patterns.append((code, re.compile(row["regex"], re.IGNORECASE)))
                except re.error:  # pragma: no cover - a broken regex upstream only loses that pattern
                    pass
    clean = {k: v for k, v in names.items() if v is not None}
    return alpha3, alpha2, clean, tuple(patterns)


def match_country(text: str) -> Country | None:
    """Tolerant match of a code or name, as found in spreadsheets.

    Tries, in order: alpha-3, alpha-2, exact names (pycountry's name, official and common names and
    country-converter's names, ignoring case, accents and punctuation), then country-converter's
    name regexes. Returns None when nothing or more than one country matches.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip()
    alpha3, alpha2, names, patterns = _match_index()
    upper = raw.upper()
    code = alpha3.get(upper) or alpha2.get(upper) or names.get(_name_key(raw))
    if code is None:
        candidates = {raw, fold(raw)}
        hits = {c for c, pattern in patterns if any(pattern.search(t) for t in candidates)}
        if len(hits) == 1:
            code = hits.pop()
    return country_by_code(code) if code else None



CACHES = (_global_north, _coco_rows, _countries, _match_index)
