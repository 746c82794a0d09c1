//! Model instances -> BSON: pydantic models written straight from their field values.
//!
//! The ODM's general write path dumps a model with pydantic (`model_dump(by_alias=True)`),
//! rewrites the dump for BSON in Python, then encodes the dict. For models whose fields have no
//! custom serializer, every step but the last is a copy: this module reads the instance's field
//! values through a [`PyModelLayout`] (field name, storage key and declared shape, derived once
//! per class by `data_bridge.odm.fast_encode`) and writes the bytes the general path would.
//!
//! Anything this module does not know exactly how the general path would store (a set, a
//! subclass instance where a model is declared, a type without a fixed BSON form) makes
//! [`encode_models`] return `None`: the caller then takes the general path, which stores (or
//! refuses) the value as it always did. So this path never stores something different; it only
//! stores the same thing sooner.

use std::fmt::Write as _;

use bson::oid::ObjectId;
use bson::RawDocumentBuf;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateAccess, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString,
    PyTuple, PyType,
};

use super::{
    datetime_millis, types, Fail, Keys, Result, Writer, ARRAY, BOOLEAN, DATETIME, DOCUMENT, DOUBLE,
    MAX_DEPTH, NULL, OBJECT_ID, STRING,
};
use crate::convert::from_bson::raw_document_to_py;
use crate::convert::pytypes::import;
use crate::convert::time::days_from_civil;
use crate::error::invalid_input;

/// How a declared field type is written.
enum Shape {
    /// Written by the value's runtime type (scalars, `Any`, unions of scalars).
    Value,
    /// An embedded model of exactly this class.
    Model(ModelShape),
    /// A list or homogeneous tuple.
    List(Box<Shape>),
    /// A `dict[str, ...]`.
    Dict(Box<Shape>),
}

struct ModelShape {
    class: Py<PyType>,
    fields: Vec<FieldShape>,
}

struct FieldShape {
    name: Py<PyString>,
    key: String,
    shape: Shape,
}

/// Standard-library classes the model path converts the way `data_bridge.odm.encoder` does.
struct ModelTypes {
    enumeration: Py<PyType>,
    timedelta: Py<PyType>,
    time: Py<PyType>,
}

static MODEL_TYPES: PyOnceLock<ModelTypes> = PyOnceLock::new();

fn model_types(py: Python<'_>) -> PyResult<&ModelTypes> {
    MODEL_TYPES.get_or_try_init(py, || {
        Ok(ModelTypes {
            enumeration: import(py, "enum", "Enum")?,
            timedelta: import(py, "datetime", "timedelta")?,
            time: import(py, "datetime", "time")?,
        })
    })
}

/// Parses one shape spec: `None` (by value), `("model", cls, fields)`, `("list", shape)` or
/// `("dict", shape)`.
fn parse_shape(spec: &Bound<'_, PyAny>) -> PyResult<Shape> {
    if spec.is_none() {
        return Ok(Shape::Value);
    }
    let tuple = spec
        .cast::<PyTuple>()
        .map_err(|_| invalid_input("a layout shape is None or a tuple"))?;
    let kind: String = tuple.get_item(0)?.extract()?;
    match kind.as_str() {
        "model" => Ok(Shape::Model(ModelShape {
            class: tuple.get_item(1)?.cast_into::<PyType>()?.unbind(),
            fields: parse_fields(&tuple.get_item(2)?)?,
        })),
        "list" => Ok(Shape::List(Box::new(parse_shape(&tuple.get_item(1)?)?))),
        "dict" => Ok(Shape::Dict(Box::new(parse_shape(&tuple.get_item(1)?)?))),
        other => Err(invalid_input(format!("unknown layout shape {other:?}"))),
    }
}

