"""``beanie.odm.queries.delete``: the delete query objects.

Example:
    >>> from data_bridge.odm.queries.delete import DeleteMany, DeleteQuery
    >>> issubclass(DeleteMany, DeleteQuery)
    True

"""

from __future__ import annotations

from data_bridge.odm.queries import DeleteMany, DeleteOne, DeleteQuery

__all__ = ["DeleteMany", "DeleteOne", "DeleteQuery"]
