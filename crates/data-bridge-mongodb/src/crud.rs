//! Point reads, counts and find-and-modify (driver operations whose replies the driver keeps
//! whole).

use bson::{Bson, Document, RawDocumentBuf};
use mongodb::options::{
    CountOptions, DistinctOptions, EstimatedDocumentCountOptions, FindOneAndDeleteOptions,
    FindOneAndReplaceOptions, FindOneAndUpdateOptions, FindOneOptions, UpdateModifications,
};

use crate::client::Collection;
use crate::error::Result;
use crate::session::Session;
use crate::with_session;

impl Collection {
    /// The first matching document.
    pub async fn find_one(
        &self,
        filter: Document,
        options: FindOneOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        with_session!(session, coll.find_one(filter).with_options(options))
    }

    /// Number of matching documents.
    pub async fn count_documents(
        &self,
        filter: Document,
        options: CountOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        let coll = self.driver()?;
        with_session!(session, coll.count_documents(filter).with_options(options))
    }

    /// Collection size from metadata.
    pub async fn estimated_document_count(
        &self,
        options: EstimatedDocumentCountOptions,
    ) -> Result<u64> {
        Ok(self
            .driver()?
            .estimated_document_count()
            .with_options(options)
            .await?)
    }

    /// Distinct values of `key`.
    pub async fn distinct(
        &self,
        key: &str,
        filter: Document,
        options: DistinctOptions,
        session: Option<&Session>,
    ) -> Result<Vec<Bson>> {
        let coll = self.driver()?;
        with_session!(session, coll.distinct(key, filter).with_options(options))
    }

    /// Updates one document atomically and returns it (before or after, per the options).
    pub async fn find_one_and_update(
        &self,
        filter: Document,
        update: UpdateModifications,
        options: FindOneAndUpdateOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        with_session!(
            session,
            coll.find_one_and_update(filter, update)
                .with_options(options)
        )
    }

    /// Replaces one document atomically and returns it (before or after, per the options).
    pub async fn find_one_and_replace(
        &self,
        filter: Document,
        replacement: RawDocumentBuf,
        options: FindOneAndReplaceOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        with_session!(
            session,
            coll.find_one_and_replace(filter, &replacement)
                .with_options(options)
        )
    }

    /// Deletes one document atomically and returns it.
    pub async fn find_one_and_delete(
        &self,
        filter: Document,
        options: FindOneAndDeleteOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        with_session!(
            session,
            coll.find_one_and_delete(filter).with_options(options)
        )
    }

    /// Drops the collection (a missing collection is not an error).
    pub async fn drop(&self, session: Option<&Session>) -> Result<()> {
        let coll = self.driver()?;
        with_session!(session, coll.drop())?;
        Ok(())
    }
}
