"""Demo data: a fictional alliance to try the app with, generated deterministically.

``generate(seed, scale, today)`` returns a :class:`~partners.services.bulk.Dataset` (load it with
``services.setup.load_demo``); ``generate_parts`` gives the same data in parts, so that a large scale is
generated and loaded a part at a time rather than held in memory at once. The same seed, scale and
``today`` always give the same data: only ``random.Random`` instances seeded from ``seed`` are used,
never the global generator or the clock.
Every record has ``is_demo=True``. Partners, commitments, events and countries' membership dates are
invented; countries, frameworks and capability keys come from :mod:`partners.reference`.

Shape of the data at ``scale=1`` (``scale`` multiplies the counts marked *):

* members: about 90* member countries from every UN M49 region, Global North and South, joined 2012-2024
  (``Dataset.members``; capped at the UN member states available). ``ANCHOR_MEMBERS`` (GBR, ARE, KEN,
  PHL) are always among them, so examples and tests can rely on them.
* partners: about 300*: one government body per member country, then law enforcement units,
  hotlines, regulators, prosecutors, social care, education (each tied to a member country),
  technology and payment companies, civil society, survivor groups, academia, international and
  regional organisations. Invented names; some hybrids carry ``tags``; some international
  organisations have no headquarters country.
* events (scale mildly): seven summits 2014-2026, five ministerials, two rounds of letters, about
  20 national action plans; none after ``today``.
* commitments: about 1,500*, each made at an event (or by letter, without event) after its date.
  Titles come from templates tied to the MNR capabilities they serve, filled in with the countries,
  products and numbers of the commitment; a title names only the commitment's own countries (a count
  of countries is the number it names). Each is logged on the day it starts and changed later; of the
  drafts and submitted records, more than half have been left untouched for over the worklist's 30 days
  (``Dataset.commitment_times``). About a third are joint (2-4 partners, exactly one lead),
  a quarter name several countries, about 8% are global. Each serves 1-3 framework items (MNR
  capabilities, plus Global Alliance targets and goals, Voluntary Principles, GTA 2019
  recommendations, Abu Dhabi outcomes and commitments). SMART gaps are deliberate: some have no
  deadline, unit, baseline, target or indicator; ``smart_level`` counts the five present.
* progress: 0-5 updates per commitment between its start and ``today``, status moving from not
  started to on track, off track or stalled, then complete or discontinued. About 15% have no update
  and about 15% are still open with no update in the last year (overdue); many are past their
  deadline and not complete; some complete ones lack evidence links; a few self-reported updates are
  followed by the secretariat's verified view (which sometimes disagrees).
* capability assessments: about seven in nine member countries*, two or three rounds (2019, 2022,
  2025) over all 21 MNR capabilities, phases trending upwards; the latest round is published for
  about half of them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from partners import reference
from partners.domain import rules, smart
from partners.domain.model import (
    CLOSED_STATUSES,
    CapabilityAssessment,
    Commitment,
    CommitmentPartner,
    Country,
    Event,
    EventKind,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    StakeholderType,
    Visibility,
)
from partners.services.bulk import Dataset
from partners.services.worklist import DEFAULT_STALE_DAYS

DEMO_LABEL = "Demo data: fictional partners and commitments, for trying the app"
DEFAULT_SEED = 2026
#: Fixed, so that the default output is the same on every run (never the clock).
DEFAULT_TODAY = date(2026, 11, 1)

BASE_MEMBERS = 90
BASE_COMMITMENTS = 1500
BASE_NATIONAL_PLANS = 20
ASSESSED_SHARE = 7 / 9  # of member countries
ASSESSMENT_ROUNDS = (2019, 2022, 2025)

S = StakeholderType

# --------------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------------

#: ISO 3166-1 entries that are not UN member states (territories, areas, observers): never members.
NOT_MEMBER_CANDIDATES = frozenset(
    "ABW AIA ALA ASM ATA ATF BES BLM BMU BVT CCK COK CUW CXR CYM ESH FLK FRO GGY GIB GLP GRL GUF GUM HKG "
    "HMD IMN IOT JEY MAC MAF MNP MSR MTQ MYT NCL NFK NIU PCN PRI PSE PYF REU SGS SHN SJM SPM SXM TCA TKL "
    "TWN UMI VAT VGB VIR WLF".split()
)
#: Names that read better in a sentence than the ISO short name.
SHORT_NAMES = {"COD": "Democratic Republic of the Congo", "FSM": "Micronesia"}
#: Countries whose name takes "the" in a sentence ("in the Philippines").
NAMES_WITH_THE = frozenset("ARE BHS CAF COD COM DOM GBR GMB MDV MHL NLD PHL SLB USA".split())
#: Always members: the hosts of the first two summits, and the countries the app's examples use.
ANCHOR_MEMBERS = ("GBR", "ARE", "KEN", "PHL")
NORTH_WEIGHT = 2.0  # Global North countries are this much likelier to be members than others

# --------------------------------------------------------------------------------------------------
# Partners
# --------------------------------------------------------------------------------------------------

#: Non-government partners per type at scale 1 (governments: one per member country).
PARTNER_MIX: dict[StakeholderType, int] = {
    S.LAW_ENFORCEMENT: 30,
    S.HOTLINE: 22,
    S.REGULATOR: 10,
    S.JUDICIARY: 10,
    S.SOCIAL_CARE: 10,
    S.EDUCATION: 10,
    S.TECHNOLOGY_COMPANY: 45,
    S.FINANCIAL_INDUSTRY: 8,
    S.CIVIL_SOCIETY: 35,
    S.SURVIVOR_ADVOCACY: 8,
    S.ACADEMIA: 10,
    S.INTERNATIONAL_ORGANISATION: 8,
    S.REGIONAL_ORGANISATION: 4,
}

#: Types whose bodies are national: one country each, named after it.
NATIONAL_TYPES = frozenset(
    {S.GOVERNMENT, S.LAW_ENFORCEMENT, S.HOTLINE, S.REGULATOR, S.JUDICIARY, S.SOCIAL_CARE, S.EDUCATION}
)

#: Name patterns; ``{country}`` is the country's name, ``{a}``/``{b}``/``{place}`` come from word lists.
NAME_PATTERNS: dict[StakeholderType, tuple[str, ...]] = {
    S.GOVERNMENT: ("{country} Inter-Ministerial Taskforce on Online Child Protection",),
    S.LAW_ENFORCEMENT: (
        "{country} Child Exploitation Investigation Unit",
        "{country} Police Victim Identification Team",
        "{country} Cybercrime Centre, Child Protection Team",
        "{country} Border Police Child Protection Desk",
    ),
    S.HOTLINE: (
        "{country} Online Reporting Hotline",
        "{country} Report It Safe Hotline",
        "{country} Clean Web Reporting Centre",
    ),
    S.REGULATOR: (
        "{country} Online Safety Commission",
        "{country} Office of the Digital Safety Regulator",
        "{country} Communications and Child Online Safety Authority",
    ),
    S.JUDICIARY: (
        "{country} Prosecution Service, Crimes against Children Unit",
        "{country} Judicial Training Institute, Child Justice Programme",
        "{country} Specialist Prosecutors for Online Child Abuse",
    ),
    S.SOCIAL_CARE: (
        "{country} Child and Family Support Network",
        "{country} Association of Child Protection Social Workers",
        "{country} Children's Recovery Services",
    ),
    S.EDUCATION: (
        "{country} Digital Citizenship Schools Network",
        "{country} Teachers' Online Safety Council",
        "{country} Safer Schools Programme",
    ),
    S.TECHNOLOGY_COMPANY: ("{a} {b}",),
    S.FINANCIAL_INDUSTRY: ("{a} {b}",),
    S.CIVIL_SOCIETY: (
        "{a} Foundation for Children",
        "{a} Children's Trust",
        "{a} Alliance for Safe Childhoods",
        "{a} Coalition against Child Exploitation",
        "{a} Child Rights Centre",
    ),
    S.SURVIVOR_ADVOCACY: (
        "{a} Survivors' Network",
        "{a} Survivor Voices Collective",
        "{a} Advocacy Group for Survivors",
    ),
    S.ACADEMIA: (
        "{place} University Centre for Child Online Safety Research",
        "Institute for Digital Childhood Studies, University of {place}",
        "{place} Institute of Technology, Child Protection Lab",
    ),
    S.INTERNATIONAL_ORGANISATION: ("{a} {b}",),
    S.REGIONAL_ORGANISATION: ("{subregion} {b}",),
}

#: Word lists for the patterns above, per type: (words for {a}, words for {b}).
NAME_WORDS: dict[StakeholderType, tuple[tuple[str, ...], tuple[str, ...]]] = {
    S.TECHNOLOGY_COMPANY: (
        (
            "Brightlane", "Kestrelwave", "Bluefern", "Lumora", "Tidewell", "Cobaltic", "Quillon",
            "Harborlight", "Silverpine", "Orbitan", "Veridia", "Pixelmoor", "Skyloom", "Wavecrest",
            "Amberlink", "Stellarix", "Glasswing", "Lanternfish", "Mosaic Bay", "Nimbusly", "Corallo",
            "Driftwood", "Emberly", "Frostline", "Greyfinch", "Hollowtree", "Indigo Reef", "Jadeport",
        ),
        (
            "Networks", "Cloud", "Labs", "Social", "Games", "Messaging", "Media", "Systems",
            "Technologies", "Interactive", "Streaming", "Apps",
        ),
    ),
    S.FINANCIAL_INDUSTRY: (
        ("Northbridge", "Clearwater", "Goldfinch", "Meridale", "Ironleaf", "Bluestone", "Coinwell",
         "Trustmark"),
        ("Payments", "Pay", "Card Services", "Bank", "Money Transfer", "Financial Group"),
    ),
    S.CIVIL_SOCIETY: (
        (
            "Safe Horizons", "Bright Futures", "Open Hands", "Kind Voices", "Hopeful Steps", "Steady Harbour",
            "Guiding Light", "Young Voices", "Common Ground", "Safe Passage", "New Dawn", "Little Lanterns",
            "Sheltering Tree", "Firm Footing", "Clear Skies", "Warm Welcome", "Strong Roots", "Open Door",
        ),
        (),
    ),
    S.SURVIVOR_ADVOCACY: (
        ("Voices Forward", "Rising Together", "Unbroken", "Still Standing", "Heard at Last", "Brave Space"),
        (),
    ),
    S.INTERNATIONAL_ORGANISATION: (
        ("Global", "International", "World", "Worldwide"),
        (
            "Network for Child Online Protection", "Coalition to End Online Child Exploitation",
            "Partnership for Safer Childhoods Online", "Fund for Child Online Safety",
            "Council on Digital Child Rights", "Task Force on Online Child Protection",
            "Forum of Child Online Safety Experts",
        ),
    ),
    S.REGIONAL_ORGANISATION: (
        (),
        (
            "Network for Child Online Protection", "Forum on Online Child Safety",
            "Partnership against Online Child Exploitation", "Council for Safer Childhoods Online",
        ),
    ),
}

#: Fictional places (universities and, for very large datasets, branch offices).
PLACES = (
    "Eastmere", "Northwold", "Harrowby", "Kingsreach", "Lakemont", "Riverholm", "Westbury Vale", "Stonefield",
    "Greenhaven", "Highcliff", "Ashmoor", "Brackenridge", "Clearbrook", "Dunmore Heights", "Elmstead",
    "Fairhaven", "Glenmore", "Hollowell", "Marrowgate", "Oakhurst",
)
#: Distinguishes bodies whose names would otherwise clash (only needed at large scales).
BRANCHES = ("Northern Region", "Southern Region", "Eastern Region", "Western Region", "Central Region",
            "Coastal Region", "Capital Region", "Highlands Region")

#: Product kinds for technology companies (used in titles: "on Brightlane's messaging app").
PRODUCTS = (
    "messaging app", "social network", "video-sharing platform", "cloud storage service", "online game",
    "search engine", "livestreaming service", "online marketplace", "file-hosting service", "forum platform",
)

#: Where international organisations without a regional focus have their headquarters.
INTERNATIONAL_HQS = ("CHE", "USA", "FRA", "AUT", "BEL", "NLD", "KEN", "THA", "ITA", "SGP")

#: Some partners are hybrids: primary type -> possible secondary tags.
HYBRID_TAGS: dict[StakeholderType, tuple[tuple[StakeholderType, ...], ...]] = {
    S.HOTLINE: ((S.LAW_ENFORCEMENT, S.TECHNOLOGY_COMPANY), (S.CIVIL_SOCIETY,), (S.REGULATOR,)),
    S.CIVIL_SOCIETY: ((S.SURVIVOR_ADVOCACY,), (S.EDUCATION,), (S.HOTLINE,)),
    S.TECHNOLOGY_COMPANY: ((S.FINANCIAL_INDUSTRY,), (S.EDUCATION,)),
    S.ACADEMIA: ((S.CIVIL_SOCIETY,),),
    S.REGULATOR: ((S.GOVERNMENT,),),
    S.LAW_ENFORCEMENT: ((S.GOVERNMENT,),),
    S.SOCIAL_CARE: ((S.GOVERNMENT,), (S.CIVIL_SOCIETY,)),
    S.SURVIVOR_ADVOCACY: ((S.CIVIL_SOCIETY,),),
}
HYBRID_SHARE = 0.15

#: How likely a partner of each type is to lead a commitment (relative, per partner).
LEAD_WEIGHT: dict[StakeholderType, float] = {
    S.GOVERNMENT: 3.0,
    S.TECHNOLOGY_COMPANY: 3.0,
    S.LAW_ENFORCEMENT: 2.0,
    S.CIVIL_SOCIETY: 2.0,
    S.INTERNATIONAL_ORGANISATION: 2.5,
    S.REGIONAL_ORGANISATION: 2.0,
    S.HOTLINE: 1.5,
    S.REGULATOR: 1.5,
}

# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------

#: (name, date, location, host country or None for a host picked among members, weight for commitments)
SUMMITS = (
    ("London summit 2014", date(2014, 12, 11), "London", "GBR", 4),
    ("Abu Dhabi summit 2015", date(2015, 11, 17), "Abu Dhabi", "ARE", 6),
    ("Alliance summit 2017", date(2017, 10, 17), None, None, 8),
    ("Alliance summit 2019", date(2019, 12, 10), None, None, 10),
    ("Alliance summit 2022", date(2022, 6, 1), None, None, 12),
    ("Alliance summit 2024", date(2024, 10, 15), None, None, 12),
    ("Alliance summit 2026", date(2026, 10, 6), None, None, 6),
)
MINISTERIALS = (
    ("Alliance ministerial meeting 2016", date(2016, 9, 27), None, None, 3),
    ("Alliance ministerial meeting 2018", date(2018, 9, 25), None, None, 3),
    ("Alliance ministerial meeting 2021", date(2021, 6, 15), "Online", "", 3),
    ("Alliance ministerial meeting 2023", date(2023, 9, 19), None, None, 3),
    ("Alliance ministerial meeting 2025", date(2025, 9, 23), None, None, 3),
)
LETTERS = (
    ("Pledges received by letter, 2020", date(2020, 6, 30), "", "", 2),
    ("Pledges received by letter, 2023", date(2023, 6, 30), "", "", 2),
)
NATIONAL_PLANS_WEIGHT = 25  # shared by all national plans, however many there are
NO_EVENT_SHARE = 0.06

# --------------------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------------------


class Template(NamedTuple):
    """A kind of commitment.

    ``title`` may use ``{n}`` (the target), ``{in_where}`` ("in Kenya", "in 4 countries of Eastern
    Africa", "worldwide"), ``{product}`` (technology companies only) and, for single-country templates,
    ``{in_country}``, ``{of_where}`` or ``{for_where}`` ("in/of/for Kenya"). Transnational partners
    may do any template in several countries, national bodies only the ``cross_border`` ones.
    ``target``: (low, high, step) for counts; "milestones", "percent" or "hours" for the special kinds.
    """

    title: str
    mnr: tuple[str, ...]  # capability numbers of TEMPLATE_MNR, linked on the current MNR via the crosswalk
    extra: tuple[str, ...]
    leads: tuple[StakeholderType, ...]
    indicator: str
    unit: str
    target: tuple[int, int, int] | str
    deliverable: str
    cross_border: bool = False  # a national body may do this in other countries too (training, campaigns)


T = Template
GOV, LE, TECH, CSO = S.GOVERNMENT, S.LAW_ENFORCEMENT, S.TECHNOLOGY_COMPANY, S.CIVIL_SOCIETY
INTL, REG, HOT, RGL = S.INTERNATIONAL_ORGANISATION, S.REGIONAL_ORGANISATION, S.HOTLINE, S.REGULATOR
JUD, FIN, SURV, CARE = S.JUDICIARY, S.FINANCIAL_INDUSTRY, S.SURVIVOR_ADVOCACY, S.SOCIAL_CARE
EDU, ACAD = S.EDUCATION, S.ACADEMIA

TEMPLATES: tuple[Template, ...] = (
    # Policy and governance
    T("Set up a national multi-stakeholder board on online child protection {in_country}", ("1",),
      ("AD-2015:C1", "AD-2015:O1"), (GOV,), "Board meetings held with all sectors represented", "meetings",
      (4, 12, 1), "Terms of reference and a yearly meeting plan for the board"),
    T("Appoint a national online-safety lead and regulator {for_where}", ("1",), ("GTA-2019-FL:7",),
      (GOV, RGL), "Steps of the appointment plan completed", "milestones", "milestones",
      "A named lead with a mandate and budget"),
    T("Publish a national situation analysis of online CSEA risks and responses {for_where}", ("2",),
      ("AD-2015:C2",), (GOV, ACAD, INTL), "Analysis reports published", "reports", (1, 2, 1),
      "A public situation analysis with indicators"),
    T("Survey {n} young people on their experience of online risks {in_where}", ("2", "14"),
      ("GTA-2019-FL:10",), (ACAD, CSO, INTL), "Young people surveyed", "respondents", (1000, 10000, 500),
      "Survey results published in a child-friendly version", cross_border=True),
    T("Build a national dashboard of indicators on online child sexual exploitation {for_where}", ("2",),
      (), (GOV, ACAD), "Dashboard milestones completed", "milestones", "milestones",
      "A dashboard updated every year"),
    T("Amend the criminal code {of_where} to criminalise online grooming and livestreamed abuse", ("3",),
      ("GA-2012:G2.1", "GA-2012:T2"), (GOV,), "Legislative stages completed", "milestones", "milestones",
      "Amended law in force"),
    T("Introduce a legal duty for online services to report CSEA to law enforcement {in_country}",
      ("3", "17"), ("GTA-2019-FL:9",), (GOV, RGL), "Legislative stages completed", "milestones", "milestones",
      "Reporting duty in force"),
    T("Review national laws against the MNR and close {n} gaps found {in_where}", ("3",),
      ("GTA-2019-FL:4", "GA-2012:G2.1"), (GOV, INTL, CSO), "Legal gaps closed", "gaps", (2, 8, 1),
      "Legal review report and amendments"),
    # Criminal justice
    T("Train {n} police officers in online CSEA investigation {in_where}", ("4",), ("GA-2012:T2",),
      (LE, GOV, INTL, REG), "Officers trained", "officers", (50, 1000, 25), "Training courses delivered",
      cross_border=True),
    T("Set up a specialist online child exploitation unit in the national police {of_where}", ("4",),
      ("GA-2012:T2",), (LE, GOV), "Specialist investigators in post", "investigators", (10, 80, 5),
      "A staffed specialist unit"),
    T("Take part in {n} joint international investigations into online child sexual exploitation", ("4",),
      ("GA-2012:G2.2",), (LE,), "Joint investigations taken part in", "investigations", (3, 20, 1),
      "Joint investigation reports"),
    T("Train {n} prosecutors in victim-centred handling of online CSEA cases {in_where}", ("5",),
      ("GA-2012:T2",), (JUD, GOV, INTL, CSO), "Prosecutors trained", "prosecutors", (20, 400, 10),
      "Training courses delivered", cross_border=True),
    T("Train {n} judges in child-friendly court procedures for online abuse cases {in_where}", ("5",), (),
      (JUD, INTL), "Judges trained", "judges", (20, 300, 10), "Training courses delivered",
      cross_border=True),
    T("Equip {n} courts with child-friendly interview rooms {in_where}", ("5", "8"), (),
      (JUD, GOV, CARE), "Courts equipped", "courts", (3, 40, 1), "Interview rooms in use"),
    T("Introduce risk-based supervision for {n} people convicted of online child sexual offences {in_where}",
      ("6",), ("GTA-2019-FL:1",), (LE, GOV), "People under supervision", "people", (50, 2000, 50),
      "A supervision programme"),
    T("Share offender travel notifications with partner countries", ("6", "4"), ("GA-2012:G2.2",),
      (LE, GOV), "Countries receiving notifications", "countries", (3, 20, 1), "Notification agreements"),
    T("Connect the national image database {of_where} to INTERPOL's ICSE database", ("7",),
      ("GA-2012:G1.1", "GTA-2019-FL:11"), (LE, GOV), "Connection milestones completed", "milestones",
      "milestones", "A live connection used in investigations"),
    T("Identify {n} more child victims through image analysis and the ICSE database {in_where}", ("7",),
      ("GA-2012:T1", "GA-2012:G1.1"), (LE,), "Victims identified", "victims identified", (10, 300, 5),
      "Victim identification results reported each year", cross_border=True),
    T("Share victim-identification techniques with {n} law enforcement agencies", ("7", "18"),
      ("GTA-2019-FL:11",), (LE, TECH, INTL), "Agencies trained in the techniques", "agencies", (5, 40, 1),
      "Workshops and shared tools", cross_border=True),
    # Victim support
    T("Open {n} child advocacy centres offering joined-up support to victims {in_where}", ("8",),
      ("GTA-2019-FL:8", "GA-2012:T1"), (GOV, CARE, CSO), "Centres open", "centres", (2, 20, 1),
      "Centres open and staffed"),
    T("Train {n} social workers to support children harmed online {in_where}", ("9",), ("GTA-2019-FL:13",),
      (CARE, GOV, CSO), "Social workers trained", "social workers", (50, 1500, 50),
      "Training courses delivered", cross_border=True),
    T("Set up a child-friendly compensation and complaints procedure for victims {in_country}", ("10",), (),
      (GOV, JUD), "Procedure milestones completed", "milestones", "milestones", "A procedure in use"),
    T("Extend the national child helpline {of_where} to round-the-clock chat support", ("11",), (),
      (CSO, CARE, GOV), "Hours of chat support each week", "hours per week", (40, 168, 8),
      "Chat support available"),
    T("Train {n} helpline counsellors to respond to reports of online abuse {in_where}", ("11",), (),
      (CSO, CARE), "Counsellors trained", "counsellors", (10, 200, 5), "Training courses delivered",
      cross_border=True),
    T("Fund psychological support for {n} children and families affected by online abuse {in_where}",
      ("8",), ("GTA-2019-FL:8", "GA-2012:T1"), (CSO, SURV, INTL, FIN), "Children and families supported",
      "children and families", (100, 3000, 50), "Support sessions delivered", cross_border=True),
    T("Set up a survivor advisory group to shape support services {in_where}", ("8", "14"), (),
      (SURV, CSO), "Advisory group milestones completed", "milestones", "milestones",
      "An advisory group meeting regularly"),
    # Society
    T("Launch an online reporting hotline linked to police and industry {in_country}", ("12",),
      ("GA-2012:T4",), (HOT, GOV, CSO), "Hotline milestones completed", "milestones", "milestones",
      "A hotline taking public reports"),
    T("Assess {n} public reports of suspected child sexual abuse material within 48 hours {in_where}",
      ("12", "16"), ("GA-2012:G4.2",), (HOT,), "Reports assessed within 48 hours", "reports",
      (1000, 40000, 500), "Yearly hotline statistics"),
    T("Join the international hotline network and exchange reports with {n} partner hotlines", ("12",),
      ("GA-2012:T4",), (HOT,), "Partner hotlines exchanging reports", "hotlines", (3, 30, 1),
      "Exchange agreements"),
    T("Launch a school awareness programme on online grooming reaching {n} pupils {in_where}", ("13",),
      ("GA-2012:T3", "GA-2012:G3.1"), (EDU, GOV, CSO, TECH), "Pupils reached", "pupils",
      (5000, 200000, 1000), "Lesson materials and school sessions"),
    T("Train {n} teachers to teach online safety and healthy relationships {in_where}", ("13",),
      ("GTA-2019-FL:12",), (EDU, CSO, GOV), "Teachers trained", "teachers", (100, 5000, 100),
      "Training courses delivered", cross_border=True),
    T("Run an awareness campaign for parents and carers on online risks {in_where}", ("13",),
      ("GA-2012:G3.1", "AD-2015:O5"), (GOV, CSO, TECH, RGL), "Parents and carers reached",
      "parents and carers", (10000, 1000000, 5000), "Campaign materials and reach figures",
      cross_border=True),
    T("Set up a youth panel of {n} young people to advise on online-safety policy {in_where}", ("14",),
      ("GTA-2019-FL:10",), (GOV, CSO, RGL, INTL), "Young people on the panel", "panel members", (10, 60, 2),
      "A youth panel meeting regularly"),
    T("Fund a confidential helpline for people worried about their sexual thoughts towards children "
      "{in_where}", ("15",), ("GTA-2019-FL:1",), (CSO, GOV, ACAD), "Contacts answered", "contacts",
      (200, 5000, 100), "A helpline open to callers"),
    T("Show deterrence and support messages to people searching for abuse material on {product}",
      ("15", "18"), ("VP-2020:6", "GTA-2019-FL:1"), (TECH,), "Share of flagged searches showing a message",
      "%", "percent", "Messages live in search results"),
    # Industry
    T("Deploy hash matching for known child sexual abuse material on {product}", ("18", "16"),
      ("VP-2020:1", "GA-2012:G4.1", "GTA-2019-FL:5"), (TECH,), "Share of uploads checked", "%", "percent",
      "Hash matching live on all upload paths"),
    T("Share a free hash-matching tool with {n} smaller platforms", ("18",), ("VP-2020:10", "GTA-2019-FL:2"),
      (TECH, CSO, INTL), "Platforms using the tool", "platforms", (10, 200, 5), "Tool and onboarding guide"),
    T("Develop and share classifiers that detect previously unseen abuse material", ("18",), ("VP-2020:2",),
      (TECH, ACAD), "Development milestones completed", "milestones", "milestones",
      "Classifiers available to partners"),
    T("Detect and disrupt grooming in chats on {product}", ("18", "19"), ("VP-2020:3",), (TECH,),
      "Share of chats covered by grooming detection", "%", "percent", "Detection live in chats"),
    T("Detect and stop livestreamed child sexual abuse on {product}", ("18",), ("VP-2020:5",), (TECH,),
      "Share of live streams covered by detection", "%", "percent", "Detection live for streams"),
    T("Introduce age assurance and high-privacy defaults for children on {product}", ("19",),
      ("VP-2020:7", "GTA-2019-FL:5"), (TECH,), "Share of child accounts with high-privacy defaults", "%",
      "percent", "Defaults and age checks live"),
    T("Adopt a safety-by-design review for every new feature of {product}", ("19",), ("VP-2020:9",), (TECH,),
      "Share of new features reviewed", "%", "percent", "A review process in use"),
    T("Publish a yearly transparency report on child safety for {product}", ("19",), ("VP-2020:11",), (TECH,),
      "Transparency reports published", "reports", (1, 5, 1), "Public transparency reports"),
    T("Cut the median time to remove reported abuse material to {n} hours {in_where}", ("16",),
      ("GA-2012:G4.2", "GTA-2019-FL:3"), (TECH, HOT, RGL), "Median removal time", "hours", "hours",
      "Removal times published every quarter", cross_border=True),
    T("Report all detected child sexual abuse material to the competent authorities within 24 hours "
      "{in_where}", ("17",), ("VP-2020:1",), (TECH,), "Share of detections reported within 24 hours", "%",
      "percent", "Reporting process and yearly figures"),
    T("Flag payments linked to the commercial sexual exploitation of children across {n} payment providers",
      ("18", "4"), ("VP-2020:4",), (FIN,), "Payment providers sharing flags", "payment providers",
      (3, 40, 1), "Shared payment indicators"),
    T("Train {n} financial investigators to trace payments for child sexual exploitation {in_where}",
      ("4",), ("GA-2012:T2",), (FIN, LE), "Financial investigators trained", "investigators", (20, 300, 10),
      "Training courses delivered", cross_border=True),
    T("Issue a code of practice on child online safety for services operating {in_country}", ("19", "3"),
      ("GTA-2019-FL:7",), (RGL, GOV), "Code milestones completed", "milestones", "milestones",
      "A code of practice in force"),
    T("Audit {n} online services against the child online safety code {in_where}", ("19",), ("VP-2020:11",),
      (RGL,), "Services audited", "services", (5, 60, 1), "Published audit findings"),
    # Media and communications
    T("Train {n} journalists in ethical, victim-respecting reporting on child sexual abuse {in_where}",
      ("20",), (), (CSO, INTL, ACAD, RGL), "Journalists trained", "journalists", (20, 500, 10),
      "Training courses and a reporting guide", cross_border=True),
    T("Adopt the Luxembourg Terminology Guidelines in official communications {of_where}", ("21",), (),
      (GOV, LE, JUD), "Public bodies using the guidelines", "public bodies", (5, 40, 1),
      "Guidance issued to public bodies"),
    T("Translate the Terminology Guidelines into {n} languages", ("21",), (), (INTL, CSO, REG),
      "Languages available", "languages", (2, 12, 1), "Published translations"),
    # Cross-cutting and international support
    T("Provide technical assistance on the Model National Response {in_where}", ("1", "2"),
      ("GTA-2019-FL:6", "AD-2015:C3"), (INTL, REG, GOV), "Countries assisted", "countries", (3, 25, 1),
      "Country assistance plans", cross_border=True),
    T("Fund national response programmes {in_where}", ("1",), ("AD-2015:C3", "AD-2015:O2"),
      (INTL, GOV, FIN), "Countries funded", "countries", (3, 20, 1), "Grant agreements",
      cross_border=True),
    T("Host a regional training academy on online CSEA investigations for {n} officers", ("4",),
      ("GA-2012:G2.2", "GTA-2019-FL:6"), (REG, INTL, LE), "Officers trained", "officers", (40, 600, 20),
      "Academy courses delivered", cross_border=True),
    T("Publish research on what works to prevent first-time offending", ("15", "2"), ("GTA-2019-FL:1",),
      (ACAD,), "Studies published", "studies", (1, 5, 1), "Peer-reviewed studies and a summary"),
    T("Evaluate {n} online-safety education programmes and share what works", ("13", "2"),
      ("GTA-2019-FL:12",), (ACAD, EDU, INTL), "Programmes evaluated", "programmes", (3, 20, 1),
      "Evaluation reports"),
    T("Study the needs of the children most at risk of online exploitation {in_where}", ("2", "9"),
      ("GTA-2019-FL:13",), (ACAD, CARE, CSO), "Study milestones completed", "milestones", "milestones",
      "A published study", cross_border=True),
    T("Set up a regional network of online CSEA focal points {in_where}", ("1", "4"), ("GA-2012:G2.2",),
      (REG,), "Countries with a named focal point", "countries", (3, 15, 1), "A network meeting regularly",
      cross_border=True),
)

#: Share of commitments with a gap in each SMART element (deadline, unit, baseline, target, indicator).
MISSING = {"deadline": 0.12, "unit": 0.12, "baseline": 0.2, "target": 0.08, "indicator": 0.06}
SINGLE_COUNTRY_PLACEHOLDERS = ("in_country", "of_where", "for_where")
JOINT_SHARE = 0.35
BUDGET_SHARE = 0.4
EMBARGO_SHARE = 0.015
VISIBILITY_MIX = ((Visibility.PUBLIC, 72), (Visibility.MEMBERS, 18), (Visibility.PRIVATE, 10))
#: Of the drafts and submitted records, the share left untouched for longer than the worklist's 30 days.
STALE_SHARE = 0.6
REVIEW_MIX = (
    (ReviewState.PUBLISHED, 68),
    (ReviewState.VERIFIED, 12),
    (ReviewState.SUBMITTED, 9),
    (ReviewState.DRAFT, 7),
    (ReviewState.WITHDRAWN, 4),
)

# --------------------------------------------------------------------------------------------------
# Progress and assessments
# --------------------------------------------------------------------------------------------------

NO_UPDATE_SHARE = 0.04  # drafts and commitments made in the last month have none either
OVERDUE_SHARE = 0.28  # open ones whose last update is over a year old (some close early)
UPDATE_COUNT_WEIGHTS = ((1, 25), (2, 25), (3, 20), (4, 17), (5, 13))
VERIFIED_SHARE = 0.3
SECOND_OPINION_SHARE = 0.08  # self-reported updates followed by the secretariat's verified view
EVIDENCE_HOSTS = ("https://example.org/reports", "https://example.com/news", "https://example.net/files")

NARRATIVES: dict[ProgressStatus, tuple[str, ...]] = {
    ProgressStatus.NOT_STARTED: (
        "Preparations are under way; activities have not started yet.",
        "Funding is being confirmed before the work begins.",
        "Partners are agreeing the work plan.",
    ),
    ProgressStatus.ON_TRACK: (
        "Work is on schedule: {progress}.",
        "Activities are going to plan, with {progress}.",
        "Good progress this period: {progress}.",
    ),
    ProgressStatus.OFF_TRACK: (
        "Behind schedule with {progress}; a recovery plan is being prepared.",
        "Procurement delays have slowed the work ({progress}).",
        "Staff changes have delayed delivery: {progress}.",
    ),
    ProgressStatus.STALLED: (
        "No activity this period while funding is renegotiated.",
        "Work is paused until new legislation is passed.",
        "Stalled while the lead partner waits for a ministerial decision.",
    ),
    ProgressStatus.COMPLETE: (
        "Completed: {progress}.",
        "Delivered as committed; the final report was shared with the secretariat.",
        "Target reached and the results published.",
    ),
    ProgressStatus.DISCONTINUED: (
        "Discontinued: priorities changed and the budget was reallocated.",
        "Discontinued after the work was merged into a wider national programme.",
    ),
}
DIFFERENT_STATUS_REASON = "The evidence seen by the secretariat supports a different status than reported."
REVIEW_NARRATIVES = {
    True: "Secretariat review: the evidence confirms the reported status.",
    False: "Secretariat review: the evidence shows the work is further behind than reported.",
}

#: Starting phase weights for phases 1-4, by Global North / South.
START_PHASE_WEIGHTS = {True: (10, 35, 40, 15), False: (40, 40, 17, 3)}
#: Change of phase between rounds: (change, weight).
PHASE_STEPS = ((-1, 5), (0, 45), (1, 50))
ASSESSMENT_NOTES = {
    1: ("Being set up; no dedicated resources yet.", "Not yet in place.", "Planned in the national plan."),
    2: ("Partly in place; not yet sustained.", "Pilot running in some areas.", "Depends on donor funding."),
    3: ("Largely in place; some gaps remain.", "Working nationally; coverage uneven.", "Reviewed last year."),
    4: ("Fully in place and reviewed regularly.", "Sustained with a national budget.", "Shared with peers."),
}


# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------


@dataclass
class _World:
    """What the stages share: the reference countries, the members and the partners made so far."""

    seed: int
    scale: float
    today: date
    countries: dict[str, Country]
    members: dict[str, date] = field(default_factory=dict)
    member_codes: list[str] = field(default_factory=list)  # sorted
    members_by_region: dict[str, list[str]] = field(default_factory=dict)
    partners: list[Partner] = field(default_factory=list)
    products: dict[int, str] = field(default_factory=dict)  # partner id -> "Brightlane's messaging app"
    by_country: dict[str, list[Partner]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    mnr_keys: dict[str, str] = field(default_factory=dict)  # template capability number -> current key

    def mnr_key(self, code: str) -> str:
        """``_current_mnr_key``, looked up once per generation."""
        if code not in self.mnr_keys:
            self.mnr_keys[code] = _current_mnr_key(code)
        return self.mnr_keys[code]

    def rng(self, stage: str) -> random.Random:
        """An independent stream per stage, so that changing one stage leaves the others as they were."""
        return random.Random(f"{self.seed}:{stage}")

    def name(self, code: str, *, article: bool = False) -> str:
        name = SHORT_NAMES.get(code) or self.countries[code].name.split(",")[0]
        return f"the {name}" if article and code in NAMES_WITH_THE else name


#: Commitments per part of ``generate_parts``: with their progress updates, about 4,500 records, and what the
#: database holds for them before they commit, are in memory at a time.
PART_SIZE = 2_000


def generate(seed: int = DEFAULT_SEED, scale: float = 1.0, today: date | None = None) -> Dataset:
    """A fictional alliance (see the module docstring for its shape), the same for the same arguments.

    ``scale`` multiplies the counts (0.1 gives a small dataset for fast tests, 50 a large one for
    benchmarks); ``today`` is the date the data is "as of" (nothing is reported after it).
    """
    whole = Dataset()
    for part in generate_parts(seed, scale, today):
        whole.partners += part.partners
        whole.events += part.events
        whole.commitments += part.commitments
        whole.progress += part.progress
        whole.assessments += part.assessments
        whole.members |= part.members
        whole.commitment_times |= part.commitment_times
    whole.dated = True
    return whole


def generate_parts(
    seed: int = DEFAULT_SEED, scale: float = 1.0, today: date | None = None, *, part_size: int = PART_SIZE
) -> Iterator[Dataset]:
    """The data of ``generate``, in parts to load one after another (``services.setup.load_demo``), so that a
    large scale never sits in memory at once: the partners and events; then the commitments, ``part_size`` at
    a time, each with its progress updates and times; then the capability assessments and the members.
    The parts together are exactly ``generate``'s dataset, whatever ``part_size`` (each stage draws from its
    own random stream, in the same order)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if part_size < 1:
        raise ValueError("part_size must be positive")
    world = _World(seed, scale, today or DEFAULT_TODAY, reference.countries())
    world.members = _members(world)
    world.member_codes = sorted(world.members)
    for code in world.member_codes:
        world.members_by_region.setdefault(world.countries[code].region, []).append(code)
    _partners(world)
    world.events = _events(world)
    return _parts(world, part_size)


