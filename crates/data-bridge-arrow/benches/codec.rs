//! Decode / encode throughput (MB/s of BSON) against a raw-iterate bound.
//!
//! Shapes: "reference" (name, email, age, score, active, created, tags[2], address{city, zip};
//! ≈190 B, the shape PyMongoArrow was measured on) and "nested" (≈1.3 KB: a list of 8 line-item
//! structs, a nested struct and 4 ObjectIds). Sizes 100k and 1M; 1 thread vs all threads.
//! `BENCH_SIZES=100000` limits the sizes.
// Test and benchmark code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use bson::{doc, oid::ObjectId, DateTime, Document, RawDocument, RawDocumentBuf};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema, raw_iterate_bound, DecodeOptions, EncodeOptions,
    InferOptions,
};

/// A small deterministic generator: benches must not depend on a random crate's version.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn word(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| (b'a' + (self.next() % 26) as u8) as char)
            .collect()
    }
}

fn reference(i: usize, rng: &mut Lcg) -> Document {
    doc! {
        "name": format!("{} {}", rng.word(6), rng.word(8)),
        "email": format!("user{i}@{}.com", rng.word(7)),
        "age": (18 + rng.next() % 60) as i32,
        "score": (rng.next() % 10_000) as f64 / 100.0,
        "active": rng.next() % 2 == 0,
        "created": DateTime::from_millis(1_600_000_000_000 + (rng.next() % 100_000_000) as i64),
        "tags": [rng.word(5), rng.word(4)],
        "address": { "city": rng.word(9), "zip": format!("{:05}", rng.next() % 100_000) },
    }
}

fn nested(i: usize, rng: &mut Lcg) -> Document {
    let items: Vec<Document> = (0..8)
        .map(|k| {
            doc! {
                "sku": format!("SKU-{}-{k}", rng.word(6)),
                "qty": (rng.next() % 10) as i64,
                "price": (rng.next() % 100_000) as f64 / 100.0,
                "warehouse": { "code": rng.word(4), "row": (rng.next() % 50) as i32 },
            }
        })
        .collect();
    doc! {
        "_id": ObjectId::from_bytes([(i % 251) as u8; 12]),
        "customer": { "id": ObjectId::new(), "name": rng.word(12), "tier": rng.word(4),
                      "address": { "city": rng.word(9), "zip": rng.word(5), "country": "NL" } },
        "seller": ObjectId::new(),
        "created": DateTime::from_millis(1_600_000_000_000 + (rng.next() % 1_000_000) as i64),
        "items": items,
        "note": rng.word(40),
        "flags": [true, false, rng.next() % 2 == 0],
    }
}

fn build(n: usize, shape: fn(usize, &mut Lcg) -> Document) -> (Vec<RawDocumentBuf>, usize) {
    let mut rng = Lcg(42);
    let docs: Vec<RawDocumentBuf> = (0..n)
        .map(|i| RawDocumentBuf::try_from(&shape(i, &mut rng)).unwrap())
        .collect();
    let bytes = docs.iter().map(|d| d.as_bytes().len()).sum();
    (docs, bytes)
}

fn sizes() -> Vec<usize> {
    std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000])
}

fn benches(c: &mut Criterion) {
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let threads = rayon::current_num_threads();
    for (shape_name, shape) in [
        ("reference", reference as fn(_, &mut _) -> _),
        ("nested", nested),
    ] {
        for n in sizes() {
            let (owned, bytes) = build(n, shape);
            let docs: Vec<&RawDocument> = owned.iter().map(|d| d.as_ref()).collect();
            let schema = infer_schema(
                &docs,
                &InferOptions {
                    sample_size: Some(1000),
                },
            )
            .unwrap()
            .schema;
            let mut group = c.benchmark_group(format!("{shape_name}/{n}"));
            group.throughput(Throughput::Bytes(bytes as u64));
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(4));
            group.bench_function("raw_iterate_bound", |b| {
                b.iter(|| black_box(raw_iterate_bound(&docs).unwrap()))
            });
            for (label, parallel, pool_threads) in [
                ("decode_1_thread", false, 1),
                ("decode_all_threads", true, threads),
            ] {
                let opts = DecodeOptions {
                    parallel,
                    ..DecodeOptions::default()
                };
                group.bench_function(BenchmarkId::new(label, pool_threads), |b| {
                    b.iter(|| black_box(decode_documents(&docs, &schema, &opts).unwrap()))
                });
            }
            // One field read, every other one skipped (validated, not decoded): what a model or
            // a `columns=[...]` read of a wide collection costs.
            let narrow = Arc::new(arrow_schema::Schema::new(vec![schema.field(0).clone()]));
            let opts = DecodeOptions {
                parallel: false,
                ..DecodeOptions::default()
            };
            group.bench_function("decode_one_field_1_thread", |b| {
                b.iter(|| black_box(decode_documents(&docs, &narrow, &opts).unwrap()))
            });
            let decoded = decode_documents(&docs, &schema, &DecodeOptions::default()).unwrap();
            let batches = Arc::new(decoded.batches);
            for (label, pool) in [
                ("encode_1_thread", Some(&single)),
                ("encode_all_threads", None),
            ] {
                let run = || {
                    for batch in batches.iter() {
                        black_box(encode_batch(batch, &EncodeOptions::default()).unwrap());
                    }
                };
                group.bench_function(label, |b| {
                    b.iter(|| match pool {
                        Some(pool) => pool.install(run),
                        None => run(),
                    })
                });
            }
            group.bench_function("infer_1000_sample", |b| {
                b.iter(|| {
                    black_box(infer_schema(
                        &docs,
                        &InferOptions {
                            sample_size: Some(1000),
                        },
                    ))
                })
            });
            group.finish();
        }
    }
}

criterion_group!(codec, benches);
criterion_main!(codec);
