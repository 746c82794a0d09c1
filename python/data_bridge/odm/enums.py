"""Enumerations of the document layer, at Beanie's ``beanie.odm.enums`` path.

Example:
    >>> from data_bridge.odm.enums import SortDirection
    >>> SortDirection.DESCENDING.value
    -1

"""

from __future__ import annotations

from enum import Enum


class SortDirection(int, Enum):
    """Sort direction of a sort key, as Beanie spells it.

    Example:
        >>> SortDirection.DESCENDING.value
        -1

    """

    ASCENDING = 1
    DESCENDING = -1
