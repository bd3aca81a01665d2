"""Reference data: frameworks, maturity phases, countries, country groupings and the world map.

Everything here is read from reviewable text files under ``data/`` (see ``data/README.md``) or from
maintained packages, never typed into code:

* frameworks: ``data/frameworks/*.yaml``, one file per framework version (a new version such as
  MNR-2022 is a new file, no code change);
* maturity phases: ``data/maturity/mnr.yaml``;
* Global North definition: ``data/groupings/global-north-gta-2019.yaml``;
* countries: ISO 3166-1 from ``pycountry``; UN M49 region and sub-region from the ``country_data.tsv``
  table shipped by ``country-converter`` (read directly: its Python API reads Namibia's "NA" as a
  missing value under pandas 3, and importing it pulls in pandas);
* world map: ``data/maps/countries-110m.json`` (npm ``world-atlas``).

Everything is loaded once and cached; :func:`clear_caches` forgets it (after editing the files, or
after pointing :data:`DATA_DIR` elsewhere). Frameworks and their items are shared objects: treat them
as read-only. Countries and maturity phases are handed out as copies, so callers may fill in fields
such as ``member`` with ``model_copy(update=...)`` or even in place without touching the cache.

Countries: every ISO 3166-1 entry known to pycountry is kept. Region is the M49 region (Africa,
Americas, Asia, Europe, Oceania). Sub-region is country-converter's ``UNregion``: the classic M49
geographic sub-regions, using M49's intermediate regions where it has them (e.g. "Eastern Africa",
"Caribbean", "South America"). Three uninhabited territories that country-converter files under the
continent "Antarctica" (Bouvet Island, South Georgia, Heard and McDonald Islands) take the region of
their M49 sub-region; Antarctica itself has no M49 region and gets :data:`UNCLASSIFIED` for both.
"""

from __future__ import annotations

import copy
import csv
import functools
import importlib.util
import os
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import yaml
from pydantic import ValidationError

from partners.domain.model import Country, Framework, FrameworkItem, MaturityPhase
from partners.domain.text import fold

__all__ = [
    "DATA_DIR",
    "UNCLASSIFIED",
    "ReferenceDataError",
    "clear_cache",
    "clear_caches",
    "countries",
    "country_by_code",
    "framework",
    "framework_item",
    "framework_meta",
    "frameworks",
    "global_north_codes",
    "global_north_definition",
    "load_framework_file",
    "match_country",
    "maturity_phases",
    "mnr_capabilities",
    "regions",
    "world_topojson_path",
]


