//! Issue 18: a schema read checks the bytes it skips, and presence rules turn a null or missing
//! value of a required field into a typed error instead of a silent null.
// Test code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow_schema::{DataType, Field, Schema};
use bson::RawDocument;
use data_bridge_arrow::{
    decode_documents, infer_schema, schema_from_spec, CodecError, DecodeOptions, InferOptions,
    Presence, SpecType,
};
use std::sync::Arc;

fn alias(a: &str) -> SpecType {
    SpecType::Alias(a.into())
}

fn element(kind: u8, key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(key);
    out.push(0);
    out.extend_from_slice(value);
    out
}

fn document(elements: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = elements.concat();
    let mut out = ((body.len() + 5) as i32).to_le_bytes().to_vec();
    out.extend_from_slice(&body);
    out.push(0);
    out
}

fn string(raw: &[u8]) -> Vec<u8> {
    let mut out = ((raw.len() + 1) as i32).to_le_bytes().to_vec();
    out.extend_from_slice(raw);
    out.push(0);
    out
}

fn nested(depth: usize) -> Vec<u8> {
    let mut inner = document(&[element(0x10, b"leaf", &1i32.to_le_bytes())]);
    for _ in 0..depth {
        inner = document(&[element(0x03, b"n", &inner)]);
    }
    inner
}

/// A document with a good `name` and a bad value in `extra`, a field outside the schema.
fn with_extra(extra: Vec<u8>) -> Vec<u8> {
    document(&[element(0x02, b"name", &string(b"ok")), extra])
}

fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let overrun = {
        let mut inner = 255i32.to_le_bytes().to_vec();
        inner.extend_from_slice(&element(0x10, b"a", &1i32.to_le_bytes()));
        inner.push(0);
        document(&[element(0x03, b"inner", &inner)])
    };
    vec![
        ("bad utf8", element(0x02, b"extra", &string(b"ab\xff\xfe"))),
        (
            "bad key",
            element(
                0x03,
                b"extra",
                &document(&[element(0x10, b"k\xff", &1i32.to_le_bytes())]),
            ),
        ),
        ("bool 7", element(0x08, b"extra", &[7])),
        ("nested overrun", element(0x03, b"extra", &overrun)),
        ("nesting 150", element(0x03, b"extra", &nested(150))),
        (
            "unknown type",
            element(
                0x03,
                b"extra",
                &document(&[element(0x42, b"w", &1i32.to_le_bytes())]),
            ),
        ),
    ]
    .into_iter()
    .map(|(name, extra)| (name, with_extra(extra)))
    .collect()
}

fn decode_bytes(docs: &[Vec<u8>], spec: &[(String, SpecType)]) -> Result<usize, CodecError> {
    let refs: Vec<&RawDocument> = docs
        .iter()
        .map(|d| RawDocument::from_bytes(d).unwrap())
        .collect();
    decode_documents(&refs, &schema_from_spec(spec)?, &DecodeOptions::default())
        .map(|d| d.num_rows())
}

fn decode_full(docs: &[Vec<u8>]) -> Result<usize, CodecError> {
    let refs: Vec<&RawDocument> = docs
        .iter()
        .map(|d| RawDocument::from_bytes(d).unwrap())
        .collect();
    let schema = infer_schema(&refs, &InferOptions { sample_size: None })?.schema;
    decode_documents(&refs, &schema, &DecodeOptions::default()).map(|d| d.num_rows())
}

