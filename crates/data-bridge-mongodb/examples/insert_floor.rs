//! How fast can the server take inserts? Sends pre-encoded documents with the driver alone, so
//! the time is wire + server only: the floor any client's insert_many stands on.
//!
//! `MONGODB_URI=... cargo run --release -p data-bridge-mongodb --example insert_floor -- 200000 3`

use std::time::Instant;

use bson::{doc, oid::ObjectId, RawDocumentBuf};
use mongodb::{options::InsertManyOptions, Client};

fn documents(
    count: usize,
    with_id: bool,
) -> Result<Vec<RawDocumentBuf>, Box<dyn std::error::Error>> {
    (0..count)
        .map(|i| {
            let mut d = doc! {
                "name": format!("user{i}"), "email": format!("user{i}@example.com"),
                "age": (i % 90) as i64, "score": i as f64 * 0.5, "active": i % 2 == 0,
                "created": bson::DateTime::from_millis(1_700_000_000_000 + i as i64),
                "tags": ["a", "b"], "city": "Paris", "zip": "75001",
            };
            if with_id {
                d.insert("_id", ObjectId::new());
            }
            Ok(RawDocumentBuf::try_from(&d)?)
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(Ok(200_000), |s| s.parse())?;
    let rounds: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let uri = std::env::var("MONGODB_URI")?;
    let client = Client::with_uri_str(&uri).await?;
    let coll = client
        .database("insert_floor")
        .collection::<RawDocumentBuf>("c");
    for round in 0..rounds {
        for (label, with_id, parts, ordered) in [
            ("with _id, 1 stream, ordered", true, 1usize, true),
            ("no _id (driver adds), 1 stream", false, 1, true),
            ("with _id, 2 streams, unordered", true, 2, false),
        ] {
            coll.drop().await?;
            let docs = documents(count, with_id)?;
            let chunk = count.div_ceil(parts);
            let start = Instant::now();
            let mut tasks = Vec::new();
            for part in docs.chunks(chunk) {
                let coll = coll.clone();
                let part = part.to_vec();
                tasks.push(tokio::spawn(async move {
                    coll.insert_many(part)
                        .with_options(InsertManyOptions::builder().ordered(ordered).build())
                        .await
                }));
            }
            for t in tasks {
                t.await??;
            }
            let ms = start.elapsed().as_secs_f64() * 1e3;
            println!("round {round} {label:<36} {ms:>8.0} ms");
        }
    }
    Ok(())
}
