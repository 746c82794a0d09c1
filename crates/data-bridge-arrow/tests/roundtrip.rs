//! Round trips through infer → decode → encode, and the normalisation the crate docs promise.
// Test and benchmark code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bson::{doc, Bson, Document};
use common::{every_type, raw, round_trip};
use data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema, DecodeOptions, EncodeOptions, InferOptions,
};

#[test]
fn every_bson_type_round_trips_exactly() {
    let mut input = every_type();
    input.remove("null_value");
    let out = round_trip(
        std::slice::from_ref(&input),
        &DecodeOptions::default(),
        false,
    );
    assert_eq!(out, vec![input]);
}

#[test]
fn explicit_null_is_kept_only_with_keep_nulls() {
    let input = vec![doc! { "a": 1, "b": Bson::Null }, doc! { "a": 2, "b": "x" }];
    let omitted = round_trip(&input, &DecodeOptions::default(), false);
    assert_eq!(omitted, vec![doc! { "a": 1 }, doc! { "a": 2, "b": "x" }]);
    let kept = round_trip(&input, &DecodeOptions::default(), true);
    assert_eq!(kept, input);
}

#[test]
fn missing_fields_in_lists_of_structs_become_null_or_absent() {
    let input = vec![doc! { "items": [{ "x": 1 }, { "x": 2, "y": "z" }, Bson::Null, {}] }];
    let omitted = round_trip(&input, &DecodeOptions::default(), false);
    // Nulls inside arrays are always written: a position is a key.
    assert_eq!(
        omitted,
        vec![doc! { "items": [{ "x": 1 }, { "x": 2, "y": "z" }, Bson::Null, {}] }]
    );
    let kept = round_trip(&input, &DecodeOptions::default(), true);
    assert_eq!(
        kept,
        vec![doc! { "items": [
            { "x": 1, "y": Bson::Null },
            { "x": 2, "y": "z" },
            Bson::Null,
            { "x": Bson::Null, "y": Bson::Null },
        ] }]
    );
}

#[test]
fn mixed_numbers_promote_and_come_back_promoted() {
    let input = vec![
        doc! { "n": 1_i32, "m": 1_i32 },
        doc! { "n": 2_i64, "m": 2.5 },
    ];
    let out = round_trip(&input, &DecodeOptions::default(), false);
    assert_eq!(
        out,
        vec![doc! { "n": 1_i64, "m": 1.0 }, doc! { "n": 2_i64, "m": 2.5 }]
    );
}

#[test]
fn conflicting_paths_come_back_unchanged_through_raw_bson() {
    let input = vec![
        doc! { "v": "text", "w": { "a": 1 } },
        doc! { "v": 5, "w": [1, "two", { "three": 3 }] },
        doc! { "v": { "deep": [Bson::Null] }, "w": Bson::Null },
    ];
    let out = round_trip(&input, &DecodeOptions::default(), false);
    let mut expected = input;
    expected[2].remove("w");
    assert_eq!(out, expected);
}

#[test]
fn field_order_follows_first_appearance() {
    let input = vec![doc! { "b": 1, "a": 2 }, doc! { "a": 3, "c": 4, "b": 5 }];
    let out = round_trip(&input, &DecodeOptions::default(), false);
    assert_eq!(
        out,
        vec![doc! { "b": 1, "a": 2 }, doc! { "b": 5, "a": 3, "c": 4 }]
    );
}

#[test]
fn encode_output_is_one_buffer_with_boundaries() {
    let docs: Vec<Document> = (0..5000)
        .map(|i| doc! { "i": i, "s": format!("{i}") })
        .collect();
    let raws = raw(&docs);
    let refs: Vec<_> = raws.iter().map(|d| d.as_ref()).collect();
    let schema = infer_schema(&refs, &InferOptions::default())
        .unwrap()
        .schema;
    let opts = DecodeOptions {
        chunk_rows: 1000,
        ..DecodeOptions::default()
    };
    let decoded = decode_documents(&refs, &schema, &opts).unwrap();
    assert_eq!(decoded.batches.len(), 5);
    let encoded = encode_batch(&decoded.batches[1], &EncodeOptions::default()).unwrap();
    assert_eq!(encoded.offsets.len(), 1001);
    assert_eq!(encoded.offsets[0], 0);
    assert_eq!(*encoded.offsets.last().unwrap(), encoded.bytes.len());
    for (k, doc) in raws[1000..2000].iter().enumerate() {
        assert_eq!(encoded.document(k).unwrap(), doc.as_bytes());
    }
}
