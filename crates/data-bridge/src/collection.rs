//! `Collection`: every operation as `op` (awaitable) and `op_sync` (blocking, GIL released).
//! Each pair shares one `*_op` method that converts the arguments and builds the future.

// Methods mirror the keyword arguments of the Python API one to one.
#![allow(clippy::too_many_arguments)]

use arrow_array::RecordBatch;
use data_bridge_mongodb::mongodb::options::{InsertManyOptions, InsertOneOptions};
use data_bridge_mongodb::{BulkWriteOptions, Collection, Multiplicity};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::client::{session_arg, PyDatabase, PySession};
use crate::convert::options::{comment, update};
use crate::convert::{
    to_insert_document, to_raw_document, Keys, PyDocuments, PyOptionalDocument, PyValues,
};
use crate::error::{invalid_input, CoreError};
use crate::execute::{run, Mode};
use crate::operations::{
    count_options, decode_request, distinct_options, estimated_count_options, filter_document,
    index_spec, insert_documents, write_model, AggregateArgs, FindArgs, ModifyArgs, WriteArgs,
};
use crate::results::{
    BulkOutcome, PyDeleteResult, PyInsertArrowResult, PyInsertManyResult, PyInsertOneResult,
    UpdateOutcome,
};
use crate::stream::PyRecordBatchStream;
use crate::table::PyTable;

type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;
type Sess<'a, 'py> = Option<&'a Bound<'py, PySession>>;
type Out<'py> = PyResult<Bound<'py, PyAny>>;

/// A collection handle.
#[pyclass(module = "data_bridge._engine", name = "Collection", frozen)]
pub struct PyCollection {
    pub inner: Collection,
}

fn raw_batch_documents(
    batches: &[data_bridge_mongodb::mongodb::raw_batch_cursor::RawBatch],
) -> Result<Vec<bson::RawDocumentBuf>, CoreError> {
    let mut out = Vec::new();
    for batch in batches {
        for doc in data_bridge_mongodb::batch_documents(batch)? {
            out.push(doc.to_owned());
        }
    }
    Ok(out)
}

