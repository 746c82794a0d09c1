//! Property: arbitrary documents → infer → decode → encode give back the input, up to the
//! normalisation the crate docs list (modelled independently below from the inferred schema).
// Test and benchmark code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields};
use bson::oid::ObjectId;
use bson::spec::BinarySubtype;
use bson::{
    Binary, Bson, DateTime, Decimal128, Document, JavaScriptCodeWithScope, Regex, Timestamp,
};
use data_bridge_arrow::{
    decode_documents, encode_batch, extension, infer_schema, DecodeOptions, EncodeOptions,
    InferOptions,
};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Bson> {
    let text = "[a-zé😀 ]{0,6}";
    prop_oneof![
        (-1e6f64..1e6).prop_map(Bson::Double),
        text.prop_map(Bson::String),
        any::<i32>().prop_map(Bson::Int32),
        any::<i64>().prop_map(Bson::Int64),
        (-1i64 << 53..1i64 << 53).prop_map(Bson::Int64),
        any::<bool>().prop_map(Bson::Boolean),
        Just(Bson::Null),
        any::<[u8; 12]>().prop_map(|b| Bson::ObjectId(ObjectId::from_bytes(b))),
        any::<i64>().prop_map(|ms| Bson::DateTime(DateTime::from_millis(ms))),
        (
            prop::sample::select(vec![0u8, 1, 3, 5, 0x80]),
            prop::collection::vec(any::<u8>(), 0..8)
        )
            .prop_map(|(s, bytes)| Bson::Binary(Binary {
                subtype: BinarySubtype::from(s),
                bytes
            })),
        any::<[u8; 16]>().prop_map(|b| Bson::Binary(Binary {
            subtype: BinarySubtype::Uuid,
            bytes: b.to_vec()
        })),
        any::<[u8; 16]>().prop_map(|b| Bson::Decimal128(Decimal128::from_bytes(b))),
        (
            "[a-z.*]{0,5}",
            prop::sample::subsequence(vec!['i', 'm', 's', 'x'], 0..4)
        )
            .prop_map(|(p, o)| Bson::RegularExpression(Regex {
                pattern: p.as_str().try_into().unwrap(),
                options: o
                    .into_iter()
                    .collect::<String>()
                    .as_str()
                    .try_into()
                    .unwrap(),
            })),
        text.prop_map(Bson::JavaScriptCode),
        text.prop_map(Bson::Symbol),
        (text, any::<i32>()).prop_map(|(code, x)| Bson::JavaScriptCodeWithScope(
            JavaScriptCodeWithScope {
                code,
                scope: bson::doc! { "x": x }
            }
        )),
        (any::<u32>(), any::<u32>())
            .prop_map(|(time, increment)| Bson::Timestamp(Timestamp { time, increment })),
        Just(Bson::MinKey),
        Just(Bson::MaxKey),
        Just(Bson::Undefined),
        Just(Bson::DbPointer(common::dbpointer())),
    ]
}

fn value() -> impl Strategy<Value = Bson> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Bson::Array),
            document(inner).prop_map(Bson::Document),
        ]
    })
}

fn document(values: impl Strategy<Value = Bson>) -> impl Strategy<Value = Document> {
    prop::collection::vec(
        (prop::sample::select(vec!["a", "b", "c", "d", "é"]), values),
        0..5,
    )
    .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn extension_name(field: &Field) -> Option<&str> {
    field
        .metadata()
        .get(extension::NAME_KEY)
        .map(String::as_str)
}

/// What encoding writes for `value` under `field` (`None`: nothing).
fn expect_value(
    value: Option<&Bson>,
    field: &Field,
    keep_nulls: bool,
    in_list: bool,
) -> Option<Bson> {
    let null = || (keep_nulls || in_list).then_some(Bson::Null);
    let Some(value) = value.filter(|v| **v != Bson::Null) else {
        return null();
    };
    if extension_name(field) == Some(extension::BSON) {
        return Some(value.clone());
    }
    Some(match (field.data_type(), value) {
        (DataType::Int64, Bson::Int32(i)) => Bson::Int64(i64::from(*i)),
        (DataType::Float64, Bson::Int32(i)) => Bson::Double(f64::from(*i)),
        (DataType::Float64, Bson::Int64(i)) => Bson::Double(*i as f64),
        (DataType::Struct(fields), Bson::Document(d)) if extension_name(field).is_none() => {
            Bson::Document(expect_document(d, fields, keep_nulls))
        }
        (DataType::List(item), Bson::Array(items)) => Bson::Array(
            items
                .iter()
                .filter_map(|v| expect_value(Some(v), item, keep_nulls, true))
                .collect(),
        ),
        _ => value.clone(),
    })
}

fn expect_document(doc: &Document, fields: &Fields, keep_nulls: bool) -> Document {
    fields
        .iter()
        .filter_map(|f| {
            Some((
                f.name().clone(),
                expect_value(doc.get(f.name()), f, keep_nulls, false)?,
            ))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn infer_decode_encode_round_trips(docs in prop::collection::vec(document(value()), 1..12), keep_nulls: bool, chunk_rows in 1usize..5) {
        let raws = common::raw(&docs);
        let refs: Vec<_> = raws.iter().map(|d| d.as_ref()).collect();
        let inferred = infer_schema(&refs, &InferOptions::default()).unwrap();
        let opts = DecodeOptions { chunk_rows, ..DecodeOptions::default() };
        let decoded = decode_documents(&refs, &inferred.schema, &opts).unwrap();
        prop_assert_eq!(decoded.nulled, 0);
        let mut out = Vec::new();
        for batch in &decoded.batches {
            let encoded = encode_batch(batch, &EncodeOptions { keep_nulls }).unwrap();
            for i in 0..encoded.len() {
                out.push(Document::from_reader(encoded.document(i).unwrap()).unwrap());
            }
        }
        let fields = Fields::from(inferred.schema.fields().iter().map(Arc::clone).collect::<Vec<_>>());
        let expected: Vec<Document> = docs.iter().map(|d| expect_document(d, &fields, keep_nulls)).collect();
        prop_assert_eq!(out, expected);
    }

    /// Arbitrary bytes never panic any entry point.
    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(docs) = data_bridge_arrow::split_documents(&bytes) {
            if let Ok(inferred) = infer_schema(&docs, &InferOptions::default()) {
                let _ = decode_documents(&docs, &inferred.schema, &DecodeOptions::default());
            }
        }
    }
}
