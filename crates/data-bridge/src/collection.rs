//! `Collection`: every operation as `op` (awaitable) and `op_sync` (blocking, GIL released).
//! Each pair shares one `*_op` method (in `collection_ops.rs`) that converts the arguments and
//! builds the future; the wrappers below only choose the mode.

// Methods mirror the keyword arguments of the Python API one to one.
#![allow(clippy::too_many_arguments)]

use data_bridge_mongodb::{Collection, Multiplicity};
use pyo3::prelude::*;

use crate::client::{PyDatabase, PySession};
use crate::execute::Mode;
use crate::operations::{AggregateArgs, FindArgs, ModifyArgs, WriteArgs};
use crate::stream::PyRecordBatchStream;

pub(crate) type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;
pub(crate) type Sess<'a, 'py> = Option<&'a Bound<'py, PySession>>;
pub(crate) type Out<'py> = PyResult<Bound<'py, PyAny>>;

/// A collection handle.
#[pyclass(module = "data_bridge._engine", name = "Collection", frozen)]
pub struct PyCollection {
    pub inner: Collection,
}

// The pairs below are generated from one table (op name, signature, call); each body is one
// call of a `*_op` method above with `Mode::Async` or `Mode::Blocking`.
#[pymethods]
impl PyCollection {
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    #[getter]
    fn full_name(&self) -> String {
        format!("{}.{}", self.inner.database().name(), self.inner.name())
    }

