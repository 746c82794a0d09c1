//! The engine's one error type.

use bson::RawDocumentBuf;
use data_bridge_arrow::CodecError;

use crate::bulk::{BulkWriteFailure, InterruptedWrite};

/// Everything an engine call can fail with. The bindings map each variant to one Python
/// exception class; driver errors keep their kind, server code, labels and raw reply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The MongoDB driver reported a failure: network, server selection, authentication, a
    /// command answered with `ok: 0`, a write error or a write concern error.
    #[error(transparent)]
    Driver(#[from] mongodb::error::Error),

    /// Decoding BSON into Arrow or encoding Arrow into BSON failed.
    #[error(transparent)]
    Codec(#[from] CodecError),

    /// A stream whose schema was inferred from its first batch met a later document that does
    /// not fit it.
    #[error(
        "{0}; the schema was inferred from the first batch of the stream: pass schema= (or \
         on_mismatch=\"null\") to read documents whose types vary"
    )]
    InferredSchemaMismatch(CodecError),

    /// A stream whose schema was inferred from its first batch met a later document with a
    /// field that schema does not have (decoding would drop it).
    #[error(
        "field '{path}' at row {row} is not in the schema inferred from the first batch of the \
         stream: pass schema= to read fields that first appear in later documents"
    )]
    FieldNotInInferredSchema {
        /// Row of the document, counted from the start of the stream.
        row: usize,
        /// Dotted path of the field (`address.zip`, `items[1].qty`).
        path: String,
    },

    /// An argument was rejected before anything was sent: a bad database or collection name,
    /// an option out of range, an empty list of documents.
    #[error("{0}")]
    InvalidInput(String),

    /// The client was closed with `close()` before this call.
    #[error("the client is closed: create a new Client")]
    ClientClosed,

    /// A client created in a parent process was used after `fork()` in the child, where its
    /// connection pool and runtime threads do not exist.
    #[error(
        "this Client was created in process {created} and cannot be used after fork() (this \
         is process {current}): create a new Client in the child process"
    )]
    UsedAfterFork {
        /// Process that created the client.
        created: u32,
        /// Process that tried to use it.
        current: u32,
    },

    /// A single write (insert_one, update, replace, delete) failed; the server's entry is kept
    /// whole (`keyPattern`, `keyValue`, `errInfo`).
    #[error("{} (code {})", .0.message, .0.code)]
    Write(Box<crate::bulk::IndexedWriteError>),

    /// A write was applied but its write concern was not satisfied (the server's
    /// `writeConcernError` document).
    #[error("write concern error: {0}")]
    WriteConcern(Box<bson::Document>),

    /// Some writes of a bulk write failed; the counts say what happened to the others.
    #[error("{}", .0.summary())]
    BulkWrite(Box<BulkWriteFailure>),

    /// The connection was lost (or the server could no longer be selected) partway through a
    /// bulk write or insert_many, after something was acknowledged or sent: `write` says what
    /// the server acknowledged, what it got without replying, and what was never sent.
    #[error("{}: {source}", .write.summary())]
    Interrupted {
        /// Acknowledged, in-doubt and unsent requests.
        write: Box<InterruptedWrite>,
        /// The driver's error for the command that got no reply.
        source: mongodb::error::Error,
    },

    /// The server answered with something the engine could not interpret.
    #[error("unexpected reply from the server: {0}")]
    Protocol(String),

    /// The async runtime could not be started, or a background task died.
    #[error("async runtime: {0}")]
    Runtime(String),
}

impl EngineError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput(message.into())
    }

    /// The raw server reply attached to a driver error, if any (it carries fields the driver's
    /// error types drop, such as `keyPattern` / `keyValue` of a duplicate key error).
    pub fn server_reply(&self) -> Option<&RawDocumentBuf> {
        match self {
            Self::Driver(e) => e.server_response(),
            _ => None,
        }
    }
}

impl From<bson::error::Error> for EngineError {
    fn from(e: bson::error::Error) -> Self {
        Self::Protocol(e.to_string())
    }
}

/// Engine result alias.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;
