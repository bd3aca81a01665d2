"""Checking rows: each row of a read file becomes a row report, and a commitment or progress update to write.

The commitment and progress rules are the domain's (``partners.domain.rules`` and the model); this
module says where in the file each broken rule is and how to fix it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from partners.domain import rules, smart
from partners.domain.model import (
    Actor,
    Commitment,
    CommitmentPartner,
    Event,
    EventKind,
    LabelledEnum,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReportSource,
    ReviewState,
    StakeholderType,
    Visibility,
)
from partners.domain.permissions import UseCase, can
from partners.domain.text import fold
from partners.importing.columns import GLOBAL_WORDS, MAX_REF_CHARS, STAKEHOLDER_WORDS, SheetKind
from partners.importing.parsing import (
    DATE_HINT,
    ROLE_MARK,
    ItemIndex,
    Names,
    match_country,
    match_item,
    month_end,
    parse_date_text,
    parse_month_text,
    parse_number,
    split_list,
)
from partners.importing.reading import (
    CellError,
    Formula,
    FormulaLike,
    Sheet,
    TooLong,
    TooManyCells,
    is_blank,
    ref_of,
)
from partners.importing.report import ImportReport, Problem, RowReport, RowStatus
from partners.storage.port import Store

#: The cells a row refuses as they were read (each with its own problem).
_REFUSED = (Formula, FormulaLike, TooLong, CellError)


class _Row:
    """One row's cells by column name, collecting its problems."""

    def __init__(self, sheet: Sheet, number: int, cells: list[Any], report: RowReport) -> None:
        self.sheet, self.number, self.report = sheet, number, report
        self.values: dict[str, Any] = {}
        for name, index in sheet.columns.items():
            value = cells[index] if index < len(cells) else None
            if not isinstance(value, _REFUSED):  # most cells: one check
                self.values[name] = value
                continue
            if isinstance(value, Formula):
                self.problem(
                    name,
                    f"formulas are not accepted (the cell holds {str(value)[:60]})",
                    "paste the value: copy the cell, then Paste Special > Values",
                )
                continue
            if isinstance(value, FormulaLike):
                self.problem(name, *_formula_like(value))
                continue
            if isinstance(value, TooLong):
                self.problem(
                    name,
                    f"the cell holds {_amount_of_text(value.chars)} of text; the limit is "
                    f"{value.limit:,} characters (what one Excel cell holds)",
                    "shorten the text; put a long document on the web and its link in evidence_links",
                )
                continue
            if isinstance(value, CellError):
                self.problem(name, f"the cell shows the error {value}", "put the value itself in the cell")
        # reading puts it after a row's cells, when a CSV line has more cells than column names
        extra = cells[-1] if cells and isinstance(cells[-1], TooManyCells) else None
        self.shifted = extra is not None  # its cells are not under their column names: check nothing else
        if extra is not None:
            self.problem(
                "",
                f"the row has {extra.found} cells but there are {extra.expected} column names",
                "a separator inside a cell is probably not quoted: put ';' between several "
                "partners or countries, or save the file again from Excel as CSV UTF-8",
            )
        self.failed = {p.column for p in report.problems}

    def problem(self, column: str, message: str, hint: str) -> None:
        self.report.problems.append(Problem(self.sheet.name, self.number, column, message, hint))
        self.report.status = RowStatus.ERROR

    def broken(self, column: str, broken: rules.Broken | None) -> None:
        """Report a domain rule the row breaks (nothing when it holds)."""
        if broken is not None:
            self.problem(column, broken.message, broken.hint)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if type(value) is str:  # most cells
            return value.strip()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value).strip()

    def required(self, column: str, hint: str) -> str:
        value = self.text(column)
        if not value and column not in self.failed:
            self.problem(column, f"{column} is empty", hint)
        return value

    def as_date(self, column: str) -> date | None:
        value = self.values.get(column)
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(
                column,
                f"{self.text(column)} is a number, not a date",
                "format the cell as a date, or " + DATE_HINT,
            )
            return None
        parsed = parse_date_text(str(value).strip())
        if isinstance(parsed, str):
            month = parse_month_text(str(value)) if column in _MONTH_MEANS else None
            if month is not None:
                day = month_end(*month) if _MONTH_MEANS[column] == "end" else date(*month, 1)
                self.report.notes.append(
                    f"{column} '{str(value).strip()}' read as {day:%d %b %Y} (the "
                    f"{_MONTH_MEANS[column]} of that month)"
                )
                return day
            self.problem(column, parsed, DATE_HINT)
            return None
        return parsed

    def as_number(self, column: str) -> Decimal | None:
        value = self.values.get(column)
        if is_blank(value):
            return None
        parsed = parse_number(value, column)
        if isinstance(parsed, tuple):
            self.problem(column, *parsed)
            return None
        return parsed

    def choice(
        self, column: str, enum: type[LabelledEnum], default: LabelledEnum, hint: str,
        aliases: dict[str, str] | None = None,
    ) -> Any:
        """A value of ``enum`` by its value or label, any case ('Self reported', 'on-track' too), or by one of
        the ``aliases`` (folded word -> value: 'NGO' is civil society)."""
        text = self.text(column)
        if not text:
            return default
        alias = (aliases or {}).get(re.sub(r"[\s\-_]+", " ", fold(text)).strip())
        if alias is not None:
            return enum(alias)
        for attempt in (text, re.sub(r"[\s\-]+", "_", text.strip())):
            try:
                return enum.parse(attempt)
            except ValueError:
                continue
        self.problem(column, f"'{text}' is not a {column.replace('_', ' ')} the app knows", hint)
        return default


