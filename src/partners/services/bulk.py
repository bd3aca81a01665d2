"""Bulk loading of many records at once (demo data, summit spreadsheets): validate everything first,
then write all rows and their audit entries in one transaction, or nothing.
"""

from __future__ import annotations

import contextlib
import functools
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from pydantic import BaseModel

from partners.domain.audit import AuditEntry
from partners.domain.model import (
    Actor,
    CapabilityAssessment,
    Commitment,
    Event,
    Partner,
    ProgressUpdate,
)
from partners.domain.permissions import PermissionDenied, UseCase, authorize
from partners.services import frameworks, records, signoff
from partners.services.audit import audit_entry, record_many
from partners.services.errors import NotFound, ValidationFailed
from partners.storage.port import Store


@dataclass
class Dataset:
    """Records to load together. Ids inside are *local*: partners, events and commitments carry ids
    that other records in the same dataset refer to; the loader replaces them with stored ids."""

    partners: list[Partner] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    progress: list[ProgressUpdate] = field(default_factory=list)
    assessments: list[CapabilityAssessment] = field(default_factory=list)
    members: dict[str, Any] = field(default_factory=dict)  # country code -> member_since (date)
    #: local commitment id -> (created_at, updated_at), for records made before they are loaded (the demo's
    #: history); a commitment not listed is stamped with the load time.
    commitment_times: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    #: Its records were made on the dates they carry (the demo's storyline): a progress update on its report
    #: date, an assessment on its assessment date, a membership on its member-since date. Their history
    #: (what the scorecard as of a past date reads) starts then, not at the load.
    dated: bool = False

    def size(self) -> int:
        return sum(
            len(x) for x in (self.partners, self.events, self.commitments, self.progress, self.assessments)
        )


@dataclass(frozen=True)
class LoadResult:
    partners: int
    events: int
    commitments: int
    progress: int
    assessments: int
    members: int
    id_map: dict[str, dict[int, int]]


@functools.cache
def _enum_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that hold one enumeration member (stored as its value)."""

    def enum(t: Any) -> bool:
        return isinstance(t, type) and issubclass(t, Enum)

    def optional(t: Any) -> bool:  # ``X | None``
        return isinstance(t, types.UnionType) or typing.get_origin(t) is typing.Union

    return tuple(
        name for name, f in model.model_fields.items()
        if enum(f.annotation) or (optional(f.annotation) and any(enum(a) for a in typing.get_args(f.annotation)))
    )


def _row(model: BaseModel, exclude: set[str]) -> dict[str, Any]:
    """The model's fields as column values (enumerations as their values), without ``exclude``. The fields
    read are flat values and lists of them (nested models are among ``exclude``), so they need no dump:
    read as they are (a model keeps its field values in ``__dict__``), a bulk load's hot path."""
    row = dict(model.__dict__)
    for name in exclude:
        del row[name]
    for name in _enum_fields(type(model)):
        value = row.get(name)
        if value is not None:
            row[name] = value.value
    return row


def _remap(local_ids: Sequence[int | None], reserved: list[int], what: str) -> dict[int, int]:
    if any(i is None for i in local_ids):
        raise ValidationFailed([f"every {what} in a bulk load needs a local id"])
    if len(set(local_ids)) != len(local_ids):
        raise ValidationFailed([f"two {what}s share the same local id"])
    return dict(zip(local_ids, reserved, strict=True))  # type: ignore[arg-type]


def _check_references(
    store: Store, ds: Dataset, pmap: dict[int, int], emap: dict[int, int], cmap: dict[int, int],
    is_capability: Callable[[str], bool],
) -> None:
    """References either point inside the load or at stored records (the schema has no foreign keys)."""
    problems = []
    wanted = {
        ("partners", "id", "partner"): {p.partner_id for c in ds.commitments for p in c.partners} - set(pmap),
        ("events", "id", "summit or plan"): {c.event_id for c in ds.commitments if c.event_id} - set(emap),
        ("commitments", "id", "commitment"): {u.commitment_id for u in ds.progress} - set(cmap),
    }
    for (table, column, what), ids in wanted.items():
        missing = ids - store.existing_keys(table, column, ids)
        if missing:
            problems.append(f"no {what} with id {', '.join(map(str, sorted(missing)[:10]))}")
    named = {k for c in ds.commitments for k in c.countries} | {a.country for a in ds.assessments} | set(ds.members)
    unknown = named - store.existing_keys("countries", "code", named)
    if unknown:
        problems.append(f"countries not loaded in this database: {', '.join(sorted(unknown))}")
    for a in ds.assessments:
        if not is_capability(a.capability):
            problems.append(f"'{a.capability}' is not an MNR capability")
            break
    if problems:
        raise ValidationFailed(problems)


