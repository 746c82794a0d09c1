//! Argument conversion shared by the `Collection` methods: Python keyword arguments become
//! engine queries and driver options here, under the GIL, before anything is awaited.

use bson::RawBson;
use data_bridge_mongodb::mongodb::options::{
    AggregateOptions, CountOptions, DeleteOptions, DistinctOptions, EstimatedDocumentCountOptions,
    FindOneAndDeleteOptions, FindOneAndReplaceOptions, FindOneAndUpdateOptions, FindOneOptions,
    FindOptions, ReplaceOptions, UpdateOptions,
};
use data_bridge_mongodb::{DecodeRequest, IndexSpec, Query, WriteModel};
use pyo3::prelude::*;
use pyo3::types::{PyMapping, PyString};

use crate::convert::options::{
    array_filters, collation, comment, count, hint, hint_raw, key_spec, mapping, max_time,
    on_mismatch, return_document, sort, update,
};
use crate::convert::{schema_arg, to_document, to_document_list, to_document_or_empty};
use crate::convert::{to_insert_document, to_raw_document, Keys, PyEncodedDocuments};
use crate::error::invalid_input;

type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

/// `find` arguments.
pub struct FindArgs<'a, 'py> {
    pub filter: Arg<'a, 'py>,
    pub projection: Arg<'a, 'py>,
    pub sort: Arg<'a, 'py>,
    pub skip: Option<i64>,
    pub limit: Option<i64>,
    pub batch_size: Option<u32>,
    pub hint: Arg<'a, 'py>,
    pub collation: Arg<'a, 'py>,
    pub max_time_ms: Option<u64>,
    pub comment: Arg<'a, 'py>,
}

impl FindArgs<'_, '_> {
    pub fn query(&self) -> PyResult<Query> {
        let mut options = FindOptions::default();
        options.projection = mapping(self.projection, "projection")?;
        options.sort = sort(self.sort)?;
        options.skip = count(self.skip, "skip")?;
        options.limit = self.limit;
        options.batch_size = self.batch_size;
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.max_time = max_time(self.max_time_ms);
        options.comment = comment(self.comment)?;
        Ok(Query::Find {
            filter: to_document_or_empty(self.filter, "filter")?,
            options: Box::new(options),
        })
    }

    pub fn find_one_options(&self) -> PyResult<FindOneOptions> {
        let mut options = FindOneOptions::default();
        options.projection = mapping(self.projection, "projection")?;
        options.sort = sort(self.sort)?;
        options.skip = count(self.skip, "skip")?;
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.max_time = max_time(self.max_time_ms);
        options.comment = comment(self.comment)?;
        Ok(options)
    }
}

/// `aggregate` arguments.
pub struct AggregateArgs<'a, 'py> {
    pub pipeline: &'a Bound<'py, PyAny>,
    pub allow_disk_use: Option<bool>,
    pub batch_size: Option<u32>,
    pub hint: Arg<'a, 'py>,
    pub collation: Arg<'a, 'py>,
    pub max_time_ms: Option<u64>,
    pub comment: Arg<'a, 'py>,
    pub let_vars: Arg<'a, 'py>,
}

impl AggregateArgs<'_, '_> {
    pub fn query(&self) -> PyResult<Query> {
        let mut options = AggregateOptions::default();
        options.allow_disk_use = self.allow_disk_use;
        options.batch_size = self.batch_size;
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.max_time = max_time(self.max_time_ms);
        options.comment = comment(self.comment)?;
        options.let_vars = mapping(self.let_vars, "let")?;
        Ok(Query::Aggregate {
            pipeline: to_document_list(self.pipeline, "pipeline")?,
            options: Box::new(options),
        })
    }
}

/// `schema=` and `on_mismatch=`.
pub fn decode_request(schema: Arg<'_, '_>, mismatch: &str) -> PyResult<DecodeRequest> {
    Ok(DecodeRequest {
        schema: schema_arg(schema)?,
        on_mismatch: on_mismatch(mismatch)?,
    })
}

pub fn count_options(
    skip: Option<i64>,
    limit: Option<i64>,
    hint_arg: Arg<'_, '_>,
    collation_arg: Arg<'_, '_>,
    max_time_ms: Option<u64>,
    comment_arg: Arg<'_, '_>,
) -> PyResult<CountOptions> {
    let mut options = CountOptions::default();
    options.skip = count(skip, "skip")?;
    options.limit = count(limit, "limit")?;
    options.hint = hint(hint_arg)?;
    options.collation = collation(collation_arg)?;
    options.max_time = max_time(max_time_ms);
    options.comment = comment(comment_arg)?;
    Ok(options)
}

