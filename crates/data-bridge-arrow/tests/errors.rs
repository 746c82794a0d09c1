//! Bad input is an error naming row, path, expected and found type — never a panic.
// Test and benchmark code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bson::{doc, rawdoc, Bson, Document, RawDocument};
use common::raw;
use data_bridge_arrow::{
    decode_documents, infer_schema, schema_from_spec, split_documents, CodecError, DecodeOptions,
    InferOptions, OnMismatch, SpecType, MAX_NESTING_DEPTH,
};

fn alias(a: &str) -> SpecType {
    SpecType::Alias(a.into())
}

fn decode(
    docs: &[Document],
    spec: &[(String, SpecType)],
    opts: &DecodeOptions,
) -> Result<data_bridge_arrow::Decoded, CodecError> {
    let raws = raw(docs);
    let refs: Vec<&RawDocument> = raws.iter().map(|d| d.as_ref()).collect();
    decode_documents(&refs, &schema_from_spec(spec).unwrap(), opts)
}

#[test]
fn wrong_type_names_row_path_expected_and_found() {
    let docs = vec![
        doc! { "address": { "city": "Oslo" } },
        doc! { "address": { "city": "Rome" } },
        doc! { "address": { "city": 12 } },
    ];
    let spec = vec![(
        "address".into(),
        SpecType::Struct(vec![("city".into(), alias("string"))]),
    )];
    let opts = DecodeOptions {
        chunk_rows: 2,
        ..DecodeOptions::default()
    };
    match decode(&docs, &spec, &opts) {
        Err(CodecError::TypeMismatch {
            row,
            path,
            expected,
            found,
        }) => {
            assert_eq!(
                (row, path.as_str(), expected.as_str(), found.as_str()),
                (2, "address.city", "string", "int")
            );
        }
        other => panic!("expected a type mismatch, got {other:?}"),
    }
}

#[test]
fn wrong_type_in_a_list_names_the_element() {
    let docs = vec![doc! { "tags": ["a", "b", 3] }];
    let spec = vec![("tags".into(), SpecType::List(Box::new(alias("string"))))];
    let err = decode(&docs, &spec, &DecodeOptions::default()).unwrap_err();
    assert_eq!(err.path(), Some("tags[2]"));
    assert_eq!(err.row(), Some(0));
    assert_eq!(err.with_row_offset(100).row(), Some(100));
}

#[test]
fn on_mismatch_null_counts_what_it_nulled() {
    let docs = vec![
        doc! { "a": "x", "b": 1 },
        doc! { "a": 1, "b": "y" },
        doc! { "a": "z" },
    ];
    let spec = vec![("a".into(), alias("string")), ("b".into(), alias("int"))];
    let opts = DecodeOptions {
        on_mismatch: OnMismatch::Null,
        parallel: false,
        ..DecodeOptions::default()
    };
    let decoded = decode(&docs, &spec, &opts).unwrap();
    assert_eq!(decoded.nulled, 2);
    let batch = &decoded.batches[0];
    assert_eq!(batch.column(0).null_count(), 1);
    assert_eq!(batch.column(1).null_count(), 2);
}

#[test]
fn exact_widening_is_allowed_and_inexact_is_a_mismatch() {
    let docs = vec![
        doc! { "x": 1_i32, "y": 3_i64 },
        doc! { "x": (1_i64 << 53) + 1, "y": 4_i32 },
    ];
    let spec = vec![("x".into(), alias("double")), ("y".into(), alias("long"))];
    let err = decode(&docs, &spec, &DecodeOptions::default()).unwrap_err();
    assert!(
        matches!(err, CodecError::TypeMismatch { row: 1, ref path, .. } if path == "x"),
        "{err}"
    );
    let ok = decode(&docs[..1], &spec, &DecodeOptions::default()).unwrap();
    assert_eq!(ok.num_rows(), 1);
}

#[test]
fn duplicate_schema_field_in_a_document_is_an_error() {
    let mut bytes = Vec::new();
    let body: &[u8] = b"\x10a\x00\x01\x00\x00\x00\x10a\x00\x02\x00\x00\x00";
    bytes.extend_from_slice(&((body.len() + 5) as i32).to_le_bytes());
    bytes.extend_from_slice(body);
    bytes.push(0);
    let doc = RawDocument::from_bytes(&bytes).unwrap();
    let schema = schema_from_spec(&[("a".into(), alias("int"))]).unwrap();
    let err = decode_documents(&[doc], &schema, &DecodeOptions::default()).unwrap_err();
    assert!(
        matches!(err, CodecError::DuplicateField { row: 0, ref path } if path == "a"),
        "{err}"
    );
    // Inference refuses it too, rather than infer a schema the documents cannot be decoded with
    // (found by the `infer` fuzz target).
    let err = infer_schema(&[doc], &InferOptions::default()).unwrap_err();
    assert!(
        matches!(err, CodecError::DuplicateField { row: 0, ref path } if path == "a"),
        "{err}"
    );
}

