"""GIL check: how fast a pure-Python thread keeps counting while a task runs.

A counter thread's pace during the task, divided by its pace beside an idle main thread, tells how
much of the task's time the GIL was free for other Python threads (a web server's request handlers,
a notebook's progress bar): ~100 % means the task released it, ~50 % means the task ran Python code
and the two threads took turns (the interpreter switches every 5 ms), ~0 % means the task held it
in native code. On a 2-core machine a task that decodes on every core also takes the counter's core,
so a GIL-free parallel decoder can read below 100 % without holding the GIL.

Measured in a separate run after the timed iterations: the counting thread slows the task itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class _Counter:
    def __init__(self) -> None:
        self.count = 0
        self.running = True
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)

    def _run(self) -> None:
        count = 0
        while self.running:
            for _ in range(100):
                count += 1
            self.count = count

    def __enter__(self) -> _Counter:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.running = False
        self._thread.join()


def idle_pace(seconds: float = 0.3) -> float:
    """The counter's pace while the main thread sleeps (the GIL free all the time)."""
    with _Counter() as counter:
        time.sleep(0.01)  # let the thread start
        first, started = counter.count, time.perf_counter()
        time.sleep(seconds)
        return (counter.count - first) / (time.perf_counter() - started)


def measure(
    before: Callable[[], None], run_once: Callable[[], float], min_seconds: float = 0.3
) -> dict[str, float]:
    """Run a task (repeatedly, for at least ``min_seconds``) beside a counting thread.

    ``before`` prepares one run (untimed, not counted); ``run_once`` runs the task once and returns
    its duration in seconds. Returns the counter's pace during the task as a percentage of its idle
    pace, and the task's mean duration under the probe.
    """
    idle_before = idle_pace(min_seconds)
    counted = 0
    elapsed = 0.0
    task_seconds: list[float] = []
    with _Counter() as counter:
        time.sleep(0.01)
        while not task_seconds or elapsed < min_seconds:
            before()
            first, started = counter.count, time.perf_counter()
            task_seconds.append(run_once())
            elapsed += time.perf_counter() - started
            counted += counter.count - first
    # The counter's idle pace drifts with the machine's load: take it before and after.
    idle = (idle_before + idle_pace(min_seconds)) / 2
    return {
        "gil_free_pct": 100 * (counted / elapsed) / idle if idle > 0 and elapsed > 0 else 0.0,
        "idle_pace_per_s": idle,
        "seconds_with_probe": sum(task_seconds) / len(task_seconds),
        "probe_runs": float(len(task_seconds)),
    }