#: Columns where a month without a day ("June 2027") is accepted, and which day of it it means.
_MONTH_MEANS = {"deadline": "end", "start_date": "start"}
#: A framework item written as its number alone: "16", "#8".
_BARE_ITEM = re.compile(r"^#?\s*(\d+(?:\.\d+)*)$")

_PREFIX_NAMES = {"\t": "a tab", "\r": "a line break (carriage return)"}


def _formula_like(value: str) -> tuple[str, str]:
    """Why text starting like a formula ('-  reduce reports', '@SUM(...)') is refused, and the fix."""
    what = _PREFIX_NAMES.get(value[0], f"'{value[0]}'")
    shown = " ".join(value.split())[:60]
    return (
        f"the text starts with {what}, which makes a spreadsheet read it as a formula when the data is "
        f"opened again, so it is refused as formulas are (the cell holds '{shown}')",
        f"remove the {what} at the start, or begin with a word (e.g. 'Reduce reports' instead of "
        "'- reduce reports'); numbers such as -5 are accepted as they are",
    )


def _amount_of_text(chars: int) -> str:
    return f"{chars / 1024:,.0f} KB" if chars >= 1024 else f"{chars:,} characters"


@dataclass
class _Existing:
    """What the database already holds that the rows refer to."""

    commitments: dict[str, dict[str, Any]]  # external_ref -> stored commitment with links
    progress: dict[int, list[dict[str, Any]]]  # commitment id -> stored progress updates


@dataclass
class Plan:
    report: ImportReport
    new: list[Commitment] = field(default_factory=list)
    updates: list[tuple[RowReport, int, int, Commitment]] = field(default_factory=list)  # id, version
    progress: list[tuple[RowReport, ProgressUpdate, str, str]] = field(default_factory=list)  # reason, ref
    #: New partners and events from the file's Partners and Events sheets, with negative local ids that
    #: the commitments refer to (``bulk.load_dataset`` gives them stored ids).
    partners: list[Partner] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


_SOURCE_WORDS = {ReportSource.SELF_REPORTED: "self-reported", ReportSource.VERIFIED: "verified"}

#: Compared to decide between "update" and "unchanged", with the column each belongs to.
_COMPARED = (
    ("title", "title"),
    ("description", "description"),
    ("deliverable", "deliverable"),
    ("indicator", "indicator"),
    ("unit", "unit"),
    ("baseline", "baseline"),
    ("target_value", "target_value"),
    ("start_date", "start_date"),
    ("deadline", "deadline"),
    ("budget", "budget"),
    ("currency", "currency"),
    ("event_id", "event"),
    ("is_global", "countries"),
    ("visibility", "visibility"),
)


