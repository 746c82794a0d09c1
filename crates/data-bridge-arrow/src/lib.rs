//! BSON ⇄ Apache Arrow codec for data-bridge.
//!
//! (type table to follow)

mod columns;
mod decode;
mod encode;
mod error;
pub mod extension;
mod infer;
mod raw;
mod spec;
mod types;

pub use decode::{decode_documents, split_documents, DecodeOptions, Decoded, OnMismatch};
pub use encode::{encode_batch, EncodeOptions, EncodedDocuments};
pub use error::CodecError;
pub use infer::{infer_schema, InferOptions, InferredSchema, TypeConflict};
pub use spec::{schema_from_spec, SpecType};

/// Deepest nesting of documents and arrays the codec accepts (MongoDB's own limit is 100).
pub const MAX_NESTING_DEPTH: usize = 100;
