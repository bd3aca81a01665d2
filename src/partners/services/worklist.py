"""The secretariat's worklist: what needs chasing, and a ready-to-send reminder for each partner.

Five kinds of item (``WorkKind``): progress reports overdue, deadlines passed without completion,
"complete" claims without evidence, stale drafts, and embargoes ending soon. Each item names the
commitment, its partners, the date it is about and what is due, in words. The reporting cycle is a
setting (``dataset_meta`` key ``reporting_cycle_months``) that admins change; the other thresholds are
parameters of the view.
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from partners.domain import rules
from partners.domain.model import (
    CLOSED_STATUSES,
    Actor,
    ProgressStatus,
    ReminderChannel,
    ReportSource,
    ReviewState,
    StakeholderType,
    Visibility,
)
from partners.domain.permissions import UseCase, authorize
from partners.services import audit
from partners.services.errors import NotFound, ValidationFailed
from partners.services.read import view_scope
from partners.services.settings import CYCLE_RANGE, reporting_cycle_months, whole_number
from partners.storage.port import Store, WorklistRows

DEFAULT_STALE_DAYS = 30
DEFAULT_EMBARGO_DAYS = 14
DEFAULT_REPLY_DAYS = 30
DEFAULT_PAGE_SIZE = 50
DEFAULT_REMINDER_PAGE_SIZE = 100
_NOTHING = object()
SECRETARIAT_SIGNATURE = "The Alliance secretariat"
REMINDER_SUBJECT = "Progress reporting on your commitments to the Alliance"


class WorkOrder(StrEnum):
    """How the worklist is ordered (the officer chooses; ``BY_KIND`` is the default)."""

    BY_KIND = "kind"
    LONGEST_OVERDUE = "overdue"
    HIGHEST_BUDGET = "budget"
    COMMITMENT = "commitment"

    @property
    def label(self) -> str:
        return _ORDER_LABELS[self]


_ORDER_LABELS = {
    WorkOrder.BY_KIND: "By kind, oldest first",
    WorkOrder.LONGEST_OVERDUE: "Longest overdue first",
    WorkOrder.HIGHEST_BUDGET: "Highest budget first",
    WorkOrder.COMMITMENT: "By commitment number",
}


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
    stakeholder_type: str = ""


@dataclass(frozen=True)
class PartnerContact:
    """A partner's contact addresses and the last reminder sent to it."""

    id: int
    name: str
    emails: tuple[str, ...]  # the contact e-mail first, then the second one
    last_reminded_at: datetime | None = None
    last_reminded_by: str = ""

    @property
    def last_reminder_text(self) -> str:
        """ "3 Mar 2026 by X", or "" when the partner was never reminded."""
        if self.last_reminded_at is None:
            return ""
        return f"{_short(self.last_reminded_at.date())} by {self.last_reminded_by}"


@dataclass(frozen=True)
class Page:
    """One page of the worklist: its items, its number (from 1) and how many pages there are."""

    items: tuple[WorkItem, ...]
    number: int
    pages: int
    total: int
    size: int

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first item; 0 on an empty list."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


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
    countries: tuple[str, ...] = ()
    event_id: int | None = None
    budget: Decimal | None = None
    currency: str = ""

    @property
    def partners_text(self) -> str:
        return "; ".join(f"{p.name} (lead)" if p.lead else p.name for p in self.partners)

    def involves(self, partner_id: int) -> bool:
        return any(p.id == partner_id for p in self.partners)


#: How many filtered or ordered views of one worklist are kept with it (``Worklist._remember``).
_MEMO_SIZE = 32
_KIND_ORDER = {k.value: n for n, k in enumerate(WorkKind)}
_PARTNER_KIND_VALUES = [k.value for k in _PARTNER_KINDS]
#: What ``Worklist`` remembers of its items that their order does not change.
_ANY_ORDER = frozenset({"counts", "partners", "reminder_partners", "countries", "events"})


