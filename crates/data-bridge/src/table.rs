//! `Table` (a materialised result) and `Schema`, exported through the Arrow PyCapsule interface.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{Field, SchemaRef};
use data_bridge_mongodb::{ReadStats, TableData};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use pyo3_arrow::ffi::{to_schema_pycapsule, to_stream_pycapsule, ArrayIterator};

use crate::convert::{
    column_values, model_column, numpy_column, read_stats_dict, row_dict, table_rows, PyModelShape,
};

/// The C stream export shared by Table and RecordBatchStream: batches as struct arrays.
pub fn stream_capsule<'py>(
    py: Python<'py>,
    schema: &SchemaRef,
    batches: Vec<RecordBatch>,
    requested_schema: Option<Bound<'py, PyCapsule>>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let field = struct_field(schema);
    let arrays: Vec<Result<ArrayRef, arrow_schema::ArrowError>> = batches
        .into_iter()
        .map(|b| Ok(Arc::new(StructArray::from(b)) as ArrayRef))
        .collect();
    let reader = Box::new(ArrayIterator::new(arrays, field));
    Ok(to_stream_pycapsule(py, reader, requested_schema)?)
}

/// A record batch stream travels as a stream of non-nullable struct arrays.
pub fn struct_field(schema: &SchemaRef) -> Arc<Field> {
    Arc::new(
        Field::new_struct("", schema.fields().clone(), false)
            .with_metadata(schema.metadata().clone()),
    )
}

/// An Arrow schema (`pyarrow.schema(s)` imports it).
#[pyclass(module = "data_bridge._engine", name = "Schema", frozen)]
pub struct PySchemaInfo {
    pub schema: SchemaRef,
}

#[pymethods]
impl PySchemaInfo {
    #[getter]
    fn names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn field_type(&self, name: &str) -> PyResult<String> {
        self.schema
            .field_with_name(name)
            .map(|f| f.data_type().to_string())
            .map_err(|_| pyo3::exceptions::PyKeyError::new_err(name.to_owned()))
    }

    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    fn __len__(&self) -> usize {
        self.schema.fields().len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PySchemaInfo>()
            .is_ok_and(|o| o.get().schema == self.schema)
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        format!("Schema({})", fields.join(", "))
    }
}

/// A materialised query result.
#[pyclass(module = "data_bridge._engine", name = "Table", frozen)]
pub struct PyTable {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub nulled: u64,
    /// What the query cost; `None` for tables not read from the server.
    pub stats: Option<ReadStats>,
}

impl From<TableData> for PyTable {
    fn from(t: TableData) -> Self {
        Self {
            schema: t.schema,
            batches: t.batches,
            nulled: t.nulled,
            stats: Some(t.stats),
        }
    }
}

impl PyTable {
    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

#[pymethods]
impl PyTable {
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows()
    }

    #[getter]
    fn num_columns(&self) -> usize {
        self.schema.fields().len()
    }

    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }

    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    #[getter]
    fn schema(&self) -> PySchemaInfo {
        PySchemaInfo {
            schema: self.schema.clone(),
        }
    }

    #[getter]
    fn nulled(&self) -> u64 {
        self.nulled
    }

    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.stats
            .as_ref()
            .map(|s| read_stats_dict(py, s))
            .transpose()
    }

    fn __len__(&self) -> usize {
        self.rows()
    }

    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        stream_capsule(py, &self.schema, self.batches.clone(), requested_schema)
    }

    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        table_rows(py, &self.schema, &self.batches)
    }

    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        column_values(py, &self.schema, &self.batches, name)
    }

    /// The column as embedded model instances (`None`: validate it with pydantic instead).
    fn model_column<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        shape: &PyModelShape,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        model_column(py, &self.schema, &self.batches, name, shape)
    }

    fn row<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyDict>> {
        let rows = self.rows();
        let resolved = if index < 0 {
            rows.checked_sub(index.unsigned_abs())
        } else {
            Some(index as usize)
        };
        match resolved.filter(|i| *i < rows) {
            Some(i) => row_dict(py, &self.schema, &self.batches, i),
            None => Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "row {index} out of range for a table of {rows} rows"
            ))),
        }
    }

    fn to_numpy<'py>(slf: &Bound<'py, Self>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let this = slf.get();
        numpy_column(
            slf.py(),
            &this.schema,
            &this.batches,
            name,
            slf.clone().into_any(),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Table(num_rows={}, columns={:?})",
            self.rows(),
            self.schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
        )
    }
}
