"""The update task's shared pieces: which value each iteration writes, and checking it landed."""

from __future__ import annotations

import itertools
from typing import Any

from benches.datasets import UPDATED_FIELD
from benches.model import Context, Task

#: Shared by every contender: no two iterations anywhere write the same value. Were two
#: contenders to write the same value in turn, an ODM's change tracking would rightly find
#: nothing to save — and the check after the run would pass on the other's write.
_VALUES = itertools.count(1)


class UpdateRound:
    """A contender's update iterations; each writes a value no earlier iteration wrote."""

    def __init__(self, task: Task, ctx: Context) -> None:
        self.task = task
        self.ctx = ctx
        self.field = UPDATED_FIELD[task.shape]
        self.iteration = 0

    def next(self) -> None:
        """Start the next iteration (call from ``before``)."""
        self.iteration = next(_VALUES)

    @property
    def value(self) -> Any:
        """This iteration's value for :attr:`field`."""
        return self.iteration + 0.5 if self.task.shape == "flat" else f"theme-{self.iteration}"

    def set_on(self, model: Any) -> None:
        """Assign the value through attribute access on a model (``profile.theme`` nests)."""
        *parents, leaf = self.field.split(".")
        target = model
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, leaf, self.value)

    def check(self) -> None:
        """Raise unless every document of the collection now holds this iteration's value."""
        found = self.ctx.db[self.task.collection].count_documents({self.field: self.value})
        if found != self.task.count:
            raise AssertionError(
                f"after the update {found} of {self.task.count} documents hold "
                f"{self.field}={self.value!r}"
            )
