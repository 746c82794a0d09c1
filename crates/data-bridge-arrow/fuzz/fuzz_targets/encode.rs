//! Arbitrary Arrow record batches encoded to BSON: every storage type the encoder knows and
//! some it does not, nulls at every level, nested lists and structs, extension names on the
//! right and the wrong storage types, odd field names. Encoding may refuse (a typed error) but
//! never panics, and whatever it writes is well-formed BSON, one document per row.
#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{
    ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, BooleanArray, Date32Array,
    Date64Array, FixedSizeBinaryArray, FixedSizeListArray, LargeBinaryArray, LargeListArray,
    LargeStringArray, ListArray, NullArray, PrimitiveArray, RecordBatch, RecordBatchOptions,
    StringArray, StringViewArray, StructArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{Field, Fields, Schema};
use data_bridge_arrow::extension as ext;
use data_bridge_arrow::{encode_batch, raw_iterate_bound, split_documents, EncodeOptions};
use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const MAX_ROWS: usize = 24;
const MAX_DEPTH: usize = 4;

/// Extension names tried on every storage type (the right one, the wrong ones, an unknown one).
const EXTENSIONS: &[&str] = &[
    ext::OBJECT_ID,
    ext::BINARY,
    ext::UUID,
    ext::DECIMAL128,
    ext::REGEX,
    ext::JAVASCRIPT,
    ext::JAVASCRIPT_WITH_SCOPE,
    ext::SYMBOL,
    ext::TIMESTAMP,
    ext::MIN_KEY,
    ext::MAX_KEY,
    ext::UNDEFINED,
    ext::DB_POINTER,
    ext::BSON,
    "data_bridge.unknown",
];

fn nulls(u: &mut Unstructured<'_>, len: usize) -> Result<Option<NullBuffer>> {
    if !bool::arbitrary(u)? {
        return Ok(None);
    }
    let valid: Vec<bool> = (0..len)
        .map(|_| bool::arbitrary(u))
        .collect::<Result<_>>()?;
    Ok(Some(NullBuffer::from(valid)))
}

