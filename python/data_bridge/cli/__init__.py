"""The ``data-bridge`` command line: a registry of subcommands others can extend.

A subcommand is a function that receives its ``argparse`` sub-parser; it adds its arguments
and sets ``func`` (called with the parsed namespace, returning the exit status)::

    from data_bridge.cli import command

    @command("migrate", help="run migrations")
    def _migrate(parser):
        parser.add_argument("--path")
        parser.set_defaults(func=lambda args: 0)

Built in: ``health``, ``index list``, ``index suggest``, ``migrate``, ``new-migration``,
``schema show``, ``schema diff`` (this package's modules of those names register them when the
CLI starts).

Example:
    >>> main(["--help"])  # doctest: +SKIP
    >>> main(["index", "suggest", "app.models:User", "--query", '{"age": 3}'])  # doctest: +SKIP

"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

Configure = Callable[[argparse.ArgumentParser], None]

# name -> (help, configure). Dotted names ("index suggest") nest under a group ("index").
_COMMANDS: dict[str, tuple[str, Configure]] = {}
# Modules that register the built-in commands; others register by importing this package.
BUILTIN_MODULES = (
    "data_bridge.cli.health",
    "data_bridge.cli.index",
    "data_bridge.cli.migrate",
    "data_bridge.cli.schema",
)


def command(name: str, *, help: str) -> Callable[[Configure], Configure]:
    """Register a subcommand (``"index suggest"`` nests ``suggest`` under ``index``).

    Example:
        >>> @command("hello", help="say hello")
        ... def _hello(parser):
        ...     parser.set_defaults(func=lambda args: 0)
        >>> main(["hello"])
        0

    """

    def register(configure: Configure) -> Configure:
        _COMMANDS[name] = (help, configure)
        return configure

    return register


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every registered subcommand."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(prog="data-bridge", description="data-bridge tools")
    top = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for name in sorted(_COMMANDS):
        help_text, configure = _COMMANDS[name]
        head, _, tail = name.partition(" ")
        if not tail:
            configure(top.add_parser(head, help=help_text, description=help_text))
            continue
        if head not in groups:
            group_parser = top.add_parser(head, help=f"{head} commands")
            groups[head] = group_parser.add_subparsers(dest=f"{head}_command", metavar="COMMAND")
            group_parser.set_defaults(func=_usage(group_parser))
        configure(groups[head].add_parser(tail, help=help_text, description=help_text))
    parser.set_defaults(func=_usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(_: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (the ``data-bridge`` console script); return the exit status.

    Example:
        >>> main(["health", "--uri", "mongodb://127.0.0.1:27117"])  # doctest: +SKIP
        ok: mongodb://127.0.0.1:27117 (server 8.2.11, ping 1.2 ms)
        0

    """
    parser = build_parser()
    args = parser.parse_args(argv)
    from data_bridge.errors import DataBridgeError

    try:
        status = args.func(args)
    except (DataBridgeError, ValueError, ImportError, OSError) as exc:
        print(f"data-bridge: error: {exc}", file=sys.stderr)
        return 1
    return int(status or 0)


__all__ = ["build_parser", "command", "main"]
