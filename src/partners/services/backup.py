"""Backup and restore of the whole database: a ZIP of one Parquet file per table plus ``manifest.json``.

The manifest names the app, the archive format, the schema version, when and by whom the backup was made,
and for every table its file, row count, columns, size and SHA-256. A restore checks all of that *before*
it touches the database (a ZIP, ours, a format we read, the same schema version, every file present,
intact and matching, no odd file names), then replaces every table's contents in one transaction and
records the restore in the audit log. A refused or failed restore leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from partners.domain.model import SYSTEM, Actor
from partners.domain.permissions import UseCase, authorize
from partners.services import audit, restore_checks
from partners.storage.errors import StorageError
from partners.storage.port import Store

APP = "partners"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Refuse archives whose files would unpack to more than this (a guard against "ZIP bombs").
MAX_UNPACKED_BYTES = 4 * 1024**3
_MAX_MANIFEST_BYTES = 1024**2
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class BackupRefused(ValueError):
    """An archive that cannot be restored, with the reason in plain words. Nothing was changed."""


@dataclass(frozen=True)
class TableEntry:
    name: str
    file: str
    rows: int
    columns: tuple[str, ...]
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    app: str
    format_version: int
    schema_version: int
    created_at: str
    created_by: str
    tables: tuple[TableEntry, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "tables": [
                {"name": t.name, "file": t.file, "rows": t.rows, "columns": list(t.columns), "bytes": t.bytes,
                 "sha256": t.sha256}
                for t in self.tables
            ],
        }  # fmt: skip

    def rows(self) -> dict[str, int]:
        return {t.name: t.rows for t in self.tables}


@dataclass(frozen=True)
class Backup:
    """A backup made: the archive's bytes and its manifest."""

    data: bytes
    manifest: Manifest

    @property
    def file_name(self) -> str:
        stamp = datetime.fromisoformat(self.manifest.created_at)
        return f"partners-backup-{stamp:%Y%m%d-%H%M%S}.zip"


@dataclass(frozen=True)
class CheckedArchive:
    """An archive that passed every check: its manifest and the tables, ready to load.

    A restore replaces the users too: ``admins`` are the active admin accounts the backup installs,
    ``new_admins`` those of them that are not active admins in this database now (the restore page asks the
    admin to confirm them), and ``restorer_keeps_admin`` whether the person restoring is still an admin after.
    """

    manifest: Manifest
    tables: dict[str, pa.Table]
    sha256: str
    admins: tuple[str, ...] = ()
    new_admins: tuple[str, ...] = ()
    restorer_keeps_admin: bool = True

    def account_notes(self) -> list[str]:
        """What the restore does to who may administer the app, in words (page and command line)."""
        notes = []
        if self.new_admins:
            notes.append(f"This backup makes these accounts administrators: {', '.join(self.new_admins)}.")
        if not self.admins:
            notes.append(
                "This backup has no active administrator: after restoring, only the command line can make one "
                "(`partners users set-role EMAIL --role admin`, or `partners users add`)."
            )
        elif not self.restorer_keeps_admin:
            notes.append("You are not an active administrator in this backup: after restoring you will not be.")
        return notes


# -- backup ---------------------------------------------------------------------------------------


def create_backup(store: Store, actor: Actor, *, now: datetime | None = None) -> Backup:
    """The whole database as a ZIP (one consistent snapshot). Recorded in the audit log."""
    authorize(actor, UseCase.BACKUP_DATABASE)
    created = now or datetime.now()
    files: dict[str, bytes] = {}
    entries: list[TableEntry] = []
    with store.transaction():  # one snapshot: no write lands between two tables
        schema_version = store.schema_version()
        for table in store.data_tables():
            arrow = store.dump_table(table)
            buffer = io.BytesIO()
            pq.write_table(arrow, buffer, compression="zstd")
            content = buffer.getvalue()
            file = f"{table}.parquet"
            files[file] = content
            entries.append(
                TableEntry(table, file, arrow.num_rows, tuple(arrow.column_names), len(content),
                           hashlib.sha256(content).hexdigest())
            )  # fmt: skip
        manifest = Manifest(
            APP, FORMAT_VERSION, schema_version, created.isoformat(timespec="seconds"), actor.identity,
            tuple(entries),
        )  # fmt: skip
        audit.record(
            store, actor, "backup", "database", "all",
            after={"schema_version": schema_version, "tables": manifest.rows()}, at=created,
        )  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest.as_json(), indent=2, ensure_ascii=False))
        for file, content in files.items():
            archive.writestr(file, content)
    return Backup(out.getvalue(), manifest)


