"""data-bridge demo: a Beanie-style model in; lazy Documents, Arrow and pandas out, over the wire.

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

import pandas  # noqa: F401 - imported up front so the timings below exclude it
import pyarrow.compute as pc
from data_bridge import Document, Indexed, init
from data_bridge.embedded import EmbeddedServer
from data_bridge.operators import In
from pydantic import BaseModel

N_USERS = 5_000
CITIES = ["Lisbon", "Osaka", "Nairobi", "Quito", "Oslo", "Perth"]
DATABASE = "data_bridge_demo"


class Address(BaseModel):
    city: str
    zip: str


class User(Document):
    name: Indexed(str)  # type: ignore[valid-type]
    email: str
    age: int
    score: float
    active: bool
    created: datetime
    tags: list[str]
    address: Address

    class Settings:
        name = "users"


@contextmanager
def server_uri() -> Iterator[str]:
    if uri := os.environ.get("MONGODB_URI"):
        print(f"using MONGODB_URI={uri}")
        yield uri
        return
    with EmbeddedServer() as server:
        print(f"started the embedded {server.kind} SecantusDB server at {server.uri}")
        yield server.uri


def make_users(n: int) -> list[User]:
    rng = random.Random(42)
    start = datetime(2025, 1, 1)
    return [
        User(
            name=f"user{i:05d}",
            email=f"user{i:05d}@example.com",
            age=rng.randint(18, 90),
            score=round(rng.random() * 100, 2),
            active=rng.random() < 0.7,
            created=start + timedelta(minutes=rng.randint(0, 500_000)),
            tags=rng.sample(["a", "b", "c", "d", "e"], 2),
            address=Address(city=rng.choice(CITIES), zip=f"{rng.randint(10000, 99999)}"),
        )
        for i in range(n)
    ]


@contextmanager
def timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"  {label:<52} {1000 * (time.perf_counter() - started):8.1f} ms")


async def main(uri: str) -> None:
    await init(connection_string=f"{uri.rstrip('/')}/{DATABASE}", document_models=[User])
    await User.delete_all()

    users = make_users(N_USERS)
    print(f"\n{N_USERS} users: model -> BSON in Rust -> server -> Arrow in Rust -> Python")
    with timed("User.insert_many(models)"):
        await User.insert_many(users)
    with timed("User.find_all().to_list()  (lazy Documents)"):
        everyone = await User.find_all().to_list()
    with timed("read every user's score (column decoded once)"):
        total = sum(user.score for user in everyone)
    with timed("active users over 60, top 5 by score"):
        seniors = (
            await User.find((User.active == True) & (User.age > 60))  # noqa: E712
            .sort(-User.score)
            .limit(5)
            .to_list()
        )
    with timed("count in Osaka or Quito"):
        in_two_cities = await User.find(In(User.address.city, ["Osaka", "Quito"])).count()
    with timed("save_changes() on one document ($set of one field)"):
        first = seniors[0]
        first.score = 100.0
        await first.save_changes()
    with timed("User.find_all().to_arrow()"):
        arrow = await User.find_all().to_arrow()
    with timed("User.find(...).to_pandas(columns=[...])"):
        frame = await User.find(User.active == True).to_pandas(  # noqa: E712
            columns=["age", "score", "address"]
        )

    print(f"\nmean score over {len(everyone)} lazy Documents: {total / len(everyone):.2f}")
    print("\ntop active users over 60 by score:")
    for user in seniors:
        print(f"  {user.name}  age {user.age:>2}  score {user.score:6.2f}  {user.address.city}")
    print(f"\nusers in Osaka or Quito: {in_two_cities}")

    print(f"\nArrow schema ({arrow.num_rows} rows, {arrow.column(0).num_chunks} chunks):")
    for field in arrow.schema:
        print(f"  {field.name:<8} {field.type}")
    active = arrow.filter(pc.field("active"))
    print(f"pyarrow: mean score of active users = {pc.mean(active['score']).as_py():.2f}")

    frame["city"] = [address["city"] for address in frame["address"]]
    print("\npandas: mean age and score of active users by city")
    print(frame.groupby("city")[["age", "score"]].mean().round(1).to_string())

    await User.get_pymongo_collection().database.client.drop_database(DATABASE)


if __name__ == "__main__":
    with server_uri() as uri:
        asyncio.run(main(uri))
