"""The scorecard's gaps: a country's MNR capabilities at phase 1 or 2 with no active commitment, each with
suggestions (the Abu Dhabi 2015 templates for it, and what partners committed for it in comparable
countries), and the one-click use case that turns a template into a draft commitment for the secretariat.

The rules are :mod:`partners.domain.scoring`'s (``find_gaps``, ``is_active_commitment``,
``comparable_countries``); ``docs/methodology.md`` ("Gaps and suggestions") says them in words.

Privacy: the phases are the viewer's (``services.scorecard.maturity``), and every commitment, the
country's own and the comparable countries', comes through the one visibility rule for the viewer's
scope: the public sees published public commitments only. Drafts are created through
:func:`suggest_commitment`, which authorises ``SUGGEST_COMMITMENT`` itself, whatever the page offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from partners.domain import scoring
from partners.domain.model import Actor, Commitment, CommitmentPartner, PartnerRole, ReviewState, Visibility
from partners.domain.permissions import UseCase, authorize
from partners.domain.scoring import CommitmentFacts
from partners.reference.frameworks import CAPABILITY_LINKS
from partners.services import frameworks, records, scorecard
from partners.services.as_of import AsOf, moment
from partners.services.errors import NotFound, ValidationFailed
from partners.services.visibility import view_scope
from partners.storage.port import Store

#: The family whose current version's items carry the commitment templates (``extra.template``).
TEMPLATE_FAMILY = "AD"
#: How many comparable countries' commitments a gap shows at most (the newest ones).
SUGGESTIONS_PER_GAP = 3
#: The stakeholder type of the partner a draft names as its lead unless another partner is given.
DEFAULT_LEAD_TYPE = "government"


@dataclass(frozen=True)
class Template:
    """A suggested commitment from an Abu Dhabi 2015 item (``extra.template``)."""

    key: str  # the item, e.g. AD-2015:C1
    item_name: str
    title: str
    description: str
    deliverable: str
    indicator: str
    unit: str
    capabilities: tuple[str, ...]  # the current MNR capabilities it serves (through the crosswalk)


@dataclass(frozen=True)
class Comparable:
    """A commitment made for the capability in a comparable country, as the viewer may see it."""

    commitment_id: int
    title: str
    countries: str  # the comparable countries it names, by name
    partners: str
    status: str | None  # latest status of any source; None: no report yet
    verified: bool  # the latest status is one the secretariat verified


@dataclass(frozen=True)
class GapSuggestions:
    """One gap with its suggestions."""

    key: str
    code: str
    name: str
    domain: str
    phase: int
    source: str  # ReportSource value of the phase shown
    templates: tuple[Template, ...]
    comparable: tuple[Comparable, ...]  # at most SUGGESTIONS_PER_GAP, newest first
    comparable_total: int  # how many the viewer may see in all


@dataclass(frozen=True)
class Gaps:
    """The gaps section of one country's scorecard, for one viewer."""

    country_code: str
    gaps: tuple[GapSuggestions, ...]
    covered: tuple[str, ...]  # capability labels at phase 1-2 with an active commitment
    not_assessed: tuple[str, ...]  # capability labels with no phase the viewer may see (never a gap)
    comparable_group: str  # e.g. "Europe, Global North"
    comparable_countries: int
    includes_private: bool  # unpublished assessments or private commitments went into it
    #: Drafts for the country linked to a template and a capability (made from a suggestion, or alike),
    #: waiting for review: shown to those who may see drafts (the secretariat), newest first.
    drafts: tuple[Comparable, ...] = ()
    #: Whether any template names its capabilities: False in a database loaded before the templates were
    #: matched to capabilities (``partners reference reload`` brings the match in).
    templates_matched: bool = True


@dataclass(frozen=True)
class _Capability:
    code: str
    name: str
    domain: str


def _label(cap: _Capability) -> str:
    return f"{cap.code}. {cap.name}"


def templates(store: Store) -> list[Template]:
    """The commitment templates of the current Abu Dhabi version, with the current MNR capabilities each
    serves (its ``extra.mnr_capabilities`` brought onto the current version through the crosswalk)."""
    current = frameworks.current_framework(store, TEMPLATE_FAMILY)
    if current is None:
        return []
    items = [i for i in store.framework_item_extras(current.id) if isinstance(i["extra"].get("template"), dict)]
    listed = {k for i in items for k in i["extra"].get(CAPABILITY_LINKS, [])}
    mappings = frameworks.map_to_current(store, listed)
    out = []
    for item in items:
        t = item["extra"]["template"]
        targets: list[str] = []
        for key in item["extra"].get(CAPABILITY_LINKS, []):
            mapping = mappings.get(key)
            for target in (mapping.targets if mapping is not None else ()):
                if target not in targets:
                    targets.append(target)
        out.append(Template(
            key=item["key"], item_name=str(item["name"]), title=str(t.get("title", "")).strip(),
            description=str(t.get("description", "")).strip(), deliverable=str(t.get("deliverable", "")).strip(),
            indicator=str(t.get("indicator", "")).strip(), unit=str(t.get("unit", "")).strip(),
            capabilities=tuple(targets),
        ))
    return out


