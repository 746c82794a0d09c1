//! The Python exception hierarchy and the one conversion from engine errors to it.
//!
//! ```text
//! DataBridgeError
//! ├── ConnectionFailure ── ServerSelectionTimeout
//! │                    └── WriteInterrupted (acknowledged counts and ids, .in_doubt_ids, ...)
//! ├── OperationFailure (.code, .code_name, .labels, .details)
//! │   ├── WriteError (.index) ── DuplicateKeyError (.key_pattern, .key_value)
//! │   ├── WriteConcernError
//! │   └── BulkWriteError (.write_errors, .write_concern_errors, counts, ids)
//! ├── CodecError ── DecodeError (.row, .path, .expected, .found); EncodeError; SchemaError
//! └── InvalidInput (also a ValueError)
//! ```
//!
//! The connection and server errors are also instances of their `pymongo.errors` twins
//! (`ConnectionFailure`, `ServerSelectionTimeoutError`, `AutoReconnect` for `WriteInterrupted`,
//! `OperationFailure`, `WriteError`, `DuplicateKeyError`, `WriteConcernError`,
//! `BulkWriteError`), built through pymongo's own `__init__` so `.code`, `.details` and
//! `.has_error_label()` answer as pymongo's do.

use bson::{Bson, Document, RawDocumentBuf};
use data_bridge_mongodb::data_bridge_arrow::CodecError as Codec;
use data_bridge_mongodb::mongodb::error::{Error as DriverError, ErrorKind, WriteFailure};
use data_bridge_mongodb::{BulkWriteFailure, EngineError, InterruptedWrite};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use crate::convert::{bson_to_py, document_to_py};

pyo3::create_exception!(
    data_bridge._engine,
    DataBridgeError,
    PyException,
    "Base of every error raised by data-bridge."
);
/// The engine errors that are also pymongo's: each is built at first use by
/// `type(name, (parent, pymongo.errors.<twin>), ...)`, so `except pymongo.errors.DuplicateKeyError`
/// catches ours while `except DataBridgeError` still does too (`create_exception!` takes one base).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mirrored {
    ConnectionFailure,
    ServerSelectionTimeout,
    WriteInterrupted,
    OperationFailure,
    WriteError,
    DuplicateKeyError,
    WriteConcernError,
    BulkWriteError,
}

