"""PyMongoArrow, MongoDB's own Arrow bridge (libbson + Arrow C++ builders, GIL held)."""

from __future__ import annotations

import warnings
from types import ModuleType

from benches.datasets import flat_rows
from benches.model import Contender, Context, Task, require_installed

NAME = "PyMongoArrow"


def _api() -> ModuleType:
    # Its wheels are built against an older pyarrow: importing it beside a newer one warns that
    # pyarrow.lib classes "changed size". It works (its own tests pass); the warning is noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return require_installed("pymongoarrow", "pymongoarrow.api")


def build(task: Task, ctx: Context) -> Contender | None:
    if task.kind == "find_objects":
        api = _api()
        collection = ctx.db[task.collection]
        return Contender(
            NAME,
            "find_arrow_all(collection, {}) (Arrow table)",
            lambda: api.find_arrow_all(collection, {}).num_rows,
        )
    if task.kind == "find_table":
        api = _api()
        collection = ctx.db[task.collection]
        if task.output == "arrow":
            return Contender(
                NAME,
                "find_arrow_all(collection, {})",
                lambda: api.find_arrow_all(collection, {}).num_rows,
            )
        if task.output == "pandas":
            return Contender(
                NAME,
                "find_pandas_all(collection, {})",
                lambda: len(api.find_pandas_all(collection, {})),
            )
        return Contender(
            NAME,
            "find_polars_all(collection, {})",
            lambda: api.find_polars_all(collection, {}).height,
        )
    if task.kind == "write_pandas":
        api = _api()
        import pandas as pd

        frame = pd.DataFrame(flat_rows(task.count))
        target = ctx.db[f"{task.collection}_pymongoarrow"]
        return Contender(
            NAME,
            "write(collection, df)",
            lambda: int(api.write(target, frame).raw_result["insertedCount"]),
            target.drop,
        )
    return None