# -- restore --------------------------------------------------------------------------------------


def row_counts(store: Store, actor: Actor) -> dict[str, int]:
    """Rows per table now (the restore page sets them beside the backup's before anyone confirms)."""
    authorize(actor, UseCase.BACKUP_RESTORE)
    return store.row_counts()


def check_archive(store: Store, actor: Actor, data: bytes) -> CheckedArchive:
    """Every check a restore makes, without changing anything (the restore page shows the result first).

    Raises BackupRefused with the reason in words when the archive is damaged, foreign or does not fit.
    """
    authorize(actor, UseCase.BACKUP_RESTORE)
    checked = _read_archive(data)
    here = store.schema_version()
    if checked.manifest.schema_version != here:
        raise BackupRefused(
            f"this backup has schema version {checked.manifest.schema_version} and this database has {here}; "
            "restore it with the version of the app that made it (or into a database of that version)"
        )
    tables = store.data_tables()
    missing = sorted(set(tables) - set(checked.tables))
    extra = sorted(set(checked.tables) - set(tables))
    if missing or extra:
        raise BackupRefused(
            "this backup's tables do not match this database's"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else "")
        )
    for table in tables:
        have, want = list(checked.tables[table].column_names), store.table_columns(table)
        if have != want:
            raise BackupRefused(
                f"table {table} in this backup has the columns {', '.join(have)}; "
                f"this database expects {', '.join(want)}"
            )
    problems = restore_checks.row_problems(store, checked.tables)
    if problems:
        more = " (and perhaps more)" if len(problems) >= restore_checks.SHOWN_PROBLEMS else ""
        raise BackupRefused(
            f"this backup holds records this app would not accept, so nothing was changed{more}: "
            f"{'; '.join(problems)}"
        )
    admins = restore_checks.active_admins(checked.tables)
    now = {r["email"] for r in store.user_rows() if r["active"] and r["role"] == "admin"}
    return replace(
        checked,
        admins=tuple(admins),
        new_admins=tuple(a for a in admins if a not in now),
        restorer_keeps_admin=actor == SYSTEM or actor.identity in admins,  # the command line is no account
    )


def restore_backup(store: Store, actor: Actor, data: bytes) -> Manifest:
    """Replace the whole database with the backup in ``data`` (admins). All or nothing; audited, with the
    admin accounts the backup installs. Every row is checked first (``restore_checks``)."""
    checked = check_archive(store, actor, data)
    before = store.row_counts()
    try:
        with store.transaction():
            store.replace_all(checked.tables)
            audit.record(
                store, actor, "restore", "database", "all", before={"tables": before},
                after={"backup_created_at": checked.manifest.created_at,
                       "backup_created_by": checked.manifest.created_by,
                       "archive_sha256": checked.sha256, "tables": checked.manifest.rows(),
                       "admins": list(checked.admins), "new_admins": list(checked.new_admins)},
            )  # fmt: skip
    except StorageError as exc:
        raise BackupRefused(f"the backup could not be loaded, nothing was changed: {exc}") from exc
    return checked.manifest