/// Parses `[(name, key, shape), ...]`.
fn parse_fields(spec: &Bound<'_, PyAny>) -> PyResult<Vec<FieldShape>> {
    let mut fields = Vec::new();
    for item in spec.try_iter()? {
        let item = item?;
        let (name, key, shape): (Bound<'_, PyString>, String, Bound<'_, PyAny>) = item.extract()?;
        if key.contains('\0') || key.starts_with('$') {
            return Err(invalid_input(format!(
                "field key {key:?} cannot be stored (NUL byte or leading '$')"
            )));
        }
        fields.push(FieldShape {
            name: name.unbind(),
            key,
            shape: parse_shape(&shape)?,
        });
    }
    Ok(fields)
}

/// How a document class is written: its fields in order, where its id is, what is appended.
#[pyclass(module = "data_bridge._engine", name = "ModelLayout", frozen)]
pub struct PyModelLayout {
    fields: Vec<FieldShape>,
    id_name: Py<PyString>,
    id_class: Option<Py<PyType>>,
    revision_name: Option<Py<PyString>>,
    class_id: Option<(String, String)>,
}

#[pymethods]
impl PyModelLayout {
    #[new]
    #[pyo3(signature = (fields, *, id_field, id_class = None, revision_field = None, class_id = None))]
    fn new(
        fields: &Bound<'_, PyAny>,
        id_field: Bound<'_, PyString>,
        id_class: Option<Bound<'_, PyType>>,
        revision_field: Option<Bound<'_, PyString>>,
        class_id: Option<(String, String)>,
    ) -> PyResult<Self> {
        Ok(Self {
            fields: parse_fields(fields)?,
            id_name: id_field.unbind(),
            id_class: id_class.map(Bound::unbind),
            revision_name: revision_field.map(Bound::unbind),
            class_id,
        })
    }
}

/// Encoded documents ready to insert, with their ids; frozen, so they can also serve as the
/// documents' saved state (decoded on demand by [`PyEncodedDocuments::document`]).
#[pyclass(module = "data_bridge._engine", name = "EncodedDocuments", frozen)]
pub struct PyEncodedDocuments {
    pub(crate) docs: Vec<RawDocumentBuf>,
    pub(crate) ids: Vec<Py<PyAny>>,
    pub(crate) generated: Vec<bool>,
}

#[pymethods]
impl PyEncodedDocuments {
    fn __len__(&self) -> usize {
        self.docs.len()
    }

    /// The `_id` of each document, in input order.
    #[getter]
    fn ids(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.ids.iter().map(|id| id.clone_ref(py)).collect()
    }

    /// Whether each document's id was generated here (it had none).
    #[getter]
    fn generated(&self) -> Vec<bool> {
        self.generated.clone()
    }

    /// Document `index` decoded into a dict (as `find_raw` returns it).
    fn document<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyDict>> {
        let doc = self
            .docs
            .get(index)
            .ok_or_else(|| invalid_input(format!("no encoded document {index}")))?;
        raw_document_to_py(py, doc)
    }

    /// Size in bytes of every document's BSON.
    #[getter]
    fn nbytes(&self) -> usize {
        self.docs.iter().map(|d| d.as_bytes().len()).sum()
    }
}

impl PyEncodedDocuments {
    /// The documents and ids for an insert.
    pub(crate) fn for_insert(&self, py: Python<'_>) -> (Vec<RawDocumentBuf>, Vec<Py<PyAny>>) {
        (self.docs.clone(), self.ids(py))
    }
}

struct ModelWriter<'a, 'w> {
    w: &'a mut Writer<'w>,
    extra: &'a ModelTypes,
    keep_nulls: bool,
}

