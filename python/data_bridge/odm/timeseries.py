"""Time-series collections: ``Settings.timeseries = TimeSeriesConfig(...)`` on a document.

``init`` creates the collection as a time-series collection when it does not exist yet (an
existing collection is left as it is, as Beanie does).

Example:
    >>> from datetime import datetime
    >>> from data_bridge import Document, Granularity, TimeSeriesConfig
    >>> class Reading(Document):
    ...     ts: datetime
    ...     sensor: str
    ...     class Settings:
    ...         timeseries = TimeSeriesConfig(time_field="ts", meta_field="sensor",
    ...                                       granularity=Granularity.minutes)
    >>> TimeSeriesConfig(time_field="ts", expire_after_seconds=60).create_options()
    {'timeseries': {'timeField': 'ts'}, 'expireAfterSeconds': 60}

"""

from __future__ import annotations

from typing import Any

from data_bridge.odm.executor import Call, Plan
from data_bridge.odm.settings.timeseries import TimeSeriesConfig


def prepare(cls: Any, database: Any) -> Plan[None]:
    """Create ``cls``'s collection as a time-series collection if it declares one and is new."""
    config = cls.get_settings().timeseries
    if config is None:
        return
    if isinstance(config, dict):
        config = TimeSeriesConfig(**config)
    name = cls.get_collection_name()
    existing = yield Call(database, "list_collection_names", {"name": name})
    if name not in existing:
        yield Call(database, "create_collection", name, config.create_options())
