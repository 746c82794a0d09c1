//! Index management through the `createIndexes` command, so every server option passes through.

use bson::{doc, Bson, Document, RawDocumentBuf};
use futures_util::StreamExt;

use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::read::batch_documents_of;
use crate::session::Session;
use crate::with_session;

/// Server code for a namespace that does not exist.
const NAMESPACE_NOT_FOUND: i32 = 26;

/// One index to create.
#[derive(Clone, Debug, Default)]
pub struct IndexSpec {
    /// Ordered keys: `{"a": 1, "loc": "2dsphere"}`.
    pub keys: Document,
    /// Server options in the command's spelling (`unique`, `expireAfterSeconds`, `name`, ...).
    pub options: Document,
}

/// The name the server would give an index with these keys (`a_1_b_-1`).
pub fn default_index_name(keys: &Document) -> String {
    keys.iter()
        .map(|(field, value)| {
            let value = match value {
                Bson::String(s) => s.clone(),
                Bson::Int32(i) => i.to_string(),
                Bson::Int64(i) => i.to_string(),
                // 1.0 names as "1", like the server.
                Bson::Double(f) if f.fract() == 0.0 => format!("{f:.0}"),
                other => other.to_string(),
            };
            format!("{field}_{value}")
        })
        .collect::<Vec<_>>()
        .join("_")
}

fn is_namespace_not_found(error: &mongodb::error::Error) -> bool {
    matches!(
        error.kind.as_ref(),
        mongodb::error::ErrorKind::Command(e) if e.code == NAMESPACE_NOT_FOUND
    )
}

impl Collection {
    /// Creates indexes and returns their names, in input order.
    pub async fn create_indexes(
        &self,
        specs: Vec<IndexSpec>,
        session: Option<&Session>,
    ) -> Result<Vec<String>> {
        if specs.is_empty() {
            return Err(EngineError::invalid(
                "create_indexes needs at least one index model",
            ));
        }
        let mut names = Vec::with_capacity(specs.len());
        let mut indexes = Vec::with_capacity(specs.len());
        for spec in specs {
            if spec.keys.is_empty() {
                return Err(EngineError::invalid(
                    "an index model needs at least one key",
                ));
            }
            let name = match spec.options.get_str("name") {
                Ok(name) => name.to_owned(),
                Err(_) => default_index_name(&spec.keys),
            };
            let mut index = doc! { "key": spec.keys, "name": name.as_str() };
            for (key, value) in spec.options {
                if key != "name" {
                    index.insert(key, value);
                }
            }
            names.push(name);
            indexes.push(Bson::Document(index));
        }
        let command = doc! { "createIndexes": self.name(), "indexes": indexes };
        self.database.command(command, session).await?;
        Ok(names)
    }

    /// The collection's index descriptions (empty when the collection does not exist).
    pub async fn list_indexes(&self, session: Option<&Session>) -> Result<Vec<RawDocumentBuf>> {
        let coll = self.driver()?;
        let mut out = Vec::new();
        let opened = match session {
            Some(session) => {
                let mut guard = session.lock().await?;
                let s = guard.get()?;
                match coll.list_indexes().session(&mut *s).batch().await {
                    Ok(mut cursor) => {
                        let mut stream = cursor.stream(s);
                        while let Some(batch) = stream.next().await {
                            out.extend(batch_documents_of(&batch?)?);
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            None => match coll.list_indexes().batch().await {
                Ok(mut cursor) => {
                    while let Some(batch) = cursor.next().await {
                        out.extend(batch_documents_of(&batch?)?);
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
        };
        match opened {
            Ok(()) => Ok(out),
            Err(e) if is_namespace_not_found(&e) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Drops one index by name.
    pub async fn drop_index(&self, name: &str, session: Option<&Session>) -> Result<()> {
        let coll = self.driver()?;
        with_session!(session, coll.drop_index(name))?;
        Ok(())
    }

    /// Drops every index except `_id_`.
    pub async fn drop_indexes(&self, session: Option<&Session>) -> Result<()> {
        let coll = self.driver()?;
        with_session!(session, coll.drop_indexes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_follow_the_server() {
        assert_eq!(default_index_name(&doc! {"a": 1, "b": -1}), "a_1_b_-1");
        assert_eq!(
            default_index_name(&doc! {"loc": "2dsphere"}),
            "loc_2dsphere"
        );
        assert_eq!(default_index_name(&doc! {"a": 1.0}), "a_1");
    }
}
