//! Arbitrary bytes decoded with fixed schemas (every mapped type, nested lists of structs,
//! raw-BSON columns): any outcome but a panic, hang or overflow is fine.
#![no_main]

use data_bridge_arrow::{
    decode_documents, schema_from_spec, split_documents, DecodeOptions, OnMismatch, SpecType,
};
use libfuzzer_sys::fuzz_target;

fn alias(a: &str) -> SpecType {
    SpecType::Alias(a.to_owned())
}

fn spec() -> Vec<(String, SpecType)> {
    let every = [
        "double", "string", "binData", "objectId", "bool", "date", "null", "regex", "javaScript",
        "javaScriptWithScope", "symbol", "int", "timestamp", "long", "decimal", "minKey", "maxKey",
        "undefined", "dbPointer", "uuid", "any", "object", "array",
    ];
    let mut fields: Vec<(String, SpecType)> =
        every.iter().map(|a| ((*a).to_owned(), alias(a))).collect();
    // Single-letter names too, so that short fuzzed keys hit real columns.
    fields.push(("a".into(), SpecType::List(Box::new(SpecType::Struct(vec![
        ("b".into(), alias("string")),
        ("c".into(), SpecType::List(Box::new(alias("long")))),
    ])))));
    fields.push(("d".into(), SpecType::Struct(vec![("e".into(), alias("any")), ("f".into(), alias("double"))])));
    fields
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let Ok(schema) = schema_from_spec(&spec()) else { return };
    if let Ok(docs) = split_documents(bytes) {
        let opts = DecodeOptions {
            on_mismatch: if mode & 1 == 0 { OnMismatch::Error } else { OnMismatch::Null },
            chunk_rows: 1 + usize::from(mode >> 4),
            parallel: mode & 2 == 0,
        };
        let _ = decode_documents(&docs, &schema, &opts);
    }
});
