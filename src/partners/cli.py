"""The ``partners`` command: set up the database, load reference and demo data, print statistics."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path

from partners.domain.model import SYSTEM
from partners.presentation.wording import plural
from partners.storage import Store, default_db_path, open_store
from partners.storage.errors import DatabaseBusyError, StorageError

#: What to do when the database file is held by another process (the app holds it while it runs).
BUSY_ADVICE = (
    "If that is the app, stop the app (Ctrl+C in its terminal) or use the app's Import page / Backup page "
    "instead ('Import a spreadsheet', 'Backup and restore'); if it is another `partners` command, let it "
    "finish. Then try again."
)


def _open(args: argparse.Namespace) -> Store:
    return open_store(args.db or default_db_path())


def cmd_init(args: argparse.Namespace) -> int:
    """Create the schema and load reference data; with --demo, add demo data when the database is empty."""
    from partners.services import setup

    store = open_store(args.db or default_db_path(), migrate=False)
    applied = store.migrate()
    if applied:
        print(f"schema: applied {', '.join(applied)}")
    if not setup.has_reference(store) or args.reload:
        r = setup.load_reference(store, SYSTEM)
        print(f"reference: {r.countries} countries, {r.frameworks} frameworks ({r.items} items), {r.phases} phases")
    if args.demo and store.count("commitments") == 0:
        return cmd_demo(args, store)
    print(f"database ready at {store.location}")
    return 0


def cmd_demo(args: argparse.Namespace, store: Store | None = None) -> int:
    from partners.demo import generator as demo
    from partners.services import setup

    store = store or _open(args)
    if not setup.has_reference(store):
        setup.load_reference(store, SYSTEM)
    seed = getattr(args, "seed", demo.DEFAULT_SEED)
    scale = getattr(args, "scale", 1.0)
    # Dated to today, so that "overdue" and "since the last summit" read as they would in real use.
    # In parts: generated and written a part at a time, so a large scale never sits in memory at once.
    dataset = demo.generate_parts(seed=seed, scale=scale, today=date.today())
    try:
        result = setup.load_demo(store, SYSTEM, dataset, description=demo.describe(seed, scale))
    except setup.DemoRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(
        f"demo data loaded (seed {seed}, scale {scale:g}): {result.members} member countries, "
        f"{result.partners} partners, {result.events} events, {result.commitments} commitments, "
        f"{result.progress} progress updates, {result.assessments} capability assessments"
    )
    return 0


def cmd_reference(args: argparse.Namespace) -> int:
    from partners import reference
    from partners.services import setup

    reference.clear_caches()
    store = _open(args)
    r = setup.load_reference(store, SYSTEM)
    print(f"reloaded: {r.countries} countries, {r.frameworks} frameworks ({r.items} items), {r.phases} phases")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from partners.services import read, setup

    store = _open(args)
    print(f"database: {store.location} (schema version {store.schema_version()})")
    if setup.holds_demo(store):
        print(f"DEMO DATA: {store.meta(setup.DEMO_META_KEY)}")
    for table in ("countries", "frameworks", "framework_items", "partners", "events", "commitments",
                  "progress_updates", "capability_assessments", "users", "audit_log"):
        print(f"  {table:<24}{store.count(table):>8}")
    if setup.has_reference(store):
        print("headline (as the secretariat sees it):")
        for key, value in read.headline(store, SYSTEM).items():
            print(f"  {key:<24}{value:>8}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Manage who may sign in as what (the first admin is created here, later ones on the admin page)."""
    from partners.services import users
    from partners.services.errors import ConcurrentEditError, NotFound, ValidationFailed

    store = _open(args)
    try:
        if args.action == "add":
            account = users.add_user(
                store, SYSTEM, args.email, args.role, name=args.name or "",
                countries=args.country or (), partners=args.partner or (),
            )
            print(f"{account.email} is now {account.role.label}")
        elif args.action == "set-role":
            # The command-line operator (SYSTEM, an admin) recovers or changes a role; every rule applies.
            account = users.set_role(
                store, SYSTEM, args.email, args.role, countries=args.country, partners=args.partner
            )
            state = "" if account.active else " (deactivated: `partners users activate` gives it back)"
            print(f"{account.email} is now {account.role.label}{state}")
        elif args.action in ("deactivate", "activate"):
            current = users.get_user(store, SYSTEM, args.email)
            account = users.set_active(
                store, SYSTEM, current.email, args.action == "activate", expected_version=current.version
            )
            state = "active" if account.active else "deactivated"
            print(f"{account.email} ({account.role.label}) is {state}")
        else:
            for account in users.list_users(store, SYSTEM):
                scope = ",".join([*account.countries, *map(str, account.partners)])
                state = "" if account.active else "  (deactivated)"
                print(f"{account.email:<40}{account.role.value:<22}{scope}{state}")
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"refused: {problem}", file=sys.stderr)
        return 2
    except (NotFound, ConcurrentEditError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


def _print_table_rows(rows: dict[str, int]) -> None:
    """The row count of each table, one line each (after a backup or a restore)."""
    for table, count in rows.items():
        print(f"  {table:<24}{count:>8}")


def cmd_backup(args: argparse.Namespace) -> int:
    """Write the whole database to a ZIP: a Parquet file per table and manifest.json (see services.backup)."""
    import os
    from pathlib import Path

    from partners.services import backup

    target = Path(args.path)
    if not target.is_dir() and target.exists() and not args.force:
        print(f"refused: {target} exists; give another name, or --force to replace it", file=sys.stderr)
        return 2
    if not (target if target.is_dir() else target.parent).is_dir():
        print(f"refused: the folder {target.parent} does not exist", file=sys.stderr)
        return 2
    store = _open(args)
    made = backup.create_backup(store, SYSTEM)
    if target.is_dir():
        target = target / made.file_name
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(made.data)
    os.replace(partial, target)  # never leave half a backup under the real name
    rows = made.manifest.rows()
    print(
        f"backup of {store.location} written to {target}: {len(made.data):,} bytes, "
        f"schema version {made.manifest.schema_version}, "
        f"{plural(sum(rows.values()), 'row')} in {plural(len(rows), 'table')}"
    )
    _print_table_rows(rows)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the whole database with a backup; a damaged or foreign archive is refused (exit code 2)."""
    from pathlib import Path

    from partners.services import backup

    source = Path(args.path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        print(f"refused: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    store = _open(args)
    try:
        checked = backup.check_archive(store, SYSTEM, data)
        manifest = backup.restore_backup(store, SYSTEM, data)
    except backup.BackupRefused as exc:
        print(f"refused: {exc}. The database was not changed.", file=sys.stderr)
        return 2
    print(f"administrators now: {', '.join(checked.admins) or 'none'}")
    for note in checked.account_notes():
        print(note)
    rows = manifest.rows()
    print(
        f"restored {source} into {store.location}: backup made {manifest.created_at} by "
        f"{manifest.created_by or 'unknown'}, {plural(sum(rows.values()), 'row')} in {plural(len(rows), 'table')}"
    )
    _print_table_rows(rows)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import commitments and progress updates from an XLSX or CSV file: the per-row report, then all or
    nothing. Exit code 1 (nothing changed) when the file or any row has a problem; 2 when it is unreadable."""
    from pathlib import Path

    from partners.services import importing

    source = Path(args.file)
    try:
        # The size first: a huge file is refused without reading it into memory (nor a device, which
        # has no size and never ends).
        size = source.stat().st_size
        if source.exists() and not source.is_file() and not source.is_dir():
            raise OSError(0, "not a regular file")
    except OSError as exc:
        print(f"refused: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    overrides = None
    if args.columns:
        from partners.services.errors import ValidationFailed

        try:
            overrides = importing.read_column_map(Path(args.columns).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"refused: cannot read the column map {args.columns}: {getattr(exc, 'strerror', None) or exc}",
                  file=sys.stderr)
            return 2
        except ValidationFailed as exc:
            print(f"refused: the column map {args.columns}: {'; '.join(exc.problems)}. Nothing was imported.",
                  file=sys.stderr)
            return 2
    store = _open(args)
    report = importing.check_file_size(store, SYSTEM, source.name, size)
    if report is None:
        try:
            data = source.read_bytes()
        except OSError as exc:
            print(f"refused: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        report = importing.run_import(
            store, SYSTEM, data, source.name, dry_run=args.dry_run, overrides=overrides
        )
    for line in report.lines():
        print(line)
    if not report.ok:
        problems = len(report.problems)
        print(f"not imported: {problems} problem{'s' if problems != 1 else ''} (listed above); nothing was "
              "changed. Fix the file and run again.", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"dry run: {report.to_write} row(s) would be imported; nothing was changed")
    elif report.committed:
        print(f"imported into {store.location}: {report.summary()}")
    else:
        print("nothing to import: every row is already in the database as it is in the file")
    return 0


# -- the country scorecard's PDF ------------------------------------------------------------------------


def _refuse(message: str) -> int:
    print(f"refused: {message}. Nothing was written.", file=sys.stderr)
    return 2


def _writable_folder(folder: Path) -> str | None:
    """Why PDFs cannot be written into ``folder`` (None: they can)."""
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} cannot be written to"
    return None


def _write(target: Path, data: bytes) -> None:
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)  # never leave half a PDF under the real name


