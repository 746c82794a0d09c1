"""Ray Data and Dask over the wire: ``_id``-range reads whose blocks agree, exact write counts.

Ray runs locally (one session for the module: its start-up costs seconds); Dask runs its
processes scheduler on one pool of two spawned workers for the module.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import data_bridge
import data_bridge.sync
import pyarrow as pa
import pymongo
import pytest
from bson import ObjectId
from data_bridge.analytics.distributed import (
    PartitionedWriteError,
    PartWrite,
    block_schema,
    combine_writes,
)

from .conftest import N_DOCS

ray = pytest.importorskip("ray")
dd = pytest.importorskip("dask.dataframe")

pytestmark = [
    # Ray's own modules warn about their internals at import and start-up (a pkg_resources
    # import in ray._private, Ray's use of deprecated asyncio/pydantic APIs): not ours.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*"),
    # Ray's workers hold sockets to the local GCS which the driver's GC finds at shutdown.
    pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning"),
]

SCHEMA = {"_id": "objectId", "name": "string", "age": "long", "score": "double"}


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    """A local Ray of two CPUs, for every Ray test of the module."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        logging_level="ERROR",
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def pool() -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    """Two spawned worker processes for Dask's processes scheduler."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as executor:
        yield executor


@pytest.fixture(scope="module")
def drifted(raw_db: pymongo.database.Database) -> list[dict[str, Any]]:
    """300 documents whose ``v`` is a number, except one text value in the middle."""
    docs: list[dict[str, Any]] = [{"_id": i, "v": i * 10} for i in range(300)]
    docs[150]["v"] = "one hundred fifty"
    raw_db.drifted.drop()
    raw_db.drifted.insert_many(docs)
    return docs


# ------------------------------------------------------------------------------------ imports


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_importing_data_bridge_imports_neither_ray_nor_dask() -> None:
    done = _run(
        "import sys, data_bridge, data_bridge.sync, data_bridge.analytics\n"
        "data_bridge.connect('mongodb://127.0.0.1:1')['d']['c'].find({})\n"
        "print(sorted(m for m in ('ray', 'dask') if m in sys.modules))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("module", "extra"), [("ray", "ray"), ("dask", "dask")])
def test_missing_engine_raises_import_error_naming_the_extra(module: str, extra: str) -> None:
    done = _run(f"import sys; sys.modules[{module!r}] = None\nimport data_bridge.{module}")
    assert done.returncode != 0
    assert "ImportError" in done.stderr
    assert f'pip install "data-bridge[{extra}]"' in done.stderr


# --------------------------------------------------------------------------------------- Ray


def test_ray_read_blocks_agree_and_hold_every_row(
    ray_session: Any, sync_client: Any, db_name: str, people: list[dict[str, Any]]
) -> None:
    from data_bridge.ray import MongoDatasource

    source = MongoDatasource(sync_client[db_name]["people"].find({}, schema=SCHEMA))
    tasks = source.get_read_tasks(4)
    assert len(tasks) == 4
    assert sum(t.metadata.num_rows for t in tasks) >= N_DOCS  # even shares, rounded up
    assert all(t.schema == block_schema(SCHEMA) for t in tasks)

    ds = ray.data.read_datasource(source, override_num_blocks=4).materialize()
    assert ds.num_blocks() == 4
    blocks = [ray.get(ref) for ref in ds.to_arrow_refs()]
    assert all(b.schema == blocks[0].schema == source.schema for b in blocks)
    # Ray yields blocks as tasks finish, and ranges are read unsorted: compare by _id.
    table = pa.concat_tables(blocks)
    got = sorted(zip(table.column("_id").to_pylist(), table.column("age").to_pylist(), strict=True))
    assert got == [(d["_id"], d["age"]) for d in people]
    assert table.schema.field("age").type == pa.int64()


def test_ray_read_of_a_model_query_uses_the_model_schema(
    ray_session: Any, mongodb_uri: str, db_name: str, people: list[dict[str, Any]]
) -> None:
    from data_bridge.ray import MongoDatasource

    class Person(data_bridge.sync.Document):
        name: str
        age: int
        created: datetime.datetime

        class Settings:
            name = "people"

    data_bridge.sync.init(database=db_name, connection_string=mongodb_uri, document_models=[Person])
    source = MongoDatasource(Person.find(Person.age >= 50))
    assert {"name", "age", "created"} <= set(source.schema.names)
    assert "email" not in source.schema.names  # not a model field: never decoded
    rows = ray.data.read_datasource(source, override_num_blocks=3).take_all()
    expected = {d["_id"]: d for d in people if d["age"] >= 50}
    assert len(rows) == len(expected)
    for row in rows:
        stored = expected[ObjectId(row["_id"])]["created"]  # naive UTC, as pymongo reads it
        assert row["created"] == stored.replace(tzinfo=datetime.timezone.utc)


def test_ray_drift_raises_decode_error_or_keeps_the_raw_value(
    ray_session: Any, mongodb_uri: str, db_name: str, drifted: list[dict[str, Any]]
) -> None:
    from data_bridge.ray import MongoDatasource

    strict = MongoDatasource(
        uri=mongodb_uri, database=db_name, collection="drifted", schema={"_id": "int", "v": "long"}
    )
    with pytest.raises(data_bridge.errors.DecodeError, match="v"):
        ray.data.read_datasource(strict, override_num_blocks=3).take_all()

    raw = MongoDatasource(
        uri=mongodb_uri,
        database=db_name,
        collection="drifted",
        schema={"_id": "int", "v": "long"},
        on_mismatch="raw",
    )
    ds = ray.data.read_datasource(raw, override_num_blocks=3).materialize()
    blocks = [ray.get(ref) for ref in ds.to_arrow_refs()]
    assert sum(b.num_rows for b in blocks) == len(drifted)
    assert all(b.column("v").null_count == 0 for b in blocks)  # never a silent null
    holder = next(b for b in blocks if 150 in b.column("_id").to_pylist())
    values = dict(
        zip(holder.column("_id").to_pylist(), holder.column("v").to_pylist(), strict=True)
    )
    assert values[150] == "one hundred fifty"  # the drifted value, as stored


def test_ray_datasink_counts_every_row(
    ray_session: Any, sync_client: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    from data_bridge.ray import MongoDatasink

    raw_db.ray_out.drop()
    ds = ray.data.from_arrow(pa.table({"k": list(range(1000)), "x": [i / 2 for i in range(1000)]}))
    ds = ds.repartition(4)
    sink = MongoDatasink(sync_client[db_name]["ray_out"])
    ds.write_datasink(sink)
    assert sink.inserted_count == 1000
    assert raw_db.ray_out.count_documents({}) == 1000
    assert sorted(d["k"] for d in raw_db.ray_out.find({}, {"k": 1})) == list(range(1000))


def test_ray_datasink_failure_reports_whole_write_totals(
    ray_session: Any, sync_client: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    from data_bridge.ray import MongoDatasink

    raw_db.ray_dup.drop()
    raw_db.ray_dup.insert_one({"_id": 510})
    ds = ray.data.from_arrow(pa.table({"_id": list(range(1000))})).repartition(4)
    sink = MongoDatasink(sync_client[db_name]["ray_dup"])
    with pytest.raises(PartitionedWriteError, match="1 of 4 partition") as caught:
        ds.write_datasink(sink)
    error = caught.value
    stored = raw_db.ray_dup.count_documents({}) - 1
    assert error.inserted_count == stored == sink.inserted_count
    assert error.inserted_count + len(error.unsent_indexes) == 1000
    assert error.failures[0][1] == "BulkWriteError"


# -------------------------------------------------------------------------------------- Dask


def test_to_dask_meta_from_schema_and_processes_scheduler(
    pool: Any, sync_client: Any, db_name: str, people: list[dict[str, Any]]
) -> None:
    import dask

    ddf = (
        sync_client[db_name]["people"].find({"active": True}, schema=SCHEMA).to_dask(npartitions=4)
    )
    assert ddf.npartitions == 4
    meta = ddf._meta
    assert list(meta.columns) == list(SCHEMA)
    assert str(meta["age"].dtype) == "int64[pyarrow]"
    with dask.config.set(scheduler="processes", pool=pool):
        total, frame = dask.compute(ddf["age"].sum(), ddf)
    expected = [d for d in people if d["active"]]
    assert total == sum(d["age"] for d in expected)
    assert frame.dtypes.to_dict() == meta.dtypes.to_dict()
    assert sorted(ObjectId(i) for i in frame["_id"]) == [d["_id"] for d in expected]


async def test_model_query_to_dask(
    pool: Any, mongodb_uri: str, db_name: str, people: list[dict[str, Any]]
) -> None:
    import dask

    class Person(data_bridge.Document):
        age: int
        score: float

        class Settings:
            name = "people"

    await data_bridge.init(
        database=db_name, connection_string=mongodb_uri, document_models=[Person]
    )
    ddf = Person.find(Person.age < 30).to_dask(npartitions=3)
    assert set(ddf._meta.columns) >= {"age", "score"}
    with dask.config.set(scheduler="processes", pool=pool):
        ages = ddf["age"].compute()
    assert sorted(ages.tolist()) == sorted(d["age"] for d in people if d["age"] < 30)


def test_dask_drift_raises_decode_error_or_keeps_the_raw_value(
    pool: Any, sync_client: Any, db_name: str, drifted: list[dict[str, Any]]
) -> None:
    import dask

    coll = sync_client[db_name]["drifted"]
    strict = coll.find({}, schema={"_id": "int", "v": "long"}).to_dask(npartitions=3)
    with (
        dask.config.set(scheduler="processes", pool=pool),
        pytest.raises(data_bridge.errors.DecodeError, match="v"),
    ):
        strict.compute()

    raw = coll.find({}, schema={"_id": "int", "v": "long"}, on_mismatch="raw")
    with dask.config.set(scheduler="processes", pool=pool):
        frame = raw.to_dask(npartitions=3).compute()
    assert len(frame) == len(drifted)
    assert frame["v"].isna().sum() == 0  # never a silent null
    assert frame.set_index("_id")["v"][150] == "one hundred fifty"


def test_dask_write_counts_every_row(
    pool: Any, sync_client: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    import pandas as pd

    raw_db.dask_out.drop()
    frame = pd.DataFrame({"k": range(900), "label": [f"r{i}" for i in range(900)]})
    ddf = dd.from_pandas(frame, npartitions=3)
    written = data_bridge.dask.write(
        ddf, sync_client[db_name]["dask_out"], scheduler="processes", pool=pool
    )
    assert written == 900 == raw_db.dask_out.count_documents({})
    assert sorted(d["k"] for d in raw_db.dask_out.find({}, {"k": 1})) == list(range(900))


def test_dask_write_failure_reports_whole_write_totals(
    pool: Any, sync_client: Any, db_name: str, raw_db: pymongo.database.Database
) -> None:
    import pandas as pd

    raw_db.dask_dup.drop()
    raw_db.dask_dup.insert_one({"_id": 305})
    ddf = dd.from_pandas(pd.DataFrame({"_id": range(900)}), npartitions=3)  # 300 rows each
    with pytest.raises(PartitionedWriteError, match="1 of 3 partition") as caught:
        data_bridge.dask.write(
            ddf, sync_client[db_name]["dask_dup"], scheduler="processes", pool=pool
        )
    error = caught.value
    # Partitions 0 and 2 whole, partition 1 up to the duplicate (ordered): 600 + 5.
    assert error.inserted_count == 605 == raw_db.dask_dup.count_documents({}) - 1
    assert error.unsent_indexes == list(range(305, 600))
    assert error.failures[0][:2] == (1, "BulkWriteError")


# ----------------------------------------------------------------------------- accounting


def test_interrupted_partitions_add_up_to_one_write_interrupted() -> None:
    parts = [
        PartWrite(0, 100, 100),
        PartWrite(
            1,
            100,
            40,
            in_doubt_ids={40: "a", 41: "b"},
            in_doubt_rows=(40, 41),
            unsent_rows=tuple(range(42, 100)),
            error=("WriteInterrupted", "connection lost"),
            interrupted=True,
        ),
        PartWrite(2, 50, 50),
    ]
    with pytest.raises(data_bridge.errors.WriteInterrupted) as caught:
        combine_writes(parts, "db.c")
    lost = caught.value
    assert lost.inserted_count == 190
    assert lost.in_doubt_indexes == [140, 141]
    assert lost.in_doubt_ids == {140: "a", 141: "b"}
    assert lost.unsent_indexes == list(range(142, 200))
    assert lost.details["nInDoubt"] == 2
    assert "190 of 250 row(s) acknowledged" in str(lost)
