"""The offline-decode task group: runs ``benches/codec.py`` (the codec helper's script) if present.

That script decodes raw BSON without a server — data-bridge's codec against PyMongoArrow's
``process_bson_stream`` — and returns its own records from ``run(...)``. This module only calls
it with the run's sizes and files what it returns beside the other tasks, so one run, one report.
"""

from __future__ import annotations

import importlib
import inspect
import traceback
from typing import Any

#: How each of run()'s parameter names is filled from the profile, when it has it.
_ARGUMENTS = {
    "docs": "docs",
    "n_docs": "docs",
    "count": "docs",
    "num_docs": "docs",
    "documents": "docs",
    "iterations": "iterations",
    "repeat": "iterations",
    "warmup": "warmup",
}


def run(docs: int, iterations: int, warmup: int) -> dict[str, Any]:
    """Run the codec group; returns ``{"status", "reason"?, "records"?}`` for the results file."""
    try:
        codec = importlib.import_module("benches.codec")
    except ImportError as error:
        return {
            "status": "unavailable",
            "reason": f"not available yet: benches/codec.py (codec helper) ({error})",
        }
    entry = getattr(codec, "run", None)
    if entry is None:
        return {"status": "unavailable", "reason": "not available yet: benches/codec.py run()"}
    values = {"docs": docs, "iterations": iterations, "warmup": warmup}
    kwargs = {
        name: values[_ARGUMENTS[name]]
        for name in inspect.signature(entry).parameters
        if name in _ARGUMENTS
    }
    try:
        records = entry(**kwargs)
    except Exception as error:
        return {
            "status": "failed",
            "reason": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(limit=8),
            "arguments": kwargs,
        }
    return {"status": "ok", "arguments": kwargs, "records": list(records)}