impl ModelWriter<'_, '_> {
    fn field_value<'py>(
        values: &Bound<'py, PyDict>,
        field: &FieldShape,
    ) -> Result<Bound<'py, PyAny>> {
        // A lazily loaded document with unread fields: the general path materialises them.
        values
            .get_item(field.name.bind(values.py()))?
            .ok_or_else(|| Fail::invalid("field not materialised"))
    }

    /// Writes the fields of a model instance (its `__dict__`) as a document body.
    fn fields(
        &mut self,
        values: &Bound<'_, PyDict>,
        fields: &[FieldShape],
        depth: usize,
    ) -> Result<()> {
        for field in fields {
            let value = Self::field_value(values, field)?;
            if value.is_none() && !self.keep_nulls {
                continue;
            }
            self.shaped(&field.key, &value, &field.shape, depth)?;
        }
        Ok(())
    }

    fn shaped(
        &mut self,
        key: &str,
        value: &Bound<'_, PyAny>,
        shape: &Shape,
        depth: usize,
    ) -> Result<()> {
        if value.is_none() {
            return self.w.element(NULL, key);
        }
        match shape {
            Shape::Value => self.value(key, value, depth),
            Shape::Model(model) => {
                // pydantic writes an instance of a subclass as the declared class: leave that
                // (and anything that is not an instance) to it.
                if !value.get_type().is(model.class.bind(value.py())) {
                    return Err(Fail::invalid("not an instance of the declared model"));
                }
                if depth >= MAX_DEPTH {
                    return Err(Fail::invalid("nested too deeply"));
                }
                let dict = instance_dict(value)?;
                let dict = dict.cast::<PyDict>().map_err(PyErr::from)?;
                self.w.element(DOCUMENT, key)?;
                let at = self.w.begin();
                self.fields(dict, &model.fields, depth + 1)?;
                self.w.end(at)
            }
            Shape::List(item) => {
                if let Ok(list) = value.cast_exact::<PyList>() {
                    self.array(key, list.iter(), item, depth)
                } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
                    self.array(key, tuple.iter(), item, depth)
                } else {
                    Err(Fail::invalid("not a list"))
                }
            }
            Shape::Dict(item) => {
                let dict = value
                    .cast_exact::<PyDict>()
                    .map_err(|_| Fail::invalid("not a dict"))?;
                self.dict(key, dict, item, depth)
            }
        }
    }

    fn array<'py>(
        &mut self,
        key: &str,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        shape: &Shape,
        depth: usize,
    ) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Err(Fail::invalid("nested too deeply"));
        }
        self.w.element(ARRAY, key)?;
        let at = self.w.begin();
        let mut index = String::new();
        for (i, item) in items.enumerate() {
            index.clear();
            // Writing into the reused buffer: `to_string` allocated once per array element.
            let _ = write!(index, "{i}");
            self.shaped(&index, &item, shape, depth + 1)?;
        }
        self.w.end(at)
    }

    fn dict(
        &mut self,
        key: &str,
        dict: &Bound<'_, PyDict>,
        shape: &Shape,
        depth: usize,
    ) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Err(Fail::invalid("nested too deeply"));
        }
        self.w.element(DOCUMENT, key)?;
        let at = self.w.begin();
        for (k, v) in dict.iter() {
            // The general path writes str(key) for str subclasses (enums): not the same bytes.
            let k = k
                .cast_exact::<PyString>()
                .map_err(|_| Fail::invalid("key is not a str"))?;
            let k = k.to_str()?;
            self.w.check_key(k, depth + 1)?;
            self.shaped(k, &v, shape, depth + 1)?;
        }
        self.w.end(at)
    }

    /// A value written by its runtime type, as `encoder.encode` + the dict encoder would.
    fn value(&mut self, key: &str, value: &Bound<'_, PyAny>, depth: usize) -> Result<()> {
        if let Ok(s) = value.cast_exact::<PyString>() {
            self.w.element(STRING, key)?;
            return self.w.string(s.to_str()?);
        }
        if let Ok(b) = value.cast_exact::<PyBool>() {
            self.w.element(BOOLEAN, key)?;
            self.w.buf.push(u8::from(b.is_true()));
            return Ok(());
        }
        if value.cast_exact::<PyInt>().is_ok() {
            return self.w.int(key, value, false);
        }
        if let Ok(f) = value.cast_exact::<PyFloat>() {
            self.w.element(DOUBLE, key)?;
            self.w.buf.extend_from_slice(&f.value().to_le_bytes());
            return Ok(());
        }
        if let Ok(dt) = value.cast_exact::<PyDateTime>() {
            self.w.element(DATETIME, key)?;
            let ms = datetime_millis(dt)?;
            self.w.buf.extend_from_slice(&ms.to_le_bytes());
            return Ok(());
        }
        let py = value.py();
        let t = types(py)?;
        if value.is_instance(t.object_id.bind(py))? {
            let binary = value.getattr("binary")?;
            let bytes = binary.cast::<PyBytes>().map_err(PyErr::from)?.as_bytes();
            self.w.element(OBJECT_ID, key)?;
            self.w.buf.extend_from_slice(bytes);
            return Ok(());
        }
        if let Ok(dict) = value.cast_exact::<PyDict>() {
            return self.dict(key, dict, &Shape::Value, depth);
        }
        if let Ok(list) = value.cast_exact::<PyList>() {
            return self.array(key, list.iter(), &Shape::Value, depth);
        }
        if let Ok(tuple) = value.cast_exact::<PyTuple>() {
            return self.array(key, tuple.iter(), &Shape::Value, depth);
        }
        let extra = self.extra;
        if value.is_instance(extra.enumeration.bind(py))? {
            return self.value(key, &value.getattr("value")?, depth);
        }
        if value.cast_exact::<PyDate>().is_ok() {
            let date = value.cast::<PyDate>().map_err(PyErr::from)?;
            let days = days_from_civil(
                i64::from(date.get_year()),
                i64::from(date.get_month()),
                i64::from(date.get_day()),
            );
            self.w.element(DATETIME, key)?;
            self.w
                .buf
                .extend_from_slice(&(days * 86_400_000).to_le_bytes());
            return Ok(());
        }
        if value.get_type().is(extra.timedelta.bind(py)) {
            let seconds: f64 = value.call_method0("total_seconds")?.extract()?;
            self.w.element(DOUBLE, key)?;
            self.w.buf.extend_from_slice(&seconds.to_le_bytes());
            return Ok(());
        }
        if value.get_type().is(extra.time.bind(py)) {
            let text: String = value.call_method0("isoformat")?.extract()?;
            self.w.element(STRING, key)?;
            return self.w.string(&text);
        }
        // Exactly the types the general path hands to the dict encoder unchanged.
        let native = [
            &t.uuid,
            &t.decimal,
            &t.decimal128,
            &t.binary,
            &t.int64,
            &t.timestamp,
            &t.code,
            &t.regex,
            &t.min_key,
            &t.max_key,
            &t.dbref,
        ];
        let kind = value.get_type();
        if native.iter().any(|ty| kind.is(ty.bind(py))) || value.cast_exact::<PyBytes>().is_ok() {
            return self.w.value(key, value, depth);
        }
        Err(Fail::invalid("no fixed BSON form for this type here"))
    }
}

