//! The logic behind each `Collection` method pair: convert the arguments under the GIL,
//! then build the engine future that `run` awaits or blocks on.

// Methods mirror the keyword arguments of the Python API one to one.
#![allow(clippy::too_many_arguments)]

use arrow_array::RecordBatch;
use data_bridge_mongodb::mongodb::options::{InsertManyOptions, InsertOneOptions};
use data_bridge_mongodb::{BulkWriteOptions, Multiplicity};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::client::session_arg;
use crate::collection::{Arg, Out, PyCollection, Sess};
use crate::convert::options::{comment, update};
use crate::convert::{
    to_insert_document, to_raw_document, Keys, PyDocuments, PyEncodedDocuments, PyOptionalDocument,
    PyValues,
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
    pub(crate) fn find_op<'py>(
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

    pub(crate) fn find_raw_op<'py>(
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

    pub(crate) fn stream_op(
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

    pub(crate) fn find_one_op<'py>(
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

    pub(crate) fn aggregate_op<'py>(
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

    pub(crate) fn count_documents_op<'py>(
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

    pub(crate) fn estimated_document_count_op<'py>(
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

    pub(crate) fn distinct_op<'py>(
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

    pub(crate) fn insert_one_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        document: &Bound<'py, PyAny>,
        bypass: Option<bool>,
        comment_arg: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (doc, id) = match document.cast::<PyEncodedDocuments>() {
            // Already encoded by the ODM's model path (`encode_models`): one document.
            Ok(encoded) => match encoded.get().for_insert(py) {
                (mut docs, mut ids) if docs.len() == 1 => match (docs.pop(), ids.pop()) {
                    (Some(doc), Some(id)) => (doc, id.into_bound(py)),
                    _ => return Err(invalid_input("insert_one takes one encoded document")),
                },
                _ => return Err(invalid_input("insert_one takes one encoded document")),
            },
            Err(_) => to_insert_document(document, "document")?,
        };
        let mut options = InsertOneOptions::default();
        options.bypass_document_validation = bypass;
        options.comment = comment(comment_arg)?;
        let (coll, session, id) = (self.inner.clone(), session_arg(session), id.unbind());
        run(py, mode, async move {
            coll.insert_one(doc, options, session.as_ref()).await?;
            Ok(PyInsertOneResult { inserted_id: id })
        })
    }

    pub(crate) fn insert_many_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        documents: &Bound<'py, PyAny>,
        ordered: bool,
        bypass: Option<bool>,
        comment_arg: Arg<'_, 'py>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (docs, ids, generated) = insert_documents(documents)?;
        let mut options = InsertManyOptions::default();
        options.ordered = Some(ordered);
        options.bypass_document_validation = bypass;
        options.comment = comment(comment_arg)?;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            coll.insert_many_generated(docs, generated, options, session.as_ref())
                .await?;
            Ok(PyInsertManyResult { inserted_ids: ids })
        })
    }

    pub(crate) fn insert_arrow_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        data: &Bound<'py, PyAny>,
        ordered: bool,
        keep_nulls: bool,
        ids_generated: bool,
        bypass: Option<bool>,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        check_column_names(data)?;
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
        let reader = input.into_reader()?;
        check_unique_names(reader.schema().fields(), "")?;
        let batches: Vec<RecordBatch> = reader
            .collect::<Result<_, _>>()
            .map_err(|e| invalid_input(format!("could not read the Arrow input: {e}")))?;
        let mut options = InsertManyOptions::default();
        options.ordered = Some(ordered);
        options.bypass_document_validation = bypass;
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            let inserted_count = coll
                .insert_arrow(
                    batches,
                    keep_nulls,
                    ids_generated,
                    options,
                    session.as_ref(),
                )
                .await?;
            Ok(PyInsertArrowResult { inserted_count })
        })
    }

    pub(crate) fn update_op<'py>(
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

    pub(crate) fn replace_one_op<'py>(
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

    pub(crate) fn delete_op<'py>(
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

    pub(crate) fn find_one_and_update_op<'py>(
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

    pub(crate) fn find_one_and_replace_op<'py>(
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

    pub(crate) fn find_one_and_delete_op<'py>(
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

    pub(crate) fn bulk_write_op<'py>(
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
            generated_ids: Vec::new(),
        };
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(py, mode, async move {
            Ok(BulkOutcome(
                coll.bulk_write(models, options, session.as_ref()).await?,
            ))
        })
    }

    pub(crate) fn create_indexes_op<'py>(
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

    pub(crate) fn list_indexes_op<'py>(
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

    pub(crate) fn drop_index_op<'py>(
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

    pub(crate) fn drop_op<'py>(
        &self,
        py: Python<'py>,
        mode: Mode,
        session: Sess<'_, 'py>,
    ) -> Out<'py> {
        let (coll, session) = (self.inner.clone(), session_arg(session));
        run(
            py,
            mode,
            async move { Ok(coll.drop(session.as_ref()).await?) },
        )
    }
}

/// The Arrow C data interface carries field names as C strings, so a NUL byte in a pyarrow /
/// polars / pandas column name would silently cut the name short: refuse it while the name is
/// still a Python string.
/// Refuses a schema naming a column (or a struct's field) twice: both would become keys of
/// one BSON document, and the server would keep one of them.
fn check_unique_names(fields: &arrow_schema::Fields, parent: &str) -> PyResult<()> {
    let mut seen = std::collections::HashSet::new();
    for field in fields {
        let path = if parent.is_empty() {
            field.name().clone()
        } else {
            format!("{parent}.{}", field.name())
        };
        if !seen.insert(field.name().as_str()) {
            return Err(invalid_input(format!(
                "cannot insert: column '{path}' appears more than once (a document cannot hold \
                 two fields of one name); rename or drop one"
            )));
        }
        let mut data_type = field.data_type();
        while let arrow_schema::DataType::List(item)
        | arrow_schema::DataType::LargeList(item)
        | arrow_schema::DataType::FixedSizeList(item, _) = data_type
        {
            data_type = item.data_type();
        }
        if let arrow_schema::DataType::Struct(children) = data_type {
            check_unique_names(children, &path)?;
        }
    }
    Ok(())
}

fn check_column_names(data: &Bound<'_, PyAny>) -> PyResult<()> {
    let names = match data.getattr("column_names") {
        Ok(names) => names,
        Err(_) => match data.getattr("columns") {
            Ok(names) => names,
            Err(_) => return Ok(()),
        },
    };
    let Ok(names) = names.try_iter() else {
        return Ok(());
    };
    for name in names {
        if let Ok(name) = name?.extract::<String>() {
            if name.contains('\0') {
                return Err(invalid_input(format!(
                    "cannot insert column {name:?}: field names must not contain a NUL byte"
                )));
            }
        }
    }
    Ok(())
}
