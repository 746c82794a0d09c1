//! BSON ⇄ Apache Arrow codec for data-bridge: no Python, no I/O.
//!
//! * [`decode_documents`] turns raw BSON documents (the driver's raw batch slices, or
//!   [`split_documents`] over concatenated bytes) into Arrow record batches, one per chunk,
//!   decoded in parallel with rayon. Fields outside the schema are skipped without being
//!   decoded; a missing field is null; nested paths (`address.city`, lists of structs) resolve.
//! * [`infer_schema`] derives a schema from a sample (see the rules below).
//! * [`encode_batch`] is the inverse: a record batch back to BSON documents, in parallel, into one
//!   contiguous buffer.
//! * [`schema_from_spec`] builds a schema from MongoDB `$type` aliases.
//!
//! # Type mapping
//!
//! Every BSON type has a column type; nothing is dropped. Extension names go into the field
//! metadata under `ARROW:extension:name` (constants in [`extension`]), parameters under
//! `ARROW:extension:metadata`. `$type` alias is what [`SpecType::Alias`] accepts and what errors
//! and conflict reports print.
//!
//! | BSON type | `$type` alias | Arrow storage type | extension name |
//! |---|---|---|---|
//! | double | `double` | `Float64` | – |
//! | string | `string` | `Utf8` | – |
//! | document | `object` | `Struct` (fields by name); alone in a spec: raw BSON (`any`) | – |
//! | array | `array` | `List<item>`; alone in a spec: `List<any>` | – |
//! | binary, subtype 0 | `binData` | `Binary` | – |
//! | binary, other subtype *n* | – | `Binary` (payload; subtype 2's inner length removed) | `data_bridge.binary`, metadata `{"subtype":n}` |
//! | binary subtype 4, 16 bytes | `uuid` | `FixedSizeBinary(16)` | `arrow.uuid` (canonical) |
//! | undefined | `undefined` | `Boolean` (`true`) | `data_bridge.undefined` |
//! | ObjectId | `objectId` | `FixedSizeBinary(12)` | `data_bridge.objectid` |
//! | boolean | `bool` | `Boolean` | – |
//! | UTC datetime | `date` | `Timestamp(ms, "UTC")` | – |
//! | null | `null` | `Null` (a null in any column) | – |
//! | regex | `regex` | `Struct{pattern: Utf8, options: Utf8}` | `data_bridge.regex` |
//! | DBPointer | `dbPointer` | `Struct{namespace: Utf8, id: FixedSizeBinary(12)}` | `data_bridge.dbpointer` |
//! | JavaScript | `javaScript` | `Utf8` | `data_bridge.javascript` |
//! | symbol | `symbol` | `Utf8` | `data_bridge.symbol` |
//! | JavaScript with scope | `javaScriptWithScope` | `Struct{code: Utf8, scope: Binary}` (scope = raw BSON document) | `data_bridge.javascript_with_scope` |
//! | int32 | `int` | `Int32` | – |
//! | timestamp | `timestamp` | `Struct{time: UInt32, increment: UInt32}` | `data_bridge.timestamp` |
//! | int64 | `long` | `Int64` | – |
//! | decimal128 | `decimal` | `FixedSizeBinary(16)` (the BSON bytes: exact, any precision) | `data_bridge.decimal128` |
//! | MinKey | `minKey` | `Boolean` (`true`) | `data_bridge.minkey` |
//! | MaxKey | `maxKey` | `Boolean` (`true`) | `data_bridge.maxkey` |
//! | any (fallback) | `any` | `Binary`, each value the BSON document `{"v": value}` | `data_bridge.bson` |
//!
//! Decoding also widens exactly: an `int` into an `Int64` column, an `int` or a `long` of
//! magnitude ≤ 2^53 into a `Float64` column. Any other type difference is a
//! [`CodecError::TypeMismatch`] (row, path, expected, found) or, with [`OnMismatch::Null`], a
//! counted null. Encoding additionally accepts Arrow `Int8/16`, `UInt8/16` (→ int32), `UInt32`,
//! `UInt64` ≤ `i64::MAX` (→ int64), `Float32` (→ double), `LargeUtf8`/`Utf8View` (→ string),
//! `LargeBinary`/`BinaryView`/other fixed widths (→ binary), timestamps of any unit (→ datetime,
//! finer units floored to ms), `Date32`/`Date64`, `LargeList` and `FixedSizeList` (→ array).
//!
//! # Schema inference
//!
//! All fields are nullable; struct fields are listed in order of first appearance in the
//! sample. Numbers promote int32 → int64 → double (to double only if every int64 seen is exact
//! as a double). A path holding incompatible types (say string and int, or document and array)
//! becomes an `any` column — every value kept as raw BSON — and is reported as a
//! [`TypeConflict`] (path, types seen with counts). A path that only held nulls (or empty arrays'
//! elements) is `Null`. Values are never nulled because their type was a surprise.
//!
//! # Round trips and their normalisation
//!
//! `encode_batch(decode_documents(docs))` gives back the documents exactly, except:
//! fields come out in schema order (inferred: first appearance); numbers promoted by inference
//! come back as the promoted type; an explicit BSON null and a missing field are both Arrow null,
//! so encoding writes both as null (`keep_nulls`) or omits both (default) — nulls inside arrays
//! are always written; old-binary (subtype 2) payloads are re-framed canonically.
//!
//! # Threads
//!
//! Parallel work (decode chunks, inference partials, encode ranges) runs on the codec's own rayon
//! pool, one thread per core, built per process: a child forked after the parent decoded builds
//! a fresh pool instead of waiting on threads that do not exist there. Calls made from inside a
//! rayon pool of the caller's run on that pool.
//!
//! # Limits
//!
//! Documents and schemas may nest [`MAX_NESTING_DEPTH`] levels; deeper input is an error, never
//! unbounded recursion. Malformed input (truncated, bad lengths, unknown types, invalid UTF-8,
//! booleans other than 0/1) is an error, never a panic. A chunk's string data must fit Arrow's
//! 32-bit offsets (2 GiB): lower `chunk_rows` if [`CodecError::CapacityExceeded`] appears.

