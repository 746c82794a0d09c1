//! Process CPU time per decode/encode of the reference shape (one core-equivalent), for tuning on a
//! loaded machine (wall-clock benches swing with other processes; thread CPU time barely does).
//! `cargo run --release -p data-bridge-arrow --example decode_cpu -- [docs] [rounds]`
// Test and benchmark code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use bson::{doc, DateTime, RawDocument, RawDocumentBuf};
use data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema, raw_iterate_bound, DecodeOptions, EncodeOptions,
    InferOptions,
};

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid pointer we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn best<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = thread_cpu();
            std::hint::black_box(f());
            thread_cpu() - start
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let owned: Vec<RawDocumentBuf> = (0..n)
        .map(|i| {
            let d = doc! {
                "name": format!("User {i:07}"), "email": format!("user{i:07}@example.com"),
                "age": (i % 70) as i32 + 18, "score": i as f64 * 0.37, "active": i % 3 != 0,
                "created": DateTime::from_millis(1_600_000_000_000 + i as i64),
                "tags": ["gold", "fast"], "address": { "city": "Lisbon", "zip": format!("{:05}", i % 99_999) },
            };
            RawDocumentBuf::try_from(&d).unwrap()
        })
        .collect();
    let docs: Vec<&RawDocument> = owned.iter().map(|d| d.as_ref()).collect();
    let bytes: usize = docs.iter().map(|d| d.as_bytes().len()).sum();
    let schema = infer_schema(&docs, &InferOptions::default())
        .unwrap()
        .schema;
    let mb = bytes as f64 / 1e6;
    let opts = DecodeOptions {
        parallel: false,
        ..DecodeOptions::default()
    };
    let raw = best(rounds, || raw_iterate_bound(&docs).unwrap());
    let dec = best(rounds, || decode_documents(&docs, &schema, &opts).unwrap());
    let decoded = decode_documents(&docs, &schema, &opts).unwrap();
    let enc = best(rounds, || {
        for b in &decoded.batches {
            encode_batch(b, &EncodeOptions::default()).unwrap();
        }
    });
    println!(
        "{n} docs, {:.1} B/doc, process CPU time (best of {rounds}):",
        bytes as f64 / n as f64
    );
    for (label, t) in [
        ("raw iterate bound", raw),
        ("decode", dec),
        ("encode (CPU summed over threads)", enc),
    ] {
        println!(
            "  {label:38} {:8.2} ms  {:7.0} MB/s",
            t.as_secs_f64() * 1e3,
            mb / t.as_secs_f64()
        );
    }
    println!(
        "  decode / raw bound: {:.0}%",
        raw.as_secs_f64() / dec.as_secs_f64() * 100.0
    );
}
