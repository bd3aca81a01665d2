"""The world map: ``data/maps/countries-110m.json`` (npm ``world-atlas``)."""

from __future__ import annotations

from pathlib import Path

from partners.reference.files import ReferenceDataError, data_dir

_WORLD_MAP_FILE = Path("maps") / "countries-110m.json"


def world_topojson_path() -> Path:
    """The world map (TopoJSON; feature ``id`` = ISO 3166-1 numeric as a zero-padded string)."""
    path = data_dir() / _WORLD_MAP_FILE
    if not path.is_file():
        raise ReferenceDataError(f"{path.name}: the world map is missing at {path}")
    return path