impl PyCollection {
    fn find_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        args: FindArgs<'_, 'py>,
        schema: Arg<'_, 'py>,
        mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (query, request) = (args.query()?, decode_request(schema, mismatch)?);
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyTable::from(
                coll.read_table(query, session.as_ref(), request).await?,
            ))
        })
    }

    fn find_raw_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        query: data_bridge_mongodb::Query,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let batches = coll.read_raw(query, session.as_ref()).await?;
            Ok(PyDocuments(raw_batch_documents(&batches)?))
        })
    }

    fn stream_op(
        &self,
        query: data_bridge_mongodb::Query,
        schema: Arg<'_, '_>,
        mismatch: &str,
        session: Sess<'_, '_>,
    ) -> PyResult<PyRecordBatchStream> {
        let request = decode_request(schema, mismatch)?;
        let session = session_arg(session);
        let stream = data_bridge_mongodb::runtime::handle()
            .map_err(CoreError::from)
            .and_then(|handle| {
                let _guard = handle.enter();
                self.inner
                    .read_stream(query, session.as_ref(), request)
                    .map_err(CoreError::from)
            })?;
        Ok(PyRecordBatchStream::new(stream))
    }

    fn find_one_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        args: FindArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = crate::convert::to_document_or_empty(args.filter, "filter")?;
        let options = args.find_one_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyOptionalDocument(
                coll.find_one(filter, options, session.as_ref()).await?,
            ))
        })
    }

    fn aggregate_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        args: AggregateArgs<'_, 'py>,
        schema: Arg<'_, 'py>,
        mismatch: &str,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (query, request) = (args.query()?, decode_request(schema, mismatch)?);
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyTable::from(
                coll.read_table(query, session.as_ref(), request).await?,
            ))
        })
    }

    fn count_documents_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        filter: Arg<'_, 'py>,
        skip: Option<i64>,
        limit: Option<i64>,
        hint: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = crate::convert::to_document_or_empty(filter, "filter")?;
        let options = count_options(skip, limit, hint, collation, max_time_ms, comment)?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(coll
                .count_documents(filter, options, session.as_ref())
                .await?)
        })
    }

    fn estimated_document_count_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
    ) -> Out<'py> {
        let options = estimated_count_options(max_time_ms, comment)?;
        let coll = self.inner.clone();
        run(py, mode, async move {
            Ok(coll.estimated_document_count(options).await?)
        })
    }

    fn distinct_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        key: String,
        filter: Arg<'_, 'py>,
        collation: Arg<'_, 'py>,
        max_time_ms: Option<u64>,
        comment: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = crate::convert::to_document_or_empty(filter, "filter")?;
        let options = distinct_options(collation, max_time_ms, comment)?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyValues(
                coll.distinct(&key, filter, options, session.as_ref())
                    .await?,
            ))
        })
    }

    fn insert_one_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        document: &Bound<'py, PyAny>,
        bypass: Option<bool>,
        comment_arg: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (doc, id) = to_insert_document(document, "document")?;
        let mut options = InsertOneOptions::default();
        options.bypass_document_validation = bypass;
        options.comment = comment(comment_arg)?;
        let (coll, session, id) = (self.inner.clone(), session_arg(session), id.unbind());
        run(py, mode, async move {
            coll.insert_one(doc, options, session.as_ref()).await?;
            Ok(PyInsertOneResult { inserted_id: id })
        })
    }

    fn insert_many_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        documents: &Bound<'py, PyAny>,
        ordered: bool,
        bypass: Option<bool>,
        comment_arg: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (docs, ids) = insert_documents(documents)?;
        let mut options = InsertManyOptions::default();
        options.ordered = Some(ordered);
        options.bypass_document_validation = bypass;
        options.comment = comment(comment_arg)?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            coll.insert_many(docs, options, session.as_ref()).await?;
            Ok(PyInsertManyResult { inserted_ids: ids })
        })
    }

    fn insert_arrow_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        bypass: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let input: AnyRecordBatch = data.extract().map_err(|_| {
            invalid_input(format!(
                "insert_arrow takes an object implementing __arrow_c_stream__ or \
                 __arrow_c_array__ (pyarrow/polars table, record batch, reader), found {}",
                data.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        let batches: Vec<RecordBatch> = input
            .into_reader()?
            .collect::<Result<_, _>>()
            .map_err(|e| invalid_input(format!("could not read the Arrow input: {e}")))?;
        let mut options = InsertManyOptions::default();
        options.ordered = Some(ordered);
        options.bypass_document_validation = bypass;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let inserted_count = coll
                .insert_arrow(batches, keep_nulls, options, session.as_ref())
                .await?;
            Ok(PyInsertArrowResult { inserted_count })
        })
    }

    fn update_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        multiplicity: Multiplicity,
        filter: &Bound<'py, PyAny>,
        update_arg: &Bound<'py, PyAny>,
        args: WriteArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (filter, modifications) = (filter_document(filter)?, update(update_arg)?);
        let options = args.update_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let result = coll
                .update(
                    filter,
                    modifications,
                    multiplicity,
                    options,
                    session.as_ref(),
                )
                .await?;
            Ok(UpdateOutcome(result))
        })
    }

    fn replace_one_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        args: WriteArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = filter_document(filter)?;
        let replacement = to_raw_document(replacement, Keys::Stored, "replacement")?;
        let options = args.replace_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(UpdateOutcome(
                coll.replace_one(filter, replacement, options, session.as_ref())
                    .await?,
            ))
        })
    }

    fn delete_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        multiplicity: Multiplicity,
        filter: &Bound<'py, PyAny>,
        args: WriteArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = filter_document(filter)?;
        let options = args.delete_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let result = coll
                .delete(filter, multiplicity, options, session.as_ref())
                .await?;
            Ok(PyDeleteResult {
                deleted_count: result.deleted_count,
            })
        })
    }

    fn find_one_and_update_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        filter: &Bound<'py, PyAny>,
        update_arg: &Bound<'py, PyAny>,
        args: ModifyArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (filter, modifications) = (filter_document(filter)?, update(update_arg)?);
        let options = args.update_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let doc = coll
                .find_one_and_update(filter, modifications, options, session.as_ref())
                .await?;
            Ok(PyOptionalDocument(doc))
        })
    }

    fn find_one_and_replace_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        filter: &Bound<'py, PyAny>,
        replacement: &Bound<'py, PyAny>,
        args: ModifyArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = filter_document(filter)?;
        let replacement = to_raw_document(replacement, Keys::Stored, "replacement")?;
        let options = args.replace_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let doc = coll
                .find_one_and_replace(filter, replacement, options, session.as_ref())
                .await?;
            Ok(PyOptionalDocument(doc))
        })
    }

    fn find_one_and_delete_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        filter: &Bound<'py, PyAny>,
        args: ModifyArgs<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let filter = filter_document(filter)?;
        let options = args.delete_options()?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyOptionalDocument(
                coll.find_one_and_delete(filter, options, session.as_ref())
                    .await?,
            ))
        })
    }

    fn bulk_write_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        requests: &Bound<'py, PyAny>,
        ordered: bool,
        bypass: Option<bool>,
        comment_arg: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let mut models = Vec::new();
        for (i, request) in requests.try_iter()?.enumerate() {
            models.push(write_model(&request?, i)?);
        }
        let options = BulkWriteOptions {
            ordered,
            bypass_document_validation: bypass,
            comment: comment(comment_arg)?,
            let_vars: None,
        };
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(BulkOutcome(
                coll.bulk_write(models, options, session.as_ref()).await?,
            ))
        })
    }

    fn create_indexes_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        models: &Bound<'py, PyAny>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let mut specs = Vec::new();
        for (i, model) in models.try_iter()?.enumerate() {
            specs.push(index_spec(&model?, i)?);
        }
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(coll.create_indexes(specs, session.as_ref()).await?)
        })
    }

    fn list_indexes_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(PyDocuments(coll.list_indexes(session.as_ref()).await?))
        })
    }

    fn drop_index_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        name: Option<String>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            match name {
                Some(name) => coll.drop_index(&name, session.as_ref()).await?,
                None => coll.drop_indexes(session.as_ref()).await?,
            }
            Ok(())
        })
    }

    fn drop_op<'py>(&self, py: Python<'py>, mode: Mode, session: Sess<'_, 'py>) -> Out<'py> {
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(
            py,
            mode,
            async move { Ok(coll.drop(session.as_ref()).await?) },
        )
    }
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

    #[pyo3(signature = (data, *, ordered = true, keep_nulls = false, bypass_document_validation = None, session = None))]
    fn insert_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        bypass_document_validation: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_arrow_op(
            py,
            Mode::Async,
            data,
            ordered,
            keep_nulls,
            bypass_document_validation,
            session,
        )
    }

    #[pyo3(signature = (data, *, ordered = true, keep_nulls = false, bypass_document_validation = None, session = None))]
    fn insert_arrow_sync<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        bypass_document_validation: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        self.insert_arrow_op(
            py,
            Mode::Blocking,
            data,
            ordered,
            keep_nulls,
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
