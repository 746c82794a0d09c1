//! Arrow struct columns -> embedded pydantic model instances, built without validation.
//!
//! Reading an embedded-model field of a query result used to mean: Arrow struct -> dicts here,
//! then pydantic validating every dict back into a model. For a model whose fields are plain
//! scalars, lists and other such models (no validators, constraints or config that transforms
//! values; decided once per class by `data_bridge.odm.codecs`), validating a value the codec
//! already typed is an identity: this module builds the instances directly, the way
//! `model_construct` does, from values of exactly the declared types.
//!
//! Whenever a value is not what validation would pass through untouched (a null where the model
//! requires a value, an Arrow type other than the declared one, a datetime outside Python's
//! range), [`model_column`] returns `None` and the caller validates the column with pydantic as
//! before, so any error a user sees is still pydantic's.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Field};
use data_bridge_mongodb::data_bridge_arrow::extension as ext;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyFrozenSet, PyList, PyString, PyTuple, PyType};

use super::from_arrow::per_row;
use super::from_bson::datetime_to_py;
use super::pytypes::{types, PyTypes};
use crate::gc::GcPause;
use crate::instances::{set_copy, set_dict, set_generic};

/// A declared field type this module can build values for.
enum Kind {
    Str,
    Int,
    Float,
    Bool,
    Datetime,
    Model(ModelShape),
    List(Box<Item>),
}

/// A declared type plus what a null becomes: the default (field left unset), `None` when the
/// type is optional, else the column goes back to pydantic.
struct Item {
    kind: Kind,
    nullable: bool,
    default: Option<Py<PyAny>>,
}

struct ModelShape {
    class: Py<PyType>,
    fields: Vec<FieldShape>,
    /// Every field name: each instance's `__pydantic_fields_set__` starts as a copy.
    names: Py<PyFrozenSet>,
    extra_allowed: bool,
}

struct FieldShape {
    key: String,
    name: Py<PyString>,
    item: Item,
}

/// The shape of a model-typed field's values, built once per field by the ODM.
///
/// `spec` is `(kind, nullable, default)` for a scalar kind (`"str"`, `"int"`, `"float"`,
/// `"bool"`, `"datetime"`), `("list", nullable, default, item_spec)`, or
/// `("model", nullable, default, cls, extra_allowed, [(key, name, spec), ...])`; `default` is a
/// zero-argument callable or `None`.
#[pyclass(module = "data_bridge._engine", name = "ModelShape", frozen)]
pub struct PyModelShape {
    item: Item,
}

#[pymethods]
impl PyModelShape {
    #[new]
    fn new(spec: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            item: parse_item(spec)?,
        })
    }
}

fn parse_item(spec: &Bound<'_, PyAny>) -> PyResult<Item> {
    let spec = spec.cast::<PyTuple>()?;
    let kind_name: String = spec.get_item(0)?.extract()?;
    let nullable: bool = spec.get_item(1)?.extract()?;
    let default = spec.get_item(2)?;
    let default = (!default.is_none()).then(|| default.unbind());
    let kind = match kind_name.as_str() {
        "str" => Kind::Str,
        "int" => Kind::Int,
        "float" => Kind::Float,
        "bool" => Kind::Bool,
        "datetime" => Kind::Datetime,
        "list" => Kind::List(Box::new(parse_item(&spec.get_item(3)?)?)),
        "model" => {
            let class = spec.get_item(3)?.cast_into::<PyType>()?.unbind();
            let extra_allowed: bool = spec.get_item(4)?.extract()?;
            let mut fields = Vec::new();
            let mut names = Vec::new();
            for field in spec.get_item(5)?.try_iter()? {
                let field = field?;
                let field = field.cast::<PyTuple>()?;
                let name = field.get_item(1)?.cast_into::<PyString>()?;
                names.push(name.clone());
                fields.push(FieldShape {
                    key: field.get_item(0)?.extract()?,
                    name: name.unbind(),
                    item: parse_item(&field.get_item(2)?)?,
                });
            }
            let names = PyFrozenSet::new(spec.py(), &names)?.unbind();
            Kind::Model(ModelShape {
                class,
                fields,
                names,
                extra_allowed,
            })
        }
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown model shape kind {other:?}"
            )))
        }
    };
    Ok(Item {
        kind,
        nullable,
        default,
    })
}

