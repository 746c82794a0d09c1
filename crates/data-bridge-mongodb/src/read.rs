//! Reads: a background task pulls raw server batches into a bounded channel while the
//! consumer decodes the previous batch, so fetching batch N+1 overlaps decoding batch N.

use std::collections::VecDeque;
use std::ops::AddAssign;
use std::time::{Duration, Instant};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bson::{Document, RawBsonRef, RawDocument, RawDocumentBuf};
use data_bridge_arrow::{decode_documents, infer_schema, DecodeOptions, InferOptions, OnMismatch};
use futures_util::StreamExt;
use mongodb::options::{AggregateOptions, FindOptions};
use mongodb::raw_batch_cursor::RawBatch;
use tokio::sync::mpsc;

use crate::client::Collection;
use crate::coverage::first_unknown_field;
use crate::error::{EngineError, Result};
use crate::runtime;
use crate::session::Session;

/// Server batches fetched ahead of the decoder: enough to hide a round trip, few enough to
/// bound memory (each batch is at most 16 MiB).
const PREFETCH_BATCHES: usize = 2;

/// A query that returns a cursor.
#[derive(Clone, Debug)]
pub enum Query {
    /// `find`.
    Find {
        /// Query filter.
        filter: Document,
        /// Driver options (projection, sort, limit, ...).
        options: Box<FindOptions>,
    },
    /// `aggregate`.
    Aggregate {
        /// Pipeline stages.
        pipeline: Vec<Document>,
        /// Driver options (allowDiskUse, batchSize, ...).
        options: Box<AggregateOptions>,
    },
}

/// What decoding does with a value whose type does not fit the schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mismatch {
    /// Fail with the row, path, expected and found types.
    #[default]
    Error,
    /// Store null and count it.
    Null,
}

/// How query results become Arrow.
#[derive(Clone, Debug, Default)]
pub struct DecodeRequest {
    /// The schema to decode into; `None` infers it.
    pub schema: Option<SchemaRef>,
    /// Behaviour on a type mismatch.
    pub on_mismatch: Mismatch,
}

/// Results smaller than this are decoded on one thread into one batch: splitting a handful of
/// rows across threads costs more than it saves and hands users needless chunks.
const PARALLEL_MIN_ROWS: usize = 4096;

impl DecodeRequest {
    fn options(&self, rows: usize) -> DecodeOptions {
        let on_mismatch = match self.on_mismatch {
            Mismatch::Error => OnMismatch::Error,
            Mismatch::Null => OnMismatch::Null,
        };
        DecodeOptions {
            on_mismatch,
            // `chunk_rows` only caps chunks (the decoder still splits per thread), so small
            // inputs turn parallelism off instead.
            parallel: rows >= PARALLEL_MIN_ROWS,
            ..DecodeOptions::default()
        }
    }
}

/// Where a read spent its time, and how much it received.
///
/// Measured per server batch (a few clock reads each, one addition per document), so it is
/// always on. Both times are measured on the consumer's side and never overlap: a `getMore`
/// that ran while the previous batch was being decoded (prefetch) costs only the wait that was
/// left, so `server + decode` splits the read's wall time and never exceeds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Wall time waiting for the server: the initial command and the `getMore`s.
    pub server: Duration,
    /// Time in the codec (splitting batches into documents, inference, decoding).
    pub decode: Duration,
    /// Server batches received, empty ones included.
    pub batches: u64,
    /// BSON bytes of the documents received (the sum of their encoded lengths).
    pub bson_bytes: u64,
}

impl AddAssign for ReadStats {
    fn add_assign(&mut self, other: Self) {
        self.server += other.server;
        self.decode += other.decode;
        self.batches += other.batches;
        self.bson_bytes += other.bson_bytes;
    }
}

/// The encoded size of a batch's documents.
fn bson_bytes(docs: &[&RawDocument]) -> u64 {
    docs.iter().map(|d| d.as_bytes().len() as u64).sum()
}

/// Decoded query results: record batches sharing one schema.
#[derive(Clone, Debug)]
pub struct TableData {
    /// The schema of every batch.
    pub schema: SchemaRef,
    /// The batches, in cursor order.
    pub batches: Vec<RecordBatch>,
    /// Values stored as null because their type did not fit (`Mismatch::Null`).
    pub nulled: u64,
    /// What producing these batches cost (for a stream part: that part's server batches).
    pub stats: ReadStats,
}

