//! Every Python <-> BSON / Arrow / option conversion of the bindings.

mod from_arrow;
mod from_bson;
mod model_values;
mod object_id;
pub mod options;
mod pytypes;
mod schema;
mod stats;
mod time;
mod to_bson;

pub use from_arrow::{column_values, numpy_column, row_dict, table_rows};
pub use from_bson::{
    bson_to_py, document_to_py, raw_document_to_py, PyDocuments, PyOptionalDocument, PyValues,
};
pub use model_values::{model_column, PyModelShape};
pub use schema::schema_arg;
pub use stats::read_stats_dict;
pub use to_bson::model::{encode_models, PyEncodedDocuments, PyModelLayout};
pub use to_bson::{
    to_bson, to_document, to_document_list, to_document_or_empty, to_insert_document,
    to_raw_document, Keys,
};
