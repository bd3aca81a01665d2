"""The country scorecard's figures, for one viewer: MNR maturity, commitment progress and peer context.

The calculations are :mod:`partners.domain.scoring`'s; this module fetches what the viewer may see, turns
it into the scoring's plain inputs and hands back its results. ``docs/methodology.md`` explains them in
words (:func:`methodology_text` returns it, for the page's "How is this calculated?" panel and the PDF).

Privacy: a country's own figures come from what ``view_scope`` lets the viewer see (its private
assessments only for the secretariat and that country's focal points). Peer bands come from published
assessments only, whoever asks, and hold aggregates only: no country's value, no order of countries.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from partners.domain import scoring
from partners.domain.frameworks import Mapping as CrosswalkMapping
from partners.domain.model import Actor
from partners.domain.permissions import UseCase, authorize
from partners.domain.scope import ViewScope
from partners.domain.scoring import (
    Assessment,
    CapabilityPhase,
    CommitmentFacts,
    CommitmentFigures,
    DomainPhase,
    PeerBand,
    Unmapped,
)
from partners.reference import MNR_FAMILY
from partners.services import frameworks
from partners.services.as_of import AsOf, moment
from partners.services.errors import NotFound
from partners.services.settings import reporting_cycle_months
from partners.services.visibility import view_scope
from partners.storage.port import Store

T = TypeVar("T")
_MISSING = object()

#: ``docs/methodology.md``: src/partners/services/scorecard.py -> <repository>/docs/methodology.md
METHODOLOGY_PATH = Path(__file__).resolve().parents[3] / "docs" / "methodology.md"


def methodology_text() -> str:
    """The methodology as written in ``docs/methodology.md`` (Markdown): the one text the page's
    "How is this calculated?" panel and the PDF's footnote show."""
    return METHODOLOGY_PATH.read_text(encoding="utf-8")


# -- the current MNR -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MnrShape:
    """The current MNR version's capabilities and domains, in the framework's order."""

    framework_id: str
    capability_keys: tuple[str, ...]
    domain_of: dict[str, str]  # capability key -> domain key
    domain_names: dict[str, str]  # domain key -> name


def current_mnr(store: Store) -> MnrShape:
    """The capabilities and domains of the current MNR version (empty when none is loaded); read once per
    data version (a reference load changes it)."""
    return _by_reference(store, ("mnr",), lambda: _read_mnr(store))


def _read_mnr(store: Store) -> MnrShape:
    current = frameworks.current_framework(store, MNR_FAMILY)
    if current is None:
        return MnrShape("", (), {}, {})
    caps = frameworks.capabilities(store, current.id)
    items = store.framework_items()
    parent = dict(zip(items.key, items.parent_key, strict=True))
    names = dict(zip(items.key, items.name, strict=True))
    domain_of = {key: str(parent.get(key) or "") for key in caps.key}
    domains = dict.fromkeys(domain_of.values())
    return MnrShape(current.id, tuple(caps.key), domain_of, {d: str(names.get(d, d)) for d in domains})


#: Reads a scorecard makes for each of its figures, kept per open store for the data version they were read
#: at (every write moves it on, so nothing outlives its data): a few entries, keyed by what decides them.
_KEPT: weakref.WeakKeyDictionary[Any, dict[tuple, Any]] = weakref.WeakKeyDictionary()
_KEEP = 16
_KEPT_LOCK = threading.Lock()


