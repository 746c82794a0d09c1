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
    })
}
