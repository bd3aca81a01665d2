"""Framework versions: which version of a family is current, and crosswalks between versions.

A framework family (e.g. MNR) has versions (MNR-2016, a later revision ...). Records keep the item keys
of the version they were made against; a crosswalk maps one version's items to the next version's, so a
view can show an old record on the current version and say so. These rules work on plain values: the
reference loader applies them to the data files, the services to what the database holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from partners.domain.model import LabelledEnum


class CrosswalkKind(LabelledEnum):
    """How items of one version become items of the next."""

    SAME = "same"  # one item becomes one item (perhaps renumbered or renamed)
    MERGED = "merged"  # several items become one
    SPLIT = "split"  # one item becomes several
    NEW = "new"  # an item of the new version with no predecessor
    RETIRED = "retired"  # items with no successor


#: How many keys each kind takes on each side: (fewest from, most from, fewest to, most to); None: no limit.
CROSSWALK_SHAPES: dict[CrosswalkKind, tuple[int, int | None, int, int | None]] = {
    CrosswalkKind.SAME: (1, 1, 1, 1),
    CrosswalkKind.MERGED: (2, None, 1, 1),
    CrosswalkKind.SPLIT: (1, 1, 2, None),
    CrosswalkKind.NEW: (0, 0, 1, None),
    CrosswalkKind.RETIRED: (1, None, 0, 0),
}

_SHAPE_TEXT = {
    CrosswalkKind.SAME: "one 'from' key and one 'to' key",
    CrosswalkKind.MERGED: "two or more 'from' keys and one 'to' key",
    CrosswalkKind.SPLIT: "one 'from' key and two or more 'to' keys",
    CrosswalkKind.NEW: "no 'from' key and one or more 'to' keys",
    CrosswalkKind.RETIRED: "one or more 'from' keys and no 'to' key",
}


def shape_problem(kind: CrosswalkKind, from_count: int, to_count: int) -> str | None:
    """Why a crosswalk row of this kind cannot have this many keys on each side, or None if it can."""
    lo_from, hi_from, lo_to, hi_to = CROSSWALK_SHAPES[kind]
    fits = (
        lo_from <= from_count <= (hi_from if hi_from is not None else from_count)
        and lo_to <= to_count <= (hi_to if hi_to is not None else to_count)
    )
    return None if fits else f"kind '{kind.value}' needs {_SHAPE_TEXT[kind]} (found {from_count} and {to_count})"


@dataclass(frozen=True)
class CrosswalkRow:
    from_keys: tuple[str, ...]
    to_keys: tuple[str, ...]
    kind: CrosswalkKind
    note: str = ""


@dataclass(frozen=True)
class Crosswalk:
    """The mapping from the items of one framework version to those of a later version."""

    from_framework: str
    to_framework: str
    rows: tuple[CrosswalkRow, ...]
    source_url: str = ""

    def row_of(self, key: str) -> CrosswalkRow | None:
        """The row listing ``key`` on its 'from' side, or None when the crosswalk does not list it."""
        return next((row for row in self.rows if key in row.from_keys), None)


class Version(Protocol):
    """What the current-version rule needs to know of a framework version."""

    @property
    def id(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def published(self) -> date | None: ...
    @property
    def current(self) -> bool: ...


V = TypeVar("V", bound=Version)


def version_order(fw: Version) -> tuple[date, str]:
    """Older versions sort first: by ``published`` (none: oldest), then by the version text."""
    return (fw.published or date.min, fw.version)


def current_version(versions: Iterable[V], family: str) -> V | None:
    """The current version of a family: the newest (see :func:`version_order`) of its versions whose file
    does not say ``current: false``; None when the family has none."""
    candidates = [v for v in versions if v.family == family and v.current]
    return max(candidates, key=version_order, default=None)


def capability_order(code: str, ordinal: int) -> tuple[int, int, int]:
    """MNR capabilities in their public numbering (1, 2, ... 21); codes that are not numbers last."""
    return (0, int(code), ordinal) if code.isdigit() else (1, 0, ordinal)


@dataclass(frozen=True)
class Mapping:
    """Where a recorded item key lands on a target version."""

    key: str  # the key as recorded
    target_framework: str
    targets: tuple[str, ...]  # the items of the target version (empty: retired or not listed)
    path: tuple[str, ...]  # framework ids from the recorded version to the target
    kinds: tuple[CrosswalkKind | None, ...]  # per crosswalk step; None: that crosswalk does not list the key

    @property
    def through_crosswalk(self) -> bool:
        """Whether the key was made against another version than the target."""
        return len(self.path) > 1

    @property
    def kind(self) -> CrosswalkKind | None:
        """The change: SAME when every step kept the item; otherwise the last change that was not SAME
        (RETIRED when nothing is left); None when a crosswalk on the way does not list the item."""
        if not self.through_crosswalk:
            return CrosswalkKind.SAME
        if None in self.kinds:
            return None
        if not self.targets:
            return CrosswalkKind.RETIRED
        changes = [k for k in self.kinds if k is not CrosswalkKind.SAME]
        return changes[-1] if changes else CrosswalkKind.SAME


def crosswalk_path(crosswalks: Sequence[Crosswalk], source: str, target: str) -> list[Crosswalk] | None:
    """The crosswalks leading from one version to another (shortest chain), [] for the same version,
    None when no chain of crosswalks connects them."""
    if source == target:
        return []
    queue: deque[tuple[str, list[Crosswalk]]] = deque([(source, [])])
    seen = {source}
    while queue:
        at, chain = queue.popleft()
        for cw in crosswalks:
            if cw.from_framework == at and cw.to_framework not in seen:
                if cw.to_framework == target:
                    return [*chain, cw]
                seen.add(cw.to_framework)
                queue.append((cw.to_framework, [*chain, cw]))
    return None


def map_key(key: str, target: str, crosswalks: Sequence[Crosswalk]) -> Mapping | None:
    """Follow the crosswalks from the version ``key`` was made against to ``target``.

    None when no crosswalk leads there (e.g. a key of another family).
    """
    source = key.partition(":")[0]
    chain = crosswalk_path(crosswalks, source, target)
    if chain is None:
        return None
    keys: list[str] = [key]
    path = [source]
    kinds: list[CrosswalkKind | None] = []
    for cw in chain:
        step: list[str] = []
        step_kinds: list[CrosswalkKind | None] = []
        for k in keys:
            row = cw.row_of(k)
            step_kinds.append(row.kind if row else None)
            step += [t for t in (row.to_keys if row else ()) if t not in step]
        if None in step_kinds:
            kind = None
        else:
            changed = [k for k in step_kinds if k is not CrosswalkKind.SAME]
            kind = changed[-1] if changed else CrosswalkKind.SAME
        kinds.append(kind)
        keys = step
        path.append(cw.to_framework)
    return Mapping(key, target, tuple(keys), tuple(path), tuple(kinds))
