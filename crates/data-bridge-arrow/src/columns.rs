//! Column builders that BSON values are appended to, one per schema field.
//!
//! Values go straight into `Vec` buffers (no per-value allocation); arrays are assembled once per
//! chunk. Each builder knows its length, so "missing in this document" is found after the
//! document's elements were walked: any child shorter than its parent gets a null.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampMillisecondType, UInt32Type};
use arrow_array::{
    ArrayRef, BooleanArray, FixedSizeBinaryArray, ListArray, NullArray, PrimitiveArray, StructArray,
};
use arrow_buffer::{BooleanBufferBuilder, Buffer, NullBufferBuilder, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, FieldRef, Fields};

use crate::decode::OnMismatch;
use crate::error::CodecError;
use crate::extension as ext;
use crate::raw::{self, Elements};
use crate::spec::Presence;
use crate::types::{Leaf, Shape};
use crate::varbuf::VarBuf;
use crate::MAX_NESTING_DEPTH;

/// Per-chunk decoding state shared by all builders.
pub(crate) struct Ctx {
    pub on_mismatch: OnMismatch,
    pub nulled: u64,
    /// Check each string as it is appended. Off on the fast path, where Arrow validates each
    /// column's buffer once when the array is built; a chunk that fails there is decoded again
    /// with this on, to name the row and path of the bad string.
    pub validate_utf8: bool,
}

/// One column being built.
enum Column {
    Double(Vec<f64>, NullBufferBuilder),
    Int32(Vec<i32>, NullBufferBuilder),
    Int64(Vec<i64>, NullBufferBuilder),
    Date(Vec<i64>, NullBufferBuilder),
    Bool(BooleanBufferBuilder, NullBufferBuilder),
    /// MinKey / MaxKey / Undefined: `true` where present.
    Flag(Leaf, BooleanBufferBuilder, NullBufferBuilder),
    /// String / JavaScript / Symbol.
    Text(Leaf, VarBuf, NullBufferBuilder),
    Binary(u8, VarBuf, NullBufferBuilder),
    /// ObjectId (12) / UUID (16) / Decimal128 (16).
    Fixed(Leaf, Vec<u8>, NullBufferBuilder),
    Null(usize),
    Regex(VarBuf, VarBuf, NullBufferBuilder),
    CodeWithScope(VarBuf, VarBuf, NullBufferBuilder),
    DbPointer(VarBuf, Vec<u8>, NullBufferBuilder),
    Timestamp(Vec<u32>, Vec<u32>, NullBufferBuilder),
    /// Raw BSON `{"v": value}`; values are validated to this many more nesting levels.
    Any(VarBuf, NullBufferBuilder, usize),
    Struct(Box<StructColumn>),
    List(Box<ListColumn>),
}

/// A document's fields: children in schema order plus a name lookup.
pub(crate) struct StructColumn {
    names: Vec<Box<[u8]>>,
    display: Vec<String>,
    /// Only for wide structs; narrow ones scan `names`, which is faster.
    index: Option<HashMap<Box<[u8]>, usize>>,
    children: Vec<Column>,
    /// Each child's rule for null and missing values.
    presence: Vec<Presence>,
    nulls: NullBufferBuilder,
    /// The child collecting the fields no other child holds (extension `data_bridge.rest`),
    /// and the current document's such fields, as BSON elements.
    rest: Option<(usize, Vec<u8>)>,
    /// Nesting levels left for the values of fields outside the schema, which are validated
    /// (structure, lengths, UTF-8, booleans, depth) though not decoded.
    skip_depth: usize,
}

pub(crate) struct ListColumn {
    offsets: Vec<i32>,
    child: Column,
    nulls: NullBufferBuilder,
}

const WIDE_STRUCT: usize = 12;

fn expect_type(field: &Field, leaf: Leaf) -> Result<(), CodecError> {
    let canonical = leaf.field(field.name());
    if canonical.data_type() == field.data_type() {
        Ok(())
    } else {
        Err(CodecError::schema(
            field.name().as_str(),
            format!(
                "extension {} needs storage type {}, schema has {}",
                leaf.alias(),
                canonical.data_type(),
                field.data_type()
            ),
        ))
    }
}

