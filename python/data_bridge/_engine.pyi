# Type stubs for the native module `data_bridge._engine` (crates/data-bridge).
#
# Conventions:
# - Every I/O operation exists twice: `op(...)` returns an awaitable (an asyncio future bound to
#   the running loop; cancelling it cancels the Rust future and frees its cursor) and
#   `op_sync(...)` blocks the calling thread with the GIL released.
# - Filters, updates, pipelines and documents are plain Python mappings holding BSON-compatible
#   values (bson.ObjectId, datetime, bson.Decimal128, uuid.UUID, bytes, bson.Binary, bson.Regex,
#   bson.Timestamp, bson.Code, bson.MinKey/MaxKey, bson.Int64, dicts, lists, ...).
# - Values coming back as Python objects use pymongo's types; datetimes are naive UTC.
# - `schema=` accepts an object implementing `__arrow_c_schema__` (pyarrow.Schema, ...) or a dict
#   spec of MongoDB `$type` aliases: {"_id": "objectId", "name": "string",
#   "address": {"city": "string"}, "tags": ["string"]}. `None` infers the schema.
# - `session=` accepts a `Session` from `Client.start_session()`.

from collections.abc import Awaitable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, final

import numpy.typing as npt
import pymongo.errors

__version__: str
DEBUG_BUILD: bool

def _shutdown_runtime() -> None:
    """Stop the engine's Tokio runtime (registered with atexit by `data_bridge`)."""

_Document = dict[str, Any]
"""A BSON document as Python values."""

_Filter = Mapping[str, Any]
"""A query filter (`{"age": {"$gt": 3}}`)."""

_Update = Mapping[str, Any] | Sequence[Mapping[str, Any]]
"""An update document (`{"$set": {...}}`) or an update pipeline (list of stages)."""

_Sort = Mapping[str, int] | Sequence[tuple[str, int]]
"""Sort keys: `{"a": 1, "b": -1}` or `[("a", 1), ("b", -1)]`."""

_Hint = str | Mapping[str, int] | Sequence[tuple[str, int]]
"""An index name or index keys."""

_SchemaLike = Any
"""An `__arrow_c_schema__` exporter or a dict spec of `$type` aliases (see module notes)."""

_OnMismatch = Literal["error", "null"]
"""What decoding does with a value whose type differs from the schema: raise, or store null."""

_ReturnDocument = Literal["before", "after"]
"""Which version of the document find_one_and_update/replace returns."""

# ---------------------------------------------------------------------------------------------
# Errors (re-exported by data_bridge.errors)
# ---------------------------------------------------------------------------------------------

class DataBridgeError(Exception):
    """Base of every error raised by data-bridge."""

class ConnectionFailure(DataBridgeError, pymongo.errors.ConnectionFailure):
    """The server could not be reached, or the client is closed / was created before fork."""

    labels: list[str]

class ServerSelectionTimeout(ConnectionFailure, pymongo.errors.ServerSelectionTimeoutError):
    """No suitable server was found within serverSelectionTimeoutMS."""

class WriteInterrupted(ConnectionFailure, pymongo.errors.AutoReconnect):
    """The connection was lost partway through insert_many / bulk_write (an AutoReconnect).

    Keys of the id dicts are request indexes. `inserted_ids` were acknowledged; `in_doubt_ids`
    were sent without a reply (the server may have applied any of them); `unsent_ids` were
    never sent. Inserting the in-doubt and unsent documents again with `ordered=False`, ignoring
    duplicate key errors on `_id`, completes the write exactly once.
    """

    details: dict[str, Any]
    write_errors: list[dict[str, Any]]
    write_concern_errors: list[dict[str, Any]]
    inserted_count: int
    matched_count: int
    modified_count: int
    deleted_count: int
    upserted_count: int
    inserted_ids: dict[int, Any]
    upserted_ids: dict[int, Any]
    in_doubt_indexes: list[int]
    in_doubt_ids: dict[int, Any]
    unsent_indexes: list[int]
    unsent_ids: dict[int, Any]

class OperationFailure(DataBridgeError, pymongo.errors.OperationFailure):
    """The server answered with an error (pymongo's `.code`, `.details`, `.has_error_label`)."""

    code_name: str | None
    labels: list[str]

class WriteError(OperationFailure, pymongo.errors.WriteError):
    """A single write failed (`.index` is the position of the failing document/op)."""

    index: int

