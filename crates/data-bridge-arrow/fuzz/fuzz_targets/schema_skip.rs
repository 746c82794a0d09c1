//! Schema reads check the bytes they skip: documents a narrow schema accepts (one field, or
//! none, so nearly everything is skipped) must be documents a full read (inference, every
//! field decoded) accepts too. Duplicate keys are the one legitimate difference: a full read
//! refuses a repeated key it decodes, a narrow read never looks at the skipped one twice.
#![no_main]

use data_bridge_arrow::{
    decode_documents, infer_schema, schema_from_spec, split_documents, CodecError, DecodeOptions,
    InferOptions, SpecType,
};
use libfuzzer_sys::fuzz_target;

fn narrow(mode: u8) -> Vec<(String, SpecType)> {
    let alias = |a: &str| SpecType::Alias(a.to_owned());
    match mode % 4 {
        0 => Vec::new(),
        1 => vec![("a".into(), alias("any"))],
        2 => vec![(
            "a".into(),
            SpecType::Struct(vec![("b".into(), alias("long"))]),
        )],
        _ => vec![(
            "a".into(),
            SpecType::List(Box::new(SpecType::Struct(Vec::new()))),
        )],
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let Ok(docs) = split_documents(bytes) else {
        return;
    };
    let Ok(schema) = schema_from_spec(&narrow(mode)) else {
        return;
    };
    let opts = DecodeOptions {
        parallel: false,
        ..DecodeOptions::default()
    };
    if decode_documents(&docs, &schema, &opts).is_err() {
        return;
    }
    let full = infer_schema(&docs, &InferOptions { sample_size: None })
        .and_then(|inferred| decode_documents(&docs, &inferred.schema, &opts));
    match full {
        Ok(_) | Err(CodecError::DuplicateField { .. }) => {}
        Err(error) => panic!("a schema read accepted bytes a full read refuses: {error}"),
    }
});
