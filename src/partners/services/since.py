"""Since the last summit: what changed between two events or dates, for one viewer (the public by default
on the page: it is read out on stage).

The window's ends come from what a page or a link gives (``window``): an event's id or a date, each checked,
with defaults for what cannot be used and the reasons in words. The figures (``figures``) are the store's
comparison of the records as they stood at each end (``Store.changes_between``, from the history tables),
computed for ``services.visibility.shown_as(actor, public)``: with the public switch on, exactly what a
visitor who has not signed in sees, and breakdowns over fewer than 3 countries held back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from partners.domain.model import Actor, Role, StakeholderType
from partners.domain.permissions import UseCase, authorize
from partners.domain.scoring import MIN_PEER_COUNTRIES
from partners.domain.since import End, Group, SinceFigures
from partners.services import frameworks
from partners.services.as_of import Occasion, moment, occasions
from partners.services.country_commitments import GA_FAMILY
from partners.services.visibility import shown_as, view_scope
from partners.storage.port import Store

#: A public breakdown over fewer countries than this is held back.
MIN_COUNTRIES = MIN_PEER_COUNTRIES

#: What a window's end reads as in a link: ``today`` for the "to" end (and absent: the default).
TODAY = "today"


@dataclass(frozen=True)
class Window:
    """The two ends, and why any part of what was asked could not be used (``problems``, in words: the
    defaults were used instead)."""

    start: End
    end: End
    problems: tuple[str, ...] = ()


def events(store: Store, actor: Actor, now: datetime | None = None) -> list[Occasion]:
    """The events already held, newest first: what either end may be."""
    return occasions(store, actor, now)


def summits(store: Store, actor: Actor, now: datetime | None = None) -> list[Occasion]:
    """The summits already held, newest first."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    kinds = {int(e.id): str(e.kind) for e in store.events().itertuples(index=False)}
    return [o for o in occasions(store, actor, now) if kinds.get(o.event_id) == "summit"]


def default_window(store: Store, actor: Actor, now: datetime | None = None) -> Window:
    """From the summit before the latest one held (on the latest summit's day, "since the last summit" is
    since the one before; later, it still counts what the latest summit brought), up to today. With one
    summit held before today: since it; else the last twelve months."""
    today = (now or datetime.now()).date()
    held = summits(store, actor, now)  # on or before today, newest first: on a summit's day, it is the latest
    if len(held) >= 2:
        start = _event_end(held[1])
    elif held and held[0].on < today:
        start = _event_end(held[0])
    else:
        start = End(day=today - timedelta(days=365))
    return Window(start=start, end=End(day=today, today=True))


def window_until(store: Store, actor: Actor, day: date) -> Window:
    """"Since the last summit" as it read at the end of a past ``day`` (the dashboard shown as of it): the
    default window of that day, ending on it."""
    then = default_window(store, actor, datetime.combine(day, time.max))
    return replace(then, end=End(day=day))


def _event_end(o: Occasion, today: date | None = None) -> End:
    return End(day=o.on, event=o.name, event_id=o.event_id, today=o.on == today)


def window(store: Store, actor: Actor, start: str = "", end: str = "", now: datetime | None = None) -> Window:
    """The window a link asks for: each end an event's id ("32"), a date ("2024-10-15") or empty (the
    default; the end may also be ``today``). What cannot be used (an unknown event, a bad or future date,
    a start not before the end) is said in ``problems`` and the default is used instead."""
    now = now or datetime.now()
    today = now.date()
    default = default_window(store, actor, now)
    held = {o.event_id: o for o in events(store, actor, now)}
    problems: list[str] = []

    def read(raw: str, fallback: End, what: str) -> End:
        text = (raw or "").strip()
        if not text:
            return fallback
        if what == "to" and text.lower() == TODAY:
            return End(day=today, today=True)
        if text.isdigit():
            found = held.get(int(text))
            if found is None:
                problems.append(f"there is no event {text[:12]} already held to compare {what}")
                return fallback
            return _event_end(found, today)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(f"“{text[:40]}” is not an event or a date (write a date as year-month-day, "
                            "e.g. 2024-10-15)")
            return fallback
        if day > today:
            problems.append(f"{day.day} {day:%B %Y} is still to come: choose today or an earlier date")
            return fallback
        return End(day=day, today=day == today)

    first = read(start, default.start, "from")
    last = read(end, default.end, "to")
    if first.day >= last.day:
        problems.append(f"the start ({first.day.day} {first.day:%B %Y}) must be before the end "
                        f"({last.day.day} {last.day:%B %Y})")
        first, last = default.start, default.end
    return Window(start=first, end=last, problems=tuple(problems))


def figures(store: Store, actor: Actor, win: Window, *, public: bool, now: datetime | None = None) -> SinceFigures:
    """What changed from ``win.start`` to ``win.end`` for ``shown_as(actor, public)``: each end read as it
    stood at the end of its day (today: as it stands now), each under the visibility rule as it applied then."""
    authorize(actor, UseCase.VIEW_PUBLIC)
    viewer = shown_as(actor, public)
    now = now or datetime.now()
    before = view_scope(viewer, now=now, store=store, as_of=moment(win.start.day, now) or now)
    after = view_scope(viewer, now=now, store=store, as_of=None if win.end.today else moment(win.end.day, now))
    ga = frameworks.current_framework(store, GA_FAMILY)
    rows = store.changes_between(before, after, ga.id if ga is not None else None)
    totals = {r["key"]: int(r["commitments"] or 0) for r in rows if r["kind"] == "total"}
    is_public = viewer.role is Role.PUBLIC

    def groups(kind: str, label) -> list[Group]:
        out = []
        for r in rows:
            if r["kind"] != kind:
                continue
            countries = None if r["countries"] is None else int(r["countries"])
            g = Group(key=str(r["key"]), label=label(str(r["key"])), commitments=int(r["commitments"] or 0),
                      countries=countries)
            if is_public and countries is not None and countries < MIN_COUNTRIES:
                g = replace(g, commitments=0, countries=None, held_back=True)
            out.append(g)
        return out

    def type_label(key: str) -> str:
        try:
            return StakeholderType(key).label
        except ValueError:
            return key.replace("_", " ").capitalize()

    targets = {}
    order = {}
    if ga is not None:
        items = store.framework_items()
        for n, it in enumerate(items[items.framework_id == ga.id].itertuples(index=False)):
            targets[str(it.key)] = f"{it.code} {it.name}"
            order[str(it.key)] = n
    by_type = sorted(groups("new_by_type", type_label), key=lambda g: (-g.commitments, g.label))
    by_target = sorted(groups("complete_by_target", lambda k: targets.get(k, k)),
                       key=lambda g: (order.get(g.key, len(order)), g.key))
    return SinceFigures(
        start=win.start, end=win.end, public=is_public,
        new=totals.get("new", 0), new_joint=totals.get("new_joint", 0),
        new_partners=totals.get("new_partners", 0), new_countries=totals.get("new_countries", 0),
        newly_complete=totals.get("newly_complete", 0), newly_stalled=totals.get("newly_stalled", 0),
        newly_overdue=totals.get("newly_overdue", 0),
        engaged_partners=totals.get("engaged_partners", 0), engaged_countries=totals.get("engaged_countries", 0),
        new_by_type=tuple(by_type),
        new_by_region=tuple(sorted(groups("new_by_region", str), key=lambda g: g.label)),
        complete_by_region=tuple(sorted(groups("complete_by_region", str), key=lambda g: g.label)),
        complete_by_target=tuple(by_target),
        reporting_cycle_months=after.reporting_cycle_months,
    )