/// The instance dict of a (declared-class) model instance: read through the type's generic
/// getter, without looking `__dict__` up on the class first.
fn instance_dict<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: `value` is a live object; PyObject_GenericGetDict returns a new reference to its
    // instance dict (creating it if needed) or NULL with an exception set.
    unsafe {
        Bound::from_owned_ptr_or_err(
            value.py(),
            pyo3::ffi::PyObject_GenericGetDict(value.as_ptr(), std::ptr::null_mut()),
        )
    }
}

/// A new ObjectId as an instance of `class` (an `ObjectId` subclass).
/// An instance of `class` holding `oid`. For `bson.ObjectId` and its subclasses the id's bytes
/// go straight into the slot `ObjectId.__init__` fills: running `__init__` (and a subclass's
/// validating override) was a third of an ODM insert's encoding time.
fn new_object_id<'py>(class: &Bound<'py, PyType>, oid: &ObjectId) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let bytes = PyBytes::new(py, &oid.bytes());
    if !class.is_subclass(types(py)?.object_id.bind(py))? {
        return class.call1((bytes,));
    }
    let id = class.call_method1(intern!(py, "__new__"), (class,))?;
    crate::instances::set_generic(&id, intern!(py, "_ObjectId__id"), bytes.as_any())?;
    Ok(id)
}

