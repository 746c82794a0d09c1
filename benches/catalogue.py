"""Which tasks a run contains, at which sizes, and loading the data they read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import bson

from benches.datasets import SHAPES, LoadedCollection, flat_rows, load
from benches.model import Context, Output, Task


@dataclass(frozen=True)
class Profile:
    """Sizes and repetitions of a run."""

    name: str
    small: int = 1_000
    large: tuple[int, ...] = (100_000, 1_000_000)
    #: ~40 MB of 2 KB documents: as many bytes as 200k flat ones, decoded in the nested paths.
    nested_large: tuple[int, ...] = (20_000,)
    #: The write is server-bound (~30 s per million documents into secantusd-rs on 2 cores, for
    #: every library): 200k rows keep 7 rounds of 4 writers within minutes (`--write-rows`).
    write_rows: int = 200_000
    #: Offline decode (benches/codec.py): (shape, documents) — ~200 MB of BSON each at full size.
    decode: tuple[tuple[str, int], ...] = (("flat", 1_000_000), ("nested", 20_000))
    iterations: int = 7
    warmup: int = 1
    #: Bigger tasks skip the warm-up: the same task at 100k has just warmed every code path, and
    #: at 1M a warm-up round costs minutes.
    warmup_max_count: int = 100_000
    #: Seconds the GIL probe runs a task (repeating short ones) and watches the idle counter.
    gil_seconds: float = 0.3
    #: The probe skips bigger tasks: a 1M-row read holds the GIL like a 100k one, 10x longer.
    gil_max_count: int = 100_000
    #: Peak RSS is measured for memory-sensitive tasks whose id contains one of these ("": all).
    rss_tasks: tuple[str, ...] = ("",)


FULL = Profile("full")
#: `make test`'s reduced run: every task and every contender, at toy sizes.
SMOKE = Profile(
    "smoke",
    small=50,
    large=(1_000,),
    nested_large=(300,),
    write_rows=1_000,
    decode=(("flat", 1_000), ("nested", 300)),
    iterations=1,
    warmup=1,
    gil_seconds=0.05,
    rss_tasks=("find_table-arrow/flat/1000",),
)
PROFILES = {profile.name: profile for profile in (FULL, SMOKE)}

OUTPUTS: tuple[Output, ...] = ("arrow", "pandas", "polars")


def _write_bytes(rows: int) -> int:
    # What goes over the wire: each row as a BSON document plus the 17-byte ObjectId `_id` element.
    columns = flat_rows(rows)
    keys = list(columns)
    return sum(
        len(bson.encode(dict(zip(keys, values, strict=True)))) + 17
        for values in zip(*columns.values(), strict=True)
    )


def candidates(profile: Profile) -> list[Task]:
    """Every task of a run, in run order, before its data is loaded (no collection, no size)."""
    tasks: list[Task] = []
    for shape in SHAPES:
        for kind in ("insert", "find_objects", "find_read_all", "save_changes"):
            tasks.append(Task(kind, shape, profile.small, "", 0))  # type: ignore[arg-type]
    for shape, sizes in (("flat", profile.large), ("nested", profile.nested_large)):
        for count in sizes:
            for output in OUTPUTS:
                tasks.append(
                    Task("find_table", shape, count, "", 0, output=output, memory=True)  # type: ignore[arg-type]
                )
    tasks.append(Task("write_pandas", "flat", profile.write_rows, "", 0, memory=True))
    return tasks


def plan(
    profile: Profile,
    ctx: Context,
    wanted: Callable[[str], bool] = lambda _task_id: True,
    log: Callable[[str], None] = print,
) -> list[Task]:
    """The run's tasks, in order, with their source collections loaded (only those wanted)."""
    loaded: dict[tuple[str, str, int], LoadedCollection] = {}

    def source(shape: str, count: int, purpose: str = "find") -> LoadedCollection:
        key = (purpose, shape, count)
        if key not in loaded:
            loaded[key] = load(ctx.db, shape, count, purpose)  # type: ignore[arg-type]
            done = loaded[key]
            log(
                f"  loaded {done.name}: {done.count:,} docs, {done.bson_bytes / 1e6:.1f} MB "
                f"in {done.load_seconds:.1f} s"
            )
        return loaded[key]

    tasks: list[Task] = []
    for task in candidates(profile):
        if not wanted(task.id):
            continue
        if task.kind == "write_pandas":
            tasks.append(
                replace(task, collection=f"write_{task.count}", bson_bytes=_write_bytes(task.count))
            )
            continue
        purpose = "update" if task.kind == "save_changes" else "find"
        data = source(task.shape, task.count, purpose)
        if task.kind == "insert":
            # Inserts write the same documents the find collection holds: same bytes.
            tasks.append(
                replace(task, collection=f"insert_{task.shape}", bson_bytes=data.bson_bytes)
            )
        else:
            tasks.append(replace(task, collection=data.name, bson_bytes=data.bson_bytes))
    return tasks