def _parts(world: _World, part_size: int) -> Iterator[Dataset]:
    yield Dataset(partners=world.partners, events=world.events, dated=True)
    commitments = _commitments(world)
    progress, times = world.rng("progress"), world.rng("timestamps")
    while part := list(itertools.islice(commitments, part_size)):
        yield Dataset(
            commitments=part,
            progress=_progress(world, progress, part),
            commitment_times=_times(world, times, part),
            dated=True,
        )
    yield Dataset(assessments=_assessments(world), members=dict(world.members), dated=True)


def describe(seed: int = DEFAULT_SEED, scale: float = 1.0) -> str:
    """The description stored with a loaded demo dataset."""
    return f"{DEMO_LABEL} (seed {seed}, scale {scale:g})"


# -- helpers ---------------------------------------------------------------------------------------


def _scaled(base: float, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def _pick(rng: random.Random, weighted: Sequence[tuple[object, float]]):
    return _Weights.of(weighted).pick(rng)


class _Weights(NamedTuple):
    """A weighted draw prepared once (the draws made for every commitment and update): the same value
    ``_pick`` draws from the same random state, without summing the weights each time."""

    values: Sequence[object]
    cum: list[float]

    @classmethod
    def of(cls, weighted: Sequence[tuple[object, float]]) -> _Weights:
        values, weights = zip(*weighted, strict=True)
        return cls(values, list(itertools.accumulate(weights)))

    def pick(self, rng: random.Random):
        return _choice(rng, self.values, self.cum)


def _choice(rng: random.Random, values: Sequence, cum: list[float]):
    """``rng.choices(values, cum_weights=cum)[0]``, step for step (the same draw), without its checks and list."""
    return values[bisect.bisect(cum, rng.random() * (cum[-1] + 0.0), 0, len(values) - 1)]


def _weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float], k: int) -> list[str]:
    """``k`` distinct items, likelier with more weight (Efraimidis-Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1 / w), item) for item, w in zip(items, weights, strict=True)),
                   reverse=True)
    return [item for _, item in keyed[:k]]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _quarter_end(d: date) -> date:
    month = (d.month - 1) // 3 * 3 + 3
    return date(d.year, month, 31 if month in (3, 12) else 30)


def _round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.1f}"


# -- members ---------------------------------------------------------------------------------------


def _members(world: _World) -> dict[str, date]:
    """About 90 UN member states: the anchors, at least one per M49 region, Global North and South."""
    rng = world.rng("members")
    pool = [c for code, c in sorted(world.countries.items())
            if code not in NOT_MEMBER_CANDIDATES and c.region != reference.UNCLASSIFIED]
    count = min(len(pool), max(_scaled(BASE_MEMBERS, world.scale), len(reference.regions()) + 1))
    chosen = [code for code in ANCHOR_MEMBERS if code in world.countries]
    for region in reference.regions():
        if not any(world.countries[code].region == region for code in chosen):
            chosen.append(rng.choice([c.code for c in pool if c.region == region]))
    for north in (True, False):
        if not any(world.countries[code].global_north == north for code in chosen):
            chosen.append(rng.choice([c.code for c in pool if c.global_north == north]))
    rest = [c for c in pool if c.code not in chosen]
    weights = [NORTH_WEIGHT if c.global_north else 1.0 for c in rest]
    chosen += _weighted_sample(rng, [c.code for c in rest], weights, max(0, count - len(chosen)))
    members = {}
    for code in sorted(chosen):
        year = _pick(rng, [(y, 6 if y <= 2016 else 3) for y in range(2012, 2025)])
        # 2012 members joined at the Global Alliance launch (5 December 2012).
        launch = year == 2012
        members[code] = date(2012, 12, 5) if launch else date(year, rng.randint(1, 12), rng.randint(1, 28))
    return members


# -- partners --------------------------------------------------------------------------------------


def _partners(world: _World) -> None:
    rng = world.rng("partners")
    used: set[str] = set()
    member_codes = world.member_codes
    for code in member_codes:
        _add_partner(world, rng, used, S.GOVERNMENT, code, since=world.members[code])
    for stype, base in PARTNER_MIX.items():
        count = _scaled(base, world.scale)
        if stype in NATIONAL_TYPES:
            # Spread over the members: each country once before any gets a second body of the type.
            order: list[str] = []
            while len(order) < count:
                order += rng.sample(member_codes, len(member_codes))
            for code in order[:count]:
                _add_partner(world, rng, used, stype, code)
        else:
            for _ in range(count):
                _add_partner(world, rng, used, stype, _hq_for(world, rng, stype))


def _hq_for(world: _World, rng: random.Random, stype: StakeholderType) -> str | None:
    members = world.member_codes
    if stype is S.INTERNATIONAL_ORGANISATION:
        return rng.choice(INTERNATIONAL_HQS) if rng.random() < 0.5 else None
    if stype in (S.TECHNOLOGY_COMPANY, S.FINANCIAL_INDUSTRY):
        weights = [3.0 if world.countries[c].global_north else 1.0 for c in members]
        return rng.choices(members, weights)[0] if rng.random() < 0.95 else None
    if stype is S.REGIONAL_ORGANISATION:
        return rng.choice(members)
    return rng.choice(members) if rng.random() < 0.95 else None


def _add_partner(
    world: _World,
    rng: random.Random,
    used: set[str],
    stype: StakeholderType,
    hq: str | None,
    since: date | None = None,
) -> None:
    name = _unique_name(world, rng, used, stype, hq)
    tags: list[StakeholderType] = []
    if stype in HYBRID_TAGS and rng.random() < HYBRID_SHARE:
        tags = list(rng.choice(HYBRID_TAGS[stype]))
    if since is None and rng.random() < 0.92:
        since = _day_between(rng, date(2014, 12, 11), min(world.today, date(2024, 12, 31)))
    website = None
    if rng.random() < 0.6:
        host = "example.com" if stype in (S.TECHNOLOGY_COMPANY, S.FINANCIAL_INDUSTRY) else "example.org"
        website = f"https://{host}/demo/{_slug(name)}"
    # Fictional organisational addresses on a reserved domain; about one partner in eight has none yet.
    # (Drawn from the name, not from ``rng``, so that the rest of the demo stays as it was.)
    emails: list[str | None] = [None, None]
    draw = zlib.crc32(name.encode("utf-8")) % 100
    if draw < 88:
        host = _ascii_slug(name)[:40].strip("-") or f"partner-{len(world.partners) + 1}"
        emails[0] = f"secretariat@{host}.example.org"
        if draw < 26:
            emails[1] = f"reporting@{host}.example.org"
    partner = Partner(
        id=len(world.partners) + 1,
        name=name,
        stakeholder_type=stype,
        tags=tags,
        hq_country=hq,
        member_since=since,
        website=website,
        contact_email=emails[0],
        contact_email_2=emails[1],
        is_demo=True,
    )
    world.partners.append(partner)
    if hq is not None:
        world.by_country.setdefault(hq, []).append(partner)
    if stype is S.TECHNOLOGY_COMPANY:
        brand = next(a for a in NAME_WORDS[stype][0] if name.startswith(f"{a} "))
        world.products[partner.id] = f"{brand}'s {rng.choice(PRODUCTS)}"


def _unique_name(
    world: _World, rng: random.Random, used: set[str], stype: StakeholderType, hq: str | None
) -> str:
    """A fresh name for the type: a few tries from the word lists, then a branch or number suffix."""
    words_a, words_b = NAME_WORDS.get(stype, ((), ()))
    subregion = world.countries[hq].subregion if hq else "Global"
    name = ""
    for _ in range(12):
        name = rng.choice(NAME_PATTERNS[stype]).format(
            country=world.name(hq) if hq else "International",
            a=rng.choice(words_a) if words_a else "",
            b=rng.choice(words_b) if words_b else "",
            place=rng.choice(PLACES),
            subregion=subregion,
        )
        if name not in used:
            used.add(name)
            return name
    for suffix in itertools.chain(BRANCHES, (f"Office {i}" for i in itertools.count(2))):
        candidate = f"{name}, {suffix}"
        if candidate not in used:
            used.add(candidate)
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def _slug(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def _ascii_slug(name: str) -> str:
    """The slug in plain ASCII letters (for the fictional e-mail domains): accents dropped."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