def _same(new: Any, old: Any) -> bool:
    """Equal as stored: an empty text is the same as none; 0 is not the same as none; 5 equals 5.0000."""
    if isinstance(new, str) or isinstance(old, str):
        return (new or "") == (old or "")
    return new == old


def _changes(stored: dict[str, Any], c: Commitment) -> tuple[str, ...]:
    changed: list[str] = []
    for attr, column in _COMPARED:
        new, old = getattr(c, attr), stored.get(attr)
        if isinstance(new, LabelledEnum):
            new = new.value
        if not _same(new, old):
            changed.append(column)
    partners = {(p.partner_id, p.role.value) for p in c.partners}
    if partners != {(p["partner_id"], p["role"]) for p in stored["partners"]}:
        changed.append("partners")
    if set(c.countries) != set(stored["countries"]):
        changed.append("countries")
    if set(c.framework_items) != set(stored["framework_items"]):
        changed.append("framework_items")
    return tuple(dict.fromkeys(changed))


_MODEL_ERROR_COLUMNS = (
    ("deadline", "deadline"),
    ("global", "countries"),
    ("country", "countries"),
    ("partner", "partners"),
    ("currency", "currency"),
    ("budget", "budget"),
)


def _model_problems(row: _Row, exc: ValidationError) -> None:
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        column = loc[0] if loc else ""
        if column == "event_id":
            column = "event"
        if not column:
            column = next((c for word, c in _MODEL_ERROR_COLUMNS if word in message.lower()), "")
        row.problem(column, message, "correct the value and import again")


