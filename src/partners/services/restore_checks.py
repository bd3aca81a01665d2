"""What a restore checks in the rows of a backup before it replaces anything.

A backup's checksums prove only that its files are the ones its manifest lists; whoever edits a table can
recompute them. So every row is checked as the app would check it on the way in: the column types and the
database's own keys (NOT NULL, primary keys, UNIQUE), the domain model of each record (``domain.model``;
``UserAccount`` for the users), and every reference between tables (a link row to a missing commitment,
an update of a missing commitment, an assessment of an unknown capability ...). Problems are reported by
table and row (the row's position in the backup's table, from 1): "users, row 3: role 'superuser' is not a
role (valid: ...)".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ValidationError

from partners.domain.model import (
    CapabilityAssessment,
    Commitment,
    Country,
    Event,
    MaturityPhase,
    Partner,
    PartnerRole,
    ProgressUpdate,
    ReminderChannel,
    Role,
    describe_validation_error,
)
from partners.services import users
from partners.storage.port import Store

#: How many problems a refusal lists.
SHOWN_PROBLEMS = 10

Rows = dict[str, list[dict[str, Any]]]


class _Enough(Exception):
    """Stop looking: enough problems to report."""


class _Problems:
    def __init__(self, limit: int) -> None:
        self.found: list[str] = []
        self.limit = limit

    def add(self, table: str, row: int | None, text: str) -> None:
        where = f"{table}, row {row}" if row is not None else table
        self.found.append(f"{where}: {text}")
        if len(self.found) >= self.limit:
            raise _Enough


def row_problems(store: Store, tables: dict[str, pa.Table], *, limit: int = SHOWN_PROBLEMS) -> list[str]:
    """The first ``limit`` problems of the backup's rows (none: every row fits this database and the model)."""
    problems = _Problems(limit)
    try:
        _types(store, tables, problems)
        rows = {name: table.to_pylist() for name, table in tables.items()}
        _keys(store, rows, problems)
        _records(rows, problems)
        _references(rows, problems)
    except _Enough:
        pass
    return problems.found


def active_admins(tables: dict[str, pa.Table]) -> list[str]:
    """The active admin accounts in a backup's users table (what a restore makes administrators)."""
    users_table = tables.get("users")
    if users_table is None:
        return []
    return sorted(r["email"] for r in users_table.to_pylist() if r.get("active") and r.get("role") == "admin")


# -- the checks ---------------------------------------------------------------------------------------


def _types(store: Store, tables: dict[str, pa.Table], problems: _Problems) -> None:
    """Each column holds values of the type this database stores there (or values that convert)."""
    for name, table in tables.items():
        schema = store.table_schema(name)
        for field in schema:
            column = table.column(field.name)
            if column.type.equals(field.type):
                continue
            try:
                pc.cast(column, field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
                problems.add(
                    name, None,
                    f"column {field.name} holds {column.type} values; this database stores {field.type} there "
                    f"({str(exc).splitlines()[0]})",
                )  # fmt: skip


def _keys(store: Store, rows: Rows, problems: _Problems) -> None:
    """The database's own constraints, checked here so that they are reported with their row."""
    for name, table_rows in rows.items():
        keys = store.table_keys(name)
        for (column,) in (cols for cols in keys["not_null"] if len(cols) == 1):
            for n, row in enumerate(table_rows, start=1):
                if row.get(column) is None:
                    problems.add(name, n, f"{column} is empty; it is required")
        for columns in keys["unique"]:
            seen: dict[tuple[Any, ...], int] = {}
            for n, row in enumerate(table_rows, start=1):
                key = tuple(_hashable(row.get(c)) for c in columns)
                if any(v is None for v in key):
                    continue
                if key in seen:
                    shown = ", ".join(f"{c} {v!r}" for c, v in zip(columns, key, strict=True))
                    problems.add(name, n, f"duplicate key ({shown}): row {seen[key]} has it too")
                else:
                    seen[key] = n


def _records(rows: Rows, problems: _Problems) -> None:
    """Every record as the domain model would accept it on the way in."""
    links = _links(rows)
    builders: dict[str, Callable[[dict[str, Any]], Iterator[str]]] = {
        "countries": lambda r: _model(Country, r),
        "maturity_phases": lambda r: _model(MaturityPhase, r),
        "partners": lambda r: _model(Partner, r),
        "events": lambda r: _model(Event, r),
        "commitments": lambda r: _model(Commitment, r | links.get(r.get("id"), _NO_LINKS)),
        "progress_updates": lambda r: _model(ProgressUpdate, r),
        "capability_assessments": lambda r: _model(
            CapabilityAssessment, r | {"country": r.get("country_code"), "capability": r.get("capability_key")}
        ),
        "commitment_partners": lambda r: _enum(PartnerRole, "role", r.get("role")),
        "users": _account,
        "partner_reminders": lambda r: _enum(ReminderChannel, "channel", r.get("channel")),
    }
    for name, check in builders.items():
        for n, row in enumerate(rows.get(name, ()), start=1):
            for text in check(row):
                problems.add(name, n, text)


_NO_LINKS: dict[str, list[Any]] = {"partners": [], "countries": [], "framework_items": []}


def _links(rows: Rows) -> dict[Any, dict[str, list[Any]]]:
    out: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: {k: [] for k in _NO_LINKS})
    for r in rows.get("commitment_partners", ()):
        out[r["commitment_id"]]["partners"].append({"partner_id": r["partner_id"], "role": r["role"]})
    for r in rows.get("commitment_countries", ()):
        out[r["commitment_id"]]["countries"].append(r["country_code"])
    for r in rows.get("commitment_items", ()):
        out[r["commitment_id"]]["framework_items"].append(r["item_key"])
    return out