impl Mirrored {
    const ALL: [Self; 8] = [
        Self::ConnectionFailure,
        Self::ServerSelectionTimeout,
        Self::WriteInterrupted,
        Self::OperationFailure,
        Self::WriteError,
        Self::DuplicateKeyError,
        Self::WriteConcernError,
        Self::BulkWriteError,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::ConnectionFailure => "ConnectionFailure",
            Self::ServerSelectionTimeout => "ServerSelectionTimeout",
            Self::WriteInterrupted => "WriteInterrupted",
            Self::OperationFailure => "OperationFailure",
            Self::WriteError => "WriteError",
            Self::DuplicateKeyError => "DuplicateKeyError",
            Self::WriteConcernError => "WriteConcernError",
            Self::BulkWriteError => "BulkWriteError",
        }
    }

    /// The `pymongo.errors` class this one is also an instance of.
    fn twin(self) -> &'static str {
        match self {
            Self::ServerSelectionTimeout => "ServerSelectionTimeoutError",
            // pymongo raises AutoReconnect when the connection drops mid-write.
            Self::WriteInterrupted => "AutoReconnect",
            other => other.name(),
        }
    }

    /// The data-bridge parent (`None`: `DataBridgeError`).
    fn parent(self) -> Option<Self> {
        match self {
            Self::ConnectionFailure | Self::OperationFailure => None,
            Self::ServerSelectionTimeout | Self::WriteInterrupted => Some(Self::ConnectionFailure),
            Self::WriteError | Self::WriteConcernError | Self::BulkWriteError => {
                Some(Self::OperationFailure)
            }
            Self::DuplicateKeyError => Some(Self::WriteError),
        }
    }

    /// The pymongo class whose `__init__` sets the state pymongo's properties read.
    fn initializer(self) -> &'static str {
        match self {
            Self::ConnectionFailure => "PyMongoError",
            Self::ServerSelectionTimeout | Self::WriteInterrupted => "AutoReconnect",
            _ => "OperationFailure",
        }
    }

    fn doc(self) -> &'static str {
        match self {
            Self::ConnectionFailure => {
                "The server could not be reached, or the client is closed / was created before \
                 fork. Also a pymongo.errors.ConnectionFailure."
            }
            Self::ServerSelectionTimeout => {
                "No suitable server was found within serverSelectionTimeoutMS. Also a \
                 pymongo.errors.ServerSelectionTimeoutError."
            }
            Self::WriteInterrupted => WRITE_INTERRUPTED_DOC,
            Self::OperationFailure => {
                "The server answered with an error. Also a pymongo.errors.OperationFailure \
                 (`.code`, `.details`, `.has_error_label()`)."
            }
            Self::WriteError => {
                "A single write failed (`.index` is the position of the failing document/op). \
                 Also a pymongo.errors.WriteError; `.details` is the server's write error entry."
            }
            Self::DuplicateKeyError => {
                "A write violated a unique index (code 11000). Also a \
                 pymongo.errors.DuplicateKeyError."
            }
            Self::WriteConcernError => {
                "The write was applied but its write concern was not satisfied. Also a \
                 pymongo.errors.WriteConcernError."
            }
            Self::BulkWriteError => {
                "Some writes of insert_many / bulk_write failed; the others' outcome is in the \
                 counts. Also a pymongo.errors.BulkWriteError: `.code` is 65 and `.details` is \
                 pymongo's {\"writeErrors\": [...], \"nInserted\": ..., ...}."
            }
        }
    }
}

const WRITE_INTERRUPTED_DOC: &str = "The connection was lost partway through insert_many / \
     bulk_write. Also a pymongo.errors.AutoReconnect.\n\n\
     Keys of the id dicts are request indexes. `inserted_ids` were acknowledged; `in_doubt_ids` \
     were sent without a reply (the server may have applied any of them); `unsent_ids` were \
     never sent. `_id`s are assigned before sending, so inserting the in-doubt and unsent \
     documents again with ordered=False, ignoring duplicate key errors, completes the write \
     exactly once:\n\n\
     >>> try:  # doctest: +SKIP\n\
     ...     coll.insert_many_sync(docs)\n\
     ... except WriteInterrupted as lost:\n\
     ...     rest = sorted(lost.in_doubt_indexes + lost.unsent_indexes)\n\
     ...     try:\n\
     ...         coll.insert_many_sync([docs[i] for i in rest], ordered=False)\n\
     ...     except BulkWriteError as e:\n\
     ...         assert all(w[\"code\"] == 11000 for w in e.write_errors)\n";

static MIRRORED: [PyOnceLock<Py<PyType>>; Mirrored::ALL.len()] =
    [const { PyOnceLock::new() }; Mirrored::ALL.len()];

