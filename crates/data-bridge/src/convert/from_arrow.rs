//! Arrow columns -> Python values, converted column-wise straight from the arrays (no pyarrow).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, TimeUnit};
use bson::RawDocument;
use data_bridge_mongodb::data_bridge_arrow::extension as ext;
use numpy::ndarray::ArrayView1;
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::from_bson::{
    binary_to_py, datetime_to_py, db_pointer_to_py, raw_document_to_py, value_to_py,
};
use super::pytypes::{types, PyTypes};
use crate::error::invalid_input;
use crate::gc::GcPause;

fn extension(field: &Field) -> Option<&str> {
    field.metadata().get(ext::NAME_KEY).map(String::as_str)
}

fn binary_subtype(field: &Field) -> u8 {
    field
        .metadata()
        .get(ext::METADATA_KEY)
        .and_then(|m| {
            let digits: String = m
                .split_once("subtype")?
                .1
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

pub(crate) type Values<'py> = Vec<Bound<'py, PyAny>>;

/// Fills one value per row, None where the array is null.
pub(crate) fn per_row<'py, E>(
    py: Python<'py>,
    array: &dyn Array,
    mut value: impl FnMut(usize) -> Result<Bound<'py, PyAny>, E>,
) -> Result<Values<'py>, E> {
    let none = py.None().into_bound(py);
    (0..array.len())
        .map(|i| {
            if array.is_null(i) {
                Ok(none.clone())
            } else {
                value(i)
            }
        })
        .collect()
}

fn unsupported(field: &Field) -> PyErr {
    invalid_input(format!(
        "column '{}' has Arrow type {} which has no Python conversion here",
        field.name(),
        field.data_type()
    ))
}

/// One Python value per row of `array` (typed by `field`, extension metadata included).
pub(crate) fn array_values<'py>(
    py: Python<'py>,
    array: &dyn Array,
    field: &Field,
    t: &PyTypes,
) -> PyResult<Values<'py>> {
    let name = extension(field);
    match array.data_type() {
        DataType::Null => Ok(vec![py.None().into_bound(py); array.len()]),
        DataType::Boolean => {
            let a = array.as_boolean();
            match name {
                Some(ext::MIN_KEY) | Some(ext::MAX_KEY) | Some(ext::UNDEFINED) => {
                    let class = match name {
                        Some(ext::MIN_KEY) => Some(t.min_key.bind(py)),
                        Some(ext::MAX_KEY) => Some(t.max_key.bind(py)),
                        _ => None,
                    };
                    per_row(py, array, |i| match (a.value(i), class) {
                        (true, Some(class)) => class.call0(),
                        _ => Ok(py.None().into_bound(py)),
                    })
                }
                _ => per_row(py, array, |i| {
                    Ok(a.value(i).into_pyobject(py)?.to_owned().into_any())
                }),
            }
        }
        DataType::Int32 => {
            let a = array.as_primitive::<Int32Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Int64 => {
            let a = array.as_primitive::<Int64Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::UInt32 => {
            let a = array.as_primitive::<UInt32Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            match name {
                Some(ext::JAVASCRIPT) => {
                    let code = t.code.bind(py);
                    per_row(py, array, |i| code.call1((a.value(i),)))
                }
                _ => per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any())),
            }
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            per_row(py, array, |i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Binary => {
            let a = array.as_binary::<i32>();
            match name {
                Some(ext::BSON | ext::REST) => per_row(py, array, |i| {
                    let doc = RawDocument::from_bytes(a.value(i))
                        .map_err(|e| invalid_input(format!("invalid raw BSON cell: {e}")))?;
                    match doc.get("v").map_err(|e| invalid_input(e.to_string()))? {
                        Some(v) => value_to_py(py, v, t),
                        None => Ok(py.None().into_bound(py)),
                    }
                }),
                _ => {
                    let subtype = binary_subtype(field);
                    per_row(py, array, |i| binary_to_py(py, a.value(i), subtype, t))
                }
            }
        }
        DataType::LargeBinary => {
            let a = array.as_binary::<i64>();
            per_row(py, array, |i| Ok(PyBytes::new(py, a.value(i)).into_any()))
        }
        DataType::FixedSizeBinary(width) => {
            let a = array.as_fixed_size_binary();
            match (width, name) {
                (12, None | Some(ext::OBJECT_ID)) => {
                    let class = t.object_id.bind(py);
                    per_row(py, array, |i| class.call1((PyBytes::new(py, a.value(i)),)))
                }
                (16, Some(ext::DECIMAL128)) => {
                    let class = t.decimal128.bind(py);
                    per_row(py, array, |i| {
                        class.call_method1("from_bid", (PyBytes::new(py, a.value(i)),))
                    })
                }
                (16, None | Some(ext::UUID)) => {
                    per_row(py, array, |i| binary_to_py(py, a.value(i), 4, t))
                }
                _ => per_row(py, array, |i| Ok(PyBytes::new(py, a.value(i)).into_any())),
            }
        }
        DataType::Timestamp(unit, _) => {
            let millis = timestamp_millis(array, *unit);
            per_row(py, array, |i| datetime_to_py(py, millis[i], t))
        }
        DataType::Struct(fields) => {
            let a = array.as_struct();
            let columns: Vec<Values<'py>> = a
                .columns()
                .iter()
                .zip(fields.iter())
                .map(|(child, f)| array_values(py, child.as_ref(), f, t))
                .collect::<PyResult<_>>()?;
            let column = |name: &str| -> Option<&Values<'py>> {
                fields
                    .iter()
                    .position(|f| f.name() == name)
                    .and_then(|p| columns.get(p))
            };
            match name {
                Some(ext::REGEX) => {
                    let (pattern, options) = (column("pattern"), column("options"));
                    let class = t.regex.bind(py);
                    per_row(py, array, |i| match (pattern, options) {
                        (Some(p), Some(o)) => class.call1((&p[i], &o[i])),
                        _ => Err(unsupported(field)),
                    })
                }
                Some(ext::TIMESTAMP) => {
                    let (time, inc) = (column("time"), column("increment"));
                    let class = t.timestamp.bind(py);
                    per_row(py, array, |i| match (time, inc) {
                        (Some(time), Some(inc)) => class.call1((&time[i], &inc[i])),
                        _ => Err(unsupported(field)),
                    })
                }
                Some(ext::JAVASCRIPT_WITH_SCOPE) => {
                    let code = column("code");
                    let scope_pos = fields.iter().position(|f| f.name() == "scope");
                    let scopes =
                        scope_pos.and_then(|p| a.column(p).as_binary_opt::<i32>().cloned());
                    let class = t.code.bind(py);
                    per_row(py, array, |i| match (code, &scopes) {
                        (Some(code), Some(scopes)) => {
                            let scope = RawDocument::from_bytes(scopes.value(i))
                                .map_err(|e| invalid_input(format!("invalid code scope: {e}")))?;
                            class.call1((&code[i], raw_document_to_py(py, scope)?))
                        }
                        _ => Err(unsupported(field)),
                    })
                }
                Some(ext::DB_POINTER) => {
                    let namespace_pos = fields.iter().position(|f| f.name() == "namespace");
                    let id_pos = fields.iter().position(|f| f.name() == "id");
                    let namespaces = namespace_pos.and_then(|p| a.column(p).as_string_opt::<i32>());
                    let ids = id_pos.and_then(|p| a.column(p).as_fixed_size_binary_opt());
                    let (Some(namespaces), Some(ids)) = (namespaces, ids) else {
                        return Err(unsupported(field));
                    };
                    per_row(py, array, |i| {
                        db_pointer_to_py(py, namespaces.value(i), ids.value(i), t)
                    })
                }
                _ => per_row(py, array, |i| {
                    let dict = PyDict::new(py);
                    fill_row(&dict, fields, &columns, i)?;
                    Ok(dict.into_any())
                }),
            }
        }
        DataType::List(item) => {
            let a = array.as_list::<i32>();
            let values = array_values(py, a.values().as_ref(), item, t)?;
            let offsets = a.value_offsets();
            per_row(py, array, |i| {
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                Ok(PyList::new(py, values.get(start..end).unwrap_or_default())?.into_any())
            })
        }
        DataType::LargeList(item) => {
            let a = array.as_list::<i64>();
            let values = array_values(py, a.values().as_ref(), item, t)?;
            let offsets = a.value_offsets();
            per_row(py, array, |i| {
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                Ok(PyList::new(py, values.get(start..end).unwrap_or_default())?.into_any())
            })
        }
        _ => Err(unsupported(field)),
    }
}

