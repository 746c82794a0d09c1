"""``beanie.odm.queries.update``: the update query objects and ``UpdateResponse``.

Example:
    >>> from data_bridge.odm.queries.update import UpdateMany, UpdateQuery, UpdateResponse
    >>> issubclass(UpdateMany, UpdateQuery), UpdateResponse.NEW_DOCUMENT.name
    (True, 'NEW_DOCUMENT')

"""

from __future__ import annotations

from data_bridge.odm.queries import UpdateMany, UpdateOne, UpdateQuery
from data_bridge.odm.results import UpdateResponse

__all__ = ["UpdateMany", "UpdateOne", "UpdateQuery", "UpdateResponse"]
