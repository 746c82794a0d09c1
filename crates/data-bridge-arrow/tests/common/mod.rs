//! Helpers shared by the integration tests.
#![allow(dead_code)]

use bson::{doc, Bson, Document, RawDocumentBuf};
use data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema, DecodeOptions, EncodeOptions, InferOptions,
};

pub fn raw(docs: &[Document]) -> Vec<RawDocumentBuf> {
    docs.iter()
        .map(|d| RawDocumentBuf::try_from(d).unwrap())
        .collect()
}

/// infer → decode → encode, returning the re-decoded documents.
pub fn round_trip(docs: &[Document], opts: &DecodeOptions, keep_nulls: bool) -> Vec<Document> {
    let raws = raw(docs);
    let refs: Vec<_> = raws.iter().map(|d| d.as_ref()).collect();
    let inferred = infer_schema(&refs, &InferOptions::default()).unwrap();
    let decoded = decode_documents(&refs, &inferred.schema, opts).unwrap();
    let mut out = Vec::new();
    for batch in &decoded.batches {
        let encoded = encode_batch(batch, &EncodeOptions { keep_nulls }).unwrap();
        for i in 0..encoded.len() {
            let bytes = encoded.document(i).unwrap();
            out.push(Document::from_reader(bytes).unwrap());
        }
    }
    out
}

/// One document holding every BSON type.
pub fn every_type() -> Document {
    use bson::oid::ObjectId;
    use bson::spec::BinarySubtype;
    use bson::{Binary, DateTime, Decimal128, JavaScriptCodeWithScope, Regex, Timestamp};
    doc! {
        "double": 1.5,
        "string": "héllo",
        "document": { "a": 1, "b": { "c": "deep" } },
        "array": [1, 2, 3],
        "binary": Binary { subtype: BinarySubtype::Generic, bytes: vec![1, 2, 3] },
        "binary_user": Binary { subtype: BinarySubtype::UserDefined(0x80), bytes: vec![9] },
        "binary_old": Binary { subtype: BinarySubtype::BinaryOld, bytes: vec![7, 7] },
        "uuid": Binary { subtype: BinarySubtype::Uuid, bytes: (0u8..16).collect() },
        "undefined": Bson::Undefined,
        "oid": ObjectId::from_bytes([7; 12]),
        "bool": true,
        "date": DateTime::from_millis(1_700_000_000_123),
        "null_value": Bson::Null,
        "regex": Regex { pattern: "^a.*".try_into().unwrap(), options: "im".try_into().unwrap() },
        "dbpointer": Bson::DbPointer(dbpointer()),
        "code": Bson::JavaScriptCode("function() {}".into()),
        "symbol": Bson::Symbol("sym".into()),
        "code_scope": JavaScriptCodeWithScope { code: "x + y".into(), scope: doc! { "x": 1 } },
        "int32": 42_i32,
        "timestamp": Timestamp { time: 1_700_000_000, increment: 7 },
        "int64": 1_i64 << 40,
        "decimal": "12.345".parse::<Decimal128>().unwrap(),
        "min": Bson::MinKey,
        "max": Bson::MaxKey,
        "list_of_docs": [{ "x": 1 }, { "x": 2, "y": "z" }],
    }
}

/// bson 3 has no public DbPointer constructor: read one from bytes.
pub fn dbpointer() -> bson::DbPointer {
    let mut bytes = Vec::new();
    let body_len: i32 = 1 + 2 + 4 + 6 + 12;
    bytes.extend_from_slice(&(4 + body_len + 1).to_le_bytes());
    bytes.push(0x0C);
    bytes.extend_from_slice(b"p\0");
    bytes.extend_from_slice(&6i32.to_le_bytes());
    bytes.extend_from_slice(b"db.co\0");
    bytes.extend_from_slice(&[3u8; 12]);
    bytes.push(0);
    match Document::from_reader(&bytes[..]).unwrap().remove("p") {
        Some(Bson::DbPointer(p)) => p,
        other => panic!("not a dbpointer: {other:?}"),
    }
}

/// A document's BSON bytes.
pub fn to_bytes(doc: &Document) -> Vec<u8> {
    RawDocumentBuf::try_from(doc).unwrap().into_bytes()
}