impl StructColumn {
    pub(crate) fn new(fields: &Fields, rows: usize, depth: usize) -> Result<Self, CodecError> {
        if depth > MAX_NESTING_DEPTH {
            return Err(CodecError::NestingTooDeep {
                row: None,
                path: String::new(),
                limit: MAX_NESTING_DEPTH,
            });
        }
        let is_rest =
            |f: &Field| f.metadata().get(ext::NAME_KEY).map(String::as_str) == Some(ext::REST);
        let mut rest = None;
        for (i, f) in fields.iter().enumerate() {
            if is_rest(f) {
                if rest.is_some() {
                    return Err(CodecError::schema(
                        f.name().as_str(),
                        "a struct can have one rest column",
                    ));
                }
                rest = Some((i, Vec::new()));
            }
        }
        // A rest column matches no key: BSON keys cannot hold a NUL byte.
        let names: Vec<Box<[u8]>> = fields
            .iter()
            .map(|f| {
                if is_rest(f) {
                    Box::from(&b"\0"[..])
                } else {
                    f.name().as_bytes().to_vec().into_boxed_slice()
                }
            })
            .collect();
        let index = (names.len() > WIDE_STRUCT).then(|| {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i))
                .collect()
        });
        let children = fields
            .iter()
            .map(|f| Column::new(f, rows, depth).map_err(|e| e.under(f.name())))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            names,
            display: fields.iter().map(|f| f.name().clone()).collect(),
            index,
            children,
            presence: fields.iter().map(|f| Presence::of(f)).collect(),
            nulls: NullBufferBuilder::new(rows),
            rest,
            // As deep as a full read (inference) accepts below this level.
            skip_depth: MAX_NESTING_DEPTH.saturating_sub(depth + 1),
        })
    }

    #[inline]
    fn find(&self, key: &[u8], hint: usize) -> Option<usize> {
        if let Some(name) = self.names.get(hint) {
            if **name == *key {
                return Some(hint);
            }
        }
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.names.iter().position(|n| **n == *key),
        }
    }

    /// Appends one document (length prefix included).
    #[inline]
    pub(crate) fn append_document(
        &mut self,
        bytes: &[u8],
        ctx: &mut Ctx,
    ) -> Result<(), CodecError> {
        let target = self.nulls.len() + 1;
        let mut elements = Elements::of_document(bytes)?;
        let mut hint = 0;
        if let Some((_, buf)) = &mut self.rest {
            buf.clear();
        }
        while let Some(element) = elements.next_element()? {
            let Some(i) = self.find(element.key, hint) else {
                if let Some((_, buf)) = &mut self.rest {
                    // Validated with the rest column's raw document.
                    buf.push(element.kind);
                    buf.extend_from_slice(element.key);
                    buf.push(0);
                    buf.extend_from_slice(element.value);
                } else {
                    // Not decoded, but checked: a result is either sound throughout or an error.
                    raw::check_key(element.key)
                        .and_then(|()| {
                            raw::validate_value(element.kind, element.value, self.skip_depth)
                        })
                        .map_err(|e| e.under_key(element.key))?;
                }
                continue;
            };
            hint = i + 1;
            let child = &mut self.children[i];
            if child.len() >= target {
                return Err(CodecError::DuplicateField {
                    row: 0,
                    path: self.display[i].clone(),
                });
            }
            if element.kind == raw::NULL && !self.presence[i].null_ok() {
                return Err(absent(child, &self.display[i], "null"));
            }
            if let Err(e) = child.append(element.kind, element.value, ctx) {
                return Err(e.under(&self.display[i]));
            }
        }
        if let Some((i, buf)) = &self.rest {
            if !buf.is_empty() {
                let length = i32::try_from(buf.len() + 5)
                    .map_err(|_| CodecError::invalid("document too large"))?;
                let mut document = Vec::with_capacity(buf.len() + 5);
                document.extend_from_slice(&length.to_le_bytes());
                document.extend_from_slice(buf);
                document.push(0);
                let i = *i;
                if let Err(e) = self.children[i].append(0x03, &document, ctx) {
                    return Err(e.under(&self.display[i]));
                }
            }
        }
        for (i, child) in self.children.iter_mut().enumerate() {
            if child.len() < target {
                if !self.presence[i].missing_ok() {
                    return Err(absent(child, &self.display[i], "missing"));
                }
                child.push_null();
            }
        }
        self.nulls.append_non_null();
        Ok(())
    }

    fn push_null(&mut self) {
        for child in &mut self.children {
            child.push_null();
        }
        self.nulls.append_null();
    }

    pub(crate) fn finish_children(self, fields: &Fields) -> Result<Vec<ArrayRef>, CodecError> {
        // A plain loop: iterator adapters add a dozen stack frames per nesting level in debug
        // builds, and this recursion goes MAX_NESTING_DEPTH deep.
        let mut arrays = Vec::with_capacity(self.children.len());
        for (child, field) in self.children.into_iter().zip(fields.iter()) {
            arrays.push(child.finish(field).map_err(|e| e.under(field.name()))?);
        }
        Ok(arrays)
    }

    fn finish(mut self, fields: &Fields) -> Result<ArrayRef, CodecError> {
        let len = self.nulls.len();
        let nulls = self.nulls.finish();
        if fields.is_empty() {
            return Ok(Arc::new(StructArray::new_empty_fields(len, nulls)));
        }
        let children = self.finish_children(fields)?;
        Ok(Arc::new(StructArray::try_new(
            fields.clone(),
            children,
            nulls,
        )?))
    }
}