def _model(model: type[BaseModel], row: dict[str, Any]) -> Iterator[str]:
    fields = {k: v for k, v in row.items() if k in model.model_fields}
    try:
        model(**fields)
    except ValidationError as exc:
        yield from (_lower_first(text) for text in describe_validation_error(exc))
    except (TypeError, ValueError) as exc:
        yield str(exc)


def _enum(kind: type, column: str, value: Any) -> Iterator[str]:
    valid = [m.value for m in kind]
    if value not in valid:
        yield f"{column} {value!r} is not one of {', '.join(valid)}"


def _account(row: dict[str, Any]) -> Iterator[str]:
    """A user as the users service would store one (a role that can be given, the scope that role has)."""
    unknown = users.unknown_role(row.get("role"))
    if unknown:
        yield f"role {unknown}"
        return
    email = row.get("email")
    if not users.is_email_address(email):
        yield f"email {email!r} is not a (lower-case) e-mail address"
    yield from _model(users.UserAccount, row)
    role, countries, partner_ids = row.get("role"), row.get("countries") or [], row.get("partners") or []
    if role == Role.COUNTRY_FOCAL_POINT.value and not countries:
        yield "a country focal point needs at least one country"
    if role == Role.PARTNER_CONTRIBUTOR.value and not partner_ids:
        yield "a partner contributor needs at least one partner"
    if role != Role.COUNTRY_FOCAL_POINT.value and countries:
        yield f"only a country focal point has countries; this is a {role}"
    if role != Role.PARTNER_CONTRIBUTOR.value and partner_ids:
        yield f"only a partner contributor has partners; this is a {role}"


#: (table, column, what it names, referenced table, referenced column): every reference between tables.
REFERENCES: tuple[tuple[str, str, str, str, str], ...] = (
    ("framework_items", "framework_id", "framework", "frameworks", "id"),
    ("framework_items", "parent_key", "framework item", "framework_items", "key"),
    ("framework_crosswalk", "from_framework", "framework", "frameworks", "id"),
    ("framework_crosswalk", "to_framework", "framework", "frameworks", "id"),
    ("partners", "hq_country", "country", "countries", "code"),
    ("events", "country", "country", "countries", "code"),
    ("commitments", "event_id", "summit or plan", "events", "id"),
    ("commitment_partners", "commitment_id", "commitment", "commitments", "id"),
    ("commitment_partners", "partner_id", "partner", "partners", "id"),
    ("commitment_countries", "commitment_id", "commitment", "commitments", "id"),
    ("commitment_countries", "country_code", "country", "countries", "code"),
    ("commitment_items", "commitment_id", "commitment", "commitments", "id"),
    ("commitment_items", "item_key", "framework item", "framework_items", "key"),
    ("progress_updates", "commitment_id", "commitment", "commitments", "id"),
    ("capability_assessments", "country_code", "country", "countries", "code"),
    ("capability_assessments", "capability_key", "framework item", "framework_items", "key"),
    ("capability_assessments", "round_id", "assessment round", "assessment_rounds", "id"),
    ("assessment_rounds", "country_code", "country", "countries", "code"),
    ("scorecard_signoffs", "country_code", "country", "countries", "code"),
    ("signed_assessments", "signoff_id", "sign-off", "scorecard_signoffs", "id"),
    ("signed_assessments", "capability_key", "framework item", "framework_items", "key"),
    ("users", "countries", "country", "countries", "code"),
    ("users", "partners", "partner", "partners", "id"),
    ("partner_reminders", "partner_id", "partner", "partners", "id"),
)


def _references(rows: Rows, problems: _Problems) -> None:
    """Every reference points at a row of the backup itself (the schema has no foreign keys: see 001)."""
    known: dict[tuple[str, str], set[Any]] = {}
    for table, column, what, target, key in REFERENCES:
        have = known.setdefault((target, key), {r.get(key) for r in rows.get(target, ())})
        for n, row in enumerate(rows.get(table, ()), start=1):
            for value in _values(row.get(column)):
                if value not in have:
                    problems.add(table, n, f"{column} names {what} {value!r}, which is not in the backup")


def _values(value: Any) -> Iterable[Any]:
    if value is None:
        return ()
    return value if isinstance(value, list) else (value,)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _lower_first(text: str) -> str:
    """"Role: ..." reads "users, row 3: role: ..." after the row."""
    return text[:1].lower() + text[1:]
