//! Arrow record batches → BSON documents, in parallel, into one contiguous buffer.
//!
//! The inverse of decoding for every mapped type (see the crate docs' table); other common
//! Arrow types are accepted too (smaller integers, float32, large/view strings and binaries,
//! other timestamp units, dates, large and fixed-size lists).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, BinaryArray, BooleanArray, FixedSizeBinaryArray, GenericListArray, PrimitiveArray,
    RecordBatch, StructArray,
};
use arrow_schema::{DataType, Field, TimeUnit};
use rayon::prelude::*;

use crate::error::CodecError;
use crate::extension as ext;
use crate::raw::{self, Elements};
use crate::types::{Leaf, Shape};
use crate::MAX_NESTING_DEPTH;

/// Options for [`encode_batch`].
#[derive(Clone, Debug, Default)]
pub struct EncodeOptions {
    /// Write null values as BSON null (`true`) or leave the field out (`false`, default).
    /// Nulls inside arrays are always written: an element's position is its key.
    pub keep_nulls: bool,
}

/// Encoded documents: document `i` is `bytes[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodedDocuments {
    /// All documents, back to back (a valid concatenated-BSON stream).
    pub bytes: Vec<u8>,
    /// Document boundaries; `offsets.len() == number of documents + 1`.
    pub offsets: Vec<usize>,
}

impl EncodedDocuments {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Document `i`'s bytes.
    pub fn document(&self, i: usize) -> Option<&[u8]> {
        let start = *self.offsets.get(i)?;
        let end = *self.offsets.get(i + 1)?;
        self.bytes.get(start..end)
    }
}

/// Encodes every row of `batch` as one BSON document (columns become fields, in order).
///
/// ```
/// use data_bridge_arrow::{encode_batch, EncodeOptions};
/// use arrow_array::{Int64Array, RecordBatch};
/// use std::sync::Arc;
/// let batch = RecordBatch::try_from_iter([(
///     "n",
///     Arc::new(Int64Array::from(vec![Some(1), None])) as _,
/// )])?;
/// let encoded = encode_batch(&batch, &EncodeOptions::default())?;
/// assert_eq!(encoded.len(), 2);
/// assert_eq!(encoded.document(1), Some(&[5u8, 0, 0, 0, 0][..])); // {} : the null is omitted
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_batch(
    batch: &RecordBatch,
    opts: &EncodeOptions,
) -> Result<EncodedDocuments, CodecError> {
    let schema = batch.schema();
    let root = Document::new(
        schema.fields().iter().map(|f| f.as_ref()),
        batch.columns().iter().map(|c| c.as_ref()),
        1,
    )?;
    let rows = batch.num_rows();
    let threads = crate::pool::threads().max(1);
    let chunk = rows.div_ceil(threads * 4).max(1024);
    let starts: Vec<usize> = (0..rows).step_by(chunk).collect();
    let parts: Vec<Result<Part, CodecError>> = crate::pool::install(|| {
        starts
            .par_iter()
            .map(|&start| {
                let end = (start + chunk).min(rows);
                let mut out = Vec::with_capacity((end - start) * 64);
                let mut ends = Vec::with_capacity(end - start);
                for row in start..end {
                    root.write(row, &mut out, opts).map_err(|e| e.at_row(row))?;
                    ends.push(out.len());
                }
                Ok((out, ends))
            })
            .collect()
    });
    let mut encoded = EncodedDocuments {
        bytes: Vec::new(),
        offsets: Vec::with_capacity(rows + 1),
    };
    let mut parts_ok = Vec::with_capacity(parts.len());
    for part in parts {
        parts_ok.push(part?);
    }
    encoded
        .bytes
        .reserve_exact(parts_ok.iter().map(|(b, _)| b.len()).sum());
    encoded.offsets.push(0);
    for (bytes, ends) in parts_ok {
        let base = encoded.bytes.len();
        encoded.bytes.extend_from_slice(&bytes);
        encoded.offsets.extend(ends.into_iter().map(|e| base + e));
    }
    Ok(encoded)
}

/// One thread's share: its documents' bytes and where each ends.
type Part = (Vec<u8>, Vec<usize>);