# -- events ----------------------------------------------------------------------------------------


def _events(world: _World) -> list[Event]:
    """Summits, ministerials, letters and national action plans up to ``today`` (ids in date order)."""
    rng = world.rng("events")
    members = world.member_codes
    drafts: list[tuple[date, str, EventKind, str, str | None]] = []
    for kind, rows in ((EventKind.SUMMIT, SUMMITS), (EventKind.MINISTERIAL, MINISTERIALS),
                       (EventKind.LETTER, LETTERS)):
        for name, when, location, host, _weight in rows:
            if host is None:  # a fictional host among the countries that were members by then
                host = rng.choice([m for m in members if world.members[m] < when] or members)
                location = world.name(host)
            drafts.append((when, name, kind, location or "", host or None))
    # Scales mildly; a country with two plans has a second one five years after the first.
    plans = min(2 * len(members), max(3, round(BASE_NATIONAL_PLANS * math.sqrt(world.scale))))
    countries = (rng.sample(members, len(members)) + rng.sample(members, len(members)))[:plans]
    first_plan: dict[str, int] = {}
    for code in countries:
        start = first_plan[code] + 5 if code in first_plan else rng.randint(2016, 2021)
        first_plan.setdefault(code, start)
        when = date(start, rng.randint(1, 12), 1)
        name = f"National action plan on online child protection, {world.name(code)} {start}-{start + 4}"
        drafts.append((when, name, EventKind.NATIONAL_PLAN, "", code))
    drafts = sorted({d[1]: d for d in drafts if d[0] <= world.today}.values())
    return [
        Event(id=i, name=name, kind=kind, date=when, location=location, country=country, is_demo=True)
        for i, (when, name, kind, location, country) in enumerate(drafts, start=1)
    ]