type Values<'py> = Vec<Bound<'py, PyAny>>;

/// Why a column was not built here.
enum Miss {
    /// A Python error, raised to the caller.
    Error(PyErr),
    /// A value the shape cannot build exactly: the caller validates the column with pydantic.
    Fallback,
}

impl From<std::convert::Infallible> for Miss {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<PyErr> for Miss {
    fn from(e: PyErr) -> Self {
        Self::Error(e)
    }
}

type Built<T> = Result<T, Miss>;

/// The values of a whole top-level column for a model-typed field (`None`: validate it with
/// pydantic). Top-level nulls come back as `None`; the ODM applies the field's own rule.
pub fn model_column<'py>(
    py: Python<'py>,
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    name: &str,
    shape: &PyModelShape,
) -> PyResult<Option<Bound<'py, PyList>>> {
    let Ok(index) = schema.index_of(name) else {
        return Ok(None);
    };
    let field = schema.field(index);
    let t = types(py)?;
    let slots = Slots::new(py)?;
    let _pause = GcPause::new(py);
    let mut out = Vec::new();
    for batch in batches {
        match values(
            py,
            batch.column(index).as_ref(),
            field,
            &shape.item,
            t,
            &slots,
        ) {
            Ok(values) => out.extend(values),
            Err(Miss::Fallback) => return Ok(None),
            Err(Miss::Error(e)) => return Err(e),
        }
    }
    Ok(Some(PyList::new(py, out)?))
}

/// pydantic's instance slots on `BaseModel`, set through their descriptors.
struct Slots<'py> {
    object_new: Bound<'py, PyAny>,
    fields_set: Bound<'py, PyString>,
    extra: Bound<'py, PyString>,
    private: Bound<'py, PyString>,
}

impl<'py> Slots<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(Self {
            object_new: py
                .get_type::<pyo3::types::PyAny>()
                .getattr(intern!(py, "__new__"))?,
            fields_set: intern!(py, "__pydantic_fields_set__").clone(),
            extra: intern!(py, "__pydantic_extra__").clone(),
            private: intern!(py, "__pydantic_private__").clone(),
        })
    }
}

fn extension(field: &Field) -> Option<&str> {
    field.metadata().get(ext::NAME_KEY).map(String::as_str)
}