pub fn estimated_count_options(
    max_time_ms: Option<u64>,
    comment_arg: Arg<'_, '_>,
) -> PyResult<EstimatedDocumentCountOptions> {
    let mut options = EstimatedDocumentCountOptions::default();
    options.max_time = max_time(max_time_ms);
    options.comment = comment(comment_arg)?;
    Ok(options)
}

pub fn distinct_options(
    collation_arg: Arg<'_, '_>,
    max_time_ms: Option<u64>,
    comment_arg: Arg<'_, '_>,
) -> PyResult<DistinctOptions> {
    let mut options = DistinctOptions::default();
    options.collation = collation(collation_arg)?;
    options.max_time = max_time(max_time_ms);
    options.comment = comment(comment_arg)?;
    Ok(options)
}

/// Options shared by update/replace/delete/find-and-modify.
pub struct WriteArgs<'a, 'py> {
    pub upsert: bool,
    pub array_filters: Arg<'a, 'py>,
    pub hint: Arg<'a, 'py>,
    pub collation: Arg<'a, 'py>,
    pub comment: Arg<'a, 'py>,
    pub let_vars: Arg<'a, 'py>,
}

impl WriteArgs<'_, '_> {
    pub fn update_options(&self) -> PyResult<UpdateOptions> {
        let mut options = UpdateOptions::default();
        options.upsert = Some(self.upsert);
        options.array_filters = array_filters(self.array_filters)?;
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.comment = comment(self.comment)?;
        options.let_vars = mapping(self.let_vars, "let")?;
        Ok(options)
    }

    pub fn replace_options(&self) -> PyResult<ReplaceOptions> {
        let mut options = ReplaceOptions::default();
        options.upsert = Some(self.upsert);
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.comment = comment(self.comment)?;
        options.let_vars = mapping(self.let_vars, "let")?;
        Ok(options)
    }

    pub fn delete_options(&self) -> PyResult<DeleteOptions> {
        let mut options = DeleteOptions::default();
        options.hint = hint(self.hint)?;
        options.collation = collation(self.collation)?;
        options.comment = comment(self.comment)?;
        options.let_vars = mapping(self.let_vars, "let")?;
        Ok(options)
    }
}

/// Options shared by the find-and-modify family.
pub struct ModifyArgs<'a, 'py> {
    pub projection: Arg<'a, 'py>,
    pub sort: Arg<'a, 'py>,
    pub return_document: &'a str,
    pub max_time_ms: Option<u64>,
    pub write: WriteArgs<'a, 'py>,
}

impl ModifyArgs<'_, '_> {
    pub fn update_options(&self) -> PyResult<FindOneAndUpdateOptions> {
        let w = &self.write;
        let mut options = FindOneAndUpdateOptions::default();
        options.projection = mapping(self.projection, "projection")?;
        options.sort = sort(self.sort)?;
        options.return_document = Some(return_document(self.return_document)?);
        options.max_time = max_time(self.max_time_ms);
        options.upsert = Some(w.upsert);
        options.array_filters = array_filters(w.array_filters)?;
        options.hint = hint(w.hint)?;
        options.collation = collation(w.collation)?;
        options.comment = comment(w.comment)?;
        options.let_vars = mapping(w.let_vars, "let")?;
        Ok(options)
    }

    pub fn replace_options(&self) -> PyResult<FindOneAndReplaceOptions> {
        let w = &self.write;
        let mut options = FindOneAndReplaceOptions::default();
        options.projection = mapping(self.projection, "projection")?;
        options.sort = sort(self.sort)?;
        options.return_document = Some(return_document(self.return_document)?);
        options.max_time = max_time(self.max_time_ms);
        options.upsert = Some(w.upsert);
        options.hint = hint(w.hint)?;
        options.collation = collation(w.collation)?;
        options.comment = comment(w.comment)?;
        options.let_vars = mapping(w.let_vars, "let")?;
        Ok(options)
    }

    pub fn delete_options(&self) -> PyResult<FindOneAndDeleteOptions> {
        let w = &self.write;
        let mut options = FindOneAndDeleteOptions::default();
        options.projection = mapping(self.projection, "projection")?;
        options.sort = sort(self.sort)?;
        options.max_time = max_time(self.max_time_ms);
        options.hint = hint(w.hint)?;
        options.collation = collation(w.collation)?;
        options.comment = comment(w.comment)?;
        options.let_vars = mapping(w.let_vars, "let")?;
        Ok(options)
    }
}

