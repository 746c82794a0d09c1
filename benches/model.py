"""The harness's vocabulary: tasks, contenders, the context they share, and unavailability."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType
from typing import Any, Literal, TypeVar

import pymongo

from benches.datasets import Shape

Kind = Literal[
    "insert", "find_objects", "find_read_all", "save_changes", "find_table", "write_pandas"
]
Output = Literal["", "arrow", "pandas", "polars"]

T = TypeVar("T")


@dataclass(frozen=True)
class Task:
    """One benchmark task: an operation on ``count`` documents of one shape.

    ``collection`` is the seeded source collection for reads, the target for writes.
    ``bson_bytes`` is the size of the documents moved, the numerator of MB/s.
    """

    kind: Kind
    shape: Shape
    count: int
    collection: str
    bson_bytes: int
    output: Output = ""
    memory: bool = False

    @property
    def id(self) -> str:
        """Stable identifier: ``kind[-output]/shape/count``."""
        kind = f"{self.kind}-{self.output}" if self.output else self.kind
        return f"{kind}/{self.shape}/{self.count}"

    @property
    def title(self) -> str:
        """Human-readable name for tables and charts."""
        n = _count_label(self.count)
        titles = {
            "insert": f"insert {n}",
            "find_objects": f"find {n} → objects",
            "find_read_all": f"find {n} + read every field",
            "save_changes": f"save_changes {n} (one field)",
            "find_table": f"find {n} → {self.output}",
            "write_pandas": f"write {n} rows from pandas",
        }
        return f"{titles[self.kind]} ({self.shape})"


def _count_label(count: int) -> str:
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1_000 and count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


class Unavailable(Exception):
    """A contender that cannot run here; ``reason`` goes into the report verbatim."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Contender:
    """One library's way of doing a task.

    ``op`` does the timed work and returns how many rows/documents it produced (or, for the raw
    floor, bytes): the runner checks it against ``expect`` so a contender that silently did less
    work fails instead of winning. It may return an awaitable (async libraries); then only the
    awaiting is timed, inside the event loop. ``before`` runs untimed before every iteration and
    ``after`` untimed after it (it raises when the iteration's effect is not in the database).
    """

    peer: str
    api: str
    op: Callable[[], int | Awaitable[int]]
    before: Callable[[], object] | None = None
    after: Callable[[], object] | None = None
    expect: int | None = None
    notes: list[str] = field(default_factory=list)


def require(module: str, attribute: str | None = None, *, what: str | None = None) -> Any:
    """Import ``module`` (and get ``attribute``) or raise Unavailable naming what is missing.

    data-bridge's side is written against its public API as it lands: until a name exists, the
    contender is reported as "not available yet: <name>", and runs as soon as it does.
    """
    try:
        imported: ModuleType = importlib.import_module(module)
    except ImportError as error:
        missing = what or module
        raise Unavailable(f"not available yet: {missing} ({error})") from None
    if attribute is None:
        return imported
    try:
        return getattr(imported, attribute)
    except AttributeError:
        raise Unavailable(f"not available yet: {what or f'{module}.{attribute}'}") from None


def require_installed(distribution: str, module: str) -> ModuleType:
    """Import a peer library, or raise Unavailable("not installed: ...")."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Unavailable(
            f"not installed: {distribution} (pip install -e '.[dev]' installs every peer)"
        ) from None


class Context:
    """What every contender shares: the server, the database and one event loop.

    Async clients are created inside the loop they will run on; everything async in a run goes
    through :meth:`run` on that single loop.
    """

    def __init__(self, uri: str, db_name: str) -> None:
        self.uri = uri
        self.db_name = db_name
        self.loop = asyncio.new_event_loop()
        self._closers: list[Callable[[], object]] = []
        self._shared: dict[str, Any] = {}

    def run(self, awaitable: Coroutine[Any, Any, T] | Awaitable[T]) -> T:
        """Run ``awaitable`` to completion on the shared loop."""
        return self.loop.run_until_complete(awaitable)

    @cached_property
    def client(self) -> pymongo.MongoClient[dict[str, Any]]:
        """The pymongo client used by the PyMongo contender, the raw floor and data loading."""
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(self.uri)
        self._closers.append(client.close)
        return client

    @property
    def db(self) -> pymongo.database.Database[dict[str, Any]]:
        """The benchmark database through :attr:`client`."""
        return self.client[self.db_name]

    @cached_property
    def async_client(self) -> pymongo.AsyncMongoClient[dict[str, Any]]:
        """PyMongo's asyncio client (also what Beanie 2.x runs on)."""

        async def make() -> pymongo.AsyncMongoClient[dict[str, Any]]:
            return pymongo.AsyncMongoClient(self.uri)

        client = self.run(make())
        self._closers.append(lambda: self.run(client.close()))
        return client

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        """One ``factory()`` result per context (a library's client, an initialised model)."""
        if key not in self._shared:
            self._shared[key] = factory()
        value: T = self._shared[key]
        return value

    def on_close(self, closer: Callable[[], object]) -> None:
        """Register a cleanup to run when the context closes (clients, ODM state)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Close every client, then the loop."""
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()
        self.loop.close()
