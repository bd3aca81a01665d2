"""What every reference loader shares: where the data folder is, the error type, YAML reading."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


def default_data_dir() -> Path:
    override = os.environ.get("PARTNERS_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    # src/partners/reference/files.py -> <repository>/data
    return Path(__file__).resolve().parents[3] / "data"


def data_dir() -> Path:
    """The data folder in use: :data:`partners.reference.DATA_DIR`, read at each call so that tests and
    the command line can point the package at another folder."""
    import partners.reference as package

    return package.DATA_DIR


class ReferenceDataError(ValueError):
    """A reference data file is missing or wrong; the message names the file and the problem."""



def read_yaml(path: Path) -> Any:
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


def describe(exc: ValidationError) -> str:
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


def as_text(value: Any) -> Any:
    """YAML reads ``code: 1`` or ``version: 2016`` as numbers: accept them as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value