/// Writes one column's values; built once per batch, shared by the threads.
enum Writer<'a> {
    Float64(&'a PrimitiveArray<Float64Type>),
    Float32(&'a PrimitiveArray<Float32Type>),
    Int32(&'a PrimitiveArray<Int32Type>),
    Int16(&'a PrimitiveArray<Int16Type>),
    Int8(&'a PrimitiveArray<Int8Type>),
    UInt16(&'a PrimitiveArray<UInt16Type>),
    UInt8(&'a PrimitiveArray<UInt8Type>),
    Int64(&'a PrimitiveArray<Int64Type>),
    UInt32(&'a PrimitiveArray<UInt32Type>),
    UInt64(&'a PrimitiveArray<UInt64Type>),
    Bool(&'a BooleanArray),
    /// MinKey / MaxKey / Undefined: the element type, no value bytes.
    Flag(u8, &'a BooleanArray),
    /// Datetime from any i64 time column, scaled to milliseconds (`ms = v * mul / div`).
    Millis {
        values: &'a [i64],
        array: &'a dyn Array,
        mul: i64,
        div: i64,
    },
    Date32(&'a PrimitiveArray<Date32Type>),
    /// String-like (string, JavaScript, symbol) with its element type.
    Text(u8, &'a dyn Array),
    Binary(u8, &'a dyn Array),
    ObjectId(&'a FixedSizeBinaryArray),
    Uuid(&'a FixedSizeBinaryArray),
    Decimal128(&'a FixedSizeBinaryArray),
    Any(&'a BinaryArray),
    Null,
    Regex(&'a StructArray),
    CodeWithScope(&'a StructArray),
    DbPointer(&'a StructArray),
    Timestamp(&'a StructArray),
    Document(Document<'a>, &'a StructArray),
    List(&'a [i32], Box<Writer<'a>>, &'a dyn Array),
    LargeList(&'a [i64], Box<Writer<'a>>, &'a dyn Array),
    FixedList(usize, Box<Writer<'a>>, &'a dyn Array),
}

struct Document<'a> {
    names: Vec<&'a [u8]>,
    display: Vec<&'a str>,
    writers: Vec<Writer<'a>>,
}

fn schema_error(field: &Field, reason: impl Into<String>) -> CodecError {
    CodecError::schema(field.name().as_str(), reason)
}

impl<'a> Document<'a> {
    fn new(
        fields: impl Iterator<Item = &'a Field>,
        arrays: impl Iterator<Item = &'a dyn Array>,
        depth: usize,
    ) -> Result<Self, CodecError> {
        if depth > MAX_NESTING_DEPTH {
            return Err(CodecError::NestingTooDeep {
                row: None,
                path: String::new(),
                limit: MAX_NESTING_DEPTH,
            });
        }
        let mut document = Document {
            names: Vec::new(),
            display: Vec::new(),
            writers: Vec::new(),
        };
        for (field, array) in fields.zip(arrays) {
            if field.name().contains('\0') {
                return Err(schema_error(field, "field name contains a NUL byte"));
            }
            document.names.push(field.name().as_bytes());
            document.display.push(field.name());
            document
                .writers
                .push(Writer::new(field, array, depth).map_err(|e| e.under(field.name()))?);
        }
        Ok(document)
    }

    fn write(&self, row: usize, out: &mut Vec<u8>, opts: &EncodeOptions) -> Result<(), CodecError> {
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        for ((name, writer), display) in self.names.iter().zip(&self.writers).zip(&self.display) {
            let at = out.len();
            out.push(raw::NULL);
            out.extend_from_slice(name);
            out.push(0);
            if writer.is_null(row) {
                if !opts.keep_nulls {
                    out.truncate(at);
                }
                continue;
            }
            let kind = writer.write(row, out, opts).map_err(|e| e.under(display))?;
            out[at] = kind;
        }
        out.push(0);
        close_length(out, start)
    }
}

fn close_length(out: &mut [u8], start: usize) -> Result<(), CodecError> {
    let length = i32::try_from(out.len() - start).map_err(|_| CodecError::Encode {
        row: 0,
        path: String::new(),
        reason: "document larger than 2 GiB".into(),
    })?;
    out[start..start + 4].copy_from_slice(&length.to_le_bytes());
    Ok(())
}

fn encode_error(reason: impl Into<String>) -> CodecError {
    CodecError::Encode {
        row: 0,
        path: String::new(),
        reason: reason.into(),
    }
}

fn write_string(out: &mut Vec<u8>, s: &[u8]) -> Result<(), CodecError> {
    let n = i32::try_from(s.len() + 1).map_err(|_| encode_error("string larger than 2 GiB"))?;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(s);
    out.push(0);
    Ok(())
}

fn write_cstring(out: &mut Vec<u8>, s: &[u8]) -> Result<(), CodecError> {
    if memchr::memchr(0, s).is_some() {
        return Err(encode_error("regex pattern or options contain a NUL byte"));
    }
    out.extend_from_slice(s);
    out.push(0);
    Ok(())
}

fn write_binary(out: &mut Vec<u8>, subtype: u8, data: &[u8]) -> Result<(), CodecError> {
    let extra = if subtype == 2 { 4 } else { 0 };
    let n =
        i32::try_from(data.len() + extra).map_err(|_| encode_error("binary larger than 2 GiB"))?;
    out.extend_from_slice(&n.to_le_bytes());
    out.push(subtype);
    if subtype == 2 {
        out.extend_from_slice(&(n - 4).to_le_bytes());
    }
    out.extend_from_slice(data);
    Ok(())
}

fn text_value(array: &dyn Array, row: usize) -> &[u8] {
    if let Some(a) = array.as_string_opt::<i32>() {
        a.value(row).as_bytes()
    } else if let Some(a) = array.as_string_opt::<i64>() {
        a.value(row).as_bytes()
    } else if let Some(a) = array.as_string_view_opt() {
        a.value(row).as_bytes()
    } else {
        &[]
    }
}

fn binary_value(array: &dyn Array, row: usize) -> &[u8] {
    if let Some(a) = array.as_binary_opt::<i32>() {
        a.value(row)
    } else if let Some(a) = array.as_binary_opt::<i64>() {
        a.value(row)
    } else if let Some(a) = array.as_binary_view_opt() {
        a.value(row)
    } else if let Some(a) = array.as_fixed_size_binary_opt() {
        a.value(row)
    } else {
        &[]
    }
}

fn child(array: &StructArray, index: usize) -> &dyn Array {
    array.column(index).as_ref()
}

impl<'a> Writer<'a> {
    fn new(field: &'a Field, array: &'a dyn Array, depth: usize) -> Result<Self, CodecError> {
        let mismatch = || {
            schema_error(
                field,
                format!("array type {} differs from field", array.data_type()),
            )
        };
        macro_rules! prim {
            ($variant:ident, $t:ty) => {
                Self::$variant(array.as_primitive_opt::<$t>().ok_or_else(mismatch)?)
            };
        }
        let string_like = matches!(
            field.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        );
        let extension = field.metadata().get(ext::NAME_KEY).map(String::as_str);
        if string_like {
            let kind = match extension {
                Some(ext::JAVASCRIPT) => raw::JAVASCRIPT,
                Some(ext::SYMBOL) => raw::SYMBOL,
                _ => raw::STRING,
            };
            return Ok(Self::Text(kind, array));
        }
        let millis = |mul: i64, div: i64, values: &'a [i64]| Self::Millis {
            values,
            array,
            mul,
            div,
        };
        Ok(match field.data_type() {
            DataType::Float32 => prim!(Float32, Float32Type),
            DataType::Int8 => prim!(Int8, Int8Type),
            DataType::Int16 => prim!(Int16, Int16Type),
            DataType::UInt8 => prim!(UInt8, UInt8Type),
            DataType::UInt16 => prim!(UInt16, UInt16Type),
            DataType::UInt32 => prim!(UInt32, UInt32Type),
            DataType::UInt64 => prim!(UInt64, UInt64Type),
            DataType::LargeBinary | DataType::BinaryView => Self::Binary(0, array),
            DataType::FixedSizeBinary(n) if !matches!(n, 12 | 16) => Self::Binary(0, array),
            DataType::Timestamp(unit, _) => {
                let values: &'a [i64] = match unit {
                    TimeUnit::Second => array
                        .as_primitive_opt::<TimestampSecondType>()
                        .map(|a| &a.values()[..]),
                    TimeUnit::Millisecond => array
                        .as_primitive_opt::<TimestampMillisecondType>()
                        .map(|a| &a.values()[..]),
                    TimeUnit::Microsecond => array
                        .as_primitive_opt::<TimestampMicrosecondType>()
                        .map(|a| &a.values()[..]),
                    TimeUnit::Nanosecond => array
                        .as_primitive_opt::<TimestampNanosecondType>()
                        .map(|a| &a.values()[..]),
                }
                .ok_or_else(mismatch)?;
                match unit {
                    TimeUnit::Second => millis(1000, 1, values),
                    TimeUnit::Millisecond => millis(1, 1, values),
                    TimeUnit::Microsecond => millis(1, 1000, values),
                    TimeUnit::Nanosecond => millis(1, 1_000_000, values),
                }
            }
            DataType::Date64 => millis(
                1,
                1,
                &array
                    .as_primitive_opt::<Date64Type>()
                    .ok_or_else(mismatch)?
                    .values()[..],
            ),
            DataType::Date32 => prim!(Date32, Date32Type),
            DataType::LargeList(item) => {
                let list: &GenericListArray<i64> = array.as_list_opt().ok_or_else(mismatch)?;
                let child = Self::new(item, list.values().as_ref(), depth + 1)
                    .map_err(|e| e.under("[]"))?;
                Self::LargeList(list.value_offsets(), Box::new(child), array)
            }
            DataType::FixedSizeList(item, n) => {
                let list = array.as_fixed_size_list_opt().ok_or_else(mismatch)?;
                let child = Self::new(item, list.values().as_ref(), depth + 1)
                    .map_err(|e| e.under("[]"))?;
                let n =
                    usize::try_from(*n).map_err(|_| schema_error(field, "negative list size"))?;
                Self::FixedList(n, Box::new(child), array)
            }
            _ => {
                match Shape::of(field)? {
                    Shape::Struct(fields) => {
                        let array = array.as_struct_opt().ok_or_else(mismatch)?;
                        let document = Document::new(
                            fields.iter().map(|f| f.as_ref()),
                            array.columns().iter().map(|c| c.as_ref()),
                            depth + 1,
                        )?;
                        Self::Document(document, array)
                    }
                    Shape::List(item) => {
                        let list: &GenericListArray<i32> =
                            array.as_list_opt().ok_or_else(mismatch)?;
                        let child = Self::new(item, list.values().as_ref(), depth + 1)
                            .map_err(|e| e.under("[]"))?;
                        Self::List(list.value_offsets(), Box::new(child), array)
                    }
                    Shape::Leaf(leaf) => {
                        let fixed = || array.as_fixed_size_binary_opt().ok_or_else(mismatch);
                        let strukt = || -> Result<&'a StructArray, CodecError> {
                            let s = array.as_struct_opt().ok_or_else(mismatch)?;
                            let expected = leaf.field(field.name());
                            if expected.data_type() != s.data_type() {
                                return Err(schema_error(
                                    field,
                                    format!("{} needs {}", leaf.alias(), expected.data_type()),
                                ));
                            }
                            Ok(s)
                        };
                        let flag = |kind| -> Result<Self, CodecError> {
                            Ok(Self::Flag(
                                kind,
                                array.as_boolean_opt().ok_or_else(mismatch)?,
                            ))
                        };
                        match leaf {
                        Leaf::Double => prim!(Float64, Float64Type),
                        Leaf::Int32 => prim!(Int32, Int32Type),
                        Leaf::Int64 => prim!(Int64, Int64Type),
                        Leaf::Bool => Self::Bool(array.as_boolean_opt().ok_or_else(mismatch)?),
                        Leaf::MinKey => flag(raw::MIN_KEY)?,
                        Leaf::MaxKey => flag(raw::MAX_KEY)?,
                        Leaf::Undefined => flag(raw::UNDEFINED)?,
                        Leaf::Date => return Err(mismatch()),
                        Leaf::String | Leaf::JavaScript | Leaf::Symbol => {
                            Self::Text(raw::STRING, array)
                        }
                        Leaf::Binary(subtype) => Self::Binary(subtype, array),
                        Leaf::ObjectId => Self::ObjectId(fixed()?),
                        Leaf::Uuid => Self::Uuid(fixed()?),
                        Leaf::Decimal128 => Self::Decimal128(fixed()?),
                        Leaf::Null => Self::Null,
                        Leaf::Any if field.metadata().get(ext::NAME_KEY).map(String::as_str) == Some(ext::REST) => {
                            return Err(schema_error(
                                field,
                                "a rest column (data_bridge.rest) is read-only: decode it, then \
                                 write its fields as columns",
                            ))
                        }
                        Leaf::Any => Self::Any(array.as_binary_opt().ok_or_else(mismatch)?),
                        Leaf::Regex => Self::Regex(strukt()?),
                        Leaf::JavaScriptWithScope => Self::CodeWithScope(strukt()?),
                        Leaf::DbPointer => Self::DbPointer(strukt()?),
                        Leaf::Timestamp => Self::Timestamp(strukt()?),
                    }
                    }
                }
            }
        })
    }

    #[inline]
    fn is_null(&self, row: usize) -> bool {
        match self {
            Self::Float64(a) => a.is_null(row),
            Self::Float32(a) => a.is_null(row),
            Self::Int32(a) => a.is_null(row),
            Self::Int16(a) => a.is_null(row),
            Self::Int8(a) => a.is_null(row),
            Self::UInt16(a) => a.is_null(row),
            Self::UInt8(a) => a.is_null(row),
            Self::Int64(a) => a.is_null(row),
            Self::UInt32(a) => a.is_null(row),
            Self::UInt64(a) => a.is_null(row),
            Self::Bool(a) | Self::Flag(_, a) => a.is_null(row),
            Self::Date32(a) => a.is_null(row),
            Self::Millis { array, .. }
            | Self::Text(_, array)
            | Self::Binary(_, array)
            | Self::List(_, _, array)
            | Self::LargeList(_, _, array)
            | Self::FixedList(_, _, array) => array.is_null(row),
            Self::ObjectId(a) | Self::Uuid(a) | Self::Decimal128(a) => a.is_null(row),
            Self::Any(a) => a.is_null(row),
            Self::Null => true,
            Self::Regex(a)
            | Self::CodeWithScope(a)
            | Self::DbPointer(a)
            | Self::Timestamp(a)
            | Self::Document(_, a) => a.is_null(row),
        }
    }

    /// Writes the value at `row` (not null) and returns its BSON element type.
    fn write(&self, row: usize, out: &mut Vec<u8>, opts: &EncodeOptions) -> Result<u8, CodecError> {
        let int32 = |out: &mut Vec<u8>, v: i32| {
            out.extend_from_slice(&v.to_le_bytes());
            raw::INT32
        };
        let int64 = |out: &mut Vec<u8>, v: i64| {
            out.extend_from_slice(&v.to_le_bytes());
            raw::INT64
        };
        Ok(match self {
            Self::Float64(a) => {
                out.extend_from_slice(&a.value(row).to_le_bytes());
                raw::DOUBLE
            }
            Self::Float32(a) => {
                out.extend_from_slice(&f64::from(a.value(row)).to_le_bytes());
                raw::DOUBLE
            }
            Self::Int32(a) => int32(out, a.value(row)),
            Self::Int16(a) => int32(out, i32::from(a.value(row))),
            Self::Int8(a) => int32(out, i32::from(a.value(row))),
            Self::UInt16(a) => int32(out, i32::from(a.value(row))),
            Self::UInt8(a) => int32(out, i32::from(a.value(row))),
            Self::Int64(a) => int64(out, a.value(row)),
            Self::UInt32(a) => int64(out, i64::from(a.value(row))),
            Self::UInt64(a) => {
                let v = i64::try_from(a.value(row))
                    .map_err(|_| encode_error(format!("{} exceeds int64", a.value(row))))?;
                int64(out, v)
            }
            Self::Bool(a) => {
                out.push(u8::from(a.value(row)));
                raw::BOOLEAN
            }
            Self::Flag(kind, _) => *kind,
            Self::Millis {
                values, mul, div, ..
            } => {
                let v = values.get(row).copied().unwrap_or_default();
                let ms = v
                    .checked_mul(*mul)
                    .ok_or_else(|| encode_error("timestamp out of the datetime range"))?
                    .div_euclid(*div);
                out.extend_from_slice(&ms.to_le_bytes());
                raw::DATETIME
            }
            Self::Date32(a) => {
                let ms = i64::from(a.value(row)) * 86_400_000;
                out.extend_from_slice(&ms.to_le_bytes());
                raw::DATETIME
            }
            Self::Text(kind, a) => {
                let text = text_value(*a, row);
                // Arrow imported over the C data interface is not re-validated: a string array
                // built from raw buffers can hold bytes that are not UTF-8, as BSON strings must.
                if let Err(e) = std::str::from_utf8(text) {
                    return Err(encode_error(format!("string is not valid UTF-8: {e}")));
                }
                write_string(out, text)?;
                *kind
            }
            Self::Binary(subtype, a) => {
                write_binary(out, *subtype, binary_value(*a, row))?;
                raw::BINARY
            }
            Self::ObjectId(a) => {
                out.extend_from_slice(&raw::fixed::<12>(a.value(row))?);
                raw::OBJECT_ID
            }
            Self::Uuid(a) => {
                write_binary(out, 4, &raw::fixed::<16>(a.value(row))?)?;
                raw::BINARY
            }
            Self::Decimal128(a) => {
                out.extend_from_slice(&raw::fixed::<16>(a.value(row))?);
                raw::DECIMAL128
            }
            Self::Any(a) => {
                let document = a.value(row);
                raw::validate_document(document, MAX_NESTING_DEPTH)?;
                let mut elements = Elements::of_document(document)?;
                let (Some(element), None) = (elements.next_element()?, elements.next_element()?)
                else {
                    return Err(encode_error("raw BSON value must be a one-field document"));
                };
                out.extend_from_slice(element.value);
                element.kind
            }
            Self::Null => raw::NULL,
            Self::Regex(s) => {
                write_cstring(out, text_value(child(s, 0), row))?;
                write_cstring(out, text_value(child(s, 1), row))?;
                raw::REGEX
            }
            Self::CodeWithScope(s) => {
                let start = out.len();
                out.extend_from_slice(&[0; 4]);
                write_string(out, text_value(child(s, 0), row))?;
                let scope = binary_value(child(s, 1), row);
                raw::validate_document(scope, MAX_NESTING_DEPTH)?;
                out.extend_from_slice(scope);
                close_length(out, start)?;
                raw::JAVASCRIPT_WITH_SCOPE
            }
            Self::DbPointer(s) => {
                write_string(out, text_value(child(s, 0), row))?;
                out.extend_from_slice(&raw::fixed::<12>(binary_value(child(s, 1), row))?);
                raw::DB_POINTER
            }
            Self::Timestamp(s) => {
                let part = |i| {
                    child(s, i)
                        .as_primitive_opt::<UInt32Type>()
                        .map(|a| a.value(row))
                        .unwrap_or(0)
                };
                let packed = (u64::from(part(0)) << 32) | u64::from(part(1));
                out.extend_from_slice(&packed.to_le_bytes());
                raw::TIMESTAMP
            }
            Self::Document(document, _) => {
                document.write(row, out, opts)?;
                raw::DOCUMENT
            }
            Self::List(offsets, child, _) => {
                let (start, end) = (offsets[row], offsets[row + 1]);
                write_array(child, to_usize(start)?..to_usize(end)?, out, opts)?;
                raw::ARRAY
            }
            Self::LargeList(offsets, child, _) => {
                let (start, end) = (offsets[row], offsets[row + 1]);
                write_array(child, to_usize(start)?..to_usize(end)?, out, opts)?;
                raw::ARRAY
            }
            Self::FixedList(n, child, _) => {
                write_array(child, row * n..(row + 1) * n, out, opts)?;
                raw::ARRAY
            }
        })
    }
}

fn to_usize<T: TryInto<usize>>(v: T) -> Result<usize, CodecError> {
    v.try_into()
        .map_err(|_| encode_error("negative list offset"))
}

fn write_array(
    child: &Writer<'_>,
    range: std::ops::Range<usize>,
    out: &mut Vec<u8>,
    opts: &EncodeOptions,
) -> Result<(), CodecError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    let mut key = itoa::Buffer::new();
    for (index, row) in range.enumerate() {
        let at = out.len();
        out.push(raw::NULL);
        out.extend_from_slice(key.format(index).as_bytes());
        out.push(0);
        if child.is_null(row) {
            continue;
        }
        let kind = child
            .write(row, out, opts)
            .map_err(|e| e.under(&format!("[{index}]")))?;
        out[at] = kind;
    }
    out.push(0);
    close_length(out, start)
}