/// One value per element of `array` for `item` (`None` where the array is null and the item
/// allows it); a [`Fallback`] when a value cannot be built exactly.
fn values<'py>(
    py: Python<'py>,
    array: &dyn Array,
    field: &Field,
    item: &Item,
    t: &PyTypes,
    slots: &Slots<'py>,
) -> Built<Values<'py>> {
    if extension(field).is_some() {
        return Err(Miss::Fallback);
    }
    // Nulls stay None here: whether one is allowed depends on the parent (a struct's children
    // are null wherever the struct itself is), so `build` and the list arm decide.
    match (&item.kind, array.data_type()) {
        (Kind::Str, DataType::Utf8) => {
            let a = array.as_string::<i32>();
            per_row(py, array, |i| Ok(PyString::new(py, a.value(i)).into_any()))
        }
        (Kind::Int, DataType::Int64) => {
            let a = array.as_primitive::<Int64Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        (Kind::Int, DataType::Int32) => {
            let a = array.as_primitive::<Int32Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        (Kind::Float, DataType::Float64) => {
            let a = array.as_primitive::<Float64Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        (Kind::Bool, DataType::Boolean) => {
            let a = array.as_boolean();
            per_row(py, array, |i| {
                Ok(a.value(i).into_pyobject(py)?.to_owned().into_any())
            })
        }
        (Kind::Datetime, DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, _)) => {
            let a = array.as_primitive::<arrow_array::types::TimestampMillisecondType>();
            per_row(py, array, |i| {
                let value = datetime_to_py(py, a.value(i), t)?;
                // Out of Python's range it is a DatetimeMS, which validation would refuse.
                if value.is_instance_of::<PyDateTime>() {
                    Ok(value)
                } else {
                    Err(Miss::Fallback)
                }
            })
        }
        (Kind::List(inner), DataType::List(child)) => {
            let a = array.as_list::<i32>();
            let children = a.values();
            let items = values(py, children.as_ref(), child, inner, t, slots)?;
            let offsets = a.value_offsets();
            let nulls_allowed = inner.nullable;
            per_row(py, array, |i| {
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                if !nulls_allowed && (start..end).any(|j| children.is_null(j)) {
                    return Err(Miss::Fallback);
                }
                let slice = items.get(start..end).ok_or(Miss::Fallback)?;
                Ok(PyList::new(py, slice)?.into_any())
            })
        }
        (Kind::Model(model), DataType::Struct(children)) => {
            let a = array.as_struct();
            // An extra="allow" model's unknown stored keys: the struct's rest column.
            let extras = match children
                .iter()
                .position(|f| extension(f) == Some(ext::REST))
            {
                Some(p) if model.extra_allowed => Some(super::from_arrow::array_values(
                    py,
                    a.column(p).as_ref(),
                    &children[p],
                    t,
                )?),
                _ => None,
            };
            let mut children_of = Vec::with_capacity(model.fields.len());
            let mut columns = Vec::with_capacity(model.fields.len());
            for shape in &model.fields {
                let position = children
                    .iter()
                    .position(|f| f.name() == &shape.key)
                    .ok_or(Miss::Fallback)?;
                let child = a.column(position).as_ref();
                columns.push(values(
                    py,
                    child,
                    &children[position],
                    &shape.item,
                    t,
                    slots,
                )?);
                children_of.push(child);
            }
            per_row(py, array, |i| {
                build(
                    py,
                    model,
                    &columns,
                    &children_of,
                    extras.as_deref(),
                    i,
                    slots,
                )
            })
        }
        _ => Err(Miss::Fallback),
    }
}

/// Instance `row` of `model` from its fields' values (`children` are the fields' arrays). A
/// null takes the field's default (leaving the field unset, as a missing key does in
/// validation), stays None if the field is optional, else sends the column to pydantic.
fn build<'py>(
    py: Python<'py>,
    model: &ModelShape,
    columns: &[Values<'py>],
    children: &[&dyn Array],
    extras: Option<&[Bound<'py, PyAny>]>,
    row: usize,
    slots: &Slots<'py>,
) -> Built<Bound<'py, PyAny>> {
    let instance = slots.object_new.call1((model.class.bind(py),))?;
    let values = PyDict::new(py);
    let fields_set = set_copy(model.names.bind(py))?;
    for ((shape, column), child) in model.fields.iter().zip(columns).zip(children) {
        let name = shape.name.bind(py);
        if !child.is_null(row) {
            values.set_item(name, &column[row])?;
        } else if let Some(default) = &shape.item.default {
            values.set_item(name, default.bind(py).call0()?)?;
            fields_set.call_method1(intern!(py, "discard"), (name,))?;
        } else if shape.item.nullable {
            values.set_item(name, py.None())?;
        } else {
            return Err(Miss::Fallback);
        }
    }
    set_dict(&instance, &values)?;
    set_generic(&instance, &slots.fields_set, &fields_set)?;
    let extra = match extras.map(|e| &e[row]) {
        Some(stored) if !stored.is_none() => stored.clone(),
        _ if model.extra_allowed => PyDict::new(py).into_any(),
        _ => py.None().into_bound(py),
    };
    set_generic(&instance, &slots.extra, &extra)?;
    set_generic(&instance, &slots.private, &py.None().into_bound(py))?;
    Ok(instance)
}
