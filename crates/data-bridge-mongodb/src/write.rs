//! insert / update / replace / delete, sent as write commands through the bulk path.
//!
//! The driver's own insert and update operations drop `keyPattern` / `keyValue` from write
//! errors (their raw reply is not kept); the command replies keep every field, so duplicate key
//! errors can name the key. Batching follows the server limits (see [`crate::bulk`]).

use bson::{Document, RawArrayBuf, RawBson, RawDocumentBuf};
use mongodb::options::{
    Collation, DeleteOptions, Hint, InsertManyOptions, InsertOneOptions, ReplaceOptions,
    UpdateModifications, UpdateOptions,
};
use mongodb::results::{DeleteResult, UpdateResult};

use crate::bulk::{BulkWriteOptions, BulkWriteOutcome, WriteModel};
use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::session::Session;

/// Whether an update or delete touches the first matching document or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Multiplicity {
    /// The first match.
    One,
    /// Every match.
    Many,
}

fn raw(doc: &Document) -> Result<RawDocumentBuf> {
    Ok(RawDocumentBuf::try_from(doc)?)
}

fn raw_hint(hint: Option<Hint>) -> Result<Option<RawBson>> {
    Ok(match hint {
        Some(Hint::Name(name)) => Some(RawBson::String(name)),
        Some(Hint::Keys(keys)) => Some(RawBson::Document(raw(&keys)?)),
        Some(_) => return Err(EngineError::invalid("unsupported hint")),
        None => None,
    })
}

fn raw_collation(collation: Option<Collation>) -> Result<Option<RawDocumentBuf>> {
    collation
        .map(|c| {
            bson::serialize_to_raw_document_buf(&c)
                .map_err(|e| EngineError::invalid(format!("invalid collation: {e}")))
        })
        .transpose()
}

fn raw_update(update: UpdateModifications) -> Result<RawBson> {
    Ok(match update {
        UpdateModifications::Document(doc) => RawBson::Document(raw(&doc)?),
        UpdateModifications::Pipeline(stages) => {
            let mut array = RawArrayBuf::new();
            for stage in &stages {
                array.push(raw(stage)?);
            }
            RawBson::Array(array)
        }
        _ => return Err(EngineError::invalid("unsupported update modifications")),
    })
}

/// Narrows a one-statement bulk failure to the error of that statement (a lost connection
/// stays the driver's error: the caller knows which statement was in doubt).
fn single(error: EngineError) -> EngineError {
    match error {
        EngineError::Interrupted { source, .. } => EngineError::Driver(source),
        EngineError::BulkWrite(mut failure) => {
            if failure.write_errors.len() == 1 {
                EngineError::Write(Box::new(failure.write_errors.remove(0)))
            } else if let Some(wc) = failure.write_concern_errors.pop() {
                EngineError::WriteConcern(Box::new(wc))
            } else {
                EngineError::BulkWrite(failure)
            }
        }
        other => other,
    }
}

fn update_result(outcome: &BulkWriteOutcome) -> UpdateResult {
    let mut result = UpdateResult::default();
    result.matched_count = outcome.matched_count;
    result.modified_count = outcome.modified_count;
    result.upserted_id = outcome.upserted_ids.first().map(|(_, id)| id.clone());
    result
}

impl Collection {
    async fn write_one(
        &self,
        model: WriteModel,
        options: BulkWriteOptions,
        session: Option<&Session>,
    ) -> Result<BulkWriteOutcome> {
        self.bulk_write(vec![model], options, session)
            .await
            .map_err(single)
    }

    /// Inserts one document (which should already carry its `_id`).
    pub async fn insert_one(
        &self,
        document: RawDocumentBuf,
        options: InsertOneOptions,
        session: Option<&Session>,
    ) -> Result<()> {
        let options = BulkWriteOptions {
            ordered: true,
            bypass_document_validation: options.bypass_document_validation,
            comment: options.comment,
            let_vars: None,
            generated_ids: Vec::new(),
        };
        self.write_one(WriteModel::InsertOne(document), options, session)
            .await
            .map(drop)
    }

