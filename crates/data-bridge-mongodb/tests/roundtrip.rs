//! Engine round trips against a real server. Needs `MONGODB_URI`; without it each test prints
//! why it did nothing and returns (`make test` always provides a server).

use std::time::{SystemTime, UNIX_EPOCH};

use bson::{doc, rawdoc, Bson};
use data_bridge_mongodb::mongodb::options::{FindOptions, InsertManyOptions};
use data_bridge_mongodb::{
    BulkWriteOptions, Client, ClientConfig, DecodeRequest, EngineError, Mismatch, Query, WriteModel,
};

fn uri() -> Option<String> {
    match std::env::var("MONGODB_URI") {
        Ok(uri) if !uri.is_empty() => Some(uri),
        _ => {
            eprintln!("MONGODB_URI is not set: skipping a test that needs a server");
            None
        }
    }
}

fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}_{nanos}")
}

#[tokio::test(flavor = "multi_thread")]
async fn insert_find_and_decode() {
    let Some(uri) = uri() else { return };
    let client = Client::connect(&uri, &ClientConfig::default())
        .await
        .unwrap();
    let db = client.database(&unique("engine_rs"), false).unwrap();
    let coll = db.collection("people", false).unwrap();
    let docs: Vec<_> = (0..1000)
        .map(|i| rawdoc! {"_id": i, "name": format!("u{i}")})
        .collect();
    assert_eq!(
        coll.insert_many(docs, InsertManyOptions::default(), None)
            .await
            .unwrap(),
        1000
    );

    let mut options = FindOptions::default();
    options.batch_size = Some(100);
    options.sort = Some(doc! {"_id": 1});
    let query = Query::Find {
        filter: doc! {"_id": {"$gte": 500}},
        options: Box::new(options),
    };
    let table = coll
        .read_table(query.clone(), None, DecodeRequest::default())
        .await
        .unwrap();
    assert_eq!(table.num_rows(), 500);
    assert_eq!(table.schema.field(1).name(), "name");
    // 500 documents in batches of 100 (plus an empty last one on some servers).
    assert!((5..=6).contains(&table.stats.batches), "{:?}", table.stats);
    assert!(table.stats.bson_bytes > 0);

    let mut stream = coll
        .read_stream(query, None, DecodeRequest::default())
        .unwrap();
    let mut rows = 0;
    let mut stats = data_bridge_mongodb::ReadStats::default();
    while let Some(part) = stream.next().await.unwrap() {
        rows += part.num_rows();
        stats += part.stats;
    }
    assert_eq!(rows, 500);
    // The same server batches, whichever way they were read.
    assert_eq!(stats.bson_bytes, table.stats.bson_bytes);
    assert_eq!(stats.batches, table.stats.batches);
    db.drop(None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn mismatch_names_row_and_path() {
    let Some(uri) = uri() else { return };
    let client = Client::connect(&uri, &ClientConfig::default())
        .await
        .unwrap();
    let db = client.database(&unique("engine_rs"), false).unwrap();
    let coll = db.collection("mixed", false).unwrap();
    let docs = vec![rawdoc! {"_id": 0, "v": 1}, rawdoc! {"_id": 1, "v": "x"}];
    coll.insert_many(docs, InsertManyOptions::default(), None)
        .await
        .unwrap();
    let schema = data_bridge_mongodb::data_bridge_arrow::schema_from_spec(&[
        (
            "_id".into(),
            data_bridge_mongodb::data_bridge_arrow::SpecType::Alias("int".into()),
        ),
        (
            "v".into(),
            data_bridge_mongodb::data_bridge_arrow::SpecType::Alias("int".into()),
        ),
    ])
    .unwrap();
    let mut options = FindOptions::default();
    options.sort = Some(doc! {"_id": 1});
    let query = Query::Find {
        filter: doc! {},
        options: Box::new(options),
    };
    let request = DecodeRequest {
        schema: Some(schema.clone()),
        on_mismatch: Mismatch::Error,
    };
    match coll.read_table(query.clone(), None, request).await {
        Err(EngineError::Codec(e)) => {
            assert_eq!(e.row(), Some(1));
            assert_eq!(e.path(), Some("v"));
        }
        other => panic!("expected a codec error, got {other:?}"),
    }
    let request = DecodeRequest {
        schema: Some(schema),
        on_mismatch: Mismatch::Null,
    };
    let table = coll.read_table(query, None, request).await.unwrap();
    assert_eq!(table.nulled, 1);
    db.drop(None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_write_reports_partial_failure() {
    let Some(uri) = uri() else { return };
    let client = Client::connect(&uri, &ClientConfig::default())
        .await
        .unwrap();
    let db = client.database(&unique("engine_rs"), false).unwrap();
    let coll = db.collection("bulk", false).unwrap();
    let models = vec![
        WriteModel::InsertOne(rawdoc! {"_id": 1}),
        WriteModel::InsertOne(rawdoc! {"_id": 1}),
        WriteModel::InsertOne(rawdoc! {"_id": 2}),
    ];
    let options = BulkWriteOptions {
        ordered: false,
        ..BulkWriteOptions::default()
    };
    match coll.bulk_write(models, options, None).await {
        Err(EngineError::BulkWrite(failure)) => {
            assert_eq!(failure.write_errors.len(), 1);
            assert_eq!(failure.write_errors[0].index, 1);
            assert_eq!(failure.write_errors[0].code, 11000);
            assert_eq!(failure.outcome.inserted_count, 2);
            let ids: Vec<_> = failure
                .outcome
                .inserted_ids
                .iter()
                .map(|(i, _)| *i)
                .collect();
            assert_eq!(ids, vec![0, 2]);
            assert_eq!(failure.outcome.inserted_ids[1].1, Bson::Int32(2));
        }
        other => panic!("expected a bulk write failure, got {other:?}"),
    }
    db.drop(None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_client_refuses() {
    let Some(uri) = uri() else { return };
    let client = Client::connect(&uri, &ClientConfig::default())
        .await
        .unwrap();
    client.close().await.unwrap();
    assert!(matches!(
        client.list_database_names().await,
        Err(EngineError::ClientClosed)
    ));
}
