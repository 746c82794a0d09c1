"""Seeded synthetic documents of the two reference shapes, and loading them into the server.

* ``flat`` (~200 B of BSON): name, email, age, score, active, created, tags[2], address{city, zip}
  — the shape the peer numbers in /work/shared/README.md §2 were measured with.
* ``nested`` (~2 KB): a profile sub-document, a list of address sub-documents and a list of orders,
  each order holding a list of line sub-documents — the "nested/large" model of MongoDB's ODM
  benchmark spec.

The same seed gives the same documents on every run and machine, so sizes (and MB/s) compare.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pymongo
from pydantic import BaseModel

Shape = Literal["flat", "nested"]
SHAPES: tuple[Shape, ...] = ("flat", "nested")

SEED = 20261121
_EPOCH = dt.datetime(2020, 1, 1)
_CITIES = ("Lisbon", "Oslo", "Lyon", "Porto", "Turin", "Ghent", "Leeds", "Graz", "Malmo", "Bern")
_WORDS = ("red", "green", "blue", "fast", "slow", "new", "old", "gold", "iron", "jade", "mint")
_SKUS = tuple(f"SKU-{n:05d}" for n in range(0, 50_000, 97))


def _created(rng: random.Random) -> dt.datetime:
    # Millisecond precision: BSON datetimes have no more, so round trips compare equal.
    return _EPOCH + dt.timedelta(milliseconds=rng.randrange(0, 5 * 365 * 86_400_000))


def flat_document(index: int, rng: random.Random) -> dict[str, Any]:
    """One ~200 B document (no ``_id``: the server or the client library assigns it)."""
    return {
        "name": f"User {index:07d}",
        "email": f"user{index:07d}@example.com",
        "age": rng.randrange(18, 90),
        "score": round(rng.uniform(0, 1000), 3),
        "active": rng.random() < 0.7,
        "created": _created(rng),
        "tags": [rng.choice(_WORDS), rng.choice(_WORDS)],
        "address": {"city": rng.choice(_CITIES), "zip": f"{rng.randrange(10000, 99999)}"},
    }


def _line(rng: random.Random) -> dict[str, Any]:
    return {
        "sku": rng.choice(_SKUS),
        "qty": rng.randrange(1, 9),
        "price": round(rng.uniform(1, 250), 2),
    }


def _order(number: int, rng: random.Random) -> dict[str, Any]:
    return {
        "number": number,
        "placed": _created(rng),
        "status": rng.choice(("new", "paid", "shipped", "returned")),
        "total": round(rng.uniform(5, 2_000), 2),
        "lines": [_line(rng) for _ in range(3)],
    }


def nested_document(index: int, rng: random.Random) -> dict[str, Any]:
    """One ~2 KB document with nested sub-documents and arrays of sub-documents."""
    return {
        "name": f"Customer {index:07d}",
        "email": f"customer{index:07d}@example.com",
        "created": _created(rng),
        "active": rng.random() < 0.8,
        "profile": {
            "bio": " ".join(rng.choice(_WORDS) for _ in range(16)),
            "language": rng.choice(("en", "pt", "fr", "de", "no")),
            "newsletter": rng.random() < 0.5,
            "theme": rng.choice(("light", "dark")),
        },
        "addresses": [
            {
                "kind": kind,
                "street": f"{rng.randrange(1, 400)} {rng.choice(_WORDS).title()} Street",
                "city": rng.choice(_CITIES),
                "zip": f"{rng.randrange(10000, 99999)}",
                "geo": {"lat": rng.uniform(-90, 90), "lon": rng.uniform(-180, 180)},
            }
            for kind in ("home", "work")
        ],
        "orders": [_order(n, rng) for n in range(6)],
        "tags": [rng.choice(_WORDS) for _ in range(5)],
    }


def documents(shape: Shape, count: int, *, start: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` documents of ``shape``; document ``i`` is the same on every run."""
    make = flat_document if shape == "flat" else nested_document
    rng = random.Random(f"{SEED}-{shape}-{start}")
    for index in range(start, start + count):
        yield make(index, rng)


# --- pydantic field sets shared by the Beanie and data-bridge models ---------------------------


class Address(BaseModel):
    city: str
    zip: str


class FlatFields(BaseModel):
    name: str
    email: str
    age: int
    score: float
    active: bool
    created: dt.datetime
    tags: list[str]
    address: Address


class Profile(BaseModel):
    bio: str
    language: str
    newsletter: bool
    theme: str


class Geo(BaseModel):
    lat: float
    lon: float


class PostalAddress(BaseModel):
    kind: str
    street: str
    city: str
    zip: str
    geo: Geo


class OrderLine(BaseModel):
    sku: str
    qty: int
    price: float


class Order(BaseModel):
    number: int
    placed: dt.datetime
    status: str
    total: float
    lines: list[OrderLine]


class NestedFields(BaseModel):
    name: str
    email: str
    created: dt.datetime
    active: bool
    profile: Profile
    addresses: list[PostalAddress]
    orders: list[Order]
    tags: list[str]


FIELDS: dict[Shape, type[BaseModel]] = {"flat": FlatFields, "nested": NestedFields}

#: The one field each shape's update task changes (the spec's FIELD_NAME / NESTED_FIELD_NAME).
UPDATED_FIELD: dict[Shape, str] = {"flat": "score", "nested": "profile.theme"}


# --- loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedCollection:
    """A collection filled with ``count`` documents of ``shape`` and its exact stored size."""

    name: str
    shape: Shape
    count: int
    bson_bytes: int
    load_seconds: float


def collection_name(shape: Shape, count: int, purpose: str = "find") -> str:
    """The collection holding ``count`` ``shape`` documents for ``purpose``."""
    return f"{purpose}_{shape}_{count}"


def load(
    db: pymongo.database.Database[dict[str, Any]], shape: Shape, count: int, purpose: str = "find"
) -> LoadedCollection:
    """(Re)fill a collection with the seeded documents, unless it already holds exactly them."""
    import time

    name = collection_name(shape, count, purpose)
    collection = db[name]
    started = time.perf_counter()
    if collection.estimated_document_count() != count:
        collection.drop()
        chunk = 20_000
        for start in range(0, count, chunk):
            collection.insert_many(
                documents(shape, min(chunk, count - start), start=start), ordered=False
            )
    elapsed = time.perf_counter() - started
    # The size the server hands back (with `_id`s) is what every reader has to move and decode.
    stored = sum(len(batch) for batch in collection.find_raw_batches())
    return LoadedCollection(name, shape, count, stored, elapsed)


def average_bson_size(shape: Shape, sample: int = 200) -> float:
    """Mean BSON size of a sample of documents (with a 12-byte ObjectId ``_id``)."""
    import bson

    sizes = [len(bson.encode({"_id": bson.ObjectId(), **d})) for d in documents(shape, sample)]
    return sum(sizes) / len(sizes)


def flat_rows(count: int) -> dict[str, list[Any]]:
    """Columns of ``count`` flat documents with the address flattened (the pandas write input)."""
    columns: dict[str, list[Any]] = {
        "name": [], "email": [], "age": [], "score": [], "active": [], "created": [],
        "city": [], "zip": [],
    }  # fmt: skip
    for document in documents("flat", count):
        for key in ("name", "email", "age", "score", "active", "created"):
            columns[key].append(document[key])
        columns["city"].append(document["address"]["city"])
        columns["zip"].append(document["address"]["zip"])
    return columns
