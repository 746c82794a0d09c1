"""Ray Data and Dask, side by side: ``ray.data.read_mongo`` (PyMongoArrow) against data-bridge.

Same server, same collection of N flat documents, same number of blocks, same local Ray of two
CPUs, runs interleaved; each figure is the median of ``--runs`` timed runs after one warm-up:

- Ray read: ``ray.data.read_mongo(...)`` vs ``ray.data.read_datasource(MongoDatasource(q))``,
  both ``.materialize()``\\ d (every block decoded and in Ray's object store), no schema given to
  either (each infers its own).
- Ray write: ``ds.write_mongo(...)`` (PyMongoArrow ``write``) vs
  ``ds.write_datasink(MongoDatasink(...))`` of the same N-row Arrow dataset.
- Dask read (dask-mongo, the Dask anchor, pins a 2022 Dask and does not install next to this
  one): ``dd.from_map`` over PyMongoArrow ``find_pandas_all`` on our ``_id`` ranges vs
  ``q.to_dask()``, processes scheduler on one pool, ``map_partitions(len)`` computed (every
  partition read and converted to pandas in its worker).
- Drift: a 20,000-document collection whose ``v`` is an int except one string near the end:
  how many nulls ``read_mongo`` returns for ``v`` vs what ours does (raises ``DecodeError``).

Starts an embedded ``secantusd-rs`` unless ``MONGODB_URI`` is set. Nothing is asserted::

    .venv/bin/python -m benches.distributed --rows 200000 --blocks 4 --runs 3

"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import multiprocessing
import os
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import data_bridge
import pyarrow as pa
import pymongo

from benches import datasets

DATABASE = "bench_distributed"


@contextlib.contextmanager
def _server() -> Iterator[str]:
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    from data_bridge.embedded import EmbeddedServer, find_server_binary

    binary = find_server_binary("rust")
    with EmbeddedServer(binary=binary.path, startup_timeout=60) as server:
        yield server.uri


def _median_seconds(runs: int, contenders: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """One warm-up each, then ``runs`` rounds, the contenders' order rotating every round."""
    for run in contenders.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(runs):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            started = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def _report(title: str, medians: dict[str, float], ours: str, peer: str, rows: int) -> None:
    print(f"\n{title}")
    for name, seconds in medians.items():
        print(f"  {name:<44} {seconds * 1000:9.0f} ms  {rows / seconds / 1000:8.0f}k rows/s")
    print(f"  ratio {peer} / {ours}: {medians[peer] / medians[ours]:.2f}x")


def _ray_reads(ray: Any, uri: str, name: str, rows: int, blocks: int, runs: int) -> None:
    from data_bridge.ray import MongoDatasource

    coll = data_bridge.connect(uri)[DATABASE][name]

    def peer() -> None:
        ds = ray.data.read_mongo(uri, DATABASE, name, override_num_blocks=blocks).materialize()
        assert ds.count() == rows

    def ours() -> None:
        source = MongoDatasource(coll.find({}))
        ds = ray.data.read_datasource(source, override_num_blocks=blocks).materialize()
        assert ds.count() == rows

    medians = _median_seconds(
        runs, {"ray.data.read_mongo (PyMongoArrow)": peer, "data_bridge MongoDatasource": ours}
    )
    _report(
        f"Ray read, {rows:,} docs, {blocks} blocks",
        medians,
        "data_bridge MongoDatasource",
        "ray.data.read_mongo (PyMongoArrow)",
        rows,
    )


def _ray_writes(ray: Any, uri: str, rows: int, blocks: int, runs: int) -> None:
    from data_bridge.ray import MongoDatasink

    table = pa.table(datasets.flat_rows(rows))
    ds = ray.data.from_arrow(table).repartition(blocks).materialize()
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    coll = data_bridge.connect(uri)[DATABASE]["write_ours"]

    def peer() -> None:
        client[DATABASE].write_peer.drop()
        client[DATABASE].create_collection("write_peer")  # write_mongo refuses a missing one
        ds.write_mongo(uri, DATABASE, "write_peer")
        assert client[DATABASE].write_peer.estimated_document_count() == rows

    def ours() -> None:
        client[DATABASE].write_ours.drop()
        sink = MongoDatasink(coll)
        ds.write_datasink(sink)
        assert sink.inserted_count == rows

    medians = _median_seconds(
        runs, {"ds.write_mongo (PyMongoArrow)": peer, "data_bridge MongoDatasink": ours}
    )
    _report(
        f"Ray write, {rows:,} rows, {blocks} blocks",
        medians,
        "data_bridge MongoDatasink",
        "ds.write_mongo (PyMongoArrow)",
        rows,
    )
    client.close()