def _read_archive(data: bytes) -> CheckedArchive:
    """Open and verify an archive on its own: structure, manifest, names, sizes, checksums, row counts."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise BackupRefused("the file is empty")
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise BackupRefused("this is not a ZIP archive (a partners backup is a .zip file)")
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
            names = [i.filename for i in infos]
            for name in names:
                if not _safe_name(name):
                    raise BackupRefused(f"the archive holds a file with an unsafe name ({name!r}); refused")
            if len(set(names)) != len(names):
                raise BackupRefused("the archive holds the same file name twice; refused")
            if MANIFEST not in names:
                raise BackupRefused(f"the archive has no {MANIFEST}: it is not a partners backup")
            by_name = {i.filename: i for i in infos}
            if by_name[MANIFEST].file_size > _MAX_MANIFEST_BYTES:
                raise BackupRefused(f"{MANIFEST} is too large to be a partners manifest")
            manifest = _parse_manifest(archive.read(MANIFEST))
            listed = {t.file for t in manifest.tables}
            unexpected = sorted(set(names) - listed - {MANIFEST})
            if unexpected:
                raise BackupRefused(
                    f"the archive holds files its manifest does not list: {', '.join(unexpected)}"
                )
            if sum(t.bytes for t in manifest.tables) > MAX_UNPACKED_BYTES:
                raise BackupRefused("the archive would unpack to more than this app accepts")
            tables: dict[str, pa.Table] = {}
            for entry in manifest.tables:
                info = by_name.get(entry.file)
                if info is None:
                    raise BackupRefused(
                        f"the file {entry.file} listed in the manifest is missing from the archive"
                    )
                if info.file_size != entry.bytes:
                    raise BackupRefused(
                        f"the file {entry.file} is damaged: its size does not match the manifest"
                    )
                content = archive.read(entry.file)
                if hashlib.sha256(content).hexdigest() != entry.sha256:
                    raise BackupRefused(
                        f"the file {entry.file} is damaged: its checksum does not match the manifest"
                    )
                try:
                    table = pq.read_table(io.BytesIO(content))
                except (pa.ArrowException, OSError) as exc:
                    raise BackupRefused(f"the file {entry.file} cannot be read as Parquet: {exc}") from exc
                if table.num_rows != entry.rows:
                    raise BackupRefused(
                        f"the file {entry.file} holds {table.num_rows} rows; the manifest says {entry.rows}"
                    )
                if tuple(table.column_names) != entry.columns:
                    raise BackupRefused(f"the file {entry.file} does not have the columns the manifest lists")
                tables[entry.name] = table
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        # A flipped byte fails the ZIP's own CRC or the deflate stream; encryption is not supported.
        raise BackupRefused(f"the archive is damaged and cannot be read ({exc})") from exc
    return CheckedArchive(manifest, tables, hashlib.sha256(data).hexdigest())


def _safe_name(name: str) -> bool:
    """A plain file name at the top of the archive: no folders, no '..', no absolute or drive paths."""
    return (
        bool(name)
        and "/" not in name
        and "\\" not in name
        and ":" not in name
        and name not in (".", "..")
        and not name.startswith(".")
        and "\x00" not in name
    )


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupRefused(f"{MANIFEST} is not valid JSON: it is damaged or not a partners backup") from exc
    if not isinstance(doc, dict) or doc.get("app") != APP:
        app = doc.get("app") if isinstance(doc, dict) else None
        raise BackupRefused(f"this archive was not made by partners (its manifest names the app {app!r})")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupRefused(
            f"this backup uses archive format {version!r}; "
            f"this version of the app reads format {FORMAT_VERSION}"
        )
    try:
        schema_version = _int(doc["schema_version"])
        entries = []
        for t in doc["tables"]:
            name = str(t["name"])
            if not _TABLE_NAME.match(name) or t["file"] != f"{name}.parquet":
                raise BackupRefused(f"the manifest lists a table with an unexpected name or file ({name!r})")
            sha = str(t["sha256"]).lower()
            if not re.fullmatch(r"[0-9a-f]{64}", sha):
                raise BackupRefused(f"the manifest's checksum for {name} is not a SHA-256")
            columns = t["columns"]
            if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
                raise BackupRefused(f"the manifest's column list for {name} is malformed")
            entries.append(
                TableEntry(name, t["file"], _int(t["rows"]), tuple(columns), _int(t["bytes"]), sha)
            )
        manifest = Manifest(
            APP, FORMAT_VERSION, schema_version, str(doc["created_at"]), str(doc.get("created_by", "")),
            tuple(entries),
        )  # fmt: skip
        datetime.fromisoformat(manifest.created_at)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BackupRefused):
            raise
        raise BackupRefused(f"{MANIFEST} is incomplete or malformed ({exc})") from exc
    if len({t.name for t in manifest.tables}) != len(manifest.tables):
        raise BackupRefused("the manifest lists a table twice")
    return manifest


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value