    #[getter]
    fn database(&self) -> PyDatabase {
        PyDatabase {
            inner: self.inner.database().clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!("Collection({:?})", self.inner.name())
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, limit = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, schema = None, on_mismatch = "error", session = None))]
    fn find<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_op(
            py,
            Mode::Async,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
            },
            schema,
            on_mismatch,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, limit = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, schema = None, on_mismatch = "error", session = None))]
    fn find_sync<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_op(
            py,
            Mode::Blocking,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
            },
            schema,
            on_mismatch,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, limit = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn find_raw<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_raw_op(
            py,
            Mode::Async,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
            }
            .query()?,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, limit = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn find_raw_sync<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_raw_op(
            py,
            Mode::Blocking,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
            }
            .query()?,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn find_one<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_op(
            py,
            Mode::Async,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit: None,
                batch_size: None,
                hint,
                collation,
                max_time_ms,
                comment,
            },
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn find_one_sync<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_op(
            py,
            Mode::Blocking,
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit: None,
                batch_size: None,
                hint,
                collation,
                max_time_ms,
                comment,
            },
            session,
        )
    }

    #[pyo3(signature = (pipeline, *, allow_disk_use = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, schema = None, on_mismatch = "error", session = None))]
    fn aggregate<'py>(
        &self,
        py: Python<'py>,
        pipeline: &Bound<'py, PyAny>,
        allow_disk_use: Option<bool>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.aggregate_op(
            py,
            Mode::Async,
            AggregateArgs {
                pipeline,
                allow_disk_use,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
                let_vars: r#let,
            },
            schema,
            on_mismatch,
            session,
        )
    }

    #[pyo3(signature = (pipeline, *, allow_disk_use = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, schema = None, on_mismatch = "error", session = None))]
    fn aggregate_sync<'py>(
        &self,
        py: Python<'py>,
        pipeline: &Bound<'py, PyAny>,
        allow_disk_use: Option<bool>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.aggregate_op(
            py,
            Mode::Blocking,
            AggregateArgs {
                pipeline,
                allow_disk_use,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
                let_vars: r#let,
            },
            schema,
            on_mismatch,
            session,
        )
    }

    #[pyo3(signature = (pipeline, *, allow_disk_use = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn aggregate_raw<'py>(
        &self,
        py: Python<'py>,
        pipeline: &Bound<'py, PyAny>,
        allow_disk_use: Option<bool>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_raw_op(
            py,
            Mode::Async,
            AggregateArgs {
                pipeline,
                allow_disk_use,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
                let_vars: r#let,
            }
            .query()?,
            session,
        )
    }

    #[pyo3(signature = (pipeline, *, allow_disk_use = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn aggregate_raw_sync<'py>(
        &self,
        py: Python<'py>,
        pipeline: &Bound<'py, PyAny>,
        allow_disk_use: Option<bool>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_raw_op(
            py,
            Mode::Blocking,
            AggregateArgs {
                pipeline,
                allow_disk_use,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
                let_vars: r#let,
            }
            .query()?,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, skip = None, limit = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn count_documents<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.count_documents_op(
            py,
            Mode::Async,
            filter,
            skip,
            limit,
            hint,
            collation,
            max_time_ms,
            comment,
            session,
        )
    }

    #[pyo3(signature = (filter = None, *, skip = None, limit = None, hint = None, collation = None, max_time_ms = None, comment = None, session = None))]
    fn count_documents_sync<'py>(
        &self,
        py: Python<'py>,
        filter: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.count_documents_op(
            py,
            Mode::Blocking,
            filter,
            skip,
            limit,
            hint,
            collation,
            max_time_ms,
            comment,
            session,
        )
    }

    #[pyo3(signature = (*, max_time_ms = None, comment = None))]
    fn estimated_document_count<'py>(
        &self,
        py: Python<'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
    ) -> Out<'py> {
        self.estimated_document_count_op(py, Mode::Async, max_time_ms, comment)
    }

    #[pyo3(signature = (*, max_time_ms = None, comment = None))]
    fn estimated_document_count_sync<'py>(
        &self,
        py: Python<'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
    ) -> Out<'py> {
        self.estimated_document_count_op(py, Mode::Blocking, max_time_ms, comment)
    }

    #[pyo3(signature = (key, filter = None, *, collation = None, max_time_ms = None, comment = None, session = None))]
    fn distinct<'py>(
        &self,
        py: Python<'py>,
        key: String,
        filter: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.distinct_op(
            py,
            Mode::Async,
            key,
            filter,
            collation,
            max_time_ms,
            comment,
            session,
        )
    }

    #[pyo3(signature = (key, filter = None, *, collation = None, max_time_ms = None, comment = None, session = None))]
    fn distinct_sync<'py>(
        &self,
        py: Python<'py>,
        key: String,
        filter: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.distinct_op(
            py,
            Mode::Blocking,
            key,
            filter,
            collation,
            max_time_ms,
            comment,
            session,
        )
    }

    #[pyo3(signature = (document, *, bypass_document_validation = None, comment = None, session = None))]
    fn insert_one<'py>(
        &self,
        py: Python<'py>,
        document: &Bound<'py, PyAny>,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_one_op(
            py,
            Mode::Async,
            document,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (document, *, bypass_document_validation = None, comment = None, session = None))]
    fn insert_one_sync<'py>(
        &self,
        py: Python<'py>,
        document: &Bound<'py, PyAny>,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_one_op(
            py,
            Mode::Blocking,
            document,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (documents, *, ordered = true, bypass_document_validation = None, comment = None, session = None))]
    fn insert_many<'py>(
        &self,
        py: Python<'py>,
        documents: &Bound<'py, PyAny>,
        ordered: bool,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_many_op(
            py,
            Mode::Async,
            documents,
            ordered,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (documents, *, ordered = true, bypass_document_validation = None, comment = None, session = None))]
    fn insert_many_sync<'py>(
        &self,
        py: Python<'py>,
        documents: &Bound<'py, PyAny>,
        ordered: bool,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_many_op(
            py,
            Mode::Blocking,
            documents,
            ordered,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (data, *, ordered = true, keep_nulls = false, ids_generated = false, bypass_document_validation = None, session = None))]
    fn insert_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        ids_generated: bool,
        bypass_document_validation: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_arrow_op(
            py,
            Mode::Async,
            data,
            ordered,
            keep_nulls,
            ids_generated,
            bypass_document_validation,
            session,
        )
    }

    #[pyo3(signature = (data, *, ordered = true, keep_nulls = false, ids_generated = false, bypass_document_validation = None, session = None))]
    fn insert_arrow_sync<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        ids_generated: bool,
        bypass_document_validation: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_arrow_op(
            py,
            Mode::Blocking,
            data,
            ordered,
            keep_nulls,
            ids_generated,
            bypass_document_validation,
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, upsert = false, array_filters = None, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn update_one<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        upsert: bool,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.update_op(
            py,
            Mode::Async,
            Multiplicity::One,
            filter,
            update,
            WriteArgs {
                upsert,
                array_filters,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, upsert = false, array_filters = None, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn update_one_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        upsert: bool,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.update_op(
            py,
            Mode::Blocking,
            Multiplicity::One,
            filter,
            update,
            WriteArgs {
                upsert,
                array_filters,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, upsert = false, array_filters = None, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn update_many<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        upsert: bool,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.update_op(
            py,
            Mode::Async,
            Multiplicity::Many,
            filter,
            update,
            WriteArgs {
                upsert,
                array_filters,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, upsert = false, array_filters = None, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn update_many_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        upsert: bool,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.update_op(
            py,
            Mode::Blocking,
            Multiplicity::Many,
            filter,
            update,
            WriteArgs {
                upsert,
                array_filters,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, replacement, *, upsert = false, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn replace_one<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        upsert: bool,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.replace_one_op(
            py,
            Mode::Async,
            filter,
            replacement,
            WriteArgs {
                upsert,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, replacement, *, upsert = false, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn replace_one_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        upsert: bool,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.replace_one_op(
            py,
            Mode::Blocking,
            filter,
            replacement,
            WriteArgs {
                upsert,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn delete_one<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.delete_op(
            py,
            Mode::Async,
            Multiplicity::One,
            filter,
            WriteArgs {
                upsert: false,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn delete_one_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.delete_op(
            py,
            Mode::Blocking,
            Multiplicity::One,
            filter,
            WriteArgs {
                upsert: false,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn delete_many<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.delete_op(
            py,
            Mode::Async,
            Multiplicity::Many,
            filter,
            WriteArgs {
                upsert: false,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, hint = None, collation = None, comment = None, r#let = None, session = None))]
    fn delete_many_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.delete_op(
            py,
            Mode::Blocking,
            Multiplicity::Many,
            filter,
            WriteArgs {
                upsert: false,
                array_filters: None,
                hint,
                collation,
                comment,
                let_vars: r#let,
            },
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, projection = None, sort = None, upsert = false, return_document = "before", array_filters = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_update<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        upsert: bool,
        return_document: &str,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_update_op(
            py,
            Mode::Async,
            filter,
            update,
            ModifyArgs {
                projection,
                sort,
                return_document,
                max_time_ms,
                write: WriteArgs {
                    upsert,
                    array_filters,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (filter, update, *, projection = None, sort = None, upsert = false, return_document = "before", array_filters = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_update_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        update: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        upsert: bool,
        return_document: &str,
        array_filters: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_update_op(
            py,
            Mode::Blocking,
            filter,
            update,
            ModifyArgs {
                projection,
                sort,
                return_document,
                max_time_ms,
                write: WriteArgs {
                    upsert,
                    array_filters,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (filter, replacement, *, projection = None, sort = None, upsert = false, return_document = "before", hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_replace<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        upsert: bool,
        return_document: &str,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_replace_op(
            py,
            Mode::Async,
            filter,
            replacement,
            ModifyArgs {
                projection,
                sort,
                return_document,
                max_time_ms,
                write: WriteArgs {
                    upsert,
                    array_filters: None,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (filter, replacement, *, projection = None, sort = None, upsert = false, return_document = "before", hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_replace_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        upsert: bool,
        return_document: &str,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_replace_op(
            py,
            Mode::Blocking,
            filter,
            replacement,
            ModifyArgs {
                projection,
                sort,
                return_document,
                max_time_ms,
                write: WriteArgs {
                    upsert,
                    array_filters: None,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, projection = None, sort = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_delete<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_delete_op(
            py,
            Mode::Async,
            filter,
            ModifyArgs {
                projection,
                sort,
                return_document: "before",
                max_time_ms,
                write: WriteArgs {
                    upsert: false,
                    array_filters: None,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (filter, *, projection = None, sort = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, session = None))]
    fn find_one_and_delete_sync<'py>(
        &self,
        py: Python<'py>,
        filter: &Bound<'py, PyAny>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.find_one_and_delete_op(
            py,
            Mode::Blocking,
            filter,
            ModifyArgs {
                projection,
                sort,
                return_document: "before",
                max_time_ms,
                write: WriteArgs {
                    upsert: false,
                    array_filters: None,
                    hint,
                    collation,
                    comment,
                    let_vars: r#let,
                },
            },
            session,
        )
    }

    #[pyo3(signature = (requests, *, ordered = true, bypass_document_validation = None, comment = None, session = None))]
    fn bulk_write<'py>(
        &self,
        py: Python<'py>,
        requests: &Bound<'py, PyAny>,
        ordered: bool,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.bulk_write_op(
            py,
            Mode::Async,
            requests,
            ordered,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (requests, *, ordered = true, bypass_document_validation = None, comment = None, session = None))]
    fn bulk_write_sync<'py>(
        &self,
        py: Python<'py>,
        requests: &Bound<'py, PyAny>,
        ordered: bool,
        bypass_document_validation: Option<bool>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.bulk_write_op(
            py,
            Mode::Blocking,
            requests,
            ordered,
            bypass_document_validation,
            comment,
            session,
        )
    }

    #[pyo3(signature = (models, *, session = None))]
    fn create_indexes<'py>(
        &self,
        py: Python<'py>,
        models: &Bound<'py, PyAny>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.create_indexes_op(py, Mode::Async, models, session)
    }

    #[pyo3(signature = (models, *, session = None))]
    fn create_indexes_sync<'py>(
        &self,
        py: Python<'py>,
        models: &Bound<'py, PyAny>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.create_indexes_op(py, Mode::Blocking, models, session)
    }

    #[pyo3(signature = (*, session = None))]
    fn list_indexes<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.list_indexes_op(py, Mode::Async, session)
    }

    #[pyo3(signature = (*, session = None))]
    fn list_indexes_sync<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.list_indexes_op(py, Mode::Blocking, session)
    }

    #[pyo3(signature = (name, *, session = None))]
    fn drop_index<'py>(&self, py: Python<'py>, name: String, session: Sess<'_, 'py>) -> Out<'py> {
        self.drop_index_op(py, Mode::Async, Some(name), session)
    }

    #[pyo3(signature = (name, *, session = None))]
    fn drop_index_sync<'py>(
        &self,
        py: Python<'py>,
        name: String,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.drop_index_op(py, Mode::Blocking, Some(name), session)
    }

    #[pyo3(signature = (*, session = None))]
    fn drop_indexes<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.drop_index_op(py, Mode::Async, None, session)
    }

    #[pyo3(signature = (*, session = None))]
    fn drop_indexes_sync<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.drop_index_op(py, Mode::Blocking, None, session)
    }

    #[pyo3(signature = (*, session = None))]
    fn drop<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.drop_op(py, Mode::Async, session)
    }

    #[pyo3(signature = (*, session = None))]
    fn drop_sync<'py>(&self, py: Python<'py>, session: Sess<'_, 'py>) -> Out<'py> {
        self.drop_op(py, Mode::Blocking, session)
    }

    #[pyo3(signature = (filter = None, *, projection = None, sort = None, skip = None, limit = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, schema = None, on_mismatch = "error", session = None))]
    fn find_stream<'py>(
        &self,
        filter: Arg<'_, 'py>,
        projection: Arg<'_, 'py>,
        sort: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> PyResult<PyRecordBatchStream> {
        self.stream_op(
            FindArgs {
                filter,
                projection,
                sort,
                skip,
                limit,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
            }
            .query()?,
            schema,
            on_mismatch,
            session,
        )
    }

    #[pyo3(signature = (pipeline, *, allow_disk_use = None, batch_size = None, hint = None, collation = None, max_time_ms = None, comment = None, r#let = None, schema = None, on_mismatch = "error", session = None))]
    fn aggregate_stream<'py>(
        &self,
        pipeline: &Bound<'py, PyAny>,
        allow_disk_use: Option<bool>,
        batch_size: Option<u32>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        r#let: Arg<'_, 'py>,
        schema: Arg<'_, 'py>,
        on_mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> PyResult<PyRecordBatchStream> {
        self.stream_op(
            AggregateArgs {
                pipeline,
                allow_disk_use,
                batch_size,
                hint,
                collation,
                max_time_ms,
                comment,
                let_vars: r#let,
            }
            .query()?,
            schema,
            on_mismatch,
            session,
        )
    }
}
