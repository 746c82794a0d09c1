//! Mixed writes sent as `insert` / `update` / `delete` commands, batched within the server's
//! limits. The driver's own bulk write needs the 8.0 `bulkWrite` command; these commands work on
//! every server and their replies keep each write error whole (keyPattern, keyValue, errInfo).

use bson::raw::cstr;
use bson::{Bson, Document, RawArrayBuf, RawBson, RawDocumentBuf};
use mongodb::error::ErrorKind;

use crate::client::Collection;
use crate::error::{EngineError, Result};
use crate::session::Session;
use crate::with_session;

/// Most statements one write command may carry (`maxWriteBatchSize` of every current server).
pub const MAX_WRITE_BATCH_SIZE: usize = 100_000;
/// Most statements we put in one command. Far below the server's limit so a connection lost
/// mid-write leaves at most this many writes in doubt; a command this size takes long enough
/// to apply that its round trip is noise (measured: 200k inserts in 1k-, 10k- and 100k-statement
/// commands took the same time against SecantusDB).
pub const STATEMENTS_PER_COMMAND: usize = 10_000;
/// Largest command document (`maxBsonObjectSize`, 16 MiB; commands may exceed it by 16 KiB,
/// which we keep for the command's other fields).
pub const MAX_COMMAND_BYTES: usize = 16 * 1024 * 1024;
/// Per-statement array overhead: element type, index key ("99999") and its terminator.
const ARRAY_ELEMENT_OVERHEAD: usize = 8;

/// One write of a bulk write.
#[derive(Clone, Debug)]
pub enum WriteModel {
    /// Insert a document (which must already carry its `_id`).
    InsertOne(RawDocumentBuf),
    /// Update one or every matching document.
    Update {
        /// Query filter.
        filter: RawDocumentBuf,
        /// An update document or a pipeline (array of stages).
        update: RawBson,
        /// Update every match rather than the first.
        multi: bool,
        /// Insert when nothing matches.
        upsert: bool,
        /// `arrayFilters`.
        array_filters: Option<RawArrayBuf>,
        /// Index name or keys.
        hint: Option<RawBson>,
        /// Collation document.
        collation: Option<RawDocumentBuf>,
    },
    /// Replace the first matching document.
    Replace {
        /// Query filter.
        filter: RawDocumentBuf,
        /// The new document.
        replacement: RawDocumentBuf,
        /// Insert when nothing matches.
        upsert: bool,
        /// Index name or keys.
        hint: Option<RawBson>,
        /// Collation document.
        collation: Option<RawDocumentBuf>,
    },
    /// Delete one or every matching document.
    Delete {
        /// Query filter.
        filter: RawDocumentBuf,
        /// Delete every match rather than the first.
        multi: bool,
        /// Index name or keys.
        hint: Option<RawBson>,
        /// Collation document.
        collation: Option<RawDocumentBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Insert,
    Update,
    Delete,
}

impl Kind {
    fn command(self) -> (&'static bson::raw::CStr, &'static bson::raw::CStr) {
        match self {
            Self::Insert => (cstr!("insert"), cstr!("documents")),
            Self::Update => (cstr!("update"), cstr!("updates")),
            Self::Delete => (cstr!("delete"), cstr!("deletes")),
        }
    }
}

impl WriteModel {
    fn kind(&self) -> Kind {
        match self {
            Self::InsertOne(_) => Kind::Insert,
            Self::Update { .. } | Self::Replace { .. } => Kind::Update,
            Self::Delete { .. } => Kind::Delete,
        }
    }

