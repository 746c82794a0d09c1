"""A PNG of one run: per task, every contender's median (bar) and inter-quartile range (whisker).

One panel per task with its own time axis, since tasks span microseconds to seconds; the same
colour for a library in every panel; contenders that could not run are named in grey.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from benches.peers import DATA_BRIDGE
from benches.report import all_tasks

_COLOURS = {
    "data-bridge": "#d62728",
    "data-bridge engine": "#ff9896",
    "Beanie": "#1f77b4",
    "PyMongo sync": "#2ca02c",
    "PyMongo async": "#98df8a",
    "Motor": "#9467bd",
    "PyMongoArrow": "#ff7f0e",
    "raw floor": "#7f7f7f",
}


def render(results: dict[str, Any], path: Path) -> Path:
    """Draw the chart to ``path`` (PNG) and return it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = all_tasks(results)
    columns = 3
    rows = max(math.ceil(len(tasks) / columns), 1)
    figure, axes = plt.subplots(
        rows, columns, figsize=(6.2 * columns, 2.6 * rows), squeeze=False, layout="constrained"
    )
    for index, task in enumerate(tasks):
        _panel(axes[index // columns][index % columns], task)
    for index in range(len(tasks), rows * columns):
        axes[index // columns][index % columns].axis("off")
    figure.suptitle(
        f"data-bridge vs peers — {results['started']} ({results['profile']}), median ms "
        "(whisker: IQR); shorter is faster; every panel from the same interleaved run",
        fontsize=11,
    )
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _panel(axis: Any, task: dict[str, Any]) -> None:
    names: list[str] = []
    medians: list[float] = []
    low: list[float] = []
    high: list[float] = []
    colours: list[str] = []
    missing: list[str] = []
    for peer, entry in task["contenders"].items():
        if entry["status"] != "ok":
            missing.append(f"{peer}: {entry['status']}")
            continue
        median = entry["median_s"] * 1e3
        names.append(peer)
        medians.append(median)
        low.append(median - entry["q1_s"] * 1e3)
        high.append(entry["q3_s"] * 1e3 - median)
        colours.append(
            _COLOURS.get(peer, "#e377c2" if peer.startswith("data-bridge") else "#bcbd22")
        )
    positions = list(range(len(names)))
    axis.barh(positions, medians, xerr=[low, high], color=colours, capsize=2, height=0.7)
    axis.set_yticks(positions, names, fontsize=8)
    axis.invert_yaxis()
    axis.set_title(task["title"], fontsize=9, loc="left")
    axis.tick_params(axis="x", labelsize=7)
    axis.grid(axis="x", alpha=0.3)
    reference = next((m for n, m in zip(names, medians, strict=True) if n in DATA_BRIDGE), None)
    ends = [median + spread for median, spread in zip(medians, high, strict=True)]
    for position, (name, median) in enumerate(zip(names, medians, strict=True)):
        label = f"{median:,.2f} ms" if median < 10 else f"{median:,.0f} ms"
        if reference and name not in DATA_BRIDGE:
            ratio = median / reference
            if name.startswith("data-bridge"):  # a variant of ours, e.g. the 1-thread decoder
                label += f"  ({ratio:.2f}x data-bridge's time)"
            elif ratio >= 1:
                label += f"  (data-bridge {ratio:.1f}x faster)"
            else:
                label += f"  (data-bridge {1 / ratio:.1f}x slower)"
        axis.text(ends[position], position, "  " + label, va="center", fontsize=7)
    if ends:
        axis.set_xlim(0, max(ends) * 1.6)
    if missing:
        axis.text(
            0.99,
            0.02,
            "\n".join(missing),
            transform=axis.transAxes,
            ha="right",
            va="bottom",
            fontsize=6,
            color="#777777",
        )
