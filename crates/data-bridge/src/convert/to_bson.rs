//! Python values -> BSON bytes, written directly (no intermediate `bson::Document`).
//!
//! Runs under the GIL (it reads Python objects); the bytes are then sent without it.
//! Errors name the path of the offending value (`address.tags[2]`).

use bson::oid::ObjectId;
use bson::{Bson, Document, RawDocumentBuf};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDateTime, PyDelta, PyDeltaAccess, PyDict, PyFloat, PyInt,
    PyList, PyMapping, PySequence, PyString, PyTuple,
};
use pyo3::types::{PyDateAccess, PyTimeAccess, PyTzInfoAccess};

use super::pytypes::{is, types, PyTypes};
use super::time::days_from_civil;
use crate::error::invalid_input;

// Model instances -> BSON; a child module, so it shares this module's writer.
pub(crate) mod model;

/// Which keys a document may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// Stored documents (insert, replace): no `$`-prefixed keys (DBRef's `$ref`/`$id`/`$db`
    /// excepted below the top level).
    Stored,
    /// Filters, pipelines, commands: operators allowed.
    Operators,
    /// Update documents: operators at the top level; the values of `$set` and `$setOnInsert`
    /// are stored data, checked as `Stored` (so `save()` cannot store what `insert()` refuses).
    Update,
}

/// Nesting limit of BSON documents the server accepts.
const MAX_DEPTH: usize = 100;

const DOUBLE: u8 = 0x01;
const STRING: u8 = 0x02;
const DOCUMENT: u8 = 0x03;
const ARRAY: u8 = 0x04;
const BINARY: u8 = 0x05;
const OBJECT_ID: u8 = 0x07;
const BOOLEAN: u8 = 0x08;
const DATETIME: u8 = 0x09;
const NULL: u8 = 0x0A;
const REGEX: u8 = 0x0B;
const CODE: u8 = 0x0D;
const CODE_WITH_SCOPE: u8 = 0x0F;
const INT32: u8 = 0x10;
const TIMESTAMP: u8 = 0x11;
const INT64: u8 = 0x12;
const DECIMAL128: u8 = 0x13;
const MAX_KEY: u8 = 0x7F;
const MIN_KEY: u8 = 0xFF;

/// A failure while encoding, carrying the path (innermost segment first).
enum Fail {
    Invalid { reason: String, path: Vec<String> },
    Python(PyErr),
}

impl From<PyErr> for Fail {
    fn from(e: PyErr) -> Self {
        Self::Python(e)
    }
}

impl Fail {
    fn invalid(reason: impl Into<String>) -> Self {
        Self::Invalid {
            reason: reason.into(),
            path: Vec::new(),
        }
    }

    fn under(mut self, segment: impl FnOnce() -> String) -> Self {
        if let Self::Invalid { path, .. } = &mut self {
            path.push(segment());
        }
        self
    }

    fn into_pyerr(self, what: &str) -> PyErr {
        match self {
            Self::Python(e) => e,
            Self::Invalid { reason, path } => {
                let mut joined = String::new();
                for segment in path.iter().rev() {
                    if !joined.is_empty() && !segment.starts_with('[') {
                        joined.push('.');
                    }
                    joined.push_str(segment);
                }
                if joined.is_empty() {
                    invalid_input(format!("cannot encode {what}: {reason}"))
                } else {
                    invalid_input(format!("cannot encode {what} at '{joined}': {reason}"))
                }
            }
        }
    }
}

type Result<T> = std::result::Result<T, Fail>;

/// A Python `str` as UTF-8; lone surrogates (from `surrogateescape` decoding of bytes) have no
/// UTF-8 form, so they are refused here with the path instead of a bare UnicodeEncodeError.
fn utf8<'a>(s: &'a Bound<'_, PyString>, what: &str) -> Result<&'a str> {
    s.to_str().map_err(|_| {
        let text = s.to_string_lossy();
        Fail::invalid(format!(
            "{what} {text:?} is not valid UTF-8 (it holds a lone surrogate such as '\\udcff')"
        ))
    })
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

struct Writer<'a> {
    buf: Vec<u8>,
    types: &'a PyTypes,
    keys: Keys,
}