#: How many refused rows a refusal names.
SHOWN_REFUSALS = 10


def check_rows(store: Store, actor: Actor, ds: Dataset, *, earlier_partners: AbstractSet[int] = frozenset()) -> None:
    """Check every row with the permission check of its one-record service (``records.check_*``), for its
    own countries, partners and review or publishing state, before anything is written.

    ``earlier_partners``: the local ids of partners an earlier part of the same load brought (``load_parts``).
    Raises PermissionDenied naming the first refused rows (kind, position in the dataset, what it is and
    why); the load is then refused as a whole.
    """
    refused: list[str] = []
    who = f"{actor.display} ({actor.role.label}) "

    def check(where: tuple[str, ...], check_one: Any, *args: Any) -> None:
        try:
            check_one(*args)
        except PermissionDenied as exc:  # ``where``: a format and its values, worded only for a refused row
            refused.append(f"{where[0].format(*where[1:])}: {str(exc).removeprefix(who)}")

    for n, p in enumerate(ds.partners, start=1):
        check(("partner {} ({})", n, p.name), records.check_create_partner, actor, p)
    for n, e in enumerate(ds.events, start=1):
        check(("event {} ({})", n, e.name), records.check_create_event, actor, e)
    for n, c in enumerate(ds.commitments, start=1):
        check(("commitment {} ({})", n, c.title), records.check_log_commitment, actor, c)
    local_commitments = {c.id: c for c in ds.commitments}
    local_partners = {p.id for p in ds.partners} | set(earlier_partners)
    targets: dict[int, dict[str, Any] | None] = {}  # commitment id -> what its updates are checked against
    for n, u in enumerate(ds.progress, start=1):
        if u.commitment_id not in targets:
            local = local_commitments.get(u.commitment_id)
            if local is not None:  # logged in this load: its stored partners give the scope
                targets[u.commitment_id] = {
                    "id": None,
                    "countries": local.countries,
                    "partners": [{"partner_id": p.partner_id} for p in local.partners
                                 if p.partner_id not in local_partners],
                }
            else:
                try:
                    targets[u.commitment_id] = records.get_commitment(store, u.commitment_id)
                except NotFound:
                    targets[u.commitment_id] = None  # the reference check refuses it
        target = targets[u.commitment_id]
        if target is None:
            continue
        where = ("progress update {} (commitment {}, {:%Y-%m-%d})", n, u.commitment_id, u.report_date)
        check(where, records.check_record_progress, store, actor, u, target)
    for n, a in enumerate(ds.assessments, start=1):
        where = ("assessment {} ({}, {}{})", n, a.country, a.capability, ", published" if a.published else "")
        check(where, records.check_record_assessment, actor, a)
    if ds.members:
        check(("membership of {}", ", ".join(sorted(ds.members)[:5])), authorize, actor, UseCase.MANAGE_REFERENCE)
    if refused:
        more = len(refused) - SHOWN_REFUSALS
        shown = "; ".join(refused[:SHOWN_REFUSALS]) + (f"; and {more} more" if more > 0 else "")
        raise PermissionDenied(
            f"{who}may not load {len(refused)} of these records, so nothing was loaded. Refused: {shown}."
        )


def load_dataset(store: Store, actor: Actor, ds: Dataset, *, action: str = "create") -> LoadResult:
    """Write a whole dataset atomically, with one audit entry per record.

    Every row is authorised as its one-record service would authorise it (``check_rows``) before anything
    is written; one refused row refuses the whole load.
    """
    return load_parts(store, actor, [ds], action=action)


