"""Array update operators (Beanie's ``beanie.odm.operators.update.array``).

Example:
    >>> Push({"tags": "x"}).query
    {'$push': {'tags': 'x'}}

"""

from __future__ import annotations

from data_bridge.odm.operators.update import BaseUpdateOperator


class AddToSet(BaseUpdateOperator):
    """``{"$addToSet": {...}}``.

    Example:
        >>> from data_bridge.operators import AddToSet
        >>> AddToSet({"tags": "new"}).query
        {'$addToSet': {'tags': 'new'}}

    """

    operator = "$addToSet"


class Pop(BaseUpdateOperator):
    """``{"$pop": {...}}``.

    Example:
        >>> from data_bridge.operators import Pop
        >>> Pop({"queue": -1}).query
        {'$pop': {'queue': -1}}

    """

    operator = "$pop"


class Pull(BaseUpdateOperator):
    """``{"$pull": {...}}``.

    Example:
        >>> from data_bridge.operators import Pull
        >>> Pull({"tags": "old"}).query
        {'$pull': {'tags': 'old'}}

    """

    operator = "$pull"


class Push(BaseUpdateOperator):
    """``{"$push": {...}}``.

    Example:
        >>> from data_bridge.operators import Push
        >>> Push({"tags": {"$each": ["a", "b"]}}).query
        {'$push': {'tags': {'$each': ['a', 'b']}}}

    """

    operator = "$push"


class PullAll(BaseUpdateOperator):
    """``{"$pullAll": {...}}``.

    Example:
        >>> from data_bridge.operators import PullAll
        >>> PullAll({"scores": [0, 5]}).query
        {'$pullAll': {'scores': [0, 5]}}

    """

    operator = "$pullAll"
