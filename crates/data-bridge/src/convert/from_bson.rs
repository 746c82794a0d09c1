//! BSON -> Python values (pymongo's types; datetimes naive UTC), read straight from raw bytes.

use bson::cstr;
use bson::raw::{RawBsonRef, RawDbPointerRef, RawDocument};
use bson::{Bson, Document, RawDocumentBuf};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime, PyDict, PyList};

use super::pytypes::{types, PyTypes};
use super::time::civil_from_millis;
use crate::error::{invalid_input, CoreError};
use crate::gc::GcPause;

/// Years Python's `datetime` can hold; other instants come back as `bson.DatetimeMS`.
const DATETIME_YEARS: std::ops::RangeInclusive<i64> = 1..=9999;

/// A naive UTC `datetime` (or `bson.DatetimeMS` outside datetime's range).
pub fn datetime_to_py<'py>(py: Python<'py>, ms: i64, t: &PyTypes) -> PyResult<Bound<'py, PyAny>> {
    let c = civil_from_millis(ms);
    if !DATETIME_YEARS.contains(&c.year) {
        return t.datetime_ms.bind(py).call1((ms,));
    }
    Ok(PyDateTime::new(
        py,
        c.year as i32,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.microsecond,
        None,
    )?
    .into_any())
}

/// Binary data: bytes (subtype 0), `uuid.UUID` (subtype 4, 16 bytes), else `bson.Binary`.
pub fn binary_to_py<'py>(
    py: Python<'py>,
    bytes: &[u8],
    subtype: u8,
    t: &PyTypes,
) -> PyResult<Bound<'py, PyAny>> {
    let data = PyBytes::new(py, bytes);
    match subtype {
        0 => Ok(data.into_any()),
        4 if bytes.len() == 16 => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("bytes", data)?;
            t.uuid.bind(py).call((), Some(&kwargs))
        }
        _ => t.binary.bind(py).call1((data, subtype)),
    }
}

/// One BSON value.
pub fn value_to_py<'py>(
    py: Python<'py>,
    value: RawBsonRef<'_>,
    t: &PyTypes,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        RawBsonRef::Double(f) => f.into_pyobject(py)?.into_any(),
        RawBsonRef::String(s) | RawBsonRef::Symbol(s) => s.into_pyobject(py)?.into_any(),
        RawBsonRef::Document(d) => raw_document_to_py_with(py, d, t)?.into_any(),
        RawBsonRef::Array(a) => {
            let list = PyList::empty(py);
            for item in a {
                list.append(value_to_py(py, item.map_err(bson_error)?, t)?)?;
            }
            list.into_any()
        }
        RawBsonRef::Boolean(b) => b.into_pyobject(py)?.to_owned().into_any(),
        RawBsonRef::Null | RawBsonRef::Undefined => py.None().into_bound(py),
        RawBsonRef::RegularExpression(r) => t
            .regex
            .bind(py)
            .call1((r.pattern.as_str(), r.options.as_str()))?,
        RawBsonRef::JavaScriptCode(code) => t.code.bind(py).call1((code,))?,
        RawBsonRef::JavaScriptCodeWithScope(c) => {
            let scope = raw_document_to_py_with(py, c.scope, t)?;
            t.code.bind(py).call1((c.code, scope))?
        }
        RawBsonRef::Int32(i) => i.into_pyobject(py)?.into_any(),
        RawBsonRef::Int64(i) => i.into_pyobject(py)?.into_any(),
        RawBsonRef::Timestamp(ts) => t.timestamp.bind(py).call1((ts.time, ts.increment))?,
        RawBsonRef::Binary(b) => binary_to_py(py, b.bytes, u8::from(b.subtype), t)?,
        RawBsonRef::ObjectId(oid) => t
            .object_id
            .bind(py)
            .call1((PyBytes::new(py, &oid.bytes()),))?,
        RawBsonRef::DateTime(dt) => datetime_to_py(py, dt.timestamp_millis(), t)?,
        RawBsonRef::Decimal128(d) => t
            .decimal128
            .bind(py)
            .call_method1("from_bid", (PyBytes::new(py, &d.bytes()),))?,
        RawBsonRef::MaxKey => t.max_key.bind(py).call0()?,
        RawBsonRef::MinKey => t.min_key.bind(py).call0()?,
        RawBsonRef::DbPointer(pointer) => {
            let (namespace, id) = db_pointer_parts(pointer)?;
            db_pointer_to_py(py, &namespace, &id, t)?
        }
    })
}

/// A DBPointer as pymongo decodes it: `DBRef(namespace, ObjectId(id))`.
pub fn db_pointer_to_py<'py>(
    py: Python<'py>,
    namespace: &str,
    id: &[u8],
    t: &PyTypes,
) -> PyResult<Bound<'py, PyAny>> {
    let id = t.object_id.bind(py).call1((PyBytes::new(py, id),))?;
    t.dbref.bind(py).call1((namespace, id))
}

