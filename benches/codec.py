"""Offline decode / encode of raw BSON: data-bridge's codec beside PyMongoArrow on the same bytes.

Run standalone (prints a markdown table) or through the harness (``benches.codec_group`` calls
``run``). The documents are the harness' seeded shapes (``benches.datasets``): *flat* (name,
email, age, score, active, created, tags[2], address{city, zip}) and *nested* (~2 KB), encoded
with pymongo's ``bson.encode`` and concatenated, as a server batch or a mongodump file holds them.

Contenders, each timed on the same bytes and returning a ``pyarrow.Table`` of the same columns:

* ``data-bridge (1 thread)`` / ``data-bridge (all cores)``: ``bson_to_arrow(data, schema)``,
  then ``pyarrow.table(...)`` (zero-copy).
* ``pymongoarrow``: ``PyMongoArrowContext(schema).process_bson_stream(data)`` + ``finish()``
  (what ``find_arrow_all`` runs per batch; GIL held, one core).
* ``pymongo decode_all + from_pylist`` (100 k documents at most: it takes ~10 s per million).
* encode: ``arrow_to_bson(table)`` (all cores) beside ``bson.encode`` per row of ``to_pylist()``.

Usage::

    .venv/bin/python -m benches.codec                  # 100k and 1M documents, both shapes
    .venv/bin/python -m benches.codec --sizes 100000 --iterations 5
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import bson
import data_bridge
import pyarrow as pa

from benches.datasets import Shape, documents

_FLAT_SPEC: dict[str, Any] = {
    "name": "string",
    "email": "string",
    "age": "int",
    "score": "double",
    "active": "bool",
    "created": "date",
    "tags": ["string"],
    "address": {"city": "string", "zip": "string"},
}
_FLAT_ARROW = pa.schema(
    [
        ("name", pa.string()),
        ("email", pa.string()),
        ("age", pa.int32()),
        ("score", pa.float64()),
        ("active", pa.bool_()),
        ("created", pa.timestamp("ms")),
        ("tags", pa.list_(pa.string())),
        ("address", pa.struct([("city", pa.string()), ("zip", pa.string())])),
    ]
)
_LINE = pa.struct([("sku", pa.string()), ("qty", pa.int32()), ("price", pa.float64())])
_NESTED_ARROW = pa.schema(
    [
        ("name", pa.string()),
        ("email", pa.string()),
        ("created", pa.timestamp("ms")),
        ("active", pa.bool_()),
        (
            "profile",
            pa.struct(
                [
                    ("bio", pa.string()),
                    ("language", pa.string()),
                    ("newsletter", pa.bool_()),
                    ("theme", pa.string()),
                ]
            ),
        ),
        (
            "addresses",
            pa.list_(
                pa.struct(
                    [
                        ("kind", pa.string()),
                        ("street", pa.string()),
                        ("city", pa.string()),
                        ("zip", pa.string()),
                        ("geo", pa.struct([("lat", pa.float64()), ("lon", pa.float64())])),
                    ]
                )
            ),
        ),
        (
            "orders",
            pa.list_(
                pa.struct(
                    [
                        ("number", pa.int32()),
                        ("placed", pa.timestamp("ms")),
                        ("status", pa.string()),
                        ("total", pa.float64()),
                        ("lines", pa.list_(_LINE)),
                    ]
                )
            ),
        ),
        ("tags", pa.list_(pa.string())),
    ]
)
_ARROW_SCHEMAS: dict[Shape, pa.Schema] = {"flat": _FLAT_ARROW, "nested": _NESTED_ARROW}


def _data_bridge_schema(shape: Shape) -> Any:
    # Our own mapping: datetimes are timestamp[ms, UTC]; otherwise the same columns.
    if shape == "flat":
        return _FLAT_SPEC
    fields = [
        pa.field(f.name, pa.timestamp("ms", tz="UTC")) if f.name == "created" else f
        for f in _NESTED_ARROW
    ]
    return pa.schema(fields)


def encode_documents(shape: Shape, count: int) -> bytes:
    """``count`` seeded documents of ``shape`` as concatenated BSON."""
    return b"".join(bson.encode(d) for d in documents(shape, count))


def _time(
    op: Callable[[], Any], iterations: int, warmup: int
) -> tuple[list[float], list[float], Any]:
    """Wall-clock and process-CPU seconds of each timed call, and the last result.

    CPU time is what a loaded machine cannot take away: on a shared 2-core box the wall clock
    swings with other processes, CPU seconds per call barely do.
    """
    result = None
    for _ in range(warmup):
        result = op()
    times, cpu_times = [], []
    for _ in range(iterations):
        result = None
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = op()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    return times, cpu_times, result


def _pymongoarrow_decoder(shape: Shape) -> Callable[[bytes], pa.Table] | None:
    try:
        from pymongoarrow.api import Schema
        from pymongoarrow.context import PyMongoArrowContext
    except ImportError:
        return None
    schema = Schema({f.name: f.type for f in _ARROW_SCHEMAS[shape]})

    def decode(data: bytes) -> pa.Table:
        context = PyMongoArrowContext(schema)
        context.process_bson_stream(data)
        return context.finish()

    return decode


def _decode_all(data: bytes) -> pa.Table:
    return pa.Table.from_pylist(bson.decode_all(data))


def run(
    sizes: Sequence[int] = (100_000, 1_000_000),
    iterations: int = 5,
    warmup: int = 1,
    shapes: Sequence[Shape] = ("flat", "nested"),
    docs: int | None = None,
) -> list[dict[str, Any]]:
    """Time every contender on every (shape, size); one record per (task, contender).

    ``docs`` (what the harness passes) replaces ``sizes`` with that one size. Records hold
    ``task`` ("decode"/"encode"), ``shape``, ``docs``, ``bytes``, ``contender``, ``times_s``,
    ``median_s``, ``docs_per_s``, ``mb_per_s`` (10^6 bytes of BSON per second) and
    ``ratio_vs_pymongoarrow`` (its median time / ours; > 1 means faster than PyMongoArrow).
    """
    if docs is not None:
        sizes = (docs,)
    records: list[dict[str, Any]] = []
    for shape in shapes:
        for count in sizes:
            data = encode_documents(shape, count)
            schema = _data_bridge_schema(shape)
            contenders: dict[str, Callable[[], Any]] = {
                "data-bridge (1 thread)": lambda d=data, s=schema: pa.table(
                    data_bridge.bson_to_arrow(d, s, parallel=False)
                ),
                "data-bridge (all cores)": lambda d=data, s=schema: pa.table(
                    data_bridge.bson_to_arrow(d, s)
                ),
            }
            decoder = _pymongoarrow_decoder(shape)
            if decoder is not None:
                contenders["pymongoarrow"] = lambda d=data, f=decoder: f(d)
            if count <= 100_000:
                contenders["pymongo decode_all + from_pylist"] = lambda d=data: _decode_all(d)
            task_records = []
            for name, op in contenders.items():
                times, cpu_times, table = _time(op, iterations, warmup)
                if table.num_rows != count:
                    raise RuntimeError(f"{name} decoded {table.num_rows} rows, not {count}")
                task_records.append(
                    _record("decode", shape, count, len(data), name, times, cpu_times)
                )
            ours = pa.table(data_bridge.bson_to_arrow(data, schema))
            encoders: dict[str, Callable[[], Any]] = {
                "data-bridge arrow_to_bson (all cores)": lambda t=ours: data_bridge.arrow_to_bson(t)
            }
            if count <= 100_000:
                encoders["pymongo bson.encode per row"] = lambda t=ours: b"".join(
                    bson.encode(row) for row in t.to_pylist()
                )
            encode_records = []
            for name, op in encoders.items():
                times, cpu_times, out = _time(op, iterations, warmup)
                if name.startswith("data-bridge") and out != data:
                    raise RuntimeError("arrow_to_bson did not give back the input bytes")
                encode_records.append(
                    _record("encode", shape, count, len(data), name, times, cpu_times)
                )
            _add_ratios(task_records, "pymongoarrow")
            _add_ratios(encode_records, "pymongo bson.encode per row")
            records += task_records + encode_records
    return records


def _record(
    task: str,
    shape: Shape,
    count: int,
    size: int,
    contender: str,
    times: list[float],
    cpu_times: list[float],
) -> dict[str, Any]:
    median = statistics.median(times)
    median_cpu = statistics.median(cpu_times)
    return {
        "task": task,
        "shape": shape,
        "docs": count,
        "bytes": size,
        "contender": contender,
        "times_s": times,
        "cpu_times_s": cpu_times,
        "median_s": median,
        "median_cpu_s": median_cpu,
        "docs_per_s": count / median,
        "mb_per_s": size / median / 1e6,
        "mb_per_cpu_s": size / median_cpu / 1e6 if median_cpu > 0 else None,
    }


def _add_ratios(records: list[dict[str, Any]], baseline: str) -> None:
    base = next((r for r in records if r["contender"] == baseline), None)
    key = baseline.split()[0]
    for record in records:
        record["ratio_vs_" + key] = base["median_s"] / record["median_s"] if base else None
        record["cpu_ratio_vs_" + key] = (
            base["median_cpu_s"] / record["median_cpu_s"]
            if base and record["median_cpu_s"] > 0
            else None
        )


def markdown(records: list[dict[str, Any]]) -> str:
    """The records as one markdown table."""
    lines = [
        "| task | shape | docs | MB | contender | median ms | docs/s | MB/s | x peer "
        "| CPU ms | MB per CPU-s | x peer (CPU) |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def times(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}x"

    for r in records:
        ratio = r.get("ratio_vs_pymongoarrow", r.get("ratio_vs_pymongo"))
        cpu_ratio = r.get("cpu_ratio_vs_pymongoarrow", r.get("cpu_ratio_vs_pymongo"))
        per_cpu = r["mb_per_cpu_s"]
        lines.append(
            f"| {r['task']} | {r['shape']} | {r['docs']:,} | {r['bytes'] / 1e6:.1f} "
            f"| {r['contender']} | {r['median_s'] * 1e3:,.1f} | {r['docs_per_s']:,.0f} "
            f"| {r['mb_per_s']:,.0f} | {times(ratio)} | {r['median_cpu_s'] * 1e3:,.1f} "
            f"| {'-' if per_cpu is None else f'{per_cpu:,.0f}'} | {times(cpu_ratio)} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated doc counts")
    parser.add_argument("--shapes", default="flat,nested")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    shapes: list[Shape] = [s for s in ("flat", "nested") if s in args.shapes.split(",")]
    records = run(sizes, args.iterations, args.warmup, shapes)
    print(markdown(records))


if __name__ == "__main__":
    main()