    /// The statement as it appears in the command's array.
    fn statement(self) -> RawDocumentBuf {
        let options = |stmt: &mut RawDocumentBuf, hint: Option<RawBson>, collation| {
            if let Some(hint) = hint {
                stmt.append(cstr!("hint"), hint);
            }
            if let Some(collation) = collation {
                stmt.append(cstr!("collation"), collation);
            }
        };
        match self {
            Self::InsertOne(document) => document,
            Self::Update {
                filter,
                update,
                multi,
                upsert,
                array_filters,
                hint,
                collation,
            } => {
                let mut stmt = RawDocumentBuf::new();
                stmt.append(cstr!("q"), filter);
                stmt.append(cstr!("u"), update);
                stmt.append(cstr!("multi"), multi);
                stmt.append(cstr!("upsert"), upsert);
                if let Some(filters) = array_filters {
                    stmt.append(cstr!("arrayFilters"), filters);
                }
                options(&mut stmt, hint, collation);
                stmt
            }
            Self::Replace {
                filter,
                replacement,
                upsert,
                hint,
                collation,
            } => {
                let mut stmt = RawDocumentBuf::new();
                stmt.append(cstr!("q"), filter);
                stmt.append(cstr!("u"), replacement);
                stmt.append(cstr!("multi"), false);
                stmt.append(cstr!("upsert"), upsert);
                options(&mut stmt, hint, collation);
                stmt
            }
            Self::Delete {
                filter,
                multi,
                hint,
                collation,
            } => {
                let mut stmt = RawDocumentBuf::new();
                stmt.append(cstr!("q"), filter);
                stmt.append(cstr!("limit"), if multi { 0i32 } else { 1i32 });
                options(&mut stmt, hint, collation);
                stmt
            }
        }
    }
}

/// Options of a bulk write.
#[derive(Clone, Debug, Default)]
pub struct BulkWriteOptions {
    /// Stop at the first error (and keep the order) rather than run everything.
    pub ordered: bool,
    /// Skip document validation.
    pub bypass_document_validation: Option<bool>,
    /// Attached to each command.
    pub comment: Option<Bson>,
    /// Variables for update and delete filters (`let`).
    pub let_vars: Option<Document>,
    /// By request index: whether that insert's `_id` was generated for this call (a fresh
    /// ObjectId nobody else holds). A duplicate key error on such an `_id` can only come from
    /// our own earlier attempt at the same command (the driver retries a write once after a
    /// lost connection), so it makes that command in doubt rather than failed. Empty: none.
    pub generated_ids: Vec<bool>,
}

/// Counts and ids of a bulk write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BulkWriteOutcome {
    /// Documents inserted.
    pub inserted_count: u64,
    /// Documents matched by updates and replacements.
    pub matched_count: u64,
    /// Documents modified.
    pub modified_count: u64,
    /// Documents deleted.
    pub deleted_count: u64,
    /// Request index and `_id` of each upserted document.
    pub upserted_ids: Vec<(usize, Bson)>,
    /// Request index and `_id` of each insert that was applied.
    pub inserted_ids: Vec<(usize, Bson)>,
}

/// A failed write of a bulk write.
#[derive(Clone, Debug)]
pub struct IndexedWriteError {
    /// Request index.
    pub index: usize,
    /// Server code.
    pub code: i32,
    /// Server message.
    pub message: String,
    /// The server's whole entry (`keyPattern`, `keyValue`, `errInfo`, ...), `index` rewritten
    /// to the request index.
    pub details: Document,
}

/// What a failed bulk write did and did not do.
#[derive(Clone, Debug, Default)]
pub struct BulkWriteFailure {
    /// What was applied.
    pub outcome: BulkWriteOutcome,
    /// The writes that failed.
    pub write_errors: Vec<IndexedWriteError>,
    /// Write concern errors, one per command that had one.
    pub write_concern_errors: Vec<Document>,
}

/// A bulk write cut short by a lost connection. The command in flight got no reply: the
/// server may have applied none, some or all of it. Inserts carry client-side `_id`s, so
/// inserting the in-doubt and unsent documents again with `ordered: false` and ignoring
/// duplicate key errors on `_id` completes the write exactly once.
#[derive(Clone, Debug, Default)]
pub struct InterruptedWrite {
    /// What the server acknowledged before the connection was lost (counts, ids, write errors).
    pub acknowledged: BulkWriteFailure,
    /// Request indexes of the command in flight, in order.
    pub in_doubt: Vec<usize>,
    /// Request index and `_id` of each insert among them.
    pub in_doubt_ids: Vec<(usize, Bson)>,
    /// Request indexes that were never sent, in order.
    pub unsent: Vec<usize>,
    /// Request index and `_id` of each insert among them.
    pub unsent_ids: Vec<(usize, Bson)>,
}

