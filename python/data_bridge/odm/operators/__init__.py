"""The base of every operator: a read-only mapping over the query document it stands for."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any


class BaseOperator(Mapping[str, Any]):
    """An operator is a mapping: ``dict(op) == op.query``, so it goes wherever a dict goes.

    Example:
        >>> from data_bridge.operators import Set
        >>> dict(Set({"age": 3}))
        {'$set': {'age': 3}}

    """

    @property
    def query(self) -> dict[str, Any]:
        """The MongoDB document this operator compiles to."""
        raise NotImplementedError

    def __getitem__(self, item: str) -> Any:
        return self.query[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self.query)

    def __len__(self) -> int:
        return len(self.query)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.query!r})"

    def __str__(self) -> str:
        return str(self.query)

    def __copy__(self) -> dict[str, Any]:
        return copy.copy(self.query)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(self.query, memo)

    def copy(self) -> dict[str, Any]:
        """Return a shallow copy of the compiled query, as Beanie returns."""
        return copy.copy(self.query)