#[test]
fn skipped_fields_are_validated() {
    let good = with_extra(element(0x10, b"extra", &1i32.to_le_bytes()));
    let spec = vec![("name".to_owned(), alias("string"))];
    assert_eq!(decode_bytes(std::slice::from_ref(&good), &spec).unwrap(), 1);
    for (name, bad) in hostile() {
        let docs = vec![good.clone(), bad];
        // Without a schema these bytes are refused ...
        assert!(decode_full(&docs).is_err(), "{name}: full read accepted it");
        // ... and with one (the field is skipped) too, naming the row and the field.
        for spec in [spec.clone(), Vec::new()] {
            match decode_bytes(&docs, &spec) {
                Err(
                    error @ (CodecError::InvalidBson { .. } | CodecError::NestingTooDeep { .. }),
                ) => {
                    assert_eq!(error.row(), Some(1), "{name}: {error}");
                    assert!(error.to_string().contains("extra"), "{name}: {error}");
                }
                other => panic!("{name}: expected invalid BSON, got {other:?}"),
            }
        }
    }
}

#[test]
fn skipped_nesting_has_the_same_limit_as_a_full_read() {
    for depth in 95..=102 {
        let docs = vec![with_extra(element(0x03, b"extra", &nested(depth)))];
        let narrow = decode_bytes(&docs, &[("name".to_owned(), alias("string"))]).is_ok();
        assert_eq!(narrow, decode_full(&docs).is_ok(), "depth {depth}");
    }
}

fn rule(spec: SpecType, presence: Presence) -> SpecType {
    SpecType::Rule(Box::new(spec), presence)
}

#[test]
fn presence_rules_refuse_null_or_missing() {
    let null = document(&[element(0x0A, b"age", &[])]);
    let missing = document(&[element(0x02, b"name", &string(b"b"))]);
    let value = document(&[element(0x10, b"age", &3i32.to_le_bytes())]);
    let cases = [
        (Presence::Required, true, true),
        (Presence::NotNull, true, false),
        (Presence::Present, false, true),
        (Presence::Any, false, false),
    ];
    for (presence, null_fails, missing_fails) in cases {
        let spec = vec![("age".to_owned(), rule(alias("long"), presence))];
        for (bad, fails, found) in [
            (&null, null_fails, "null"),
            (&missing, missing_fails, "missing"),
        ] {
            let docs = vec![value.clone(), bad.clone()];
            let result = decode_bytes(&docs, &spec);
            match result {
                Err(CodecError::TypeMismatch {
                    row: r,
                    path,
                    expected,
                    found: f,
                }) if fails => {
                    assert_eq!(
                        (r, path.as_str(), expected.as_str(), f.as_str()),
                        (1, "age", "long", found)
                    );
                }
                Ok(_) if !fails => {}
                other => panic!("{presence:?} {found}: {other:?}"),
            }
            // Earlier rows alone decode.
            assert!(decode_bytes(&docs[..1], &spec).is_ok());
        }
    }
}

#[test]
fn a_non_nullable_arrow_field_is_required() {
    let schema = Arc::new(Schema::new(vec![Field::new("age", DataType::Int64, false)]));
    let missing = document(&[element(0x02, b"name", &string(b"b"))]);
    let doc = RawDocument::from_bytes(&missing).unwrap();
    match decode_documents(&[doc], &schema, &DecodeOptions::default()) {
        Err(CodecError::TypeMismatch { path, found, .. }) => {
            assert_eq!((path.as_str(), found.as_str()), ("age", "missing"));
        }
        other => panic!("expected a missing value error, got {other:?}"),
    }
}

#[test]
fn a_rule_on_a_struct_field_and_in_metadata() {
    let spec = vec![(
        "addr".to_owned(),
        rule(
            SpecType::Struct(vec![(
                "city".into(),
                rule(alias("string"), Presence::Required),
            )]),
            Presence::Required,
        ),
    )];
    let schema = schema_from_spec(&spec).unwrap();
    let field = schema.field(0);
    assert_eq!(Presence::of(field), Presence::Required);
    let no_city = document(&[element(0x03, b"addr", &document(&[]))]);
    match decode_bytes(&[no_city], &spec) {
        Err(CodecError::TypeMismatch { path, found, .. }) => {
            assert_eq!((path.as_str(), found.as_str()), ("addr.city", "missing"));
        }
        other => panic!("{other:?}"),
    }
}
