"""Framework files: ``data/frameworks/*.yaml``, one file per framework version, loaded and validated.

Frameworks and their items are shared objects: treat them as read-only. At run time the database is the
source of frameworks (``partners.services.frameworks``); these loaders feed it (``services.setup``) and
serve code that runs without a database (the demo generator, the import template).
"""

from __future__ import annotations

import copy
import functools
import os
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from partners.domain.frameworks import capability_order, current_version
from partners.domain.model import Framework, FrameworkItem
from partners.reference.files import ReferenceDataError, as_text, data_dir, describe, read_yaml

#: The family listed first by :func:`frameworks`, and whose current version gives the capabilities.
MNR_FAMILY = "MNR"

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
        code = as_text(node.get("code"))
        label = f"item {loc}" + (f" (code {code!r})" if code not in (None, "") else "")
        unknown = sorted(set(node) - _ITEM_KEYS)
        if unknown:
            raise ReferenceDataError(
                f"{file}: {label} has unknown field(s) {unknown}; allowed: {sorted(_ITEM_KEYS)}"
            )
        explicit_parent = as_text(node.get("parent"))
        if explicit_parent is not None and parent is not None and explicit_parent != parent:
            raise ReferenceDataError(
                f"{file}: {label} is nested under {parent!r} but says parent {explicit_parent!r}"
            )
        parent_code = parent if parent is not None else explicit_parent
        positions[parent_code] += 1
        extra = node.get("extra")
        if extra is not None and not isinstance(extra, dict):
            raise ReferenceDataError(f"{file}: {label}: 'extra' must be a mapping")
        if isinstance(extra, dict) and CAPABILITY_LINKS in extra:
            _check_capability_list(file, label, extra[CAPABILITY_LINKS])
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
            raise ReferenceDataError(f"{file}: {label}: {describe(exc)}") from exc
        out.append(item)
        _flatten_items(
            file, framework_id, default_source, node.get("items"), item.code, f"{loc}.items", out, positions
        )


#: An item's ``extra`` key listing the MNR capabilities (keys such as ``MNR-2016:1``) whose gaps its template
#: helps close (the Abu Dhabi 2015 templates); checked here: a list of distinct keys of loaded capabilities.
CAPABILITY_LINKS = "mnr_capabilities"


def _check_capability_list(file: str, label: str, value: Any) -> None:
    """The shape of ``extra.mnr_capabilities``: a list (maybe empty) of distinct ``FRAMEWORK:CODE`` keys."""
    where = f"{file}: {label}: 'extra.{CAPABILITY_LINKS}'"
    if not isinstance(value, list):
        raise ReferenceDataError(f"{where} must be a list of capability keys such as MNR-2016:1 (or [])")
    for key in value:
        framework_id, sep, code = key.partition(":") if isinstance(key, str) else ("", "", "")
        if not (sep and framework_id.strip() and code.strip()) or key != key.strip():
            raise ReferenceDataError(f"{where}: {key!r} is not a capability key such as MNR-2016:1")
    repeated = sorted({k for k in value if value.count(k) > 1})
    if repeated:
        raise ReferenceDataError(f"{where} lists {', '.join(repeated)} twice")


def check_capability_links(loaded: Iterable[Framework]) -> None:
    """Every key an item's ``extra.mnr_capabilities`` lists must be a capability of one of the frameworks
    loaded with it (raises :class:`ReferenceDataError` naming the framework, the item and the key)."""
    loaded = list(loaded)
    capabilities = {i.key for fw in loaded for i in fw.items if i.kind == "capability"}
    for fw in loaded:
        for item in fw.items:
            unknown = [k for k in item.extra.get(CAPABILITY_LINKS, []) if k not in capabilities]
            if unknown:
                raise ReferenceDataError(
                    f"{fw.id}: item {item.code!r}: 'extra.{CAPABILITY_LINKS}' names {', '.join(unknown)}, "
                    "which is no capability of a loaded MNR version"
                )


def _load(path: Path) -> tuple[Framework, dict[str, Any]]:
    file = path.name
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ReferenceDataError(
            f"{file}: must be a mapping with id, family, name, version, source_url, items"
        )
    unknown = sorted(set(raw) - _FRAMEWORK_FIELDS - _FRAMEWORK_META_KEYS - {"items"})
    if unknown:
        allowed = sorted(_FRAMEWORK_FIELDS | _FRAMEWORK_META_KEYS | {"items"})
        raise ReferenceDataError(f"{file}: unknown top-level field(s) {unknown}; allowed: {allowed}")
    fields = {
        k: as_text(raw[k]) if k in ("id", "version") else raw[k] for k in raw if k in _FRAMEWORK_FIELDS
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
        raise ReferenceDataError(f"{file}: {describe(exc)}") from exc
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
    folder = data_dir() / "frameworks"
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
    check_capability_links(fw for fw, _ in loaded)
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


def current_framework(family: str = MNR_FAMILY) -> Framework | None:
    """The current version of a family among the files (the rule: :func:`partners.domain.frameworks.current_version`).

    For code without a database (the demo generator); with a database use
    ``partners.services.frameworks.current_framework``.
    """
    return current_version(frameworks(), family)


def mnr_capabilities() -> list[FrameworkItem]:
    """The capabilities of the current MNR framework version, in their public numbering."""
    current = current_framework(MNR_FAMILY)
    if current is None:
        return []
    capabilities = (i for i in current.items if i.kind == "capability")
    return sorted(capabilities, key=lambda i: capability_order(i.code, i.ordinal))


CACHES = (_frameworks_loaded, _item_index)