impl TableData {
    /// Total rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// The documents of one server batch, borrowed from the reply without copying.
pub fn batch_documents(batch: &RawBatch) -> Result<Vec<&RawDocument>> {
    let array = batch.doc_slices()?;
    let mut docs = Vec::new();
    for item in array {
        match item? {
            RawBsonRef::Document(doc) => docs.push(doc),
            other => {
                return Err(EngineError::Protocol(format!(
                    "cursor batch holds a {:?} where a document was expected",
                    other.element_type()
                )))
            }
        }
    }
    Ok(docs)
}

fn decode(
    docs: &[&RawDocument],
    schema: Option<&SchemaRef>,
    request: &DecodeRequest,
    row_offset: usize,
) -> Result<TableData, data_bridge_arrow::CodecError> {
    let schema = match schema {
        Some(schema) => schema.clone(),
        None => {
            // Inference reads every document so that nothing is lost.
            infer_schema(docs, &InferOptions { sample_size: None })
                .map_err(|e| e.with_row_offset(row_offset))?
                .schema
        }
    };
    let decoded = decode_documents(docs, &schema, &request.options(docs.len()))
        .map_err(|e| e.with_row_offset(row_offset))?;
    Ok(TableData {
        schema,
        batches: decoded.batches,
        nulled: decoded.nulled,
        stats: ReadStats::default(),
    })
}

/// Raw server batches arriving from a background task.
///
/// Dropping it (a cancelled await, a closed stream) closes the channel; the task notices at
/// its next send, drops the cursor and the driver kills it on the server. The task is not
/// aborted: aborting it while a `find` or `getMore` is in flight would lose the reply that
/// names the cursor, leaving it open on the server until it times out.
pub struct RawBatches {
    rx: mpsc::Receiver<Result<RawBatch>>,
    /// Time spent waiting for batches not yet claimed by `take_server`.
    server: Duration,
}

impl RawBatches {
    /// Starts the query in the background (returns before any I/O).
    pub fn open(coll: &Collection, query: Query, session: Option<&Session>) -> Result<Self> {
        let driver = coll.driver()?.clone();
        let session = session.cloned();
        let (tx, rx) = mpsc::channel(PREFETCH_BATCHES);
        runtime::spawn(async move {
            if let Err(e) = pump(&driver, query, session, &tx).await {
                // The consumer may be gone already; then nobody needs the error.
                let _ = tx.send(Err(e)).await;
            }
        })?;
        Ok(Self {
            rx,
            server: Duration::ZERO,
        })
    }

    /// The next server batch, or `None` at the end.
    pub async fn next(&mut self) -> Result<Option<RawBatch>> {
        let started = Instant::now();
        let item = self.rx.recv().await;
        self.server += started.elapsed();
        item.transpose()
    }

    /// The next server batch, blocking the calling (non-runtime) thread.
    pub fn blocking_next(&mut self) -> Result<Option<RawBatch>> {
        let started = Instant::now();
        let item = self.rx.blocking_recv();
        self.server += started.elapsed();
        item.transpose()
    }

    /// Time spent waiting for server batches (the initial command, then `getMore`s not
    /// already hidden behind decoding by the prefetch) since the last call.
    pub fn take_server(&mut self) -> Duration {
        std::mem::take(&mut self.server)
    }

