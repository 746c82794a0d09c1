mod common;

use bson::{doc, Bson, Document};
use common::{every_type, round_trip};
use data_bridge_arrow::DecodeOptions;

#[test]
fn every_bson_type_round_trips() {
    let input = every_type();
    let out = round_trip(std::slice::from_ref(&input), &DecodeOptions::default(), true);
    assert_eq!(out, vec![input.clone()]);
    // Without keep_nulls the explicit null is left out and nothing else changes.
    let out = round_trip(std::slice::from_ref(&input), &DecodeOptions::default(), false);
    let mut expected = input;
    expected.remove("null_value");
    assert_eq!(out, vec![expected]);
}