enum Encoded {
    Done(RawDocumentBuf, Py<PyAny>, bool),
    Unsupported,
}

fn encode_one(
    py: Python<'_>,
    layout: &PyModelLayout,
    values: &Bound<'_, PyDict>,
    extra: &ModelTypes,
    keep_nulls: bool,
) -> PyResult<Encoded> {
    let mut w = Writer {
        buf: Vec::with_capacity(256),
        types: types(py)?,
        keys: Keys::Stored,
    };
    let id_name = layout.id_name.bind(py);
    let existing = values.get_item(id_name)?.filter(|id| !id.is_none());
    let at = w.begin();
    let (id, generated) = match existing {
        Some(id) => (id, false),
        None => {
            let Some(class) = &layout.id_class else {
                return Ok(Encoded::Unsupported);
            };
            let oid = crate::convert::object_id::new_object_id();
            if w.element(OBJECT_ID, "_id").is_err() {
                return Ok(Encoded::Unsupported);
            }
            w.buf.extend_from_slice(&oid.bytes());
            (new_object_id(class.bind(py), &oid)?, true)
        }
    };
    let mut mw = ModelWriter {
        w: &mut w,
        extra,
        keep_nulls,
    };
    let written = (|| -> Result<()> {
        for field in &layout.fields {
            let value = ModelWriter::field_value(values, field)?;
            // `_id: None` is never stored (the server or this function gives one).
            if value.is_none() && (!mw.keep_nulls || field.key == "_id") {
                continue;
            }
            mw.shaped(&field.key, &value, &field.shape, 0)?;
        }
        if let Some(name) = &layout.revision_name {
            let revision = values
                .get_item(name.bind(py))?
                .unwrap_or_else(|| py.None().into_bound(py));
            mw.shaped("revision_id", &revision, &Shape::Value, 0)?;
        }
        if let Some((key, value)) = &layout.class_id {
            mw.w.element(STRING, key)?;
            mw.w.string(value)?;
        }
        mw.w.end(at)
    })();
    match written {
        Ok(()) => {}
        // A Python error raised while reading a value is the general path's to report too.
        Err(Fail::Invalid { .. } | Fail::Python(_)) => return Ok(Encoded::Unsupported),
    }
    match RawDocumentBuf::from_bytes(w.buf) {
        Ok(doc) => Ok(Encoded::Done(doc, id.unbind(), generated)),
        Err(_) => Ok(Encoded::Unsupported),
    }
}

/// Encodes model instances (given as their field dicts) by `layout`; `None` when any value
/// needs the general path. Ids missing from a document are generated (`layout`'s id class).
#[pyfunction]
#[pyo3(signature = (values, layout, *, keep_nulls))]
pub fn encode_models(
    py: Python<'_>,
    values: &Bound<'_, PyList>,
    layout: &Bound<'_, PyModelLayout>,
    keep_nulls: bool,
) -> PyResult<Option<PyEncodedDocuments>> {
    let layout = layout.get();
    let extra = model_types(py)?;
    let mut docs = Vec::with_capacity(values.len());
    let mut ids = Vec::with_capacity(values.len());
    let mut generated = Vec::with_capacity(values.len());
    for item in values.iter() {
        let Ok(dict) = item.cast::<PyDict>() else {
            return Err(invalid_input("encode_models takes a list of field dicts"));
        };
        match encode_one(py, layout, dict, extra, keep_nulls)? {
            Encoded::Done(doc, id, fresh) => {
                docs.push(doc);
                ids.push(id);
                generated.push(fresh);
            }
            Encoded::Unsupported => return Ok(None),
        }
    }
    Ok(Some(PyEncodedDocuments {
        docs,
        ids,
        generated,
    }))
}