    /// Every remaining batch.
    pub async fn collect(mut self) -> Result<Vec<RawBatch>> {
        let mut batches = Vec::new();
        while let Some(batch) = self.next().await? {
            batches.push(batch);
        }
        Ok(batches)
    }
}

async fn pump(
    coll: &mongodb::Collection<RawDocumentBuf>,
    query: Query,
    session: Option<Session>,
    tx: &mpsc::Sender<Result<RawBatch>>,
) -> Result<()> {
    match session {
        None => {
            let mut cursor = match query {
                Query::Find { filter, options } => {
                    coll.find(filter).with_options(*options).batch().await?
                }
                Query::Aggregate { pipeline, options } => {
                    coll.aggregate(pipeline)
                        .with_options(*options)
                        .batch()
                        .await?
                }
            };
            while let Some(batch) = cursor.next().await {
                if tx.send(batch.map_err(EngineError::from)).await.is_err() {
                    break;
                }
            }
        }
        Some(session) => {
            let mut guard = session.lock().await?;
            let session = guard.get()?;
            let mut cursor = match query {
                Query::Find { filter, options } => {
                    coll.find(filter)
                        .with_options(*options)
                        .session(&mut *session)
                        .batch()
                        .await?
                }
                Query::Aggregate { pipeline, options } => {
                    coll.aggregate(pipeline)
                        .with_options(*options)
                        .session(&mut *session)
                        .batch()
                        .await?
                }
            };
            let mut stream = cursor.stream(session);
            while let Some(batch) = stream.next().await {
                if tx.send(batch.map_err(EngineError::from)).await.is_err() {
                    break;
                }
            }
        }
    }
    Ok(())
}

impl Collection {
    /// Runs a query and decodes every result into one table.
    ///
    /// With an explicit schema each batch is decoded (on the blocking pool) while the next is
    /// fetched. Without one, every batch is fetched first so inference sees all documents and
    /// nothing is lost.
    pub async fn read_table(
        &self,
        query: Query,
        session: Option<&Session>,
        request: DecodeRequest,
    ) -> Result<TableData> {
        let mut source = RawBatches::open(self, query, session)?;
        match request.schema.clone() {
            Some(schema) => {
                let mut table = TableData {
                    schema: schema.clone(),
                    batches: Vec::new(),
                    nulled: 0,
                    stats: ReadStats::default(),
                };
                let mut rows = 0usize;
                while let Some(raw) = source.next().await? {
                    let (schema, request) = (schema.clone(), request.clone());
                    let part = runtime::run_blocking(move || {
                        let started = Instant::now();
                        let docs = batch_documents(&raw)?;
                        let mut part = decode(&docs, Some(&schema), &request, rows)?;
                        part.stats.decode = started.elapsed();
                        part.stats.bson_bytes = bson_bytes(&docs);
                        Ok((part, docs.len()))
                    })
                    .await?;
                    rows += part.1;
                    table.nulled += part.0.nulled;
                    table.stats += ReadStats {
                        server: source.take_server(),
                        batches: 1,
                        ..part.0.stats
                    };
                    // An empty server batch adds nothing (not even a zero-row batch).
                    let rows_in = part.0.batches.into_iter().filter(|b| b.num_rows() > 0);
                    table.batches.extend(rows_in);
                }
                Ok(table)
            }
            None => {
                let mut raw = Vec::new();
                while let Some(batch) = source.next().await? {
                    raw.push(batch);
                }
                let server = source.take_server();
                runtime::run_blocking(move || {
                    let started = Instant::now();
                    let mut docs = Vec::new();
                    for batch in &raw {
                        docs.extend(batch_documents(batch)?);
                    }
                    let mut table = decode(&docs, None, &request, 0)?;
                    table.stats = ReadStats {
                        server,
                        decode: started.elapsed(),
                        batches: raw.len() as u64,
                        bson_bytes: bson_bytes(&docs),
                    };
                    Ok(table)
                })
                .await
            }
        }
    }

    /// Starts a query whose batches are decoded as they are pulled.
    pub fn read_stream(
        &self,
        query: Query,
        session: Option<&Session>,
        request: DecodeRequest,
    ) -> Result<BatchStream> {
        Ok(BatchStream {
            source: Some(RawBatches::open(self, query, session)?),
            inferred: request.schema.is_none(),
            request,
            rows: 0,
            pending: VecDeque::new(),
            skipped: ReadStats::default(),
        })
    }