#[test]
fn truncated_and_mis_sized_input_is_rejected() {
    let good = common::to_bytes(&doc! { "a": "hello", "b": 1 });
    for cut in 1..good.len() {
        assert!(split_documents(&good[..cut]).is_err(), "cut at {cut}");
    }
    let mut two = good.clone();
    two.extend_from_slice(&good);
    assert_eq!(split_documents(&two).unwrap().len(), 2);
    let err = split_documents(&two[..two.len() - 1]).unwrap_err();
    assert_eq!(err.row(), Some(1));
    // A string whose length prefix points past the document.
    let mut bad = good.clone();
    let at = 4 + 1 + 2; // type, "a\0"
    bad[at..at + 4].copy_from_slice(&100i32.to_le_bytes());
    let docs = split_documents(&bad).unwrap();
    let schema = schema_from_spec(&[("a".into(), alias("string"))]).unwrap();
    assert!(matches!(
        decode_documents(&docs, &schema, &DecodeOptions::default()),
        Err(CodecError::InvalidBson { row: Some(0), .. })
    ));
    assert!(infer_schema(&docs, &InferOptions::default()).is_err());
}

#[test]
fn invalid_utf8_is_reported_with_row_and_path() {
    let mut docs: Vec<Vec<u8>> = (0..3)
        .map(|i| common::to_bytes(&doc! { "s": format!("ok{i}") }))
        .collect();
    let at = docs[2].len() - 3; // inside the string's bytes
    docs[2][at] = 0xFF;
    let refs: Vec<&RawDocument> = docs
        .iter()
        .map(|d| RawDocument::from_bytes(d).unwrap())
        .collect();
    let schema = schema_from_spec(&[("s".into(), alias("string"))]).unwrap();
    match decode_documents(&refs, &schema, &DecodeOptions::default()) {
        Err(CodecError::InvalidBson {
            row: Some(2),
            path,
            reason,
        }) => {
            assert_eq!(path, "s");
            assert!(reason.contains("UTF-8"), "{reason}");
        }
        other => panic!("expected invalid UTF-8, got {other:?}"),
    }
}

#[test]
fn unknown_element_type_and_bad_boolean_are_rejected() {
    let mut bytes = common::to_bytes(&doc! { "b": true });
    bytes[4 + 1 + 2] = 2; // the boolean byte
    let doc = RawDocument::from_bytes(&bytes).unwrap();
    let schema = schema_from_spec(&[("b".into(), alias("bool"))]).unwrap();
    assert!(decode_documents(&[doc], &schema, &DecodeOptions::default()).is_err());
    bytes[4] = 0x42; // unknown element type
    let doc = RawDocument::from_bytes(&bytes).unwrap();
    assert!(matches!(
        decode_documents(&[doc], &schema, &DecodeOptions::default()),
        Err(CodecError::InvalidBson { .. })
    ));
}