class DuplicateKeyError(WriteError, pymongo.errors.DuplicateKeyError):
    """A write violated a unique index (code 11000)."""

    key_pattern: dict[str, Any] | None
    key_value: dict[str, Any] | None

class WriteConcernError(OperationFailure, pymongo.errors.WriteConcernError):
    """The write was applied but its write concern was not satisfied."""

class BulkWriteError(OperationFailure, pymongo.errors.BulkWriteError):
    """Some writes of insert_many / bulk_write failed; the others' outcome is in the counts.

    As pymongo's: `.code` is 65 and `.details` is `{"writeErrors": [...], "nInserted": ...}`.
    """

    write_errors: list[dict[str, Any]]
    write_concern_errors: list[dict[str, Any]]
    inserted_count: int
    matched_count: int
    modified_count: int
    deleted_count: int
    upserted_count: int
    inserted_ids: dict[int, Any]
    upserted_ids: dict[int, Any]

class CodecError(DataBridgeError):
    """BSON <-> Arrow conversion failed."""

class DecodeError(CodecError):
    """A BSON value did not fit the Arrow schema (`.row`, `.path`, `.expected`, `.found`)."""

    row: int | None
    path: str | None
    expected: str | None
    found: str | None

class EncodeError(CodecError):
    """An Arrow value (or Python value) could not be encoded as BSON (`.row`, `.path`)."""

    row: int | None
    path: str | None

class SchemaError(CodecError):
    """A schema (Arrow or dict spec) is not supported or is malformed."""

class InvalidInput(DataBridgeError, ValueError):
    """An argument was rejected before reaching the server (names, keys, option values)."""

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

@final
class InsertOneResult:
    """Outcome of insert_one."""

    @property
    def inserted_id(self) -> Any:
        """The document's `_id` (generated client-side as a bson.ObjectId when absent)."""

@final
class InsertManyResult:
    """Outcome of insert_many."""

    @property
    def inserted_ids(self) -> list[Any]:
        """The `_id` of each document, in input order."""

    @property
    def inserted_count(self) -> int:
        """Number of documents inserted."""

@final
class ModelLayout:
    """How `encode_models` writes a document class: `fields` is `[(name, key, shape)]`, a shape
    `None` (by the value's type), `("model", cls, fields)`, `("list", shape)` or
    `("dict", shape)`; built once per class by `data_bridge.odm.fast_encode`."""

    def __new__(
        cls,
        fields: Sequence[tuple[str, str, Any]],
        *,
        id_field: str,
        id_class: type | None = None,
        revision_field: str | None = None,
        class_id: tuple[str, str] | None = None,
    ) -> ModelLayout: ...

@final
class ModelShape:
    """The declared shape of a field holding embedded models, for `Table.model_column`: `spec`
    is `(kind, nullable, default)` with kind `"str"`, `"int"`, `"float"`, `"bool"` or
    `"datetime"`, `("list", nullable, default, item_spec)`, or
    `("model", nullable, default, cls, extra_allowed, [(key, name, spec), ...])`; built once
    per field by `data_bridge.odm.model_shapes`."""

    def __new__(cls, spec: tuple[Any, ...]) -> ModelShape: ...

@final
class EncodedDocuments:
    """Documents encoded by `encode_models`, ready for `insert_one` / `insert_many`."""

    def __len__(self) -> int: ...
    @property
    def ids(self) -> list[Any]:
        """Each document's `_id` (generated ones included), in input order."""
    @property
    def generated(self) -> list[bool]:
        """Whether each document's id was generated by `encode_models`."""
    @property
    def nbytes(self) -> int:
        """Total BSON size of the documents."""
    def document(self, index: int) -> dict[str, Any]:
        """Document `index` decoded into a dict."""

def encode_models(
    values: list[dict[str, Any]], layout: ModelLayout, *, keep_nulls: bool
) -> EncodedDocuments | None:
    """Encode model field dicts by `layout`; None when a value needs pydantic's dump path."""

def bind_inserted(documents: list[Any], source: Any, ids: list[Any], generated: list[bool]) -> None:
    """After an insert: bind document `i` to row `i` of `source` (its saved state) and give the
    ones whose id was generated their `id`."""

