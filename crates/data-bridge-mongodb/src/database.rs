//! Database-level operations: commands and collection management.

use bson::{doc, Document, RawDocumentBuf};

use crate::client::{Collection, Database};
use crate::error::Result;
use crate::session::Session;
use crate::with_session;

impl Database {
    /// Runs a command and returns the server's reply.
    pub async fn command(
        &self,
        command: Document,
        session: Option<&Session>,
    ) -> Result<RawDocumentBuf> {
        let db = self.driver()?;
        let reply = with_session!(session, db.run_command(command))?;
        Ok(RawDocumentBuf::try_from(&reply)?)
    }

    /// Names of the collections matching `filter`.
    pub async fn list_collection_names(
        &self,
        filter: Option<Document>,
        session: Option<&Session>,
    ) -> Result<Vec<String>> {
        let db = self.driver()?;
        let action = db
            .list_collection_names()
            .filter(filter.unwrap_or_default());
        with_session!(session, action)
    }

    /// Creates a collection; `options` are the `create` command's fields.
    pub async fn create_collection(
        &self,
        name: &str,
        options: Document,
        session: Option<&Session>,
    ) -> Result<Collection> {
        let collection = self.collection(name, false)?;
        let mut command = doc! { "create": name };
        command.extend(options);
        self.command(command, session).await?;
        Ok(collection)
    }

    /// Drops the database.
    pub async fn drop(&self, session: Option<&Session>) -> Result<()> {
        let db = self.driver()?;
        with_session!(session, db.drop())?;
        Ok(())
    }
}
