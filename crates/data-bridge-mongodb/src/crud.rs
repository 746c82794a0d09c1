//! Single-collection operations other than cursors: point reads, counts and writes.

use bson::{Bson, Document, RawDocumentBuf};
use mongodb::options::{
    CountOptions, DeleteOptions, DistinctOptions, EstimatedDocumentCountOptions,
    FindOneAndDeleteOptions, FindOneAndReplaceOptions, FindOneAndUpdateOptions, FindOneOptions,
    InsertManyOptions, InsertOneOptions, ReplaceOptions, UpdateModifications, UpdateOptions,
};
use mongodb::results::{DeleteResult, UpdateResult};

use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::session::Session;
use crate::with_session;

/// Whether an update touches the first matching document or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Multiplicity {
    /// The first match.
    One,
    /// Every match.
    Many,
}

impl Collection {
    /// The first matching document.
    pub async fn find_one(
        &self,
        filter: Document,
        options: FindOneOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        Ok(with_session!(session, coll.find_one(filter).with_options(options)))
    }

    /// Number of matching documents.
    pub async fn count_documents(
        &self,
        filter: Document,
        options: CountOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        let coll = self.driver()?;
        Ok(with_session!(session, coll.count_documents(filter).with_options(options)))
    }

    /// Collection size from metadata.
    pub async fn estimated_document_count(
        &self,
        options: EstimatedDocumentCountOptions,
    ) -> Result<u64> {
        Ok(self.driver()?.estimated_document_count().with_options(options).await?)
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
        Ok(with_session!(session, coll.distinct(key, filter).with_options(options)))
    }

    /// Inserts one document (which must already carry its `_id`).
    pub async fn insert_one(
        &self,
        document: RawDocumentBuf,
        options: InsertOneOptions,
        session: Option<&Session>,
    ) -> Result<Bson> {
        let coll = self.driver()?;
        let result = with_session!(session, coll.insert_one(&document).with_options(options));
        Ok(result.inserted_id)
    }

    /// Inserts documents; the driver splits them into batches that respect the server's
    /// `maxWriteBatchSize` and `maxMessageSizeBytes`. Returns how many were inserted.
    pub async fn insert_many(
        &self,
        documents: Vec<RawDocumentBuf>,
        options: InsertManyOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        if documents.is_empty() {
            return Err(EngineError::invalid("insert_many needs at least one document"));
        }
        let coll = self.driver()?;
        let result = with_session!(session, coll.insert_many(&documents).with_options(options));
        Ok(result.inserted_ids.len() as u64)
    }

    /// Updates the first or every matching document.
    pub async fn update(
        &self,
        filter: Document,
        update: UpdateModifications,
        multiplicity: Multiplicity,
        options: UpdateOptions,
        session: Option<&Session>,
    ) -> Result<UpdateResult> {
        let coll = self.driver()?;
        Ok(match multiplicity {
            Multiplicity::One => {
                with_session!(session, coll.update_one(filter, update).with_options(options))
            }
            Multiplicity::Many => {
                with_session!(session, coll.update_many(filter, update).with_options(options))
            }
        })
    }

    /// Replaces the first matching document.
    pub async fn replace_one(
        &self,
        filter: Document,
        replacement: RawDocumentBuf,
        options: ReplaceOptions,
        session: Option<&Session>,
    ) -> Result<UpdateResult> {
        let coll = self.driver()?;
        Ok(with_session!(session, coll.replace_one(filter, &replacement).with_options(options)))
    }

    /// Deletes the first or every matching document.
    pub async fn delete(
        &self,
        filter: Document,
        multiplicity: Multiplicity,
        options: DeleteOptions,
        session: Option<&Session>,
    ) -> Result<DeleteResult> {
        let coll = self.driver()?;
        Ok(match multiplicity {
            Multiplicity::One => {
                with_session!(session, coll.delete_one(filter).with_options(options))
            }
            Multiplicity::Many => {
                with_session!(session, coll.delete_many(filter).with_options(options))
            }
        })
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
        Ok(with_session!(session, coll.find_one_and_update(filter, update).with_options(options)))
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
        Ok(with_session!(
            session,
            coll.find_one_and_replace(filter, &replacement).with_options(options)
        ))
    }

    /// Deletes one document atomically and returns it.
    pub async fn find_one_and_delete(
        &self,
        filter: Document,
        options: FindOneAndDeleteOptions,
        session: Option<&Session>,
    ) -> Result<Option<RawDocumentBuf>> {
        let coll = self.driver()?;
        Ok(with_session!(session, coll.find_one_and_delete(filter).with_options(options)))
    }

    /// Drops the collection (a missing collection is not an error).
    pub async fn drop(&self, session: Option<&Session>) -> Result<()> {
        let coll = self.driver()?;
        with_session!(session, coll.drop());
        Ok(())
    }
}
