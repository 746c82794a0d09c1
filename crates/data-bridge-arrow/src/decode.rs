//! Raw BSON documents → Arrow record batches, in parallel chunks.

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::SchemaRef;
use bson::RawDocument;
use rayon::prelude::*;

use crate::columns::{Ctx, StructColumn};
use crate::error::CodecError;
use crate::raw::read_i32;

/// What to do with a value whose BSON type does not fit its column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnMismatch {
    /// Fail with [`CodecError::TypeMismatch`] naming row, path, expected and found type.
    #[default]
    Error,
    /// Store null and count it in [`Decoded::nulled`].
    Null,
}

/// Options for [`decode_documents`].
#[derive(Clone, Debug)]
pub struct DecodeOptions {
    /// Wrong-typed values: error (default) or null.
    pub on_mismatch: OnMismatch,
    /// Most rows per record batch; each batch is decoded by one thread. Default 65,536.
    pub chunk_rows: usize,
    /// Decode chunks on rayon's pool (default) or on the calling thread.
    pub parallel: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            on_mismatch: OnMismatch::Error,
            chunk_rows: 65_536,
            parallel: true,
        }
    }
}

/// Decoded record batches: one per chunk, in document order, never concatenated.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The schema every batch has.
    pub schema: SchemaRef,
    /// The batches, in input order.
    pub batches: Vec<RecordBatch>,
    /// Values stored as null because their type did not fit ([`OnMismatch::Null`]).
    pub nulled: u64,
}

impl Decoded {
    /// Total rows over all batches.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Splits concatenated BSON documents (a mongodump `.bson` file, `bson.encode` output joined)
/// into documents, checking each frame (length prefix, terminator); contents are checked when
/// decoded.
pub fn split_documents(bytes: &[u8]) -> Result<Vec<&RawDocument>, CodecError> {
    let mut documents = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let row = documents.len();
        let declared = read_i32(bytes, pos).map_err(|e| e.at_row(row))?;
        let end = usize::try_from(declared)
            .ok()
            .filter(|&n| n >= 5)
            .and_then(|n| pos.checked_add(n))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| {
                CodecError::invalid(format!(
                    "document length {declared} at byte {pos} does not fit the {} bytes left",
                    bytes.len() - pos
                ))
                .at_row(row)
            })?;
        let document = RawDocument::from_bytes(&bytes[pos..end])
            .map_err(|e| CodecError::invalid(e.to_string()).at_row(row))?;
        documents.push(document);
        pos = end;
    }
    Ok(documents)
}

/// Decodes documents into record batches of `schema`.
///
/// Fields absent from the schema are skipped without being decoded; a field missing from a
/// document is null. Rows in errors are indices into `docs`.
///
/// ```
/// use data_bridge_arrow::{decode_documents, schema_from_spec, DecodeOptions, SpecType};
/// let doc = bson::rawdoc! { "name": "Ada", "age": 36, "skipped": true };
/// let schema = schema_from_spec(&[
///     ("name".into(), SpecType::Alias("string".into())),
///     ("age".into(), SpecType::Alias("long".into())),
/// ])?;
/// let decoded = decode_documents(&[&*doc], &schema, &DecodeOptions::default())?;
/// assert_eq!(decoded.num_rows(), 1);
/// # Ok::<(), data_bridge_arrow::CodecError>(())
/// ```
pub fn decode_documents(
    docs: &[&RawDocument],
    schema: &SchemaRef,
    opts: &DecodeOptions,
) -> Result<Decoded, CodecError> {
    // Reject an unusable schema once, even when there is nothing to decode.
    StructColumn::new(schema.fields(), 0, 0)?;
    let threads = if opts.parallel {
        crate::pool::threads().max(1)
    } else {
        1
    };
    let chunk = opts
        .chunk_rows
        .max(1)
        .min(docs.len().div_ceil(threads).max(1));
    let decode =
        |(index, part): (usize, &[&RawDocument])| decode_chunk(part, index * chunk, schema, opts);
    let results: Vec<Result<(RecordBatch, u64), CodecError>> = if opts.parallel {
        crate::pool::install(|| docs.par_chunks(chunk).enumerate().map(decode).collect())
    } else {
        docs.chunks(chunk).enumerate().map(decode).collect()
    };
    let mut batches = Vec::with_capacity(results.len());
    let mut nulled = 0;
    // The first error in document order, whichever thread hit it first.
    for result in results {
        let (batch, n) = result?;
        batches.push(batch);
        nulled += n;
    }
    Ok(Decoded {
        schema: schema.clone(),
        batches,
        nulled,
    })
}

fn decode_chunk(
    docs: &[&RawDocument],
    first_row: usize,
    schema: &SchemaRef,
    opts: &DecodeOptions,
) -> Result<(RecordBatch, u64), CodecError> {
    match decode_chunk_with(docs, first_row, schema, opts, false) {
        Err(CodecError::Arrow(error)) => {
            // Most likely a string that is not UTF-8: decode again checking every string, to
            // report its row and path; if that passes, the Arrow error stands.
            decode_chunk_with(docs, first_row, schema, opts, true)?;
            Err(CodecError::Arrow(error))
        }
        result => result,
    }
}

fn decode_chunk_with(
    docs: &[&RawDocument],
    first_row: usize,
    schema: &SchemaRef,
    opts: &DecodeOptions,
    validate_utf8: bool,
) -> Result<(RecordBatch, u64), CodecError> {
    let mut root = StructColumn::new(schema.fields(), docs.len(), 0)?;
    let mut ctx = Ctx {
        on_mismatch: opts.on_mismatch,
        nulled: 0,
        validate_utf8,
    };
    for (i, doc) in docs.iter().enumerate() {
        root.append_document(doc.as_bytes(), &mut ctx)
            .map_err(|e| e.at_row(first_row + i))?;
    }
    let columns = root.finish_children(schema.fields())?;
    let options = RecordBatchOptions::new().with_row_count(Some(docs.len()));
    Ok((
        RecordBatch::try_new_with_options(schema.clone(), columns, &options)?,
        ctx.nulled,
    ))
}