/// Documents to insert: their BSON, their `_id`s, and whether each `_id` was generated here.
pub type InsertDocuments = (Vec<bson::RawDocumentBuf>, Vec<Py<PyAny>>, Vec<bool>);

/// Documents to insert and their ids (generated where absent).
pub fn insert_documents(documents: &Bound<'_, PyAny>) -> PyResult<InsertDocuments> {
    // Already encoded by the ODM's model path (`encode_models`).
    if let Ok(encoded) = documents.cast::<PyEncodedDocuments>() {
        if encoded.get().docs.is_empty() {
            return Err(invalid_input("insert_many needs at least one document"));
        }
        let (docs, ids) = encoded.get().for_insert(documents.py());
        return Ok((docs, ids, encoded.get().generated.clone()));
    }
    if documents.cast::<PyMapping>().is_ok() || documents.cast::<PyString>().is_ok() {
        return Err(invalid_input(
            "insert_many takes a list of documents, not one document",
        ));
    }
    let mut docs = Vec::new();
    let mut ids = Vec::new();
    let mut generated = Vec::new();
    for (i, item) in documents.try_iter()?.enumerate() {
        let item = item?;
        generated.push(!has_id(&item)?);
        let (doc, id) = to_insert_document(&item, &format!("document {i}"))?;
        docs.push(doc);
        ids.push(id.unbind());
    }
    if docs.is_empty() {
        return Err(invalid_input("insert_many needs at least one document"));
    }
    Ok((docs, ids, generated))
}

/// Whether a document to insert carries its own `_id` (otherwise one is generated for it).
fn has_id(document: &Bound<'_, PyAny>) -> PyResult<bool> {
    match document.cast::<PyMapping>() {
        Ok(mapping) => mapping.contains("_id"),
        Err(_) => Ok(false),
    }
}

fn field<'py>(spec: &Bound<'py, PyAny>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let mapping = spec.cast::<PyMapping>().map_err(PyErr::from)?;
    if mapping.contains(key)? {
        let value = mapping.get_item(key)?;
        if !value.is_none() {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn required<'py>(
    spec: &Bound<'py, PyAny>,
    key: &str,
    op: &str,
    i: usize,
) -> PyResult<Bound<'py, PyAny>> {
    field(spec, key)?.ok_or_else(|| invalid_input(format!("request {i} ({op}) needs {key:?}")))
}

fn flag(spec: &Bound<'_, PyAny>, key: &str) -> PyResult<bool> {
    Ok(match field(spec, key)? {
        Some(v) => v.is_truthy()?,
        None => false,
    })
}

fn raw_filter(spec: &Bound<'_, PyAny>, op: &str, i: usize) -> PyResult<bson::RawDocumentBuf> {
    to_raw_document(&required(spec, "filter", op, i)?, Keys::Operators, "filter")
}

fn raw_collation(spec: &Bound<'_, PyAny>) -> PyResult<Option<bson::RawDocumentBuf>> {
    field(spec, "collation")?
        .map(|c| to_raw_document(&c, Keys::Operators, "collation"))
        .transpose()
}

