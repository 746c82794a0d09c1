"""Summaries of iteration timings, after MongoDB's ODM benchmark spec.

The score is the median (robust to the positive outliers a noisy machine produces); the spread is
reported as the inter-quartile range and min/max. Percentiles use the spec's nearest-rank rule,
``i = int(N * p / 100) - 1`` on the sorted timings, so numbers compare with other implementations.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

PERCENTILES = (10, 25, 50, 75, 90, 95, 98, 99)


def nearest_rank(sorted_values: Sequence[float], percent: float) -> float:
    """The spec's nearest-rank percentile of already sorted values."""
    index = max(int(len(sorted_values) * percent / 100) - 1, 0)
    return sorted_values[index]


def summarize(seconds: Sequence[float], bson_bytes: int) -> dict[str, Any]:
    """Median, quartiles, extremes, spec percentiles and MB/s (SI megabytes) of one contender."""
    ordered = sorted(seconds)
    median = statistics.median(ordered)
    q1, q3 = (
        statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else [median] * 3
    )[0::2]
    return {
        "median_s": median,
        "q1_s": q1,
        "q3_s": q3,
        "min_s": ordered[0],
        "max_s": ordered[-1],
        "iqr_pct": 100 * (q3 - q1) / median if median > 0 else None,
        "percentiles_s": {str(p): nearest_rank(ordered, p) for p in PERCENTILES},
        "mb_per_s": bson_bytes / 1e6 / median if median > 0 else None,
    }
