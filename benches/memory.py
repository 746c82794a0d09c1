"""Peak memory of one contender doing one task, measured in a fresh subprocess.

A fresh interpreter per measurement keeps one library's allocations (and the allocator's retained
arenas) from showing up in another's peak. The child builds the contender, prepares one run, resets
the kernel's peak-RSS counter (``/proc/self/clear_refs`` ← 5), runs the task once and reports
``VmHWM`` (the peak) and the RSS it started from. Without ``clear_refs`` (not Linux), it falls back
to ``getrusage(RUSAGE_SELF).ru_maxrss``, a peak over the child's whole life.

Child usage (the harness does this): ``python -m benches.memory '<json spec>'``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from benches.model import Task

_REPO = Path(__file__).resolve().parent.parent


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def measure_in_subprocess(
    task: Task, peer: str, uri: str, db_name: str, timeout: float = 900
) -> dict[str, Any]:
    """Peak RSS (MB) of ``peer`` running ``task`` once, in a fresh interpreter."""
    spec = {"task": dataclasses.asdict(task), "peer": peer, "uri": uri, "db": db_name}
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(_REPO), os.environ.get("PYTHONPATH")])),
    )
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "benches.memory", json.dumps(spec)],
            capture_output=True,
            text=True,
            cwd=_REPO,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {completed.returncode}: {' | '.join(tail)}"}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    import gc

    from benches.model import Context
    from benches.peers import PEERS
    from benches.runner import _call, _timed

    task = Task(**spec["task"])
    ctx = Context(spec["uri"], spec["db"])
    try:
        contender = PEERS[spec["peer"]](task, ctx)
        if contender is None:
            raise SystemExit(f"{spec['peer']} has no contender for {task.id}")
        _call(ctx, contender.before)
        gc.collect()
        baseline_kb = _status_kb("VmRSS")
        exact = _reset_peak()
        rows, seconds = _timed(ctx, contender)
        expected = task.count if contender.expect is None else contender.expect
        if rows != expected:
            raise SystemExit(f"{spec['peer']} produced {rows} rows, expected {expected}")
        peak_kb = _status_kb("VmHWM") if exact else None
        if peak_kb is None:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            exact = False
    finally:
        ctx.close()
    baseline_mb = (baseline_kb or 0) / 1024
    return {
        "peak_mb": peak_kb / 1024,
        "baseline_mb": baseline_mb,
        "delta_mb": peak_kb / 1024 - baseline_mb,
        "method": "VmHWM after clear_refs" if exact else "ru_maxrss (whole child)",
        "rows": rows,
        "seconds": seconds,
    }


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
