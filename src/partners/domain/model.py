"""Domain model: the one definition of every concept and enumeration in the tracker.

Pydantic v2 models validate input at the edge (forms, imports, CLI) with messages a secretariat
officer understands. Nothing here knows about storage or the UI.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from partners.domain import rules

# --------------------------------------------------------------------------------------------------
# Enumerations: one definition each, with the label shown to people.
# --------------------------------------------------------------------------------------------------


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label (``.label``)."""

    @property
    def label(self) -> str:
        # Keyed by (type, value): members of different enums with the same text are equal as strings.
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @classmethod
    def choices(cls) -> list[Self]:
        return list(cls)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept a value or a label, case-insensitively (for imports and filters)."""
        needle = str(text).strip().lower()
        found = _parse_table(cls).get(needle)
        if found is not None:
            return found  # type: ignore[return-value]
        allowed = ", ".join(m.label for m in cls)
        raise ValueError(f"'{text}' is not one of: {allowed}")


class StakeholderType(LabelledEnum):
    """Primary stakeholder type of a partner (the Alliance's pillars and membership categories)."""

    GOVERNMENT = "government"
    LAW_ENFORCEMENT = "law_enforcement"
    TECHNOLOGY_COMPANY = "technology_company"
    CIVIL_SOCIETY = "civil_society"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    REGIONAL_ORGANISATION = "regional_organisation"
    HOTLINE = "hotline"
    REGULATOR = "regulator"
    JUDICIARY = "judiciary"
    FINANCIAL_INDUSTRY = "financial_industry"
    SURVIVOR_ADVOCACY = "survivor_advocacy"
    SOCIAL_CARE = "social_care"
    EDUCATION = "education"
    ACADEMIA = "academia"


class ProgressStatus(LabelledEnum):
    """The one status scale for the whole app (after OGP completion and CGI's stalled/unsuccessful).

    "No update yet" (``not_reported``) is not a status: it is derived from the absence of any update.
    """

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    STALLED = "stalled"
    COMPLETE = "complete"
    DISCONTINUED = "discontinued"


class Visibility(LabelledEnum):
    PRIVATE = "private"
    MEMBERS = "members"
    PUBLIC = "public"


class ReviewState(LabelledEnum):
    """Workflow of a commitment record: draft -> submitted -> verified -> published, or withdrawn."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class PartnerRole(LabelledEnum):
    LEAD = "lead"
    CO = "co"


class ReportSource(LabelledEnum):
    """Who stands behind a progress status or an assessment."""

    SELF_REPORTED = "self_reported"
    VERIFIED = "verified"


class EventKind(LabelledEnum):
    SUMMIT = "summit"
    NATIONAL_PLAN = "national_plan"
    MINISTERIAL = "ministerial"
    LETTER = "letter"
    OTHER = "other"


class ReminderChannel(LabelledEnum):
    """How a reminder to a partner went out (the record of reminders sent)."""

    EML = "eml"
    CSV = "csv"
    MAILTO = "mailto"


class Role(LabelledEnum):
    """Roles of people using the app (authorisation lives in ``partners.domain.permissions``)."""

    ADMIN = "admin"
    SECRETARIAT_EDITOR = "secretariat_editor"
    REVIEWER = "reviewer"
    COUNTRY_FOCAL_POINT = "country_focal_point"
    PARTNER_CONTRIBUTOR = "partner_contributor"
    MEMBER_VIEWER = "member_viewer"
    PUBLIC = "public"


# A list of pairs, not a dict: members of different enums with the same text are equal keys.
_LABEL_LIST: list[tuple[StrEnum, str]] = [
    (StakeholderType.GOVERNMENT, "Government"),
    (StakeholderType.LAW_ENFORCEMENT, "Law enforcement"),
    (StakeholderType.TECHNOLOGY_COMPANY, "Technology company"),
    (StakeholderType.CIVIL_SOCIETY, "Civil society organisation"),
    (StakeholderType.INTERNATIONAL_ORGANISATION, "International organisation"),
    (StakeholderType.REGIONAL_ORGANISATION, "Regional organisation"),
    (StakeholderType.HOTLINE, "Hotline"),
    (StakeholderType.REGULATOR, "Regulator"),
    (StakeholderType.JUDICIARY, "Judiciary and prosecutors"),
    (StakeholderType.FINANCIAL_INDUSTRY, "Financial and payment industry"),
    (StakeholderType.SURVIVOR_ADVOCACY, "Survivor and advocacy group"),
    (StakeholderType.SOCIAL_CARE, "Social care"),
    (StakeholderType.EDUCATION, "Education"),
    (StakeholderType.ACADEMIA, "Academia"),
    (ProgressStatus.NOT_STARTED, "Not started"),
    (ProgressStatus.ON_TRACK, "On track"),
    (ProgressStatus.OFF_TRACK, "Off track"),
    (ProgressStatus.STALLED, "Stalled"),
    (ProgressStatus.COMPLETE, "Complete"),
    (ProgressStatus.DISCONTINUED, "Discontinued"),
    (Visibility.PRIVATE, "Private (secretariat and the partners concerned)"),
    (Visibility.MEMBERS, "Alliance members"),
    (Visibility.PUBLIC, "Public"),
    (PartnerRole.LEAD, "Lead"),
    (PartnerRole.CO, "Co-partner"),
    (ReportSource.SELF_REPORTED, "Self-reported"),
    (ReportSource.VERIFIED, "Verified by the secretariat"),
    (EventKind.NATIONAL_PLAN, "National plan"),
    (Role.SECRETARIAT_EDITOR, "Secretariat editor"),
    (Role.COUNTRY_FOCAL_POINT, "Country focal point"),
    (Role.PARTNER_CONTRIBUTOR, "Partner contributor"),
    (Role.MEMBER_VIEWER, "Member viewer"),
    (Role.PUBLIC, "Public (not signed in)"),
    (ReminderChannel.EML, "E-mail files (.eml)"),
    (ReminderChannel.CSV, "Mail-merge file (CSV)"),
    (ReminderChannel.MAILTO, "E-mail link"),
]
_LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _LABEL_LIST}
_PARSED: dict[type, dict[str, LabelledEnum]] = {}


def _parse_table(cls: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    """Value and lower-cased label -> member of an enumeration, made once (an import parses every row's)."""
    table = _PARSED.get(cls)
    if table is None:
        table = {}
        for member in cls:  # the first member a text names wins, as the loop over the members did
            table.setdefault(member.label.lower(), member)
            table.setdefault(member.value, member)
        _PARSED[cls] = table
    return table

#: Statuses that count as "finished" for worklists and headline figures.
CLOSED_STATUSES = frozenset({ProgressStatus.COMPLETE, ProgressStatus.DISCONTINUED})

# --------------------------------------------------------------------------------------------------
# Shared field types
# --------------------------------------------------------------------------------------------------

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=rules.MAX_TITLE_CHARS)
]
CountryCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True)]
def _keep(broken: rules.Broken | None) -> None:
    """Raise the broken rule as the validation error pydantic reports ("what is wrong: how to fix it")."""
    if broken is not None:
        raise ValueError(str(broken))


