"""``data-bridge index list`` and ``data-bridge index suggest``.

``suggest`` reads the queries a model runs — slow operations saved with
``data_bridge.slow_operations().save(path)`` (``--from``) and/or queries given as JSON
(``--query``, ``--sort``) — and prints the ESR index each needs, skipping those already served
by an index the model declares or (with a server to ask) the collection has.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from data_bridge.cli import command
from data_bridge.cli.common import add_uri, client, database
from data_bridge.observability.hints import IndexSuggestion, suggest_index
from data_bridge.observability.slowops import SlowOperationReport


def load_model(spec: str) -> type[Any]:
    """Import ``package.module:ClassName`` (ValueError / ImportError naming what failed)."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"MODEL must look like package.module:ClassName, not {spec!r}")
    module = importlib.import_module(module_name)
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ValueError(f"{module_name} has no attribute {attribute!r}")
        target = getattr(target, part)
    if not isinstance(target, type) or not hasattr(target, "get_collection_name"):
        raise ValueError(f"{spec} is not a data_bridge Document class")
    return target


def _json_arg(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{what} is not valid JSON ({exc.msg} at column {exc.colno}): {text}"
        ) from exc


def _declared_keys(model: type[Any]) -> list[list[tuple[str, Any]]]:
    from data_bridge.odm.indexes import declared

    return [list(index.document["key"].items()) for index in declared(model)]


def _server_keys(args: argparse.Namespace, collection_name: str) -> list[list[tuple[str, Any]]]:
    if not args.uri:
        return []
    engine_client = client(args)
    if not getattr(args, "db", None) and engine_client.default_database() is None:
        # MONGODB_URI is often set without a database: suggest anyway, and say what was skipped.
        print("# server indexes not checked: no database (pass --db)", file=sys.stderr)
        return []
    engine_db = database(args, engine_client)
    indexes = engine_db.collection(collection_name).list_indexes_sync()
    return [list(dict(ix.get("key") or {}).items()) for ix in indexes]


def _queries(args: argparse.Namespace, collection_name: str) -> list[tuple[str, Any, Any]]:
    """``(source, filter, sort)`` of every query to serve."""
    found: list[tuple[str, Any, Any]] = []
    for path in args.from_files or ():
        for op in SlowOperationReport.load(path):
            if op.namespace.rsplit(".", 1)[-1] != collection_name:
                continue
            query, sort = op.filter_and_sort()
            found.append((f"{path}: {op.command} {op.total_ms:.0f} ms", query, sort))
    queries = [_json_arg(q, "--query") for q in args.query or ()]
    sorts = [_json_arg(s, "--sort") for s in args.sort or ()]
    if len(sorts) > max(len(queries), 1):
        raise ValueError("more --sort than --query options (each --sort pairs with one --query)")
    for i in range(max(len(queries), len(sorts))):
        query = queries[i] if i < len(queries) else {}
        sort = sorts[i] if i < len(sorts) else None
        if not isinstance(query, dict):
            raise ValueError(f"--query must be a JSON object, not {query!r}")
        found.append(("--query", query, sort))
    return found


def suggestions(
    queries: Sequence[tuple[str, Any, Any]], existing: Sequence[Sequence[tuple[str, Any]]]
) -> list[tuple[IndexSuggestion, list[str]]]:
    """Distinct suggestions not already served, each with the sources that asked for it."""
    by_keys: dict[tuple[tuple[str, int], ...], tuple[IndexSuggestion, list[str]]] = {}
    for source, query, sort in queries:
        suggestion = suggest_index(query, sort)
        if suggestion is None or any(suggestion.served_by(keys) for keys in existing):
            continue
        entry = by_keys.setdefault(tuple(suggestion.keys), (suggestion, []))
        entry[1].append(
            f"{source}: {json.dumps(query, default=str)}"
            + (f" sort={json.dumps(sort)}" if sort else "")
        )
    # A suggestion that is a prefix of another is served by the longer one.
    kept = list(by_keys.values())
    result = []
    for suggestion, sources in kept:
        longer = next((o for o in kept if _is_prefix(suggestion, o[0])), None)
        if longer is None:
            result.append((suggestion, sources))
        else:
            longer[1].extend(sources)
    return result


def _is_prefix(short: IndexSuggestion, long: IndexSuggestion) -> bool:
    return len(short.keys) < len(long.keys) and long.keys[: len(short.keys)] == short.keys


def run_suggest(args: argparse.Namespace) -> int:
    """Print suggested ``IndexModel``s and ``Settings.indexes`` entries for MODEL."""
    model = load_model(args.model)
    collection_name = model.get_collection_name()
    queries = _queries(args, collection_name)
    if not queries:
        raise ValueError("nothing to analyse: pass --from FILE and/or --query JSON")
    existing = _declared_keys(model) + _server_keys(args, collection_name)
    found = suggestions(queries, existing)
    print(f"# {model.__name__} (collection {collection_name}): {len(queries)} queries analysed")
    if not found:
        print("# every query is served by an existing or declared index")
        return 0
    for suggestion, sources in found:
        print(f"# for {len(sources)} quer{'y' if len(sources) == 1 else 'ies'}, e.g. {sources[0]}")
        print(suggestion.index_model_line())
    print()
    print("# in the model (from pymongo import ASCENDING, DESCENDING, IndexModel):")
    print("class Settings:")
    print("    indexes = [")
    for suggestion, _ in found:
        print(f"        {suggestion.index_model_line()},")
    print("    ]")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print each index of COLLECTION: name, keys and options."""
    engine_db = database(args, client(args))
    for index in engine_db.collection(args.collection).list_indexes_sync():
        keys = json.dumps(dict(index.get("key") or {}))
        options = {k: v for k, v in index.items() if k not in ("v", "key", "name", "ns")}
        extra = f"  {json.dumps(options, default=str)}" if options else ""
        print(f"{index.get('name')}  {keys}{extra}")
    return 0


@command("index list", help="list a collection's indexes")
def _configure_list(parser: argparse.ArgumentParser) -> None:
    add_uri(parser, database=True)
    parser.add_argument("collection", metavar="COLLECTION")
    parser.set_defaults(func=run_list)


@command("index suggest", help="suggest indexes for a model from its slow or sample queries")
def _configure_suggest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="package.module:ClassName")
    parser.add_argument(
        "--from",
        dest="from_files",
        action="append",
        metavar="FILE",
        help="slow operations saved with data_bridge.slow_operations().save(FILE)",
    )
    parser.add_argument(
        "--query", action="append", help='a filter as JSON: \'{"age": {"$gt": 3}}\''
    )
    parser.add_argument(
        "--sort", action="append", help="the sort of the matching --query: '{\"name\": 1}'"
    )
    add_uri(parser, database=True)
    parser.set_defaults(func=run_suggest)