impl InterruptedWrite {
    pub(crate) fn summary(&self) -> String {
        let outcome = &self.acknowledged.outcome;
        let written = outcome.inserted_count
            + outcome.matched_count
            + outcome.deleted_count
            + outcome.upserted_ids.len() as u64;
        format!(
            "the connection was lost during a bulk write: {} write(s) acknowledged ({} \
             inserted), {} in doubt (sent without a reply: the server may have applied them), \
             {} not sent",
            written,
            outcome.inserted_count,
            self.in_doubt.len(),
            self.unsent.len()
        )
    }
}

impl BulkWriteFailure {
    pub(crate) fn summary(&self) -> String {
        match self.write_errors.first() {
            Some(first) => format!(
                "bulk write failed with {} write error(s); first at request {}: {} (code {})",
                self.write_errors.len(),
                first.index,
                first.message,
                first.code
            ),
            None => format!(
                "bulk write failed with {} write concern error(s)",
                self.write_concern_errors.len()
            ),
        }
    }
}

fn as_u64(doc: &Document, key: &str) -> u64 {
    match doc.get(key) {
        Some(Bson::Int32(n)) => u64::try_from(*n).unwrap_or(0),
        Some(Bson::Int64(n)) => u64::try_from(*n).unwrap_or(0),
        Some(Bson::Double(n)) if *n >= 0.0 => *n as u64,
        _ => 0,
    }
}

fn as_index(value: Option<&Bson>) -> Option<usize> {
    match value {
        Some(Bson::Int32(n)) => usize::try_from(*n).ok(),
        Some(Bson::Int64(n)) => usize::try_from(*n).ok(),
        _ => None,
    }
}

fn document_id(document: &RawDocumentBuf) -> Option<Bson> {
    let id = document.get("_id").ok()??;
    Bson::try_from(id).ok()
}

/// Splits `(request index, statement)` pairs into commands within the size limit and
/// [`STATEMENTS_PER_COMMAND`].
fn split(statements: Vec<(usize, RawDocumentBuf)>) -> Result<Vec<Vec<(usize, RawDocumentBuf)>>> {
    let budget = MAX_COMMAND_BYTES;
    let mut batches = Vec::new();
    let mut current = Vec::new();
    let mut size = 0usize;
    for (index, stmt) in statements {
        let len = stmt.as_bytes().len() + ARRAY_ELEMENT_OVERHEAD;
        if len > budget {
            return Err(EngineError::invalid(format!(
                "request {index} is {len} bytes, more than a command can carry ({budget})"
            )));
        }
        if !current.is_empty() && (current.len() == STATEMENTS_PER_COMMAND || size + len > budget) {
            batches.push(std::mem::take(&mut current));
            size = 0;
        }
        size += len;
        current.push((index, stmt));
    }
    if !current.is_empty() {
        batches.push(current);
    }
    Ok(batches)
}

/// Groups requests into runs of one kind: consecutive runs when ordered, one per kind otherwise.
fn group(models: Vec<WriteModel>, ordered: bool) -> Vec<(Kind, Vec<(usize, RawDocumentBuf)>)> {
    let mut groups: Vec<(Kind, Vec<(usize, RawDocumentBuf)>)> = Vec::new();
    for (index, model) in models.into_iter().enumerate() {
        let kind = model.kind();
        let slot = if ordered {
            match groups.last() {
                Some((last, _)) if *last == kind => groups.len() - 1,
                _ => {
                    groups.push((kind, Vec::new()));
                    groups.len() - 1
                }
            }
        } else {
            match groups.iter().position(|(k, _)| *k == kind) {
                Some(slot) => slot,
                None => {
                    groups.push((kind, Vec::new()));
                    groups.len() - 1
                }
            }
        };
        groups[slot].1.push((index, model.statement()));
    }
    groups
}