def _event_weights(world: _World) -> list[tuple[Event | None, float]]:
    """How many commitments each event brings (only events at least two weeks before ``today``)."""
    fixed = {name: weight for name, *_rest, weight in (*SUMMITS, *MINISTERIALS, *LETTERS)}
    plans = [e for e in world.events if e.kind is EventKind.NATIONAL_PLAN]
    weighted: list[tuple[Event | None, float]] = []
    for e in world.events:
        if e.date > world.today - timedelta(days=14):
            continue
        weight = fixed.get(e.name) or NATIONAL_PLANS_WEIGHT / max(1, len(plans))
        weighted.append((e, weight))
    total = sum(w for _, w in weighted) or 1.0
    weighted.append((None, total * NO_EVENT_SHARE / (1 - NO_EVENT_SHARE)))
    return weighted


# -- commitments -----------------------------------------------------------------------------------


@dataclass
class _Draw:
    """Precomputed weighted draws over partners (all, and per country)."""

    partners: list[Partner]
    cum: list[float]

    @classmethod
    def of(cls, partners: list[Partner]) -> _Draw:
        weights = [LEAD_WEIGHT.get(p.stakeholder_type, 1.0) for p in partners]
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        return cls(partners, cum)

    def pick(self, rng: random.Random) -> Partner:
        return _choice(rng, self.partners, self.cum)