/// The namespace and ObjectId bytes of a DBPointer. bson's raw API keeps both private, so they
/// are read back from the value's own encoding: `{v: <dbPointer>}` is the document length
/// (4 bytes), type and key (`0x0C v 0`), the namespace as a BSON string (length incl. NUL, bytes,
/// NUL), then the 12 ObjectId bytes.
fn db_pointer_parts(pointer: RawDbPointerRef<'_>) -> PyResult<(String, Vec<u8>)> {
    const NAMESPACE_AT: usize = 7;
    let mut doc = RawDocumentBuf::new();
    doc.append(cstr!("v"), RawBsonRef::DbPointer(pointer));
    let bytes = doc.as_bytes();
    let malformed = || invalid_input("invalid DBPointer from the server");
    let length = bytes
        .get(NAMESPACE_AT..NAMESPACE_AT + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(i32::from_le_bytes)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n >= 1)
        .ok_or_else(malformed)?;
    let start = NAMESPACE_AT + 4;
    let namespace = bytes.get(start..start + length - 1).ok_or_else(malformed)?;
    let namespace = std::str::from_utf8(namespace).map_err(|_| malformed())?;
    let id = bytes
        .get(start + length..start + length + 12)
        .ok_or_else(malformed)?;
    Ok((namespace.to_owned(), id.to_vec()))
}

fn bson_error(e: bson::error::Error) -> PyErr {
    invalid_input(format!("invalid BSON from the server: {e}"))
}

/// Validates a document from the server before any Python object is built from it: bad bytes
/// (lengths, UTF-8, element types, nesting past the limit) raise DecodeError with the row and
/// path instead of a half-built dict, and the recursion below stays within the nesting limit.
fn checked(doc: &RawDocument, row: usize) -> PyResult<()> {
    data_bridge_mongodb::data_bridge_arrow::validate_document(doc.as_bytes(), row)
        .map_err(|e| PyErr::from(CoreError::Engine(e.into())))
}

fn raw_document_to_py_with<'py>(
    py: Python<'py>,
    doc: &RawDocument,
    t: &PyTypes,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for element in doc {
        let (key, value) = element.map_err(bson_error)?;
        dict.set_item(key.as_str(), value_to_py(py, value, t)?)?;
    }
    Ok(dict)
}

/// A raw document as a dict.
pub fn raw_document_to_py<'py>(py: Python<'py>, doc: &RawDocument) -> PyResult<Bound<'py, PyDict>> {
    checked(doc, 0)?;
    raw_document_to_py_with(py, doc, types(py)?)
}

/// A `bson::Document` as a dict.
pub fn document_to_py<'py>(py: Python<'py>, doc: &Document) -> PyResult<Bound<'py, PyAny>> {
    let raw = RawDocumentBuf::try_from(doc).map_err(bson_error)?;
    Ok(raw_document_to_py(py, &raw)?.into_any())
}

/// A `bson::Bson` value as a Python value.
pub fn bson_to_py<'py>(py: Python<'py>, value: &Bson) -> PyResult<Bound<'py, PyAny>> {
    let mut doc = Document::new();
    doc.insert("v", value.clone());
    let raw = RawDocumentBuf::try_from(&doc).map_err(bson_error)?;
    match raw.get("v").map_err(bson_error)? {
        Some(v) => value_to_py(py, v, types(py)?),
        None => Ok(py.None().into_bound(py)),
    }
}

/// Raw documents as a list of dicts (`IntoPyObject` once the GIL is back).
pub struct PyDocuments(pub Vec<RawDocumentBuf>);

impl<'py> IntoPyObject<'py> for PyDocuments {
    type Target = PyList;
    type Output = Bound<'py, PyList>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let t = types(py)?;
        let list = PyList::empty(py);
        let _pause = GcPause::new(py);
        for (row, doc) in self.0.iter().enumerate() {
            checked(doc, row)?;
            list.append(raw_document_to_py_with(py, doc, t)?)?;
        }
        Ok(list)
    }
}

/// An optional raw document as a dict or None.
pub struct PyOptionalDocument(pub Option<RawDocumentBuf>);

impl<'py> IntoPyObject<'py> for PyOptionalDocument {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        match self.0 {
            Some(doc) => Ok(raw_document_to_py(py, &doc)?.into_any()),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// `Bson` values as a list.
pub struct PyValues(pub Vec<Bson>);

impl<'py> IntoPyObject<'py> for PyValues {
    type Target = PyList;
    type Output = Bound<'py, PyList>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let list = PyList::empty(py);
        for value in &self.0 {
            list.append(bson_to_py(py, value)?)?;
        }
        Ok(list)
    }
}
