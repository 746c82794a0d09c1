//! Schema inference: the union of fields over a sample of documents.
//!
//! Rules: a field missing from some documents is nullable (all fields are); numbers promote
//! int32 → int64 → double (to double only when every int64 seen fits a double exactly); a path
//! whose values have incompatible types becomes a lossless `any` column (raw BSON per value,
//! extension [`crate::extension::BSON`]) and is listed in [`InferredSchema::conflicts`].
//! Struct fields appear in order of first appearance across the sample.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use bson::RawDocument;
use rayon::prelude::*;

use crate::error::CodecError;
use crate::raw::{self, Elements};
use crate::types::Leaf;
use crate::MAX_NESTING_DEPTH;

/// Options for [`infer_schema`].
#[derive(Clone, Debug, Default)]
pub struct InferOptions {
    /// Look at the first `n` documents only; `None` looks at all of them.
    pub sample_size: Option<usize>,
}

/// One path whose values had incompatible types; its column is raw BSON (`any`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeConflict {
    /// Dotted path; list elements appear as `tags[]`.
    pub path: String,
    /// BSON `$type` aliases seen at the path with their counts, most frequent first.
    pub types_seen: Vec<(String, u64)>,
}

/// An inferred schema and the paths that fell back to raw BSON.
#[derive(Clone, Debug)]
pub struct InferredSchema {
    /// All fields nullable, in order of first appearance.
    pub schema: SchemaRef,
    /// Paths with incompatible types, in schema order.
    pub conflicts: Vec<TypeConflict>,
}

/// What was seen at one path: a count per type, children of documents, elements of arrays.
#[derive(Default)]
struct PathStats {
    /// Serial of the last parent document that had this field (finds duplicate keys).
    last_parent: u64,
    counts: Vec<(Seen, u64)>,
    /// An int64 beyond 2^53 was seen: promoting this path to double would change it.
    wide_int64: bool,
    document: Option<Box<DocStats>>,
    items: Option<Box<PathStats>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Seen {
    Leaf(Leaf),
    Document,
    Array,
}

#[derive(Default)]
struct DocStats {
    /// Documents observed at this path so far; the current one's serial.
    observed: u64,
    order: Vec<String>,
    children: HashMap<String, PathStats>,
}

/// Infers an Arrow schema from documents (or the first `sample_size` of them).
///
/// ```
/// use data_bridge_arrow::{infer_schema, InferOptions};
/// let a = bson::rawdoc! { "n": 1, "x": "s" };
/// let b = bson::rawdoc! { "n": 2.5, "x": 3 };
/// let inferred = infer_schema(&[&*a, &*b], &InferOptions::default())?;
/// assert_eq!(inferred.schema.field(0).data_type(), &arrow_schema::DataType::Float64);
/// assert_eq!(inferred.conflicts[0].path, "x");
/// # Ok::<(), data_bridge_arrow::CodecError>(())
/// ```
pub fn infer_schema(
    docs: &[&RawDocument],
    opts: &InferOptions,
) -> Result<InferredSchema, CodecError> {
    let sample = &docs[..opts.sample_size.unwrap_or(docs.len()).min(docs.len())];
    const CHUNK: usize = 4096;
    let partials: Vec<Result<DocStats, CodecError>> = crate::pool::install(|| {
        sample
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(index, part)| {
                let mut stats = DocStats::default();
                for (i, doc) in part.iter().enumerate() {
                    stats
                        .observe(doc.as_bytes(), 1)
                        .map_err(|e| e.at_row(index * CHUNK + i))?;
                }
                Ok(stats)
            })
            .collect()
    });
    let mut root = DocStats::default();
    for partial in partials {
        root.merge(partial?);
    }
    let mut conflicts = Vec::new();
    let fields = root.fields("", &mut conflicts);
    Ok(InferredSchema {
        schema: Arc::new(Schema::new(fields)),
        conflicts,
    })
}

impl PathStats {
    fn count(&mut self, seen: Seen, n: u64) {
        match self.counts.iter_mut().find(|(s, _)| *s == seen) {
            Some((_, c)) => *c += n,
            None => self.counts.push((seen, n)),
        }
    }

    fn observe(&mut self, kind: u8, value: &[u8], depth: usize) -> Result<(), CodecError> {
        let seen = match kind {
            raw::DOCUMENT => {
                self.document
                    .get_or_insert_with(Default::default)
                    .observe(value, depth + 1)?;
                Seen::Document
            }
            raw::ARRAY => {
                if depth + 1 > MAX_NESTING_DEPTH {
                    return Err(too_deep());
                }
                let items = self.items.get_or_insert_with(Default::default);
                let mut elements = Elements::of_document(value)?;
                let mut index = 0usize;
                while let Some(element) = elements.next_element()? {
                    raw::check_key(element.key)
                        .and_then(|()| items.observe(element.kind, element.value, depth + 1))
                        .map_err(|e| e.under(&format!("[{index}]")))?;
                    index += 1;
                }
                Seen::Array
            }
            _ => {
                raw::validate_value(kind, value, MAX_NESTING_DEPTH.saturating_sub(depth))?;
                let leaf = leaf_of(kind, value)?;
                if leaf == Leaf::Int64 {
                    let i = i64::from_le_bytes(raw::fixed(value)?);
                    self.wide_int64 |= i.unsigned_abs() > (1u64 << 53);
                }
                Seen::Leaf(leaf)
            }
        };
        self.count(seen, 1);
        Ok(())
    }

    fn merge(&mut self, other: PathStats) {
        for (seen, n) in other.counts {
            self.count(seen, n);
        }
        self.wide_int64 |= other.wide_int64;
        if let Some(doc) = other.document {
            self.document
                .get_or_insert_with(Default::default)
                .merge(*doc);
        }
        if let Some(items) = other.items {
            self.items
                .get_or_insert_with(Default::default)
                .merge(*items);
        }
    }