/// Row `row` of a struct's columns into `dict`; a rest column's fields (the document's fields
/// no other column holds) become keys of their own, in stored order, after the others.
fn fill_row(
    dict: &Bound<'_, PyDict>,
    fields: &arrow_schema::Fields,
    columns: &[Values<'_>],
    row: usize,
) -> PyResult<()> {
    let mut rest = None;
    for (f, values) in fields.iter().zip(columns) {
        if extension(f) == Some(ext::REST) {
            rest = Some(&values[row]);
        } else {
            dict.set_item(f.name(), &values[row])?;
        }
    }
    if let Some(rest) = rest.and_then(|r| r.cast::<PyDict>().ok()) {
        for (key, value) in rest.iter() {
            if !dict.contains(&key)? {
                dict.set_item(key, value)?;
            }
        }
    }
    Ok(())
}

/// The values of a timestamp array of any unit, in milliseconds.
fn timestamp_millis(array: &dyn Array, unit: TimeUnit) -> Vec<i64> {
    match unit {
        TimeUnit::Second => array
            .as_primitive::<TimestampSecondType>()
            .values()
            .iter()
            .map(|v| v.saturating_mul(1000))
            .collect(),
        TimeUnit::Millisecond => array
            .as_primitive::<TimestampMillisecondType>()
            .values()
            .to_vec(),
        TimeUnit::Microsecond => array
            .as_primitive::<TimestampMicrosecondType>()
            .values()
            .iter()
            .map(|v| v.div_euclid(1000))
            .collect(),
        TimeUnit::Nanosecond => array
            .as_primitive::<TimestampNanosecondType>()
            .values()
            .iter()
            .map(|v| v.div_euclid(1_000_000))
            .collect(),
    }
}

fn column_index(batch_schema: &arrow_schema::Schema, name: &str) -> PyResult<usize> {
    batch_schema.index_of(name).map_err(|_| {
        pyo3::exceptions::PyKeyError::new_err(format!(
            "no column {name:?}; columns are {:?}",
            batch_schema
                .fields()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
        ))
    })
}

/// Every value of one top-level column, all batches.
pub fn column_values<'py>(
    py: Python<'py>,
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    name: &str,
) -> PyResult<Bound<'py, PyList>> {
    let index = column_index(schema, name)?;
    let field = schema.field(index);
    let t = types(py)?;
    let _pause = GcPause::new(py);
    let mut out = Vec::new();
    for batch in batches {
        out.extend(array_values(py, batch.column(index).as_ref(), field, t)?);
    }
    PyList::new(py, out)
}