def _commitments(world: _World) -> Iterator[Commitment]:
    """The commitments one by one (from the ``commitments`` stream)."""
    rng = world.rng("commitments")
    templates: dict[StakeholderType, list[Template]] = {}
    for t in TEMPLATES:
        for stype in t.leads:
            templates.setdefault(stype, []).append(t)
    everyone = _Draw.of([p for p in world.partners if p.stakeholder_type in templates])
    national = {code: _Draw.of([p for p in ps if p.stakeholder_type in templates])
                for code, ps in world.by_country.items()}
    transnational = [p for p in world.partners if p.stakeholder_type not in NATIONAL_TYPES]
    events, weights = zip(*_event_weights(world), strict=True)
    cum_weights = list(itertools.accumulate(weights))
    for cid in range(1, _scaled(BASE_COMMITMENTS, world.scale) + 1):
        event = _choice(rng, events, cum_weights)
        if event is not None and event.kind is EventKind.NATIONAL_PLAN and event.country in national:
            lead = national[event.country].pick(rng)
        else:
            lead = everyone.pick(rng)
        template = rng.choice(templates[lead.stakeholder_type])
        yield _commitment(world, rng, cid, event, lead, template, transnational)


def _countries_for(world: _World, rng: random.Random, lead: Partner, template: Template,
                   event: Event | None) -> list[str]:
    """The countries a commitment names ([] = global).

    National plans concern their country; national bodies act at home, sometimes across borders;
    regional organisations within their region; others anywhere, or globally."""
    single = any(f"{{{p}}}" in template.title for p in SINGLE_COUNTRY_PLACEHOLDERS)
    stype = lead.stakeholder_type
    if event is not None and event.kind is EventKind.NATIONAL_PLAN and event.country:
        return [event.country]
    if stype in NATIONAL_TYPES and lead.hq_country:
        if template.cross_border and rng.random() < 0.7:
            return _neighbours(world, rng, lead.hq_country, rng.randint(2, 6))
        return [lead.hq_country]
    if stype is S.REGIONAL_ORGANISATION and lead.hq_country:
        if not single and rng.random() < 0.8:
            return _neighbours(world, rng, lead.hq_country, rng.randint(2, 6), region_only=True)
        return [lead.hq_country]
    p_global = 0.35 if stype is S.TECHNOLOGY_COMPANY else 0.2
    if not single and rng.random() < p_global:
        return []
    first = lead.hq_country if lead.hq_country in world.members and rng.random() < 0.5 else None
    first = first or rng.choice(world.member_codes)
    if not single and rng.random() < 0.7:
        return _neighbours(world, rng, first, rng.randint(2, 6))
    return [first]


