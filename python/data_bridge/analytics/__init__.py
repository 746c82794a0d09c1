"""Analytics: every query as Arrow, pandas, polars or numpy — streamed, parallel, lossless.

Blocking (``data_bridge.connect``, ``data_bridge.sync`` models) and awaitable
(``data_bridge.connect_async``, ``data_bridge.Document`` models) queries share the method names:
``to_arrow``, ``to_pandas``, ``to_polars``, ``to_numpy``, ``stream``, ``partitions``,
``schema_report``. Every query is also a lazy Arrow stream (``__arrow_c_stream__``) that DuckDB,
polars and pyarrow read batch by batch. Frames go back with ``write``; ``describe`` shows what a
collection holds. pyarrow, pandas, polars and tqdm are optional extras.

Example:
    >>> import data_bridge
    >>> orders = data_bridge.connect("mongodb://127.0.0.1:27117")["shop"]["orders"]
    >>> df = orders.find({"status": "paid"}).to_pandas()  # doctest: +SKIP
    >>> data_bridge.write(orders, df)  # doctest: +SKIP

"""

import importlib

from data_bridge.analytics.client import (
    AsyncQuery,
    Client,
    Collection,
    Database,
    Query,
    connect,
    connect_async,
)
from data_bridge.analytics.describe import SchemaReport, describe
from data_bridge.analytics.optional import on_import
from data_bridge.analytics.options import Options, options
from data_bridge.analytics.partitions import Partition
from data_bridge.analytics.stream import BatchStream
from data_bridge.analytics.write import WriteResult, write, write_async


def _register_arrow_types() -> None:
    # Imported here, not above: the module imports pyarrow, which stays optional and unloaded
    # until the user (or a conversion) imports it. Importing it registers the types (its last
    # line), also when the import of pyarrow came from that module itself.
    importlib.import_module("data_bridge.analytics.arrow_types")


on_import("pyarrow", _register_arrow_types)

_DRIFT_NAMES = ("DriftReport", "DriftWarning", "DriftedValue", "split_drift")


def __getattr__(name: str) -> object:
    # The drift helpers need pyarrow: imported on first use, not with data_bridge.
    if name in _DRIFT_NAMES:
        return getattr(importlib.import_module("data_bridge.analytics.drift"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncQuery",
    "BatchStream",
    "Client",
    "Collection",
    "Database",
    "DriftReport",
    "DriftWarning",
    "DriftedValue",
    "Options",
    "Partition",
    "Query",
    "SchemaReport",
    "WriteResult",
    "connect",
    "connect_async",
    "describe",
    "options",
    "split_drift",
    "write",
    "write_async",
]
