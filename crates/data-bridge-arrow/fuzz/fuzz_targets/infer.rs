//! Inference over arbitrary bytes; whenever it succeeds, decoding the same documents with the
//! inferred schema must succeed too (inference read and checked every value).
#![no_main]

use data_bridge_arrow::{decode_documents, infer_schema, split_documents, DecodeOptions, InferOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(docs) = split_documents(data) else { return };
    let Ok(inferred) = infer_schema(&docs, &InferOptions::default()) else { return };
    if let Err(e) = decode_documents(&docs, &inferred.schema, &DecodeOptions::default()) {
        panic!("inferred schema rejects its own sample: {e}");
    }
});