def _neighbours(world: _World, rng: random.Random, first: str, count: int, *,
                region_only: bool = False) -> list[str]:
    """``first`` and up to ``count - 1`` other members, mostly (or only) from the same region."""
    near = [c for c in world.members_by_region[world.countries[first].region] if c != first]
    near = rng.sample(near, min(len(near), count - 1 if region_only else count - 1 - count // 3))
    far = [] if region_only else rng.sample(world.member_codes, count)
    others = near + [c for c in far if c != first and c not in near]
    return [first, *others[: count - 1]]


def _where(world: _World, codes: list[str]) -> str:
    """ "in Kenya", "in Kenya and Uganda", "in 5 countries of Eastern Africa", "worldwide"."""
    if not codes:
        return "worldwide"
    if len(codes) <= 3:
        return f"in {_and([world.name(c, article=True) for c in codes])}"
    subregions = {world.countries[c].subregion for c in codes}
    regions = {world.countries[c].region for c in codes}
    if len(subregions) == 1:
        return f"in {len(codes)} countries of {subregions.pop()}"
    if len(regions) == 1:
        return f"in {len(codes)} countries in {regions.pop()}"
    return f"in {len(codes)} countries"


def _targets(rng: random.Random, template: Template) -> tuple[Decimal, Decimal]:
    """(baseline, target) for the template's kind of indicator."""
    kind = template.target
    if kind == "milestones":
        return Decimal(0), Decimal(rng.randint(3, 6))
    if kind == "percent":
        return Decimal(rng.choice((0, 0, 10, 25, 40))), Decimal(rng.choice((80, 90, 95, 100, 100)))
    if kind == "hours":  # going down: from a baseline to a shorter target time
        return Decimal(rng.choice((36, 48, 72, 96))), Decimal(rng.choice((2, 4, 6, 12, 24)))
    low, high, step = kind  # type: ignore[misc]
    target = _round_to(math.exp(rng.uniform(math.log(low), math.log(high))), step)
    baseline = 0 if rng.random() < 0.6 else int(target * rng.uniform(0.2, 0.6)) // step * step
    return Decimal(baseline), Decimal(target)


def _commitment(world: _World, rng: random.Random, cid: int, event: Event | None, lead: Partner,
                template: Template, transnational: list[Partner]) -> Commitment:
    countries = _countries_for(world, rng, lead, template, event)
    partners = _joint_partners(world, rng, lead, countries, transnational)
    baseline, target = _targets(rng, template)
    if _counts_named_countries(template) and countries:
        # "Countries assisted" in a commitment that names its countries: those are the ones counted.
        baseline, target = Decimal(0), Decimal(len(countries))
    country = world.name(countries[0], article=True) if countries else ""
    title = template.title.format(
        n=_number(target),
        in_where=_where(world, countries),
        in_country=f"in {country}",
        for_where=f"for {country}",
        of_where=f"of {country}",
        product=world.products.get(lead.id, "its services"),
    )

    if event is not None:
        start = min(world.today, event.date + timedelta(days=rng.randint(0, 90)))
    else:
        start = _day_between(rng, date(2014, 6, 1), world.today - timedelta(days=30))
    deadline = None
    if rng.random() >= MISSING["deadline"]:
        deadline = _quarter_end(start + timedelta(days=365 * rng.choice((1, 2, 2, 3, 3, 4))))
    indicator = "" if rng.random() < MISSING["indicator"] else template.indicator
    unit = "" if rng.random() < MISSING["unit"] else template.unit
    baseline_value = None if rng.random() < MISSING["baseline"] else baseline
    target_value = None if rng.random() < MISSING["target"] else target

    budget = currency = None
    if rng.random() < BUDGET_SHARE:
        budget = Decimal(_round_to(math.exp(rng.uniform(math.log(20_000), math.log(5_000_000))), 5_000))
        currency = _currency(world, rng, lead)
    visibility = _VISIBILITY.pick(rng)
    review = _REVIEW.pick(rng)
    embargo = None
    if rng.random() < EMBARGO_SHARE:
        embargo = datetime.combine(world.today + timedelta(days=rng.randint(7, 120)), time(9, 0))
        visibility, review = Visibility.PUBLIC, ReviewState.VERIFIED

    description = f"{lead.name} made this commitment {_made_at(event)}."
    if len(partners) > 1:
        others = [world.partners[p.partner_id - 1].name for p in partners[1:]]
        description += f" Joint commitment with {_and(others)}."
    fields = dict(
        id=cid,
        title=title[:300],
        description=description,
        partners=partners,
        countries=countries,
        is_global=not countries,
        framework_items=_framework_items(world, rng, template),
        deliverable=template.deliverable,
        indicator=indicator,
        unit=unit,
        baseline=baseline_value,
        target_value=target_value,
        start_date=start,
        deadline=deadline,
        budget=budget,
        currency=currency,
        event_id=event.id if event is not None else None,
        visibility=visibility,
        review_state=review,
        embargo_until=embargo,
        external_ref=f"DEMO-{cid:06d}",
        is_demo=True,
    )
    # The level of the values as given (the generator's own, already clean: validation keeps them).
    return Commitment(**fields, smart_level=smart.level(fields))


def _counts_named_countries(template: Template) -> bool:
    """Whether the template's indicator counts the very countries its title names ("... in 4 countries")."""
    return template.unit == "countries" and "{in_where}" in template.title


def _times(world: _World, rng: random.Random, commitments: list[Commitment]) -> dict[int, tuple[datetime, datetime]]:
    """When each commitment was logged (the day it started, in office hours) and last changed: drafts and
    submitted records untouched for longer than the worklist's stale-draft limit among them, and the others
    changed at some point after they were logged; nothing after the start of ``today``. ``rng``: the
    ``timestamps`` stream."""
    end = datetime.combine(world.today, time(0, 0))  # the start of ``today``: never after the load time
    stale_by = end - timedelta(days=DEFAULT_STALE_DAYS + 1)
    out = {}
    for c in commitments:
        assert c.id is not None and c.start_date is not None
        created = min(end, datetime.combine(c.start_date, time(rng.randint(8, 17), rng.randint(0, 59))))
        if c.review_state in (ReviewState.DRAFT, ReviewState.SUBMITTED) and rng.random() < STALE_SHARE:
            updated = min(max(created, stale_by), created + timedelta(days=rng.randint(0, 60)))
        elif c.review_state in (ReviewState.DRAFT, ReviewState.SUBMITTED):
            updated = max(created, end - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8)))
        else:
            updated = min(end, created + timedelta(days=rng.randint(0, 365), hours=rng.randint(0, 8)))
        out[c.id] = (created, updated)
    return out