class _Facts:
    """The rows of a worklist as columns (one row per item), for filtering, ordering and counting them all at
    once, and each row made into a ``WorkItem`` only when it is looked at (a page, a reminder, an export).

    ``frame``: kind, commitment_id, date, days, budget (a number), event_id, and, for rows read from the
    store, the columns ``_item`` words them from. ``links``: the partners of each commitment (commitment_id,
    partner_id, lead); ``partners``: each partner's name and stakeholder type (indexed by partner_id);
    ``places``: the countries of each commitment (commitment_id, country).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        links: pd.DataFrame,
        partners: pd.DataFrame,
        places: pd.DataFrame,
        made: dict[int, WorkItem],
        today: date,
        cycle: int,
    ) -> None:
        self.frame, self.links, self.places, self.made = frame, links, places, made
        self.partners = partners.drop_duplicates("partner_id").set_index("partner_id")
        # What filters, orders and counts read (a filtered or ordered list copies these, not every column).
        self.columns = frame[["kind", "commitment_id", "date", "days", "budget_value", "event_id"]]
        self.today, self.cycle = today, cycle
        self.lock = threading.Lock()

    @functools.cached_property
    def by_name(self) -> pd.DataFrame:
        """The partners (partner_id, name) ordered by name, case aside (then by number), sorted once."""
        found = self.partners[["name"]].reset_index()
        return found.assign(lower=found["name"].str.lower()).sort_values(["lower", "partner_id"], kind="stable")

    @classmethod
    def of_rows(cls, rows: WorklistRows, today: date, cycle: int) -> _Facts:
        """The facts of what ``Store.worklist`` gives."""
        frame = rows.items.reset_index(drop=True)
        frame["date"] = pd.to_datetime(frame["due"]).astype("datetime64[s]")  # ordered as dates, whole column at once
        frame["days"] = (pd.Timestamp(today) - frame["date"]).dt.days
        frame["budget_value"] = pd.to_numeric(frame["budget"], errors="coerce")
        return cls(frame, rows.links, rows.partners, rows.countries, {}, today, cycle)

    @classmethod
    def of_items(cls, items: Sequence[WorkItem], today: date, cycle: int) -> _Facts:
        """The facts of items already made (a worklist put together from items)."""
        frame = pd.DataFrame({
            "kind": [i.kind.value for i in items],
            "commitment_id": [i.commitment_id for i in items],
            "date": pd.to_datetime(pd.Series([i.date for i in items], dtype=object)).astype("datetime64[s]"),
            "days": [i.days for i in items],
            "budget_value": pd.to_numeric(pd.Series([i.budget for i in items], dtype=object), errors="coerce"),
            "event_id": pd.array([i.event_id for i in items], dtype="Int64"),
        })  # fmt: skip
        seen: dict[int, WorkItem] = {}
        for i in items:
            seen.setdefault(i.commitment_id, i)
        links = pd.DataFrame(
            [(cid, p.id, p.lead) for cid, i in seen.items() for p in i.partners],
            columns=["commitment_id", "partner_id", "lead"],
        )
        partners = pd.DataFrame(
            [(p.id, p.name, p.stakeholder_type) for i in seen.values() for p in i.partners],
            columns=["partner_id", "name", "stakeholder_type"],
        )
        places = pd.DataFrame(
            [(cid, c) for cid, i in seen.items() for c in i.countries], columns=["commitment_id", "country"]
        )
        return cls(frame, links, partners, places, dict(enumerate(items)), today, cycle)

    def items(self, positions: Sequence[int]) -> tuple[WorkItem, ...]:
        """The items at these positions of ``frame``, made now if not made before."""
        with self.lock:
            missing = [int(p) for p in positions if int(p) not in self.made]
        if missing:
            rows = _records(self.frame.iloc[missing])
            cids = list({row["commitment_id"] for row in rows})
            links = self.links[self.links["commitment_id"].isin(cids)].join(self.partners, on="partner_id")
            # Lead first, then by name (and number, for two partners of one name).
            links = links.assign(not_lead=~links["lead"].astype(bool)).sort_values(
                ["commitment_id", "not_lead", "name", "partner_id"], kind="stable"
            )
            # Gathered from the columns as plain lists: a group or a row object per commitment costs more than
            # the items themselves.
            refs: dict[int, list[PartnerRef]] = {}
            for cid, pid, name, lead, kind in zip(
                links["commitment_id"].tolist(), links["partner_id"].tolist(), links["name"].tolist(),
                links["lead"].tolist(), links["stakeholder_type"].tolist(), strict=True,
            ):  # fmt: skip
                refs.setdefault(int(cid), []).append(PartnerRef(int(pid), str(name), bool(lead), str(kind)))
            partners = {cid: tuple(found) for cid, found in refs.items()}
            places = self.places[self.places["commitment_id"].isin(cids)]
            codes: dict[int, list[str]] = {}
            for cid, code in zip(places["commitment_id"].tolist(), places["country"].tolist(), strict=True):
                codes.setdefault(int(cid), []).append(str(code))
            countries = {cid: tuple(found) for cid, found in codes.items()}
            made = {
                p: _item(row, self.today, self.cycle, partners.get(int(row["commitment_id"]), ()),
                         countries.get(int(row["commitment_id"]), ()))
                for p, row in zip(missing, rows, strict=True)
            }  # fmt: skip
            with self.lock:
                self.made.update(made)
        return tuple(self.made[int(p)] for p in positions)


class _Items(Sequence[WorkItem]):
    """The items of a worklist, in its order: made into ``WorkItem`` objects only when looked at."""

    def __init__(self, facts: _Facts, positions: np.ndarray) -> None:
        self.facts, self.positions = facts, positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):  # type: ignore[override]  (an int gives one item, a slice a tuple)
        if isinstance(index, slice):
            return self.facts.items(self.positions[index])
        return self.facts.items([self.positions[index]])[0]

    def __iter__(self) -> Iterator[WorkItem]:
        for start in range(0, len(self.positions), 1000):
            yield from self.facts.items(self.positions[start : start + 1000])

    def __bool__(self) -> bool:
        return len(self.positions) > 0

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  (compared by content, like the tuple it stands for)

    def __repr__(self) -> str:
        return f"<{len(self)} worklist items>"


@dataclass(frozen=True)
class Worklist:
    """The items needing attention, with what a page asks of them (filters, orders, pages, partners).

    ``items`` is a tuple of ``WorkItem`` (a worklist put together by hand) or, for one ``build_worklist``
    made, a sequence that makes each item only when it is looked at: the list is filtered, ordered, counted
    and paged as columns, so a page of 50 makes 50 items, not one per row of the database. A worklist never
    changes once made, so what is asked of it is computed once and kept with it: a page that shows the same
    list again (a widget click, with the worklist remembered by ``services.cache``) recomputes nothing."""

    items: Sequence[WorkItem]
    cycle_months: int
    stale_days: int
    embargo_days: int
    as_of: datetime

    contacts: Mapping[int, PartnerContact] = field(default_factory=dict)
    # Not init fields: ``replace`` (a filtered or ordered copy) starts with a memo of its own.
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def _lazy(self) -> _Items:
        """The items as positions in their facts (made from the items themselves when they were given)."""
        if isinstance(self.items, _Items):
            return self.items
        return self._remember(
            "lazy",
            lambda: _Items(
                _Facts.of_items(tuple(self.items), self.as_of.date(), self.cycle_months),
                np.arange(len(self.items)),
            ),
        )

    def _frame(self) -> pd.DataFrame:
        """The facts of this worklist's items, in its order (index: their positions in the facts)."""
        lazy = self._lazy
        return self._remember("frame", lambda: lazy.facts.columns.iloc[lazy.positions])

    def _with(self, positions: np.ndarray) -> Worklist:
        return replace(self, items=_Items(self._lazy.facts, positions))

    def _remember(self, key: Any, compute: Callable[[], Any]) -> Any:
        found = self._memo.get(key, _NOTHING)
        if found is _NOTHING:
            found = compute()
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.pop(next(iter(self._memo)), None)
            self._memo[key] = found
        return found

    def only(
        self,
        kinds: Iterable[WorkKind] = (),
        partner_ids: Iterable[int] = (),
        *,
        countries: Iterable[str] = (),
        event_ids: Iterable[int] = (),
        stakeholder_types: Iterable[StakeholderType | str] = (),
        not_reminded_within_days: int | None = None,
    ) -> Worklist:
        """The items matching every filter given (a filter left empty keeps everything).

        Kinds and events: the item's own. Partners, countries and stakeholder types: any of the item's.
        ``not_reminded_within_days``: leave out items whose every partner was reminded in the last N days.
        """
        kinds = frozenset(WorkKind(k) for k in kinds)
        partner_ids, countries = frozenset(int(p) for p in partner_ids), frozenset(countries)
        event_ids, types = frozenset(int(e) for e in event_ids), frozenset(str(t) for t in stakeholder_types)
        key = ("only", kinds, partner_ids, countries, event_ids, types, not_reminded_within_days)
        return self._remember(
            key, lambda: self._only(kinds, partner_ids, countries, event_ids, types, not_reminded_within_days)
        )

    def _only(
        self,
        kinds: frozenset[WorkKind],
        partner_ids: frozenset[int],
        countries: frozenset[str],
        event_ids: frozenset[int],
        types: frozenset[str],
        not_reminded_within_days: int | None,
    ) -> Worklist:
        if not (kinds or partner_ids or countries or event_ids or types or not_reminded_within_days is not None):
            return self
        frame, facts = self._frame(), self._lazy.facts
        links = facts.links
        keep = pd.Series(True, index=frame.index)
        if kinds:
            keep &= frame["kind"].isin([k.value for k in kinds])
        if event_ids:
            keep &= frame["event_id"].isin(list(event_ids)).fillna(False).astype(bool)
        if partner_ids:
            keep &= frame["commitment_id"].isin(links.loc[links["partner_id"].isin(list(partner_ids)), "commitment_id"])
        if types:
            typed = facts.partners.index[facts.partners["stakeholder_type"].isin(list(types))]
            keep &= frame["commitment_id"].isin(links.loc[links["partner_id"].isin(typed), "commitment_id"])
        if countries:
            places = facts.places
            keep &= frame["commitment_id"].isin(places.loc[places["country"].isin(list(countries)), "commitment_id"])
        if not_reminded_within_days is not None:
            since = self.as_of - timedelta(days=not_reminded_within_days)
            recent = (
                self.contacts.reminded_since(since)
                if isinstance(self.contacts, _Contacts)
                else [c.id for c in self.contacts.values() if c.last_reminded_at is not None
                      and c.last_reminded_at >= since]
            )  # fmt: skip
            if recent:  # leave out commitments with partners, every one of them reminded recently
                flagged = links.assign(recent=links["partner_id"].isin(recent))
                all_recent = flagged.groupby("commitment_id")["recent"].all()
                keep &= ~frame["commitment_id"].isin(all_recent.index[all_recent])
        return self._with(self._lazy.positions[keep.to_numpy()])

    def ordered(self, order: WorkOrder | str = WorkOrder.BY_KIND) -> Worklist:
        """The same items in another order (ties: kind, date, commitment number)."""
        order = WorkOrder(order)
        return self._remember(("ordered", order), lambda: self._ordered(order))

    def _ordered(self, order: WorkOrder) -> Worklist:
        frame = self._frame()
        keys = pd.DataFrame({
            "kind": frame["kind"].map(_KIND_ORDER).to_numpy(),
            "date": frame["date"].to_numpy(),
            "id": frame["commitment_id"].to_numpy(),
            "minus_days": -frame["days"].to_numpy(),
            "no_budget": frame["budget_value"].isna().to_numpy(),
            "minus_budget": -frame["budget_value"].fillna(0).to_numpy(),
        })  # fmt: skip
        by = {
            WorkOrder.LONGEST_OVERDUE: ["minus_days", "kind", "date", "id"],
            WorkOrder.HIGHEST_BUDGET: ["no_budget", "minus_budget", "kind", "date", "id"],
            WorkOrder.COMMITMENT: ["id", "kind"],
            WorkOrder.BY_KIND: ["kind", "date", "id"],
        }[order]
        sorted_rows = keys.sort_values(by, kind="stable").index.to_numpy()
        ordered = self._with(self._lazy.positions[sorted_rows])
        # The same items: what does not depend on their order is not computed again, and asking the ordered
        # list for its own order (the page does, after build_worklist) gives it back.
        ordered._memo.update({k: v for k, v in self._memo.items() if k in _ANY_ORDER})
        ordered._memo[("ordered", order)] = ordered
        return ordered

    def page(self, number: int, size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Page ``number`` (from 1; out of range: the nearest page) of ``size`` items."""
        size = max(1, int(size))
        pages = max(1, math.ceil(len(self.items) / size))
        number = min(max(1, int(number)), pages)
        start = (number - 1) * size
        return Page(tuple(self.items[start : start + size]), number, pages, len(self.items), size)

    def counts(self) -> dict[WorkKind, int]:
        """Items per kind, every kind listed (zero included)."""

        def count() -> dict[WorkKind, int]:
            found = self._frame()["kind"].value_counts()
            return {k: int(found.get(k.value, 0)) for k in WorkKind}

        return dict(self._remember("counts", count))

    def partners(self) -> dict[int, str]:
        """The partners named by at least one item, id -> name, by name."""
        return dict(self._remember("partners", lambda: self._named(self._frame()["commitment_id"])))

    def reminder_partners(self) -> dict[int, str]:
        """The partners with something to act on (a reminder can be written for them), by name."""

        def named() -> dict[int, str]:
            frame = self._frame()
            return self._named(frame.loc[frame["kind"].isin(_PARTNER_KIND_VALUES), "commitment_id"])

        return dict(self._remember("reminder_partners", named))

    def _named(self, commitment_ids: pd.Series) -> dict[int, str]:
        facts = self._lazy.facts
        ids = facts.links.loc[facts.links["commitment_id"].isin(commitment_ids), "partner_id"].unique()
        found = facts.by_name[facts.by_name["partner_id"].isin(ids)]
        return dict(zip(found["partner_id"].astype(int).tolist(), found["name"].tolist(), strict=True))

    def owed(self, partner_ids: Iterable[int] | None = None) -> dict[int, tuple[WorkItem, ...]]:
        """Each partner with something to act on (or only these partners) -> its items of the kinds a partner
        acts on, in list order."""
        wanted = None if partner_ids is None else frozenset(int(p) for p in partner_ids)
        return self._remember(("owed", wanted), lambda: self._owed(wanted))

    def _owed(self, wanted: frozenset[int] | None) -> dict[int, tuple[WorkItem, ...]]:
        frame, lazy = self._frame(), self._lazy
        links = lazy.facts.links
        if wanted is not None:
            links = links[links["partner_id"].isin(list(wanted))]
        mine = pd.DataFrame({
            "order": np.arange(len(frame)), "position": frame.index.to_numpy(),
            "commitment_id": frame["commitment_id"].to_numpy(),
        })[frame["kind"].isin(_PARTNER_KIND_VALUES).to_numpy()]  # fmt: skip
        pairs = mine.merge(links[["commitment_id", "partner_id"]], on="commitment_id").sort_values(
            ["partner_id", "order"], kind="stable"
        )
        positions = pairs["position"].unique()
        made = dict(zip(positions, lazy.facts.items(positions), strict=True))
        return {
            int(pid): tuple(made[p] for p in group["position"])
            for pid, group in pairs.groupby("partner_id", sort=False)
        }

    def country_codes(self) -> frozenset[str]:
        """The countries named by at least one item."""
        places = self._lazy.facts.places

        def named() -> frozenset[str]:
            shown = places.loc[places["commitment_id"].isin(self._frame()["commitment_id"]), "country"]
            return frozenset(shown.unique().tolist())

        return self._remember("countries", named)

    def event_ids(self) -> frozenset[int]:
        """The events (summits, plans) at least one item's commitment was made at."""
        return self._remember(
            "events", lambda: frozenset(int(e) for e in self._frame()["event_id"].dropna().unique().tolist())
        )

    def table(
        self, *, link: Callable[[int], str] | None = None, items: Sequence[WorkItem] | None = None
    ) -> pd.DataFrame:
        """The worklist as a table with readable column names (the CSV export uses this too).

        ``link``: a commitment id -> the address of its page (``partners.presentation.urls``: relative on
        screen, absolute in an export), for an "Open" column first; none without it. ``items``: only these
        (one page), not the whole list.
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
            for i in (self.items if items is None else items)
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
    subject: str = REMINDER_SUBJECT
    body: str = ""
    to: tuple[str, ...] = ()  # the partner's contact e-mail, then the second one (empty: none stored)
    last_reminder: str = ""  # "3 Mar 2026 by X"

    @property
    def commitment_count(self) -> int:
        return len({i.commitment_id for i in self.items})

    @property
    def eml_name(self) -> str:
        return self.file_name.removesuffix(".txt") + ".eml"


# -- the worklist ---------------------------------------------------------------------------------


def build_worklist(
    store: Store,
    actor: Actor,
    *,
    kinds: Iterable[WorkKind | str] = (),
    partner_ids: Iterable[int] = (),
    countries: Iterable[str] = (),
    event_ids: Iterable[int] = (),
    stakeholder_types: Iterable[StakeholderType | str] = (),
    not_reminded_within_days: int | None = None,
    order: WorkOrder | str = WorkOrder.BY_KIND,
    cycle_months: int | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
    embargo_days: int = DEFAULT_EMBARGO_DAYS,
    now: datetime | None = None,
) -> Worklist:
    """What needs the secretariat's attention, filtered (see ``Worklist.only``) and in the chosen order.

    ``cycle_months`` defaults to the stored setting. Raises ValidationFailed for an unknown kind, order or
    stakeholder type or a threshold out of range, PermissionDenied for anyone outside the secretariat.
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
    types: set[str] = set()
    for t in stakeholder_types:
        try:
            types.add(StakeholderType(t).value)
        except ValueError:
            problems.append(f"Stakeholder type: '{t}' is not one of: {', '.join(x.value for x in StakeholderType)}")
    try:
        order = WorkOrder(order)
    except ValueError:
        problems.append(f"Order: '{order}' is not one of: {', '.join(o.value for o in WorkOrder)}")
    if not_reminded_within_days is not None:
        try:
            not_reminded_within_days = whole_number("Reminded within (days)", not_reminded_within_days, 1, 3650)
        except ValidationFailed as exc:
            problems += exc.problems
    if problems:
        raise ValidationFailed(problems)
    cycle, stale, embargo = values

    scope = view_scope(actor, now)
    rows = store.worklist(
        scope,
        cycle_months=cycle,
        stale_before=scope.now - timedelta(days=stale),
        embargo_by=scope.now + timedelta(days=embargo),
        closed=tuple(sorted(s.value for s in CLOSED_STATUSES)),
    )
    facts = _Facts.of_rows(rows, scope.now.date(), cycle)
    contacts = _Contacts(store.partner_contacts())
    whole = Worklist(_Items(facts, np.arange(len(facts.frame))), cycle, stale, embargo, scope.now, contacts)
    return whole.only(
        wanted,
        wanted_partners,
        countries=countries,
        event_ids=event_ids,
        stakeholder_types=types,
        not_reminded_within_days=not_reminded_within_days,
    ).ordered(order)


class _Contacts(Mapping[int, PartnerContact]):
    """Every live partner's ``PartnerContact`` by partner id, each made when it is looked up: a reminder page
    looks up a hundred partners, not the thousands a large database holds."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame.reset_index(drop=True)
        self.rows = dict(zip(self.frame["id"].astype(int).tolist(), range(len(self.frame)), strict=True))
        self.made: dict[int, PartnerContact] = {}
        self._columns: dict[str, list[Any]] | None = None

    def __getitem__(self, partner_id: int) -> PartnerContact:
        found = self.made.get(partner_id)
        if found is None:
            at = self.rows[partner_id]  # KeyError for an unknown partner
            if self._columns is None:  # a column at a time, once: a row at a time costs a frame per row
                self._columns = {c: self.frame[c].tolist() for c in self.frame.columns}
            found = self.made[partner_id] = _contact({c: values[at] for c, values in self._columns.items()})
        return found

    def __iter__(self) -> Iterator[int]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def reminded_since(self, since: datetime) -> list[int]:
        """The partners last reminded at or after ``since``."""
        at = self.frame["last_reminded_at"]
        return self.frame.loc[at.notna() & (at >= since), "id"].astype(int).tolist()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts, as ``to_dict("records")`` gives them, but read a column at a time: a
    text column read cell by cell costs a call per cell."""
    columns = [frame[c].tolist() for c in frame.columns]
    names = list(frame.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _contact(row: dict[str, Any]) -> PartnerContact:
    emails = tuple(e for e in (_text(row["contact_email"]), _text(row["contact_email_2"])) if e)
    at = row["last_reminded_at"]
    at = None if at is None or pd.isna(at) else (at.to_pydatetime() if hasattr(at, "to_pydatetime") else at)
    return PartnerContact(int(row["id"]), str(row["name"]), emails, at, _text(row["last_reminded_by"]))


def _item(
    row: dict[str, Any], today: date, cycle: int, partners: tuple[PartnerRef, ...], countries: tuple[str, ...]
) -> WorkItem:
    """The item a row of ``Store.worklist`` is, with its commitment's partners and countries."""
    kind = WorkKind(row["kind"])
    when = _day(row["due"])
    assert when is not None  # every kind selects rows whose date is set
    cid = int(row["commitment_id"])
    budget = row["budget"]
    event_id = row["event_id"]
    detail, ask = _words(kind, row, when, today, cycle)
    return WorkItem(
        kind=kind,
        commitment_id=cid,
        title=str(row["title"]),
        partners=partners,
        date=when,
        days=(today - when).days,
        detail=detail,
        ask=ask,
        countries=countries,
        event_id=None if event_id is None or pd.isna(event_id) else int(event_id),
        budget=None if budget is None or pd.isna(budget) else Decimal(str(budget)),
        currency=_text(row["currency"]),
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
    mine = worklist.owed([partner_id]).get(partner_id, ())
    return _compose(worklist, partner_id, mine, reply_by=reply_by, signature=signature)


def _compose(
    worklist: Worklist,
    partner_id: int,
    mine: tuple[WorkItem, ...],
    *,
    reply_by: date | None = None,
    signature: str = SECRETARIAT_SIGNATURE,
) -> Reminder | None:
    """The reminder to one partner of what it owes (``mine``: its partner items, in worklist order)."""
    if not mine:
        return None
    name = next(p.name for p in mine[0].partners if p.id == partner_id)
    reply_by = reply_by or worklist.as_of.date() + timedelta(days=DEFAULT_REPLY_DAYS)
    count = len({i.commitment_id for i in mine})
    lines = [
        f"Subject: {REMINDER_SUBJECT}",
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
    contact = worklist.contacts.get(partner_id)
    return Reminder(
        partner_id=partner_id,
        partner_name=name,
        items=mine,
        text="\n".join(lines) + "\n",
        file_name=f"reminder-{slug}-{worklist.as_of:%Y-%m-%d}.txt",
        body="\n".join(lines[2:]) + "\n",
        to=contact.emails if contact else (),
        last_reminder=contact.last_reminder_text if contact else "",
    )


def reminders(
    worklist: Worklist, *, reply_by: date | None = None, partner_ids: Iterable[int] | None = None
) -> list[Reminder]:
    """A reminder for every partner with something due (or only these partners), by partner name."""
    owed = worklist.owed(partner_ids)  # the items of these partners only, gathered in one pass
    found = (
        _compose(worklist, pid, owed[pid], reply_by=reply_by) for pid in worklist.reminder_partners() if pid in owed
    )
    return [r for r in found if r is not None]


def reminder_message(reminder: Reminder, *, sender: str = "", at: datetime | None = None) -> EmailMessage:
    """The reminder as an e-mail ready to open in a mail program: To the contact e-mail, Cc the second one.

    ``sender``: the From address (left out unless it is an e-mail address). The body is plain text.
    """
    message = EmailMessage(policy=SMTP)
    if reminder.to:
        message["To"] = reminder.to[0]
    if len(reminder.to) > 1:
        message["Cc"] = ", ".join(reminder.to[1:])
    if sender and rules.is_email_address(sender):
        message["From"] = sender
    message["Subject"] = reminder.subject
    if at is not None:
        message["Date"] = format_datetime(at.astimezone())
    # An unsent draft: mail programs open it for editing rather than as a received message.
    message["X-Unsent"] = "1"
    message.set_content(reminder.body)
    return message


def eml_archive(reminders: Sequence[Reminder], *, sender: str = "", at: datetime | None = None) -> bytes:
    """One ZIP holding an ``.eml`` file per reminder (file names are made from the partner's name)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for r in reminders:
            name = r.eml_name
            if name in used:  # two partners whose names make the same file name
                name = name.removesuffix(".eml") + f"-{r.partner_id}.eml"
            used.add(name)
            archive.writestr(name, reminder_message(r, sender=sender, at=at).as_bytes())
    return buffer.getvalue()


def mail_merge_table(reminders: Sequence[Reminder]) -> pd.DataFrame:
    """One row per reminder for a mail merge: address, second address, subject and body (export via to_csv)."""
    columns = ["Partner", "Partner no.", "To", "Cc", "Subject", "Body", "Commitments"]
    rows = [
        {
            "Partner": r.partner_name,
            "Partner no.": r.partner_id,
            "To": r.to[0] if r.to else "",
            "Cc": ", ".join(r.to[1:]),
            "Subject": r.subject,
            "Body": r.body,
            "Commitments": r.commitment_count,
        }
        for r in reminders
    ]
    return pd.DataFrame(rows, columns=columns)


def reminder_table(reminders: Sequence[Reminder], *, mailto: Callable[[Reminder], str] | None = None) -> pd.DataFrame:
    """The partners to remind, one row each: address, what is due, the last reminder and (given ``mailto``,
    a reminder -> its ``mailto:`` address) an "E-mail" column first."""
    rows = [
        {
            **({"E-mail": mailto(r)} if mailto else {}),
            "Partner": r.partner_name,
            "Contact e-mail": ", ".join(r.to),
            "Commitments": r.commitment_count,
            "Items": len(r.items),
            "Last reminder": r.last_reminder,
        }
        for r in reminders
    ]
    columns = (["E-mail"] if mailto else []) + ["Partner", "Contact e-mail", "Commitments", "Items", "Last reminder"]
    return pd.DataFrame(rows, columns=columns)


def record_reminders(
    store: Store,
    actor: Actor,
    reminders: Sequence[Reminder],
    channel: ReminderChannel | str,
    *,
    now: datetime | None = None,
) -> int:
    """Record that these reminders were sent (or handed over for sending) now, by ``actor``; audited.

    Returns how many were recorded. Raises ValidationFailed for an unknown channel or partner,
    PermissionDenied for anyone who may not record reminders.
    """
    authorize(actor, UseCase.RECORD_REMINDERS)
    try:
        channel = ReminderChannel(channel)
    except ValueError:
        raise ValidationFailed(
            [f"Channel: '{channel}' is not one of: {', '.join(c.value for c in ReminderChannel)}"]
        ) from None
    if not reminders:
        return 0
    ids = [r.partner_id for r in reminders]
    at = (now or datetime.now()).replace(microsecond=0)
    with store.transaction():
        missing = set(ids) - store.existing_keys("partners", "id", ids)
        if missing:
            raise ValidationFailed([f"Partner: no partner with id {', '.join(map(str, sorted(missing)))}"])
        new_ids = store.next_ids("reminder_ids", len(reminders))
        rows = [
            {
                "id": rid,
                "partner_id": r.partner_id,
                "reminded_at": at,
                "reminded_by": actor.display,
                "channel": channel.value,
                "commitment_count": r.commitment_count,
            }
            for rid, r in zip(new_ids, reminders, strict=True)
        ]
        store.bulk_insert("partner_reminders", rows)
        audit.record_many(
            store,
            (
                audit.audit_entry(
                    actor, "create", "partner_reminder", row["id"],
                    after=row | {"reminded_at": at.isoformat(), "partner": r.partner_name},
                )
                for row, r in zip(rows, reminders, strict=True)
            ),
            at=at,
        )  # fmt: skip
    return len(rows)


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
