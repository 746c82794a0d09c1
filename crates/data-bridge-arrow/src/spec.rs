//! Schemas written as BSON `$type` aliases (what the Python `dict` spec turns into).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};

use crate::error::CodecError;
use crate::types::Leaf;
use crate::MAX_NESTING_DEPTH;

/// One field's type in a schema spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecType {
    /// A MongoDB `$type` alias ("string", "objectId", "long", ...) or "uuid" / "any".
    /// "object" and "array" without structure become a raw-BSON `any` column and a list of `any`.
    Alias(String),
    /// A sub-document with these fields.
    Struct(Vec<(String, SpecType)>),
    /// An array whose elements have this type.
    List(Box<SpecType>),
    /// A field of this type that must be present and/or non-null in every document
    /// ([`Presence`]); a breach is a [`CodecError::TypeMismatch`] whose `found` is `"null"` or
    /// `"missing"`.
    Rule(Box<SpecType>, Presence),
}

/// Whether a field may be missing from a document or hold null: pydantic's rules, so that a model
/// field never reads as a silent `None` where validation would have refused one.
///
/// Carried in the field's metadata under [`Presence::METADATA_KEY`]; an Arrow field declared
/// non-nullable means [`Presence::Required`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Presence {
    /// Missing and null both read as null (the default).
    #[default]
    Any,
    /// Neither missing nor null (a required field that is not `Optional`).
    Required,
    /// Missing reads as null, a stored null is an error (a non-`Optional` field with a default).
    NotNull,
    /// Null is fine, a missing key is an error (a required `Optional` field).
    Present,
}

impl Presence {
    /// Field metadata key holding the rule's name.
    pub const METADATA_KEY: &'static str = "data_bridge.presence";

    /// The rule's name: `"required"`, `"not_null"`, `"present"` (or `"any"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Required => "required",
            Self::NotNull => "not_null",
            Self::Present => "present",
        }
    }

    /// The rule with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "any" => Self::Any,
            "required" => Self::Required,
            "not_null" => Self::NotNull,
            "present" => Self::Present,
            _ => return None,
        })
    }

    /// The rule of a schema field: non-nullable fields are required; otherwise the metadata's.
    pub fn of(field: &Field) -> Self {
        if !field.is_nullable() {
            return Self::Required;
        }
        field
            .metadata()
            .get(Self::METADATA_KEY)
            .and_then(|name| Self::from_name(name))
            .unwrap_or_default()
    }

    /// Whether a stored null is accepted.
    pub(crate) fn null_ok(self) -> bool {
        matches!(self, Self::Any | Self::Present)
    }

    /// Whether a missing key is accepted.
    pub(crate) fn missing_ok(self) -> bool {
        matches!(self, Self::Any | Self::NotNull)
    }
}

/// Builds an Arrow schema (all fields nullable) from a spec.
///
/// ```
/// use data_bridge_arrow::{schema_from_spec, SpecType};
/// let schema = schema_from_spec(&[
///     ("_id".into(), SpecType::Alias("objectId".into())),
///     ("tags".into(), SpecType::List(Box::new(SpecType::Alias("string".into())))),
/// ])
/// .unwrap();
/// assert_eq!(schema.fields().len(), 2);
/// ```
pub fn schema_from_spec(fields: &[(String, SpecType)]) -> Result<SchemaRef, CodecError> {
    Ok(Arc::new(Schema::new(struct_fields(fields, 1)?)))
}

fn struct_fields(fields: &[(String, SpecType)], depth: usize) -> Result<Fields, CodecError> {
    let mut seen = std::collections::HashSet::new();
    fields
        .iter()
        .map(|(name, spec)| {
            if !seen.insert(name.as_str()) {
                return Err(CodecError::schema(name.as_str(), "field listed twice"));
            }
            if name.contains('\0') {
                return Err(CodecError::schema(
                    name.as_str(),
                    "field name contains a NUL byte",
                ));
            }
            field(name, spec, depth).map_err(|e| e.under(name))
        })
        .collect()
}

fn rest_field(name: &str) -> Field {
    let field = Leaf::Any.field(name);
    let mut metadata = field.metadata().clone();
    metadata.insert(
        crate::extension::NAME_KEY.to_owned(),
        crate::extension::REST.to_owned(),
    );
    field.with_metadata(metadata)
}

fn field(name: &str, spec: &SpecType, depth: usize) -> Result<Field, CodecError> {
    if depth > MAX_NESTING_DEPTH {
        return Err(CodecError::NestingTooDeep {
            row: None,
            path: String::new(),
            limit: MAX_NESTING_DEPTH,
        });
    }
    Ok(match spec {
        SpecType::Alias(alias) => match alias.as_str() {
            "object" => Leaf::Any.field(name),
            // The enclosing document's other fields (extension `data_bridge.rest`).
            "rest" => rest_field(name),
            "array" => Field::new(
                name,
                DataType::List(Arc::new(Leaf::Any.field("item"))),
                true,
            ),
            other => Leaf::from_alias(other)
                .ok_or_else(|| CodecError::schema("", format!("unknown type alias {other:?}")))?
                .field(name),
        },
        SpecType::Struct(children) => Field::new(
            name,
            DataType::Struct(struct_fields(children, depth + 1)?),
            true,
        ),
        SpecType::List(item) => {
            let item = field("item", item, depth + 1).map_err(|e| e.under("[]"))?;
            Field::new(name, DataType::List(Arc::new(item)), true)
        }
        SpecType::Rule(inner, presence) => {
            let inner = field(name, inner, depth)?;
            if *presence == Presence::Any {
                return Ok(inner);
            }
            let mut metadata = inner.metadata().clone();
            metadata.insert(
                Presence::METADATA_KEY.to_owned(),
                presence.name().to_owned(),
            );
            inner.with_metadata(metadata)
        }
    })
}
