//! Whether a schema inferred from a stream's first batch covers the fields of a later batch.
//!
//! The decoder skips fields outside its schema (that is projection when the schema is
//! explicit). When the schema was inferred from the first batch only, a skipped field is data
//! the caller never learns about, so the stream checks each later batch and fails instead.

use arrow_schema::{DataType, Field, Fields};
use bson::{RawArray, RawBsonRef, RawDocument};
use data_bridge_arrow::extension;

/// The first field of `docs` (in document order) that `fields` does not hold, as
/// `(index into docs, dotted path)`. Malformed BSON is not reported here: the decoder, which
/// runs first, already did.
pub(crate) fn first_unknown_field(
    docs: &[&RawDocument],
    fields: &Fields,
) -> Option<(usize, String)> {
    docs.iter()
        .enumerate()
        .find_map(|(row, doc)| unknown_in_document(doc, fields).map(|path| (row, path)))
}

fn unknown_in_document(doc: &RawDocument, fields: &Fields) -> Option<String> {
    for element in doc {
        let Ok((key, value)) = element else {
            return None;
        };
        let Some((_, field)) = fields.find(key.as_str()) else {
            return Some(key.as_str().to_owned());
        };
        if let Some(inner) = unknown_in_value(value, field) {
            return Some(join(key.as_str(), &inner));
        }
    }
    None
}

/// Descends only where the column is a plain struct or list: an `any` column keeps the whole
/// value, and extension structs (regex, timestamp, ...) are scalars whose value is no document.
fn unknown_in_value(value: RawBsonRef<'_>, field: &Field) -> Option<String> {
    if field.metadata().contains_key(extension::NAME_KEY) {
        return None;
    }
    match (value, field.data_type()) {
        (RawBsonRef::Document(doc), DataType::Struct(fields)) => unknown_in_document(doc, fields),
        (RawBsonRef::Array(items), DataType::List(item) | DataType::LargeList(item)) => {
            unknown_in_array(items, item)
        }
        _ => None,
    }
}

fn unknown_in_array(items: &RawArray, item: &Field) -> Option<String> {
    for (index, value) in items.into_iter().enumerate() {
        let Ok(value) = value else {
            return None;
        };
        if let Some(inner) = unknown_in_value(value, item) {
            return Some(join(&format!("[{index}]"), &inner));
        }
    }
    None
}

/// `parent` + `child` in the codec's path notation (`address.city`, `tags[1]`, `items[0].sku`).
fn join(parent: &str, child: &str) -> String {
    if child.starts_with('[') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_schema::{DataType, Field, Fields};
    use bson::rawdoc;

    use super::first_unknown_field;

    fn schema() -> Fields {
        let address = Fields::from(vec![Field::new("city", DataType::Utf8, true)]);
        let item = Field::new(
            "item",
            DataType::Struct(Fields::from(vec![Field::new("sku", DataType::Utf8, true)])),
            true,
        );
        Fields::from(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("address", DataType::Struct(address), true),
            Field::new("items", DataType::List(Arc::new(item)), true),
        ])
    }

    #[test]
    fn covered_documents_pass() {
        let doc = rawdoc! { "a": 1, "address": { "city": "x" }, "items": [{ "sku": "s" }] };
        assert_eq!(first_unknown_field(&[&*doc], &schema()), None);
    }

    #[test]
    fn reports_the_first_row_and_the_full_path() {
        let plain = rawdoc! { "a": 1 };
        let nested = rawdoc! { "address": { "city": "x", "zip": "1" } };
        let listed = rawdoc! { "items": [{ "sku": "s" }, { "sku": "t", "qty": 2 }] };
        let top = rawdoc! { "extra": true };
        let fields = schema();
        assert_eq!(
            first_unknown_field(&[&*plain, &*nested, &*top], &fields),
            Some((1, "address.zip".to_owned()))
        );
        assert_eq!(
            first_unknown_field(&[&*plain, &*listed], &fields),
            Some((1, "items[1].qty".to_owned()))
        );
        assert_eq!(
            first_unknown_field(&[&*top], &fields),
            Some((0, "extra".to_owned()))
        );
    }

    #[test]
    fn values_of_another_type_are_left_to_the_decoder() {
        let doc = rawdoc! { "address": "not a document", "items": 3 };
        assert_eq!(first_unknown_field(&[&*doc], &schema()), None);
    }
}
