//! The BSON ⇄ Arrow type mapping (the table in the crate docs), in one place.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, FieldRef, Fields, TimeUnit};

use crate::error::CodecError;
use crate::extension as ext;
use crate::raw;

/// A column whose values are not documents or arrays (or are kept whole, like `Any`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Leaf {
    Double,
    String,
    /// Generic binary with the given subtype (UUIDs of 16 bytes with subtype 4 are `Uuid`).
    Binary(u8),
    ObjectId,
    Bool,
    Date,
    Null,
    Regex,
    JavaScript,
    JavaScriptWithScope,
    Symbol,
    Int32,
    Int64,
    Timestamp,
    Decimal128,
    MinKey,
    MaxKey,
    Undefined,
    DbPointer,
    Uuid,
    /// Each value's raw BSON, whatever its type (lossless fallback).
    Any,
}

/// How one schema field decodes.
#[derive(Debug)]
pub(crate) enum Shape<'a> {
    Leaf(Leaf),
    Struct(&'a Fields),
    List(&'a FieldRef),
}

pub(crate) fn utc() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")))
}

fn extension_name(field: &Field) -> Option<&str> {
    field.metadata().get(ext::NAME_KEY).map(String::as_str)
}

fn binary_subtype(field: &Field) -> Result<u8, CodecError> {
    let Some(meta) = field.metadata().get(ext::METADATA_KEY) else {
        return Ok(0);
    };
    // Written by us as {"subtype":N}; read leniently (whitespace, quotes) without a JSON crate.
    let digits: String = meta
        .split_once("subtype")
        .map(|(_, rest)| rest.chars().skip_while(|c| !c.is_ascii_digit()))
        .into_iter()
        .flatten()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<u8>().map_err(|_| {
        CodecError::schema(
            field.name().as_str(),
            format!("bad binary extension metadata {meta:?}"),
        )
    })
}

impl<'a> Shape<'a> {
    /// Classifies a schema field; unsupported Arrow types are a schema error.
    pub(crate) fn of(field: &'a Field) -> Result<Self, CodecError> {
        let name = extension_name(field);
        let unsupported = || {
            CodecError::schema(
                field.name().as_str(),
                format!(
                    "Arrow type {} (extension {:?}) has no BSON mapping",
                    field.data_type(),
                    name.unwrap_or("none")
                ),
            )
        };
        Ok(match (field.data_type(), name) {
            (DataType::Float64, _) => Self::Leaf(Leaf::Double),
            (DataType::Utf8, Some(ext::JAVASCRIPT)) => Self::Leaf(Leaf::JavaScript),
            (DataType::Utf8, Some(ext::SYMBOL)) => Self::Leaf(Leaf::Symbol),
            (DataType::Utf8, _) => Self::Leaf(Leaf::String),
            (DataType::Binary, Some(ext::BSON | ext::REST)) => Self::Leaf(Leaf::Any),
            (DataType::Binary, _) => Self::Leaf(Leaf::Binary(binary_subtype(field)?)),
            (DataType::FixedSizeBinary(12), None | Some(ext::OBJECT_ID)) => {
                Self::Leaf(Leaf::ObjectId)
            }
            (DataType::FixedSizeBinary(16), None | Some(ext::UUID)) => Self::Leaf(Leaf::Uuid),
            (DataType::FixedSizeBinary(16), Some(ext::DECIMAL128)) => Self::Leaf(Leaf::Decimal128),
            (DataType::Boolean, Some(ext::MIN_KEY)) => Self::Leaf(Leaf::MinKey),
            (DataType::Boolean, Some(ext::MAX_KEY)) => Self::Leaf(Leaf::MaxKey),
            (DataType::Boolean, Some(ext::UNDEFINED)) => Self::Leaf(Leaf::Undefined),
            (DataType::Boolean, _) => Self::Leaf(Leaf::Bool),
            (DataType::Timestamp(TimeUnit::Millisecond, _), _) => Self::Leaf(Leaf::Date),
            (DataType::Null, _) => Self::Leaf(Leaf::Null),
            (DataType::Int32, _) => Self::Leaf(Leaf::Int32),
            (DataType::Int64, _) => Self::Leaf(Leaf::Int64),
            (DataType::Struct(_), Some(ext::REGEX)) => Self::Leaf(Leaf::Regex),
            (DataType::Struct(_), Some(ext::JAVASCRIPT_WITH_SCOPE)) => {
                Self::Leaf(Leaf::JavaScriptWithScope)
            }
            (DataType::Struct(_), Some(ext::TIMESTAMP)) => Self::Leaf(Leaf::Timestamp),
            (DataType::Struct(_), Some(ext::DB_POINTER)) => Self::Leaf(Leaf::DbPointer),
            (DataType::Struct(fields), _) => Self::Struct(fields),
            (DataType::List(item), _) => Self::List(item),
            _ => return Err(unsupported()),
        })
    }
}

fn with_extension(field: Field, name: &str, metadata: Option<String>) -> Field {
    let mut map = HashMap::from([(ext::NAME_KEY.to_owned(), name.to_owned())]);
    if let Some(metadata) = metadata {
        map.insert(ext::METADATA_KEY.to_owned(), metadata);
    }
    field.with_metadata(map)
}