impl Collection {
    /// An `update` / `delete` command carrying `batch` as an array (inserts go through
    /// [`Collection::insert_command`]).
    fn write_command(
        &self,
        kind: Kind,
        batch: &[(usize, RawDocumentBuf)],
        options: &BulkWriteOptions,
    ) -> Result<RawDocumentBuf> {
        let (name, array_key) = kind.command();
        let mut array = RawArrayBuf::new();
        for (_, stmt) in batch {
            array.push(stmt.as_ref());
        }
        let mut command = RawDocumentBuf::new();
        command.append(name, self.name());
        command.append(array_key, array);
        command.append(cstr!("ordered"), options.ordered);
        if let Some(bypass) = options.bypass_document_validation {
            command.append(cstr!("bypassDocumentValidation"), bypass);
        }
        if let Some(vars) = &options.let_vars {
            command.append(cstr!("let"), RawDocumentBuf::try_from(vars)?);
        }
        if let Some(comment) = &options.comment {
            command.append(cstr!("comment"), RawBson::try_from(comment.clone())?);
        }
        Ok(command)
    }

    /// Runs mixed writes. On any write (or write concern) error, returns
    /// `EngineError::BulkWrite` with the counts of what was applied; when the connection is
    /// lost after a command was sent, `EngineError::Interrupted` with what was acknowledged,
    /// what may have been applied unacknowledged, and what was never sent.
    pub async fn bulk_write(
        &self,
        models: Vec<WriteModel>,
        options: BulkWriteOptions,
        session: Option<&Session>,
    ) -> Result<BulkWriteOutcome> {
        if models.is_empty() {
            return Err(EngineError::invalid(
                "bulk_write needs at least one request",
            ));
        }
        let db = self.database.driver()?;
        // Split everything before sending anything: an oversized statement fails the call with
        // nothing written.
        let mut commands = Vec::new();
        for (kind, statements) in group(models, options.ordered) {
            for batch in split(statements)? {
                commands.push((kind, batch));
            }
        }
        let mut failure = BulkWriteFailure::default();
        for (sent, (kind, batch)) in commands.iter().enumerate() {
            let indexes: Vec<usize> = batch.iter().map(|(i, _)| *i).collect();
            let ids: Vec<Option<Bson>> = match kind {
                Kind::Insert => batch.iter().map(|(_, stmt)| document_id(stmt)).collect(),
                _ => Vec::new(),
            };
            let reply = match kind {
                Kind::Insert => self.insert_command(batch, &options, session).await,
                _ => {
                    let command = self.write_command(*kind, batch, &options)?;
                    with_session!(session, db.run_raw_command(command))
                }
            };
            let reply = match reply {
                Ok(reply) => reply,
                // Inside a transaction nothing is durable before the commit: the driver's
                // error (labelled TransientTransactionError) is the whole story.
                Err(EngineError::Driver(error))
                    if is_connection_loss(&error)
                        && !session.is_some_and(Session::in_transaction) =>
                {
                    let rest = commands.get(sent + 1..).unwrap_or_default();
                    return Err(interrupted(error, failure, &indexes, &ids, rest));
                }
                Err(other) => return Err(other),
            };
            if *kind == Kind::Insert && found_own_insert(&reply, &indexes, &options.generated_ids) {
                let rest = commands.get(sent + 1..).unwrap_or_default();
                return Err(interrupted(
                    own_insert_error(),
                    failure,
                    &indexes,
                    &ids,
                    rest,
                ));
            }
            if absorb(*kind, &indexes, &ids, &reply, options.ordered, &mut failure) {
                break;
            }
        }
        if failure.write_errors.is_empty() && failure.write_concern_errors.is_empty() {
            Ok(failure.outcome)
        } else {
            failure.write_errors.sort_by_key(|e| e.index);
            Err(EngineError::BulkWrite(Box::new(failure)))
        }
    }
}

/// Whether a command failed because the server could not be reached (nothing was sent) or the
/// connection broke (the command may have run): the cases where the reply is missing, not
/// negative.
fn is_connection_loss(error: &mongodb::error::Error) -> bool {
    matches!(
        *error.kind,
        ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::ServerSelection { .. }
            | ErrorKind::Shutdown
    )
}

type Command = (Kind, Vec<(usize, RawDocumentBuf)>);

const DUPLICATE_KEY: i32 = 11000;

