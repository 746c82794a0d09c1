//! Offline codec functions: concatenated BSON bytes ⇄ Arrow, no server involved.
//!
//! `bytes` input is borrowed, not copied (other buffers are copied once: the abi3 build has
//! no buffer protocol before Python 3.11); all decoding and encoding runs with the GIL released.

use arrow_array::RecordBatch;
use data_bridge_mongodb::data_bridge_arrow::{
    decode_documents, encode_batch, infer_schema as infer, split_documents, CodecError,
    DecodeOptions, EncodeOptions, InferOptions, OnMismatch, TypeConflict,
};
use data_bridge_mongodb::{EngineError, Mismatch};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView};
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::options::on_mismatch as mismatch_arg;
use crate::convert::schema_arg;
use crate::error::{invalid_input, CoreError};
use crate::execute::blocking;
use crate::table::{PySchemaInfo, PyTable};

fn codec(error: CodecError) -> CoreError {
    CoreError::Engine(EngineError::Codec(error))
}

/// The bytes of `data`: a `bytes` object (or a memoryview of a whole one) is borrowed; a
/// `bytearray` or other memoryview is copied once.
fn bytes_arg<'py>(data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(bytes.clone());
    }
    let py = data.py();
    if let Ok(view) = data.cast::<PyMemoryView>() {
        let whole = view
            .getattr("obj")?
            .cast_into::<PyBytes>()
            .ok()
            .filter(|obj| {
                view.getattr("nbytes")
                    .and_then(|n| n.extract::<usize>())
                    .ok()
                    == Some(obj.as_bytes().len())
                    && view
                        .getattr("contiguous")
                        .and_then(|c| c.extract::<bool>())
                        .unwrap_or(false)
            });
        if let Some(whole) = whole {
            return Ok(whole);
        }
    }
    if data.is_instance_of::<PyByteArray>() || data.is_instance_of::<PyMemoryView>() {
        return Ok(py
            .get_type::<PyBytes>()
            .call1((data,))?
            .cast_into::<PyBytes>()?);
    }
    Err(invalid_input(format!(
        "data must be bytes, bytearray or memoryview, not {}",
        data.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// Decodes concatenated BSON documents into a Table (schema given or inferred from all of them).
#[pyfunction]
#[pyo3(signature = (data, schema = None, *, on_mismatch = "error", parallel = true))]
pub fn bson_to_arrow(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    schema: Option<&Bound<'_, PyAny>>,
    on_mismatch: &str,
    parallel: bool,
) -> PyResult<PyTable> {
    let bytes = bytes_arg(data)?;
    let schema = schema_arg(schema)?;
    let on_mismatch = match mismatch_arg(on_mismatch)? {
        Mismatch::Null => OnMismatch::Null,
        _ => OnMismatch::Error,
    };
    let input = bytes.as_bytes();
    let decoded = blocking(py, async move {
        let docs = split_documents(input).map_err(codec)?;
        let schema = match schema {
            Some(schema) => schema,
            None => {
                infer(&docs, &InferOptions::default())
                    .map_err(codec)?
                    .schema
            }
        };
        let opts = DecodeOptions {
            on_mismatch,
            parallel,
            ..DecodeOptions::default()
        };
        decode_documents(&docs, &schema, &opts).map_err(codec)
    })?;
    Ok(PyTable {
        schema: decoded.schema,
        batches: decoded.batches,
        nulled: decoded.nulled,
        stats: None,
    })
}

/// Encodes every row of an Arrow table / batch / stream as a BSON document; returns the
/// documents concatenated.
#[pyfunction]
#[pyo3(signature = (data, *, keep_nulls = false))]
pub fn arrow_to_bson<'py>(
    py: Python<'py>,
    data: AnyRecordBatch,
    keep_nulls: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    // Import with the GIL held: a stream's producer may be Python code.
    let batches: Vec<RecordBatch> = data
        .into_reader()?
        .collect::<Result<_, _>>()
        .map_err(|e| codec(CodecError::Arrow(e)))?;
    let opts = EncodeOptions { keep_nulls };
    let encoded = blocking(py, async move {
        let mut bytes = Vec::new();
        let mut rows = 0;
        for batch in &batches {
            let part = encode_batch(batch, &opts).map_err(|e| codec(e.with_row_offset(rows)))?;
            rows += batch.num_rows();
            if bytes.is_empty() {
                bytes = part.bytes;
            } else {
                bytes.extend_from_slice(&part.bytes);
            }
        }
        Ok::<_, CoreError>(bytes)
    })?;
    Ok(PyBytes::new(py, &encoded))
}

fn conflicts_to_py<'py>(
    py: Python<'py>,
    conflicts: &[TypeConflict],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for conflict in conflicts {
        let types = PyDict::new(py);
        for (name, count) in &conflict.types_seen {
            types.set_item(name, count)?;
        }
        let entry = PyDict::new(py);
        entry.set_item("path", &conflict.path)?;
        entry.set_item("types", types)?;
        list.append(entry)?;
    }
    Ok(list)
}

/// Infers the schema of concatenated BSON documents: `(schema, conflicts)`.
#[pyfunction]
#[pyo3(signature = (data, sample_size = None))]
pub fn infer_schema<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    sample_size: Option<usize>,
) -> PyResult<(PySchemaInfo, Bound<'py, PyList>)> {
    let bytes = bytes_arg(data)?;
    let input = bytes.as_bytes();
    let inferred = blocking(py, async move {
        let docs = split_documents(input).map_err(codec)?;
        infer(&docs, &InferOptions { sample_size }).map_err(codec)
    })?;
    let conflicts = conflicts_to_py(py, &inferred.conflicts)?;
    Ok((
        PySchemaInfo {
            schema: inferred.schema,
        },
        conflicts,
    ))
}

/// Registers the codec functions on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(bson_to_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_to_bson, m)?)?;
    m.add_function(wrap_pyfunction!(infer_schema, m)?)?;
    Ok(())
}