fn mirrored_type(py: Python<'_>, kind: Mirrored) -> PyResult<&Bound<'_, PyType>> {
    // `ALL` lists the variants in declaration order, so the discriminant is the slot.
    MIRRORED[kind as usize]
        .get_or_try_init(py, || {
            let parent = match kind.parent() {
                Some(parent) => mirrored_type(py, parent)?.clone(),
                None => py.get_type::<DataBridgeError>(),
            };
            let twin = py.import("pymongo.errors")?.getattr(kind.twin())?;
            let bases = PyTuple::new(py, [parent.into_any(), twin])?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "data_bridge._engine")?;
            namespace.set_item("__doc__", kind.doc())?;
            let ty = py
                .get_type::<PyType>()
                .call1((kind.name(), bases, namespace))?;
            Ok::<_, PyErr>(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// What pymongo's constructors take: its properties (`code`, `details`, error labels) read
/// private attributes that only its `__init__` sets.
struct PymongoState<'py> {
    code: Option<i32>,
    details: Bound<'py, PyAny>,
    labels: Vec<String>,
}

impl<'py> PymongoState<'py> {
    fn new(py: Python<'py>) -> Self {
        Self {
            code: None,
            details: py.None().into_bound(py),
            labels: Vec::new(),
        }
    }
}

/// Builds a `kind` error: pymongo's state from `state`, our message as `str(e)`, and `attrs`.
fn raise_mirrored<'py>(
    py: Python<'py>,
    kind: Mirrored,
    message: String,
    state: PymongoState<'py>,
    attrs: &[(&str, Bound<'py, PyAny>)],
) -> PyResult<PyErr> {
    let ty = mirrored_type(py, kind)?;
    // `ty.__new__(ty)`: pymongo's BulkWriteError.__init__ takes the details, not a message.
    let value = ty.call_method1("__new__", (ty,))?;
    let init = py
        .import("pymongo.errors")?
        .getattr(kind.initializer())?
        .getattr("__init__")?;
    match kind.initializer() {
        "PyMongoError" => init.call1((&value, &message, PyList::new(py, &state.labels)?))?,
        "AutoReconnect" => init.call1((&value, &message, &state.details))?,
        _ => init.call1((&value, &message, state.code, &state.details))?,
    };
    for label in &state.labels {
        value.call_method1("_add_error_label", (label,))?;
    }
    // pymongo appends the details to the message; ours already says what went wrong.
    value.setattr("args", (message,))?;
    value.setattr("labels", PyList::new(py, &state.labels)?)?;
    for (name, attr) in attrs {
        value.setattr(*name, attr)?;
    }
    Ok(PyErr::from_value(value))
}

pyo3::create_exception!(
    data_bridge._engine,
    CodecError,
    DataBridgeError,
    "BSON <-> Arrow conversion failed."
);
pyo3::create_exception!(
    data_bridge._engine,
    DecodeError,
    CodecError,
    "A BSON value did not fit the Arrow schema (`.row`, `.path`, `.expected`, `.found`)."
);
pyo3::create_exception!(
    data_bridge._engine,
    EncodeError,
    CodecError,
    "An Arrow value (or Python value) could not be encoded as BSON (`.row`, `.path`)."
);
pyo3::create_exception!(
    data_bridge._engine,
    SchemaError,
    CodecError,
    "A schema (Arrow or dict spec) is not supported or is malformed."
);

/// `InvalidInput(DataBridgeError, ValueError)`: two bases, which `create_exception!` cannot do.
static INVALID_INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn invalid_input_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_INPUT
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<DataBridgeError>(),
                    py.get_type::<PyValueError>(),
                ],
            )?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "data_bridge._engine")?;
            namespace.set_item(
                "__doc__",
                "An argument was rejected before reaching the server (names, keys, option \
                 values).",
            )?;
            let ty = py
                .get_type::<PyType>()
                .call1(("InvalidInput", bases, namespace))?;
            Ok::<_, PyErr>(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DataBridgeError", py.get_type::<DataBridgeError>())?;
    for kind in Mirrored::ALL {
        m.add(kind.name(), mirrored_type(py, kind)?)?;
    }
    m.add("CodecError", py.get_type::<CodecError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("EncodeError", py.get_type::<EncodeError>())?;
    m.add("SchemaError", py.get_type::<SchemaError>())?;
    m.add("InvalidInput", invalid_input_type(py)?)?;
    Ok(())
}

/// `InvalidInput(message)`, for argument checks done in the bindings.
pub fn invalid_input(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| match invalid_input_type(py) {
        Ok(ty) => PyErr::from_type(ty.clone(), message),
        Err(e) => e,
    })
}

/// An error on its way to Python: an engine error (mapped below, the orphan rule needs a
/// local type for that) or a Python error raised while converting, passed through unchanged.
#[derive(Debug)]
pub enum CoreError {
    /// From the engine.
    Engine(EngineError),
    /// Already a Python exception.
    Python(PyErr),
}

impl From<EngineError> for CoreError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

impl From<PyErr> for CoreError {
    fn from(e: PyErr) -> Self {
        Self::Python(e)
    }
}

impl From<CoreError> for PyErr {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Python(e) => e,
            CoreError::Engine(e) => Python::attach(|py| engine_error(py, e).unwrap_or_else(|e| e)),
        }
    }
}

