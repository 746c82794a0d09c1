//! Python classes the conversions check for and build, imported once per interpreter.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// pymongo's `bson` classes plus the standard library types that map to BSON.
pub struct PyTypes {
    pub object_id: Py<PyType>,
    pub decimal128: Py<PyType>,
    pub binary: Py<PyType>,
    pub regex: Py<PyType>,
    pub timestamp: Py<PyType>,
    pub code: Py<PyType>,
    pub min_key: Py<PyType>,
    pub max_key: Py<PyType>,
    pub int64: Py<PyType>,
    pub dbref: Py<PyType>,
    pub datetime_ms: Py<PyType>,
    pub raw_bson_document: Py<PyType>,
    pub uuid: Py<PyType>,
    pub decimal: Py<PyType>,
    pub date: Py<PyType>,
    pub re_pattern: Py<PyType>,
}

static TYPES: PyOnceLock<PyTypes> = PyOnceLock::new();

/// `module.name`, which must be a class.
pub(crate) fn import(py: Python<'_>, module: &str, name: &str) -> PyResult<Py<PyType>> {
    Ok(py
        .import(module)?
        .getattr(name)?
        .cast_into::<PyType>()?
        .unbind())
}

/// The cached classes (imports `bson`, `uuid`, `decimal`, `re` on first use).
pub fn types(py: Python<'_>) -> PyResult<&PyTypes> {
    TYPES.get_or_try_init(py, || {
        Ok(PyTypes {
            object_id: import(py, "bson", "ObjectId")?,
            decimal128: import(py, "bson", "Decimal128")?,
            binary: import(py, "bson", "Binary")?,
            regex: import(py, "bson", "Regex")?,
            timestamp: import(py, "bson", "Timestamp")?,
            code: import(py, "bson", "Code")?,
            min_key: import(py, "bson", "MinKey")?,
            max_key: import(py, "bson", "MaxKey")?,
            int64: import(py, "bson", "Int64")?,
            dbref: import(py, "bson", "DBRef")?,
            datetime_ms: import(py, "bson.datetime_ms", "DatetimeMS")?,
            raw_bson_document: import(py, "bson.raw_bson", "RawBSONDocument")?,
            uuid: import(py, "uuid", "UUID")?,
            decimal: import(py, "decimal", "Decimal")?,
            date: import(py, "datetime", "date")?,
            re_pattern: import(py, "re", "Pattern")?,
        })
    })
}

/// Whether `obj` is an instance of `ty`.
pub fn is(obj: &Bound<'_, PyAny>, ty: &Py<PyType>) -> bool {
    obj.is_instance(ty.bind(obj.py())).unwrap_or(false)
}
