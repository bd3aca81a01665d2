"""The four MNR maturity phases: ``data/maturity/mnr.yaml``. Handed out as copies."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import ValidationError

from partners.domain.model import MaturityPhase
from partners.reference.files import ReferenceDataError, data_dir, describe, read_yaml

_MATURITY_FILE = Path("maturity") / "mnr.yaml"


@functools.cache
def _maturity_phases() -> tuple[MaturityPhase, ...]:
    path = data_dir() / _MATURITY_FILE
    raw = read_yaml(path)
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
            raise ReferenceDataError(f"{path.name}: phases[{index}]: {describe(exc)}") from exc
    numbers = sorted(p.phase for p in out)
    if numbers != [1, 2, 3, 4]:
        raise ReferenceDataError(
            f"{path.name}: needs phases 1, 2, 3 and 4 exactly once each, found {numbers}"
        )
    return tuple(sorted(out, key=lambda p: p.phase))


def maturity_phases() -> list[MaturityPhase]:
    """The four MNR maturity phases, phase 1 (building) to 4 (maturity)."""
    return [p.model_copy() for p in _maturity_phases()]


CACHES = (_maturity_phases,)