def _currency(value: str) -> str:
    code = rules.currency_code(value)
    if isinstance(code, rules.Broken):
        raise ValueError(str(code))
    return code


Currency = Annotated[str, AfterValidator(_currency)]


def _plausible_date(day: date) -> date:
    _keep(rules.implausible_date(day))
    return day


#: A date a record carries (a deadline, a report date, ...): within ``rules.implausible_date``'s years.
RecordDate = Annotated[date, AfterValidator(_plausible_date)]


class DomainModel(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=False)


def _known_country(code: str) -> str:
    # Imported lazily: reference data is loaded from data files, the model only asks it.
    from partners.reference import is_country_code

    if not is_country_code(code):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-3 country code (for example KEN, GBR, PHL)")
    return code


# --------------------------------------------------------------------------------------------------
# Reference entities
# --------------------------------------------------------------------------------------------------


class Country(DomainModel):
    code: CountryCode = Field(description="ISO 3166-1 alpha-3")
    name: NonEmptyText
    numeric: str = Field(description="ISO 3166-1 numeric, three digits (joins the world map)")
    alpha2: str
    region: str = Field(description="UN M49 region")
    subregion: str = Field(description="UN M49 sub-region")
    global_north: bool = Field(description="Global North as the Global Threat Assessment 2019 defines it")
    member: bool = False
    member_since: date | None = None


class FrameworkItem(DomainModel):
    """One node in a framework's tree: a domain, capability, target, operational goal, theme, principle…"""

    framework_id: str
    code: NonEmptyText
    kind: NonEmptyText = Field(description="domain, capability, target, goal, theme, principle, ...")
    name: NonEmptyText
    summary: str = ""
    ordinal: int
    parent_code: str | None = None
    verified: bool = True
    source: str = ""
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        """Globally unique key, e.g. ``MNR-2016:4``."""
        return f"{self.framework_id}:{self.code}"