fn primitive<T>(u: &mut Unstructured<'_>, len: usize) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: for<'a> Arbitrary<'a>,
{
    let values: Vec<T::Native> = (0..len)
        .map(|_| T::Native::arbitrary(u))
        .collect::<Result<_>>()?;
    Ok(Arc::new(PrimitiveArray::<T>::new(
        ScalarBuffer::from(values),
        nulls(u, len)?,
    )))
}

fn optional<T>(u: &mut Unstructured<'_>, len: usize) -> Result<Vec<Option<T>>>
where
    T: for<'a> Arbitrary<'a>,
{
    (0..len).map(|_| Option::<T>::arbitrary(u)).collect()
}

fn timezone(u: &mut Unstructured<'_>) -> Result<Option<Arc<str>>> {
    Ok(match u.int_in_range(0..=2u8)? {
        0 => None,
        1 => Some("UTC".into()),
        _ => Some("+05:30".into()),
    })
}

fn fixed_binary(u: &mut Unstructured<'_>, len: usize) -> Result<ArrayRef> {
    let width = *u.choose(&[0usize, 1, 12, 16, 17])?;
    let bytes: Vec<u8> = (0..len * width)
        .map(|_| u8::arbitrary(u))
        .collect::<Result<_>>()?;
    let width_i32 = i32::try_from(width).unwrap_or(0);
    Ok(Arc::new(FixedSizeBinaryArray::new(
        width_i32,
        Buffer::from_vec(bytes),
        nulls(u, len)?,
    )))
}

/// Offsets for `len` lists of up to 4 items each; returns them and the number of items.
fn offsets(u: &mut Unstructured<'_>, len: usize) -> Result<(Vec<usize>, usize)> {
    let lengths: Vec<usize> = (0..len)
        .map(|_| u.int_in_range(0..=4usize))
        .collect::<Result<_>>()?;
    let total = lengths.iter().sum();
    Ok((lengths, total))
}

/// One column: its field (name, nullability, maybe an extension) and an array of `len` rows.
fn column(u: &mut Unstructured<'_>, len: usize, depth: usize) -> Result<(Field, ArrayRef)> {
    let name = if bool::arbitrary(u)? {
        (*u.choose(&["a", "b", "_id", "", "$x", "a.b", "a\0b"])?).to_owned()
    } else {
        String::arbitrary(u)?
    };
    let leaf_kinds = 22u8;
    let kinds = if depth >= MAX_DEPTH {
        leaf_kinds
    } else {
        leaf_kinds + 4
    };
    let array: ArrayRef = match u.int_in_range(0..=kinds - 1)? {
        0 => Arc::new(NullArray::new(len)),
        1 => Arc::new(BooleanArray::from(optional::<bool>(u, len)?)),
        2 => primitive::<Int8Type>(u, len)?,
        3 => primitive::<Int16Type>(u, len)?,
        4 => primitive::<Int32Type>(u, len)?,
        5 => primitive::<Int64Type>(u, len)?,
        6 => primitive::<UInt8Type>(u, len)?,
        7 => primitive::<UInt16Type>(u, len)?,
        8 => primitive::<UInt32Type>(u, len)?,
        9 => primitive::<UInt64Type>(u, len)?,
        10 => primitive::<Float32Type>(u, len)?,
        11 => primitive::<Float64Type>(u, len)?,
        12 => Arc::new(StringArray::from(optional::<String>(u, len)?)),
        13 => Arc::new(LargeStringArray::from(optional::<String>(u, len)?)),
        14 => Arc::new(StringViewArray::from(optional::<String>(u, len)?)),
        15 => Arc::new(BinaryArray::from_iter(optional::<Vec<u8>>(u, len)?)),
        16 => Arc::new(LargeBinaryArray::from_iter(optional::<Vec<u8>>(u, len)?)),
        17 => Arc::new(BinaryViewArray::from_iter(optional::<Vec<u8>>(u, len)?)),
        18 => fixed_binary(u, len)?,
        19 => {
            let tz = timezone(u)?;
            let values = optional::<i64>(u, len)?;
            match u.int_in_range(0..=3u8)? {
                0 => Arc::new(
                    PrimitiveArray::<TimestampSecondType>::from(values).with_timezone_opt(tz),
                ),
                1 => Arc::new(
                    PrimitiveArray::<TimestampMillisecondType>::from(values).with_timezone_opt(tz),
                ),
                2 => Arc::new(
                    PrimitiveArray::<TimestampMicrosecondType>::from(values).with_timezone_opt(tz),
                ),
                _ => Arc::new(
                    PrimitiveArray::<TimestampNanosecondType>::from(values).with_timezone_opt(tz),
                ),
            }
        }
        20 => Arc::new(Date32Array::from(optional::<i32>(u, len)?)),
        21 => Arc::new(Date64Array::from(optional::<i64>(u, len)?)),
        22 | 23 => {
            let (lengths, total) = offsets(u, len)?;
            let (item, values) = column(u, total, depth + 1)?;
            let item = Arc::new(item);
            let nulls = nulls(u, len)?;
            let built = if u.int_in_range(0..=1u8)? == 0 {
                ListArray::try_new(item, OffsetBuffer::from_lengths(lengths), values, nulls)
                    .map(|a| Arc::new(a) as ArrayRef)
            } else {
                LargeListArray::try_new(item, OffsetBuffer::from_lengths(lengths), values, nulls)
                    .map(|a| Arc::new(a) as ArrayRef)
            };
            match built {
                Ok(array) => array,
                Err(_) => return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat),
            }
        }
        24 => {
            let size = u.int_in_range(0..=3usize)?;
            let (item, values) = column(u, len * size, depth + 1)?;
            let size_i32 = i32::try_from(size).unwrap_or(0);
            match FixedSizeListArray::try_new(Arc::new(item), size_i32, values, nulls(u, len)?) {
                Ok(array) => Arc::new(array),
                Err(_) => return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat),
            }
        }
        _ => {
            let width = u.int_in_range(0..=3usize)?;
            let mut fields = Vec::with_capacity(width);
            let mut arrays = Vec::with_capacity(width);
            for _ in 0..width {
                let (field, array) = column(u, len, depth + 1)?;
                fields.push(field);
                arrays.push(array);
            }
            let built = if width == 0 {
                Ok(StructArray::new_empty_fields(len, nulls(u, len)?))
            } else {
                StructArray::try_new(Fields::from(fields), arrays, nulls(u, len)?)
            };
            match built {
                Ok(array) => Arc::new(array),
                Err(_) => return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat),
            }
        }
    };
    let mut field = Field::new(name, array.data_type().clone(), true);
    if u.ratio(1u8, 3u8)? {
        let mut metadata = HashMap::new();
        metadata.insert(
            ext::NAME_KEY.to_owned(),
            (*u.choose(EXTENSIONS)?).to_owned(),
        );
        if bool::arbitrary(u)? {
            let parameters = if bool::arbitrary(u)? {
                format!("{{\"subtype\":{}}}", i64::arbitrary(u)?)
            } else {
                String::arbitrary(u)?
            };
            metadata.insert(ext::METADATA_KEY.to_owned(), parameters);
        }
        field = field.with_metadata(metadata);
    }
    Ok((field, array))
}

fn batch(u: &mut Unstructured<'_>) -> Result<RecordBatch> {
    let rows = u.int_in_range(0..=MAX_ROWS)?;
    let width = u.int_in_range(0..=4usize)?;
    let mut fields = Vec::with_capacity(width);
    let mut arrays = Vec::with_capacity(width);
    for _ in 0..width {
        let (field, array) = column(u, rows, 1)?;
        fields.push(field);
        arrays.push(array);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)
        .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(keep_nulls) = bool::arbitrary(&mut u) else {
        return;
    };
    let Ok(batch) = batch(&mut u) else { return };
    let Ok(encoded) = encode_batch(&batch, &EncodeOptions { keep_nulls }) else {
        return;
    };
    assert_eq!(encoded.len(), batch.num_rows(), "one document per row");
    let docs = match split_documents(&encoded.bytes) {
        Ok(docs) => docs,
        Err(e) => panic!("encoder wrote unsplittable bytes: {e}"),
    };
    assert_eq!(docs.len(), batch.num_rows(), "split finds every document");
    if let Err(e) = raw_iterate_bound(&docs) {
        panic!("encoder wrote malformed BSON: {e}");
    }
});