/// All rows as dicts.
pub fn table_rows<'py>(
    py: Python<'py>,
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
) -> PyResult<Bound<'py, PyList>> {
    let t = types(py)?;
    let out = PyList::empty(py);
    let _pause = GcPause::new(py);
    for batch in batches {
        let columns: Vec<Values<'py>> = batch
            .columns()
            .iter()
            .zip(schema.fields().iter())
            .map(|(c, f)| array_values(py, c.as_ref(), f, t))
            .collect::<PyResult<_>>()?;
        for row in 0..batch.num_rows() {
            let dict = PyDict::new(py);
            fill_row(&dict, schema.fields(), &columns, row)?;
            out.append(dict)?;
        }
    }
    Ok(out)
}

/// Row `index` (already bounds-checked) as a dict.
pub fn row_dict<'py>(
    py: Python<'py>,
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    mut index: usize,
) -> PyResult<Bound<'py, PyDict>> {
    for batch in batches {
        if index < batch.num_rows() {
            let single = batch.slice(index, 1);
            let rows = table_rows(py, schema, std::slice::from_ref(&single))?;
            return Ok(rows.get_item(0)?.cast_into::<PyDict>()?);
        }
        index -= batch.num_rows();
    }
    Err(pyo3::exceptions::PyIndexError::new_err(
        "row index out of range",
    ))
}