impl Column {
    pub(crate) fn new(field: &Field, rows: usize, depth: usize) -> Result<Self, CodecError> {
        let nulls = || NullBufferBuilder::new(rows);
        Ok(match Shape::of(field)? {
            Shape::Struct(fields) => {
                Self::Struct(Box::new(StructColumn::new(fields, rows, depth + 1)?))
            }
            Shape::List(item) => {
                let child = Self::new(item, rows, depth + 1).map_err(|e| e.under("[]"))?;
                let mut offsets = Vec::with_capacity(rows + 1);
                offsets.push(0);
                Self::List(Box::new(ListColumn {
                    offsets,
                    child,
                    nulls: nulls(),
                }))
            }
            Shape::Leaf(leaf) => {
                if matches!(
                    leaf,
                    Leaf::Regex | Leaf::JavaScriptWithScope | Leaf::Timestamp | Leaf::DbPointer
                ) {
                    expect_type(field, leaf)?;
                }
                match leaf {
                    Leaf::Double => Self::Double(Vec::with_capacity(rows), nulls()),
                    Leaf::Int32 => Self::Int32(Vec::with_capacity(rows), nulls()),
                    Leaf::Int64 => Self::Int64(Vec::with_capacity(rows), nulls()),
                    Leaf::Date => Self::Date(Vec::with_capacity(rows), nulls()),
                    Leaf::Bool => Self::Bool(BooleanBufferBuilder::new(rows), nulls()),
                    Leaf::MinKey | Leaf::MaxKey | Leaf::Undefined => {
                        Self::Flag(leaf, BooleanBufferBuilder::new(rows), nulls())
                    }
                    Leaf::String | Leaf::JavaScript | Leaf::Symbol => {
                        Self::Text(leaf, VarBuf::new(rows), nulls())
                    }
                    Leaf::Binary(subtype) => Self::Binary(subtype, VarBuf::new(rows), nulls()),
                    Leaf::ObjectId => Self::Fixed(leaf, Vec::with_capacity(rows * 12), nulls()),
                    Leaf::Uuid | Leaf::Decimal128 => {
                        Self::Fixed(leaf, Vec::with_capacity(rows * 16), nulls())
                    }
                    Leaf::Null => Self::Null(0),
                    Leaf::Regex => Self::Regex(VarBuf::new(rows), VarBuf::new(rows), nulls()),
                    Leaf::JavaScriptWithScope => {
                        Self::CodeWithScope(VarBuf::new(rows), VarBuf::new(rows), nulls())
                    }
                    Leaf::DbPointer => Self::DbPointer(VarBuf::new(rows), Vec::new(), nulls()),
                    Leaf::Timestamp => Self::Timestamp(Vec::new(), Vec::new(), nulls()),
                    Leaf::Any => Self::Any(
                        VarBuf::new(rows),
                        nulls(),
                        MAX_NESTING_DEPTH.saturating_sub(depth),
                    ),
                }
            }
        })
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Double(_, n)
            | Self::Int32(_, n)
            | Self::Int64(_, n)
            | Self::Date(_, n)
            | Self::Bool(_, n)
            | Self::Flag(_, _, n)
            | Self::Text(_, _, n)
            | Self::Binary(_, _, n)
            | Self::Fixed(_, _, n)
            | Self::Regex(_, _, n)
            | Self::CodeWithScope(_, _, n)
            | Self::DbPointer(_, _, n)
            | Self::Timestamp(_, _, n)
            | Self::Any(_, n, _) => n.len(),
            Self::Null(len) => *len,
            Self::Struct(s) => s.nulls.len(),
            Self::List(l) => l.nulls.len(),
        }
    }

    pub(crate) fn push_null(&mut self) {
        match self {
            Self::Double(v, n) => {
                v.push(0.0);
                n.append_null();
            }
            Self::Int32(v, n) => {
                v.push(0);
                n.append_null();
            }
            Self::Int64(v, n) | Self::Date(v, n) => {
                v.push(0);
                n.append_null();
            }
            Self::Bool(v, n) | Self::Flag(_, v, n) => {
                v.append(false);
                n.append_null();
            }
            Self::Text(_, v, n) | Self::Binary(_, v, n) | Self::Any(v, n, _) => {
                v.push_empty();
                n.append_null();
            }
            Self::Fixed(leaf, v, n) => {
                let width = if *leaf == Leaf::ObjectId { 12 } else { 16 };
                v.resize(v.len() + width, 0);
                n.append_null();
            }
            Self::Null(len) => *len += 1,
            Self::Regex(a, b, n) | Self::CodeWithScope(a, b, n) => {
                a.push_empty();
                b.push_empty();
                n.append_null();
            }
            Self::DbPointer(a, id, n) => {
                a.push_empty();
                id.resize(id.len() + 12, 0);
                n.append_null();
            }
            Self::Timestamp(t, i, n) => {
                t.push(0);
                i.push(0);
                n.append_null();
            }
            Self::Struct(s) => s.push_null(),
            Self::List(l) => {
                let last = l.offsets.last().copied().unwrap_or(0);
                l.offsets.push(last);
                l.nulls.append_null();
            }
        }
    }

    fn expected(&self) -> String {
        match self {
            Self::Double(..) => "double".into(),
            Self::Int32(..) => "int".into(),
            Self::Int64(..) => "long".into(),
            Self::Date(..) => "date".into(),
            Self::Bool(..) => "bool".into(),
            Self::Flag(leaf, ..) | Self::Text(leaf, ..) | Self::Fixed(leaf, ..) => leaf.alias(),
            Self::Binary(subtype, ..) => Leaf::Binary(*subtype).alias(),
            Self::Null(_) => "null".into(),
            Self::Regex(..) => "regex".into(),
            Self::CodeWithScope(..) => "javaScriptWithScope".into(),
            Self::DbPointer(..) => "dbPointer".into(),
            Self::Timestamp(..) => "timestamp".into(),
            Self::Any(..) => "any".into(),
            Self::Struct(_) => "object".into(),
            Self::List(_) => "array".into(),
        }
    }

    /// Appends one BSON value. `Ok(false)` from the inner match means "wrong type".
    #[inline]
    pub(crate) fn append(
        &mut self,
        kind: u8,
        value: &[u8],
        ctx: &mut Ctx,
    ) -> Result<(), CodecError> {
        if kind == raw::NULL {
            self.push_null();
            return Ok(());
        }
        let accepted = self.try_append(kind, value, ctx)?;
        if accepted {
            return Ok(());
        }
        match ctx.on_mismatch {
            OnMismatch::Error => Err(CodecError::TypeMismatch {
                row: 0,
                path: String::new(),
                expected: self.expected(),
                found: found_alias(kind, value),
            }),
            OnMismatch::Null => {
                self.push_null();
                ctx.nulled += 1;
                Ok(())
            }
        }
    }

    #[inline]
    fn try_append(&mut self, kind: u8, value: &[u8], ctx: &mut Ctx) -> Result<bool, CodecError> {
        match self {
            Self::Struct(s) => {
                if kind != raw::DOCUMENT {
                    return Ok(false);
                }
                s.append_document(value, ctx)?;
                Ok(true)
            }
            Self::List(l) => {
                if kind != raw::ARRAY {
                    return Ok(false);
                }
                l.append_array(value, ctx)?;
                Ok(true)
            }
            leaf => leaf.append_leaf(kind, value, ctx),
        }
    }

    #[inline]
    fn append_leaf(&mut self, kind: u8, value: &[u8], ctx: &Ctx) -> Result<bool, CodecError> {
        match self {
            Self::Double(v, n) => {
                let x = match kind {
                    raw::DOUBLE => f64::from_le_bytes(raw::fixed(value)?),
                    raw::INT32 => f64::from(i32::from_le_bytes(raw::fixed(value)?)),
                    raw::INT64 => {
                        let i = i64::from_le_bytes(raw::fixed(value)?);
                        // Only integers a double holds exactly: never change a value silently.
                        if i.unsigned_abs() > (1u64 << 53) {
                            return Ok(false);
                        }
                        i as f64
                    }
                    _ => return Ok(false),
                };
                v.push(x);
                n.append_non_null();
            }
            Self::Int32(v, n) => {
                if kind != raw::INT32 {
                    return Ok(false);
                }
                v.push(i32::from_le_bytes(raw::fixed(value)?));
                n.append_non_null();
            }
            Self::Int64(v, n) => {
                let x = match kind {
                    raw::INT64 => i64::from_le_bytes(raw::fixed(value)?),
                    raw::INT32 => i64::from(i32::from_le_bytes(raw::fixed(value)?)),
                    _ => return Ok(false),
                };
                v.push(x);
                n.append_non_null();
            }
            Self::Date(v, n) => {
                if kind != raw::DATETIME {
                    return Ok(false);
                }
                v.push(i64::from_le_bytes(raw::fixed(value)?));
                n.append_non_null();
            }
            Self::Bool(v, n) => {
                if kind != raw::BOOLEAN {
                    return Ok(false);
                }
                v.append(read_bool(value)?);
                n.append_non_null();
            }
            Self::Flag(leaf, v, n) => {
                if leaf_kind(*leaf) != kind {
                    return Ok(false);
                }
                v.append(true);
                n.append_non_null();
            }
            Self::Text(leaf, v, n) => {
                if leaf_kind(*leaf) != kind {
                    return Ok(false);
                }
                let s = raw::string_bytes(value);
                if ctx.validate_utf8 {
                    raw::utf8(s)?;
                }
                v.push(s)?;
                n.append_non_null();
            }
            Self::Binary(subtype, v, n) => {
                if kind != raw::BINARY {
                    return Ok(false);
                }
                let (found, data) = raw::binary_parts(value)?;
                if found != *subtype {
                    return Ok(false);
                }
                v.push(data)?;
                n.append_non_null();
            }
            Self::Fixed(leaf, v, n) => {
                match (*leaf, kind) {
                    (Leaf::ObjectId, raw::OBJECT_ID) => {
                        v.extend_from_slice(&raw::fixed::<12>(value)?)
                    }
                    (Leaf::Decimal128, raw::DECIMAL128) => {
                        v.extend_from_slice(&raw::fixed::<16>(value)?)
                    }
                    (Leaf::Uuid, raw::BINARY) => match raw::binary_parts(value)? {
                        (4, data) if data.len() == 16 => v.extend_from_slice(data),
                        _ => return Ok(false),
                    },
                    _ => return Ok(false),
                }
                n.append_non_null();
            }
            Self::Null(_) => return Ok(false),
            Self::Regex(pattern, options, n) => {
                if kind != raw::REGEX {
                    return Ok(false);
                }
                let (p, rest) = raw::split_cstring(value)?;
                let (o, _) = raw::split_cstring(rest)?;
                pattern.push(raw::utf8(p)?.as_bytes())?;
                options.push(raw::utf8(o)?.as_bytes())?;
                n.append_non_null();
            }
            Self::CodeWithScope(code, scope, n) => {
                if kind != raw::JAVASCRIPT_WITH_SCOPE {
                    return Ok(false);
                }
                let (c, s) = raw::code_with_scope_parts(value)?;
                raw::validate_document(s, MAX_NESTING_DEPTH)?;
                code.push(raw::utf8(c)?.as_bytes())?;
                scope.push(s)?;
                n.append_non_null();
            }
            Self::DbPointer(ns, id, n) => {
                if kind != raw::DB_POINTER {
                    return Ok(false);
                }
                let split = value.len().saturating_sub(12);
                ns.push(raw::utf8(raw::string_bytes(&value[..split]))?.as_bytes())?;
                id.extend_from_slice(&value[split..]);
                n.append_non_null();
            }
            Self::Timestamp(time, inc, n) => {
                if kind != raw::TIMESTAMP {
                    return Ok(false);
                }
                let packed = u64::from_le_bytes(raw::fixed(value)?);
                inc.push(packed as u32);
                time.push((packed >> 32) as u32);
                n.append_non_null();
            }
            Self::Any(v, n, depth_left) => {
                raw::validate_value(kind, value, *depth_left)?;
                v.push_any(kind, value)?;
                n.append_non_null();
            }
            Self::Struct(_) | Self::List(_) => return Ok(false),
        }
        Ok(true)
    }

    pub(crate) fn finish(self, field: &Field) -> Result<ArrayRef, CodecError> {
        match self {
            Self::Struct(s) => match field.data_type() {
                DataType::Struct(fields) => s.finish(fields),
                other => Err(CodecError::schema(
                    field.name().as_str(),
                    format!("not a struct: {other}"),
                )),
            },
            Self::List(l) => match field.data_type() {
                DataType::List(item) => l.finish(item),
                other => Err(CodecError::schema(
                    field.name().as_str(),
                    format!("not a list: {other}"),
                )),
            },
            leaf => leaf.finish_leaf(field),
        }
    }

    /// Leaves apart from the recursive cases keeps the recursion's stack frames small.
    #[inline(never)]
    fn finish_leaf(self, field: &Field) -> Result<ArrayRef, CodecError> {
        let struct_fields = || match field.data_type() {
            DataType::Struct(fields) => Ok(fields.clone()),
            other => Err(CodecError::schema(
                field.name().as_str(),
                format!("not a struct: {other}"),
            )),
        };
        Ok(match self {
            Self::Double(v, mut n) => Arc::new(PrimitiveArray::<Float64Type>::try_new(
                v.into(),
                n.finish(),
            )?),
            Self::Int32(v, mut n) => {
                Arc::new(PrimitiveArray::<Int32Type>::try_new(v.into(), n.finish())?)
            }
            Self::Int64(v, mut n) => {
                Arc::new(PrimitiveArray::<Int64Type>::try_new(v.into(), n.finish())?)
            }
            Self::Date(v, mut n) => Arc::new(
                PrimitiveArray::<TimestampMillisecondType>::try_new(v.into(), n.finish())?
                    .with_data_type(field.data_type().clone()),
            ),
            Self::Bool(mut v, mut n) | Self::Flag(_, mut v, mut n) => {
                Arc::new(BooleanArray::new(v.finish(), n.finish()))
            }
            Self::Text(_, v, mut n) => Arc::new(v.strings(n.finish())?),
            Self::Binary(_, v, mut n) | Self::Any(v, mut n, _) => Arc::new(v.binaries(n.finish())?),
            Self::Fixed(leaf, v, mut n) => {
                let width = if leaf == Leaf::ObjectId { 12 } else { 16 };
                Arc::new(FixedSizeBinaryArray::try_new(
                    width,
                    Buffer::from_vec(v),
                    n.finish(),
                )?)
            }
            Self::Null(len) => Arc::new(NullArray::new(len)),
            Self::Regex(p, o, mut n) => Arc::new(StructArray::try_new(
                struct_fields()?,
                vec![Arc::new(p.strings(None)?), Arc::new(o.strings(None)?)],
                n.finish(),
            )?),
            Self::CodeWithScope(c, s, mut n) => Arc::new(StructArray::try_new(
                struct_fields()?,
                vec![Arc::new(c.strings(None)?), Arc::new(s.binaries(None)?)],
                n.finish(),
            )?),
            Self::DbPointer(ns, id, mut n) => Arc::new(StructArray::try_new(
                struct_fields()?,
                vec![
                    Arc::new(ns.strings(None)?),
                    Arc::new(FixedSizeBinaryArray::try_new(
                        12,
                        Buffer::from_vec(id),
                        None,
                    )?),
                ],
                n.finish(),
            )?),
            Self::Timestamp(t, i, mut n) => Arc::new(StructArray::try_new(
                struct_fields()?,
                vec![
                    Arc::new(PrimitiveArray::<UInt32Type>::try_new(t.into(), None)?),
                    Arc::new(PrimitiveArray::<UInt32Type>::try_new(i.into(), None)?),
                ],
                n.finish(),
            )?),
            Self::Struct(_) | Self::List(_) => {
                return Err(CodecError::schema(
                    field.name().as_str(),
                    "nested column as a leaf",
                ))
            }
        })
    }
}