impl Leaf {
    /// The nullable Arrow field (storage type plus extension metadata) for this leaf.
    pub(crate) fn field(self, name: &str) -> Field {
        let plain = |data_type: DataType| Field::new(name, data_type, true);
        let tagged = |data_type: DataType, extension: &str| {
            with_extension(Field::new(name, data_type, true), extension, None)
        };
        let utf8 = |n: &str| Field::new(n, DataType::Utf8, true);
        match self {
            Self::Double => plain(DataType::Float64),
            Self::String => plain(DataType::Utf8),
            Self::Binary(0) => plain(DataType::Binary),
            Self::Binary(subtype) => with_extension(
                Field::new(name, DataType::Binary, true),
                ext::BINARY,
                Some(format!("{{\"subtype\":{subtype}}}")),
            ),
            Self::ObjectId => tagged(DataType::FixedSizeBinary(12), ext::OBJECT_ID),
            Self::Bool => plain(DataType::Boolean),
            Self::Date => plain(utc()),
            Self::Null => plain(DataType::Null),
            Self::Regex => tagged(
                DataType::Struct(Fields::from(vec![utf8("pattern"), utf8("options")])),
                ext::REGEX,
            ),
            Self::JavaScript => tagged(DataType::Utf8, ext::JAVASCRIPT),
            Self::JavaScriptWithScope => tagged(
                DataType::Struct(Fields::from(vec![
                    utf8("code"),
                    Field::new("scope", DataType::Binary, true),
                ])),
                ext::JAVASCRIPT_WITH_SCOPE,
            ),
            Self::Symbol => tagged(DataType::Utf8, ext::SYMBOL),
            Self::Int32 => plain(DataType::Int32),
            Self::Int64 => plain(DataType::Int64),
            Self::Timestamp => tagged(
                DataType::Struct(Fields::from(vec![
                    Field::new("time", DataType::UInt32, true),
                    Field::new("increment", DataType::UInt32, true),
                ])),
                ext::TIMESTAMP,
            ),
            Self::Decimal128 => tagged(DataType::FixedSizeBinary(16), ext::DECIMAL128),
            Self::MinKey => tagged(DataType::Boolean, ext::MIN_KEY),
            Self::MaxKey => tagged(DataType::Boolean, ext::MAX_KEY),
            Self::Undefined => tagged(DataType::Boolean, ext::UNDEFINED),
            Self::DbPointer => tagged(
                DataType::Struct(Fields::from(vec![
                    utf8("namespace"),
                    Field::new("id", DataType::FixedSizeBinary(12), true),
                ])),
                ext::DB_POINTER,
            ),
            Self::Uuid => tagged(DataType::FixedSizeBinary(16), ext::UUID),
            Self::Any => tagged(DataType::Binary, ext::BSON),
        }
    }

    /// The `$type` alias used in messages and conflict reports.
    pub(crate) fn alias(self) -> String {
        match self {
            Self::Binary(subtype) => format!("binData(subtype {subtype})"),
            Self::Uuid => "uuid".to_owned(),
            Self::Any => "any".to_owned(),
            Self::Double => raw::type_alias(raw::DOUBLE).to_owned(),
            Self::String => raw::type_alias(raw::STRING).to_owned(),
            Self::ObjectId => raw::type_alias(raw::OBJECT_ID).to_owned(),
            Self::Bool => raw::type_alias(raw::BOOLEAN).to_owned(),
            Self::Date => raw::type_alias(raw::DATETIME).to_owned(),
            Self::Null => raw::type_alias(raw::NULL).to_owned(),
            Self::Regex => raw::type_alias(raw::REGEX).to_owned(),
            Self::JavaScript => raw::type_alias(raw::JAVASCRIPT).to_owned(),
            Self::JavaScriptWithScope => raw::type_alias(raw::JAVASCRIPT_WITH_SCOPE).to_owned(),
            Self::Symbol => raw::type_alias(raw::SYMBOL).to_owned(),
            Self::Int32 => raw::type_alias(raw::INT32).to_owned(),
            Self::Int64 => raw::type_alias(raw::INT64).to_owned(),
            Self::Timestamp => raw::type_alias(raw::TIMESTAMP).to_owned(),
            Self::Decimal128 => raw::type_alias(raw::DECIMAL128).to_owned(),
            Self::MinKey => raw::type_alias(raw::MIN_KEY).to_owned(),
            Self::MaxKey => raw::type_alias(raw::MAX_KEY).to_owned(),
            Self::Undefined => raw::type_alias(raw::UNDEFINED).to_owned(),
            Self::DbPointer => raw::type_alias(raw::DB_POINTER).to_owned(),
        }
    }

    /// The leaf for a `$type` alias (plus "uuid" and "any"); documents and arrays are not leaves.
    pub(crate) fn from_alias(alias: &str) -> Option<Self> {
        Some(match alias {
            "double" => Self::Double,
            "string" => Self::String,
            "binData" => Self::Binary(0),
            "objectId" => Self::ObjectId,
            "bool" => Self::Bool,
            "date" => Self::Date,
            "null" => Self::Null,
            "regex" => Self::Regex,
            "javaScript" => Self::JavaScript,
            "javaScriptWithScope" => Self::JavaScriptWithScope,
            "symbol" => Self::Symbol,
            "int" => Self::Int32,
            "timestamp" => Self::Timestamp,
            "long" => Self::Int64,
            "decimal" => Self::Decimal128,
            "minKey" => Self::MinKey,
            "maxKey" => Self::MaxKey,
            "undefined" => Self::Undefined,
            "dbPointer" => Self::DbPointer,
            "uuid" => Self::Uuid,
            "any" => Self::Any,
            _ => return None,
        })
    }
}
