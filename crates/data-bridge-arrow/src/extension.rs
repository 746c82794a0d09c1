//! Extension type names written into Arrow field metadata (`ARROW:extension:name`).
//!
//! Consumers that do not know an extension still see the storage type; the name tells a BSON
//! aware consumer (our encoder, a user) how to read it back.

/// Field-metadata key holding the extension name (Arrow's canonical key).
pub const NAME_KEY: &str = "ARROW:extension:name";
/// Field-metadata key holding the extension's parameters (Arrow's canonical key).
pub const METADATA_KEY: &str = "ARROW:extension:metadata";

/// ObjectId: `FixedSizeBinary(12)`, the 12 bytes as they appear in BSON.
pub const OBJECT_ID: &str = "data_bridge.objectid";
/// Binary data: `Binary`, metadata `{"subtype":N}` (absent means subtype 0).
pub const BINARY: &str = "data_bridge.binary";
/// UUID (binary subtype 4, 16 bytes): Arrow's canonical extension on `FixedSizeBinary(16)`.
pub const UUID: &str = "arrow.uuid";
/// Decimal128: `FixedSizeBinary(16)`, the IEEE 754-2008 BID bytes as in BSON (little endian).
pub const DECIMAL128: &str = "data_bridge.decimal128";
/// Regular expression: `Struct{pattern: Utf8, options: Utf8}`.
pub const REGEX: &str = "data_bridge.regex";
/// JavaScript code: `Utf8`.
pub const JAVASCRIPT: &str = "data_bridge.javascript";
/// JavaScript code with scope: `Struct{code: Utf8, scope: Binary}`, scope as a raw BSON document.
pub const JAVASCRIPT_WITH_SCOPE: &str = "data_bridge.javascript_with_scope";
/// Symbol (deprecated BSON type): `Utf8`.
pub const SYMBOL: &str = "data_bridge.symbol";
/// BSON timestamp (replication clock): `Struct{time: UInt32, increment: UInt32}`.
pub const TIMESTAMP: &str = "data_bridge.timestamp";
/// MinKey: `Boolean`, `true` where the value is MinKey.
pub const MIN_KEY: &str = "data_bridge.minkey";
/// MaxKey: `Boolean`, `true` where the value is MaxKey.
pub const MAX_KEY: &str = "data_bridge.maxkey";
/// Undefined (deprecated BSON type): `Boolean`, `true` where the value is undefined.
pub const UNDEFINED: &str = "data_bridge.undefined";
/// DBPointer (deprecated BSON type): `Struct{namespace: Utf8, id: FixedSizeBinary(12)}`.
pub const DB_POINTER: &str = "data_bridge.dbpointer";
/// Lossless fallback: `Binary`, each value a BSON document `{"v": <the original value>}`.
/// Inference uses it where a path holds incompatible types.
pub const BSON: &str = "data_bridge.bson";
/// The fields of the enclosing document that no other column of its struct holds, as one raw
/// BSON document stored like [`BSON`] (`{"v": {...}}`), null when there are none. Decode only:
/// the ODM reads an `extra="allow"` model's unknown keys through it.
pub const REST: &str = "data_bridge.rest";