def _pymongoarrow_pandas(uri: str, name: str, filter: dict[str, Any]) -> Any:
    """One range through PyMongoArrow, as a frame of ``pd.ArrowDtype`` columns (like ours).

    Its ObjectId pandas dtype is not one Dask can hold: ``_id`` goes as its 12-byte storage.
    """
    import pandas as pd
    from pymongoarrow.api import find_arrow_all

    with pymongo.MongoClient(uri) as client:
        table = find_arrow_all(client[DATABASE][name], filter)
    index = table.schema.get_field_index("_id")
    ids = pa.chunked_array([c.storage for c in table.column(index).chunks], pa.binary(12))
    table = table.set_column(index, "_id", ids)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _dask_reads(uri: str, name: str, rows: int, blocks: int, runs: int) -> None:
    import dask
    import dask.dataframe as dd

    coll = data_bridge.connect(uri)[DATABASE][name]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        # Given to the peer too (found outside the timing), so neither reads to learn it.
        first = coll.find({}).partitions(blocks)[0].filter
        meta = _pymongoarrow_pandas(uri, name, first).iloc[:0]

        def peer() -> None:
            ranges = [p.filter for p in coll.find({}).partitions(blocks)]
            n = len(ranges)
            ddf = dd.from_map(_pymongoarrow_pandas, [uri] * n, [name] * n, ranges, meta=meta)
            with dask.config.set(scheduler="processes", pool=pool):
                assert sum(ddf.map_partitions(len).compute()) == rows

        def ours() -> None:
            ddf = coll.find({}).to_dask(npartitions=blocks)
            with dask.config.set(scheduler="processes", pool=pool):
                assert sum(ddf.map_partitions(len).compute()) == rows

        medians = _median_seconds(
            runs,
            {"dd.from_map over PyMongoArrow": peer, "data_bridge to_dask": ours},
        )
    _report(
        f"Dask read, {rows:,} docs, {blocks} partitions (processes scheduler, 2 workers)",
        medians,
        "data_bridge to_dask",
        "dd.from_map over PyMongoArrow",
        rows,
    )


def _drift(ray: Any, uri: str, blocks: int) -> None:
    from data_bridge.ray import MongoDatasource

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    raw = client[DATABASE].drifted
    raw.drop()
    docs: list[dict[str, Any]] = [{"_id": i, "v": i} for i in range(20_000)]
    docs[19_990]["v"] = "nineteen thousand nine hundred ninety"
    raw.insert_many(docs)
    client.close()
    table = pa.concat_tables(
        ray.get(ref)
        for ref in ray.data.read_mongo(uri, DATABASE, "drifted", override_num_blocks=blocks)
        .materialize()
        .to_arrow_refs()
    )
    nulls = table.column("v").null_count
    print(f"\nDrift (20,000 docs, one string among ints in 'v'), {blocks} blocks")
    print(
        f"  ray.data.read_mongo: {table.num_rows} rows, v type {table.schema.field('v').type}, "
        f"{nulls} null(s) in v (stored: 0 nulls)"
    )
    coll = data_bridge.connect(uri)[DATABASE]["drifted"]
    try:
        source = MongoDatasource(coll.find({}))
        ray.data.read_datasource(source, override_num_blocks=blocks).materialize()
        print("  data_bridge: read without error")
    except data_bridge.errors.DecodeError as error:
        print(f"  data_bridge: DecodeError: {str(error)[:160]}")
    source = MongoDatasource(coll.find({}, schema={"_id": "int", "v": "long"}, on_mismatch="raw"))
    # The block holding the string has a raw-BSON "v"; the others keep int64.
    kept = [
        ray.get(ref)
        for ref in ray.data.read_datasource(source, override_num_blocks=blocks)
        .materialize()
        .to_arrow_refs()
    ]
    print(
        f'  data_bridge on_mismatch="raw": {sum(b.num_rows for b in kept)} rows, '
        f"{sum(b.column('v').null_count for b in kept)} null(s) in v"
    )


def main() -> None:
    """Parse the arguments, load the collection, run every comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], choices=["ray", "write", "dask", "drift"])
    args = parser.parse_args()
    # PyMongoArrow's wheel was built against another pyarrow minor: it warns on import.
    warnings.filterwarnings("ignore", message=r"pyarrow\.lib\..* size changed")
    os.environ.setdefault("PYTHONWARNINGS", "ignore:pyarrow.lib.:RuntimeWarning")  # workers
    import ray

    with _server() as uri:
        with pymongo.MongoClient(uri) as client:
            loaded = datasets.load(client[DATABASE], "flat", args.rows, purpose="dist")
        print(
            f"{args.rows:,} flat docs ({loaded.bson_bytes / 1e6:.0f} MB of BSON) in "
            f"{DATABASE}.{loaded.name}; ray {ray.__version__}; 2 CPUs"
        )
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        ray.data.DataContext.get_current().enable_progress_bars = False
        try:
            if "ray" not in args.skip:
                _ray_reads(ray, uri, loaded.name, args.rows, args.blocks, args.runs)
            if "write" not in args.skip:
                _ray_writes(ray, uri, args.rows, args.blocks, args.runs)
            if "drift" not in args.skip:
                _drift(ray, uri, args.blocks)
        finally:
            ray.shutdown()
        if "dask" not in args.skip:
            _dask_reads(uri, loaded.name, args.rows, args.blocks, args.runs)


if __name__ == "__main__":
    main()