/// Builds an exception of type `T` and sets its attributes.
fn raise<T: pyo3::PyTypeInfo>(
    py: Python<'_>,
    message: String,
    attrs: &[(&str, Bound<'_, PyAny>)],
) -> PyResult<PyErr> {
    let err = PyErr::new::<T, _>(message);
    let value = err.value(py);
    for (name, attr) in attrs {
        value.setattr(*name, attr)?;
    }
    Ok(err)
}

fn engine_error(py: Python<'_>, error: EngineError) -> PyResult<PyErr> {
    let message = error.to_string();
    match error {
        EngineError::Driver(e) => driver_error(py, e),
        EngineError::Codec(e) | EngineError::InferredSchemaMismatch(e) => {
            codec_error(py, message, &e)
        }
        EngineError::FieldNotInInferredSchema { row, path } => {
            let none = py.None().into_bound(py);
            raise::<DecodeError>(
                py,
                message,
                &[
                    ("row", row.into_pyobject(py)?.into_any()),
                    ("path", path.into_pyobject(py)?.into_any()),
                    ("expected", none.clone()),
                    ("found", none),
                ],
            )
        }
        EngineError::InvalidInput(_) => Ok(invalid_input(message)),
        EngineError::ClientClosed | EngineError::UsedAfterFork { .. } => raise_mirrored(
            py,
            Mirrored::ConnectionFailure,
            message,
            PymongoState::new(py),
            &[],
        ),
        EngineError::BulkWrite(failure) => bulk_error(py, message, &failure),
        EngineError::Interrupted { write, source } => {
            let labels = applicable_labels(&source);
            // The engine's text ends with the driver's debug-like one: say it plainly instead.
            let message = match message.strip_suffix(&source.to_string()) {
                Some(summary) => format!("{summary}{}", driver_message(&source)),
                None => message,
            };
            interrupted_error(py, message, &write, labels)
        }
        // A reply the engine could not read is bad BSON from the wire, not a generic failure.
        EngineError::Protocol(_) => undecodable(py, message),
        EngineError::Write(e) => {
            let code_name = e.details.get_str("codeName").ok();
            let failure =
                server_failure(py, Some(e.code), code_name, Vec::new(), Some(&e.details))?;
            write_error(py, e.message.clone(), e.index, failure, Some(&e.details))
        }
        EngineError::WriteConcern(details) => {
            let code = details.get_i32("code").ok();
            let code_name = details.get_str("codeName").ok();
            let (state, attrs) = server_failure(py, code, code_name, Vec::new(), Some(&details))?;
            raise_mirrored(py, Mirrored::WriteConcernError, message, state, &attrs)
        }
        _ => Ok(DataBridgeError::new_err(message)),
    }
}

fn codec_error(py: Python<'_>, message: String, error: &Codec) -> PyResult<PyErr> {
    let row = error.row().into_pyobject(py)?.into_any();
    let path = error.path().into_pyobject(py)?.into_any();
    match error {
        Codec::TypeMismatch {
            expected, found, ..
        } => raise::<DecodeError>(
            py,
            message,
            &[
                ("row", row),
                ("path", path),
                ("expected", expected.into_pyobject(py)?.into_any()),
                ("found", found.into_pyobject(py)?.into_any()),
            ],
        ),
        Codec::Encode { .. } => raise::<EncodeError>(py, message, &[("row", row), ("path", path)]),
        Codec::InvalidSchema { .. } => raise::<SchemaError>(py, message, &[("path", path)]),
        Codec::Arrow(_) => Ok(CodecError::new_err(message)),
        _ => {
            let none = py.None().into_bound(py);
            raise::<DecodeError>(
                py,
                message,
                &[
                    ("row", row),
                    ("path", path),
                    ("expected", none.clone()),
                    ("found", none),
                ],
            )
        }
    }
}

/// `DecodeError` without a row or path: the bytes could not be read at all.
fn undecodable(py: Python<'_>, message: String) -> PyResult<PyErr> {
    let none = py.None().into_bound(py);
    raise::<DecodeError>(
        py,
        message,
        &[
            ("row", none.clone()),
            ("path", none.clone()),
            ("expected", none.clone()),
            ("found", none),
        ],
    )
}

/// The server's own entry for a write error, which keeps fields the driver drops.
fn reply_write_error(reply: Option<&RawDocumentBuf>, code: i32, message: &str) -> Option<Document> {
    let reply = Document::try_from(reply?).ok()?;
    if reply.get_i32("code").ok() == Some(code) {
        return Some(reply);
    }
    reply
        .get_array("writeErrors")
        .ok()?
        .iter()
        .find_map(|entry| match entry {
            Bson::Document(d) if d.get_str("errmsg").ok() == Some(message) => Some(d.clone()),
            _ => None,
        })
}

/// pymongo's state (code, details, labels) and our extra attributes of a server error.
type ServerFailure<'py> = (PymongoState<'py>, Attrs<'py>);

fn server_failure<'py>(
    py: Python<'py>,
    code: Option<i32>,
    code_name: Option<&str>,
    labels: Vec<String>,
    details: Option<&Document>,
) -> PyResult<ServerFailure<'py>> {
    let details = match details {
        Some(d) => document_to_py(py, d)?,
        None => py.None().into_bound(py),
    };
    let state = PymongoState {
        code,
        details,
        labels,
    };
    Ok((
        state,
        vec![("code_name", code_name.into_pyobject(py)?.into_any())],
    ))
}