/// Whether an insert command's reply refuses one of our generated `_id`s as a duplicate: the
/// document is stored already, by an earlier attempt of this very command whose reply was lost
/// (the driver re-sent it after the connection dropped). What that attempt applied is unknown.
fn found_own_insert(reply: &Document, indexes: &[usize], generated: &[bool]) -> bool {
    let Ok(errors) = reply.get_array("writeErrors") else {
        return false;
    };
    errors.iter().any(|entry| {
        let Bson::Document(entry) = entry else {
            return false;
        };
        let index = as_index(entry.get("index")).and_then(|p| indexes.get(p));
        entry.get_i32("code").ok() == Some(DUPLICATE_KEY)
            && index.is_some_and(|&i| generated.get(i).copied().unwrap_or(false))
            && is_id_index(entry)
    })
}

/// Whether a duplicate key error is on the `_id` index.
fn is_id_index(entry: &Document) -> bool {
    if let Ok(pattern) = entry.get_document("keyPattern") {
        return pattern.len() == 1 && pattern.contains_key("_id");
    }
    entry
        .get_str("errmsg")
        .is_ok_and(|message| message.contains("index: _id_ "))
}

/// The cause recorded for a command found applied by its own retry.
fn own_insert_error() -> mongodb::error::Error {
    let io = std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "the connection was lost and the driver's retry found documents of this command stored \
         already (duplicate key on an _id generated for them): the first attempt applied an \
         unknown part of it",
    );
    mongodb::error::Error::from(ErrorKind::Io(std::sync::Arc::new(io)))
}

/// The error for a bulk write whose command `indexes` got no reply. A server that could not be
/// selected never received it; any other connection loss leaves it in doubt. With nothing
/// acknowledged and nothing in doubt the driver's own error says it all.
fn interrupted(
    error: mongodb::error::Error,
    mut acknowledged: BulkWriteFailure,
    indexes: &[usize],
    ids: &[Option<Bson>],
    rest: &[Command],
) -> EngineError {
    let never_sent = matches!(*error.kind, ErrorKind::ServerSelection { .. });
    let with_ids = |indexes: &[usize], ids: &[Option<Bson>]| -> Vec<(usize, Bson)> {
        indexes
            .iter()
            .zip(ids)
            .filter_map(|(index, id)| id.clone().map(|id| (*index, id)))
            .collect()
    };
    let mut unsent: Vec<usize> = Vec::new();
    let mut unsent_ids: Vec<(usize, Bson)> = Vec::new();
    for (kind, batch) in rest {
        unsent.extend(batch.iter().map(|(i, _)| *i));
        if *kind == Kind::Insert {
            unsent_ids.extend(
                batch
                    .iter()
                    .filter_map(|(i, stmt)| document_id(stmt).map(|id| (*i, id))),
            );
        }
    }
    let (in_doubt, in_doubt_ids) = if never_sent {
        unsent.extend_from_slice(indexes);
        unsent_ids.extend(with_ids(indexes, ids));
        (Vec::new(), Vec::new())
    } else {
        (indexes.to_vec(), with_ids(indexes, ids))
    };
    let nothing_happened = in_doubt.is_empty()
        && acknowledged.outcome == BulkWriteOutcome::default()
        && acknowledged.write_errors.is_empty()
        && acknowledged.write_concern_errors.is_empty();
    if nothing_happened {
        return EngineError::Driver(error);
    }
    unsent.sort_unstable();
    unsent_ids.sort_by_key(|(i, _)| *i);
    acknowledged.write_errors.sort_by_key(|e| e.index);
    EngineError::Interrupted {
        write: Box::new(InterruptedWrite {
            acknowledged,
            in_doubt,
            in_doubt_ids,
            unsent,
            unsent_ids,
        }),
        source: error,
    }
}

