"""The people the service tests act as, one of each role (shared by the test modules)."""

from __future__ import annotations

from partners.domain.model import Actor, Role

EDITOR = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR, name="Sam")
ALICE = Actor(identity="alice@secretariat.example", role=Role.SECRETARIAT_EDITOR, name="Alice")
ADMIN = Actor(identity="ada@secretariat.example", role=Role.ADMIN)
REVIEWER = Actor(identity="rey@secretariat.example", role=Role.REVIEWER)
MEMBER = Actor(identity="mo@member.example", role=Role.MEMBER_VIEWER)
PUBLIC = Actor(identity="anonymous", role=Role.PUBLIC)
FOCAL_KEN = Actor(identity="amina@ke.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"KEN"}))
FOCAL_UGA = Actor(identity="okello@ug.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"UGA"}))


def contributor(*partner_ids: int) -> Actor:
    """A partner contributor for these partners."""
    return Actor(identity="pat@partner.example", role=Role.PARTNER_CONTRIBUTOR, partners=frozenset(partner_ids))