def _made_at(event: Event | None) -> str:
    if event is None or event.kind is EventKind.LETTER:
        return "by letter to the secretariat"
    if event.kind is EventKind.NATIONAL_PLAN:
        return f"in its {event.name[0].lower()}{event.name[1:]}"
    return f"at the {event.name}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


_VISIBILITY = _Weights.of(VISIBILITY_MIX)
_REVIEW = _Weights.of(REVIEW_MIX)
_CO_PARTNERS = _Weights.of(((1, 60), (2, 30), (3, 10)))  # how many co-partners a joint commitment has
_CURRENCIES = _Weights.of((("USD", 80), ("EUR", 12), ("GBP", 8)))


def _joint_partners(world: _World, rng: random.Random, lead: Partner, countries: list[str],
                    transnational: list[Partner]) -> list[CommitmentPartner]:
    """The lead, and for about a third of commitments 1-3 co-partners (national or transnational)."""
    chosen = [lead.id]  # type: ignore[list-item]
    if rng.random() < JOINT_SHARE:
        extra = _CO_PARTNERS.pick(rng)
        local = [p for code in countries for p in world.by_country.get(code, ())]
        for _ in range(extra * 4):
            if len(chosen) > extra:
                break
            pool = local if local and rng.random() < 0.55 else transnational
            candidate = rng.choice(pool).id
            if candidate not in chosen:
                chosen.append(candidate)  # type: ignore[arg-type]
    return [
        CommitmentPartner(partner_id=pid, role=PartnerRole.LEAD if i == 0 else PartnerRole.CO)
        for i, pid in enumerate(chosen)
    ]


#: The MNR version whose capability numbers the templates use (``Template.mnr``). Commitments link to
#: the current MNR version (reference data): the numbers are carried over through the crosswalk files.
TEMPLATE_MNR = "MNR-2016"


def _current_mnr_key(code: str) -> str:
    """The current MNR item for a template's capability number: its crosswalk successor (the first, if
    split); a retired or unmapped capability falls back to the current version's first capability."""
    mapping = reference.map_to_current(f"{TEMPLATE_MNR}:{code}")
    if mapping is not None and mapping.targets:
        return mapping.targets[0]
    return reference.mnr_capabilities()[0].key


def _framework_items(world: _World, rng: random.Random, template: Template) -> list[str]:
    """1-3 item keys: the template's first MNR capability, sometimes a second, often a GA/VP/GTA item."""
    keys = [world.mnr_key(template.mnr[0])]
    if len(template.mnr) > 1 and rng.random() < 0.5:
        second = world.mnr_key(template.mnr[1])
        if second not in keys:
            keys.append(second)
    if template.extra and rng.random() < 0.7:
        keys.append(rng.choice(template.extra))
    return keys[:3]


def _currency(world: _World, rng: random.Random, lead: Partner) -> str:
    hq = lead.hq_country
    if hq == "GBR":
        return "GBP"
    if hq and world.countries[hq].region == "Europe" and rng.random() < 0.8:
        return "EUR"
    return _CURRENCIES.pick(rng)


# -- progress --------------------------------------------------------------------------------------

_NEXT: dict[ProgressStatus, tuple[tuple[ProgressStatus, float], ...]] = {
    ProgressStatus.NOT_STARTED: (
        (ProgressStatus.ON_TRACK, 60), (ProgressStatus.NOT_STARTED, 25),
        (ProgressStatus.OFF_TRACK, 10), (ProgressStatus.STALLED, 5),
    ),
    ProgressStatus.OFF_TRACK: (
        (ProgressStatus.ON_TRACK, 30), (ProgressStatus.OFF_TRACK, 30), (ProgressStatus.STALLED, 20),
        (ProgressStatus.DISCONTINUED, 10), (ProgressStatus.COMPLETE, 10),
    ),
    ProgressStatus.STALLED: (
        (ProgressStatus.STALLED, 35), (ProgressStatus.ON_TRACK, 20), (ProgressStatus.OFF_TRACK, 15),
        (ProgressStatus.DISCONTINUED, 30),
    ),
}


_NEXT_WEIGHTS = {status: _Weights.of(weighted) for status, weighted in _NEXT.items()}
_UPDATE_COUNTS = _Weights.of(UPDATE_COUNT_WEIGHTS)


