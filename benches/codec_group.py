"""The offline-decode task group: runs ``benches/codec.py`` (the codec helper's script) if present.

That script decodes raw BSON without a server — data-bridge's codec against PyMongoArrow's
``process_bson_stream`` — and returns its own records from ``run(...)``. This module calls it with
the run's sizes and files what it returns beside the other tasks: one run, one report.
"""

from __future__ import annotations

import importlib
import inspect
import traceback
from collections.abc import Sequence
from typing import Any

#: How each of run()'s parameter names is filled, when it has it.
_ARGUMENTS = {
    "docs": "docs",
    "n_docs": "docs",
    "count": "docs",
    "shapes": "shapes",
    "iterations": "iterations",
    "warmup": "warmup",
}


def run(groups: Sequence[tuple[str, int]], iterations: int, warmup: int) -> dict[str, Any]:
    """Run the codec script once per (shape, documents) group.

    Returns ``{"status", "reason"?, "records"?}`` for the results file.
    """
    try:
        codec = importlib.import_module("benches.codec")
    except ImportError as error:
        missing = "benches/codec.py" if error.name == "benches.codec" else error.name
        return {
            "status": "unavailable",
            "reason": f"not available yet: {missing} (needed by benches/codec.py; {error})",
        }
    entry = getattr(codec, "run", None)
    if entry is None:
        return {"status": "unavailable", "reason": "not available yet: benches/codec.py run()"}
    parameters = inspect.signature(entry).parameters
    records: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for shape, docs in groups:
        values = {"docs": docs, "shapes": (shape,), "iterations": iterations, "warmup": warmup}
        kwargs = {name: values[_ARGUMENTS[name]] for name in parameters if name in _ARGUMENTS}
        calls.append(kwargs)
        try:
            records += entry(**kwargs)
        except Exception as error:
            owner = getattr(error, "obj", None)
            if isinstance(error, AttributeError) and getattr(owner, "__name__", "").startswith(
                "data_bridge"
            ):
                return {
                    "status": "unavailable",
                    "reason": f"not available yet: {owner.__name__}.{error.name}",  # type: ignore[union-attr]
                }
            return {
                "status": "failed",
                "reason": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc(limit=8),
                "arguments": calls,
            }
    return {"status": "ok", "arguments": calls, "records": records}
