"""The ``partners`` command: set up the database, load reference and demo data, print statistics."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from partners.models import SYSTEM
from partners.storage import Store, StorageError, default_db_path


def _open(args: argparse.Namespace) -> Store:
    return Store.open(args.db or default_db_path())


def cmd_init(args: argparse.Namespace) -> int:
    """Create the schema and load reference data; with --demo, add demo data when the database is empty."""
    from partners.services import setup

    store = Store.open(args.db or default_db_path(), migrate=False)
    applied = store.db.migrate()
    if applied:
        print(f"schema: applied {', '.join(applied)}")
    if not setup.has_reference(store) or args.reload:
        r = setup.load_reference(store, SYSTEM)
        print(f"reference: {r.countries} countries, {r.frameworks} frameworks ({r.items} items), {r.phases} phases")
    if args.demo and store.count("commitments") == 0:
        return cmd_demo(args, store)
    print(f"database ready at {store.db.path}")
    return 0


def cmd_demo(args: argparse.Namespace, store: Store | None = None) -> int:
    from partners import demo
    from partners.services import setup

    store = store or _open(args)
    if not setup.has_reference(store):
        setup.load_reference(store, SYSTEM)
    seed = getattr(args, "seed", demo.DEFAULT_SEED)
    scale = getattr(args, "scale", 1.0)
    dataset = demo.generate(seed=seed, scale=scale)
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
    print(f"database: {store.db.path} (schema version {store.db.schema_version()})")
    if setup.holds_demo(store):
        print(f"DEMO DATA: {store.meta(setup.DEMO_META_KEY)}")
    for table in ("countries", "frameworks", "framework_items", "partners", "events", "commitments",
                  "progress_updates", "capability_assessments", "audit_log"):
        print(f"  {table:<24}{store.count(table):>8}")
    if setup.has_reference(store):
        print("headline (as the secretariat sees it):")
        for key, value in read.headline(store, SYSTEM).items():
            print(f"  {key:<24}{value:>8}")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