class Framework(DomainModel):
    id: NonEmptyText = Field(description="stable id including the version, e.g. MNR-2016")
    family: NonEmptyText = Field(description="e.g. MNR; versions of one family replace each other")
    name: NonEmptyText
    version: NonEmptyText
    published: date | None = None
    source_url: NonEmptyText
    description: str = ""
    verified: bool = True
    current: bool = Field(
        default=True, description="false: never the family's current version (e.g. a draft loaded early)"
    )
    items: list[FrameworkItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _items_consistent(self) -> Self:
        codes = [i.code for i in self.items]
        dupes = {c for c in codes if codes.count(c) > 1}
        if dupes:
            raise ValueError(f"framework {self.id}: item codes used twice: {sorted(dupes)}")
        known = set(codes)
        for item in self.items:
            if item.framework_id != self.id:
                raise ValueError(f"item {item.code} says framework {item.framework_id}, expected {self.id}")
            if item.parent_code is not None and item.parent_code not in known:
                raise ValueError(f"item {item.code} has unknown parent {item.parent_code}")
        return self


class MaturityPhase(DomainModel):
    phase: int = Field(ge=1, le=4)
    label: NonEmptyText
    description: str = ""
    verified: bool = True


# --------------------------------------------------------------------------------------------------
# Records the secretariat keeps
# --------------------------------------------------------------------------------------------------


class Partner(DomainModel):
    id: int | None = None
    name: ShortText
    stakeholder_type: StakeholderType
    tags: list[StakeholderType] = Field(default_factory=list, description="secondary types for hybrids")
    hq_country: CountryCode | None = None
    member_since: RecordDate | None = None
    website: str | None = None
    contact_email: str | None = Field(default=None, description="the organisation's address for reminders")
    contact_email_2: str | None = Field(default=None, description="a second address, copied on reminders")
    is_demo: bool = False

    @field_validator("hq_country")
    @classmethod
    def _hq_known(cls, v: str | None) -> str | None:
        return None if v in (None, "") else _known_country(v)

    @field_validator("website")
    @classmethod
    def _website(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not rules.is_web_address(v):
            raise ValueError("the website must be an address starting with http:// or https://")
        return v

    @field_validator("contact_email", "contact_email_2")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if not v:
            return None
        if not rules.is_email_address(v):
            raise ValueError(f"'{v}' is not an e-mail address (write it as name@organisation.org)")
        return v.lower()


class Event(DomainModel):
    id: int | None = None
    name: ShortText
    kind: EventKind
    date: RecordDate
    location: str = ""
    country: CountryCode | None = None
    is_demo: bool = False

    @field_validator("country")
    @classmethod
    def _country_known(cls, v: str | None) -> str | None:
        return None if v in (None, "") else _known_country(v)


class CommitmentPartner(DomainModel):
    partner_id: int
    role: PartnerRole = PartnerRole.CO


class Commitment(DomainModel):
    """A pledge by one or more partners, for one or more countries (or global)."""

    id: int | None = None
    title: ShortText
    description: str = ""
    partners: list[CommitmentPartner] = Field(min_length=1)
    countries: list[CountryCode] = Field(default_factory=list, description="empty when is_global")
    is_global: bool = False
    framework_items: list[str] = Field(default_factory=list, description="item keys, e.g. MNR-2016:4")
    deliverable: str = ""
    indicator: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    start_date: RecordDate | None = None
    deadline: RecordDate | None = None
    budget: Decimal | None = None
    currency: Currency | None = None
    event_id: int | None = None
    visibility: Visibility = Visibility.PRIVATE
    review_state: ReviewState = ReviewState.DRAFT
    embargo_until: datetime | None = None
    external_ref: str | None = Field(default=None, description="stable reference from an import file")
    smart_level: int | None = Field(default=None, ge=0, le=5)
    is_demo: bool = False

    @field_validator("countries")
    @classmethod
    def _countries_known(cls, v: list[str]) -> list[str]:
        seen: list[str] = []
        for code in v:
            code = _known_country(code.strip().upper())
            if code not in seen:
                seen.append(code)
        return seen

    @field_validator("budget")
    @classmethod
    def _budget_not_negative(cls, v: Decimal | None) -> Decimal | None:
        _keep(rules.negative_budget(v))
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _keep(rules.deadline_before_start(self.start_date, self.deadline))
        _keep(rules.countries_or_global(self.is_global, self.countries))
        _keep(rules.repeated_partner(p.partner_id for p in self.partners))
        _keep(rules.budget_without_currency(self.budget, self.currency))
        return self

    @property
    def lead_partner_ids(self) -> list[int]:
        return [p.partner_id for p in self.partners if p.role is PartnerRole.LEAD]


class ProgressUpdate(DomainModel):
    id: int | None = None
    commitment_id: int
    report_date: RecordDate
    status: ProgressStatus
    indicator_value: Decimal | None = None
    narrative: str = ""
    evidence_links: list[str] = Field(default_factory=list)
    source: ReportSource = ReportSource.SELF_REPORTED
    is_demo: bool = False

    @field_validator("evidence_links")
    @classmethod
    def _links(cls, v: list[str]) -> list[str]:
        for link in v:
            if not rules.is_web_address(link.strip()):
                raise ValueError(f"evidence link '{link}' is not a web address starting with http:// or https://")
        return [link.strip() for link in v]

    @field_validator("report_date")
    @classmethod
    def _not_future(cls, v: date) -> date:
        if v > date.today():
            raise ValueError(f"the report date {v:%d %b %Y} is in the future")
        return v


class CapabilityAssessment(DomainModel):
    id: int | None = None
    country: CountryCode
    capability: str = Field(description="MNR item key, e.g. MNR-2016:4")
    assessed_on: RecordDate
    phase: int = Field(ge=1, le=4, description="maturity phase 1 (building) to 4 (maturity)")
    source: ReportSource = ReportSource.SELF_REPORTED
    note: str = ""
    evidence_url: str = Field("", description="a web address (http:// or https://) of the evidence, if any")
    round_id: int | None = None  # the round it was entered in (None: recorded on its own)
    published: bool = False  # on the way in: to be added to the country's published scorecard (a sign-off)
    is_demo: bool = False

    @field_validator("country")
    @classmethod
    def _country_known(cls, v: str) -> str:
        return _known_country(v)

    @field_validator("evidence_url")
    @classmethod
    def _evidence_link(cls, v: str) -> str:
        v = (v or "").strip()
        if v and not rules.is_web_address(v):
            raise ValueError(f"'{v}' is not a web address starting with http:// or https://")
        return v


class RoundStatus(LabelledEnum):
    """Where an assessment round stands: a draft the country is entering, submitted to the secretariat, or
    verified by it (every capability the round assesses). Labels: "Draft", "Submitted", "Verified"."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"


class AssessmentRound(DomainModel):
    """A round of capability assessments of one country, entered as one grid of the current MNR's capabilities."""

    id: int | None = None
    country: CountryCode
    assessed_on: RecordDate
    status: RoundStatus = RoundStatus.DRAFT
    note: str = ""
    is_demo: bool = False

    @field_validator("country")
    @classmethod
    def _country_known(cls, v: str) -> str:
        return _known_country(v)


class Actor(DomainModel):
    """Who is acting: identity, role and scope. Every service function takes one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    identity: NonEmptyText
    role: Role
    countries: frozenset[str] = frozenset()
    partners: frozenset[int] = frozenset()
    name: str = ""

    @property
    def display(self) -> str:
        return self.name or self.identity


#: The kinds of record people edit (soft delete, versions, history), as the audit log names them.
RECORD_KINDS: tuple[str, ...] = (
    "partner", "event", "commitment", "progress_update", "capability_assessment", "assessment_round",
)

#: The actor for set-up work done from the command line (init, reference reload, demo data).
SYSTEM = Actor(identity="system", role=Role.ADMIN, name="System (command line)")

#: Whoever has not signed in (or has no role), to the permission table: sees published, non-embargoed,
#: public records and public aggregates. Every "public" view (the public switch of a dashboard, a public PDF,
#: snapshots, packs, the static site) is computed as this viewer.
PUBLIC_VIEWER = Actor(identity="anonymous", role=Role.PUBLIC, name="Public visitor")


#: Fields whose name does not read as words on its own (the others: "deadline" -> "Deadline").
_FIELD_WORDS = {"contact_email": "Contact e-mail", "contact_email_2": "Second contact e-mail",
                "evidence_url": "Evidence link"}


def describe_validation_error(exc: Exception) -> list[str]:
    """Turn a pydantic ValidationError into plain sentences: 'Deadline: ...'."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return [str(exc)]
    messages = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
        field = (_FIELD_WORDS.get(loc[0]) or loc[0].replace("_", " ").capitalize()) if loc else ""
        msg = err.get("msg", "")
        msg = msg.removeprefix("Value error, ")
        if err.get("type") == "missing":
            msg = "is required"
        elif err.get("type") == "string_too_short":
            msg = "cannot be empty"
        elif err.get("type") == "too_short" and field:
            msg = "needs at least one entry"
        messages.append(f"{field}: {msg}" if field else msg[:1].upper() + msg[1:])
    return messages
