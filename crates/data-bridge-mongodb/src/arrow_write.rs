//! Inserting Arrow record batches: encoded to BSON in parallel by the codec, then sent through
//! the driver's insert_many (which splits by the server's limits).

use arrow_array::RecordBatch;
use bson::RawDocumentBuf;
use data_bridge_arrow::{encode_batch, EncodeOptions};
use mongodb::options::InsertManyOptions;

use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::runtime;
use crate::session::Session;

fn encode_all(batches: &[RecordBatch], keep_nulls: bool) -> Result<Vec<RawDocumentBuf>> {
    let options = EncodeOptions { keep_nulls };
    let mut documents = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    let mut row_offset = 0usize;
    for batch in batches {
        let encoded = encode_batch(batch, &options).map_err(|e| e.with_row_offset(row_offset))?;
        for bounds in encoded.offsets.windows(2) {
            let bytes = encoded.bytes.get(bounds[0]..bounds[1]).ok_or_else(|| {
                EngineError::Runtime("encoder returned offsets past its buffer".to_owned())
            })?;
            documents.push(RawDocumentBuf::from_bytes(bytes.to_vec())?);
        }
        row_offset += batch.num_rows();
    }
    Ok(documents)
}

impl Collection {
    /// Encodes the batches (rows without `_id` get one from the driver) and inserts them.
    /// Returns the number of rows inserted; an empty input inserts nothing.
    pub async fn insert_arrow(
        &self,
        batches: Vec<RecordBatch>,
        keep_nulls: bool,
        options: InsertManyOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        self.driver()?;
        let documents = runtime::run_blocking(move || encode_all(&batches, keep_nulls)).await?;
        if documents.is_empty() {
            return Ok(0);
        }
        self.insert_many(documents, options, session).await
    }
}
