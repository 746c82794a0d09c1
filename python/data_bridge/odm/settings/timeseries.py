"""Time-series collection settings (Beanie's ``beanie.odm.settings.timeseries``).

Example:
    >>> TimeSeriesConfig(time_field="ts", expire_after_seconds=60).create_options()
    {'timeseries': {'timeField': 'ts'}, 'expireAfterSeconds': 60}

"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel


class Granularity(str, Enum):
    """Bucket granularity of a time-series collection.

    Example:
        >>> Granularity.hours.value
        'hours'

    """

    seconds = "seconds"
    minutes = "minutes"
    hours = "hours"


class TimeSeriesConfig(BaseModel):
    """How a document's collection is created as a time-series collection.

    Example:
        >>> TimeSeriesConfig(time_field="ts").create_options()
        {'timeseries': {'timeField': 'ts'}}

    """

    time_field: str
    meta_field: str | None = None
    granularity: Granularity | None = None
    bucket_max_span_seconds: int | None = None
    bucket_rounding_second: int | None = None
    expire_after_seconds: int | None = None

    def create_options(self) -> dict[str, Any]:
        """Return the ``create`` command's options for this configuration."""
        timeseries: dict[str, Any] = {"timeField": self.time_field}
        if self.meta_field is not None:
            timeseries["metaField"] = self.meta_field
        if self.granularity is not None:
            timeseries["granularity"] = self.granularity.value
        if self.bucket_max_span_seconds is not None:
            timeseries["bucketMaxSpanSeconds"] = self.bucket_max_span_seconds
        if self.bucket_rounding_second is not None:
            timeseries["bucketRoundingSeconds"] = self.bucket_rounding_second
        options: dict[str, Any] = {"timeseries": timeseries}
        if self.expire_after_seconds is not None:
            options["expireAfterSeconds"] = self.expire_after_seconds
        return options

    def build_query(self, collection_name: str) -> dict[str, Any]:
        """Beanie's name for the ``create`` command body (``name`` plus the options)."""
        return {"name": collection_name, **self.create_options()}
