"""Find operators, grouped as Beanie groups them (``beanie.odm.operators.find.*``).

Example:
    >>> from data_bridge.odm.operators.find.comparison import Eq
    >>> isinstance(Eq("a", 1), BaseFindOperator)
    True

"""

from data_bridge.odm.operators.find.logical import BaseFindOperator

__all__ = ["BaseFindOperator"]
