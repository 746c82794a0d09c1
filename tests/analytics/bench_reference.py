"""Quick local measurement of the analytics paths against PyMongoArrow and pymongo (not a test).

Run (prefers the Rust SecantusDB server; set MONGODB_URI to use another):
    .venv/bin/python tests/analytics/bench_reference.py --docs 100000 --repeat 5

Prints medians and ratios; the team's real benchmark harness lives in benches/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import data_bridge
import pyarrow as pa
import pymongo
from conftest import reference_docs  # this directory is on sys.path when run as a script
from data_bridge.embedded import EmbeddedServer


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    result = statistics.median(times)
    print(f"  {result:9.1f} ms (min {min(times):.1f})", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with ExitStack() as stack:
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            uri = stack.enter_context(EmbeddedServer(prefer="rust")).uri
        run(uri, args.docs, args.repeat)


def run(uri: str, n: int, repeat: int) -> None:
    from pymongoarrow.api import Schema, find_arrow_all, write

    client: pymongo.MongoClient = pymongo.MongoClient(uri)
    coll = client.bench_analytics.people
    coll.drop()
    docs = reference_docs(n)
    coll.insert_many(docs)

    ours = data_bridge.connect(uri)["bench_analytics"]["people"]
    fields = ["name", "email", "age", "score", "active", "created", "tags", "address"]
    projection = dict.fromkeys(fields, 1)

    results: dict[str, float] = {}
    results["raw floor (pymongo find_raw_batches)"] = median_ms(
        lambda: [len(b) for b in coll.find_raw_batches({})], repeat
    )
    results["data-bridge find -> pyarrow"] = median_ms(lambda: ours.find({}).to_arrow(), repeat)
    results["data-bridge find -> pyarrow, partitions=2"] = median_ms(
        lambda: ours.find({}).to_arrow(partitions=2), repeat
    )
    results["data-bridge find -> pyarrow, columns (client decode)"] = median_ms(
        lambda: ours.find({}).to_arrow(columns=["age", "score", "name"]), repeat
    )
    results["data-bridge find -> pyarrow, columns (server projection)"] = median_ms(
        lambda: ours.find({}).to_arrow(columns=["age", "score", "name"], projection="server"),
        repeat,
    )
    results["data-bridge find -> polars"] = median_ms(lambda: ours.find({}).to_polars(), repeat)
    results["data-bridge find -> pandas (ArrowDtype)"] = median_ms(
        lambda: ours.find({}).to_pandas(), repeat
    )
    results["PyMongoArrow find_arrow_all (no projection)"] = median_ms(
        lambda: find_arrow_all(coll, {}, projection=None), repeat
    )
    results["PyMongoArrow find_arrow_all (default server projection)"] = median_ms(
        lambda: find_arrow_all(coll, {}), repeat
    )
    results["PyMongoArrow find_arrow_all (9-field projection)"] = median_ms(
        lambda: find_arrow_all(coll, {}, projection=projection), repeat
    )
    results["pymongo find + pa.Table.from_pylist"] = median_ms(
        lambda: pa.Table.from_pylist([{**d, "_id": d["_id"].binary} for d in coll.find({})]),
        repeat,
    )

    table = ours.find({}, schema=_spec()).to_arrow()
    no_id = table.drop_columns(["_id"]) if "_id" in table.column_names else table
    target = client.bench_analytics.written
    ours_target = data_bridge.connect(uri)["bench_analytics"]["written"]

    def ours_write() -> None:
        target.drop()
        data_bridge.write(ours_target, no_id)

    def pma_write() -> None:
        target.drop()
        write(target, no_id)

    results["data-bridge write (insert_arrow)"] = median_ms(ours_write, repeat)
    results["PyMongoArrow write()"] = median_ms(pma_write, repeat)
    del Schema

    floor = results["raw floor (pymongo find_raw_batches)"]
    ours_ms = results["data-bridge find -> pyarrow"]
    width = max(len(k) for k in results)
    print(f"{n} docs, median of {repeat}, server {uri}")
    for name, ms in results.items():
        print(f"{name:<{width}}  {ms:9.1f} ms  ({ms / floor:5.2f}x floor)")
    pma = results["PyMongoArrow find_arrow_all (no projection)"]
    print(f"-> Arrow vs raw floor: {ours_ms / floor:.2f}x")
    print(f"-> Arrow vs PyMongoArrow: {pma / ours_ms:.2f}x faster")
    w_ours, w_pma = results["data-bridge write (insert_arrow)"], results["PyMongoArrow write()"]
    print(f"write: {w_pma / w_ours:.2f}x faster than PyMongoArrow write()")
    coll.drop()
    client.bench_analytics.written.drop()


def _spec() -> dict[str, Any]:
    return {
        "_id": "objectId",
        "name": "string",
        "email": "string",
        "age": "int",
        "score": "double",
        "active": "bool",
        "created": "date",
        "tags": ["string"],
        "address": {"city": "string", "zip": "string"},
    }


if __name__ == "__main__":
    main()
