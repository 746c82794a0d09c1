"""data-bridge demo: documents in, Arrow / pandas / polars out, over a real server.

Run with `make demo`. Uses `MONGODB_URI` when set; otherwise starts the embedded SecantusDB server.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
from bson import ObjectId
from data_bridge import _engine
from data_bridge.embedded import EmbeddedServer

N_USERS = 5_000
CITIES = ["Lisbon", "Osaka", "Nairobi", "Quito", "Oslo", "Perth"]


@contextmanager
def server_uri() -> Iterator[str]:
    if uri := os.environ.get("MONGODB_URI"):
        print(f"using MONGODB_URI={uri}")
        yield uri
        return
    with EmbeddedServer() as server:
        print(f"started the embedded {server.kind} SecantusDB server at {server.uri}")
        yield server.uri


def make_users(n: int) -> list[dict[str, object]]:
    rng = random.Random(42)
    start = datetime(2025, 1, 1)
    return [
        {
            "_id": ObjectId(),
            "name": f"user{i:05d}",
            "email": f"user{i:05d}@example.com",
            "age": rng.randint(18, 90),
            "score": round(rng.random() * 100, 2),
            "active": rng.random() < 0.7,
            "created": start + timedelta(minutes=rng.randint(0, 500_000)),
            "tags": rng.sample(["a", "b", "c", "d", "e"], 2),
            "address": {"city": rng.choice(CITIES), "zip": f"{rng.randint(10000, 99999)}"},
        }
        for i in range(n)
    ]


@contextmanager
def timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"  {label:<46} {1000 * (time.perf_counter() - started):8.1f} ms")


async def main(uri: str) -> None:
    client = _engine.Client(uri)
    db = client.database("data_bridge_demo")
    users = db.collection("users")
    await users.drop()

    users_in = make_users(N_USERS)
    print(f"\n{N_USERS} users, server -> Rust -> Arrow -> Python:")
    with timed("insert_many (Python dicts -> BSON in Rust)"):
        inserted = await users.insert_many(users_in)
    assert inserted.inserted_count == N_USERS

    with timed("find all -> Arrow table (decoded in Rust)"):
        table = await users.find({})
    arrow = pa.table(table)
    with timed("find active users over 60, sorted by score"):
        seniors = await users.find(
            {"active": True, "age": {"$gt": 60}}, sort={"score": -1}, limit=5
        )
    with timed("count_documents in Osaka"):
        in_osaka = await users.count_documents({"address.city": "Osaka"})

    print(f"\nschema ({arrow.num_rows} rows, {table.num_batches} record batches):")
    for field in arrow.schema:
        print(f"  {field.name:<8} {field.type}")

    print("\ntop active users over 60 by score:")
    for row in seniors.to_pylist():
        print(f"  {row['name']}  age {row['age']:>2}  score {row['score']:6.2f}  {row['_id']!r}")
    print(f"\nusers in Osaka: {in_osaka}")

    frame = arrow.to_pandas()
    frame["city"] = [a["city"] for a in frame["address"]]
    print("\npandas: mean age and score by city")
    print(frame.groupby("city")[["age", "score"]].mean().round(1).to_string())
    active = arrow.filter(pc.field("active"))
    print(f"\npyarrow: mean score of active users = {pc.mean(active['score']).as_py():.2f}")

    await users.drop()
    await client.close()


if __name__ == "__main__":
    with server_uri() as uri:
        asyncio.run(main(uri))