/// Adds one command's reply to the running totals; returns whether an ordered write must stop.
fn absorb(
    kind: Kind,
    indexes: &[usize],
    ids: &[Option<Bson>],
    reply: &Document,
    ordered: bool,
    failure: &mut BulkWriteFailure,
) -> bool {
    let n = as_u64(reply, "n");
    let mut failed = Vec::new();
    if let Ok(errors) = reply.get_array("writeErrors") {
        for entry in errors {
            let Bson::Document(entry) = entry else {
                continue;
            };
            let Some(position) = as_index(entry.get("index")) else {
                continue;
            };
            let Some(&index) = indexes.get(position) else {
                continue;
            };
            let mut details = entry.clone();
            details.insert("index", i64::try_from(index).unwrap_or(i64::MAX));
            failed.push(position);
            failure.write_errors.push(IndexedWriteError {
                index,
                code: entry.get_i32("code").unwrap_or_default(),
                message: entry.get_str("errmsg").unwrap_or_default().to_owned(),
                details,
            });
        }
    }
    if let Ok(wc) = reply.get_document("writeConcernError") {
        failure.write_concern_errors.push(wc.clone());
    }
    let outcome = &mut failure.outcome;
    match kind {
        Kind::Insert => {
            outcome.inserted_count += n;
            // Ordered: everything before the first failure went in; unordered: all but failures.
            let first_failure = failed.iter().min().copied();
            for (position, index) in indexes.iter().enumerate() {
                let applied = if ordered {
                    first_failure.is_none_or(|f| position < f)
                } else {
                    !failed.contains(&position)
                };
                if let (true, Some(Some(id))) = (applied, ids.get(position)) {
                    outcome.inserted_ids.push((*index, id.clone()));
                }
            }
        }
        Kind::Update => {
            let mut upserted = 0u64;
            if let Ok(entries) = reply.get_array("upserted") {
                for entry in entries {
                    let Bson::Document(entry) = entry else {
                        continue;
                    };
                    let position = as_index(entry.get("index"));
                    let index = position.and_then(|p| indexes.get(p)).copied();
                    if let (Some(index), Some(id)) = (index, entry.get("_id")) {
                        outcome.upserted_ids.push((index, id.clone()));
                        upserted += 1;
                    }
                }
            }
            outcome.matched_count += n.saturating_sub(upserted);
            outcome.modified_count += as_u64(reply, "nModified");
        }
        Kind::Delete => outcome.deleted_count += n,
    }
    ordered && !failed.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::rawdoc;

    #[test]
    fn ordered_groups_keep_runs_unordered_merge_kinds() {
        let ins = || WriteModel::InsertOne(rawdoc! {"a": 1});
        let del = || WriteModel::Delete {
            filter: rawdoc! {},
            multi: false,
            hint: None,
            collation: None,
        };
        let kinds = |g: Vec<(Kind, Vec<(usize, RawDocumentBuf)>)>| {
            g.into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|(i, _)| i).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(group(vec![ins(), del(), ins()], true)),
            vec![
                (Kind::Insert, vec![0]),
                (Kind::Delete, vec![1]),
                (Kind::Insert, vec![2])
            ]
        );
        assert_eq!(
            kinds(group(vec![ins(), del(), ins()], false)),
            vec![(Kind::Insert, vec![0, 2]), (Kind::Delete, vec![1])]
        );
    }

    fn inserts(range: std::ops::Range<usize>) -> (Vec<usize>, Vec<Option<Bson>>, Command) {
        let batch: Vec<_> = range.map(|i| (i, rawdoc! {"_id": i as i64})).collect();
        let indexes = batch.iter().map(|(i, _)| *i).collect();
        let ids = batch.iter().map(|(_, d)| document_id(d)).collect();
        (indexes, ids, (Kind::Insert, batch))
    }

    fn acknowledged(range: std::ops::Range<usize>) -> BulkWriteFailure {
        let mut failure = BulkWriteFailure::default();
        failure.outcome.inserted_count = range.len() as u64;
        failure.outcome.inserted_ids = range.map(|i| (i, Bson::Int64(i as i64))).collect();
        failure
    }

    fn io_error() -> mongodb::error::Error {
        let io = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        mongodb::error::Error::from(ErrorKind::Io(std::sync::Arc::new(io)))
    }

    /// A real server selection failure: a closed port and a short timeout.
    async fn selection_error() -> mongodb::error::Error {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let uri = format!("mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=50");
        let client = mongodb::Client::with_uri_str(uri).await.unwrap();
        let error = client
            .database("x")
            .run_command(bson::doc! {"ping": 1})
            .await
            .unwrap_err();
        assert!(matches!(*error.kind, ErrorKind::ServerSelection { .. }));
        error
    }

    #[test]
    fn lost_connection_leaves_the_command_in_flight_in_doubt() {
        let (indexes, ids, _) = inserts(2..4);
        let (_, _, rest) = inserts(4..6);
        let error = interrupted(io_error(), acknowledged(0..2), &indexes, &ids, &[rest]);
        let EngineError::Interrupted { write, .. } = error else {
            panic!("expected Interrupted, got {error:?}");
        };
        assert_eq!(write.acknowledged.outcome.inserted_count, 2);
        assert_eq!(write.in_doubt, vec![2, 3]);
        assert_eq!(
            write.in_doubt_ids,
            vec![(2, Bson::Int64(2)), (3, Bson::Int64(3))]
        );
        assert_eq!(write.unsent, vec![4, 5]);
        assert_eq!(write.unsent_ids.len(), 2);
        assert!(write.summary().contains("2 inserted"));
    }

    #[tokio::test]
    async fn unselectable_server_means_the_command_was_never_sent() {
        let (indexes, ids, _) = inserts(2..4);
        let error = interrupted(
            selection_error().await,
            acknowledged(0..2),
            &indexes,
            &ids,
            &[],
        );
        let EngineError::Interrupted { write, .. } = error else {
            panic!("expected Interrupted, got {error:?}");
        };
        assert!(write.in_doubt.is_empty() && write.in_doubt_ids.is_empty());
        assert_eq!(write.unsent, vec![2, 3]);

        // Nothing acknowledged and nothing sent: the driver's own error.
        let (indexes, ids, _) = inserts(0..2);
        let error = interrupted(
            selection_error().await,
            BulkWriteFailure::default(),
            &indexes,
            &ids,
            &[],
        );
        assert!(matches!(error, EngineError::Driver(_)), "{error:?}");
        // Nothing acknowledged but the first command in flight: still in doubt.
        let error = interrupted(io_error(), BulkWriteFailure::default(), &indexes, &ids, &[]);
        assert!(
            matches!(error, EngineError::Interrupted { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_duplicate_of_our_own_generated_id_means_in_doubt() {
        let reply = |code: i32, pattern: Document| -> Document {
            bson::doc! {"n": 0, "writeErrors": [
                {"index": 1, "code": code, "errmsg": "E11000", "keyPattern": pattern}
            ]}
        };
        let generated = [false, false, true];
        let indexes = [0, 1];
        let on_id = reply(DUPLICATE_KEY, bson::doc! {"_id": 1});
        // Request 1 (position 1 of this command) had a generated id only in the second case.
        assert!(!found_own_insert(&on_id, &indexes, &generated));
        assert!(found_own_insert(&on_id, &[5, 2], &generated));
        // Another index, another code, no write errors: a real failure or none.
        let on_email = reply(DUPLICATE_KEY, bson::doc! {"email": 1});
        assert!(!found_own_insert(&on_email, &[5, 2], &generated));
        assert!(!found_own_insert(
            &reply(121, bson::doc! {"_id": 1}),
            &[5, 2],
            &generated
        ));
        assert!(!found_own_insert(&bson::doc! {"n": 2}, &[5, 2], &generated));
        // Without keyPattern, the index name in the message.
        let message = bson::doc! {"n": 0, "writeErrors": [{"index": 0, "code": DUPLICATE_KEY,
        "errmsg": "E11000 duplicate key error collection: d.c index: _id_ dup key: { }"}]};
        assert!(found_own_insert(&message, &[2], &generated));

        let (indexes, ids, _) = inserts(2..4);
        let error = interrupted(own_insert_error(), acknowledged(0..2), &indexes, &ids, &[]);
        let EngineError::Interrupted { write, .. } = error else {
            panic!("expected Interrupted, got {error:?}");
        };
        assert_eq!(write.in_doubt, vec![2, 3]);
    }

    #[test]
    fn split_respects_count_and_size() {
        let small: Vec<_> = (0..STATEMENTS_PER_COMMAND + 1)
            .map(|i| (i, rawdoc! {"i": i as i64}))
            .collect();
        let batches = split(small).unwrap();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[1].len(), 1);

        let big = "x".repeat(6 * 1024 * 1024);
        let large: Vec<_> = (0..3).map(|i| (i, rawdoc! {"s": big.as_str()})).collect();
        assert_eq!(split(large).unwrap().len(), 2);

        let huge = "x".repeat(MAX_COMMAND_BYTES);
        assert!(split(vec![(0, rawdoc! {"s": huge.as_str()})]).is_err());
    }
}
