//! Read statistics as the dict `Table.stats` / `RecordBatchStream.stats` return.

use data_bridge_mongodb::ReadStats;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `{"server_ms": float, "decode_ms": float, "batches": int, "bson_bytes": int}`.
pub fn read_stats_dict<'py>(py: Python<'py>, stats: &ReadStats) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("server_ms", stats.server.as_secs_f64() * 1000.0)?;
    dict.set_item("decode_ms", stats.decode.as_secs_f64() * 1000.0)?;
    dict.set_item("batches", stats.batches)?;
    dict.set_item("bson_bytes", stats.bson_bytes)?;
    Ok(dict)
}