    fn field(&self, name: &str, path: &str, conflicts: &mut Vec<TypeConflict>) -> Field {
        let kinds: Vec<Seen> = self
            .counts
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s != Seen::Leaf(Leaf::Null))
            .collect();
        let numeric = |s: &Seen| {
            matches!(
                s,
                Seen::Leaf(Leaf::Int32) | Seen::Leaf(Leaf::Int64) | Seen::Leaf(Leaf::Double)
            )
        };
        let has = |leaf: Leaf| kinds.contains(&Seen::Leaf(leaf));
        match kinds.as_slice() {
            [] => Leaf::Null.field(name),
            [Seen::Leaf(leaf)] => leaf.field(name),
            [Seen::Document] => {
                let fields = self
                    .document
                    .as_ref()
                    .map(|d| d.fields(path, conflicts))
                    .unwrap_or_default();
                Field::new(name, DataType::Struct(fields), true)
            }
            [Seen::Array] => {
                let item = match &self.items {
                    Some(items) => items.field("item", &format!("{path}[]"), conflicts),
                    None => Leaf::Null.field("item"),
                };
                Field::new(name, DataType::List(Arc::new(item)), true)
            }
            all if all.iter().all(numeric) && !(has(Leaf::Double) && self.wide_int64) => {
                if has(Leaf::Double) {
                    Leaf::Double.field(name)
                } else {
                    Leaf::Int64.field(name)
                }
            }
            _ => {
                let mut types_seen: Vec<(String, u64)> = self
                    .counts
                    .iter()
                    .map(|(seen, n)| (seen_alias(*seen), *n))
                    .collect();
                types_seen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                conflicts.push(TypeConflict {
                    path: path.to_owned(),
                    types_seen,
                });
                Leaf::Any.field(name)
            }
        }
    }
}

fn seen_alias(seen: Seen) -> String {
    match seen {
        Seen::Leaf(leaf) => leaf.alias(),
        Seen::Document => "object".to_owned(),
        Seen::Array => "array".to_owned(),
    }
}

fn too_deep() -> CodecError {
    CodecError::NestingTooDeep {
        row: None,
        path: String::new(),
        limit: MAX_NESTING_DEPTH,
    }
}

/// The column type a single (non-document, non-array) value asks for.
fn leaf_of(kind: u8, value: &[u8]) -> Result<Leaf, CodecError> {
    Ok(match kind {
        raw::DOUBLE => Leaf::Double,
        raw::STRING => Leaf::String,
        raw::BINARY => match raw::binary_parts(value)? {
            (4, data) if data.len() == 16 => Leaf::Uuid,
            (subtype, _) => Leaf::Binary(subtype),
        },
        raw::UNDEFINED => Leaf::Undefined,
        raw::OBJECT_ID => Leaf::ObjectId,
        raw::BOOLEAN => Leaf::Bool,
        raw::DATETIME => Leaf::Date,
        raw::NULL => Leaf::Null,
        raw::REGEX => Leaf::Regex,
        raw::DB_POINTER => Leaf::DbPointer,
        raw::JAVASCRIPT => Leaf::JavaScript,
        raw::SYMBOL => Leaf::Symbol,
        raw::JAVASCRIPT_WITH_SCOPE => Leaf::JavaScriptWithScope,
        raw::INT32 => Leaf::Int32,
        raw::TIMESTAMP => Leaf::Timestamp,
        raw::INT64 => Leaf::Int64,
        raw::DECIMAL128 => Leaf::Decimal128,
        raw::MIN_KEY => Leaf::MinKey,
        raw::MAX_KEY => Leaf::MaxKey,
        other => {
            return Err(CodecError::invalid(format!(
                "unknown element type 0x{other:02x}"
            )))
        }
    })
}

impl DocStats {
    fn observe(&mut self, bytes: &[u8], depth: usize) -> Result<(), CodecError> {
        if depth > MAX_NESTING_DEPTH {
            return Err(too_deep());
        }
        let mut elements = Elements::of_document(bytes)?;
        self.observed += 1;
        while let Some(element) = elements.next_element()? {
            raw::check_key(element.key).map_err(|e| e.under_key(element.key))?;
            let key = raw::utf8(element.key)?;
            let stats = match self.children.get_mut(key) {
                Some(stats) => stats,
                None => {
                    self.order.push(key.to_owned());
                    self.children.entry(key.to_owned()).or_default()
                }
            };
            // Decoding refuses a repeated field (one cell cannot hold two values): so must
            // inference, or it would bless documents that then fail to decode.
            if stats.last_parent == self.observed {
                return Err(CodecError::DuplicateField {
                    row: 0,
                    path: key.to_owned(),
                });
            }
            stats.last_parent = self.observed;
            stats
                .observe(element.kind, element.value, depth)
                .map_err(|e| e.under(key))?;
        }
        Ok(())
    }

    fn merge(&mut self, other: DocStats) {
        let DocStats {
            order,
            mut children,
            ..
        } = other;
        for key in order {
            let Some(stats) = children.remove(&key) else {
                continue;
            };
            match self.children.get_mut(&key) {
                Some(mine) => mine.merge(stats),
                None => {
                    self.order.push(key.clone());
                    self.children.insert(key, stats);
                }
            }
        }
    }

    fn fields(&self, parent: &str, conflicts: &mut Vec<TypeConflict>) -> Fields {
        self.order
            .iter()
            .filter_map(|key| {
                let stats = self.children.get(key)?;
                let path = if parent.is_empty() {
                    key.clone()
                } else {
                    format!("{parent}.{key}")
                };
                Some(stats.field(key, &path, conflicts))
            })
            .collect()
    }
}
