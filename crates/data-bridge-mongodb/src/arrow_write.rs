//! Inserting Arrow record batches: encoded to BSON in parallel by the codec, then sent through
//! [`Collection::insert_many`] (commands of bounded size, a lost connection reported as
//! acknowledged / in-doubt / unsent rows).

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field};
use bson::RawDocumentBuf;
use data_bridge_arrow::{encode_batch, EncodeOptions};
use mongodb::options::InsertManyOptions;

use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::runtime;
use crate::session::Session;

/// The field names of stored documents follow the rule the Python encoder applies to inserts:
/// no name starting with `$` (DBRef's `$ref` / `$id` / `$db` excepted below the top level).
fn check_stored_names(fields: &[&Field], path: &str, depth: usize) -> Result<()> {
    for field in fields {
        let name = field.name();
        let here = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let dbref = depth > 0 && matches!(name.as_str(), "$ref" | "$id" | "$db");
        if name.starts_with('$') && !dbref {
            return Err(EngineError::invalid(format!(
                "cannot insert column '{here}': field names starting with '$' are not allowed \
                 in stored documents"
            )));
        }
        check_stored_type(field.data_type(), &here, depth)?;
    }
    Ok(())
}

fn check_stored_type(data_type: &DataType, path: &str, depth: usize) -> Result<()> {
    match data_type {
        DataType::Struct(children) => {
            let children: Vec<&Field> = children.iter().map(AsRef::as_ref).collect();
            check_stored_names(&children, path, depth + 1)
        }
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::FixedSizeList(item, _)
        | DataType::ListView(item)
        | DataType::LargeListView(item) => check_stored_type(item.data_type(), path, depth + 1),
        _ => Ok(()),
    }
}

fn encode_all(batches: &[RecordBatch], keep_nulls: bool) -> Result<Vec<RawDocumentBuf>> {
    if let Some(batch) = batches.first() {
        let schema = batch.schema();
        let fields: Vec<&Field> = schema.fields().iter().map(AsRef::as_ref).collect();
        check_stored_names(&fields, "", 0)?;
    }
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
    /// Encodes the batches and inserts them; rows without `_id` get one from the server, so
    /// they cannot be named in an `Interrupted` error (`data_bridge.write` adds ids first).
    /// `ids_generated`: the `_id` column was generated for this call (see
    /// [`Collection::insert_many_generated`]). Returns the number of rows inserted; an empty
    /// input inserts nothing.
    pub async fn insert_arrow(
        &self,
        batches: Vec<RecordBatch>,
        keep_nulls: bool,
        ids_generated: bool,
        options: InsertManyOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        self.driver()?;
        let documents = runtime::run_blocking(move || encode_all(&batches, keep_nulls)).await?;
        if documents.is_empty() {
            return Ok(0);
        }
        let generated = vec![ids_generated; documents.len()];
        self.insert_many_generated(documents, generated, options, session)
            .await
    }
}
