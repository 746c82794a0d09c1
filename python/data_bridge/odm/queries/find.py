"""``beanie.odm.queries.find``: the find query objects.

Example:
    >>> from data_bridge.odm.queries.find import FindMany, FindOne
    >>> FindMany.__name__, FindOne.__name__
    ('FindMany', 'FindOne')

"""

from __future__ import annotations

from data_bridge.odm.queries import FindMany, FindOne
from data_bridge.odm.query_core import FindQueryCore as FindQuery

__all__ = ["FindMany", "FindOne", "FindQuery"]
