"""Arguments and connections shared by the built-in subcommands."""

from __future__ import annotations

import argparse
import os
from typing import Any

DEFAULT_URI = "mongodb://localhost:27017"


def add_uri(parser: argparse.ArgumentParser, *, database: bool = False) -> None:
    """``--uri`` (default ``$MONGODB_URI``) and, optionally, ``--db``."""
    parser.add_argument(
        "--uri",
        default=os.environ.get("MONGODB_URI"),
        help=f"connection string (default: $MONGODB_URI, else {DEFAULT_URI})",
    )
    if database:
        parser.add_argument("--db", help="database name (default: the one in the URI)")


def client(args: argparse.Namespace) -> Any:
    """Return an engine client for ``--uri`` that fails fast when the server is unreachable."""
    from data_bridge import _engine

    return _engine.Client(args.uri or DEFAULT_URI, server_selection_timeout_ms=5000)


def database(args: argparse.Namespace, engine_client: Any) -> Any:
    """Return the ``--db`` database, else the URI's default one (ValueError when neither)."""
    if getattr(args, "db", None):
        return engine_client.database(args.db)
    default = engine_client.default_database()
    if default is None:
        raise ValueError("no database: pass --db or put one in the URI (mongodb://host/db)")
    return default
