//! Bare Document instances for lazy query results, built without running the model's Python
//! `__setattr__` (which a Document overrides) or pydantic validation: the ODM's row loop, moved
//! here because it ran once per result row and was most of a small find's time.

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet, PyList, PyString, PyType};

use crate::gc::GcPause;

/// Sets `name` the way `object.__setattr__` does (slots and the instance dict), bypassing any
/// `__setattr__` the class defines.
pub(crate) fn set_generic(
    obj: &Bound<'_, PyAny>,
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // SAFETY: the three pointers are live references owned by `Bound`s while the GIL is held;
    // PyObject_GenericSetAttr borrows them.
    let rc = unsafe { ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), value.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(PyErr::fetch(obj.py()))
    }
}

/// Gives `obj` the instance dict `values` (not Document's lazy `__dict__` property).
pub(crate) fn set_dict(obj: &Bound<'_, PyAny>, values: &Bound<'_, PyDict>) -> PyResult<()> {
    // SAFETY: as above; PyObject_GenericSetDict takes a new reference to `values` itself.
    let rc = unsafe {
        ffi::PyObject_GenericSetDict(obj.as_ptr(), values.as_ptr(), std::ptr::null_mut())
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(PyErr::fetch(obj.py()))
    }
}

/// A new `set` with the items of `fields` (CPython copies a frozenset's table in one go).
pub(crate) fn set_copy<'py>(fields: &Bound<'py, PyFrozenSet>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: `fields` is a live frozenset; PySet_New returns a new reference or NULL with an
    // exception set, which `from_owned_ptr_or_err` turns into the error.
    unsafe { Bound::from_owned_ptr_or_err(fields.py(), ffi::PySet_New(fields.as_ptr())) }
}

/// `rows` instances of `cls` over `source` (row `i` reads row `i`): an empty instance dict
/// (also appended to `dicts`, where the source fills in fields), pydantic's bookkeeping slots
/// (`fields_set` copied per instance, `{}` extras when `extra_allowed`, a copy of `private`)
/// and the ODM's `_db_src` / `_db_row` / `_db_saved` / `_db_prev` slots.
#[pyfunction]
#[pyo3(signature = (cls, rows, source, dicts, fields_set, extra_allowed, private))]
#[allow(clippy::too_many_arguments)]
pub fn lazy_instances<'py>(
    py: Python<'py>,
    cls: &Bound<'py, PyType>,
    rows: usize,
    source: &Bound<'py, PyAny>,
    dicts: &Bound<'py, PyList>,
    fields_set: &Bound<'py, PyFrozenSet>,
    extra_allowed: bool,
    private: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let object_new = py
        .get_type::<pyo3::types::PyAny>()
        .getattr(intern!(py, "__new__"))?;
    let names = (
        intern!(py, "__pydantic_fields_set__"),
        intern!(py, "__pydantic_extra__"),
        intern!(py, "__pydantic_private__"),
        intern!(py, "_db_src"),
        intern!(py, "_db_row"),
        intern!(py, "_db_saved"),
        intern!(py, "_db_prev"),
    );
    let none = py.None().into_bound(py);
    let out = PyList::empty(py);
    let _pause = GcPause::new(py);
    for row in 0..rows {
        let doc = object_new.call1((cls,))?;
        let values = PyDict::new(py);
        set_dict(&doc, &values)?;
        dicts.append(&values)?;
        set_generic(&doc, names.0, &set_copy(fields_set)?)?;
        let extra = if extra_allowed {
            PyDict::new(py).into_any()
        } else {
            none.clone()
        };
        set_generic(&doc, names.1, &extra)?;
        let private = match private {
            Some(private) => private.copy()?.into_any(),
            None => none.clone(),
        };
        set_generic(&doc, names.2, &private)?;
        set_generic(&doc, names.3, source)?;
        set_generic(&doc, names.4, row.into_pyobject(py)?.as_any())?;
        set_generic(&doc, names.5, &none)?;
        set_generic(&doc, names.6, &none)?;
        out.append(doc)?;
    }
    Ok(out)
}

/// After an insert: binds each of `documents` to row `i` of `source` (the inserted BSON, now the
/// saved state) and gives the ones whose id was generated their `id` (and marks it set). The
/// previous-state snapshot, when the model keeps one, stays with the caller.
#[pyfunction]
pub fn bind_inserted(
    documents: &Bound<'_, PyList>,
    source: &Bound<'_, PyAny>,
    ids: &Bound<'_, PyList>,
    generated: Vec<bool>,
) -> PyResult<()> {
    let py = documents.py();
    let none = py.None().into_bound(py);
    let id_key = intern!(py, "id");
    for (row, doc) in documents.iter().enumerate() {
        if generated.get(row).copied().unwrap_or(false) {
            // SAFETY: `doc` is a live object; PyObject_GenericGetDict returns a new reference
            // to its instance dict (creating it if needed) or NULL with an exception set.
            let values = unsafe {
                Bound::from_owned_ptr_or_err(
                    py,
                    ffi::PyObject_GenericGetDict(doc.as_ptr(), std::ptr::null_mut()),
                )
            }?;
            values.set_item(id_key, ids.get_item(row)?)?;
            doc.getattr(intern!(py, "__pydantic_fields_set__"))?
                .call_method1(intern!(py, "add"), (id_key,))?;
        }
        set_generic(&doc, intern!(py, "_db_src"), source)?;
        set_generic(
            &doc,
            intern!(py, "_db_row"),
            row.into_pyobject(py)?.as_any(),
        )?;
        set_generic(&doc, intern!(py, "_db_saved"), &none)?;
    }
    Ok(())
}