def lazy_instances(
    cls: type,
    rows: int,
    source: Any,
    dicts: list[dict[str, Any]],
    fields_set: frozenset[str],
    extra_allowed: bool,
    private: dict[str, Any] | None,
) -> list[Any]:
    """`rows` bare instances of a Document class reading rows of `source` (the ODM's lazy
    results): empty instance dicts (also appended to `dicts`), pydantic's slots, the ODM's
    `_db_*` slots; no `__setattr__`, no validation."""

@final
class InsertArrowResult:
    """Outcome of insert_arrow (ids are not materialised as Python objects)."""

    @property
    def inserted_count(self) -> int:
        """Number of rows inserted."""

@final
class UpdateResult:
    """Outcome of update_one / update_many / replace_one."""

    @property
    def matched_count(self) -> int:
        """Documents matching the filter."""

    @property
    def modified_count(self) -> int:
        """Documents actually changed."""

    @property
    def upserted_id(self) -> Any | None:
        """The `_id` of the upserted document, if an upsert happened."""

@final
class DeleteResult:
    """Outcome of delete_one / delete_many."""

    @property
    def deleted_count(self) -> int:
        """Documents deleted."""

@final
class BulkWriteResult:
    """Outcome of bulk_write (indexes refer to positions in the request list)."""

    @property
    def inserted_count(self) -> int:
        """Documents inserted by insert_one ops."""

    @property
    def matched_count(self) -> int:
        """Documents matched by update/replace ops."""

    @property
    def modified_count(self) -> int:
        """Documents modified by update/replace ops."""

    @property
    def deleted_count(self) -> int:
        """Documents deleted by delete ops."""

    @property
    def upserted_count(self) -> int:
        """Documents upserted."""

    @property
    def inserted_ids(self) -> dict[int, Any]:
        """Request index -> `_id` of each inserted document."""

    @property
    def upserted_ids(self) -> dict[int, Any]:
        """Request index -> `_id` of each upserted document."""

# ---------------------------------------------------------------------------------------------
# Arrow results
# ---------------------------------------------------------------------------------------------

@final
class Schema:
    """An Arrow schema (export it with `pyarrow.schema(s)`)."""

    @property
    def names(self) -> list[str]:
        """Top-level field names."""

    def field_type(self, name: str) -> str:
        """The Arrow type of a top-level field, as text (`"Int64"`, `"Utf8"`, ...)."""

    def __arrow_c_schema__(self) -> object:
        """Export as an Arrow C schema PyCapsule."""

    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Table:
    """A materialised query result: Arrow record batches sharing one schema.

    `pyarrow.table(t)` and `polars.DataFrame(t)` consume it without copying the buffers
    (`polars.from_arrow(t)` gives a struct Series, polars' rule for capsule objects:
    `.struct.unnest()` turns it into the same frame).
    """

    @property
    def num_rows(self) -> int:
        """Number of rows (documents)."""

    @property
    def num_columns(self) -> int:
        """Number of top-level columns."""

    @property
    def num_batches(self) -> int:
        """Number of record batches."""

    @property
    def column_names(self) -> list[str]:
        """Top-level column names, in schema order."""

    @property
    def schema(self) -> Schema:
        """The Arrow schema."""

    @property
    def nulled(self) -> int:
        """Values stored as null by `on_mismatch="null"` because their type did not fit."""

    @property
    def stats(self) -> dict[str, float] | None:
        """What the query cost, or None for a table not read from the server (`bson_to_arrow`).

        `{"server_ms": float, "decode_ms": float, "batches": int, "bson_bytes": int}`:
        time waiting for the server (command + getMores, prefetch overlap excluded), time in
        the Rust codec, server batches received and BSON bytes of the documents received.
        `server_ms + decode_ms` never exceeds the call's wall time.
        """

    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export as an Arrow C stream PyCapsule (zero-copy)."""

    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema PyCapsule."""

    def to_pylist(self) -> list[_Document]:
        """All rows as dicts of Python BSON values (a field missing from a document is None)."""

    def column(self, name: str) -> list[Any]:
        """The Python values of one top-level column, all rows (None where missing)."""

    def model_column(self, name: str, shape: ModelShape) -> list[Any] | None:
        """A column of embedded models as instances built without validation (None where the
        row is null), or None when a value needs pydantic (the caller validates it then)."""

    def row(self, index: int) -> _Document:
        """Row `index` (negative counts from the end) as a dict; missing fields are None."""

    def to_numpy(self, name: str) -> npt.NDArray[Any]:
        """A fixed-width numeric/bool/timestamp column as a numpy array.

        Zero-copy (read-only view) when the column is one chunk without nulls; otherwise a copy,
        with nulls as NaN for floats. Integer/bool columns containing nulls raise InvalidInput.
        """

