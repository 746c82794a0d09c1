"""The bitwise update operator (Beanie's ``beanie.odm.operators.update.bitwise``).

Example:
    >>> Bit({"flags": {"and": 5}}).query
    {'$bit': {'flags': {'and': 5}}}

"""

from __future__ import annotations

from data_bridge.odm.operators.update import BaseUpdateOperator


class Bit(BaseUpdateOperator):
    """``{"$bit": {...}}``.

    Example:
        >>> from data_bridge.operators import Bit
        >>> Bit({"flags": {"and": 5}}).query
        {'$bit': {'flags': {'and': 5}}}

    """

    operator = "$bit"
