"""data-bridge: a Beanie-compatible MongoDB ODM whose engine is Rust.

Query results arrive as raw BSON and are decoded in Rust, in parallel and without the GIL, into
Apache Arrow; they surface as lazy pydantic ``Document`` objects or, zero-copy, as pyarrow /
pandas / polars / numpy data.

Example:
    >>> import data_bridge
    >>> data_bridge.__version__  # doctest: +SKIP
    '0.1.0'

"""

from __future__ import annotations

import atexit

from data_bridge import _engine
from data_bridge._engine import __version__

# Stop the engine's worker threads while the interpreter is still whole: one finishing an
# asyncio callback during finalisation would abort the process.
atexit.register(_engine._shutdown_runtime)

if getattr(_engine, "DEBUG_BUILD", False):
    import warnings

    # A debug build is 10-50x slower: nobody should benchmark one by accident.
    warnings.warn(
        "data_bridge was built in debug mode; build with `make build` (release) before measuring",
        RuntimeWarning,
        stacklevel=2,
    )

__all__ = ["__version__"]

# --- codec exports ---
from data_bridge.codec import arrow_to_bson, bson_to_arrow, infer_schema  # noqa: E402

__all__ += ["arrow_to_bson", "bson_to_arrow", "infer_schema"]
# --- end codec exports ---

# --- analytics exports ---
from data_bridge.analytics import (  # noqa: E402
    connect,
    connect_async,
    describe,
    options,
    write,
    write_async,
)

__all__ += ["connect", "connect_async", "describe", "options", "write", "write_async"]
# --- end analytics exports ---

# --- observability exports ---
from data_bridge.observability import (  # noqa: E402
    disable_query_logging,
    enable_query_logging,
    slow_operations,
)

__all__ += ["disable_query_logging", "enable_query_logging", "slow_operations"]
# --- end observability exports ---

# --- ODM exports ---
from data_bridge.migrations import free_fall_migration, iterative_migration  # noqa: E402
from data_bridge.odm.actions import (  # noqa: E402
    After,
    Before,
    Delete,
    Insert,
    Replace,
    Save,
    SaveChanges,
    Update,
    ValidateOnSave,
    after_event,
    before_event,
)
from data_bridge.odm.bulk import BulkWriter  # noqa: E402
from data_bridge.odm.documents import Document, MergeStrategy  # noqa: E402
from data_bridge.odm.expressions import expr  # noqa: E402
from data_bridge.odm.fields import (  # noqa: E402
    BeanieObjectId,
    BsonBinary,
    DecimalAnnotation,
    ExpressionField,
    Indexed,
    PydanticObjectId,
    SortDirection,
)
from data_bridge.odm.init import init, init_beanie  # noqa: E402
from data_bridge.odm.links import BackLink, DeleteRules, Link, WriteRules  # noqa: E402
from data_bridge.odm.results import UpdateResponse  # noqa: E402
from data_bridge.odm.settings.timeseries import Granularity, TimeSeriesConfig  # noqa: E402
from data_bridge.odm.soft_delete import DocumentWithSoftDelete  # noqa: E402
from data_bridge.odm.transactions import current_session, transaction  # noqa: E402
from data_bridge.odm.union_doc import UnionDoc  # noqa: E402
from data_bridge.odm.utils.update_merge import (  # noqa: E402
    ActionConflictResolution,
    MergeConflictError,
)
from data_bridge.odm.views import View  # noqa: E402

# Typed field expressions: expr(User.tags).contains("x") (data_bridge.odm.expressions).
__all__ += ["expr"]

__all__ += [
    "ActionConflictResolution",
    "After",
    "BackLink",
    "BeanieObjectId",
    "Before",
    "BsonBinary",
    "BulkWriter",
    "DecimalAnnotation",
    "Delete",
    "DeleteRules",
    "Document",
    "DocumentWithSoftDelete",
    "ExpressionField",
    "Granularity",
    "Indexed",
    "Insert",
    "Link",
    "MergeConflictError",
    "MergeStrategy",
    "PydanticObjectId",
    "Replace",
    "Save",
    "SaveChanges",
    "SortDirection",
    "TimeSeriesConfig",
    "UnionDoc",
    "Update",
    "UpdateResponse",
    "ValidateOnSave",
    "View",
    "WriteRules",
    "after_event",
    "before_event",
    "current_session",
    "free_fall_migration",
    "init",
    "init_beanie",
    "iterative_migration",
    "transaction",
]
# --- end ODM exports ---