const DUPLICATE_KEY: i32 = 11000;
/// The `code` pymongo gives every `BulkWriteError` (the write errors carry their own).
const BULK_WRITE_ERRORS: i32 = 65;

fn write_error<'py>(
    py: Python<'py>,
    message: String,
    index: usize,
    (state, mut attrs): ServerFailure<'py>,
    details: Option<&Document>,
) -> PyResult<PyErr> {
    attrs.push(("index", index.into_pyobject(py)?.into_any()));
    if state.code == Some(DUPLICATE_KEY) {
        let field = |key: &str| -> PyResult<Bound<'py, PyAny>> {
            match details.and_then(|d| d.get_document(key).ok()) {
                Some(d) => document_to_py(py, d),
                None => Ok(py.None().into_bound(py)),
            }
        };
        attrs.push(("key_pattern", field("keyPattern")?));
        attrs.push(("key_value", field("keyValue")?));
        return raise_mirrored(py, Mirrored::DuplicateKeyError, message, state, &attrs);
    }
    raise_mirrored(py, Mirrored::WriteError, message, state, &attrs)
}

/// The label the driver puts on every network error of a connection attempt; it applies only
/// when the server itself said it was overloaded (then its reply lists the label).
const SYSTEM_OVERLOADED: &str = "SystemOverloadedError";

/// The error labels that apply: the driver's, without `SystemOverloadedError` unless the
/// server's reply carries it (a refused connection is not an overloaded server).
fn applicable_labels(error: &DriverError) -> Vec<String> {
    let server_said = |label: &str| {
        error
            .server_response()
            .and_then(|reply| Document::try_from(reply).ok())
            .and_then(|reply| reply.get_array("errorLabels").ok().cloned())
            .is_some_and(|labels| labels.iter().any(|l| l.as_str() == Some(label)))
    };
    error
        .labels()
        .iter()
        .filter(|label| label.as_str() != SYSTEM_OVERLOADED || server_said(label))
        .cloned()
        .collect()
}

