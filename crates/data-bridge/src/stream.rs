//! `RecordBatchStream`: a lazily fetched and decoded query result.

use std::collections::VecDeque;
use std::sync::{Arc, PoisonError};

use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{ArrowError, FieldRef};
use data_bridge_mongodb::{BatchStream, EngineError, ReadStats, TableData};
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use pyo3_arrow::ffi::{to_schema_pycapsule, to_stream_pycapsule, ArrayReader};
use tokio::sync::Mutex;

use crate::convert::read_stats_dict;
use crate::error::CoreError;
use crate::execute::{awaitable, blocking};
use crate::table::{struct_field, PySchemaInfo, PyTable};

type Shared = Arc<Mutex<Option<BatchStream>>>;

/// Stats of every part pulled so far, by any route (iteration, read_all, the C stream).
/// A plain mutex: held only to add or copy a few numbers, never across an await.
#[derive(Clone, Default)]
struct Totals(Arc<std::sync::Mutex<ReadStats>>);

impl Totals {
    fn add(&self, stats: ReadStats) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += stats;
    }

    fn get(&self) -> ReadStats {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A lazy query result; each pull fetches and decodes the next server batch.
#[pyclass(module = "data_bridge._engine", name = "RecordBatchStream", frozen)]
pub struct PyRecordBatchStream {
    inner: Shared,
    totals: Totals,
}

impl PyRecordBatchStream {
    pub fn new(stream: BatchStream) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Some(stream))),
            totals: Totals::default(),
        }
    }
}

fn consumed() -> CoreError {
    CoreError::Engine(EngineError::InvalidInput(
        "this stream was already exported through __arrow_c_stream__ or closed".to_owned(),
    ))
}

async fn next_table(inner: Shared, totals: Totals) -> Result<Option<TableData>, CoreError> {
    let mut guard = inner.lock().await;
    let stream = guard.as_mut().ok_or_else(consumed)?;
    let part = stream.next().await?;
    if let Some(part) = &part {
        totals.add(part.stats);
    }
    Ok(part)
}

/// Pulls the remaining batches for a C stream consumer (which may hold the GIL: nothing here
/// needs it).
struct StreamReader {
    stream: BatchStream,
    field: FieldRef,
    pending: VecDeque<RecordBatch>,
    totals: Totals,
}

impl Iterator for StreamReader {
    type Item = Result<ArrayRef, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(batch) = self.pending.pop_front() {
                return Some(Ok(Arc::new(StructArray::from(batch))));
            }
            match self.stream.blocking_next() {
                Ok(Some(table)) => {
                    self.totals.add(table.stats);
                    self.pending.extend(table.batches);
                }
                Ok(None) => return None,
                Err(e) => return Some(Err(ArrowError::ExternalError(Box::new(e)))),
            }
        }
    }
}

impl ArrayReader for StreamReader {
    fn field(&self) -> FieldRef {
        self.field.clone()
    }
}

#[pymethods]
impl PyRecordBatchStream {
    #[getter]
    fn schema(&self, py: Python<'_>) -> PyResult<PySchemaInfo> {
        let inner = self.inner.clone();
        blocking(py, async move {
            let mut guard = inner.lock().await;
            let stream = guard.as_mut().ok_or_else(consumed)?;
            Ok(PySchemaInfo {
                schema: stream.schema().await?,
            })
        })
    }

    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let inner = self.inner.clone();
        let (stream, schema) = blocking(py, async move {
            let mut stream = inner.lock().await.take().ok_or_else(consumed)?;
            let schema = stream.schema().await?;
            Ok((stream, schema))
        })?;
        let reader = StreamReader {
            stream,
            field: struct_field(&schema),
            pending: VecDeque::new(),
            totals: self.totals.clone(),
        };
        Ok(to_stream_pycapsule(py, Box::new(reader), requested_schema)?)
    }

    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = self.schema(py)?.schema;
        Ok(to_schema_pycapsule(py, schema.as_ref())?)
    }

    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// Cumulative over the parts pulled so far.
    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        read_stats_dict(py, &self.totals.get())
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<PyTable> {
        let (inner, totals) = (self.inner.clone(), self.totals.clone());
        match blocking(py, next_table(inner, totals))? {
            Some(table) => Ok(table.into()),
            None => Err(PyStopIteration::new_err(())),
        }
    }

    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (inner, totals) = (self.inner.clone(), self.totals.clone());
        awaitable(py, async move {
            match next_table(inner, totals).await? {
                Some(table) => Ok(PyTable::from(table)),
                None => Err(CoreError::Python(PyStopAsyncIteration::new_err(()))),
            }
        })
    }

    fn read_all(&self, py: Python<'_>) -> PyResult<PyTable> {
        let (inner, totals) = (self.inner.clone(), self.totals.clone());
        blocking(py, async move {
            let mut guard = inner.lock().await;
            let stream = guard.as_mut().ok_or_else(consumed)?;
            let schema = stream.schema().await?;
            let mut table = TableData {
                schema,
                batches: Vec::new(),
                nulled: 0,
                stats: ReadStats::default(),
            };
            while let Some(part) = stream.next().await? {
                totals.add(part.stats);
                table.stats += part.stats;
                table.nulled += part.nulled;
                table.batches.extend(part.batches);
            }
            Ok(PyTable::from(table))
        })
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let inner = self.inner.clone();
        blocking(py, async move {
            if let Some(stream) = inner.lock().await.as_mut() {
                stream.close();
            }
            Ok(())
        })
    }
}