impl Writer<'_> {
    fn begin(&mut self) -> usize {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        at
    }

    fn end(&mut self, at: usize) -> Result<()> {
        self.buf.push(0);
        let len = i32::try_from(self.buf.len() - at)
            .map_err(|_| Fail::invalid("document larger than 2 GiB"))?;
        self.buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
        Ok(())
    }

    fn cstring(&mut self, s: &str) -> Result<()> {
        if s.contains('\0') {
            return Err(Fail::invalid(format!("{s:?} contains a NUL byte")));
        }
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
        Ok(())
    }

    fn string(&mut self, s: &str) -> Result<()> {
        let len = i32::try_from(s.len() + 1).map_err(|_| Fail::invalid("string too long"))?;
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
        Ok(())
    }

    fn element(&mut self, kind: u8, key: &str) -> Result<()> {
        self.buf.push(kind);
        self.cstring(key)
    }

    fn check_key(&self, key: &str, depth: usize) -> Result<()> {
        if key.contains('\0') {
            return Err(Fail::invalid("key contains a NUL byte"));
        }
        if self.keys == Keys::Stored && key.starts_with('$') {
            let dbref = depth > 0 && matches!(key, "$ref" | "$id" | "$db");
            if !dbref {
                return Err(Fail::invalid(format!(
                    "key {key:?} starts with '$' (operators are not allowed in stored documents)"
                )));
            }
        }
        Ok(())
    }

    /// Writes a mapping as a document; `id` is written first when given.
    fn document(
        &mut self,
        obj: &Bound<'_, PyAny>,
        depth: usize,
        id: Option<&ObjectId>,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Fail::invalid(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let at = self.begin();
        if let Some(id) = id {
            self.element(OBJECT_ID, "_id")?;
            self.buf.extend_from_slice(&id.bytes());
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            for (key, value) in dict.iter() {
                self.field(&key, &value, depth)?;
            }
        } else if let Ok(mapping) = obj.cast::<PyMapping>() {
            for item in mapping.items()?.iter() {
                let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                self.field(&key, &value, depth)?;
            }
        } else {
            return Err(Fail::invalid(format!(
                "expected a mapping (dict), found {}",
                type_name(obj)
            )));
        }
        self.end(at)
    }

    fn field(
        &mut self,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
        depth: usize,
    ) -> Result<()> {
        let key = key.cast::<PyString>().map_err(|_| {
            Fail::invalid(format!(
                "document keys must be str, found {}",
                type_name(key)
            ))
        })?;
        let key = utf8(key, "key")?;
        self.check_key(key, depth)
            .map_err(|e| e.under(|| key.to_owned()))?;
        if self.keys == Keys::Update && depth == 0 {
            let inner = if matches!(key, "$set" | "$setOnInsert") {
                Keys::Stored
            } else {
                Keys::Operators
            };
            let saved = std::mem::replace(&mut self.keys, inner);
            let result = self.value(key, value, depth);
            self.keys = saved;
            return result.map_err(|e| e.under(|| key.to_owned()));
        }
        self.value(key, value, depth)
            .map_err(|e| e.under(|| key.to_owned()))
    }

    fn array<'py>(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Fail::invalid(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let at = self.begin();
        let mut key = String::new();
        for (i, item) in items.enumerate() {
            key.clear();
            key.push_str(itoa(i).as_str());
            self.value(&key, &item, depth)
                .map_err(|e| e.under(|| format!("[{i}]")))?;
        }
        self.end(at)
    }

    fn int(&mut self, key: &str, value: &Bound<'_, PyAny>, force_64: bool) -> Result<()> {
        let n: i64 = value
            .extract()
            .map_err(|_| Fail::invalid("integer out of range for BSON (64-bit signed)"))?;
        match i32::try_from(n) {
            Ok(small) if !force_64 => {
                self.element(INT32, key)?;
                self.buf.extend_from_slice(&small.to_le_bytes());
            }
            _ => {
                self.element(INT64, key)?;
                self.buf.extend_from_slice(&n.to_le_bytes());
            }
        }
        Ok(())
    }

    fn binary(&mut self, key: &str, bytes: &[u8], subtype: u8) -> Result<()> {
        self.element(BINARY, key)?;
        let len = i32::try_from(bytes.len()).map_err(|_| Fail::invalid("binary too long"))?;
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.push(subtype);
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    fn value(&mut self, key: &str, value: &Bound<'_, PyAny>, depth: usize) -> Result<()> {
        let t = self.types;
        if value.is_none() {
            return self.element(NULL, key);
        }
        if let Ok(b) = value.cast_exact::<PyBool>() {
            self.element(BOOLEAN, key)?;
            self.buf.push(u8::from(b.is_true()));
            return Ok(());
        }
        if value.cast_exact::<PyInt>().is_ok() {
            return self.int(key, value, false);
        }
        if let Ok(f) = value.cast_exact::<PyFloat>() {
            self.element(DOUBLE, key)?;
            self.buf.extend_from_slice(&f.value().to_le_bytes());
            return Ok(());
        }
        if let Ok(s) = value.cast_exact::<PyString>() {
            self.element(STRING, key)?;
            return self.string(utf8(s, "string")?);
        }
        if value.cast_exact::<PyDict>().is_ok() {
            self.element(DOCUMENT, key)?;
            return self.document(value, depth + 1, None);
        }
        if let Ok(list) = value.cast_exact::<PyList>() {
            self.element(ARRAY, key)?;
            return self.array(list.iter(), depth + 1);
        }
        self.other(key, value, depth, t)
    }

    /// Everything but the built-in fast paths.
    fn other(
        &mut self,
        key: &str,
        value: &Bound<'_, PyAny>,
        depth: usize,
        t: &PyTypes,
    ) -> Result<()> {
        if is(value, &t.object_id) {
            let binary = value.getattr("binary")?;
            let bytes = binary.cast::<PyBytes>().map_err(PyErr::from)?.as_bytes();
            self.element(OBJECT_ID, key)?;
            self.buf.extend_from_slice(bytes);
            return Ok(());
        }
        if let Ok(dt) = value.cast::<PyDateTime>() {
            self.element(DATETIME, key)?;
            let ms = datetime_millis(dt)?;
            self.buf.extend_from_slice(&ms.to_le_bytes());
            return Ok(());
        }
        if is(value, &t.int64) {
            return self.int(key, value, true);
        }
        if value.cast::<PyBool>().is_ok() {
            self.element(BOOLEAN, key)?;
            self.buf.push(u8::from(value.is_truthy()?));
            return Ok(());
        }
        if value.cast::<PyInt>().is_ok() {
            return self.int(key, value, false);
        }
        if is(value, &t.binary) {
            let subtype: u8 = value.getattr("subtype")?.extract()?;
            let bytes = value.cast::<PyBytes>().map_err(PyErr::from)?;
            return self.binary(key, bytes.as_bytes(), subtype);
        }
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return self.binary(key, bytes.as_bytes(), 0);
        }
        if let Ok(bytes) = value.cast::<PyByteArray>() {
            return self.binary(key, &bytes.to_vec(), 0);
        }
        if is(value, &t.uuid) {
            let bytes = value.getattr("bytes")?;
            let bytes = bytes.cast::<PyBytes>().map_err(PyErr::from)?;
            return self.binary(key, bytes.as_bytes(), 4);
        }
        if is(value, &t.decimal128) {
            return self.decimal128(key, value);
        }
        if is(value, &t.decimal) {
            let converted = t.decimal128.bind(value.py()).call1((value,))?;
            return self.decimal128(key, &converted);
        }
        if is(value, &t.code) {
            let code: String = value.call_method0("__str__")?.extract()?;
            let scope = value.getattr("scope")?;
            if scope.is_none() {
                self.element(CODE, key)?;
                return self.string(&code);
            }
            self.element(CODE_WITH_SCOPE, key)?;
            let at = self.begin();
            self.string(&code)?;
            let saved = std::mem::replace(&mut self.keys, Keys::Operators);
            let result = self.document(&scope, depth + 1, None);
            self.keys = saved;
            result?;
            return self.end(at);
        }
        if let Ok(s) = value.cast::<PyString>() {
            self.element(STRING, key)?;
            return self.string(utf8(s, "string")?);
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            self.element(DOUBLE, key)?;
            self.buf.extend_from_slice(&f.value().to_le_bytes());
            return Ok(());
        }
        if is(value, &t.regex) || is(value, &t.re_pattern) {
            let pattern: String = value.getattr("pattern")?.extract()?;
            let flags = value.getattr("flags")?;
            let options = match flags.extract::<String>() {
                Ok(s) => s,
                Err(_) => regex_options(flags.extract::<i64>()?),
            };
            let mut options: Vec<char> = options.chars().collect();
            options.sort_unstable();
            self.element(REGEX, key)?;
            self.cstring(&pattern)?;
            return self.cstring(&options.into_iter().collect::<String>());
        }
        if is(value, &t.timestamp) {
            let time: u32 = value.getattr("time")?.extract()?;
            let inc: u32 = value.getattr("inc")?.extract()?;
            self.element(TIMESTAMP, key)?;
            self.buf.extend_from_slice(&inc.to_le_bytes());
            self.buf.extend_from_slice(&time.to_le_bytes());
            return Ok(());
        }
        if is(value, &t.min_key) {
            return self.element(MIN_KEY, key);
        }
        if is(value, &t.max_key) {
            return self.element(MAX_KEY, key);
        }
        if is(value, &t.datetime_ms) {
            let ms: i64 = value.call_method0("__int__")?.extract()?;
            self.element(DATETIME, key)?;
            self.buf.extend_from_slice(&ms.to_le_bytes());
            return Ok(());
        }
        if is(value, &t.dbref) {
            let doc = value.call_method0("as_doc")?;
            self.element(DOCUMENT, key)?;
            return self.document(&doc, depth + 1, None);
        }
        if is(value, &t.raw_bson_document) {
            let raw = value.getattr("raw")?;
            let bytes = raw.cast::<PyBytes>().map_err(PyErr::from)?.as_bytes();
            RawDocumentBuf::from_bytes(bytes.to_vec())
                .map_err(|e| Fail::invalid(format!("invalid RawBSONDocument: {e}")))?;
            self.element(DOCUMENT, key)?;
            self.buf.extend_from_slice(bytes);
            return Ok(());
        }
        if let Ok(tuple) = value.cast::<PyTuple>() {
            self.element(ARRAY, key)?;
            return self.array(tuple.iter(), depth + 1);
        }
        if value.cast::<PyMapping>().is_ok() {
            self.element(DOCUMENT, key)?;
            return self.document(value, depth + 1, None);
        }
        if value.cast::<PyList>().is_ok() {
            let seq = value.cast::<PySequence>().map_err(PyErr::from)?;
            self.element(ARRAY, key)?;
            let items: Vec<Bound<'_, PyAny>> = seq.try_iter()?.collect::<PyResult<_>>()?;
            return self.array(items.into_iter(), depth + 1);
        }
        if is(value, &t.date) {
            return Err(Fail::invalid(
                "datetime.date has no BSON type: use datetime.datetime (midnight UTC)",
            ));
        }
        Err(Fail::invalid(format!(
            "{} has no BSON type",
            type_name(value)
        )))
    }

    fn decimal128(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<()> {
        let bid = value.getattr("bid")?;
        let bytes = bid.cast::<PyBytes>().map_err(PyErr::from)?.as_bytes();
        if bytes.len() != 16 {
            return Err(Fail::invalid("Decimal128.bid is not 16 bytes"));
        }
        self.element(DECIMAL128, key)?;
        self.buf.extend_from_slice(bytes);
        Ok(())
    }
}

