"""Crosswalk files: ``data/crosswalks/*.yaml``, each mapping one framework version's items to a later one's.

Format (see ``data/README.md``)::

    from: MNR-2016
    to: MNR-2022
    source_url: https://...      # optional: where the mapping comes from
    notes: ...                   # optional
    rows:
      - {from: [MNR-2016:1], to: [MNR-2022:1], kind: same}
      - {from: [MNR-2016:16, MNR-2016:17], to: [MNR-2022:15], kind: merged}
      - {from: [MNR-2016:5], to: [MNR-2022:5, MNR-2022:6], kind: split}
      - {from: [], to: [MNR-2022:22], kind: new}
      - {from: [MNR-2016:21], to: [], kind: retired}

Every key must be an item of its side's framework, and appear in at most one row; both frameworks must be
versions of one family. Items a crosswalk does not list have no stated counterpart.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from partners.domain.frameworks import Crosswalk, CrosswalkKind, CrosswalkRow, Mapping, map_key, shape_problem
from partners.reference.files import ReferenceDataError, as_text, data_dir, read_yaml
from partners.reference.frameworks import current_framework, framework

_TOP_KEYS = frozenset({"from", "to", "source_url", "notes", "rows"})
_ROW_KEYS = frozenset({"from", "to", "kind", "note"})


def _keys(file: str, where: str, side: str, value: Any, framework_id: str, known: set[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ReferenceDataError(f"{file}: {where}: '{side}' must be a list of item keys such as {framework_id}:4")
    keys = []
    for entry in value:
        key = str(as_text(entry)).strip()
        if key not in known:
            raise ReferenceDataError(
                f"{file}: {where}: '{key}' is not an item of {framework_id}"
                f" (write keys as {framework_id}:CODE; see data/frameworks)"
            )
        if key in keys:
            raise ReferenceDataError(f"{file}: {where}: '{key}' is listed twice")
        keys.append(key)
    return tuple(keys)


def load_crosswalk_file(path: str | Path) -> Crosswalk:
    """Parse and validate one crosswalk file against the framework files; raises ReferenceDataError."""
    path = Path(path)
    file = path.name
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{file}: must be a mapping with from, to and rows")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ReferenceDataError(f"{file}: unknown top-level field(s) {unknown}; allowed: {sorted(_TOP_KEYS)}")
    ends = {}
    for side in ("from", "to"):
        fw_id = str(as_text(raw.get(side)) or "").strip()
        fw = framework(fw_id) if fw_id else None
        if fw is None:
            what = f"{fw_id!r} is not a framework in data/frameworks" if fw_id else "is required (a framework id)"
            raise ReferenceDataError(f"{file}: '{side}' {what}")
        ends[side] = fw
    old, new = ends["from"], ends["to"]
    if old.id == new.id:
        raise ReferenceDataError(f"{file}: 'from' and 'to' are both {old.id}")
    if old.family != new.family:
        raise ReferenceDataError(
            f"{file}: {old.id} (family {old.family}) and {new.id} (family {new.family}) are not versions of one family"
        )
    rows_raw = raw.get("rows")
    if not isinstance(rows_raw, list) or not rows_raw:
        raise ReferenceDataError(f"{file}: 'rows' is required: a list of {{from, to, kind}}")
    old_keys = {i.key for i in old.items}
    new_keys = {i.key for i in new.items}
    rows: list[CrosswalkRow] = []
    used: dict[str, int] = {}
    for index, entry in enumerate(rows_raw):
        where = f"rows[{index}]"
        if not isinstance(entry, dict):
            raise ReferenceDataError(f"{file}: {where} must be a mapping with from, to and kind")
        unknown = sorted(set(entry) - _ROW_KEYS)
        if unknown:
            raise ReferenceDataError(f"{file}: {where} has unknown field(s) {unknown}; allowed: {sorted(_ROW_KEYS)}")
        try:
            kind = CrosswalkKind(str(entry.get("kind", "")).strip().lower())
        except ValueError:
            allowed = ", ".join(k.value for k in CrosswalkKind)
            raise ReferenceDataError(f"{file}: {where}: 'kind' must be one of {allowed}") from None
        from_keys = _keys(file, where, "from", entry.get("from"), old.id, old_keys)
        to_keys = _keys(file, where, "to", entry.get("to"), new.id, new_keys)
        problem = shape_problem(kind, len(from_keys), len(to_keys))
        if problem:
            raise ReferenceDataError(f"{file}: {where}: {problem}")
        for key in (*from_keys, *to_keys):
            if key in used:
                raise ReferenceDataError(
                    f"{file}: {where}: '{key}' is already in rows[{used[key]}]; each item goes in one row"
                    " (several old items into one new: kind merged; one into several: kind split)"
                )
            used[key] = index
        rows.append(CrosswalkRow(from_keys, to_keys, kind, str(entry.get("note") or "")))
    return Crosswalk(old.id, new.id, tuple(rows), str(raw.get("source_url") or ""))


@functools.cache
def _crosswalks_loaded() -> tuple[Crosswalk, ...]:
    folder = data_dir() / "crosswalks"
    if not folder.is_dir():
        return ()  # no version has a successor yet
    loaded: list[Crosswalk] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        cw = load_crosswalk_file(path)
        pair = (cw.from_framework, cw.to_framework)
        if pair in seen:
            raise ReferenceDataError(f"{path.name}: {pair[0]} to {pair[1]} is already given by {seen[pair]}")
        seen[pair] = path.name
        loaded.append(cw)
    return tuple(loaded)


def crosswalks() -> list[Crosswalk]:
    """Every crosswalk in ``data/crosswalks`` (validated against the framework files)."""
    return list(_crosswalks_loaded())


CACHES = (_crosswalks_loaded,)


def map_to_current(key: str) -> Mapping | None:
    """Where an item key lands on the current version of its family, through the crosswalk files (for
    code without a database, such as the demo generator; with one, use ``services.frameworks``)."""
    fw = framework(key.partition(":")[0])
    current = current_framework(fw.family) if fw else None
    return map_key(key, current.id, crosswalks()) if current else None
