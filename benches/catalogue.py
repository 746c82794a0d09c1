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
    nested_large: tuple[int, ...] = (100_000,)
    write_rows: int = 1_000_000
    decode_docs: int = 1_000_000
    iterations: int = 7
    warmup: int = 1


FULL = Profile("full")
#: `make test`'s reduced run: every task and every contender, at toy sizes.
SMOKE = Profile(
    "smoke",
    small=200,
    large=(1_000, 2_000),
    nested_large=(500,),
    write_rows=1_000,
    decode_docs=1_000,
    iterations=2,
    warmup=1,
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

    candidates: list[Task] = []
    for shape in SHAPES:
        for kind in ("insert", "find_objects", "find_read_all", "save_changes"):
            candidates.append(Task(kind, shape, profile.small, "", 0))  # type: ignore[arg-type]
    for shape, sizes in (("flat", profile.large), ("nested", profile.nested_large)):
        for count in sizes:
            for output in OUTPUTS:
                candidates.append(
                    Task("find_table", shape, count, "", 0, output=output, memory=True)  # type: ignore[arg-type]
                )
    candidates.append(Task("write_pandas", "flat", profile.write_rows, "", 0, memory=True))

    tasks: list[Task] = []
    for task in candidates:
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