fn itoa(i: usize) -> String {
    i.to_string()
}

/// Python `re` flags -> BSON regex options (pymongo's mapping).
fn regex_options(flags: i64) -> String {
    // re.IGNORECASE=2, re.LOCALE=4, re.MULTILINE=8, re.DOTALL=16, re.UNICODE=32, re.VERBOSE=64
    [
        (2, 'i'),
        (4, 'l'),
        (8, 'm'),
        (16, 's'),
        (32, 'u'),
        (64, 'x'),
    ]
    .into_iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, c)| c)
    .collect()
}

/// Milliseconds since the epoch; naive datetimes are UTC (pymongo's convention).
fn datetime_millis(dt: &Bound<'_, PyDateTime>) -> Result<i64> {
    let days = days_from_civil(
        i64::from(dt.get_year()),
        i64::from(dt.get_month()),
        i64::from(dt.get_day()),
    );
    let mut ms = days * 86_400_000
        + i64::from(dt.get_hour()) * 3_600_000
        + i64::from(dt.get_minute()) * 60_000
        + i64::from(dt.get_second()) * 1000
        + i64::from(dt.get_microsecond() / 1000);
    if dt.get_tzinfo().is_some() {
        let offset = dt.call_method0("utcoffset")?;
        if let Ok(delta) = offset.cast::<PyDelta>() {
            ms -= i64::from(delta.get_days()) * 86_400_000
                + i64::from(delta.get_seconds()) * 1000
                + i64::from(delta.get_microseconds() / 1000);
        }
    }
    Ok(ms)
}

