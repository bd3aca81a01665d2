"""The import template: every column defined once, the sheets, the limits, and the templates made from them.

The header check (``reading``), the template files, the instructions and the columns table on the
import page are all generated from :data:`COMMITMENT_COLUMNS` and :data:`PROGRESS_COLUMNS`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from partners.domain.model import EventKind, LabelledEnum, ProgressStatus, StakeholderType
from partners.domain.text import fold

# --------------------------------------------------------------------------------------------------
# Limits and conventions (documented in the template's Instructions sheet and the README)
# --------------------------------------------------------------------------------------------------

#: The largest file accepted (10 MB): a summit spreadsheet of a few thousand pledges is well below it.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: The most data rows accepted in one file, all sheets together; split larger files.
MAX_ROWS = 20_000
#: Columns read from each sheet (anything further right is ignored).
MAX_COLUMNS = 100
#: A workbook is a ZIP: refuse one that unpacks to more than this (a "ZIP bomb" would exhaust memory).
#: 20,000 rows with long descriptions unpack to about 30 MB; a summit workbook to a few MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Refuse a workbook part over 1 MB that unpacks to more than this many times its packed size (real
#: sheets pack 3-20 times; a bomb of repeated text hundreds of times).
MAX_COMPRESSION_RATIO = 100
#: Distinct texts a workbook may hold (its shared strings, counted while reading them: the count the
#: file declares is not trusted). 20,000 rows of a dozen text columns stay below it.
MAX_SHARED_STRINGS = 500_000
#: Longest text in one cell: Excel's own limit, so a cell saved by Excel always fits.
MAX_CELL_CHARS = 32_767
#: Reading a file (not yet checking its rows) must finish within this many seconds; 20,000 rows take
#: 5-15 on a busy two-core machine.
MAX_READ_SECONDS = 60
#: The header may sit below a few title rows; it is looked for in the first rows only.
HEADER_SEARCH_ROWS = 10
#: Separates several partners, countries, framework items or evidence links in one cell.
LIST_SEPARATOR = ";"
#: Also accepted between items, in a cell without ';' (a name holding a comma is matched whole first).
ALT_LIST_SEPARATOR = ","
#: Longest external reference accepted.
MAX_REF_CHARS = 100
#: Words meaning "not for particular countries" in the countries column.
GLOBAL_WORDS = frozenset({"global", "worldwide", "world wide", "all countries"})

MB = 1024 * 1024


class SheetKind(LabelledEnum):
    """What a sheet (or a CSV file) holds."""

    COMMITMENTS = "commitments"
    PROGRESS = "progress"
    PARTNERS = "partners"  # new partners named by the commitments of the same file
    EVENTS = "events"  # new summits and plans named by the commitments of the same file


@dataclass(frozen=True)
class Column:
    """One column of the import template: its name in row 1, whether it needs a value, what to write."""

    name: str
    help: str
    example: str = ""
    required: bool = False
    #: Other headers meaning this column, as people write them ("Partner(s)", "Budget (USD)"): matched
    #: ignoring case, accents and punctuation (``header_key``); anything else close to the name or a
    #: synonym is matched by similarity (``importing.mapping``).
    synonyms: tuple[str, ...] = ()


COMMITMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_ref",
        "Your stable reference for the commitment, unique in the file (up to "
        f"{MAX_REF_CHARS} characters). Importing a row again with the same reference updates that "
        "commitment instead of adding a second one.",
        "NBO-2025-001",
        required=True,
        synonyms=("Ref", "Reference", "External reference", "Ext ref", "Ref no", "Reference number", "ID",
                  "Commitment ID", "Pledge ID", "Pledge ref", "Commitment ref"),
    ),
    Column(
        "title",
        "Short title of the commitment (up to 300 characters).",
        "Open a national hotline for reports of online child sexual abuse material",
        required=True,
        synonyms=("Commitment", "Pledge", "Commitment title", "Pledge title", "Title of the commitment",
                  "Short title", "Name of the commitment"),
    ),
    Column(
        "description",
        "What the commitment is about, in a few sentences.",
        "",
        synonyms=("Details", "Summary", "Commitment text", "Full text", "Description of the commitment",
                  "Pledge text"),
    ),
    Column(
        "partners",
        "The partners making the commitment, with their names as recorded in the app, "
        "separated by ';'. Mark the lead partner with '(lead)'; without a mark the first one leads. "
        "A partner not yet in the app goes on the workbook's 'Partners' sheet.",
        "Ministry of Interior of Kenya (lead); Childline Kenya",
        required=True,
        synonyms=("Partner", "Partner(s)", "Partner organisation(s)", "Organisation", "Organisation(s)",
                  "Organization", "Organization(s)", "Organisations", "Stakeholder(s)", "Committed by",
                  "Pledged by", "Made by"),
    ),
    Column(
        "countries",
        "The countries it is for: names or ISO codes separated by ';' (Kenya; UK; "
        "Türkiye; CIV), or 'global'.",
        "Kenya; Uganda",
        required=True,
        synonyms=("Country", "Country / countries", "Country(ies)", "Countries covered", "Country of "
                  "implementation", "Countries of implementation", "Location", "Geography"),
    ),
    Column(
        "framework_items",
        "The framework items it serves, separated by ';': keys such as "
        "MNR-2016:4, short forms such as 'MNR 4', or names such as 'Dedicated law enforcement' "
        "(see the 'Framework items' sheet).",
        "MNR-2016:12; MNR 4",
        synonyms=("Framework item", "Framework items", "Items", "Capabilities", "Capability",
                  "MNR capabilities", "MNR capability", "MNR capabilities addressed", "MNR items", "MNR"),
    ),
    Column(
        "deliverable",
        "What will exist when it is done.",
        "A hotline answering reports 24/7",
        synonyms=("Deliverables", "Output", "Outputs", "Expected output", "Expected result"),
    ),
    Column(
        "indicator",
        "What shows progress.",
        "Reports assessed per year",
        synonyms=("KPI", "Indicator of progress", "Measure", "Progress indicator"),
    ),
    Column("unit", "What the numbers count.", "reports", synonyms=("Units", "Unit of measure")),
    Column("baseline", "The value today (a number).", "0", synonyms=("Baseline value", "Starting value")),
    Column(
        "target_value",
        "The value to reach (a number).",
        "5000",
        synonyms=("Target", "Target value", "Goal"),
    ),
    Column(
        "start_date",
        "When work starts (2025-03-31, 31/03/2025 or 31.03.2025, day first; a month such as 'March 2025' "
        "means its first day).",
        "2025-01-01",
        synonyms=("Start", "Start date", "Starts", "Begins", "From"),
    ),
    Column(
        "deadline",
        "By when it will be done (2026-12-31, 31/12/2026 or 31.12.2026, day first; a month such as "
        "'June 2027' means the end of that month).",
        "2026-12-31",
        synonyms=("End date", "Due date", "Due", "Due by", "End", "Completion date", "Target date", "By when",
                  "Timeline", "Timeframe"),
    ),
    Column(
        "budget",
        "Money committed (a number, without currency signs). A header naming a currency, such as "
        "'Budget (USD)', gives the currency of rows without a currency column.",
        "250000",
        synonyms=("Budget (USD)", "Budget (EUR)", "Amount", "Funding", "Funding amount", "Cost",
                  "Financial commitment", "Budget amount"),
    ),
    Column(
        "currency",
        "Three-letter code of the budget's currency (USD, EUR, GBP, KES...).",
        "USD",
        synonyms=("Currency code", "Ccy"),
    ),
    Column(
        "event",
        "Where it was made: the name of a summit or plan in the app or on the workbook's 'Events' sheet "
        "(optional).",
        "",
        synonyms=("Event", "Summit", "Made at", "Event name", "Meeting", "Conference", "Where made"),
    ),
    Column(
        "visibility",
        "Private, Members or Public (empty means Private).",
        "Private",
        synonyms=("Publish", "Sharing", "Access"),
    ),
)

PROGRESS_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_ref",
        "The external_ref of the commitment the update is about (in this file or already in the app).",
        "NBO-2025-001",
        required=True,
        synonyms=("Ref", "Reference", "External reference", "Ext ref", "Commitment ref", "Commitment ID",
                  "Pledge ref", "Pledge ID"),
    ),
    Column(
        "report_date",
        "The date of the report (2025-06-30 or 30/06/2025, day first).",
        "2025-06-30",
        required=True,
        synonyms=("Date", "Report date", "Reported on", "Date of report", "As of"),
    ),
    Column(
        "status",
        "One of: " + ", ".join(s.label for s in ProgressStatus) + ".",
        "On track",
        required=True,
        synonyms=("Progress status", "Status of progress", "Progress"),
    ),
    Column(
        "indicator_value",
        "The indicator's value at the report date (a number).",
        "1200",
        synonyms=("Value", "Current value", "Achieved", "Indicator value (current)"),
    ),
    Column(
        "narrative",
        "What happened, in a few sentences.",
        "The hotline opened in May.",
        synonyms=("Update", "Progress narrative", "Comments", "Progress update"),
    ),
    Column(
        "evidence_links",
        "Web addresses of the evidence, separated by ';'.",
        "https://example.org/annual-report-2025",
        synonyms=("Evidence", "Links", "Evidence link", "Evidence link(s)", "Evidence links", "Sources",
                  "URL", "URLs"),
    ),
    Column(
        "source",
        "Self-reported (by the partner) or Verified (by the secretariat); empty means Self-reported.",
        "Self-reported",
        synonyms=("Reported by", "Source of report"),
    ),
    Column(
        "reason",
        "Only for a verified status that differs from the partner's latest self-reported "
        "status: why they differ.",
        "",
        synonyms=("Reason for difference", "Why"),
    ),
)


#: Other words for a stakeholder type, as partners' own lists write them (folded, spaces between words).
STAKEHOLDER_WORDS: dict[str, str] = {
    "ngo": StakeholderType.CIVIL_SOCIETY.value,
    "cso": StakeholderType.CIVIL_SOCIETY.value,
    "civil society organisation": StakeholderType.CIVIL_SOCIETY.value,
    "civil society organization": StakeholderType.CIVIL_SOCIETY.value,
    "non governmental organisation": StakeholderType.CIVIL_SOCIETY.value,
    "non governmental organization": StakeholderType.CIVIL_SOCIETY.value,
    "tech company": StakeholderType.TECHNOLOGY_COMPANY.value,
    "technology": StakeholderType.TECHNOLOGY_COMPANY.value,
    "technology industry": StakeholderType.TECHNOLOGY_COMPANY.value,
    "police": StakeholderType.LAW_ENFORCEMENT.value,
    "law enforcement agency": StakeholderType.LAW_ENFORCEMENT.value,
    "ministry": StakeholderType.GOVERNMENT.value,
    "international organization": StakeholderType.INTERNATIONAL_ORGANISATION.value,
    "igo": StakeholderType.INTERNATIONAL_ORGANISATION.value,
    "regional organization": StakeholderType.REGIONAL_ORGANISATION.value,
    "university": StakeholderType.ACADEMIA.value,
    "academic": StakeholderType.ACADEMIA.value,
    "research": StakeholderType.ACADEMIA.value,
}

PARTNER_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "The partner's name as the commitments write it (up to 300 characters), unique: a name already "
        "in the app is not added again.",
        "Childline Kenya",
        required=True,
        synonyms=("Partner", "Partner name", "Name of partner", "Organisation", "Organisation name",
                  "Organization", "Organization name", "Name of organisation", "Name"),
    ),
    Column(
        "stakeholder_type",
        "One of: " + ", ".join(t.label for t in StakeholderType) + " (NGO, tech company, police and "
        "university are understood too).",
        StakeholderType.CIVIL_SOCIETY.label,
        required=True,
        synonyms=("Type", "Stakeholder type", "Partner type", "Type of organisation", "Type of organization",
                  "Sector", "Category", "Stakeholder group", "Pillar"),
    ),
    Column(
        "hq_country",
        "Where its headquarters are: a country name or ISO code (optional).",
        "Kenya",
        synonyms=("Headquarters country", "HQ country", "Headquarters", "HQ", "Country", "Based in",
                  "Country of headquarters"),
    ),
    Column(
        "website",
        "Its web address, starting with https:// (optional).",
        "https://childlinekenya.co.ke",
        synonyms=("Web site", "Web", "URL", "Homepage", "Web address"),
    ),
    Column(
        "contact_email",
        "The address reminders go to (optional).",
        "info@childlinekenya.co.ke",
        synonyms=("Contact e-mail", "Contact email", "E-mail", "Email", "E-mail address", "Email address",
                  "Focal point e-mail", "Focal point email", "Contact"),
    ),
    Column(
        "contact_email_2",
        "A second address, copied on reminders (optional).",
        "",
        synonyms=("Second e-mail", "Second email", "Other e-mail", "Other email", "Cc", "Contact e-mail 2",
                  "Alternative e-mail", "E-mail 2", "Email 2"),
    ),
)

EVENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "The summit's or plan's name as the commitments' event column writes it, unique: a name already "
        "in the app is not added again.",
        "Global Summit 2026",
        required=True,
        synonyms=("Event", "Event name", "Name of event", "Summit", "Summit name", "Meeting", "Title", "Name"),
    ),
    Column(
        "kind",
        "One of: " + ", ".join(k.label for k in EventKind) + ".",
        EventKind.SUMMIT.label,
        required=True,
        synonyms=("Type", "Event type", "Kind of event", "Type of event", "Category"),
    ),
    Column(
        "date",
        "When it took place (2026-06-30 or 30/06/2026, day first).",
        "2026-06-30",
        required=True,
        synonyms=("Event date", "Date of event", "Held on", "When", "Start date"),
    ),
    Column("location", "Where it took place: a city or venue (optional).", "Nairobi",
           synonyms=("City", "Venue", "Place", "Held in")),
    Column(
        "country",
        "The host country: a name or ISO code (optional).",
        "Kenya",
        synonyms=("Host country", "Country of event"),
    ),
)


@dataclass(frozen=True)
class SheetSpec:
    kind: SheetKind
    title: str  # the sheet's name in the template, and how reports name it
    columns: tuple[Column, ...]
    names: frozenset[str]  # sheet names (folded) recognised as this kind


SHEETS: dict[SheetKind, SheetSpec] = {
    SheetKind.COMMITMENTS: SheetSpec(
        SheetKind.COMMITMENTS, "Commitments", COMMITMENT_COLUMNS, frozenset({"commitments", "commitment"})
    ),
    SheetKind.PROGRESS: SheetSpec(
        SheetKind.PROGRESS,
        "Progress updates",
        PROGRESS_COLUMNS,
        frozenset({"progress updates", "progress update", "progress", "progress_updates"}),
    ),
    SheetKind.PARTNERS: SheetSpec(
        SheetKind.PARTNERS,
        "Partners",
        PARTNER_COLUMNS,
        frozenset({"partners", "partner", "new partners", "organisations", "organizations"}),
    ),
    SheetKind.EVENTS: SheetSpec(
        SheetKind.EVENTS,
        "Events",
        EVENT_COLUMNS,
        frozenset({"events", "event", "new events", "summits", "summits and plans"}),
    ),
}
#: Sheets of rows that commitments refer to: read only from a sheet of that name (or a CSV file of them),
#: so that a workbook's list of contacts is never taken for new partners.
NAMED_ONLY = frozenset({SheetKind.PARTNERS, SheetKind.EVENTS})
#: Sheets of the template that explain rather than hold data: never read as data.
REFERENCE_SHEETS = frozenset({"instructions", "framework items", "help", "read me", "readme"})


def header_key(text: Any) -> str:
    return _header_key(str(text)) if text is not None else ""


_NOT_KEY = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)  # finding the header compares each cell of the first rows with every column's names
def _header_key(text: str) -> str:
    return _NOT_KEY.sub("_", fold(text)).strip("_")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------------

_GENERAL_RULES = (
    "One commitment per row on the 'Commitments' sheet; one progress update per row on the 'Progress "
    "updates' sheet; new partners and new summits or plans, one per row, on the 'Partners' and 'Events' "
    "sheets (leave them empty when there are none). Row 1 holds the column names (a title row above them "
    "is fine).",
    "A workbook of your own may name its columns its own way ('Ref', 'Partner(s)', 'Country / countries', "
    "'Commitment', 'Budget (USD)', 'MNR capabilities', 'Event'): known synonyms and similar names are "
    "matched to these columns, the preview shows how and lets you change it, and columns that match none "
    "are listed as not read.",
    "external_ref is your stable reference. Importing the same file again changes nothing; a row whose "
    "content changed updates its commitment (every change is kept in its history).",
    f"Several partners, countries, framework items or evidence links go in one cell, separated by "
    f"'{LIST_SEPARATOR}' (or by '{ALT_LIST_SEPARATOR}' in a cell without '{LIST_SEPARATOR}'; a partner's name "
    "holding a comma is recognised whole). Framework items may be numbers alone (16, #8) under a header "
    "naming the framework (MNR capabilities), or short forms such as MNR 4.",
    "Partners and summits named in a row must be in the app or on this workbook's 'Partners' or 'Events' "
    "sheet, which add them in the same import (names are matched ignoring case and accents; a name already "
    "in the app is not added again). Countries may be names in common variants or ISO codes; write "
    "'global' for a global commitment.",
    "Dates: 2025-03-31, 31/03/2025 or 31.03.2025 (day first: 03/04/2025 is 3 April 2025), or date cells; "
    "the year in full (31/12/99 is refused). A deadline written as a month (June 2027) is the end of that "
    "month, a start date the first day; the preview says so.",
    "Numbers: digits with a dot for decimals, no currency signs or units. Formulas are not accepted: "
    "paste values. Text may not start with +, -, @ or a tab (a spreadsheet would read it as a formula); "
    "numbers such as -5 may.",
    f"Limits: {MAX_FILE_BYTES // MB} MB and {MAX_ROWS:,} rows per file. Nothing is imported while any row "
    "has a problem: the preview lists each one with its row, column and how to fix it.",
)


def template_xlsx(framework_items: Iterable[Any]) -> bytes:
    """The import template: a sheet per kind with the column names, instructions, and the framework items
    (rows with ``key``, ``framework``, ``kind``, ``code``, ``name``, ``verified``: the database's, which
    ``services.importing.template_xlsx`` passes in)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    bold = Font(bold=True)
    first = True
    for spec in SHEETS.values():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = spec.title
        ws.append([c.name for c in spec.columns])
        for index, col in enumerate(spec.columns):
            cell = ws.cell(row=1, column=index + 1)
            cell.font = bold
            cell.comment = Comment(col.help, "partners")
            ws.column_dimensions[column_letter(index)].width = max(14, min(40, len(col.example) + 4))
        ws.freeze_panes = "A2"
    ws = wb.create_sheet("Instructions")
    ws.append(["How to fill in this workbook"])
    ws["A1"].font = Font(bold=True, size=14)
    for rule in _GENERAL_RULES:
        ws.append([rule])
    ws.append([])
    ws.append(["Sheet", "Column", "Required", "What to write", "Example"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for spec in SHEETS.values():
        for col in spec.columns:
            ws.append([spec.title, col.name, "yes" if col.required else "", col.help, col.example])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["D"].width = 90
    ws.column_dimensions["E"].width = 40
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws = wb.create_sheet("Framework items")
    ws.append(["key", "framework", "kind", "code", "name", "provisional"])
    for cell in ws[1]:
        cell.font = bold
    for item in framework_items:
        ws.append([item.key, item.framework, item.kind, item.code, item.name, "" if item.verified else "yes"])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["E"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(kind: SheetKind = SheetKind.COMMITMENTS) -> bytes:
    """A CSV template for one kind: the row of column names (UTF-8 with a BOM, so Excel reads accents)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.name for c in SHEETS[kind].columns])
    return out.getvalue().encode("utf-8-sig")


def template_file_name(kind: SheetKind | None = None) -> str:
    """The download name of a template: the workbook, or the CSV of one kind."""
    if kind is None:
        return "partners-import-template.xlsx"
    return f"partners-import-{header_key(SHEETS[kind].title).replace('_', '-')}.csv"


def columns_table() -> pd.DataFrame:
    """The columns of both kinds, as shown on the import page."""
    return pd.DataFrame(
        [
            {
                "Sheet": spec.title,
                "Column": col.name,
                "Required": "yes" if col.required else "",
                "What to write": col.help,
            }
            for spec in SHEETS.values()
            for col in spec.columns
        ]
    )
