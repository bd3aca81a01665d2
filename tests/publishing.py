"""A demo database seeded with records the public must never see, and with user text that must stay text:
shared by the tests of the static public site and the offline pack."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from partners.domain.model import (
    SYSTEM,
    Commitment,
    CommitmentPartner,
    Partner,
    PartnerRole,
    ReviewState,
    Visibility,
)
from partners.services import records
from partners.storage import open_store

#: Unique words in titles that must not reach any public output, and in one that must (the search works).
PRIVATE_TITLE = "ZQXprivate pledge kept to the secretariat"
EMBARGOED_TITLE = "ZQXembargoed pledge announced next month"
DRAFT_TITLE = "ZQXdraft pledge not yet reviewed"
MEMBERS_TITLE = "ZQXmembers pledge shared with members"
PUBLIC_TITLE = 'ZQXpublic <script>alert("title")</script> pledge'
HOSTILE_PARTNER = "<script>alert('partner')</script> ZQXpartner"
FORMULA_PARTNER = '=HYPERLINK("http://example.com","ZQXformula")'
HIDDEN = (PRIVATE_TITLE, EMBARGOED_TITLE, DRAFT_TITLE, MEMBERS_TITLE)


@dataclass(frozen=True)
class Seeded:
    db: Path
    public_id: int


def seeded_copy(demo_db_path: Path, folder: Path) -> Seeded:
    """A copy of the demo database with one public, published commitment by partners with hostile names, and
    a private, an embargoed, a draft and a members-only one (each with a unique title), all naming Albania."""
    db = Path(shutil.copy(demo_db_path, folder / "published.duckdb"))
    store = open_store(db)
    try:
        hostile = records.create_partner(store, SYSTEM, Partner(name=HOSTILE_PARTNER, stakeholder_type="hotline",
                                                               hq_country="ALB"))
        formula = records.create_partner(store, SYSTEM, Partner(name=FORMULA_PARTNER,
                                                               stakeholder_type="civil_society", hq_country="ALB"))

        def commit(title: str, state: ReviewState, visibility: Visibility, **kw: object) -> int:
            return records.log_commitment(store, SYSTEM, Commitment(
                title=title, countries=["ALB"], review_state=state, visibility=visibility,
                partners=[CommitmentPartner(partner_id=hostile, role=PartnerRole.LEAD),
                          CommitmentPartner(partner_id=formula, role=PartnerRole.CO)], **kw))  # fmt: skip

        public_id = commit(PUBLIC_TITLE, ReviewState.PUBLISHED, Visibility.PUBLIC)
        commit(PRIVATE_TITLE, ReviewState.PUBLISHED, Visibility.PRIVATE)
        commit(EMBARGOED_TITLE, ReviewState.PUBLISHED, Visibility.PUBLIC,
               embargo_until=datetime.now() + timedelta(days=30))
        commit(DRAFT_TITLE, ReviewState.DRAFT, Visibility.PUBLIC)
        commit(MEMBERS_TITLE, ReviewState.PUBLISHED, Visibility.MEMBERS)
    finally:
        store.close()
    return Seeded(db, public_id)
