"""``data-bridge migrate`` and ``data-bridge new-migration`` (Beanie's migration commands).

Example:
    >>> main(["new-migration", "-n", "rename_field", "-p", "migrations"])  # doctest: +SKIP
    >>> main(["migrate", "-uri", "mongodb://localhost", "-db", "app", "-p", "migrations",
    ...       "--forward", "-d", "1"])  # doctest: +SKIP

"""

from __future__ import annotations

import argparse
import asyncio
import os

from pymongo import uri_parser

from data_bridge.cli import command
from data_bridge.cli.common import DEFAULT_URI


def run_migrate(args: argparse.Namespace) -> int:
    """Run the migrations of ``--path`` and print the names applied."""
    from data_bridge.migrations import run_migrations

    uri = args.uri or DEFAULT_URI
    # As the other commands: -db names the database, else the one in the URI's path.
    database = args.database or uri_parser.parse_uri(uri).get("database")
    if not database:
        raise ValueError(
            "no database: pass -db/--database or put one in the URI (mongodb://host/db)"
        )
    applied = asyncio.run(
        run_migrations(
            uri,
            database,
            args.path,
            forward=not args.backward,
            distance=args.distance,
            use_transaction=args.use_transaction,
            allow_index_dropping=args.allow_index_dropping,
        )
    )
    direction = "backward" if args.backward else "forward"
    if not applied:
        print(f"no migration to run {direction}")
    for name in applied:
        print(f"{direction}: {name}")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """Create a migration file from the template and print its path."""
    from data_bridge.migrations import new_migration

    print(new_migration(args.name, args.path))
    return 0


@command("migrate", help="apply migrations forward or backward")
def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-uri",
        "--uri",
        dest="uri",
        default=os.environ.get("MONGODB_URI"),
        help=f"connection string (default: $MONGODB_URI, else {DEFAULT_URI})",
    )
    parser.add_argument(
        "-db", "--database", dest="database", help="database name (default: the one in the URI)"
    )
    parser.add_argument("-p", "--path", required=True, help="folder of migration files")
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument("--forward", action="store_true", help="apply (default)")
    direction.add_argument("--backward", action="store_true", help="undo")
    parser.add_argument(
        "-d", "--distance", type=int, default=0, help="how many migrations to run (0: all)"
    )
    parser.add_argument(
        "--allow-index-dropping",
        dest="allow_index_dropping",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="let migrated models drop indexes they no longer declare (default: no)",
    )
    parser.add_argument(
        "--use-transaction",
        dest="use_transaction",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run each migration in a transaction (default: yes)",
    )
    parser.set_defaults(func=run_migrate)


@command("new-migration", help="create a migration file")
def _configure_new(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--name", required=True, help="migration name")
    parser.add_argument("-p", "--path", required=True, help="folder of migration files")
    parser.set_defaults(func=run_new)