fn chunks(batches: &[RecordBatch], index: usize) -> Vec<ArrayRef> {
    batches
        .iter()
        .map(|b| Arc::clone(b.column(index)))
        .collect()
}

/// A fixed-width column as a numpy array: a read-only view of the Arrow buffer when it is one
/// chunk without nulls (`owner` keeps the buffer alive), else a copy.
pub fn numpy_column<'py>(
    py: Python<'py>,
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    name: &str,
    owner: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let index = column_index(schema, name)?;
    let field = schema.field(index);
    let arrays = chunks(batches, index);
    let nulls: usize = arrays.iter().map(|a| a.null_count()).sum();
    macro_rules! primitive {
        ($ty:ty, $native:ty, $nan:expr) => {{
            if arrays.len() == 1 && nulls == 0 {
                let values: &[$native] = arrays[0].as_primitive::<$ty>().values();
                // SAFETY: `owner` holds the record batches, so the buffer outlives the view;
                // the view is made read-only below.
                let view = unsafe { PyArray1::borrow_from_array(&ArrayView1::from(values), owner) };
                view.call_method1("setflags", (false,))?;
                view.into_any()
            } else {
                let mut out: Vec<$native> = Vec::new();
                for a in &arrays {
                    let a = a.as_primitive::<$ty>();
                    for i in 0..a.len() {
                        if a.is_null(i) {
                            match $nan {
                                Some(nan) => out.push(nan),
                                None => {
                                    return Err(invalid_input(format!(
                                        "column '{name}' has nulls, which {} cannot hold in \
                                         numpy: use pyarrow or polars, or fill them first",
                                        field.data_type()
                                    )))
                                }
                            }
                        } else {
                            out.push(a.value(i));
                        }
                    }
                }
                PyArray1::from_vec(py, out).into_any()
            }
        }};
    }
    Ok(match field.data_type() {
        DataType::Float64 => primitive!(Float64Type, f64, Some(f64::NAN)),
        DataType::Int64 => primitive!(Int64Type, i64, None::<i64>),
        DataType::Int32 => primitive!(Int32Type, i32, None::<i32>),
        DataType::UInt32 => primitive!(UInt32Type, u32, None::<u32>),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            let ints = primitive!(TimestampMillisecondType, i64, None::<i64>);
            ints.call_method1("view", ("datetime64[ms]",))?
        }
        DataType::Boolean if nulls == 0 => {
            let values: Vec<bool> = arrays
                .iter()
                .flat_map(|a| a.as_boolean().iter().flatten())
                .collect();
            PyArray1::from_vec(py, values).into_any()
        }
        other => {
            return Err(invalid_input(format!(
                "column '{name}' has Arrow type {other}{}: to_numpy handles fixed-width numeric, \
                 timestamp and null-free boolean columns",
                if matches!(other, DataType::Boolean) {
                    " with nulls"
                } else {
                    ""
                }
            )))
        }
    })
}