    /// Inserts documents in commands of at most [`crate::bulk::STATEMENTS_PER_COMMAND`]
    /// (and the server's size limit). Returns how many were inserted; a failure is a
    /// `BulkWrite` error saying which ones went in, or `Interrupted` when the connection was
    /// lost partway (acknowledged, in-doubt and unsent documents).
    pub async fn insert_many(
        &self,
        documents: Vec<RawDocumentBuf>,
        options: InsertManyOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        self.insert_many_generated(documents, Vec::new(), options, session)
            .await
    }

    /// [`Collection::insert_many`] of documents some of whose `_id`s were generated for this
    /// call (`generated[i]`): a duplicate key on one of those after a lost connection makes its
    /// command in doubt (`Interrupted`), not failed.
    pub async fn insert_many_generated(
        &self,
        documents: Vec<RawDocumentBuf>,
        generated: Vec<bool>,
        options: InsertManyOptions,
        session: Option<&Session>,
    ) -> Result<u64> {
        if documents.is_empty() {
            return Err(EngineError::invalid(
                "insert_many needs at least one document",
            ));
        }
        let options = BulkWriteOptions {
            ordered: options.ordered.unwrap_or(true),
            bypass_document_validation: options.bypass_document_validation,
            comment: options.comment,
            let_vars: None,
            generated_ids: generated,
        };
        let models = documents.into_iter().map(WriteModel::InsertOne).collect();
        Ok(self
            .bulk_write(models, options, session)
            .await?
            .inserted_count)
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
        let array_filters = match options.array_filters {
            Some(filters) => {
                let mut array = RawArrayBuf::new();
                for filter in &filters {
                    array.push(raw(filter)?);
                }
                Some(array)
            }
            None => None,
        };
        let model = WriteModel::Update {
            filter: raw(&filter)?,
            update: raw_update(update)?,
            multi: multiplicity == Multiplicity::Many,
            upsert: options.upsert.unwrap_or(false),
            array_filters,
            hint: raw_hint(options.hint)?,
            collation: raw_collation(options.collation)?,
        };
        let options = BulkWriteOptions {
            ordered: true,
            bypass_document_validation: options.bypass_document_validation,
            comment: options.comment,
            let_vars: options.let_vars,
            generated_ids: Vec::new(),
        };
        Ok(update_result(
            &self.write_one(model, options, session).await?,
        ))
    }

    /// Replaces the first matching document.
    pub async fn replace_one(
        &self,
        filter: Document,
        replacement: RawDocumentBuf,
        options: ReplaceOptions,
        session: Option<&Session>,
    ) -> Result<UpdateResult> {
        let model = WriteModel::Replace {
            filter: raw(&filter)?,
            replacement,
            upsert: options.upsert.unwrap_or(false),
            hint: raw_hint(options.hint)?,
            collation: raw_collation(options.collation)?,
        };
        let options = BulkWriteOptions {
            ordered: true,
            bypass_document_validation: options.bypass_document_validation,
            comment: options.comment,
            let_vars: options.let_vars,
            generated_ids: Vec::new(),
        };
        Ok(update_result(
            &self.write_one(model, options, session).await?,
        ))
    }

    /// Deletes the first or every matching document.
    pub async fn delete(
        &self,
        filter: Document,
        multiplicity: Multiplicity,
        options: DeleteOptions,
        session: Option<&Session>,
    ) -> Result<DeleteResult> {
        let model = WriteModel::Delete {
            filter: raw(&filter)?,
            multi: multiplicity == Multiplicity::Many,
            hint: raw_hint(options.hint)?,
            collation: raw_collation(options.collation)?,
        };
        let options = BulkWriteOptions {
            ordered: true,
            bypass_document_validation: None,
            comment: options.comment,
            let_vars: options.let_vars,
            generated_ids: Vec::new(),
        };
        let outcome = self.write_one(model, options, session).await?;
        let mut result = DeleteResult::default();
        result.deleted_count = outcome.deleted_count;
        Ok(result)
    }
}