def _kept(store: Store, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` at this data version (the result is shared: never change
    it). Not kept when the store has no data version."""
    version = store.data_version()
    if version is None:
        return compute()
    with _KEPT_LOCK:
        kept = _KEPT.setdefault(store, {})
        found = kept.get((version, *key), _MISSING)
    if found is _MISSING:
        found = compute()
        with _KEPT_LOCK:
            if any(k[0] != version for k in kept):  # older data: those reads go
                kept.clear()
            while len(kept) >= _KEEP:
                kept.pop(next(iter(kept)))
            kept[(version, *key)] = found
    return found


#: Reference reads (the current MNR, its capabilities, where recorded keys land), kept per open store for the
#: state of the frameworks they were read at (``Store.published_state``, read once per data version): they
#: change with a reference load, not with the records written all day.
_REFERENCE: weakref.WeakKeyDictionary[Any, tuple[tuple, dict[tuple, Any]]] = weakref.WeakKeyDictionary()


def _by_reference(store: Store, key: tuple, compute: Callable[[], T]) -> T:
    state = _kept(store, ("published_state",), store.published_state)
    with _KEPT_LOCK:
        held = _REFERENCE.get(store)
        if held is None or held[0] != state:
            held = (state, {})
            _REFERENCE[store] = held
        found = held[1].get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        with _KEPT_LOCK:
            if len(held[1]) >= 4 * _KEEP:
                held[1].clear()
            held[1][key] = found
    return found


def _map_to_current(store: Store, keys: Iterable[str]) -> dict[str, Any]:
    """``frameworks.map_to_current``, kept while the frameworks stay as they are (do not change the result)."""
    wanted = frozenset(keys)
    return _by_reference(store, ("map", wanted), lambda: frameworks.map_to_current(store, wanted))


def _assessment_rows(store: Store, scope: ViewScope, code: str) -> pd.DataFrame:
    """``store.assessments(scope, code)``, read once per data version, country, moment and whether the
    viewer sees the country's private assessments (all the rows depend on)."""
    private = scope.assessments_all or code in scope.assessment_countries
    return _kept(store, ("assessments", code, private, scope.as_of), lambda: store.assessments(scope, code))


def _assessments(rows: Iterable[dict[str, Any]]) -> list[Assessment]:
    return [Assessment.from_row(r) for r in rows]


def _recorded(store: Store, scope: ViewScope, code: str) -> list[Assessment]:
    """The assessments of ``_assessment_rows`` as the scoring's inputs, made once per data version (shared:
    never change the list)."""
    private = scope.assessments_all or code in scope.assessment_countries
    return _kept(store, ("recorded", code, private, scope.as_of),
                 lambda: _assessments(_assessment_rows(store, scope, code).to_dict("records")))


# -- one country's maturity ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Maturity:
    """A country's MNR maturity as the viewer may see it."""

    country_code: str
    framework_id: str  # the current MNR version everything is shown on
    capabilities: dict[str, CapabilityPhase]  # current capability key -> latest phases
    domains: dict[str, dict[str, DomainPhase]]  # reading ("latest", "verified", "self_assessed") -> domain
    domain_names: dict[str, str]
    unmapped: list[Unmapped]  # recorded keys with no place on the current version, shown apart
    includes_private: bool  # whether unpublished assessments went into it (the viewer may see them)
    assessments: int  # how many recorded assessments the viewer may see


def _scope(store: Store, actor: Actor, now: datetime | None, as_of: AsOf) -> ViewScope:
    """The viewer's scope, reading the records as they stood at ``as_of`` (a date: the end of that day;
    one still to come is refused) when it is given."""
    scope = view_scope(actor, now, None, as_of=moment(as_of, now))
    months = _kept(store, ("reporting_cycle_months",), lambda: reporting_cycle_months(store))
    return replace(scope, reporting_cycle_months=months)


def _country(store: Store, code: str, as_of: datetime | None = None) -> dict:
    """The country's facts (shared: never change them), read once per data version and moment."""
    facts = _kept(store, ("country", code, as_of), lambda: store.country(code, as_of=as_of))
    if facts is None:
        raise NotFound(f"there is no country with code {code}")
    return facts


def country_facts(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None
) -> dict:
    """The scorecard's header facts of one country (name, region, sub-region, Global North, membership);
    ``NotFound`` for a code that is no country. Reference data: the same for every viewer. ``as_of``: as
    they stood then (membership changes)."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return dict(_country(store, code, moment(as_of, now)))


def capabilities(store: Store, actor: Actor) -> pd.DataFrame:
    """The current MNR version's capabilities in the framework's order: key, code, name, domain."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return _by_reference(store, ("capabilities",), lambda: _capabilities(store)).copy()


def _capabilities(store: Store) -> pd.DataFrame:
    current = frameworks.current_framework(store, MNR_FAMILY)
    if current is None:
        return pd.DataFrame(columns=["key", "code", "name", "domain"])
    return frameworks.capabilities(store, current.id)


def maturity(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None
) -> Maturity:
    """The latest phase of each current MNR capability and each domain's phase for one country, from the
    assessments ``actor`` may see (published ones; unpublished ones too for the secretariat and the
    country's focal points). Older versions' rounds are shown through the crosswalk. ``as_of`` (here and
    in every function of this module): the scorecard as it stood then, from the stored history."""
    scope = _scope(store, actor, now, as_of)
    _country(store, code, scope.as_of)
    return _maturity(store, scope, code, current_mnr(store))


def _maturity(store: Store, scope: ViewScope, code: str, shape: MnrShape) -> Maturity:
    """``_maturity_of``, once per data version for what decides it (shared: never change the result)."""
    private = scope.assessments_all or code in scope.assessment_countries
    return _kept(store, ("maturity", code, private, scope.as_of, shape.framework_id, shape.capability_keys),
                 lambda: _maturity_of(store, scope, code, shape))


def _maturity_of(store: Store, scope: ViewScope, code: str, shape: MnrShape) -> Maturity:
    rows = _assessment_rows(store, scope, code)
    recorded = _recorded(store, scope, code)
    mappings = _map_to_current(store, {a.capability_key for a in recorded})
    phases, unmapped = scoring.latest_phases(recorded, shape.capability_keys, mappings)
    return Maturity(
        country_code=code,
        framework_id=shape.framework_id,
        capabilities=phases,
        domains={r: scoring.domain_phases(phases, shape.domain_of, r) for r in scoring.READINGS},
        domain_names=shape.domain_names,
        unmapped=unmapped,
        includes_private=bool(len(rows)) and not bool(rows.published.all()),
        assessments=len(rows),
    )


def maturity_over_rounds(
    store: Store, actor: Actor, code: str, *, reading: str = "latest", now: datetime | None = None,
    as_of: AsOf = None,
) -> list[tuple[date, dict[str, DomainPhase]]]:
    """How each MNR domain of one country stood after each of its assessment rounds, oldest first
    (``scoring.phases_by_round``), from the assessments ``actor`` may see."""
    scope = _scope(store, actor, now, as_of)
    _country(store, code, scope.as_of)
    shape = current_mnr(store)
    recorded = _recorded(store, scope, code)
    mappings = _map_to_current(store, {a.capability_key for a in recorded})
    return scoring.phases_by_round(recorded, shape.capability_keys, mappings, shape.domain_of, reading)


def capability_history(
    store: Store, actor: Actor, code: str, capability_key: str, *, now: datetime | None = None,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """Every assessment of one country that lands on a current MNR capability (made against it, or against
    an older version and mapped through the crosswalk), newest first, as ``actor`` may see them: the columns
    of ``Store.assessments`` plus ``crosswalk_note`` ("" when made against the current version)."""
    scope = _scope(store, actor, now, as_of)
    _country(store, code, scope.as_of)
    rows = _assessment_rows(store, scope, code)
    if rows.empty:  # no assessment the viewer may see (an empty result need not carry its columns)
        return rows.assign(crosswalk_note=pd.Series(dtype=str))
    mappings = _map_to_current(store, set(rows.capability_key))
    lands = [_lands_on(mappings.get(key), key, capability_key) for key in rows.capability_key]
    out = rows[lands].copy()
    notes = {key: frameworks.crosswalk_note(store, mappings.get(key)) for key in set(out.capability_key)}
    out["crosswalk_note"] = [notes[key] for key in out.capability_key]
    return out.sort_values(["assessed_on", "id"], ascending=False).reset_index(drop=True)


def _lands_on(mapping: CrosswalkMapping | None, key: str, target: str) -> bool:
    return key == target if mapping is None else target in mapping.targets


def figure_definitions(store: Store, actor: Actor) -> dict[str, str]:
    """What each scorecard figure counts, in words (``scoring.SCORECARD_DEFINITIONS``), with the current
    reporting cycle filled in."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    months = reporting_cycle_months(store)
    return {key: text.format(months=months) for key, text in scoring.SCORECARD_DEFINITIONS.items()}


# -- one country's commitments -------------------------------------------------------------------------


def commitment_figures(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None
) -> CommitmentFigures:
    """The figures of the commitments naming ``code`` that ``actor`` may see (``scoring.commitment_figures``:
    withdrawn and embargoed left out, verified and self-reported scored apart, non-reporting counted apart)."""
    scope = _scope(store, actor, now, as_of)
    _country(store, code, scope.as_of)
    facts = [CommitmentFacts.from_row(r) for r in store.country_commitment_status(scope, code)]
    return scoring.commitment_figures(facts, scope.now)


# -- peer context --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerGroup:
    """A group a country is compared with: ``kind`` is "region", "north_south" or "members"."""

    kind: str
    label: str


@dataclass(frozen=True)
class DomainPeers:
    """One domain: the country's phase beside each peer group's band (aggregates only)."""

    domain_key: str
    domain_name: str
    country: DomainPhase  # from what the viewer may see of the country
    bands: tuple[tuple[PeerGroup, PeerBand], ...]  # in the order of PeerContext.groups


@dataclass(frozen=True)
class PeerContext:
    """A country's phase per MNR domain beside its peer groups' median and interquartile band.

    Holds no other country's code or value and no order of countries: only the country's own phases and,
    per group, how many countries the band is over, its median and quartiles, or why it is suppressed."""

    country_code: str
    framework_id: str
    groups: tuple[PeerGroup, ...]
    domains: tuple[DomainPeers, ...]
    includes_private: bool  # the country's own phases include unpublished assessments (the bands never do)


def peer_groups(country: dict) -> tuple[PeerGroup, ...]:
    """The groups a country is compared with: its UN region, Global North or South (Global Threat
    Assessment 2019), and all Alliance members."""
    north = bool(country.get("global_north"))
    return (
        PeerGroup("region", str(country.get("region") or "")),
        PeerGroup("north_south", "Global North" if north else "Global South"),
        PeerGroup("members", "All member countries"),
    )


def _in_group(group: PeerGroup, facts: dict, region: str, north: bool) -> bool:
    if group.kind == "region":
        return bool(region) and facts["region"] == region
    if group.kind == "north_south":
        return bool(facts["global_north"]) == north
    return True


def _published_domain_phases(
    store: Store, shape: MnrShape, as_of: datetime | None = None
) -> list[tuple[dict, dict[str, DomainPhase]]]:
    """Per member country with published assessments: its region and North flag, and its domain phases
    (the "latest" reading) from those published assessments alone."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for row in store.published_member_assessments(as_of=as_of):
        by_country.setdefault(row["country_code"], []).append(row)
    if not by_country:
        return []
    mappings = _map_to_current(store, {r["capability_key"] for rows in by_country.values() for r in rows})
    out = []
    for rows in by_country.values():
        phases, _ = scoring.latest_phases(_assessments(rows), shape.capability_keys, mappings)
        facts = {"region": rows[0]["region"], "global_north": bool(rows[0]["global_north"])}
        out.append((facts, scoring.domain_phases(phases, shape.domain_of, "latest")))
    return out


def _published_phases(
    store: Store, shape: MnrShape, as_of: datetime | None
) -> list[tuple[dict, dict[str, DomainPhase]]]:
    """``_published_domain_phases``, kept while the published state stays as it is (``_by_reference``: a
    sign-off, a withdrawal, a membership or a framework changes it; the progress reports and edits that move
    the data version all day do not)."""
    return _by_reference(store, ("published", shape.framework_id, shape.capability_keys, as_of),
                         lambda: _published_domain_phases(store, shape, as_of))


def peer_context(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None
) -> PeerContext:
    """The country's phase per MNR domain (as ``actor`` may see it, see :func:`maturity`) beside the
    median and interquartile band of each of its peer groups (:func:`peer_groups`), computed from the
    published assessments of member countries only, whoever asks. A band over fewer than
    ``scoring.MIN_PEER_COUNTRIES`` countries is suppressed, saying so."""
    scope = _scope(store, actor, now, as_of)
    country = _country(store, code, scope.as_of)
    shape = current_mnr(store)
    own = _maturity(store, scope, code, shape)
    groups = peer_groups(country)
    region, north = str(country.get("region") or ""), bool(country.get("global_north"))
    published = _published_phases(store, shape, scope.as_of)
    domains = []
    for domain_key, name in shape.domain_names.items():
        bands = []
        for group in groups:
            values = [
                d[domain_key].phase
                for facts, d in published
                if _in_group(group, facts, region, north) and d[domain_key].phase is not None
            ]
            bands.append((group, scoring.peer_band(v for v in values if v is not None)))
        domains.append(DomainPeers(domain_key, name, own.domains["latest"][domain_key], tuple(bands)))
    return PeerContext(code, shape.framework_id, groups, tuple(domains), own.includes_private)