    /// Runs a query and returns its raw server batches (for conversion to Python dicts).
    pub async fn read_raw(&self, query: Query, session: Option<&Session>) -> Result<Vec<RawBatch>> {
        RawBatches::open(self, query, session)?.collect().await
    }
}

/// A lazily decoded query result.
pub struct BatchStream {
    source: Option<RawBatches>,
    request: DecodeRequest,
    inferred: bool,
    rows: usize,
    pending: VecDeque<TableData>,
    /// Stats of server batches that produced no part (empty, schema still unknown), charged
    /// to the next part so a stream's parts add up to the whole read.
    skipped: ReadStats,
}

fn decode_stream_batch(
    raw: &RawBatch,
    request: &DecodeRequest,
    inferred: bool,
    rows: usize,
) -> Result<(TableData, usize)> {
    let started = Instant::now();
    let docs = batch_documents(raw)?;
    let schema = request.schema.as_ref();
    let checked = inferred && schema.is_some();
    let mut part = decode(&docs, schema, request, rows).map_err(|e| {
        if checked {
            EngineError::InferredSchemaMismatch(e)
        } else {
            EngineError::Codec(e)
        }
    })?;
    if checked {
        if let Some((row, path)) = first_unknown_field(&docs, part.schema.fields()) {
            return Err(EngineError::FieldNotInInferredSchema {
                row: rows.saturating_add(row),
                path,
            });
        }
    }
    part.stats = ReadStats {
        server: Duration::ZERO,
        decode: started.elapsed(),
        batches: 1,
        bson_bytes: bson_bytes(&docs),
    };
    Ok((part, docs.len()))
}

impl BatchStream {
    /// Adds the server time of the batch just decoded; returns whether `part` is kept.
    fn charge(&mut self, part: &mut TableData, count: usize, server: Duration) -> bool {
        part.stats.server += server;
        part.stats += std::mem::take(&mut self.skipped);
        if count > 0 || self.request.schema.is_some() {
            return true;
        }
        self.skipped = part.stats;
        false
    }

    fn accept(&mut self, part: TableData, rows: usize) {
        self.rows += rows;
        if self.request.schema.is_none() {
            self.request.schema = Some(part.schema.clone());
        }
        self.pending.push_back(part);
    }

    fn finish(&mut self) -> Option<TableData> {
        self.source = None;
        if self.request.schema.is_none() {
            // An empty result still has a (field-less) schema.
            let part = decode(&[], None, &self.request, 0).ok()?;
            self.request.schema = Some(part.schema.clone());
        }
        None
    }

    /// The next decoded batch, or `None` at the end.
    pub async fn next(&mut self) -> Result<Option<TableData>> {
        if let Some(part) = self.pending.pop_front() {
            return Ok(Some(part));
        }
        loop {
            let Some(source) = self.source.as_mut() else {
                return Ok(None);
            };
            let Some(raw) = source.next().await? else {
                return Ok(self.finish());
            };
            let (request, inferred, rows) = (self.request.clone(), self.inferred, self.rows);
            let server = source.take_server();
            let (mut part, count) =
                runtime::run_blocking(move || decode_stream_batch(&raw, &request, inferred, rows))
                    .await?;
            if self.charge(&mut part, count, server) {
                self.accept(part, count);
                return Ok(self.pending.pop_front());
            }
        }
    }

    /// The next decoded batch, blocking the calling (non-runtime) thread.
    pub fn blocking_next(&mut self) -> Result<Option<TableData>> {
        if let Some(part) = self.pending.pop_front() {
            return Ok(Some(part));
        }
        loop {
            let Some(source) = self.source.as_mut() else {
                return Ok(None);
            };
            let Some(raw) = source.blocking_next()? else {
                return Ok(self.finish());
            };
            let server = source.take_server();
            let (mut part, count) =
                decode_stream_batch(&raw, &self.request, self.inferred, self.rows)?;
            if self.charge(&mut part, count, server) {
                self.accept(part, count);
                return Ok(self.pending.pop_front());
            }
        }
    }

    /// The schema, fetching the first batch if it has to be inferred.
    pub async fn schema(&mut self) -> Result<SchemaRef> {
        if let Some(schema) = &self.request.schema {
            return Ok(schema.clone());
        }
        if let Some(part) = self.next().await? {
            self.pending.push_front(part);
        }
        self.schema_known()
    }

    /// The schema, blocking the calling (non-runtime) thread if it has to be inferred.
    pub fn blocking_schema(&mut self) -> Result<SchemaRef> {
        if let Some(schema) = &self.request.schema {
            return Ok(schema.clone());
        }
        if let Some(part) = self.blocking_next()? {
            self.pending.push_front(part);
        }
        self.schema_known()
    }

    fn schema_known(&self) -> Result<SchemaRef> {
        self.request
            .schema
            .clone()
            .ok_or_else(|| EngineError::Runtime("stream ended without a schema".to_owned()))
    }

    /// Stops fetching; the server cursor is killed.
    pub fn close(&mut self) {
        self.source = None;
        self.pending.clear();
    }
}

/// The documents of one server batch, copied out of the reply.
pub fn batch_documents_of(batch: &RawBatch) -> Result<Vec<RawDocumentBuf>> {
    Ok(batch_documents(batch)?
        .into_iter()
        .map(ToOwned::to_owned)
        .collect())
}
