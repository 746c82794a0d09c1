//! decode → encode must be stable: encoding what the encoder wrote, decoded again with the
//! same schema, gives the same bytes (a byte comparison, so NaN payloads count too).
#![no_main]

use data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema, split_documents, DecodeOptions, EncodeOptions,
    InferOptions,
};
use libfuzzer_sys::fuzz_target;

fn encode_all(decoded: &data_bridge_arrow::Decoded, keep_nulls: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for batch in &decoded.batches {
        match encode_batch(batch, &EncodeOptions { keep_nulls }) {
            Ok(encoded) => out.extend_from_slice(&encoded.bytes),
            Err(e) => panic!("cannot encode what was decoded: {e}"),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let keep_nulls = mode & 1 == 1;
    let Ok(docs) = split_documents(bytes) else { return };
    let Ok(inferred) = infer_schema(&docs, &InferOptions::default()) else { return };
    let Ok(first) = decode_documents(&docs, &inferred.schema, &DecodeOptions::default()) else {
        return;
    };
    let once = encode_all(&first, keep_nulls);
    let again = match split_documents(&once) {
        Ok(docs) => decode_documents(&docs, &inferred.schema, &DecodeOptions::default()),
        Err(e) => panic!("encoder wrote unsplittable bytes: {e}"),
    };
    match again {
        Ok(second) => assert_eq!(once, encode_all(&second, keep_nulls), "encode is not stable"),
        Err(e) => panic!("cannot decode what was encoded: {e}"),
    }
});