@final
class RecordBatchStream:
    """A lazy query result: each pull fetches (and decodes) the next server batch.

    With `schema=None` the schema is inferred from the first batch; a later document that does
    not fit it (a value of another type, or a field the first batch did not have) raises
    DecodeError naming the row (counted from the start of the stream) and the field path: pass
    `schema=` to avoid it. With an explicit schema, fields outside it are skipped (projection).
    Iterate synchronously (`for t in s`) or asynchronously (`async for t in s`): each item is a
    Table holding one batch. `pyarrow.RecordBatchReader.from_stream(s)` consumes it lazily.
    """

    @property
    def schema(self) -> Schema:
        """The Arrow schema (blocks until the first batch has arrived when inferring)."""

    @property
    def stats(self) -> dict[str, float]:
        """`Table.stats` summed over the batches pulled so far (by any route)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the remaining batches as an Arrow C stream; can be consumed once."""

    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema PyCapsule."""

    def __iter__(self) -> Iterator[Table]: ...
    def __next__(self) -> Table: ...
    def __aiter__(self) -> RecordBatchStream: ...
    def __anext__(self) -> Awaitable[Table]: ...
    def read_all(self) -> Table:
        """Fetch and decode every remaining batch into one Table (GIL released)."""

    def close(self) -> None:
        """Stop fetching and kill the server cursor."""

# ---------------------------------------------------------------------------------------------
# Client, database, collection, session
# ---------------------------------------------------------------------------------------------

@final
class Client:
    """A connection pool to a deployment (`mongodb://` or `mongodb+srv://`).

    Keyword options override the URI's. Clients share one Tokio runtime. A client created
    before `os.fork()` cannot be used in the child: create a new one there.
    """

    def __new__(
        cls,
        uri: str,
        *,
        app_name: str | None = None,
        server_selection_timeout_ms: int | None = None,
        connect_timeout_ms: int | None = None,
        max_pool_size: int | None = None,
        min_pool_size: int | None = None,
        direct_connection: bool | None = None,
    ) -> Client: ...
    def database(self, name: str, *, allow_system: bool = False) -> Database:
        """A handle on database `name` (no I/O). Raises InvalidInput for an invalid name."""

    def default_database(self) -> Database | None:
        """The database named in the URI path, if any."""

    def start_session(self, *, causal_consistency: bool | None = None) -> Session:
        """A new session (the server session starts on first use)."""

    def list_database_names(self) -> Awaitable[list[str]]:
        """Names of the databases on the server."""

    def list_database_names_sync(self) -> list[str]: ...
    def close(self) -> Awaitable[None]:
        """Close the pool; later operations raise ConnectionFailure."""

    def close_sync(self) -> None: ...
    @property
    def is_closed(self) -> bool:
        """Whether close() has been called."""

@final
class Session:
    """A client session; use it for causal consistency and multi-document transactions.

    `async with client.start_session() as s:` / `with client.start_session() as s:`; pass
    `session=s` to operations. Leaving the block aborts an open transaction and ends the session.
    """

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""

    def start_transaction(self) -> Awaitable[None]:
        """Open a transaction (starts the server session if needed)."""

    def start_transaction_sync(self) -> None: ...
    def commit_transaction(self) -> Awaitable[None]:
        """Commit the open transaction."""

    def commit_transaction_sync(self) -> None: ...
    def abort_transaction(self) -> Awaitable[None]:
        """Abort the open transaction."""

    def abort_transaction_sync(self) -> None: ...
    def end(self) -> Awaitable[None]:
        """End the session (aborting an open transaction)."""

    def end_sync(self) -> None: ...
    def __enter__(self) -> Session: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def __aenter__(self) -> Awaitable[Session]: ...
    def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Awaitable[None]: ...

@final
class Database:
    """A database handle (cheap to create)."""

    @property
    def name(self) -> str:
        """The database name."""

    @property
    def client(self) -> Client:
        """The client this database belongs to."""

    def collection(self, name: str, *, allow_system: bool = False) -> Collection:
        """A handle on collection `name` (no I/O). Raises InvalidInput for an invalid name."""

    def command(
        self, command: Mapping[str, Any], *, session: Session | None = None
    ) -> Awaitable[_Document]:
        """Run a database command and return the server's reply."""

    def command_sync(
        self, command: Mapping[str, Any], *, session: Session | None = None
    ) -> _Document: ...
    def list_collection_names(
        self, filter: _Filter | None = None, *, session: Session | None = None
    ) -> Awaitable[list[str]]:
        """Names of the collections in this database."""

    def list_collection_names_sync(
        self, filter: _Filter | None = None, *, session: Session | None = None
    ) -> list[str]: ...
    def create_collection(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        session: Session | None = None,
    ) -> Awaitable[Collection]:
        """Create a collection; `options` are the `create` command's fields (camelCase)."""

    def create_collection_sync(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        session: Session | None = None,
    ) -> Collection: ...
    def drop(self, *, session: Session | None = None) -> Awaitable[None]:
        """Drop the database."""

    def drop_sync(self, *, session: Session | None = None) -> None: ...

