"""Reads remembered between page views, so that a widget click does not recompute what has not changed.

A remembered result is keyed by:

- the store it was read from (each open store has its own entries);
- the data version (``Store.data_version``), which every committed write moves on, in whatever process it
  was made: once it moves, every entry of the older version is dropped, so a result never outlives its data;
- the viewer: the role and the countries and partners the role is scoped to (all that a permission check or
  a ``ViewScope`` reads of an actor), and the ``ViewScope`` itself. A figure computed for the secretariat is
  never served to the public, nor one country's focal point's to another's;
- the minute: reads are made as of the start of the current minute (their ``now``), so that embargoes lift
  and reports fall overdue with the clock, at most a minute late;
- the function and its arguments (which must be hashable).

The functions remembered are service reads (``fn(store, actor, ...)``): a first call for a key runs them,
permission checks included; a later call for the same key, by a viewer with the same role and scope, gets
the result. Results are shared between sessions and must not be changed by the caller: a DataFrame (alone,
or in a dict, tuple or dataclass) comes back as a shallow copy, so setting a column of it is safe.

Direct calls of the services (the command line, tests, benchmarks of the queries) are not cached.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import pandas as pd

from partners.domain.model import Actor
from partners.services.visibility import view_scope
from partners.storage.port import Store

T = TypeVar("T")

#: Results kept per store (least recently used dropped first). A page holds a handful; the worklist one
#: is the largest.
MAX_ENTRIES = 48

_MISSING = object()

#: Values nobody can change in place: a dict holding only these is copied whole, not value by value.
_PLAIN = (str, int, float, bool, type(None), date, Decimal)


class _Entries:
    """One store's remembered results, all of one data version."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: int | None = None
        self.values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, version: int, key: Hashable) -> Any:
        with self.lock:
            if version != self.version:
                return _MISSING
            value = self.values.get(key, _MISSING)
            if value is not _MISSING:
                self.values.move_to_end(key)
            return value

    def put(self, version: int, key: Hashable, value: Any) -> None:
        with self.lock:
            if self.version is None or version > self.version:  # newer data: the older results go
                self.values.clear()
                self.version = version
            if version != self.version:  # computed from data older than what is remembered now
                return
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > MAX_ENTRIES:
                self.values.popitem(last=False)


_stores: weakref.WeakKeyDictionary[Any, _Entries] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def _entries(store: Store) -> _Entries:
    with _stores_lock:
        found = _stores.get(store)
        if found is None:
            found = _stores[store] = _Entries()
        return found


def clear() -> None:
    """Forget every remembered result (of every store)."""
    with _stores_lock:
        _stores.clear()


def viewer(actor: Actor) -> tuple[Hashable, ...]:
    """What of an actor a read may depend on: the role and what it is scoped to (not who they are)."""
    return (actor.role, actor.countries, actor.partners)


def minute() -> datetime:
    """The moment remembered reads are made as of: the start of the current minute."""
    return datetime.now().replace(second=0, microsecond=0)


@cache
def _takes_now(fn: Callable[..., Any]) -> bool:
    return "now" in inspect.signature(fn).parameters


def cached(fn: Callable[..., T], store: Store, actor: Actor, *args: Hashable, **kwargs: Hashable) -> T:
    """``fn(store, actor, *args, **kwargs)`` (with ``now`` the current minute, if ``fn`` takes one),
    remembered until the data changes, for viewers of the same role and scope."""
    version = store.data_version()  # before the read: what is remembered is at least as new as its key
    if version is None:  # a schema too old to tell changes: never remember
        return fn(store, actor, *args, **kwargs)
    at = minute()
    timed = _takes_now(fn)
    entries = _entries(store)
    key = (fn.__module__, fn.__qualname__, viewer(actor), _scope(entries, version, store, actor, at) if timed else None,
           args, tuple(sorted(kwargs.items())))  # fmt: skip
    value = entries.get(version, key)
    if value is _MISSING:
        value = fn(store, actor, *args, **({"now": at} if timed else {}), **kwargs)
        entries.put(version, key, value)
    return _fresh(value)


def remembered(store: Store, actor: Actor, name: str, parts: Hashable, compute: Callable[[], T]) -> T:
    """A value a page derives from remembered reads (a file to download, say), remembered under the same
    key: ``name`` and ``parts`` say what it is; ``compute`` makes it."""
    version = store.data_version()
    if version is None:
        return compute()
    entries = _entries(store)
    key = ("derived", name, viewer(actor), _scope(entries, version, store, actor, minute()), parts)
    value = entries.get(version, key)
    if value is _MISSING:
        value = compute()
        entries.put(version, key, value)
    return _fresh(value)


def _scope(entries: _Entries, version: int, store: Store, actor: Actor, at: datetime) -> Hashable:
    """The actor's view scope at ``at``, itself remembered for the data version (it reads the reporting cycle
    from the store: a page's many remembered reads need not each ask for it)."""
    key = ("view-scope", viewer(actor), at)
    scope = entries.get(version, key)
    if scope is _MISSING:
        scope = view_scope(actor, at, store)
        entries.put(version, key, scope)
    return scope


def _fresh(value: Any) -> Any:
    """What a caller may change without changing what is remembered (see the module's docstring)."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, dict):
        if all(isinstance(v, _PLAIN) for v in value.values()):  # names by id, say: copied at C speed
            return dict(value)
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    if isinstance(value, tuple) and any(isinstance(v, pd.DataFrame | dict) for v in value):
        return tuple(_fresh(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. dashboard.DashboardFigures
        return dataclasses.replace(value, **{f.name: _fresh(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value