mod columns;
mod decode;
mod encode;
mod error;
pub mod extension;
mod infer;
mod pool;
mod raw;
mod spec;
mod types;
mod varbuf;

pub use decode::{decode_documents, split_documents, DecodeOptions, Decoded, OnMismatch};
pub use encode::{encode_batch, EncodeOptions, EncodedDocuments};
pub use error::CodecError;
pub use infer::{infer_schema, InferOptions, InferredSchema, TypeConflict};
pub use spec::{schema_from_spec, Presence, SpecType};

/// Deepest nesting of documents and arrays the codec accepts (MongoDB's own limit is 100).
pub const MAX_NESTING_DEPTH: usize = 100;

/// Checks one document completely — lengths, terminators, element types, UTF-8 of keys and
/// strings, booleans, nesting within [`MAX_NESTING_DEPTH`] — without building anything.
/// Callers that turn raw bytes into other values (Python dicts) run it first, so bad bytes
/// from the wire become an error naming `row` and the field path, never a crash.
///
/// ```
/// let err = data_bridge_arrow::validate_document(&[5, 0, 0, 0, 1], 3).unwrap_err();
/// assert_eq!(err.row(), Some(3));
/// ```
pub fn validate_document(bytes: &[u8], row: usize) -> Result<(), CodecError> {
    raw::validate_document(bytes, MAX_NESTING_DEPTH).map_err(|e| e.at_row(row))
}

/// Walks every element of every document with bson's raw iterator and builds nothing: the bound
/// decoding is measured against in the benchmarks. Returns the number of elements seen.
#[doc(hidden)]
pub fn raw_iterate_bound(docs: &[&bson::RawDocument]) -> Result<usize, CodecError> {
    fn value(v: bson::RawBsonRef<'_>) -> Result<usize, CodecError> {
        Ok(match v {
            bson::RawBsonRef::Document(d) => walk(d)?,
            bson::RawBsonRef::Array(a) => {
                let mut n = 0;
                for item in a {
                    n += 1 + value(item.map_err(|e| CodecError::invalid(e.to_string()))?)?;
                }
                n
            }
            _ => 0,
        })
    }
    fn walk(doc: &bson::RawDocument) -> Result<usize, CodecError> {
        let mut n = 0;
        for element in doc {
            let (_, v) = element.map_err(|e| CodecError::invalid(e.to_string()))?;
            n += 1 + value(v)?;
        }
        Ok(n)
    }
    docs.iter().map(|d| walk(d)).sum()
}