fn writer(py: Python<'_>, keys: Keys) -> PyResult<Writer<'_>> {
    Ok(Writer {
        buf: Vec::with_capacity(256),
        types: types(py)?,
        keys,
    })
}

fn finish(buf: Vec<u8>) -> PyResult<RawDocumentBuf> {
    RawDocumentBuf::from_bytes(buf).map_err(|e| invalid_input(format!("invalid BSON: {e}")))
}

/// A mapping as a raw BSON document; `what` names the argument in errors.
pub fn to_raw_document(obj: &Bound<'_, PyAny>, keys: Keys, what: &str) -> PyResult<RawDocumentBuf> {
    let mut w = writer(obj.py(), keys)?;
    w.document(obj, 0, None).map_err(|e| e.into_pyerr(what))?;
    finish(w.buf)
}

/// A mapping as a `bson::Document` (what the driver's option types hold).
pub fn to_document(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Document> {
    to_document_with(obj, Keys::Operators, what)
}

/// A mapping as a `bson::Document` whose keys follow `keys`.
pub fn to_document_with(obj: &Bound<'_, PyAny>, keys: Keys, what: &str) -> PyResult<Document> {
    let raw = to_raw_document(obj, keys, what)?;
    Document::try_from(&raw).map_err(|e| invalid_input(format!("cannot encode {what}: {e}")))
}

/// An optional mapping; `None` is an empty document.
pub fn to_document_or_empty(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Document> {
    match obj {
        Some(obj) if !obj.is_none() => to_document(obj, what),
        _ => Ok(Document::new()),
    }
}

/// Any Python value as a `Bson` value.
pub fn to_bson(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Bson> {
    let mut w = writer(obj.py(), Keys::Operators)?;
    let at = w.begin();
    w.value("v", obj, 0).map_err(|e| e.into_pyerr(what))?;
    w.end(at).map_err(|e| e.into_pyerr(what))?;
    let mut doc = Document::try_from(&finish(w.buf)?)
        .map_err(|e| invalid_input(format!("cannot encode {what}: {e}")))?;
    Ok(doc.remove("v").unwrap_or(Bson::Null))
}

/// A sequence of mappings (a pipeline, array filters).
pub fn to_document_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Document>> {
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyMapping>().is_ok() {
        return Err(invalid_input(format!("{what} must be a list of documents")));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        out.push(to_document(&item?, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// A document to insert: its `_id` (generated as an ObjectId when absent, like pymongo) is
/// returned next to the bytes. The caller's mapping is not modified.
pub fn to_insert_document<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<(RawDocumentBuf, Bound<'py, PyAny>)> {
    let py = obj.py();
    let mut w = writer(py, Keys::Stored)?;
    let existing = match obj.cast::<PyDict>() {
        Ok(dict) => dict.get_item("_id")?,
        Err(_) => match obj.cast::<PyMapping>() {
            Ok(mapping) if mapping.contains("_id")? => Some(mapping.get_item("_id")?),
            Ok(_) => None,
            Err(_) => {
                return Err(invalid_input(format!(
                    "{what} must be a mapping (dict), found {}",
                    type_name(obj)
                )))
            }
        },
    };
    let id = match existing {
        Some(id) => {
            w.document(obj, 0, None).map_err(|e| e.into_pyerr(what))?;
            id
        }
        None => {
            let oid = crate::convert::object_id::new_object_id();
            w.document(obj, 0, Some(&oid))
                .map_err(|e| e.into_pyerr(what))?;
            w.types
                .object_id
                .bind(py)
                .call1((PyBytes::new(py, &oid.bytes()),))?
        }
    };
    Ok((finish(w.buf)?, id))
}