impl ListColumn {
    #[inline]
    fn append_array(&mut self, bytes: &[u8], ctx: &mut Ctx) -> Result<(), CodecError> {
        let mut elements = Elements::of_document(bytes)?;
        let mut index = 0usize;
        while let Some(element) = elements.next_element()? {
            let appended = raw::check_key(element.key)
                .and_then(|()| self.child.append(element.kind, element.value, ctx));
            if let Err(e) = appended {
                return Err(e.under(&format!("[{index}]")));
            }
            index += 1;
        }
        let end = i32::try_from(self.child.len()).map_err(|_| CodecError::CapacityExceeded {
            row: None,
            path: String::new(),
        })?;
        self.offsets.push(end);
        self.nulls.append_non_null();
        Ok(())
    }

    fn finish(mut self, item: &FieldRef) -> Result<ArrayRef, CodecError> {
        let values = self.child.finish(item).map_err(|e| e.under("[]"))?;
        Ok(Arc::new(ListArray::try_new(
            item.clone(),
            OffsetBuffer::new(ScalarBuffer::from(self.offsets)),
            values,
            self.nulls.finish(),
        )?))
    }
}

/// The error for a null or missing value where the field's [`Presence`] refuses one.
#[cold]
fn absent(child: &Column, path: &str, found: &str) -> CodecError {
    CodecError::TypeMismatch {
        row: 0,
        path: path.to_owned(),
        expected: child.expected(),
        found: found.to_owned(),
    }
}

fn leaf_kind(leaf: Leaf) -> u8 {
    match leaf {
        Leaf::JavaScript => raw::JAVASCRIPT,
        Leaf::Symbol => raw::SYMBOL,
        Leaf::MinKey => raw::MIN_KEY,
        Leaf::MaxKey => raw::MAX_KEY,
        Leaf::Undefined => raw::UNDEFINED,
        _ => raw::STRING,
    }
}

#[inline]
fn read_bool(value: &[u8]) -> Result<bool, CodecError> {
    match value.first() {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        _ => Err(CodecError::invalid("boolean byte is neither 0 nor 1")),
    }
}

/// The type named in a mismatch message (binary values show their subtype).
fn found_alias(kind: u8, value: &[u8]) -> String {
    if kind == raw::BINARY {
        if let Ok((subtype, data)) = raw::binary_parts(value) {
            return if subtype == 4 && data.len() == 16 {
                "uuid".to_owned()
            } else {
                Leaf::Binary(subtype).alias()
            };
        }
    }
    raw::type_alias(kind).to_owned()
}