def _on_current(store: Store, rows: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """Each row with the current capabilities its ``item_key`` lands on (through the crosswalk)."""
    rows = list(rows)
    mappings = frameworks.map_to_current(store, {r["item_key"] for r in rows})
    out = []
    for row in rows:
        mapping = mappings.get(row["item_key"])
        out.append((row, tuple(mapping.targets) if mapping is not None else ()))
    return out


def gaps(store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: AsOf = None) -> Gaps:
    """One country's gaps as ``actor`` may see them (``as_of``: as they stood then), each with the Abu
    Dhabi templates for it and up to :data:`SUGGESTIONS_PER_GAP` commitments made for it in comparable
    countries (:func:`partners.domain.scoring.comparable_countries`) that the viewer may see."""
    maturity = scorecard.maturity(store, actor, code, now=now, as_of=as_of)  # authorises; NotFound
    scope = view_scope(actor, now, store, as_of=moment(as_of, now))
    shape = scorecard.current_mnr(store)
    items = store.framework_items()
    names_of = dict(zip(items.key, items.name, strict=True))
    by_key = {
        key: _Capability(str(code), str(name), str(names_of.get(parent, "")) if isinstance(parent, str) else "")
        for key, code, name, parent in zip(items.key, items.code, items.name, items.parent_key, strict=True)
        if key in shape.domain_of
    }
    cap_keys = [str(k) for k in items.key[items.kind == "capability"]]  # of every version: links may be older

    own = _on_current(store, store.linked_commitments(scope, [code], cap_keys))
    active = {
        target for row, targets in own
        if scoring.is_active_commitment(CommitmentFacts.from_row(row), scope.now) for target in targets
    }
    finding = scoring.find_gaps(shape.capability_keys, maturity.capabilities, active)

    country = store.country(code, as_of=scope.as_of) or {}
    countries = store.countries()
    names = dict(zip(countries.code, countries.name, strict=True))
    peers = scoring.comparable_countries({**country, "code": code}, (
        {"code": c, "region": r, "global_north": n}
        for c, r, n in zip(countries.code, countries.region, countries.global_north, strict=True)
    ))
    gap_keys = {g.key for g in finding.gaps}
    mapped = frameworks.map_to_current(store, cap_keys)
    gap_items = [k for k in cap_keys if mapped.get(k) is not None and gap_keys & set(mapped[k].targets)]
    found: dict[str, dict[int, dict[str, Any]]] = {k: {} for k in gap_keys}
    totals: dict[str, set[int]] = {k: set() for k in gap_keys}
    for pair, targets in _on_current(store, store.linked_commitment_items(scope, peers, gap_items) if gap_keys else []):
        for target in targets:
            if target in totals:
                totals[target].add(int(pair["id"]))
    # the newest few per capability only (withdrawn and embargoed ones left out in the query: no example to follow)
    newest = store.linked_commitments(scope, peers, gap_items, newest=SUGGESTIONS_PER_GAP) if gap_keys else []
    for row, targets in _on_current(store, newest):
        if not scoring.counts_toward_figures(CommitmentFacts.from_row(row), scope.now):
            continue
        for target in targets:
            if target in found:
                held = found[target].setdefault(int(row["id"]), {**row, "names": []})
                name = names.get(row["country_code"], row["country_code"])
                if name not in held["names"]:
                    held["names"].append(name)
    suggestions = templates(store)
    out = []
    for gap in finding.gaps:
        cap = by_key[gap.key]
        rows = sorted(found[gap.key].values(), key=lambda r: -int(r["id"]))  # newest first
        out.append(GapSuggestions(
            key=gap.key, code=cap.code, name=cap.name, domain=cap.domain,
            phase=gap.phase, source=gap.source.value,
            templates=tuple(t for t in suggestions if gap.key in t.capabilities),
            comparable=tuple(
                Comparable(int(r["id"]), str(r["title"]), ", ".join(sorted(r["names"])), str(r["partners"]),
                           r["reported_status"] or None, bool(r["verified_status"])
                           and r["verified_status"] == r["reported_status"])
                for r in rows[:SUGGESTIONS_PER_GAP]
            ),
            comparable_total=len(totals[gap.key]),
        ))
    template_keys = [t.key for t in suggestions]
    drafts: dict[int, dict[str, Any]] = {}
    for row in store.linked_commitments(scope, [code], template_keys) if template_keys else []:
        if row["review_state"] == ReviewState.DRAFT.value:
            drafts.setdefault(int(row["id"]), row)
    north = "Global North" if country.get("global_north") else "Global South"
    private_commitments = any(row["visibility"] != Visibility.PUBLIC.value for row, _ in own)
    return Gaps(
        country_code=code,
        gaps=tuple(out),
        covered=tuple(_label(by_key[k]) for k in finding.covered),
        not_assessed=tuple(_label(by_key[k]) for k in finding.not_assessed),
        comparable_group=f"{country.get('region') or 'no region'}, {north}",
        comparable_countries=len(peers),
        includes_private=maturity.includes_private or private_commitments,
        drafts=tuple(
            Comparable(i, str(r["title"]), names.get(code, code), str(r["partners"]), r["reported_status"] or None,
                       False)
            for i, r in sorted(drafts.items(), reverse=True)
        ),
        templates_matched=any(t.capabilities for t in suggestions),
    )


# -- one click: a suggestion turned into a draft for the secretariat -------------------------------------


def suggestion_note(capability_key: str, template_key: str) -> str:
    """What the audit entry of a draft made from a suggestion says it came from."""
    return f"a scorecard gap in {capability_key}, from the template of {template_key}"


def suggest_commitment(
    store: Store,
    actor: Actor,
    code: str,
    capability_key: str,
    template_key: str,
    *,
    partner_id: int | None = None,
) -> int:
    """Store a private **draft** commitment for the secretariat to review, made from the template of
    ``template_key`` (an Abu Dhabi item serving ``capability_key``), naming country ``code`` and linked to
    the capability and the item; its lead partner is ``partner_id`` (a partner based in the country), else
    the country's government partner. Returns its id; the audit entry records who proposed it.

    Refused (``PermissionDenied``) unless the actor may ``SUGGEST_COMMITMENT`` for this country: a focal
    point for their own countries, the secretariat's editors and admins for any. ``ValidationFailed`` for a
    template that does not serve the capability, a country with no partner to lead it, or when a commitment
    from this template for this capability and country already exists (not withdrawn): never two drafts."""
    code = str(code).strip().upper()
    authorize(actor, UseCase.SUGGEST_COMMITMENT, countries=[code])
    country = store.country(code)
    if country is None:
        raise NotFound(f"there is no country with code {code}")
    template = next((t for t in templates(store) if t.key == template_key), None)
    if template is None:
        raise ValidationFailed([f"Template: {template_key} is not a commitment template of the current "
                                "Abu Dhabi Statement of Action"])
    if capability_key not in template.capabilities:
        raise ValidationFailed([f"Template: {template_key} ({template.item_name}) is not a suggestion for "
                                f"capability {capability_key}"])
    lead = _lead_partner(store, code, str(country["name"]), partner_id)
    commitment = records.validated(Commitment, {
        "title": template.title,
        "description": template.description,
        "deliverable": template.deliverable,
        "indicator": template.indicator,
        "unit": template.unit,
        "partners": [CommitmentPartner(partner_id=lead, role=PartnerRole.LEAD)],
        "countries": [code],
        "framework_items": [capability_key, template_key],
        "visibility": Visibility.PRIVATE,
        "review_state": ReviewState.DRAFT,
    })
    with store.transaction():
        held = store.commitments_linked_to_all(code, [capability_key, template_key])
        if held:
            first = held[0]
            what = "A draft" if first["review_state"] == ReviewState.DRAFT.value else "A commitment"
            raise ValidationFailed([
                f"{what} from this template already exists for {country['name']} and this capability "
                f"(commitment {first['id']}, {ReviewState(first['review_state']).label.lower()}); "
                "nothing was stored twice"
            ])
        return records.write_new_commitment(
            store, actor, commitment,
            note={"suggested_from": suggestion_note(capability_key, template_key)},
        )


def _lead_partner(store: Store, code: str, name: str, partner_id: int | None) -> int:
    partners = store.partners()
    based = partners[partners.hq_country == code]
    if partner_id is not None:
        if int(partner_id) not in set(based.id.astype(int)):
            raise ValidationFailed([f"Partner: partner {partner_id} is not a partner based in {name}"])
        return int(partner_id)
    government = based[based.stakeholder_type == DEFAULT_LEAD_TYPE].sort_values("id")
    if government.empty:
        raise ValidationFailed([f"Partner: no government partner based in {name} is recorded to lead the "
                                "draft; the secretariat can add one on the Partners page"])
    return int(government.id.iloc[0])
