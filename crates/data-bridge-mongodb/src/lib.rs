//! The data-bridge engine: MongoDB access on the official driver, with query results streamed
//! as raw BSON batches into the Arrow codec and Arrow batches encoded back for writes.
//!
//! Pure Rust: no Python here. Everything async runs on one shared Tokio runtime
//! ([`runtime`]), re-created after `fork()`; clients record the process that created them and
//! refuse to run in another.
//!
//! ```no_run
//! # async fn demo() -> data_bridge_mongodb::Result<()> {
//! use data_bridge_mongodb::{Client, ClientConfig, DecodeRequest, Query};
//! let client = Client::connect("mongodb://127.0.0.1:27017", &ClientConfig::default()).await?;
//! let users = client.database("app", false)?.collection("users", false)?;
//! let query = Query::Find { filter: Default::default(), options: Box::default() };
//! let table = users.read_table(query, None, DecodeRequest::default()).await?;
//! println!("{} rows", table.num_rows());
//! # Ok(()) }
//! ```

mod arrow_write;
pub mod bulk;
mod client;
mod coverage;
mod crud;
mod database;
mod error;
mod indexes;
mod insert_sequence;
pub mod names;
mod read;
pub mod runtime;
mod session;
mod write;

pub use bulk::{
    BulkWriteFailure, BulkWriteOptions, BulkWriteOutcome, IndexedWriteError, InterruptedWrite,
    WriteModel,
};
pub use client::{Client, ClientConfig, Collection, Database};
pub use data_bridge_arrow;
pub use error::{EngineError, Result};
pub use indexes::{default_index_name, IndexSpec};
pub use mongodb;
pub use read::{
    batch_documents, BatchStream, DecodeRequest, Mismatch, Query, RawBatches, ReadStats, TableData,
};
pub use session::{Session, SessionGuard};
pub use write::Multiplicity;