def load_parts(
    store: Store, actor: Actor, parts: Iterable[Dataset], *, action: str = "create", atomic: bool = True
) -> LoadResult:
    """Write datasets given one after another (a generator's parts) as one load.

    A part may refer, by their local ids, to the partners, events and commitments of an earlier part;
    its progress updates come in the same part as their commitments. Each part is checked as
    ``load_dataset`` checks a dataset, then written; only one part is held in memory at a time.

    ``atomic``: all parts in one transaction, so a refused or invalid part undoes the whole load. Otherwise
    each part commits on its own (the database then holds one part's pending writes at a time, not the
    whole load's), and a failure leaves the earlier parts written: for a caller that can undo them as a
    whole (the demo data: ``setup.load_demo``).
    """
    loader = _Loader(store, actor, action)
    with store.transaction() if atomic else contextlib.nullcontext():
        for part in parts:
            with store.transaction():
                loader.load(part)
        loader.sign_off()
    return loader.result()


class _Loader:
    """The state a load carries from one part to the next: the id maps and what was written."""

    def __init__(self, store: Store, actor: Actor, action: str) -> None:
        self.store, self.actor, self.action = store, actor, action
        self.now = datetime.now()
        self.pmap: dict[int, int] = {}
        self.emap: dict[int, int] = {}
        self.cmap: dict[int, int] = {}
        self.counts = dict.fromkeys(("partners", "events", "commitments", "progress", "assessments", "members"), 0)
        self.capabilities: dict[str, bool] = {}
        self.published: dict[str, list[int]] = {}  # country -> assessments published on the way in

    def sign_off(self) -> None:
        """Sign off, once per country after the last part, the published scorecard with the assessments
        published on the way in (``signoff.publish_assessments``)."""
        with self.store.transaction():
            for code in sorted(self.published):
                signoff.publish_assessments(self.store, self.actor, code, add=self.published[code])

    def result(self) -> LoadResult:
        return LoadResult(
            **self.counts, id_map={"partner": self.pmap, "event": self.emap, "commitment": self.cmap}
        )

    def _check(self, ds: Dataset) -> None:
        store = self.store
        check_rows(store, self.actor, ds, earlier_partners=set(self.pmap))
        problems = []
        item_keys = {k for c in ds.commitments for k in c.framework_items}
        unknown = set(frameworks.unknown_item_keys(store, item_keys))
        for c in ds.commitments:
            for key in dict.fromkeys(c.framework_items):
                if key in unknown:
                    problems.append(f"Commitment '{c.title}': unknown framework item {key}")
        now = self.now
        for local, (created, updated) in ds.commitment_times.items():
            if not created <= updated <= now:
                problems.append(f"Commitment {local}: its times must run created <= last changed <= now")
        earlier = {u.commitment_id for u in ds.progress} & set(self.cmap)
        if earlier:
            problems.append(
                "progress updates must come in the same part of a load as their commitment "
                f"(commitment {', '.join(map(str, sorted(earlier)[:10]))})"
            )
        if problems:
            raise ValidationFailed(problems[:50])

    def _is_capability(self, key: str) -> bool:
        if key not in self.capabilities:
            self.capabilities[key] = frameworks.is_capability(self.store, key)
        return self.capabilities[key]

    def load(self, ds: Dataset) -> None:
        """Check one part, then write its rows and their audit entries (inside the load's transaction)."""
        store, actor, now = self.store, self.actor, self.now
        self._check(ds)  # inside the transaction: what was checked is what gets written
        pmap = _remap([p.id for p in ds.partners], store.next_ids("partner_ids", len(ds.partners)), "partner")
        emap = _remap([e.id for e in ds.events], store.next_ids("event_ids", len(ds.events)), "event")
        cmap = _remap(
            [c.id for c in ds.commitments], store.next_ids("commitment_ids", len(ds.commitments)), "commitment"
        )
        for mine, earlier, what in ((pmap, self.pmap, "partner"), (emap, self.emap, "event"),
                                    (cmap, self.cmap, "commitment")):  # fmt: skip
            if mine.keys() & earlier.keys():
                raise ValidationFailed([f"two {what}s share the same local id"])
            earlier.update(mine)
        pmap, emap, cmap = self.pmap, self.emap, self.cmap
        _check_references(store, ds, pmap, emap, cmap, self._is_capability)

        audits: list[AuditEntry] = []

        def audit(entity: str, rid: int, row: dict[str, Any]) -> None:
            audits.append(audit_entry(actor, self.action, entity, rid, after=row))

        def partner_id(local: int) -> int:
            # A dataset may also refer to partners already stored (ids not among its own).
            return pmap.get(local, local)

        partner_rows = []
        for p in ds.partners:
            row = _row(p, {"id"}) | {"id": pmap[p.id], "tags": [t.value for t in p.tags]}
            partner_rows.append(row | {"created_at": now, "updated_at": now})
            audit("partner", row["id"], row)
        event_rows = []
        for e in ds.events:
            row = _row(e, {"id"}) | {"id": emap[e.id]}
            event_rows.append(row | {"created_at": now, "updated_at": now})
            audit("event", row["id"], row)

        commitment_rows, cp_rows, cc_rows, ci_rows = [], [], [], []
        for c in ds.commitments:
            cid = cmap[c.id]
            row = _row(c, {"id", "partners", "countries", "framework_items"}) | {"id": cid}
            if c.event_id is not None:
                row["event_id"] = emap.get(c.event_id, c.event_id)
            links = [{"partner_id": partner_id(p.partner_id), "role": p.role.value} for p in c.partners]
            created, updated = ds.commitment_times.get(c.id, (now, now))  # type: ignore[arg-type]
            commitment_rows.append(row | {"created_at": created, "updated_at": updated})
            cp_rows += [{"commitment_id": cid, **link} for link in links]
            cc_rows += [{"commitment_id": cid, "country_code": k} for k in c.countries]
            ci_rows += [{"commitment_id": cid, "item_key": k} for k in c.framework_items]
            audit(
                "commitment",
                cid,
                row | {"partners": links, "countries": c.countries, "framework_items": c.framework_items},
            )

        progress_rows = []
        for pid, u in zip(store.next_ids("progress_ids", len(ds.progress)), ds.progress, strict=True):
            row = _row(u, {"id"}) | {"id": pid, "commitment_id": cmap.get(u.commitment_id, u.commitment_id)}
            progress_rows.append(row | {"created_at": _made_on(u.report_date, now) if ds.dated else now})
            audit("progress_update", pid, row)

        assessment_rows = []
        for aid, a in zip(store.next_ids("assessment_ids", len(ds.assessments)), ds.assessments, strict=True):
            row = _row(a, {"id", "country", "capability"}) | {
                "id": aid,
                "country_code": a.country,
                "capability_key": a.capability,
            }
            assessment_rows.append(row | {"created_at": _made_on(a.assessed_on, now) if ds.dated else now})
            audit("capability_assessment", aid, row)

        store.bulk_insert("partners", partner_rows)
        store.bulk_insert("events", event_rows)
        store.bulk_insert("commitments", commitment_rows)
        store.bulk_insert("commitment_partners", cp_rows)
        store.bulk_insert("commitment_countries", cc_rows)
        store.bulk_insert("commitment_items", ci_rows)
        store.bulk_insert("progress_updates", progress_rows)
        store.bulk_insert("capability_assessments", assessment_rows)
        for row in assessment_rows:
            if row["published"]:
                self.published.setdefault(row["country_code"], []).append(row["id"])
        store.set_memberships(ds.members, dated=ds.dated)
        for code in ds.members:
            audits.append(audit_entry(actor, "update", "country", code, after={"member": True}))
        record_many(store, audits, at=now)

        counts = self.counts
        counts["partners"] += len(partner_rows)
        counts["events"] += len(event_rows)
        counts["commitments"] += len(commitment_rows)
        counts["progress"] += len(progress_rows)
        counts["assessments"] += len(assessment_rows)
        counts["members"] += len(ds.members)


def _made_on(day: date, now: datetime) -> datetime:
    """The moment a dated record was made: noon of its day, never after ``now``."""
    return min(datetime.combine(day, time(12)), now)