/// One bulk_write request: a one-key dict `{"insert_one": {...}}`, `{"update_one": {...}}`, ...
pub fn write_model(request: &Bound<'_, PyAny>, i: usize) -> PyResult<WriteModel> {
    let mapping = request
        .cast::<PyMapping>()
        .map_err(|_| invalid_input(format!("request {i} must be a one-key dict")))?;
    if mapping.len()? != 1 {
        return Err(invalid_input(format!(
            "request {i} must have exactly one key (insert_one, update_one, update_many, \
             replace_one, delete_one, delete_many)"
        )));
    }
    let (op, spec): (String, Bound<'_, PyAny>) = mapping.items()?.get_item(0)?.extract()?;
    if spec.cast::<PyMapping>().is_err() {
        return Err(invalid_input(format!(
            "request {i} ({op}) must map to a dict"
        )));
    }
    let hint_of = |spec: &Bound<'_, PyAny>| -> PyResult<Option<RawBson>> {
        hint_raw(field(spec, "hint")?.as_ref())
    };
    Ok(match op.as_str() {
        "insert_one" => {
            let document = field(&spec, "document")?.unwrap_or_else(|| spec.clone());
            WriteModel::InsertOne(to_insert_document(&document, &format!("request {i}"))?.0)
        }
        "update_one" | "update_many" => {
            let update_arg = required(&spec, "update", &op, i)?;
            let update = match update(&update_arg)? {
                data_bridge_mongodb::mongodb::options::UpdateModifications::Document(d) => {
                    RawBson::Document(
                        bson::RawDocumentBuf::try_from(&d)
                            .map_err(|e| invalid_input(e.to_string()))?,
                    )
                }
                data_bridge_mongodb::mongodb::options::UpdateModifications::Pipeline(stages) => {
                    let mut array = bson::RawArrayBuf::new();
                    for stage in &stages {
                        array.push(
                            bson::RawDocumentBuf::try_from(stage)
                                .map_err(|e| invalid_input(e.to_string()))?,
                        );
                    }
                    RawBson::Array(array)
                }
                _ => return Err(invalid_input(format!("request {i}: unsupported update"))),
            };
            let array_filters = match field(&spec, "array_filters")? {
                Some(filters) => {
                    let mut array = bson::RawArrayBuf::new();
                    for f in to_document_list(&filters, "array_filters")? {
                        array.push(
                            bson::RawDocumentBuf::try_from(&f)
                                .map_err(|e| invalid_input(e.to_string()))?,
                        );
                    }
                    Some(array)
                }
                None => None,
            };
            WriteModel::Update {
                filter: raw_filter(&spec, &op, i)?,
                update,
                multi: op == "update_many",
                upsert: flag(&spec, "upsert")?,
                array_filters,
                hint: hint_of(&spec)?,
                collation: raw_collation(&spec)?,
            }
        }
        "replace_one" => WriteModel::Replace {
            filter: raw_filter(&spec, &op, i)?,
            replacement: to_raw_document(
                &required(&spec, "replacement", &op, i)?,
                Keys::Stored,
                &format!("request {i} replacement"),
            )?,
            upsert: flag(&spec, "upsert")?,
            hint: hint_of(&spec)?,
            collation: raw_collation(&spec)?,
        },
        "delete_one" | "delete_many" => WriteModel::Delete {
            filter: raw_filter(&spec, &op, i)?,
            multi: op == "delete_many",
            hint: hint_of(&spec)?,
            collation: raw_collation(&spec)?,
        },
        other => {
            return Err(invalid_input(format!(
                "request {i}: unknown operation {other:?} (insert_one, update_one, update_many, \
                 replace_one, delete_one, delete_many)"
            )))
        }
    })
}

/// Index-model option names in Python spelling -> the server's.
const INDEX_OPTION_NAMES: [(&str, &str); 12] = [
    ("expire_after_seconds", "expireAfterSeconds"),
    ("partial_filter_expression", "partialFilterExpression"),
    ("default_language", "default_language"),
    ("language_override", "language_override"),
    ("text_index_version", "textIndexVersion"),
    ("2dsphere_index_version", "2dsphereIndexVersion"),
    ("sphere_2d_index_version", "2dsphereIndexVersion"),
    ("wildcard_projection", "wildcardProjection"),
    ("storage_engine", "storageEngine"),
    ("bucket_size", "bucketSize"),
    ("hidden", "hidden"),
    ("unique", "unique"),
];

/// An index-model dict: `{"keys": [("a", 1)], "name": ..., "unique": True, ...}`.
pub fn index_spec(model: &Bound<'_, PyAny>, i: usize) -> PyResult<IndexSpec> {
    let mapping = model
        .cast::<PyMapping>()
        .map_err(|_| invalid_input(format!("index model {i} must be a dict")))?;
    let keys_arg = field(model, "keys")?
        .or(field(model, "key")?)
        .ok_or_else(|| invalid_input(format!("index model {i} needs \"keys\"")))?;
    let keys = if let Ok(name) = keys_arg.cast::<PyString>() {
        let mut doc = bson::Document::new();
        doc.insert(name.to_str()?, 1);
        doc
    } else {
        key_spec(&keys_arg, "keys")?
    };
    let mut options = bson::Document::new();
    for item in mapping.items()?.iter() {
        let (key, value): (String, Bound<'_, PyAny>) = item.extract()?;
        if key == "keys" || key == "key" || value.is_none() {
            continue;
        }
        let server_key = INDEX_OPTION_NAMES
            .iter()
            .find(|(py_name, _)| *py_name == key)
            .map_or(key.as_str(), |(_, server)| server);
        options.insert(server_key, crate::convert::to_bson(&value, &key)?);
    }
    Ok(IndexSpec { keys, options })
}

/// `to_document` re-exported for collection methods.
pub fn filter_document(filter: &Bound<'_, PyAny>) -> PyResult<bson::Document> {
    to_document(filter, "filter")
}