/// Why a connection failed, in plain words, and what to try, read from the driver's text.
fn network_cause(text: &str) -> (&'static str, &'static str) {
    const CHECK_URI: &str =
        "is the server running, and do the host and port in the URI (MONGODB_URI) point at it?";
    let text = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["connection refused"]) {
        ("the connection was refused", CHECK_URI)
    } else if has(&[
        "failed to lookup",
        "name or service not known",
        "dns",
        "resolve",
    ]) {
        (
            "the host name could not be resolved",
            "check the host name in the URI (MONGODB_URI)",
        )
    } else if has(&["tls", "ssl", "certificate"]) {
        (
            "the TLS handshake failed",
            "check the tls options and certificate files in the URI",
        )
    } else if has(&["authentication", "auth failed"]) {
        (
            "authentication failed",
            "check the user name, password and authSource in the URI",
        )
    } else if has(&["timed out", "timeout"]) {
        (
            "the connection timed out",
            "is the host reachable from here (firewall, VPN), or does the URI need a longer \
             connectTimeoutMS / serverSelectionTimeoutMS?",
        )
    } else if has(&["reset", "broken pipe", "unexpected eof", "closed"]) {
        (
            "the server closed the connection",
            "is it restarting or out of connections? retry shortly",
        )
    } else {
        ("no server answered", CHECK_URI)
    }
}

/// `host:port` of each server in the driver's topology text (`{ Address: h:p, ... }`), and the
/// error text of the first one that has one.
fn topology_servers(text: &str) -> (Vec<&str>, Option<&str>) {
    let mut addresses = Vec::new();
    let mut first_error = None;
    for entry in text.split("{ Address: ").skip(1) {
        if let Some(address) = entry.split(',').next() {
            addresses.push(address.trim());
        }
        if first_error.is_none() {
            first_error = entry.split_once("Error: ").map(|(_, rest)| rest);
        }
    }
    (addresses, first_error)
}

/// One sentence for a driver error: what failed, where, why in plain words, and what to try.
/// The driver's own `Display` reads like a debug dump (`Kind: ..., labels: {...}, source: None`).
fn driver_message(error: &DriverError) -> String {
    match &*error.kind {
        ErrorKind::ServerSelection { message, .. } => {
            let (addresses, server_error) = topology_servers(message);
            let place = if addresses.is_empty() {
                "the server".to_string()
            } else {
                addresses.join(", ")
            };
            if server_error.is_none() && message.contains("None of the available servers") {
                return format!(
                    "no server at {place} matched the read preference within \
                     serverSelectionTimeoutMS: check readPreference and replicaSet in the URI"
                );
            }
            let (why, hint) = network_cause(server_error.unwrap_or_default());
            format!("could not reach {place} within serverSelectionTimeoutMS because {why}: {hint}")
        }
        ErrorKind::Io(e) => {
            let (why, hint) = network_cause(&e.to_string());
            format!("the connection to the server failed because {why}: {hint}")
        }
        ErrorKind::DnsResolve { message, .. } => {
            let (_, hint) = network_cause("dns");
            format!("could not resolve the host name in the URI ({message}): {hint}")
        }
        ErrorKind::ConnectionPoolCleared { message, .. } => {
            let (why, hint) = network_cause(message);
            format!("the connection pool was cleared because {why}: {hint}")
        }
        // The kind's own text, without the labels / source / reply dump of `Error`'s.
        kind => kind.to_string(),
    }
}

