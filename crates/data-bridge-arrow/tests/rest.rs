//! The `rest` column: a struct's fields that no other column holds, as one raw BSON document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow_array::cast::AsArray;
use arrow_array::{Array, StructArray};
use bson::{doc, rawdoc, RawDocument, RawDocumentBuf};
use data_bridge_arrow::{decode_documents, schema_from_spec, CodecError, DecodeOptions, SpecType};

fn alias(name: &str) -> SpecType {
    SpecType::Alias(name.into())
}

/// The `v` of each cell of a rest column (None where null).
fn rest_values(array: &dyn Array) -> Vec<Option<bson::Document>> {
    let cells = array.as_binary::<i32>();
    (0..cells.len())
        .map(|i| {
            (!cells.is_null(i)).then(|| {
                let cell = RawDocument::from_bytes(cells.value(i)).expect("a BSON cell");
                let value = cell.get_document("v").expect("a document under v");
                bson::Document::try_from(value).expect("decodable")
            })
        })
        .collect()
}

#[test]
fn top_level_and_nested_rest_columns_hold_the_other_fields_in_order() -> Result<(), CodecError> {
    let docs: Vec<RawDocumentBuf> = vec![
        rawdoc! { "a": 1_i64, "x": "one", "inner": { "b": true, "y": [1, 2], "z": null }, "w": 2.5 },
        rawdoc! { "a": 2_i64, "inner": { "b": false } },
        rawdoc! { "x": { "deep": { "er": 1 } } },
    ];
    let refs: Vec<&RawDocument> = docs.iter().map(|d| d.as_ref()).collect();
    let schema = schema_from_spec(&[
        ("a".into(), alias("long")),
        (
            "inner".into(),
            SpecType::Struct(vec![
                ("b".into(), alias("bool")),
                ("more".into(), alias("rest")),
            ]),
        ),
        ("extra".into(), alias("rest")),
    ])?;
    let one_batch = DecodeOptions {
        parallel: false,
        ..DecodeOptions::default()
    };
    let decoded = decode_documents(&refs, &schema, &one_batch)?;
    let batch = &decoded.batches[0];
    assert_eq!(
        rest_values(batch.column(2).as_ref()),
        vec![
            Some(doc! { "x": "one", "w": 2.5 }),
            None,
            Some(doc! { "x": { "deep": { "er": 1 } } })
        ]
    );
    let inner: &StructArray = batch.column(1).as_struct();
    assert_eq!(
        rest_values(inner.column(1).as_ref()),
        vec![Some(doc! { "y": [1, 2], "z": null }), None, None]
    );
    Ok(())
}

#[test]
fn a_key_named_like_the_rest_column_is_a_rest_field() -> Result<(), CodecError> {
    let doc = rawdoc! { "extra": 7 };
    let schema = schema_from_spec(&[("extra".into(), alias("rest"))])?;
    let decoded = decode_documents(&[&*doc], &schema, &DecodeOptions::default())?;
    assert_eq!(
        rest_values(decoded.batches[0].column(0).as_ref()),
        vec![Some(doc! { "extra": 7 })]
    );
    Ok(())
}

#[test]
fn two_rest_columns_in_one_struct_are_refused() -> Result<(), CodecError> {
    let schema = schema_from_spec(&[("r1".into(), alias("rest")), ("r2".into(), alias("rest"))])?;
    let doc = rawdoc! { "a": 1 };
    let error = decode_documents(&[&*doc], &schema, &DecodeOptions::default())
        .expect_err("two rest columns");
    assert!(error.to_string().contains("one rest column"), "{error}");
    Ok(())
}

#[test]
fn a_malformed_rest_field_is_a_decode_error_naming_the_column() -> Result<(), CodecError> {
    // A string whose declared length runs past the document: only the rest column reads it.
    let mut bytes = rawdoc! { "a": 1_i64, "s": "abc" }.into_bytes();
    let at = bytes.len() - 9;
    bytes[at..at + 4].copy_from_slice(&100_i32.to_le_bytes());
    let schema = schema_from_spec(&[("a".into(), alias("long")), ("extra".into(), alias("rest"))])?;
    let doc = RawDocument::from_bytes(&bytes).expect("the frame itself is intact");
    let error = decode_documents(&[doc], &schema, &DecodeOptions::default())
        .expect_err("a truncated string");
    assert!(matches!(error, CodecError::InvalidBson { .. }), "{error:?}");
    assert!(error.to_string().contains("row 0"), "{error}");
    Ok(())
}

#[test]
fn a_rest_column_is_refused_by_the_encoder() -> Result<(), CodecError> {
    let doc = rawdoc! { "a": 1_i64, "b": "x" };
    let schema = schema_from_spec(&[("a".into(), alias("long")), ("extra".into(), alias("rest"))])?;
    let decoded = decode_documents(&[&*doc], &schema, &DecodeOptions::default())?;
    let error = data_bridge_arrow::encode_batch(&decoded.batches[0], &Default::default())
        .expect_err("rest columns are read-only");
    assert!(error.to_string().contains("read-only"), "{error}");
    Ok(())
}