fn nested(depth: usize) -> Document {
    let mut doc = doc! { "leaf": 1 };
    for _ in 0..depth {
        doc = doc! { "d": doc };
    }
    doc
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_stack_overflow() {
    let deep = raw(&[nested(MAX_NESTING_DEPTH + 5)]);
    let refs: Vec<&RawDocument> = deep.iter().map(|d| d.as_ref()).collect();
    assert!(matches!(
        infer_schema(&refs, &InferOptions::default()),
        Err(CodecError::NestingTooDeep { row: Some(0), .. })
    ));
    // Kept whole in an `any` column, the value is still validated within the limit.
    let schema = schema_from_spec(&[("d".into(), alias("any"))]).unwrap();
    assert!(matches!(
        decode_documents(&refs, &schema, &DecodeOptions::default()),
        Err(CodecError::NestingTooDeep { row: Some(0), .. })
    ));
    let shallow = raw(&[nested(MAX_NESTING_DEPTH - 2)]);
    let refs: Vec<&RawDocument> = shallow.iter().map(|d| d.as_ref()).collect();
    let inferred = infer_schema(&refs, &InferOptions::default()).unwrap();
    assert_eq!(
        decode_documents(&refs, &inferred.schema, &DecodeOptions::default())
            .unwrap()
            .num_rows(),
        1
    );
    // A spec nested too deep is refused too.
    let mut spec = alias("int");
    for _ in 0..MAX_NESTING_DEPTH + 1 {
        spec = SpecType::Struct(vec![("d".into(), spec)]);
    }
    assert!(schema_from_spec(&[("d".into(), spec)]).is_err());
}

#[test]
fn bad_specs_are_schema_errors() {
    assert!(
        matches!(schema_from_spec(&[("a".into(), alias("strnig"))]), Err(CodecError::InvalidSchema { ref path, .. }) if path == "a")
    );
    assert!(schema_from_spec(&[("a".into(), alias("int")), ("a".into(), alias("int"))]).is_err());
}

#[test]
fn inference_reports_conflicts_and_never_nulls_surprises() {
    let docs = vec![
        doc! { "x": 1, "tags": ["a"], "addr": { "zip": "123" } },
        doc! { "x": "one", "tags": [1], "addr": { "zip": 456 } },
        doc! { "x": 2, "addr": Bson::Null },
    ];
    let raws = raw(&docs);
    let refs: Vec<&RawDocument> = raws.iter().map(|d| d.as_ref()).collect();
    let inferred = infer_schema(&refs, &InferOptions::default()).unwrap();
    let paths: Vec<_> = inferred.conflicts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["x", "tags[]", "addr.zip"]);
    assert_eq!(
        inferred.conflicts[0].types_seen,
        vec![("int".to_owned(), 2), ("string".to_owned(), 1)]
    );
    let decoded = decode_documents(&refs, &inferred.schema, &DecodeOptions::default()).unwrap();
    assert_eq!(decoded.nulled, 0);
    assert_eq!(decoded.batches[0].column(0).null_count(), 0);
    // A sample that sees only ints infers int64; a later string is then a mismatch, not a null.
    let sampled = infer_schema(
        &refs,
        &InferOptions {
            sample_size: Some(1),
        },
    )
    .unwrap();
    assert!(sampled.conflicts.is_empty());
    assert!(matches!(
        decode_documents(&refs, &sampled.schema, &DecodeOptions::default()),
        Err(CodecError::TypeMismatch { row: 1, .. })
    ));
}

#[test]
fn unknown_fields_are_not_decoded_but_checked() {
    // `junk` holds a sub-document whose inside is garbage: it is not in the schema, so it is not
    // decoded, but its bytes are validated all the same (issue 18: a result is either sound
    // throughout or an error).
    let mut bytes = common::to_bytes(&doc! { "junk": { "x": "yyyy" }, "keep": 7 });
    let inner_string_len_at = 4 + 1 + 5 + 4 + 1 + 2;
    bytes[inner_string_len_at..inner_string_len_at + 4].copy_from_slice(&(-9i32).to_le_bytes());
    let doc = RawDocument::from_bytes(&bytes).unwrap();
    let schema = schema_from_spec(&[("keep".into(), alias("int"))]).unwrap();
    match decode_documents(&[doc], &schema, &DecodeOptions::default()) {
        Err(CodecError::InvalidBson { row, path, .. }) => {
            assert_eq!((row, path.as_str()), (Some(0), "junk.x"));
        }
        other => panic!("expected invalid BSON in junk.x, got {other:?}"),
    }
    let _ = rawdoc! {};
}

#[test]
fn array_keys_must_be_utf8_for_inference_and_decoding_alike() {
    // {"t": [<int 1 under the key "\xff">]}: found by the `infer` fuzz target, where inference
    // accepted what the raw-BSON column then refused.
    let array = {
        let body = [&[0x10u8, 0xFF, 0][..], &1i32.to_le_bytes()].concat();
        [&((body.len() + 5) as i32).to_le_bytes()[..], &body, &[0]].concat()
    };
    let body = [&[0x04u8, b't', 0][..], &array].concat();
    let bytes = [&((body.len() + 5) as i32).to_le_bytes()[..], &body, &[0]].concat();
    let doc = RawDocument::from_bytes(&bytes).unwrap();
    assert!(infer_schema(&[doc], &InferOptions::default()).is_err());
    for spec in [SpecType::List(Box::new(alias("int"))), alias("any")] {
        let schema = schema_from_spec(&[("t".into(), spec)]).unwrap();
        let err = decode_documents(&[doc], &schema, &DecodeOptions::default()).unwrap_err();
        assert!(
            matches!(err, CodecError::InvalidBson { row: Some(0), .. }),
            "{err}"
        );
    }
}
