"""``data-bridge schema show MODEL`` and ``data-bridge schema diff MODEL``.

``show`` prints what a model stores (fields, storage keys, decode types, links, hierarchy,
time series, declared indexes) without a server. ``diff`` reads a random sample of the stored
documents (``--sample N``, default 1,000, drawn by the server's ``$sample``) or every one of
them (``--all``), and the indexes, and prints how they differ from the model (keys the model
lacks, missing required fields, nulls, values of types the model does not decode, nested ones
included: ``address.zip``, ``tags[]``); its exit status is 1 when they differ.

Example:
    >>> main(["schema", "show", "app.models:User"])  # doctest: +SKIP
    >>> main(["schema", "diff", "app.models:User", "--uri", URI, "--db", "app"])  # doctest: +SKIP
    >>> main(["schema", "diff", "app.models:User", "--all", "--db", "app"])  # doctest: +SKIP

"""

from __future__ import annotations

import argparse
import dataclasses
import json

from data_bridge.cli import command
from data_bridge.cli.common import add_uri, client, database
from data_bridge.cli.index import load_model


def run_show(args: argparse.Namespace) -> int:
    """Print the model's storage description (``--json`` for machine-readable output)."""
    from data_bridge.odm.schema_diff import describe_model

    description = describe_model(load_model(args.model))
    if args.json:
        print(json.dumps(dataclasses.asdict(description), default=str, indent=2))
    else:
        print(description.to_text())
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Sample stored documents and indexes; print the differences; 1 when there are any."""
    from data_bridge.odm import inheritance
    from data_bridge.odm.schema_diff import diff_model

    model = load_model(args.model)
    collection = database(args, client(args)).collection(model.get_collection_name())
    query = inheritance.class_filter(model, with_children=False) or {}
    method = "all" if args.all or args.sample == 0 else "$sample"
    if method == "all":
        documents = collection.find_raw_sync(query)
    else:
        # A random sample: the first N in natural order are the oldest documents, and drift
        # usually sits in the newest ones.
        pipeline = [{"$match": query}, {"$sample": {"size": args.sample}}]
        documents = collection.aggregate_raw_sync(pipeline)
    report = diff_model(model, documents, collection.list_indexes_sync(), method)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), default=str, indent=2))
    else:
        print(report.to_text())
    return 0 if report.clean else 1


def _sample_size(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"--sample must be 0 or more, got {value}")
    return value


@command("schema show", help="print what a document model stores")
def _configure_show(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="package.module:ClassName")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_show)


@command("schema diff", help="compare stored documents and indexes with a model")
def _configure_diff(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="package.module:ClassName")
    add_uri(parser, database=True)
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--sample",
        type=_sample_size,
        default=1000,
        metavar="N",
        help="compare a random sample of N documents (default 1000; 0 means all)",
    )
    size.add_argument("--all", action="store_true", help="compare every stored document")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_diff)
