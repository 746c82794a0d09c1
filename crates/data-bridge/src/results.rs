//! Write results returned to Python.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Outcome of insert_one.
#[pyclass(module = "data_bridge._engine", name = "InsertOneResult", frozen)]
pub struct PyInsertOneResult {
    pub inserted_id: Py<PyAny>,
}

#[pymethods]
impl PyInsertOneResult {
    #[getter]
    fn inserted_id(&self, py: Python<'_>) -> Py<PyAny> {
        self.inserted_id.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "InsertOneResult(inserted_id={})",
            self.inserted_id.bind(py).repr()?
        ))
    }
}

/// Outcome of insert_many.
#[pyclass(module = "data_bridge._engine", name = "InsertManyResult", frozen)]
pub struct PyInsertManyResult {
    pub inserted_ids: Vec<Py<PyAny>>,
}

#[pymethods]
impl PyInsertManyResult {
    #[getter]
    fn inserted_ids(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.inserted_ids
            .iter()
            .map(|id| id.clone_ref(py))
            .collect()
    }

    #[getter]
    fn inserted_count(&self) -> usize {
        self.inserted_ids.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "InsertManyResult(inserted_count={})",
            self.inserted_ids.len()
        )
    }
}

/// Outcome of insert_arrow.
#[pyclass(module = "data_bridge._engine", name = "InsertArrowResult", frozen)]
pub struct PyInsertArrowResult {
    pub inserted_count: u64,
}

#[pymethods]
impl PyInsertArrowResult {
    #[getter]
    fn inserted_count(&self) -> u64 {
        self.inserted_count
    }

    fn __repr__(&self) -> String {
        format!("InsertArrowResult(inserted_count={})", self.inserted_count)
    }
}

/// Outcome of update_one / update_many / replace_one.
#[pyclass(module = "data_bridge._engine", name = "UpdateResult", frozen)]
pub struct PyUpdateResult {
    pub matched_count: u64,
    pub modified_count: u64,
    pub upserted_id: Option<Py<PyAny>>,
}

#[pymethods]
impl PyUpdateResult {
    #[getter]
    fn matched_count(&self) -> u64 {
        self.matched_count
    }

    #[getter]
    fn modified_count(&self) -> u64 {
        self.modified_count
    }

    #[getter]
    fn upserted_id(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.upserted_id.as_ref().map(|id| id.clone_ref(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "UpdateResult(matched_count={}, modified_count={}, upserted={})",
            self.matched_count,
            self.modified_count,
            self.upserted_id.is_some()
        )
    }
}

/// Outcome of delete_one / delete_many.
#[pyclass(module = "data_bridge._engine", name = "DeleteResult", frozen)]
pub struct PyDeleteResult {
    pub deleted_count: u64,
}

#[pymethods]
impl PyDeleteResult {
    #[getter]
    fn deleted_count(&self) -> u64 {
        self.deleted_count
    }

    fn __repr__(&self) -> String {
        format!("DeleteResult(deleted_count={})", self.deleted_count)
    }
}

/// Outcome of bulk_write.
#[pyclass(module = "data_bridge._engine", name = "BulkWriteResult", frozen)]
pub struct PyBulkWriteResult {
    pub inserted_count: u64,
    pub matched_count: u64,
    pub modified_count: u64,
    pub deleted_count: u64,
    pub inserted_ids: Py<PyDict>,
    pub upserted_ids: Py<PyDict>,
}

#[pymethods]
impl PyBulkWriteResult {
    #[getter]
    fn inserted_count(&self) -> u64 {
        self.inserted_count
    }

    #[getter]
    fn matched_count(&self) -> u64 {
        self.matched_count
    }

    #[getter]
    fn modified_count(&self) -> u64 {
        self.modified_count
    }

    #[getter]
    fn deleted_count(&self) -> u64 {
        self.deleted_count
    }

    #[getter]
    fn upserted_count(&self, py: Python<'_>) -> usize {
        self.upserted_ids.bind(py).len()
    }

    #[getter]
    fn inserted_ids(&self, py: Python<'_>) -> Py<PyDict> {
        self.inserted_ids.clone_ref(py)
    }

    #[getter]
    fn upserted_ids(&self, py: Python<'_>) -> Py<PyDict> {
        self.upserted_ids.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "BulkWriteResult(inserted={}, matched={}, modified={}, deleted={}, upserted={})",
            self.inserted_count,
            self.matched_count,
            self.modified_count,
            self.deleted_count,
            self.upserted_count(py)
        )
    }
}

/// An update outcome converted once the GIL is back (the upserted id is a Python value).
pub struct UpdateOutcome(pub data_bridge_mongodb::mongodb::results::UpdateResult);

impl<'py> IntoPyObject<'py> for UpdateOutcome {
    type Target = PyUpdateResult;
    type Output = Bound<'py, PyUpdateResult>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let upserted_id = match &self.0.upserted_id {
            Some(id) => Some(crate::convert::bson_to_py(py, id)?.unbind()),
            None => None,
        };
        Bound::new(
            py,
            PyUpdateResult {
                matched_count: self.0.matched_count,
                modified_count: self.0.modified_count,
                upserted_id,
            },
        )
    }
}

/// A bulk write outcome converted once the GIL is back.
pub struct BulkOutcome(pub data_bridge_mongodb::BulkWriteOutcome);

impl<'py> IntoPyObject<'py> for BulkOutcome {
    type Target = PyBulkWriteResult;
    type Output = Bound<'py, PyBulkWriteResult>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let ids = |pairs: &[(usize, bson::Bson)]| -> PyResult<Py<PyDict>> {
            let dict = PyDict::new(py);
            for (index, id) in pairs {
                dict.set_item(index, crate::convert::bson_to_py(py, id)?)?;
            }
            Ok(dict.unbind())
        };
        let o = &self.0;
        Bound::new(
            py,
            PyBulkWriteResult {
                inserted_count: o.inserted_count,
                matched_count: o.matched_count,
                modified_count: o.modified_count,
                deleted_count: o.deleted_count,
                inserted_ids: ids(&o.inserted_ids)?,
                upserted_ids: ids(&o.upserted_ids)?,
            },
        )
    }
}
