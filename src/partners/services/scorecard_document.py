"""Everything one country's printed scorecard (the PDF for a minister) holds, computed for one viewer.

:func:`scorecard_document` gathers the same figures the scorecard page shows (``services.scorecard``) into
one plain :class:`ScorecardDocument`; ``presentation.scorecard_pdf`` typesets it. Nothing here draws.

Privacy: every figure is the viewer's (``view_scope``). The document says whether it holds anything the
public may not see (:attr:`ScorecardDocument.includes_private`): an unpublished assessment, or a commitment
the public cannot see (private, shared with members only, or not yet published) among the commitment figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from partners.domain.model import PUBLIC_VIEWER, Actor, Role
from partners.domain.permissions import UseCase, authorize
from partners.domain.scoring import CommitmentFigures, DomainPhase
from partners.services import scorecard, setup
from partners.services.as_of import moment as as_of_moment
from partners.services.visibility import view_scope
from partners.storage.port import Store

#: Who the public is, to the permission table: what a visitor who has not signed in may see.
PUBLIC = PUBLIC_VIEWER


@dataclass(frozen=True)
class ScorecardDocument:
    """One country's scorecard as ``actor`` may see it, on ``as_of``: plain data for the PDF."""

    code: str
    name: str
    member: bool
    member_since: date | None
    region: str
    subregion: str
    global_north: bool
    demo: bool  # the store holds demo data: the document says "Demo data"
    as_of: date  # the day the figures stand on
    private_assessments: bool  # unpublished assessments went into the maturity
    private_commitments: bool  # commitments the public cannot see went into the commitment figures
    capabilities: pd.DataFrame  # the current MNR's capabilities: key, code, name, domain
    maturity: scorecard.Maturity
    rounds: list[tuple[date, dict[str, DomainPhase]]]
    peers: scorecard.PeerContext
    figures: CommitmentFigures
    definitions: dict[str, str]  # what each figure counts (``scorecard.figure_definitions``)
    methodology: str  # docs/methodology.md, Markdown

    @property
    def includes_private(self) -> bool:
        """Whether the document holds anything the public may not see (then it is confidential)."""
        return self.private_assessments or self.private_commitments


def _visible_commitments(store: Store, actor: Actor, code: str, now: datetime, at: datetime | None) -> set[int]:
    scope = view_scope(actor, now, store, as_of=at)
    return {int(r["id"]) for r in store.country_commitment_status(scope, code)}


def scorecard_document(
    store: Store, actor: Actor, code: str, *, now: datetime | None = None, as_of: date | None = None
) -> ScorecardDocument:
    """The printed scorecard of country ``code`` as ``actor`` may see it (``NotFound`` for no such country).

    ``now``: the clock (default: now). ``as_of``: the scorecard as it stood at the end of that day, rebuilt
    from the stored history (None: as it stands now); the document's as-of date is that day."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    now = now or datetime.now()
    at = as_of_moment(as_of, now)
    facts = scorecard.country_facts(store, actor, code, now=now, as_of=at)
    maturity = scorecard.maturity(store, actor, code, now=now, as_of=at)
    mine = _visible_commitments(store, actor, code, now, at)
    public = mine if actor.role is Role.PUBLIC else _visible_commitments(store, PUBLIC, code, now, at)
    return ScorecardDocument(
        code=code,
        name=str(facts["name"]),
        member=bool(facts["member"]),
        member_since=facts.get("member_since"),
        region=str(facts.get("region") or ""),
        subregion=str(facts.get("subregion") or ""),
        global_north=bool(facts.get("global_north")),
        demo=setup.demo_description(store, actor) is not None,
        as_of=as_of or now.date(),
        private_assessments=maturity.includes_private,
        private_commitments=bool(mine - public),
        capabilities=scorecard.capabilities(store, actor),
        maturity=maturity,
        rounds=scorecard.maturity_over_rounds(store, actor, code, now=now, as_of=at),
        peers=scorecard.peer_context(store, actor, code, now=now, as_of=at),
        figures=scorecard.commitment_figures(store, actor, code, now=now, as_of=at),
        definitions=scorecard.figure_definitions(store, actor),
        methodology=scorecard.methodology_text(),
    )


def member_codes(store: Store, actor: Actor) -> list[str]:
    """The codes of the Alliance's member countries, alphabetically (the ``--all`` export writes one each)."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    return sorted(str(c) for c in store.countries(members_only=True)["code"])
