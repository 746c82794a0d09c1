"""Links benchmark: find N cars with their one linked door fetched, data-bridge vs Beanie.

Both libraries read the same seeded collections in the same run (they store links the same
way, as DBRefs). Beanie fetches with a ``$lookup`` aggregation; data-bridge with one ``find``
for the cars and one ``$in`` find for their doors. Reported: median and best of ``--repeat``
runs per contender, and the ratio. Nothing is asserted about speed.

Usage::

    .venv/bin/python -m benches.links                     # embedded server, 1,000 cars
    .venv/bin/python -m benches.links --uri mongodb://127.0.0.1:27117 --count 10000

"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from typing import Any

import beanie
import data_bridge
import pymongo
from bson import DBRef, ObjectId

DOORS = "bench_link_doors"
CARS = "bench_link_cars"


class DbDoor(data_bridge.Document):
    height: int
    color: str

    class Settings:
        name = DOORS


class DbCar(data_bridge.Document):
    name: str
    year: int
    door: data_bridge.Link[DbDoor]

    class Settings:
        name = CARS


class BeanieDoor(beanie.Document):
    height: int
    color: str

    class Settings:
        name = DOORS


class BeanieCar(beanie.Document):
    name: str
    year: int
    door: beanie.Link[BeanieDoor]

    class Settings:
        name = CARS


def seed(database: Any, count: int) -> None:
    """``count`` doors and ``count`` cars, each car linking its own door."""
    database[DOORS].drop()
    database[CARS].drop()
    door_ids = [ObjectId() for _ in range(count)]
    database[DOORS].insert_many(
        [{"_id": i, "height": n % 3 + 1, "color": "red"} for n, i in enumerate(door_ids)]
    )
    database[CARS].insert_many(
        [
            {"name": f"car {n}", "year": 2000 + n % 25, "door": DBRef(DOORS, i)}
            for n, i in enumerate(door_ids)
        ]
    )


async def _time(op: Callable[[], Awaitable[int]], count: int, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        produced = await op()
        times.append((time.perf_counter() - started) * 1000)
        if produced != count:
            raise RuntimeError(f"expected {count} fetched doors, got {produced}")
    return times


async def run(uri: str, count: int, repeat: int) -> dict[str, list[float]]:
    """Seed, then time both contenders; ``{name: [ms, ...]}``."""
    db_name = f"bench_links_{uuid.uuid4().hex[:8]}"
    sync_client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    async_client: pymongo.AsyncMongoClient[dict[str, Any]] = pymongo.AsyncMongoClient(uri)
    try:
        seed(sync_client[db_name], count)
        await data_bridge.init(
            database=db_name, connection_string=uri, document_models=[DbDoor, DbCar]
        )
        await beanie.init_beanie(
            database=async_client[db_name], document_models=[BeanieDoor, BeanieCar]
        )

        async def data_bridge_op() -> int:
            cars = await DbCar.find_all(fetch_links=True).to_list()
            return sum(1 for car in cars if car.door.height > 0)

        async def beanie_op() -> int:
            cars = await BeanieCar.find_all(fetch_links=True).to_list()
            return sum(1 for car in cars if car.door.height > 0)

        results: dict[str, list[float]] = {}
        for name, op in (("data-bridge", data_bridge_op), ("Beanie 2", beanie_op)):
            await op()  # warm-up: connection pools, model setup
            results[name] = await _time(op, count, repeat)
        return results
    finally:
        sync_client.drop_database(db_name)
        sync_client.close()
        await async_client.close()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run, print a table with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="server URI (default: start the embedded server)")
    parser.add_argument("--count", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        uri = args.uri
        if uri is None:
            from data_bridge.embedded import EmbeddedServer

            uri = stack.enter_context(EmbeddedServer()).uri
        results = asyncio.run(run(uri, args.count, args.repeat))
    base = statistics.median(results["data-bridge"])
    print(f"find {args.count:,} cars + fetch their door (fetch_links=True), {args.repeat} runs")
    print(f"{'contender':<14}{'median ms':>12}{'best ms':>10}{'x data-bridge':>16}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<14}{median:>12.1f}{min(times):>10.1f}{median / base:>16.2f}")


if __name__ == "__main__":
    main()