fn driver_error(py: Python<'_>, error: DriverError) -> PyResult<PyErr> {
    let message = driver_message(&error);
    let labels = applicable_labels(&error);
    let reply = error.server_response().cloned();
    match *error.kind {
        ErrorKind::ServerSelection { .. } => {
            let state = PymongoState {
                labels,
                ..PymongoState::new(py)
            };
            raise_mirrored(py, Mirrored::ServerSelectionTimeout, message, state, &[])
        }
        ErrorKind::Io(_)
        | ErrorKind::ConnectionPoolCleared { .. }
        | ErrorKind::DnsResolve { .. }
        | ErrorKind::Shutdown => {
            let state = PymongoState {
                labels,
                ..PymongoState::new(py)
            };
            raise_mirrored(py, Mirrored::ConnectionFailure, message, state, &[])
        }
        ErrorKind::InvalidArgument { .. } | ErrorKind::InvalidTlsConfig { .. } => {
            Ok(invalid_input(message))
        }
        ErrorKind::Command(ref command) => {
            let details = reply.as_ref().and_then(|r| Document::try_from(r).ok());
            let message = command.message.clone();
            let (state, attrs) = server_failure(
                py,
                Some(command.code),
                Some(&command.code_name),
                labels,
                details.as_ref(),
            )?;
            if command.code == DUPLICATE_KEY {
                return write_error(py, message, 0, (state, attrs), details.as_ref());
            }
            raise_mirrored(py, Mirrored::OperationFailure, message, state, &attrs)
        }
        ErrorKind::Write(WriteFailure::WriteError(ref e)) => {
            let details =
                reply_write_error(reply.as_ref(), e.code, &e.message).or_else(|| e.details.clone());
            let failure = server_failure(
                py,
                Some(e.code),
                e.code_name.as_deref(),
                labels,
                details.as_ref(),
            )?;
            write_error(py, e.message.clone(), 0, failure, details.as_ref())
        }
        ErrorKind::Write(WriteFailure::WriteConcernError(ref e)) => {
            // pymongo's details: the server's writeConcernError entry, errInfo inside it.
            let mut entry = bson::doc! {
                "code": e.code,
                "codeName": e.code_name.as_str(),
                "errmsg": e.message.as_str(),
            };
            if let Some(info) = &e.details {
                entry.insert("errInfo", info.clone());
            }
            let (state, attrs) =
                server_failure(py, Some(e.code), Some(&e.code_name), labels, Some(&entry))?;
            let kind = Mirrored::WriteConcernError;
            raise_mirrored(py, kind, e.message.clone(), state, &attrs)
        }
        ErrorKind::InsertMany(_) => {
            // The engine turns these into bulk write failures; this is the fallback.
            let failure = BulkWriteFailure::default();
            let (details, mut attrs) = acknowledged_attrs(py, &failure)?;
            attrs.push(("code_name", py.None().into_bound(py)));
            let state = PymongoState {
                code: Some(BULK_WRITE_ERRORS),
                details: details.into_any(),
                labels,
            };
            raise_mirrored(py, Mirrored::BulkWriteError, message, state, &attrs)
        }
        ErrorKind::BsonDeserialization(_)
        | ErrorKind::Bson(_)
        | ErrorKind::InvalidResponse { .. } => {
            undecodable(py, format!("malformed reply from the server: {message}"))
        }
        ErrorKind::BsonSerialization(_) => {
            let none = py.None().into_bound(py);
            raise::<EncodeError>(py, message, &[("row", none.clone()), ("path", none)])
        }
        ErrorKind::Authentication { .. } | ErrorKind::Transaction { .. } => {
            let (state, attrs) = server_failure(py, None, None, labels, None)?;
            raise_mirrored(py, Mirrored::OperationFailure, message, state, &attrs)
        }
        _ => Ok(DataBridgeError::new_err(message)),
    }
}

fn ids_to_py<'py>(py: Python<'py>, ids: &[(usize, Bson)]) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    for (index, id) in ids {
        dict.set_item(index, bson_to_py(py, id)?)?;
    }
    Ok(dict.into_any())
}

/// Attributes set on an exception: `(name, value)`.
type Attrs<'py> = Vec<(&'static str, Bound<'py, PyAny>)>;

