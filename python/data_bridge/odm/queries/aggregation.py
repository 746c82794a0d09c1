"""``beanie.odm.queries.aggregation``: the aggregation query object.

Example:
    >>> from data_bridge.odm.queries.aggregation import AggregationQuery
    >>> AggregationQuery.__name__
    'AggregationQuery'

"""

from __future__ import annotations

from data_bridge.odm.queries import AggregationQuery

__all__ = ["AggregationQuery"]
