//! The same 1,000 nested (~2.5 KB) documents sent two ways: the driver's `insert_many` (an OP_MSG
//! document sequence) and an `insert` command whose `documents` is an array in the command body
//! (what `Collection::bulk_write` sends), in commands of 1,000, 250, 100 and 25 documents.
//!
//! `MONGODB_URI=... cargo run --release -p data-bridge-mongodb --example insert_paths`

use std::time::Instant;

use bson::{doc, oid::ObjectId, Document, RawArrayBuf, RawDocumentBuf};
use mongodb::Client;

fn order(i: usize, n: i32) -> Document {
    let items: Vec<Document> = (0..3)
        .map(|k| doc! {"name": format!("item {k} of order {n}"), "weight": f64::from(k) * 1.5, "tags": ["x", "y", "z"]})
        .collect();
    doc! {"sku": format!("SKU-{i}-{n}"), "qty": n, "price": 9.99 * f64::from(n), "items": items}
}

fn nested(i: usize) -> Document {
    let orders: Vec<Document> = (0..6).map(|n| order(i, n)).collect();
    doc! {
        "_id": ObjectId::new(),
        "name": format!("Customer {i:07}"),
        "email": format!("c{i}@example.com"),
        "profile": {"bio": "lorem ipsum dolor sit amet consectetur adipiscing elit", "theme": "dark"},
        "addresses": [
            {"kind": "home", "street": "1 Main Street", "city": "Oslo", "geo": {"lat": 1.5, "lon": 2.5}},
            {"kind": "work", "street": "2 Side Street", "city": "Rome", "geo": {"lat": 3.5, "lon": 4.5}},
        ],
        "orders": orders,
        "tags": ["a", "b", "c", "d", "e"],
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::with_uri_str(std::env::var("MONGODB_URI")?).await?;
    let db = client.database("insert_paths");
    let coll = db.collection::<RawDocumentBuf>("c");
    let docs: Vec<RawDocumentBuf> = (0..1000)
        .map(|i| RawDocumentBuf::try_from(&nested(i)))
        .collect::<Result<_, _>>()?;
    let bytes: usize = docs.iter().map(|d| d.as_bytes().len()).sum();
    println!("{} documents, {bytes} bytes", docs.len());
    for round in 0..5 {
        coll.drop().await?;
        let start = Instant::now();
        coll.insert_many(docs.clone()).await?;
        let sequence_ms = start.elapsed().as_secs_f64() * 1e3;
        let mut array_ms = Vec::new();
        for chunk in [1000usize, 250, 100, 25] {
            coll.drop().await?;
            let start = Instant::now();
            for part in docs.chunks(chunk) {
                let mut array = RawArrayBuf::new();
                for d in part {
                    array.push(d.as_ref());
                }
                let mut command = RawDocumentBuf::new();
                command.append(bson::cstr!("insert"), "c");
                command.append(bson::cstr!("documents"), array);
                db.run_raw_command(command).await?;
            }
            array_ms.push((chunk, start.elapsed().as_secs_f64() * 1e3));
        }
        let arrays: Vec<String> = array_ms
            .iter()
            .map(|(chunk, ms)| format!("{chunk}/command {ms:.1} ms"))
            .collect();
        println!(
            "round {round}: document sequence {sequence_ms:.1} ms; array in body: {}",
            arrays.join(", ")
        );
    }
    Ok(())
}