class Validator:
    def __init__(
        self, store: Store, actor: Actor, sheets: list[Sheet], report: ImportReport, *, demo: bool,
        items: ItemIndex,
    ) -> None:
        """``demo``: the database holds demo data, so imported records are flagged as demo data too.
        ``items``: the framework item aliases (``parsing.item_index``), built once per import."""
        self.store, self.actor, self.sheets, self.report = store, actor, sheets, report
        self.demo = demo
        self.items = items
        partners = store.partners()
        self.partners = Names(
            zip(partners["id"].tolist(), partners["name"].tolist(), partners["name"].tolist(), strict=True)
        )
        events = store.events()
        self.events = Names(
            (int(i), n, f"{n}") for i, n in zip(events["id"].tolist(), events["name"].tolist(), strict=True)
        )
        refs = {
            ref_of(cells[s.columns["external_ref"]])
            for s in sheets
            if "external_ref" in s.columns
            for _, cells in s.rows
        }
        stored = store.commitments_by_external_ref(sorted(r for r in refs if r))
        live_ids = [c["id"] for c in stored.values() if c["deleted_at"] is None]
        progress: dict[int, list[dict[str, Any]]] = {}
        if any(s.kind is SheetKind.PROGRESS for s in sheets):
            for p in store.progress_of_commitments(live_ids):
                progress.setdefault(p["commitment_id"], []).append(p)
        self.existing = _Existing(stored, progress)
        self.plan = Plan(report)
        # external_ref -> (row report, local id of a new commitment or stored id) for the progress sheet
        self.in_file: dict[str, tuple[RowReport, int | None]] = {}
        self.commitment_refs: dict[str, int] = {}  # external_ref -> first row using it
        self.progress_keys: dict[tuple[str, date, str], int] = {}  # (ref, date, source) -> first row
        # folded name -> (sheet, row) of a Partners or Events row that has errors: rows naming it say so
        self.broken_names: dict[SheetKind, dict[str, tuple[str, int]]] = {
            SheetKind.PARTNERS: {}, SheetKind.EVENTS: {}
        }
        self.sheet_names: dict[SheetKind, dict[str, int]] = {SheetKind.PARTNERS: {}, SheetKind.EVENTS: {}}

    def run(self) -> Plan:
        if self.demo:
            # Demo data is never mixed with real records: in a demo database, imports are trials.
            self.report.warnings.append(
                "this database holds demo data: imported records are flagged as demo data too and go when "
                "the demo data is removed. Import real records into a database without demo data"
            )
        checks = {
            # partners and events first: the commitments that name them are checked against them
            SheetKind.PARTNERS: self._partner,
            SheetKind.EVENTS: self._event,
            SheetKind.COMMITMENTS: self._commitment,
            SheetKind.PROGRESS: self._progress,
        }
        for kind, check in checks.items():
            for sheet in (s for s in self.sheets if s.kind is kind):
                for number, cells in sheet.rows:
                    report = RowReport(sheet.name, kind, number, "")
                    self.report.rows.append(report)
                    row = _Row(sheet, number, cells, report)
                    if row.shifted:
                        report.external_ref = row.text("external_ref")
                        continue
                    check(row)
        self._check_verified_reasons()
        return self.plan

    # -- commitments -------------------------------------------------------------------------------
    def _reference(self, row: _Row, what: str) -> str:
        ref = row.text("external_ref")
        row.report.external_ref = ref
        if "external_ref" in row.failed:
            return ref
        if not ref:
            row.problem(
                "external_ref",
                "external_ref is empty",
                f"give every {what} its own stable reference, e.g. NBO-2025-001",
            )
        elif len(ref) > MAX_REF_CHARS:
            row.problem(
                "external_ref",
                f"external_ref is {len(ref)} characters long; the limit is {MAX_REF_CHARS}",
                "use a shorter reference",
            )
        elif "\n" in ref or "\r" in ref:
            row.problem("external_ref", "external_ref spans several lines", "write the reference on one line")
        return ref

    def _commitment(self, row: _Row) -> None:
        ref = self._reference(row, "commitment")
        if ref and "external_ref" not in row.failed:
            first = self.commitment_refs.get(ref)
            if first is not None:
                row.problem(
                    "external_ref",
                    f"external_ref '{ref}' is already used on row {first}",
                    f"give each commitment its own reference, or delete one of the two rows "
                    f"(row {first} or this one)",
                )
            else:
                self.commitment_refs[ref] = row.number
        title = row.required("title", "give the commitment a short title (up to 300 characters)")
        row.report.summary = title
        if len(title) > rules.MAX_TITLE_CHARS:
            row.problem(
                "title",
                f"the title is {len(title)} characters long; the limit is {rules.MAX_TITLE_CHARS}",
                "shorten it and move the rest to the description",
            )
        partners = self._partners(row)
        countries, is_global = self._countries(row)
        items = self._items(row)
        baseline, target = row.as_number("baseline"), row.as_number("target_value")
        start, deadline = row.as_date("start_date"), row.as_date("deadline")
        row.broken("deadline", rules.deadline_before_start(start, deadline))
        budget = row.as_number("budget")
        row.broken("budget", rules.negative_budget(budget))
        currency = ""
        if row.text("currency"):
            code = rules.currency_code(row.text("currency"))
            if isinstance(code, rules.Broken):
                row.broken("currency", code)
            else:
                currency = code
        elif row.sheet.mapping.header_currency and budget is not None and "currency" not in row.sheet.columns:
            currency = row.sheet.mapping.header_currency  # "Budget (USD)": said with the mapping
        elif "currency" not in row.failed:
            row.broken("currency", rules.budget_without_currency(budget, None))
        event_id = None
        if row.text("event"):
            found = self._broken_reference(SheetKind.EVENTS, row.text("event")) or self.events.match(
                row.text("event"),
                "summit or plan",
                "Add it to the workbook's 'Events' sheet (or in the app), or leave the cell empty",
            )
            if isinstance(found, tuple):
                row.problem("event", *found)
            else:
                event_id = found
        visibility = row.choice(
            "visibility",
            Visibility,
            Visibility.PRIVATE,
            "write Private, Members or Public (or leave it empty for Private)",
        )
        if row.report.status is RowStatus.ERROR:
            self.in_file.setdefault(ref, (row.report, None))
            return

        stored = self.existing.commitments.get(ref)
        if stored is not None and stored["deleted_at"] is not None:
            row.problem(
                "external_ref",
                f"external_ref '{ref}' belongs to a deleted commitment (id {stored['id']})",
                "restore that commitment in the app, or give this row a new reference",
            )
            self.in_file.setdefault(ref, (row.report, None))
            return
        keep = stored or {}
        local = None if stored else -(len(self.plan.new) + 1)  # negative: never mistaken for a stored id
        data = dict(
            id=local,
            title=title,
            description=row.text("description"),
            partners=partners,
            countries=countries,
            is_global=is_global,
            framework_items=items,
            deliverable=row.text("deliverable"),
            indicator=row.text("indicator"),
            unit=row.text("unit"),
            baseline=baseline,
            target_value=target,
            start_date=start,
            deadline=deadline,
            budget=budget,
            currency=currency or None,
            event_id=event_id,
            visibility=visibility,
            external_ref=ref,
            review_state=keep.get("review_state", ReviewState.DRAFT),
            embargo_until=keep.get("embargo_until"),
            is_demo=keep.get("is_demo", self.demo),
        )
        if stored is None:
            data["smart_level"] = smart.level(data)  # as services.records does for a logged commitment
        try:
            commitment = Commitment(**data)
        except ValidationError as exc:
            _model_problems(row, exc)
            self.in_file.setdefault(ref, (row.report, None))
            return
        if stored is None:
            self.plan.new.append(commitment)
            row.report.status = RowStatus.NEW
            self.in_file[ref] = (row.report, local)
            return
        self.in_file[ref] = (row.report, stored["id"])
        changes = _changes(stored, commitment)
        if not changes:
            row.report.status = RowStatus.UNCHANGED
            return
        if not can(self.actor, UseCase.EDIT_COMMITMENT, countries=stored["countries"] or None):
            row.problem(
                "external_ref",
                f"'{ref}' is an existing commitment you may not edit",
                "leave this row out, or ask the secretariat to import it",
            )
            return
        row.report.status = RowStatus.UPDATE
        row.report.changes = changes
        self.plan.updates.append((row.report, stored["id"], stored["version"], commitment))

    def _partners(self, row: _Row) -> list[CommitmentPartner]:
        text = row.required(
            "partners", "name at least one partner, e.g. 'Ministry of Interior (lead); UNICEF'"
        )
        out: list[CommitmentPartner] = []
        ids: list[int] = []
        marks: list[bool] = []
        seen: dict[int, str] = {}
        for token in split_list(text, self._one_partner):
            mark = ROLE_MARK.search(token)
            name = token[: mark.start()].strip() if mark else token
            found = self._broken_reference(SheetKind.PARTNERS, name) or self.partners.match(
                name,
                "partner",
                "Correct the name, or add the partner to the workbook's 'Partners' sheet (or in the app)",
            )
            if isinstance(found, tuple):
                row.problem("partners", *found)
                continue
            if found in seen:
                row.problem("partners", f"'{name}' is listed twice", "list each partner once")
                continue
            seen[found] = name
            marks.append(bool(mark) and mark.group(1).lower() == "lead")
            ids.append(found)
        if ids:
            leads = marks if any(marks) else [True] + [False] * (len(ids) - 1)
            out = [
                CommitmentPartner(partner_id=pid, role=PartnerRole.LEAD if lead else PartnerRole.CO)
                for pid, lead in zip(ids, leads, strict=True)
            ]
        elif text and "partners" not in row.failed and not row.report.problems:
            row.problem("partners", "no partner given", "name at least one partner")
        return out

    def _broken_reference(self, kind: SheetKind, name: str) -> tuple[str, str] | None:
        """The problem of a row naming a partner or event whose own row in this file has errors."""
        where = self.broken_names[kind].get(fold(name))
        if where is None:
            return None
        what = "partner" if kind is SheetKind.PARTNERS else "summit or plan"
        return (
            f"the {what} '{name}' ({where[0]} row {where[1]}) has errors, so this row cannot be imported",
            "fix that row first",
        )

    def _one_partner(self, text: str) -> bool:
        """Whether a whole cell names one stored partner (a name may hold a comma)."""
        mark = ROLE_MARK.search(text)
        return fold(text[: mark.start()] if mark else text).strip() in self.partners.by_key

    def _countries(self, row: _Row) -> tuple[list[str], bool]:
        text = row.required(
            "countries", "list the countries separated by ';' (e.g. Kenya; UK), or write global"
        )
        tokens = split_list(text, lambda t: not isinstance(match_country(t), tuple))
        is_global = any(fold(t) in GLOBAL_WORDS for t in tokens)
        if is_global and len(tokens) > 1:
            row.problem(
                "countries",
                f"'{text}' mixes 'global' with countries",
                "write either global or the list of countries, not both",
            )
            return [], True
        if is_global:
            return [], True
        codes: list[str] = []
        for token in tokens:
            found = match_country(token)
            if isinstance(found, tuple):
                row.problem("countries", *found)
            elif found not in codes:
                codes.append(found)
        return codes, False

    def _items(self, row: _Row) -> list[str]:
        keys: list[str] = []
        family = row.sheet.mapping.item_family
        for token in split_list(row.text("framework_items"), lambda t: isinstance(match_item(t, self.items), str)):
            bare = _BARE_ITEM.match(token)
            if bare and family:
                token = f"{family} {bare.group(1)}"  # "MNR capabilities: 16" is MNR 16
            found = match_item(token, self.items)
            if isinstance(found, tuple):
                row.problem("framework_items", *found)
            elif found not in keys:
                keys.append(found)
        return keys

    # -- new partners and events ----------------------------------------------------------------
    def _named(self, row: _Row, kind: SheetKind, names: Names, what: str) -> tuple[str, int | None]:
        """The row's name, and the stored id when a record of that name is in the app already (the row is
        then unchanged: an import adds partners and events, it does not edit them)."""
        name = row.required("name", f"give the {what} its name, as the commitments write it")
        row.report.summary = name
        if not name or "name" in row.failed:
            return name, None
        if len(name) > rules.MAX_TITLE_CHARS:
            row.problem(
                "name",
                f"the name is {len(name)} characters long; the limit is {rules.MAX_TITLE_CHARS}",
                "shorten it",
            )
            return name, None
        first = self.sheet_names[kind].get(fold(name))
        if first is not None:
            row.problem(
                "name",
                f"'{name}' is already on row {first} of this sheet",
                "list each one once: delete one of the two rows",
            )
            return name, None
        self.sheet_names[kind][fold(name)] = row.number
        stored = names.by_key.get(fold(name))
        if stored:
            row.report.status = RowStatus.UNCHANGED
            row.report.notes.append(
                f"'{stored[0][1]}' is already in the app (id {stored[0][0]}): not added again, and its record "
                "there is kept as it is (change it on the Partners and events page)"
            )
            return name, stored[0][0]
        close = names.similar(name)
        if close:
            row.report.notes.append(
                f"a new {what}, although the app has "
                + " and ".join(f"'{c}'" for c in close)
                + ": if it is the same, write that name here and in the commitments instead"
            )
        return name, None

    def _country_cell(self, row: _Row, column: str) -> str | None:
        text = row.text(column)
        if not text:
            return None
        found = match_country(text)
        if isinstance(found, tuple):
            row.problem(column, *found)
            return None
        return found

    def _record_failed(self, row: _Row, kind: SheetKind, name: str) -> None:
        """Remember a partner or event row with errors, so that rows naming it say where the error is (not
        for a second row of a name: the first one stands)."""
        if name and self.sheet_names[kind].get(fold(name), row.number) == row.number:
            self.broken_names[kind].setdefault(fold(name), (row.sheet.name, row.number))

    def _partner(self, row: _Row) -> None:
        name, stored = self._named(row, SheetKind.PARTNERS, self.partners, "partner")
        kinds = ", ".join(t.label for t in StakeholderType)
        required = row.required("stakeholder_type", f"write one of: {kinds}")
        kind = row.choice(
            "stakeholder_type", StakeholderType, StakeholderType.GOVERNMENT, f"write one of: {kinds}",
            aliases=STAKEHOLDER_WORDS,
        )
        hq = self._country_cell(row, "hq_country")
        website = row.text("website")
        if website and not rules.is_web_address(website):
            row.problem(
                "website",
                f"'{website}' is not a web address",
                "write the full address, starting with https:// (e.g. https://example.org)",
            )
        emails = {}
        for column in ("contact_email", "contact_email_2"):
            emails[column] = row.text(column)
            if emails[column] and not rules.is_email_address(emails[column]):
                row.problem(
                    column,
                    f"'{emails[column]}' is not an e-mail address",
                    "write one address, as name@organisation.org (a second one goes in contact_email_2)",
                )
        if stored is not None:
            return
        if row.report.status is RowStatus.ERROR or not required:
            self._record_failed(row, SheetKind.PARTNERS, name)
            return
        try:
            partner = Partner(
                id=-(len(self.plan.partners) + 1),
                name=name,
                stakeholder_type=kind,
                hq_country=hq,
                website=website or None,
                contact_email=emails["contact_email"] or None,
                contact_email_2=emails["contact_email_2"] or None,
                is_demo=self.demo,
            )
        except ValidationError as exc:
            _model_problems(row, exc)
            self._record_failed(row, SheetKind.PARTNERS, name)
            return
        if not can(self.actor, UseCase.MANAGE_PARTNERS):
            row.problem(
                "name",
                f"'{name}' is not in the app, and you may not add partners",
                "ask the secretariat to add the partner, then import again without this row",
            )
            self._record_failed(row, SheetKind.PARTNERS, name)
            return
        row.report.status = RowStatus.NEW
        self.plan.partners.append(partner)
        self.partners.add(partner.id, name)  # type: ignore[arg-type]

    def _event(self, row: _Row) -> None:
        name, stored = self._named(row, SheetKind.EVENTS, self.events, "summit or plan")
        kinds = ", ".join(k.label for k in EventKind)
        required = row.required("kind", f"write one of: {kinds}")
        kind = row.choice("kind", EventKind, EventKind.OTHER, f"write one of: {kinds}")
        day = row.as_date("date")
        if day is None and "date" not in row.failed and not row.text("date"):
            row.problem("date", "date is empty", DATE_HINT)
        country = self._country_cell(row, "country")
        if stored is not None:
            return
        if row.report.status is RowStatus.ERROR or not required or day is None:
            self._record_failed(row, SheetKind.EVENTS, name)
            return
        try:
            event = Event(
                id=-(len(self.plan.events) + 1),
                name=name,
                kind=kind,
                date=day,
                location=row.text("location"),
                country=country,
                is_demo=self.demo,
            )
        except ValidationError as exc:
            _model_problems(row, exc)
            self._record_failed(row, SheetKind.EVENTS, name)
            return
        if not can(self.actor, UseCase.MANAGE_EVENTS):
            row.problem(
                "name",
                f"'{name}' is not in the app, and you may not add summits or plans",
                "ask the secretariat to add it, then import again without this row",
            )
            self._record_failed(row, SheetKind.EVENTS, name)
            return
        row.report.status = RowStatus.NEW
        self.plan.events.append(event)
        self.events.add(event.id, name)  # type: ignore[arg-type]

    # -- progress updates --------------------------------------------------------------------------
    def _progress(self, row: _Row) -> None:
        seen = self.progress_keys
        ref = self._reference(row, "progress update (the commitment's reference)")
        report_date = row.as_date("report_date")
        if report_date is None and "report_date" not in row.failed and not row.text("report_date"):
            row.problem("report_date", "report_date is empty", DATE_HINT)
        status_text = row.required("status", "write one of: " + ", ".join(s.label for s in ProgressStatus))
        status = None
        if status_text:
            status = row.choice(
                "status",
                ProgressStatus,
                ProgressStatus.NOT_STARTED,
                "write one of: " + ", ".join(s.label for s in ProgressStatus),
            )
        value = row.as_number("indicator_value")
        links = split_list(
            row.text("evidence_links"),
            lambda t: rules.is_web_address(t) and not re.search(r",\s*https?://", t, re.IGNORECASE),
        )
        for link in links:
            if not rules.is_web_address(link):
                row.problem(
                    "evidence_links",
                    f"'{link}' is not a web address",
                    "write full addresses starting with http:// or https://, separated by ';'",
                )
        source = row.choice(
            "source",
            ReportSource,
            ReportSource.SELF_REPORTED,
            "write Self-reported or Verified (or leave it empty for Self-reported)",
        )
        reason = row.text("reason")
        row.report.summary = " ".join(
            x for x in (report_date.isoformat() if report_date else "", status.label if status else "") if x
        )

        commitment_id: int | None = None
        if ref and "external_ref" not in row.failed:
            target = self.in_file.get(ref)
            stored = self.existing.commitments.get(ref)
            if target is not None and target[1] is None:
                row.problem(
                    "external_ref",
                    f"the commitment '{ref}' ({target[0].sheet} row {target[0].row}) "
                    "has errors, so its progress cannot be imported",
                    "fix that row first",
                )
            elif target is not None:
                commitment_id = target[1]
            elif stored is not None and stored["deleted_at"] is None:
                commitment_id = stored["id"]
            else:
                row.problem(
                    "external_ref",
                    f"there is no commitment with external_ref '{ref}'",
                    "check the reference, or add the commitment to the Commitments sheet",
                )
        if report_date and ref:
            key = (ref, report_date, source.value)
            first = seen.get(key)
            if first is not None:
                row.problem(
                    "report_date",
                    f"'{ref}' already has a {_SOURCE_WORDS[source]} update dated "
                    f"{report_date:%d %b %Y} on row {first}",
                    "keep one of the two rows, or correct the date",
                )
            else:
                seen[key] = row.number
        if row.report.status is RowStatus.ERROR or commitment_id is None or status is None:
            return
        try:
            update = ProgressUpdate(
                commitment_id=commitment_id,
                report_date=report_date,
                status=status,
                indicator_value=value,
                narrative=row.text("narrative"),
                evidence_links=links,
                source=source,
                is_demo=self.demo if commitment_id < 0 else bool(self.existing.commitments[ref]["is_demo"]),
            )
        except ValidationError as exc:
            _model_problems(row, exc)
            return
        if commitment_id > 0:
            same_day = [
                p
                for p in self.existing.progress.get(commitment_id, [])
                if p["report_date"] == report_date and p["source"] == source.value
            ]
            if same_day:
                old = same_day[0]
                if (
                    old["status"] == status.value
                    and _same(value, old["indicator_value"])
                    and old["narrative"] == update.narrative
                    and list(old["evidence_links"]) == links
                    and (old.get("reason") or "") == reason
                ):
                    row.report.status = RowStatus.UNCHANGED
                    return
                row.problem(
                    "report_date",
                    f"'{ref}' already has a {_SOURCE_WORDS[source]} update dated {report_date:%d %b %Y} "
                    "with different content",
                    "imports never overwrite progress updates: correct it in the app, or give this row "
                    "the date of a new report",
                )
                return
        if not can(
            self.actor,
            UseCase.VERIFY_PROGRESS if source is ReportSource.VERIFIED else UseCase.RECORD_PROGRESS,
        ):
            row.problem(
                "source",
                f"you may not record {_SOURCE_WORDS[source]} progress",
                "leave this row out, or ask the secretariat to import it",
            )
            return
        row.report.status = RowStatus.NEW
        self.plan.progress.append((row.report, update, reason, ref))

    def _check_verified_reasons(self) -> None:
        """As in the app: a verified status that differs from the latest self-reported one needs a reason."""
        latest: dict[str, tuple[date, str]] = {}
        for ref, stored in self.existing.commitments.items():
            for p in self.existing.progress.get(stored["id"], []):
                if p["source"] == ReportSource.SELF_REPORTED.value:
                    latest[ref] = max(latest.get(ref, (date.min, "")), (p["report_date"], p["status"]))
        for _, u, _, ref in self.plan.progress:
            if u.source is ReportSource.SELF_REPORTED:
                latest[ref] = max(latest.get(ref, (date.min, "")), (u.report_date, u.status.value))
        keep = []
        for report, u, reason, ref in self.plan.progress:
            claimed = latest.get(ref)
            differs = rules.verified_status_differs(u.status, ProgressStatus(claimed[1]) if claimed else None)
            if u.source is ReportSource.VERIFIED and not reason and differs:
                report.problems.append(
                    Problem(
                        report.sheet,
                        report.row,
                        "reason",
                        f"{differs} and no reason is given",
                        "say in the reason column why the secretariat's status differs",
                    )
                )
                report.status = RowStatus.ERROR
                continue
            keep.append((report, u, reason, ref))
        self.plan.progress = keep
