//! Python keyword arguments -> the driver's option values.

use std::time::Duration;

use bson::{Bson, Document, RawBson};
use data_bridge_mongodb::mongodb::options::{Collation, Hint, ReturnDocument, UpdateModifications};
use data_bridge_mongodb::Mismatch;
use pyo3::prelude::*;
use pyo3::types::{PyMapping, PyString};

use super::to_bson::{to_bson, to_document, to_document_list, to_document_with, Keys};
use crate::error::invalid_input;

/// Ordered keys from `{"a": 1}` or `[("a", 1), ("b", -1)]` (sort specs, index keys, hints).
pub fn key_spec(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Document> {
    if obj.cast::<PyMapping>().is_ok() {
        return to_document(obj, what);
    }
    if obj.cast::<PyString>().is_ok() {
        return Err(invalid_input(format!(
            "{what} must be a mapping or a list of (key, direction) pairs, not a string"
        )));
    }
    let mut doc = Document::new();
    for item in obj.try_iter()? {
        let item = item?;
        let (key, direction): (String, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|_| invalid_input(format!("{what} entries must be (key, direction) pairs")))?;
        if key.contains('\0') {
            return Err(invalid_input(format!(
                "{what} key {key:?} contains a NUL byte"
            )));
        }
        doc.insert(key, to_bson(&direction, what)?);
    }
    Ok(doc)
}

fn present<'a, 'py>(obj: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none())
}

/// `sort=`: checked here so a sort built from user input (`?sort=-$where`) is refused with the
/// offending key before any I/O, instead of reaching the server.
pub fn sort(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Document>> {
    let Some(spec) = present(obj).map(|o| key_spec(o, "sort")).transpose()? else {
        return Ok(None);
    };
    for (key, direction) in &spec {
        check_sort_key(key, direction)?;
    }
    Ok(Some(spec))
}

fn check_sort_key(key: &str, direction: &Bson) -> PyResult<()> {
    if key.is_empty() {
        return Err(invalid_input("sort key must not be empty"));
    }
    if key.starts_with('$') && key != "$natural" {
        return Err(invalid_input(format!(
            "sort key {key:?} starts with '$' (only \"$natural\" may): sort by a field name"
        )));
    }
    let numeric = match direction {
        Bson::Int32(n) => Some(f64::from(*n)),
        Bson::Int64(n) => i32::try_from(*n).ok().map(f64::from),
        Bson::Double(n) => Some(*n),
        _ => None,
    };
    match (numeric, direction) {
        (Some(n), _) if n == 1.0 || n == -1.0 => Ok(()),
        (None, Bson::Document(d)) if d.contains_key("$meta") => Ok(()),
        _ => Err(invalid_input(format!(
            "sort key {key:?}: direction must be 1, -1 or {{\"$meta\": ...}}, found {direction}"
        ))),
    }
}

/// A mapping argument (`projection=`, `let=`).
pub fn mapping(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Document>> {
    present(obj).map(|o| to_document(o, what)).transpose()
}

/// `hint=`: an index name or index keys.
pub fn hint(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Hint>> {
    let Some(obj) = present(obj) else {
        return Ok(None);
    };
    if let Ok(name) = obj.cast::<PyString>() {
        return Ok(Some(Hint::Name(name.to_str()?.to_owned())));
    }
    Ok(Some(Hint::Keys(key_spec(obj, "hint")?)))
}

/// `hint=` as a raw value for write commands.
pub fn hint_raw(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<RawBson>> {
    Ok(match hint(obj)? {
        Some(Hint::Name(name)) => Some(RawBson::String(name)),
        Some(Hint::Keys(keys)) => Some(RawBson::Document(
            bson::RawDocumentBuf::try_from(&keys)
                .map_err(|e| invalid_input(format!("cannot encode hint: {e}")))?,
        )),
        _ => None,
    })
}

/// `collation=`: the server's collation document (`{"locale": "en", "strength": 2}`).
pub fn collation(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Collation>> {
    let Some(doc) = mapping(obj, "collation")? else {
        return Ok(None);
    };
    bson::deserialize_from_document::<Collation>(doc)
        .map(Some)
        .map_err(|e| invalid_input(format!("invalid collation: {e}")))
}

/// `max_time_ms=`.
pub fn max_time(ms: Option<u64>) -> Option<Duration> {
    ms.map(Duration::from_millis)
}

/// `comment=`: any BSON value.
pub fn comment(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Bson>> {
    present(obj).map(|o| to_bson(o, "comment")).transpose()
}

/// An update document or an update pipeline.
pub fn update(obj: &Bound<'_, PyAny>) -> PyResult<UpdateModifications> {
    if obj.cast::<PyMapping>().is_ok() {
        let doc = to_document_with(obj, Keys::Update, "update")?;
        if doc.is_empty() {
            return Err(invalid_input("update must not be empty"));
        }
        if let Some(key) = doc.keys().find(|k| !k.starts_with('$')) {
            return Err(invalid_input(format!(
                "update key {key:?} is not an operator: use replace_one to replace a document, \
                 or {{\"$set\": {{...}}}}"
            )));
        }
        return Ok(UpdateModifications::Document(doc));
    }
    Ok(UpdateModifications::Pipeline(to_document_list(
        obj,
        "update pipeline",
    )?))
}

/// `array_filters=`.
pub fn array_filters(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<Document>>> {
    present(obj)
        .map(|o| to_document_list(o, "array_filters"))
        .transpose()
}

/// `on_mismatch=`.
pub fn on_mismatch(value: &str) -> PyResult<Mismatch> {
    match value {
        "error" => Ok(Mismatch::Error),
        "null" => Ok(Mismatch::Null),
        other => Err(invalid_input(format!(
            "on_mismatch must be \"error\" or \"null\", not {other:?}"
        ))),
    }
}

/// `return_document=`.
pub fn return_document(value: &str) -> PyResult<ReturnDocument> {
    match value {
        "before" => Ok(ReturnDocument::Before),
        "after" => Ok(ReturnDocument::After),
        other => Err(invalid_input(format!(
            "return_document must be \"before\" or \"after\", not {other:?}"
        ))),
    }
}

/// A non-negative count option (`skip=`, `limit=`).
pub fn count(value: Option<i64>, what: &str) -> PyResult<Option<u64>> {
    value
        .map(|v| {
            u64::try_from(v).map_err(|_| invalid_input(format!("{what} must be >= 0, got {v}")))
        })
        .transpose()
}
