"""``data-bridge health``: ping the server and print its version."""

from __future__ import annotations

import argparse
import time

from data_bridge.cli import command
from data_bridge.cli.common import DEFAULT_URI, add_uri, client


def run(args: argparse.Namespace) -> int:
    """Ping, then ask ``buildInfo`` for the version; exit status 0 when both answer."""
    admin = client(args).database("admin", allow_system=True)
    started = time.perf_counter()
    admin.command_sync({"ping": 1})
    ping_ms = (time.perf_counter() - started) * 1000
    version = admin.command_sync({"buildInfo": 1}).get("version", "?")
    print(f"ok: {args.uri or DEFAULT_URI} (server {version}, ping {ping_ms:.1f} ms)")
    return 0


@command("health", help="ping the server and print its version")
def _configure(parser: argparse.ArgumentParser) -> None:
    add_uri(parser)
    parser.set_defaults(func=run)