def _next_status(rng: random.Random, current: ProgressStatus, elapsed: float) -> ProgressStatus:
    """One step of the status path; ``elapsed`` is the share of the commitment's time used (may be > 1)."""
    if current is ProgressStatus.ON_TRACK:
        p_complete = 0.7 if elapsed >= 0.9 else 0.15 * elapsed
        roll = rng.random()
        if roll < p_complete:
            return ProgressStatus.COMPLETE
        if roll < p_complete + 0.15 or (elapsed > 1 and rng.random() < 0.6):
            return ProgressStatus.OFF_TRACK
        if roll < p_complete + 0.2:
            return ProgressStatus.STALLED
        return ProgressStatus.ON_TRACK
    nxt = _NEXT_WEIGHTS[current].pick(rng)
    if nxt is ProgressStatus.COMPLETE and elapsed < 0.7:
        return ProgressStatus.ON_TRACK
    return nxt


def _progress(world: _World, rng: random.Random, commitments: list[Commitment]) -> list[ProgressUpdate]:
    """The progress updates of these commitments (``rng``: the ``progress`` stream)."""
    out: list[ProgressUpdate] = []
    for c in commitments:
        if c.review_state is ReviewState.DRAFT or rng.random() < NO_UPDATE_SHARE:
            continue
        out += _history(world, rng, c)
    return out


def _history(world: _World, rng: random.Random, c: Commitment) -> list[ProgressUpdate]:
    """1-5 updates from a month after the start: the last one in the past year, or for overdue ones
    more than a year before ``today`` (a path that closes early stops there)."""
    assert c.start_date is not None and c.id is not None
    first = c.start_date + timedelta(days=30)
    overdue = rng.random() < OVERDUE_SHARE / (1 - NO_UPDATE_SHARE)
    last = world.today - timedelta(days=rng.randint(380, 900) if overdue else rng.randint(0, 300))
    if last < first:
        last = world.today
    span = (last - first).days
    if span < 0:
        return []
    count = min(_UPDATE_COUNTS.pick(rng), span // 60 + 1)
    days = [*sorted(rng.sample(range(span), count - 1)), span] if span else [0]
    horizon = ((c.deadline or c.start_date + timedelta(days=3 * 365)) - c.start_date).days or 1
    status = ProgressStatus.NOT_STARTED
    done = 0.0
    updates: list[ProgressUpdate] = []
    for i, offset in enumerate(days):
        when = first + timedelta(days=offset)
        elapsed = (when - c.start_date).days / horizon
        if i or elapsed > 0.3 or rng.random() < 0.6:
            status = _next_status(rng, status, elapsed)
        done = _done(rng, status, elapsed, done)
        updates.append(_update(world, rng, c, when, status, done, i))
        if status in CLOSED_STATUSES:
            break
        if updates[-1].source is ReportSource.SELF_REPORTED and rng.random() < SECOND_OPINION_SHARE:
            updates.append(_second_opinion(rng, c, when, status, world.today))
    return _with_reasons(updates)


def _with_reasons(updates: list[ProgressUpdate]) -> list[ProgressUpdate]:
    """Give a reason wherever a verified status differs from the partner's latest self-reported one.

    Only when the model has a ``reason`` field (the review workflow adds it); until then the
    narrative says it.
    """
    if "reason" not in ProgressUpdate.model_fields:
        return updates
    reported: ProgressStatus | None = None
    out = []
    for u in updates:
        if u.source is ReportSource.SELF_REPORTED:
            reported = u.status
        elif rules.verified_status_differs(u.status, reported):
            u = u.model_copy(update={"reason": DIFFERENT_STATUS_REASON})
        out.append(u)
    return out


def _done(rng: random.Random, status: ProgressStatus, elapsed: float, before: float) -> float:
    """Share of the way from baseline to target, never going back."""
    if status is ProgressStatus.COMPLETE:
        return 1.0
    if status is ProgressStatus.ON_TRACK:
        return max(before, min(0.95, elapsed * rng.uniform(0.8, 1.1)))
    if status is ProgressStatus.OFF_TRACK:
        return max(before, min(0.9, elapsed * rng.uniform(0.3, 0.7)))
    return before


def _update(world: _World, rng: random.Random, c: Commitment, when: date, status: ProgressStatus,
            done: float, index: int) -> ProgressUpdate:
    value = None
    if c.target_value is not None:
        base = c.baseline or Decimal(0)
        value = base + (c.target_value - base) * Decimal(str(round(done, 3)))
        value = value.quantize(Decimal(1)) if c.unit != "%" else value.quantize(Decimal("0.1"))
    links: list[str] = []
    if status not in (ProgressStatus.NOT_STARTED, ProgressStatus.STALLED) and rng.random() < 0.7:
        links = [f"{rng.choice(EVIDENCE_HOSTS)}/demo/commitment-{c.id}/update-{index + 1}-{k + 1}"
                 for k in range(rng.randint(1, 2))]
    if status is ProgressStatus.COMPLETE and rng.random() < 0.2:
        links = []
    return ProgressUpdate(
        commitment_id=c.id,  # type: ignore[arg-type]
        report_date=when,
        status=status,
        indicator_value=value,
        narrative=rng.choice(NARRATIVES[status]).format(progress=_progress_text(c, value, status)),
        evidence_links=links,
        source=ReportSource.VERIFIED if rng.random() < VERIFIED_SHARE else ReportSource.SELF_REPORTED,
        is_demo=True,
    )


def _progress_text(c: Commitment, value: Decimal | None, status: ProgressStatus) -> str:
    """ "120 of 200 officers", "95% (target 100%)", or words when there is no target."""
    if value is None:
        if status is ProgressStatus.OFF_TRACK:
            return "some milestones for this period were missed"
        complete = status is ProgressStatus.COMPLETE
        return "all planned milestones met" if complete else "the first milestones met"
    target = _number(c.target_value)
    if c.unit == "%":
        return f"{_number(value)}% so far (target {target}%)"
    if c.unit == "hours":
        return f"a median of {_number(value)} hours so far (target {target})"
    if c.unit:
        return f"{_number(value)} of {target} {c.unit}"
    return f"{_number(value)} so far against a target of {target}"


def _second_opinion(rng: random.Random, c: Commitment, when: date, reported: ProgressStatus,
                    today: date) -> ProgressUpdate:
    """The secretariat's verified status a little after a self-reported one; sometimes it differs."""
    agrees = rng.random() < 0.6
    status = reported
    if not agrees:
        worse = {ProgressStatus.OFF_TRACK: ProgressStatus.STALLED}
        status = worse.get(reported, ProgressStatus.OFF_TRACK)
    return ProgressUpdate(
        commitment_id=c.id,  # type: ignore[arg-type]
        report_date=min(today, when + timedelta(days=rng.randint(3, 20))),
        status=status,
        narrative=REVIEW_NARRATIVES[agrees],
        source=ReportSource.VERIFIED,
        is_demo=True,
    )


# -- capability assessments ------------------------------------------------------------------------


def _assessments(world: _World) -> list[CapabilityAssessment]:
    """2-3 rounds over all MNR capabilities for about seven in nine member countries."""
    rng = world.rng("assessments")
    capabilities = [item.key for item in reference.mnr_capabilities()]
    members = world.member_codes
    count = min(len(members), _scaled(len(members) * ASSESSED_SHARE, 1.0))
    # Countries that joined before the second-to-last round first, so that most have two rounds or more.
    early = [c for c in members if world.members[c].year < ASSESSMENT_ROUNDS[-2]]
    late = [c for c in members if c not in early]
    chosen = (rng.sample(early, len(early)) + rng.sample(late, len(late)))[:count]
    out: list[CapabilityAssessment] = []
    for code in sorted(chosen):
        rounds = _rounds(world, rng, code)
        if not rounds:
            continue
        published = rng.random() < 0.5
        north = world.countries[code].global_north
        phases = rng.choices((1, 2, 3, 4), START_PHASE_WEIGHTS[north], k=len(capabilities))
        for r, assessed_on in enumerate(rounds):
            if r:
                phases = [min(4, max(1, p + _pick(rng, PHASE_STEPS))) for p in phases]
            source = ReportSource.VERIFIED if rng.random() < 0.25 else ReportSource.SELF_REPORTED
            latest = r == len(rounds) - 1
            for key, phase in zip(capabilities, phases, strict=True):
                out.append(CapabilityAssessment(
                    country=code,
                    capability=key,
                    assessed_on=assessed_on,
                    phase=phase,
                    source=source,
                    note=rng.choice(ASSESSMENT_NOTES[phase]) if rng.random() < 0.6 else "",
                    published=published and latest,
                    is_demo=True,
                ))
    return out


def _rounds(world: _World, rng: random.Random, code: str) -> list[date]:
    """The assessment dates of one country: two or three of the rounds, after it joined, up to today."""
    joined = world.members[code]
    dates = [date(y, rng.randint(3, 10), rng.randint(1, 28)) for y in ASSESSMENT_ROUNDS]
    dates = [d for d in dates if joined < d <= world.today]
    if len(dates) == 3:
        dates = _pick(rng, ((dates, 50), (dates[1:], 30), (dates[:2], 20)))
    return dates