@final
class Collection:
    """A collection handle (cheap to create); every operation comes as `op` (awaitable) and
    `op_sync` (blocking, GIL released)."""

    @property
    def name(self) -> str:
        """The collection name."""

    @property
    def full_name(self) -> str:
        """`database.collection`."""

    @property
    def database(self) -> Database:
        """The database this collection belongs to."""

    # --- reads ---------------------------------------------------------------------------------
    def find(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        limit: int | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> Awaitable[Table]:
        """Run a query and decode every result into one Table.

        With `schema=None` the schema is inferred over all fetched documents.
        """

    def find_sync(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        limit: int | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> Table: ...
    def find_stream(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        limit: int | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> RecordBatchStream:
        """Start a query whose server batches are decoded as they are pulled (no I/O here)."""

    def find_one(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[_Document | None]:
        """The first matching document as a dict, or None."""

    def find_one_sync(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> _Document | None: ...
    def find_raw(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        limit: int | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[list[_Document]]:
        """Run a query and return every document as a dict (no Arrow step)."""

    def find_raw_sync(
        self,
        filter: _Filter | None = None,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        skip: int | None = None,
        limit: int | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> list[_Document]: ...
    def aggregate(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        allow_disk_use: bool | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> Awaitable[Table]:
        """Run an aggregation pipeline and decode every result into one Table."""

    def aggregate_sync(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        allow_disk_use: bool | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> Table: ...
    def aggregate_stream(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        allow_disk_use: bool | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        schema: _SchemaLike | None = None,
        on_mismatch: _OnMismatch = "error",
        session: Session | None = None,
    ) -> RecordBatchStream:
        """Start an aggregation whose batches are decoded as they are pulled (no I/O here)."""

    def aggregate_raw(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        allow_disk_use: bool | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[list[_Document]]:
        """Run an aggregation pipeline and return every document as a dict."""

    def aggregate_raw_sync(
        self,
        pipeline: Sequence[Mapping[str, Any]],
        *,
        allow_disk_use: bool | None = None,
        batch_size: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> list[_Document]: ...
    def count_documents(
        self,
        filter: _Filter | None = None,
        *,
        skip: int | None = None,
        limit: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[int]:
        """Number of documents matching `filter`."""

    def count_documents_sync(
        self,
        filter: _Filter | None = None,
        *,
        skip: int | None = None,
        limit: int | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> int: ...
    def estimated_document_count(
        self, *, max_time_ms: int | None = None, comment: Any | None = None
    ) -> Awaitable[int]:
        """Collection size from metadata (fast, ignores sessions)."""

    def estimated_document_count_sync(
        self, *, max_time_ms: int | None = None, comment: Any | None = None
    ) -> int: ...
    def distinct(
        self,
        key: str,
        filter: _Filter | None = None,
        *,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[list[Any]]:
        """Distinct values of `key` among documents matching `filter`."""

    def distinct_sync(
        self,
        key: str,
        filter: _Filter | None = None,
        *,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> list[Any]: ...

    # --- writes --------------------------------------------------------------------------------
    def insert_one(
        self,
        document: Mapping[str, Any] | EncodedDocuments,
        *,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[InsertOneResult]:
        """Insert a document; an ObjectId `_id` is generated when absent and returned (the
        caller's mapping is not modified, unlike pymongo). Keys starting with `$` or holding
        NUL raise InvalidInput naming the path; a unique index violation raises
        DuplicateKeyError (`.key_pattern`, `.key_value`).
        """

    def insert_one_sync(
        self,
        document: Mapping[str, Any] | EncodedDocuments,
        *,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> InsertOneResult: ...
    def insert_many(
        self,
        documents: Sequence[Mapping[str, Any]] | EncodedDocuments,
        *,
        ordered: bool = True,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[InsertManyResult]:
        """Insert documents in commands of at most 10,000 documents and 16 MiB. Failures raise
        BulkWriteError with `.write_errors` (request index, code, keyValue...) and what was
        inserted; a connection lost partway raises WriteInterrupted (acknowledged, in-doubt
        and unsent documents)."""

    def insert_many_sync(
        self,
        documents: Sequence[Mapping[str, Any]] | EncodedDocuments,
        *,
        ordered: bool = True,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> InsertManyResult: ...
    def insert_arrow(
        self,
        data: Any,
        *,
        ordered: bool = True,
        keep_nulls: bool = False,
        ids_generated: bool = False,
        bypass_document_validation: bool | None = None,
        session: Session | None = None,
    ) -> Awaitable[InsertArrowResult]:
        """Insert the rows of any Arrow table/stream/batch exporter (`__arrow_c_stream__` or
        `__arrow_c_array__`), encoded to BSON in parallel. Nulls are omitted unless keep_nulls.
        `ids_generated`: the `_id` column was generated for this call, so a duplicate key on it
        after a lost connection means the driver's retry met our own documents (in doubt).
        """

    def insert_arrow_sync(
        self,
        data: Any,
        *,
        ordered: bool = True,
        keep_nulls: bool = False,
        ids_generated: bool = False,
        bypass_document_validation: bool | None = None,
        session: Session | None = None,
    ) -> InsertArrowResult: ...
    def update_one(
        self,
        filter: _Filter,
        update: _Update,
        *,
        upsert: bool = False,
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[UpdateResult]:
        """Update the first matching document (update document or pipeline)."""

    def update_one_sync(
        self,
        filter: _Filter,
        update: _Update,
        *,
        upsert: bool = False,
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> UpdateResult: ...
    def update_many(
        self,
        filter: _Filter,
        update: _Update,
        *,
        upsert: bool = False,
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[UpdateResult]:
        """Update every matching document."""

    def update_many_sync(
        self,
        filter: _Filter,
        update: _Update,
        *,
        upsert: bool = False,
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> UpdateResult: ...
    def replace_one(
        self,
        filter: _Filter,
        replacement: Mapping[str, Any],
        *,
        upsert: bool = False,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[UpdateResult]:
        """Replace the first matching document (keys may not start with `$`)."""

    def replace_one_sync(
        self,
        filter: _Filter,
        replacement: Mapping[str, Any],
        *,
        upsert: bool = False,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> UpdateResult: ...
    def delete_one(
        self,
        filter: _Filter,
        *,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[DeleteResult]:
        """Delete the first matching document."""

    def delete_one_sync(
        self,
        filter: _Filter,
        *,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> DeleteResult: ...
    def delete_many(
        self,
        filter: _Filter,
        *,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[DeleteResult]:
        """Delete every matching document."""

    def delete_many_sync(
        self,
        filter: _Filter,
        *,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> DeleteResult: ...
    def find_one_and_update(
        self,
        filter: _Filter,
        update: _Update,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        upsert: bool = False,
        return_document: _ReturnDocument = "before",
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[_Document | None]:
        """Atomically update one document and return it (before or after the update)."""

    def find_one_and_update_sync(
        self,
        filter: _Filter,
        update: _Update,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        upsert: bool = False,
        return_document: _ReturnDocument = "before",
        array_filters: Sequence[Mapping[str, Any]] | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> _Document | None: ...
    def find_one_and_replace(
        self,
        filter: _Filter,
        replacement: Mapping[str, Any],
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        upsert: bool = False,
        return_document: _ReturnDocument = "before",
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[_Document | None]:
        """Atomically replace one document and return it (before or after)."""

    def find_one_and_replace_sync(
        self,
        filter: _Filter,
        replacement: Mapping[str, Any],
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        upsert: bool = False,
        return_document: _ReturnDocument = "before",
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> _Document | None: ...
    def find_one_and_delete(
        self,
        filter: _Filter,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> Awaitable[_Document | None]:
        """Atomically delete one document and return it."""

    def find_one_and_delete_sync(
        self,
        filter: _Filter,
        *,
        projection: Mapping[str, Any] | None = None,
        sort: _Sort | None = None,
        hint: _Hint | None = None,
        collation: Mapping[str, Any] | None = None,
        max_time_ms: int | None = None,
        comment: Any | None = None,
        let: Mapping[str, Any] | None = None,
        session: Session | None = None,
    ) -> _Document | None: ...
    def bulk_write(
        self,
        requests: Sequence[Mapping[str, Any]],
        *,
        ordered: bool = True,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> Awaitable[BulkWriteResult]:
        """Run mixed writes in as few server round trips as possible.

        Each request is a one-key dict:
        `{"insert_one": {"document": {...}}}` (or `{"insert_one": {...document...}}`),
        `{"update_one" | "update_many": {"filter": ..., "update": ..., "upsert": bool,
        "array_filters": [...], "hint": ..., "collation": {...}}}`,
        `{"replace_one": {"filter": ..., "replacement": {...}, "upsert": bool, "hint": ...,
        "collation": {...}}}`,
        `{"delete_one" | "delete_many": {"filter": ..., "hint": ..., "collation": {...}}}`.
        Ordered: stop at the first error. Unordered: run all, then raise BulkWriteError
        listing every failure (`.write_errors[i]["index"]` is the request position).
        """

    def bulk_write_sync(
        self,
        requests: Sequence[Mapping[str, Any]],
        *,
        ordered: bool = True,
        bypass_document_validation: bool | None = None,
        comment: Any | None = None,
        session: Session | None = None,
    ) -> BulkWriteResult: ...

    # --- indexes and lifecycle -----------------------------------------------------------------
    def create_indexes(
        self, models: Sequence[Mapping[str, Any]], *, session: Session | None = None
    ) -> Awaitable[list[str]]:
        """Create indexes from index-model dicts and return their names.

        A model: `{"keys": [("a", 1), ("b", -1)] | {"a": 1} | [("loc", "2dsphere")] |
        [("body", "text")], "name": str, "unique": bool, "sparse": bool,
        "partial_filter_expression": {...}, "expire_after_seconds": int, "hidden": bool,
        "collation": {...}, "weights": {...}, "default_language": str}`; other keys are
        passed to the server unchanged (use its camelCase names).
        """

    def create_indexes_sync(
        self, models: Sequence[Mapping[str, Any]], *, session: Session | None = None
    ) -> list[str]: ...
    def list_indexes(self, *, session: Session | None = None) -> Awaitable[list[_Document]]:
        """The collection's index descriptions (`{"v":..., "key": {...}, "name": ...}`)."""

    def list_indexes_sync(self, *, session: Session | None = None) -> list[_Document]: ...
    def drop_index(self, name: str, *, session: Session | None = None) -> Awaitable[None]:
        """Drop one index by name."""

    def drop_index_sync(self, name: str, *, session: Session | None = None) -> None: ...
    def drop_indexes(self, *, session: Session | None = None) -> Awaitable[None]:
        """Drop every index except `_id_`."""

    def drop_indexes_sync(self, *, session: Session | None = None) -> None: ...
    def drop(self, *, session: Session | None = None) -> Awaitable[None]:
        """Drop the collection (no error if it does not exist)."""

    def drop_sync(self, *, session: Session | None = None) -> None: ...

def validate_database_name(name: str, *, allow_system: bool = False) -> None:
    """Raise InvalidInput if `name` is not an acceptable database name."""

def validate_collection_name(name: str, *, allow_system: bool = False) -> None:
    """Raise InvalidInput if `name` is not an acceptable collection name."""

# ---------------------------------------------------------------------------------------------
# Codec (offline BSON <-> Arrow; documented in data_bridge.codec)
# ---------------------------------------------------------------------------------------------

def bson_to_arrow(
    data: bytes | bytearray | memoryview,
    schema: _SchemaLike | None = None,
    *,
    on_mismatch: _OnMismatch = "error",
    parallel: bool = True,
) -> Table:
    """Decode concatenated BSON documents into a Table (schema given or inferred)."""

def arrow_to_bson(data: Any, *, keep_nulls: bool = False) -> bytes:
    """Encode every row of an Arrow stream / array exporter as concatenated BSON documents."""

def infer_schema(
    data: bytes | bytearray | memoryview, sample_size: int | None = None
) -> tuple[Schema, list[dict[str, Any]]]:
    """Infer the schema of concatenated BSON documents: (schema, conflicts)."""
