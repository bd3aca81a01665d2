"""Reference data: frameworks, crosswalks, maturity phases, countries, country groupings and the world map.

Everything here is read from reviewable text files under ``data/`` (see ``data/README.md``) or from
maintained packages, never typed into code. One module per job:

* :mod:`.frameworks`: ``data/frameworks/*.yaml``, one file per framework version;
* :mod:`.crosswalks`: ``data/crosswalks/*.yaml``, how one version's items map to the next version's
  (a new version such as MNR-2022 is a framework file plus a crosswalk file, no code change);
* :mod:`.maturity`: ``data/maturity/mnr.yaml``;
* :mod:`.countries`: ISO 3166-1 from ``pycountry``; UN M49 region and sub-region from the
  ``country_data.tsv`` table shipped by ``country-converter`` (read directly: its Python API reads
  Namibia's "NA" as a missing value under pandas 3, and importing it pulls in pandas); the Global North
  definition ``data/groupings/global-north-gta-2019.yaml``;
* :mod:`.maps`: ``data/maps/countries-110m.json`` (npm ``world-atlas``).

``services.setup.load_reference`` copies frameworks, crosswalks, countries and phases into the
database, which is the source at run time (``partners.services.frameworks`` resolves the current
version of a family there). Everything is loaded once and cached; :func:`clear_caches` forgets it
(after editing the files, or after pointing :data:`DATA_DIR` elsewhere). Callers keep using
``from partners import reference; reference.X``: the names below are re-exported from the modules.
"""

from __future__ import annotations

from pathlib import Path

from partners.reference import countries as _countries_module
from partners.reference import crosswalks as _crosswalks_module
from partners.reference import frameworks as _frameworks_module
from partners.reference import maturity as _maturity_module
from partners.reference.countries import (
    UNCLASSIFIED,
    countries,
    country_by_code,
    global_north_codes,
    global_north_definition,
    is_country_code,
    match_country,
    regions,
)
from partners.reference.crosswalks import crosswalks, load_crosswalk_file, map_to_current
from partners.reference.files import ReferenceDataError, default_data_dir
from partners.reference.frameworks import (
    MNR_FAMILY,
    current_framework,
    framework,
    framework_item,
    framework_meta,
    frameworks,
    load_framework_file,
    mnr_capabilities,
)
from partners.reference.maps import world_topojson_path
from partners.reference.maturity import maturity_phases

__all__ = [
    "DATA_DIR",
    "MNR_FAMILY",
    "UNCLASSIFIED",
    "ReferenceDataError",
    "clear_cache",
    "clear_caches",
    "countries",
    "country_by_code",
    "crosswalks",
    "current_framework",
    "framework",
    "framework_item",
    "framework_meta",
    "frameworks",
    "global_north_codes",
    "global_north_definition",
    "is_country_code",
    "load_crosswalk_file",
    "load_framework_file",
    "map_to_current",
    "match_country",
    "maturity_phases",
    "mnr_capabilities",
    "regions",
    "world_topojson_path",
]

#: The repository's ``data/`` directory; the environment variable ``PARTNERS_DATA_DIR`` overrides it.
#: The loaders read it here at each call, so ``monkeypatch.setattr(reference, "DATA_DIR", ...)`` works.
DATA_DIR: Path = default_data_dir()


def clear_caches() -> None:
    """Forget everything loaded, so the next call reads the files again."""
    for module in (_frameworks_module, _crosswalks_module, _maturity_module, _countries_module):
        for cached in module.CACHES:
            cached.cache_clear()


#: Same as :func:`clear_caches` (the name the command line uses).
clear_cache = clear_caches
