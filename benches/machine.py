"""Facts about the machine, the software and the server a run measured, stored with its timings."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pymongo

DISTRIBUTIONS = (
    "data-bridge",
    "pymongo",
    "motor",
    "beanie",
    "pymongoarrow",
    "pyarrow",
    "pandas",
    "polars",
    "numpy",
    "pydantic",
    "matplotlib",
    "SecantusDB",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def versions() -> dict[str, str | None]:
    """Installed version of each library the run involves (None: not installed)."""
    found: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def data_bridge_build() -> dict[str, Any]:
    """Whether the extension is built, and in which mode (a debug build is not worth timing)."""
    try:
        from data_bridge import _engine
    except ImportError as error:
        return {"importable": False, "error": str(error)}
    module = getattr(_engine, "__file__", None)
    built = None
    if module:
        import datetime as dt

        stamp = Path(module).stat().st_mtime
        built = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {
        "importable": True,
        "version": getattr(_engine, "__version__", None),
        "debug_build": bool(getattr(_engine, "DEBUG_BUILD", False)),
        "module": module,
        "module_built": built,
    }


def machine() -> dict[str, Any]:
    """Cores, CPU, memory, load and interpreter of this machine, now."""
    return {
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
    }


def server(uri: str, binary: Path | None, kind: str | None) -> dict[str, Any]:
    """What the server says about itself, and the binary's own version when we started it."""
    facts: dict[str, Any] = {"uri_host": uri.split("@")[-1].split("/")[2], "kind": kind}
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10_000) as client:
        info = client.admin.command("buildInfo")
    facts["reported_version"] = info.get("version")
    facts["git_version"] = info.get("gitVersion")
    if binary is not None:
        facts["binary"] = str(binary)
        try:
            completed = subprocess.run(
                [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=False
            )
            facts["binary_version"] = completed.stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired) as error:
            facts["binary_version"] = f"unknown ({error})"
    return facts