/// What a bulk write applied, as the `details` dict and the error's attributes (write errors,
/// counts, ids); shared by `BulkWriteError` and `WriteInterrupted`.
fn acknowledged_attrs<'py>(
    py: Python<'py>,
    failure: &BulkWriteFailure,
) -> PyResult<(Bound<'py, PyDict>, Attrs<'py>)> {
    let write_errors = PyList::empty(py);
    for e in &failure.write_errors {
        write_errors.append(document_to_py(py, &e.details)?)?;
    }
    let concern_errors = PyList::empty(py);
    for e in &failure.write_concern_errors {
        concern_errors.append(document_to_py(py, e)?)?;
    }
    let outcome = &failure.outcome;
    let details = PyDict::new(py);
    details.set_item("writeErrors", &write_errors)?;
    details.set_item("writeConcernErrors", &concern_errors)?;
    details.set_item("nInserted", outcome.inserted_count)?;
    details.set_item("nMatched", outcome.matched_count)?;
    details.set_item("nModified", outcome.modified_count)?;
    details.set_item("nRemoved", outcome.deleted_count)?;
    details.set_item("nUpserted", outcome.upserted_ids.len())?;
    let upserted = PyList::empty(py);
    for (index, id) in &outcome.upserted_ids {
        let entry = PyDict::new(py);
        entry.set_item("index", index)?;
        entry.set_item("_id", bson_to_py(py, id)?)?;
        upserted.append(entry)?;
    }
    details.set_item("upserted", upserted)?;
    let attrs = vec![
        ("write_errors", write_errors.into_any()),
        ("write_concern_errors", concern_errors.into_any()),
        (
            "inserted_count",
            outcome.inserted_count.into_pyobject(py)?.into_any(),
        ),
        (
            "matched_count",
            outcome.matched_count.into_pyobject(py)?.into_any(),
        ),
        (
            "modified_count",
            outcome.modified_count.into_pyobject(py)?.into_any(),
        ),
        (
            "deleted_count",
            outcome.deleted_count.into_pyobject(py)?.into_any(),
        ),
        (
            "upserted_count",
            outcome.upserted_ids.len().into_pyobject(py)?.into_any(),
        ),
        ("inserted_ids", ids_to_py(py, &outcome.inserted_ids)?),
        ("upserted_ids", ids_to_py(py, &outcome.upserted_ids)?),
    ];
    Ok((details, attrs))
}

fn bulk_error(py: Python<'_>, message: String, failure: &BulkWriteFailure) -> PyResult<PyErr> {
    let (details, mut attrs) = acknowledged_attrs(py, failure)?;
    attrs.push(("code_name", py.None().into_bound(py)));
    let state = PymongoState {
        code: Some(BULK_WRITE_ERRORS),
        details: details.into_any(),
        labels: Vec::new(),
    };
    raise_mirrored(py, Mirrored::BulkWriteError, message, state, &attrs)
}

fn interrupted_error(
    py: Python<'_>,
    message: String,
    write: &InterruptedWrite,
    labels: Vec<String>,
) -> PyResult<PyErr> {
    let (details, mut attrs) = acknowledged_attrs(py, &write.acknowledged)?;
    details.set_item("nInDoubt", write.in_doubt.len())?;
    details.set_item("nUnsent", write.unsent.len())?;
    // AutoReconnect keeps `details` as a plain attribute (also `errors`).
    let state = PymongoState {
        details: details.clone().into_any(),
        labels,
        ..PymongoState::new(py)
    };
    attrs.extend([
        (
            "in_doubt_indexes",
            PyList::new(py, &write.in_doubt)?.into_any(),
        ),
        ("in_doubt_ids", ids_to_py(py, &write.in_doubt_ids)?),
        ("unsent_indexes", PyList::new(py, &write.unsent)?.into_any()),
        ("unsent_ids", ids_to_py(py, &write.unsent_ids)?),
    ]);
    raise_mirrored(py, Mirrored::WriteInterrupted, message, state, &attrs)
}
