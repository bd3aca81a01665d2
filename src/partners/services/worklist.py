"""The secretariat's worklist: what needs chasing, and a ready-to-send reminder for each partner.

Five kinds of item (``WorkKind``): progress reports overdue, deadlines passed without completion,
"complete" claims without evidence, stale drafts, and embargoes ending soon. Each item names the
commitment, its partners, the date it is about and what is due, in words. The reporting cycle is a
setting (``dataset_meta`` key ``reporting_cycle_months``) that admins change; the other thresholds are
parameters of the view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import pandas as pd

from partners.domain.model import CLOSED_STATUSES, Actor, ProgressStatus, ReportSource, ReviewState, Visibility
from partners.domain.permissions import UseCase, authorize
from partners.services.errors import NotFound, ValidationFailed
from partners.services.read import view_scope
from partners.services.settings import CYCLE_RANGE, reporting_cycle_months, whole_number
from partners.storage.port import Store

DEFAULT_STALE_DAYS = 30
DEFAULT_EMBARGO_DAYS = 14
DEFAULT_REPLY_DAYS = 30
SECRETARIAT_SIGNATURE = "The Alliance secretariat"


class WorkKind(StrEnum):
    """What an item on the worklist is about (in the order the worklist shows them)."""

    OVERDUE_REPORT = "overdue_report"
    DEADLINE_PASSED = "deadline_passed"
    MISSING_EVIDENCE = "missing_evidence"
    STALE_DRAFT = "stale_draft"
    EMBARGO_ENDING = "embargo_ending"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def for_partner(self) -> bool:
        """Whether a partner can act on it (it then goes into that partner's reminder)."""
        return self in _PARTNER_KINDS


_KIND_LABELS = {
    WorkKind.OVERDUE_REPORT: "Progress report overdue",
    WorkKind.DEADLINE_PASSED: "Deadline passed",
    WorkKind.MISSING_EVIDENCE: "Complete without evidence",
    WorkKind.STALE_DRAFT: "Stale draft",
    WorkKind.EMBARGO_ENDING: "Embargo ending soon",
}
_PARTNER_KINDS = (WorkKind.OVERDUE_REPORT, WorkKind.DEADLINE_PASSED, WorkKind.MISSING_EVIDENCE)
_REMINDER_HEADINGS = {
    WorkKind.OVERDUE_REPORT: "Progress updates due",
    WorkKind.DEADLINE_PASSED: "Deadlines that have passed",
    WorkKind.MISSING_EVIDENCE: "Evidence of completion requested",
}


@dataclass(frozen=True)
class PartnerRef:
    id: int
    name: str
    lead: bool


@dataclass(frozen=True)
class WorkItem:
    kind: WorkKind
    commitment_id: int
    title: str
    partners: tuple[PartnerRef, ...]
    date: date  # the date the item is about: due date, deadline, claim, last change or embargo end
    days: int  # days since that date (negative: still to come)
    detail: str  # for the secretariat
    ask: str = ""  # for the partner (only kinds a partner can act on)

    @property
    def partners_text(self) -> str:
        return "; ".join(f"{p.name} (lead)" if p.lead else p.name for p in self.partners)

    def involves(self, partner_id: int) -> bool:
        return any(p.id == partner_id for p in self.partners)


@dataclass(frozen=True)
class Worklist:
    items: tuple[WorkItem, ...]
    cycle_months: int
    stale_days: int
    embargo_days: int
    as_of: datetime

    def only(self, kinds: Iterable[WorkKind] = (), partner_ids: Iterable[int] = ()) -> Worklist:
        """The items of these kinds about commitments of these partners (nothing given: no filter)."""
        kinds, partner_ids = set(kinds), set(partner_ids)
        kept = tuple(
            i for i in self.items
            if (not kinds or i.kind in kinds) and (not partner_ids or any(i.involves(p) for p in partner_ids))
        )  # fmt: skip
        return replace(self, items=kept)

    def counts(self) -> dict[WorkKind, int]:
        """Items per kind, every kind listed (zero included)."""
        return {k: sum(1 for i in self.items if i.kind is k) for k in WorkKind}

    def partners(self) -> dict[int, str]:
        """The partners named by at least one item, id -> name, by name."""
        found = {p.id: p.name for i in self.items for p in i.partners}
        return dict(sorted(found.items(), key=lambda kv: (kv[1].lower(), kv[0])))

    def reminder_partners(self) -> dict[int, str]:
        """The partners with something to act on (a reminder can be written for them)."""
        found = {p.id: p.name for i in self.items if i.kind.for_partner for p in i.partners}
        return dict(sorted(found.items(), key=lambda kv: (kv[1].lower(), kv[0])))

    def table(self, *, link: Callable[[int], str] | None = None) -> pd.DataFrame:
        """The worklist as a table with readable column names (the CSV export uses this too).

        ``link``: a commitment id -> the address of its page (``partners.presentation.urls``: relative on
        screen, absolute in an export), for an "Open" column first; none without it.
        """
        rows = [
            {
                **({"Open": link(i.commitment_id)} if link else {}),
                "Kind": i.kind.label,
                "No.": i.commitment_id,
                "Commitment": i.title,
                "What is due": i.detail,
                "Due or since": i.date,
                "Days": i.days,
                "Partners": i.partners_text,
            }
            for i in self.items
        ]
        columns = (["Open"] if link else []) + [
            "Kind", "No.", "Commitment", "What is due", "Due or since", "Days", "Partners",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Reminder:
    partner_id: int
    partner_name: str
    items: tuple[WorkItem, ...]
    text: str
    file_name: str = field(default="reminder.txt")


# -- the worklist ---------------------------------------------------------------------------------


def build_worklist(
    store: Store,
    actor: Actor,
    *,
    kinds: Iterable[WorkKind | str] = (),
    partner_ids: Iterable[int] = (),
    cycle_months: int | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
    embargo_days: int = DEFAULT_EMBARGO_DAYS,
    now: datetime | None = None,
) -> Worklist:
    """What needs the secretariat's attention, optionally only some kinds or some partners' commitments.

    ``cycle_months`` defaults to the stored setting. Raises ValidationFailed for an unknown kind or a
    threshold out of range, PermissionDenied for anyone outside the secretariat.
    """
    authorize(actor, UseCase.VIEW_WORKLIST)
    problems: list[str] = []
    wanted: set[WorkKind] = set()
    for k in kinds:
        try:
            wanted.add(WorkKind(k))
        except ValueError:
            problems.append(f"Kind: '{k}' is not one of: {', '.join(w.value for w in WorkKind)}")
    checks = (
        ("Reporting cycle (months)", reporting_cycle_months(store) if cycle_months is None else cycle_months,
         *CYCLE_RANGE),
        ("Stale after (days)", stale_days, 1, 3650),
        ("Embargo ending within (days)", embargo_days, 1, 365),
    )  # fmt: skip
    values = []
    for label, value, lo, hi in checks:
        try:
            values.append(whole_number(label, value, lo, hi))
        except ValidationFailed as exc:
            problems += exc.problems
    wanted_partners = set(partner_ids)
    if problems:
        raise ValidationFailed(problems)
    cycle, stale, embargo = values

    scope = view_scope(actor, now)
    frame = store.worklist(
        scope,
        cycle_months=cycle,
        stale_before=scope.now - timedelta(days=stale),
        embargo_by=scope.now + timedelta(days=embargo),
        closed=tuple(sorted(s.value for s in CLOSED_STATUSES)),
    )
    today = scope.now.date()
    items = [_item(row, today, cycle) for row in frame.to_dict("records")]
    order = list(WorkKind)
    items.sort(key=lambda i: (order.index(i.kind), i.date, i.commitment_id))
    return Worklist(tuple(items), cycle, stale, embargo, scope.now).only(wanted, wanted_partners)


def _item(row: dict[str, Any], today: date, cycle: int) -> WorkItem:
    kind = WorkKind(row["kind"])
    when = _day(row["due"])
    assert when is not None  # every kind selects rows whose date is set
    partners = tuple(
        PartnerRef(int(pid), str(name), role == "lead")
        for pid, name, role in zip(
            _list(row["partner_ids"]), _list(row["partner_names"]), _list(row["partner_roles"]), strict=True
        )
    )
    detail, ask = _words(kind, row, when, today, cycle)
    return WorkItem(
        kind=kind,
        commitment_id=int(row["commitment_id"]),
        title=str(row["title"]),
        partners=partners,
        date=when,
        days=(today - when).days,
        detail=detail,
        ask=ask,
    )


def _words(kind: WorkKind, row: dict[str, Any], when: date, today: date, cycle: int) -> tuple[str, str]:
    """The item in words: a line for the secretariat and (for partner kinds) a request to the partner."""
    last_report = _day(row["last_report"])
    status = _text(row["reported_status"])
    if kind is WorkKind.OVERDUE_REPORT:
        if last_report:
            since = f"the last progress update we hold is from {_long(last_report)}"
            detail = f"No progress update since {_short(last_report)}"
        else:
            made = _day(row["made_on"])
            since = f"we have had no progress update since it was made on {_long(made)}"
            detail = f"No progress update since it was made on {_short(made)}"
        days = (today - when).days
        detail += f"; one was due by {_short(when)} ({_days(days)} overdue; reporting cycle {cycle} months)"
        ask = f"{since}; an update was due by {_long(when)}."
        return detail, ask
    if kind is WorkKind.DEADLINE_PASSED:
        if status:
            label = ProgressStatus(status).label
            latest = f"{label} ({_short(last_report)})"
            held = f'the latest status we hold is "{label}", reported {_long(last_report)}'
        else:
            latest = "no progress reported"
            held = "we hold no progress report for it"
        detail = f"Deadline {_short(when)} passed {_days((today - when).days)} ago; latest status: {latest}"
        ask = (
            f"the deadline of {_long(when)} has passed and {held}. Please tell us whether it was completed, "
            "or give a revised date."
        )
        return detail, ask
    if kind is WorkKind.MISSING_EVIDENCE:
        source = _text(row["complete_source"]) or ReportSource.SELF_REPORTED.value
        detail = (
            f"Reported complete on {_short(when)} ({ReportSource(source).label.lower()}) "
            "with no evidence link"
        )
        ask = (
            f"it was reported complete on {_long(when)}. Please send a link to evidence of completion "
            "(a report, publication or web page) so that the secretariat can verify it."
        )
        return detail, ask
    if kind is WorkKind.STALE_DRAFT:
        state = "Draft" if row["review_state"] == ReviewState.DRAFT.value else "Submitted for review"
        return f"{state}, unchanged for {_days((today - when).days)} (last change {_short(when)})", ""
    # Embargo ending soon
    lifts = row["embargo_until"]
    lifts = lifts.to_pydatetime() if hasattr(lifts, "to_pydatetime") else lifts
    days = (when - today).days
    in_words = "today" if days == 0 else f"in {_days(days)}"
    if row["review_state"] == ReviewState.PUBLISHED.value:
        then = f"then shown to: {Visibility(row['visibility']).label}"
    else:
        then = f"not published yet ({ReviewState(row['review_state']).label.lower()})"
    return f"Embargo lifts {_short(when)} at {lifts:%H:%M} ({in_words}); {then}", ""


# -- reminders ------------------------------------------------------------------------------------


def compose_reminder(
    worklist: Worklist,
    partner_id: int,
    *,
    reply_by: date | None = None,
    signature: str = SECRETARIAT_SIGNATURE,
) -> Reminder | None:
    """A polite plain-text reminder listing what this partner owes, or None when nothing is due."""
    mine = tuple(i for i in worklist.items if i.kind.for_partner and i.involves(partner_id))
    if not mine:
        return None
    name = next(p.name for p in mine[0].partners if p.id == partner_id)
    reply_by = reply_by or worklist.as_of.date() + timedelta(days=DEFAULT_REPLY_DAYS)
    count = len({i.commitment_id for i in mine})
    lines = [
        "Subject: Progress reporting on your commitments to the Alliance",
        "",
        f"Dear colleagues at {name},",
        "",
        "Thank you for your work with the Alliance against online child sexual exploitation and abuse. "
        f"Our records show that {_plural(count, 'commitment')} you take part in "
        f"{'needs' if count == 1 else 'need'} your attention:",
    ]
    for kind in _PARTNER_KINDS:
        of_kind = [i for i in mine if i.kind is kind]
        if not of_kind:
            continue
        lines += ["", _REMINDER_HEADINGS[kind]]
        for i in of_kind:
            lines.append(f'- No. {i.commitment_id}, "{i.title}"{_joint(i, partner_id)}: {i.ask}')
    lines += [
        "",
        f"Could you send us these updates by {_long(reply_by)}? A short note with a link to any report or "
        "publication is enough. If our records are out of date, or a commitment has changed, please tell us "
        "and we will correct them.",
        "",
        "With thanks and best regards,",
        signature,
    ]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or f"partner-{partner_id}"
    return Reminder(
        partner_id=partner_id,
        partner_name=name,
        items=mine,
        text="\n".join(lines) + "\n",
        file_name=f"reminder-{slug}-{worklist.as_of:%Y-%m-%d}.txt",
    )


def reminders(worklist: Worklist, *, reply_by: date | None = None) -> list[Reminder]:
    """A reminder for every partner with something due, by partner name."""
    found = (compose_reminder(worklist, pid, reply_by=reply_by) for pid in worklist.reminder_partners())
    return [r for r in found if r is not None]


def reminder_for(
    store: Store, actor: Actor, partner_id: int, *, now: datetime | None = None, reply_by: date | None = None
) -> Reminder | None:
    """The reminder for one partner (None when nothing is due). NotFound for an unknown partner."""
    authorize(actor, UseCase.VIEW_WORKLIST)
    if not isinstance(partner_id, int) or isinstance(partner_id, bool):
        raise ValidationFailed([f"Partner: '{partner_id}' is not a partner number"])
    if not store.existing_keys("partners", "id", [partner_id]):
        raise NotFound(f"there is no partner with id {partner_id}")
    worklist = build_worklist(store, actor, partner_ids=[partner_id], now=now)
    return compose_reminder(worklist, partner_id, reply_by=reply_by)


# -- helpers --------------------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if value is None or pd.isna(value):  # None, NaN or NaT (NaT is a datetime to isinstance)
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value.tolist() if hasattr(value, "tolist") else value)


def _short(d: date | None) -> str:
    return "an unknown date" if d is None else f"{d.day} {d:%b %Y}"


def _long(d: date | None) -> str:
    return "an unknown date" if d is None else f"{d.day} {d:%B %Y}"


def _days(n: int) -> str:
    return _plural(abs(n), "day")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _joint(item: WorkItem, partner_id: int) -> str:
    others = [p.name for p in item.partners if p.id != partner_id]
    if not others:
        return ""
    # Names may hold commas, so they are separated by semicolons.
    shown = "; ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return f" (joint commitment with {shown})"
