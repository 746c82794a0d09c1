//! `schema=` arguments: an Arrow schema exporter or a dict spec of `$type` aliases.

use arrow_schema::SchemaRef;
use data_bridge_mongodb::data_bridge_arrow::{schema_from_spec, Presence, SpecType};
use data_bridge_mongodb::EngineError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use pyo3_arrow::PySchema;

use crate::error::{CoreError, SchemaError};

fn spec_type(value: &Bound<'_, PyAny>, path: &str) -> PyResult<SpecType> {
    if let Ok(alias) = value.cast::<PyString>() {
        return Ok(SpecType::Alias(alias.to_str()?.to_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return Ok(SpecType::Struct(spec_fields(dict, path)?));
    }
    if let Ok(pair) = value.cast::<PyTuple>() {
        // `(type, rule)`: the field must be present and/or non-null ("required", "not_null",
        // "present"; see `Presence`).
        if pair.len() == 2 {
            let rule = pair.get_item(1)?;
            let presence = rule
                .cast::<PyString>()
                .ok()
                .and_then(|name| Presence::from_name(name.to_str().ok()?));
            if let Some(presence) = presence {
                let inner = spec_type(&pair.get_item(0)?, path)?;
                return Ok(SpecType::Rule(Box::new(inner), presence));
            }
        }
    }
    if let Ok(list) = value.cast::<PyList>() {
        if list.len() == 1 {
            let item = list.get_item(0)?;
            return Ok(SpecType::List(Box::new(spec_type(
                &item,
                &format!("{path}[]"),
            )?)));
        }
    }
    Err(SchemaError::new_err(format!(
        "invalid schema spec at '{path}': expected a type alias (\"string\", \"objectId\", ...), \
         a dict of fields, a one-element list or a (type, \"required\" | \"not_null\" | \
         \"present\") pair, found {}",
        value.repr()?
    )))
}

fn spec_fields(dict: &Bound<'_, PyDict>, parent: &str) -> PyResult<Vec<(String, SpecType)>> {
    let mut fields = Vec::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let name: String = key.extract().map_err(|_| {
            SchemaError::new_err(format!("schema spec keys must be str (at '{parent}')"))
        })?;
        let path = if parent.is_empty() {
            name.clone()
        } else {
            format!("{parent}.{name}")
        };
        fields.push((name, spec_type(&value, &path)?));
    }
    Ok(fields)
}

/// The schema to decode into, or `None` to infer it.
pub fn schema_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<SchemaRef>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(dict) = obj.cast::<PyDict>() {
        let fields = spec_fields(dict, "")?;
        return schema_from_spec(&fields)
            .map(Some)
            .map_err(|e| CoreError::Engine(EngineError::Codec(e)).into());
    }
    if obj.hasattr("__arrow_c_schema__")? {
        return Ok(Some(obj.extract::<PySchema>()?.into_inner()));
    }
    Err(SchemaError::new_err(format!(
        "schema must be a dict spec or implement __arrow_c_schema__, found {}",
        obj.get_type().name()?
    )))
}