def _progress(done: int, total: int, code: str) -> None:
    width = 30
    filled = width * done // total if total else width
    end = "\n" if done == total else ""
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {code:<3}", end=end, file=sys.stderr,
          flush=True)


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Write a country's scorecard as a PDF (--pdf), or every member country's into a folder (--all), as the
    secretariat sees it, or with --public as the public does."""
    from partners.presentation import scorecard_pdf
    from partners.presentation.formatting import day
    from partners.services import as_of as as_of_dates
    from partners.services import scorecard_document
    from partners.services.errors import NotFound, ValidationFailed

    if bool(args.code) == bool(args.all):
        return _refuse("give either a country code (with --pdf FILE) or --all FOLDER, not both" if args.code
                       else "give a country code (with --pdf FILE) or --all FOLDER")
    if args.code and not args.pdf:
        return _refuse("say where to write the PDF: --pdf FILE")
    if args.all and args.pdf:
        return _refuse("--all writes one PDF per member country into its folder: leave --pdf out")
    actor = scorecard_document.PUBLIC if args.public else SYSTEM
    try:
        as_of = as_of_dates.parse(args.as_of or "")
    except ValidationFailed as exc:
        return _refuse(f"--as-of: {'; '.join(exc.problems)}")
    if args.code:
        target = Path(args.pdf)
        if target.is_dir():
            return _refuse(f"{target} is a folder: give the PDF's file name")
        problem = _writable_folder(target.parent)
        if problem:
            return _refuse(problem)
        store = _open(args)
        try:
            doc = scorecard_document.scorecard_document(store, actor, args.code.strip().upper(), as_of=as_of)
        except NotFound:
            return _refuse(f"there is no country with the code {args.code!r} (ISO 3166 alpha-3, e.g. ALB)")
        _write(target, scorecard_pdf.scorecard_pdf(doc))
        scope = scorecard_pdf.PRIVATE_VIEW.lower() if doc.includes_private else scorecard_pdf.PUBLIC_VIEW.lower()
        print(f"scorecard of {doc.name} ({doc.code}), as of {day(doc.as_of)}, {scope}: written to {target}")
        return 0
    folder = Path(args.all)
    problem = _writable_folder(folder)
    if problem:
        return _refuse(problem)
    store = _open(args)
    codes = scorecard_document.member_codes(store, actor)
    private = 0
    # The figures are read here, one country after another; each is typeset (charts drawn, pages set) in a
    # process of its own meanwhile, one per core: the typesetting is most of the time. Written in order.
    workers = max(1, min(len(codes), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: list[tuple[str, Future[bytes]]] = []
        done = 0

        def finish(code: str, typeset: Future[bytes]) -> None:
            nonlocal done
            _write(folder / scorecard_pdf.file_name(code), typeset.result())
            done += 1
            _progress(done, len(codes), code)

        for code in codes:
            doc = scorecard_document.scorecard_document(store, actor, code, as_of=as_of)
            private += doc.includes_private
            pending.append((code, pool.submit(scorecard_pdf.scorecard_pdf, doc)))
            while pending and pending[0][1].done():
                finish(*pending.pop(0))
        for code, typeset in pending:
            finish(code, typeset)
    view = "the public's view" if args.public else "the secretariat's view"
    print(f"wrote {plural(len(codes), 'scorecard')} ({view}) to {folder}: {private} with private data, marked "
          "confidential")
    return 0


# -- the static public site and the offline pack (public data only) --------------------------------------


def _site_folder_problem(folder: Path) -> str | None:
    """Why the public site cannot be written into ``folder`` (None: it can; it is made if missing)."""
    from partners.presentation import static_site

    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder: give a folder for the site"
    if folder.is_dir():
        if any(folder.iterdir()) and not (folder / static_site.MANIFEST).is_file():
            return (f"the folder {folder} is not empty and holds no site written by `partners publish`: give an "
                    "empty or new folder, or the folder of an earlier site (it is then replaced)")
        return _writable_folder(folder)
    return _writable_folder(folder.parent)


def site_languages(text: str | None) -> list[str]:
    """The languages of ``--lang`` ("fr,es"): English first (the site at the folder's top), each other one
    once; ValueError naming the languages offered for a code that is not one."""
    from partners import i18n

    chosen = [i18n.DEFAULT]
    for code in (text or "").split(","):
        if code.strip():
            lang = i18n.language_of(code.strip())
            if lang not in chosen:
                chosen.append(lang)
    return chosen


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the static public site (the public dashboard, the public commitments, one page per country with a
    published scorecard, each view's data as CSV and JSON) into a folder any web server can serve: in English
    at the folder's top and, for each other language of ``--lang``, under ``<lang>/``."""
    import json
    from datetime import datetime

    from partners import i18n
    from partners.presentation import static_site
    from partners.presentation.formatting import day
    from partners.services import publish

    try:
        languages = site_languages(args.lang)
    except ValueError as exc:
        return _refuse(f"--lang: {exc}")
    folder = Path(args.dir)
    problem = _site_folder_problem(folder)
    if problem:
        return _refuse(problem)
    store = _open(args)
    now = datetime.now()
    dashboard = publish.public_dashboard(store, now=now)
    codes = publish.published_scorecard_codes(store)
    files: dict[str, bytes] = {}
    countries: list[tuple[str, str]] = []
    # As for `scorecard --all`: the figures are read here, each country's page drawn in a process of its own
    # meanwhile, one per core (drawing the charts is most of the time), once per language.
    workers = max(1, min(len(codes) * len(languages), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: list[tuple[str, Future[dict[str, bytes]]]] = []
        for doc in publish.public_scorecards(store, now=now):
            countries.append((doc.code, doc.name))
            for lang in languages:
                pending.append((lang, pool.submit(static_site.scorecard_file_map, doc, now, lang, languages)))
        for done, (lang, drawn) in enumerate(pending, 1):
            files.update({static_site.language_folder(lang) + path: data for path, data in drawn.result().items()})
            _progress(done, len(pending), countries[(done - 1) // len(languages)][0])
    countries.sort(key=lambda c: c[1])
    frozen = publish.public_snapshots(store)
    commitments = publish.public_commitments(store, now=now)
    for lang in languages:
        prefix = static_site.language_folder(lang)
        with i18n.use_language(lang):
            for snap, figures in frozen:
                files.update({prefix + path: data for path, data
                              in static_site.snapshot_files(snap.slug, snap.name, figures, languages)})
            files.update({prefix + path: data for path, data in static_site.dashboard_files(
                dashboard, countries, commitments, [(s.slug, s.name, s.data_as_of) for s, _ in frozen],
                languages)})
    old = folder / static_site.MANIFEST
    earlier = set(json.loads(old.read_text(encoding="utf-8")).get("files", [])) if old.is_file() else set()
    folder.mkdir(exist_ok=True)
    for relative, data in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, data)
    for relative in sorted(earlier - set(files)):  # the earlier site's files this one no longer has
        stale = folder / relative
        if static_site.is_site_path(relative) and stale.is_file():
            stale.unlink()
    _write(old, static_site.manifest(files, as_of=now))
    pages = sum(1 for name in files if name.endswith(".html"))
    others = [f"{i18n.own_name(lang)} in {folder / lang}" for lang in languages[1:]]
    print(f"published the public site to {folder}: {plural(pages, 'page')} (the dashboard, the public "
          f"commitments, {plural(len(countries), 'country scorecard')}, {plural(len(frozen), 'snapshot')}"
          f"{' in each language' if others else ''}) and {plural(len(files) - pages, 'data file')}"
          f" (CSV and JSON), data as of {day(now)}, public data only{'; demo data' if dashboard.demo else ''}. "
          f"{'Languages: English at the top, ' + ', '.join(others) + '. ' if others else ''}"
          f"Open {folder / 'index.html'} or serve the folder with any web server.")
    return 0


def pack_zip_path(target: Path) -> Path:
    """Where ``partners pack PATH`` writes its ZIP: beside the HTML, with the suffix .zip (summit.html ->
    summit.zip)."""
    return target.with_suffix(".zip")


def cmd_pack(args: argparse.Namespace) -> int:
    """Write the offline pack: one self-contained HTML file of the public dashboard (PATH) and a ZIP beside it
    (PATH with the suffix .zip) of every chart as PNG (2x), SVG and PDF and every table as CSV."""
    from datetime import datetime

    from partners.presentation import offline_pack
    from partners.services import publish
    from partners.services.errors import NotFound

    target = Path(args.path)
    if target.is_dir():
        return _refuse(f"{target} is a folder: give the pack's file name, e.g. {target / 'summit-pack.html'}")
    if target.suffix.lower() == ".zip":
        return _refuse("give the HTML file's name (e.g. summit-pack.html): the ZIP is written beside it")
    problem = _writable_folder(target.parent)
    if problem:
        return _refuse(problem)
    archive = pack_zip_path(target)
    if archive.is_dir():
        return _refuse(f"{archive} is a folder: the pack's ZIP cannot be written there")
    if args.snapshot is not None and (args.since or args.event):
        return _refuse("--snapshot packs the snapshot as it was frozen, with its own 'since the last summit': "
                       "leave out --since and --event")
    store = _open(args)
    now = datetime.now()
    if args.snapshot is not None:
        try:
            snap, dashboard = publish.public_snapshot(store, args.snapshot)
        except NotFound as exc:
            return _refuse(f"--snapshot: {exc}")
        since = snap.since
    else:
        since, problems = publish.public_since(store, start=args.since or "", end=args.event or "", now=now)
        if problems:
            return _refuse(f"--since/--event: {'; '.join(problems)}")
        dashboard = publish.public_dashboard(store, now=now)
    page = offline_pack.pack_html(dashboard, since=since).encode("utf-8")
    data = offline_pack.pack_zip(dashboard, since=since)
    _write(target, page)
    _write(archive, data)
    print(f"offline pack written: {target} ({len(page):,} bytes) and {archive} ({len(data):,} bytes): "
          f"{offline_pack.summary(dashboard, since)}. The HTML needs no network: open it in any browser.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partners", description=__doc__)
    parser.add_argument("--db", help=f"database file (default: $PARTNERS_DB or {default_db_path()})")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create the database and load reference data")
    p.add_argument("--demo", action="store_true", help="also load demo data if there are no commitments yet")
    p.add_argument("--reload", action="store_true", help="reload reference data even if present")
    p.set_defaults(func=cmd_init, seed=2026, scale=1.0)

    p = sub.add_parser("demo", help="(re)generate the fictional demo dataset")
    p.add_argument("--scale", type=float, default=1.0, help="size factor (1 = ~1,500 commitments)")
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("reference", help="reference data")
    rsub = p.add_subparsers(dest="action", required=True)
    r = rsub.add_parser("reload", help="reload frameworks, countries and maturity phases from data/")
    r.set_defaults(func=cmd_reference)

    p = sub.add_parser("stats", help="print record counts and headline figures")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("users", help="who may sign in as what (roles by e-mail address)")
    usub = p.add_subparsers(dest="action", required=True)
    roles = ("admin, secretariat_editor, reviewer, country_focal_point, partner_contributor, "
             "member_viewer")
    u = usub.add_parser("add", help="give someone a role, e.g. `partners users add --role admin EMAIL`")
    u.add_argument("email")
    u.add_argument("--role", required=True, help=roles)
    u.add_argument("--name", help="their name, as shown in the app")
    u.add_argument("--country", action="append", help="a country (ISO alpha-3) of a focal point; repeatable")
    u.add_argument("--partner", action="append", type=int, help="a partner id of a contributor; repeatable")
    u.set_defaults(func=cmd_users)
    u = usub.add_parser("set-role", help="change someone's role, e.g. to recover an admin: "
                                         "`partners users set-role EMAIL --role admin`")
    u.add_argument("email")
    u.add_argument("--role", required=True, help=roles)
    u.add_argument("--country", action="append",
                   help="the countries of a focal point (default: the ones they have); repeatable")
    u.add_argument("--partner", action="append", type=int,
                   help="the partners of a contributor (default: the ones they have); repeatable")
    u.set_defaults(func=cmd_users)
    for action, text in (("deactivate", "take someone's role away (they see what the public sees)"),
                         ("activate", "give a deactivated person their role back")):
        u = usub.add_parser(action, help=text)
        u.add_argument("email")
        u.set_defaults(func=cmd_users)
    u = usub.add_parser("list", help="everyone with a role")
    u.set_defaults(func=cmd_users)

    p = sub.add_parser("backup", help="write the whole database to a ZIP of Parquet files with a manifest")
    p.add_argument("path", help="the .zip file to write (or a folder: a dated name is chosen)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the whole database with a backup made by `partners backup`")
    p.add_argument("path", help="the backup .zip file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("import", help="import commitments and progress updates from an .xlsx or .csv file")
    p.add_argument("file", help="the spreadsheet (the template is on the app's import page)")
    p.add_argument("--dry-run", action="store_true",
                   help="check every row and print the report; change nothing")
    p.add_argument("--columns", metavar="MAP.yaml",
                   help='which header of the file is which of our columns, one line per column: '
                        'partners: "Partner(s)" (an empty value: none of the headers is that column). '
                        "The report prints the mapping used")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("scorecard", help="write a country's scorecard as a PDF, or every member country's")
    p.add_argument("code", nargs="?", help="the country's code (ISO 3166 alpha-3, e.g. ALB)")
    p.add_argument("--pdf", metavar="FILE", help="the PDF file to write (replaced if it exists)")
    p.add_argument("--all", metavar="FOLDER",
                   help="write one PDF per member country into FOLDER (named e.g. ALB-scorecard.pdf)")
    p.add_argument("--public", action="store_true",
                   help="as the public sees it: published assessments and public commitments only")
    p.add_argument("--as-of", metavar="DATE",
                   help="as it stood at the end of DATE (YYYY-MM-DD), rebuilt from the stored history")
    p.set_defaults(func=cmd_scorecard)

    p = sub.add_parser("publish", help="write the static public site (public data only) into a folder")
    p.add_argument("dir", help="the folder to write (made if missing; an earlier site there is replaced)")
    p.add_argument("--lang", metavar="LANGS", help="also publish the site in these languages, e.g. fr,es: each "
                                                   "under DIR/<lang>/, English at the top (offered: en, fr, es)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("pack", help="write the offline pack: one self-contained HTML file and a ZIP of the "
                                    "charts (PNG, SVG, PDF) and tables (CSV), public data only")
    p.add_argument("path", help="the HTML file to write, e.g. summit-pack.html (the ZIP goes beside it: "
                                "summit-pack.zip); both are replaced if they exist")
    p.add_argument("--since", metavar="B", help="what changed since B: an event already held (its name or id) or "
                                                "a date YYYY-MM-DD (default: since the last summit)")
    p.add_argument("--event", metavar="A", help="... up to A: an event already held (name or id) or a date "
                                                "(default: today)")
    p.add_argument("--snapshot", metavar="NAME", help="pack a frozen snapshot (its name, or its link's part) as it "
                                                      "was frozen, instead of the dashboard as it stands")
    p.set_defaults(func=cmd_pack)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DatabaseBusyError as exc:
        print(f"error: {exc}.\n{BUSY_ADVICE}", file=sys.stderr)
        return 1
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