def _default_data_dir() -> Path:
    override = os.environ.get("PARTNERS_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    # src/partners/reference.py -> <repository>/data
    return Path(__file__).resolve().parents[3] / "data"


#: The repository's ``data/`` directory; the environment variable ``PARTNERS_DATA_DIR`` overrides it.
DATA_DIR: Path = _default_data_dir()

#: Region and sub-region of the few ISO entries that have no UN M49 region (Antarctica).
UNCLASSIFIED = "Unclassified"

#: The family listed first by :func:`frameworks`, and whose newest version gives the capabilities.
MNR_FAMILY = "MNR"

_MATURITY_FILE = Path("maturity") / "mnr.yaml"
_GLOBAL_NORTH_FILE = Path("groupings") / "global-north-gta-2019.yaml"
_WORLD_MAP_FILE = Path("maps") / "countries-110m.json"


class ReferenceDataError(ValueError):
    """A reference data file is missing or wrong; the message names the file and the problem."""


def clear_caches() -> None:
    """Forget everything loaded, so the next call reads the files again."""
    for cached in (
        _frameworks_loaded,
        _item_index,
        _maturity_phases,
        _global_north,
        _coco_rows,
        _countries,
        _match_index,
    ):
        cached.cache_clear()


#: Same as :func:`clear_caches` (the name the command line uses).
clear_cache = clear_caches


# --------------------------------------------------------------------------------------------------
# YAML helpers
# --------------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceDataError(f"{path.name}: cannot be read ({exc.strerror or exc}) at {path}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path.name}: is not valid YAML: {exc}") from exc
    except ValueError as exc:  # e.g. an impossible date such as 2020-13-01
        raise ReferenceDataError(f"{path.name}: has a value YAML cannot read: {exc}") from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if err.get("type") == "missing":
            msg = "is required"
        elif err.get("type") == "string_too_short":
            msg = "cannot be empty"
        parts.append(f"'{loc}' {msg}" if loc else msg)
    return "; ".join(parts)


def _as_text(value: Any) -> Any:
    """YAML reads ``code: 1`` or ``version: 2016`` as numbers: accept them as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


# --------------------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------------------

_FRAMEWORK_FIELDS = frozenset(Framework.model_fields) - {"items"}
#: Extra top-level keys a framework file may carry; they are kept by :func:`framework_meta`.
_FRAMEWORK_META_KEYS = frozenset({"sources", "enablers", "notes", "meta"})
_ITEM_KEYS = frozenset(
    {"code", "kind", "name", "summary", "ordinal", "parent", "verified", "source", "extra", "items"}
)


def _flatten_items(
    file: str,
    framework_id: str,
    default_source: str,
    nodes: Any,
    parent: str | None,
    where: str,
    out: list[FrameworkItem],
    positions: Counter[str | None],
) -> None:
    if nodes is None:
        return
    if not isinstance(nodes, list):
        raise ReferenceDataError(f"{file}: '{where}' must be a list of items")
    for index, node in enumerate(nodes):
        loc = f"{where}[{index}]"
        if not isinstance(node, dict):
            raise ReferenceDataError(f"{file}: {loc} must be a mapping with code, kind and name")
        code = _as_text(node.get("code"))
        label = f"item {loc}" + (f" (code {code!r})" if code not in (None, "") else "")
        unknown = sorted(set(node) - _ITEM_KEYS)
        if unknown:
            raise ReferenceDataError(
                f"{file}: {label} has unknown field(s) {unknown}; allowed: {sorted(_ITEM_KEYS)}"
            )
        explicit_parent = _as_text(node.get("parent"))
        if explicit_parent is not None and parent is not None and explicit_parent != parent:
            raise ReferenceDataError(
                f"{file}: {label} is nested under {parent!r} but says parent {explicit_parent!r}"
            )
        parent_code = parent if parent is not None else explicit_parent
        positions[parent_code] += 1
        extra = node.get("extra")
        if extra is not None and not isinstance(extra, dict):
            raise ReferenceDataError(f"{file}: {label}: 'extra' must be a mapping")
        data = {
            "framework_id": framework_id,
            "code": code,
            "kind": node.get("kind"),
            "name": node.get("name"),
            "summary": node.get("summary") or "",
            "ordinal": node.get("ordinal", positions[parent_code]),
            "parent_code": parent_code,
            "verified": node.get("verified", True),
            "source": node.get("source") or default_source,
            "extra": extra or {},
        }
        # A required field left out (or left empty in YAML) is reported as "is required".
        data = {k: v for k, v in data.items() if not (k in ("code", "kind", "name") and v is None)}
        try:
            item = FrameworkItem(**data)
        except ValidationError as exc:
            raise ReferenceDataError(f"{file}: {label}: {_describe(exc)}") from exc
        out.append(item)
        _flatten_items(
            file, framework_id, default_source, node.get("items"), item.code, f"{loc}.items", out, positions
        )


def _load(path: Path) -> tuple[Framework, dict[str, Any]]:
    file = path.name
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise ReferenceDataError(
            f"{file}: must be a mapping with id, family, name, version, source_url, items"
        )
    unknown = sorted(set(raw) - _FRAMEWORK_FIELDS - _FRAMEWORK_META_KEYS - {"items"})
    if unknown:
        allowed = sorted(_FRAMEWORK_FIELDS | _FRAMEWORK_META_KEYS | {"items"})
        raise ReferenceDataError(f"{file}: unknown top-level field(s) {unknown}; allowed: {allowed}")
    fields = {
        k: _as_text(raw[k]) if k in ("id", "version") else raw[k] for k in raw if k in _FRAMEWORK_FIELDS
    }
    framework_id = fields.get("id")
    if not isinstance(framework_id, str) or not framework_id.strip():
        raise ReferenceDataError(f"{file}: 'id' is required (e.g. MNR-2016)")
    framework_id = framework_id.strip()
    if ":" in framework_id or any(ch.isspace() for ch in framework_id):
        raise ReferenceDataError(f"{file}: 'id' {framework_id!r} may not contain ':' or spaces")
    source_url = fields.get("source_url")
    if not isinstance(source_url, str) or not source_url.strip():
        raise ReferenceDataError(f"{file}: 'source_url' is required (where the framework is published)")
    items: list[FrameworkItem] = []
    _flatten_items(file, framework_id, source_url.strip(), raw.get("items"), None, "items", items, Counter())
    if not items:
        raise ReferenceDataError(f"{file}: 'items' is required and may not be empty")
    try:
        fw = Framework(**fields, items=items)
    except ValidationError as exc:
        raise ReferenceDataError(f"{file}: {_describe(exc)}") from exc
    meta = {k: raw[k] for k in raw if k in _FRAMEWORK_META_KEYS}
    meta["file"] = file
    return fw, meta


def load_framework_file(path: str | os.PathLike[str]) -> Framework:
    """Parse and validate one framework file (see ``data/README.md`` for the format).

    Nested ``items`` are flattened: each item gets its parent's code as ``parent_code``, its position
    among its siblings as ``ordinal`` (unless given) and the framework's ``source_url`` as ``source``
    (unless given). Raises :class:`ReferenceDataError` naming the file and what is wrong.
    """
    return _load(Path(path))[0]


def _framework_sort_key(fw: Framework) -> tuple[bool, date, str]:
    return (fw.family != MNR_FAMILY, fw.published or date.max, fw.id)


@functools.cache
def _frameworks_loaded() -> tuple[tuple[Framework, dict[str, Any]], ...]:
    folder = DATA_DIR / "frameworks"
    if not folder.is_dir():
        raise ReferenceDataError(f"frameworks: no folder at {folder}")
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    loaded = [_load(p) for p in paths]
    seen: dict[str, str] = {}
    for fw, meta in loaded:
        if fw.id in seen:
            raise ReferenceDataError(
                f"{meta['file']}: framework id {fw.id!r} is already used by {seen[fw.id]}"
            )
        seen[fw.id] = meta["file"]
    return tuple(sorted(loaded, key=lambda pair: _framework_sort_key(pair[0])))


def frameworks() -> list[Framework]:
    """All frameworks in ``data/frameworks``: the MNR family first, then by publication date."""
    return [fw for fw, _ in _frameworks_loaded()]


def framework(framework_id: str) -> Framework | None:
    wanted = str(framework_id).strip()
    return next((fw for fw, _ in _frameworks_loaded() if fw.id == wanted), None)


def framework_meta(framework_id: str) -> dict[str, Any]:
    """The extra top-level entries of a framework file (``sources``, ``enablers``, ...) and its file name.

    ``Framework`` has no place for them; empty dict for an unknown id.
    """
    wanted = str(framework_id).strip()
    for fw, meta in _frameworks_loaded():
        if fw.id == wanted:
            return copy.deepcopy(meta)
    return {}


@functools.cache
def _item_index() -> dict[str, FrameworkItem]:
    return {item.key: item for fw in frameworks() for item in fw.items}


def framework_item(key: str) -> FrameworkItem | None:
    """An item by its key ``"{framework_id}:{code}"``, e.g. ``"MNR-2016:4"`` or ``"GA-2012:T1"``."""
    if not isinstance(key, str):
        return None
    framework_id, sep, code = key.strip().partition(":")
    if not sep:
        return None
    return _item_index().get(f"{framework_id.strip()}:{code.strip()}")


def _capability_order(item: FrameworkItem) -> tuple[int, int, int]:
    return (0, int(item.code), item.ordinal) if item.code.isdigit() else (1, 0, item.ordinal)


def mnr_capabilities() -> list[FrameworkItem]:
    """The capabilities of the newest MNR framework version, in their public numbering."""
    mnr = [fw for fw in frameworks() if fw.family == MNR_FAMILY]
    if not mnr:
        return []
    newest = max(mnr, key=lambda fw: (fw.published or date.min, fw.version))
    return sorted((i for i in newest.items if i.kind == "capability"), key=_capability_order)


# --------------------------------------------------------------------------------------------------
# Maturity phases
# --------------------------------------------------------------------------------------------------


@functools.cache
def _maturity_phases() -> tuple[MaturityPhase, ...]:
    path = DATA_DIR / _MATURITY_FILE
    raw = _read_yaml(path)
    phases = raw.get("phases") if isinstance(raw, dict) else None
    if not isinstance(phases, list):
        raise ReferenceDataError(f"{path.name}: needs a 'phases' list")
    out = []
    for index, entry in enumerate(phases):
        if not isinstance(entry, dict):
            raise ReferenceDataError(f"{path.name}: phases[{index}] must be a mapping")
        try:
            out.append(MaturityPhase(**entry))
        except ValidationError as exc:
            raise ReferenceDataError(f"{path.name}: phases[{index}]: {_describe(exc)}") from exc
    numbers = sorted(p.phase for p in out)
    if numbers != [1, 2, 3, 4]:
        raise ReferenceDataError(
            f"{path.name}: needs phases 1, 2, 3 and 4 exactly once each, found {numbers}"
        )
    return tuple(sorted(out, key=lambda p: p.phase))


def maturity_phases() -> list[MaturityPhase]:
    """The four MNR maturity phases, phase 1 (building) to 4 (maturity)."""
    return [p.model_copy() for p in _maturity_phases()]


# --------------------------------------------------------------------------------------------------
# Global North / South
# --------------------------------------------------------------------------------------------------


@functools.cache
def _global_north() -> tuple[dict[str, Any], frozenset[str]]:
    path = DATA_DIR / _GLOBAL_NORTH_FILE
    raw = _read_yaml(path)
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


# --------------------------------------------------------------------------------------------------
# World map
# --------------------------------------------------------------------------------------------------


def world_topojson_path() -> Path:
    """The world map (TopoJSON; feature ``id`` = ISO 3166-1 numeric as a zero-padded string)."""
    path = DATA_DIR / _WORLD_MAP_FILE
    if not path.is_file():
        raise ReferenceDataError(f"{path.name}: the world map is missing at {path}")
    return path
