"""Observability: ``query.explain()``, query logging with timings, slow operations, index hints.

Example:
    >>> import data_bridge
    >>> data_bridge.enable_query_logging(slow_ms=100)  # doctest: +SKIP
    >>> print(data_bridge.slow_operations())  # doctest: +SKIP
    >>> print(User.find(User.age > 30).explain())  # data_bridge.sync  # doctest: +SKIP

"""

from __future__ import annotations

from data_bridge.observability.explain import ExplainResult, PlanSummary
from data_bridge.observability.hints import IndexSuggestion, suggest_index
from data_bridge.observability.querylog import (
    disable_query_logging,
    enable_from_environment,
    enable_query_logging,
)
from data_bridge.observability.slowops import SlowOperation, SlowOperationReport, slow_operations

__all__ = [
    "ExplainResult",
    "IndexSuggestion",
    "PlanSummary",
    "SlowOperation",
    "SlowOperationReport",
    "disable_query_logging",
    "enable_query_logging",
    "slow_operations",
    "suggest_index",
]

enable_from_environment()
