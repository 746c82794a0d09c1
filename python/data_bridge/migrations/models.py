"""The migration log document and the running direction (Beanie's ``beanie.migrations.models``).

Example:
    >>> RunningDirections("BACKWARD") is RunningDirections.BACKWARD
    True

"""

from __future__ import annotations

import datetime
from enum import Enum

from pydantic import BaseModel, Field

from data_bridge.odm.documents import Document


def now() -> datetime.datetime:
    """Return the current UTC time, naive, as MongoDB hands datetimes back."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class MigrationLog(Document):
    """One applied migration (Beanie's ``migrations_log`` layout: ts, name, is_current).

    Example:
        >>> await MigrationLog.find_one(MigrationLog.is_current == True)  # doctest: +SKIP

    """

    ts: datetime.datetime = Field(default_factory=now)
    name: str
    is_current: bool

    class Settings:  # noqa: D106 - Beanie's settings block
        name = "migrations_log"


class RunningDirections(str, Enum):
    """Which way migrations run: apply (``FORWARD``) or undo (``BACKWARD``)."""

    FORWARD = "FORWARD"
    BACKWARD = "BACKWARD"


class RunningMode(BaseModel):
    """A direction and how many migrations to run in it (``distance`` 0: all)."""

    direction: RunningDirections
    distance: int = 0
