//! The codec's one error type.

use arrow_schema::ArrowError;

/// Everything that can go wrong while decoding, inferring or encoding.
///
/// `row` is an index into the document slice (decode, infer) or the record batch (encode) that
/// the failing call received; callers that stream batches add their cursor position with
/// [`CodecError::with_row_offset`]. `path` is the dotted field path (`address.city`, list
/// elements as `tags[1]`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The bytes are not well-formed BSON: truncated input, a length that does not match,
    /// a missing terminator, an unknown element type, an invalid boolean, or bad UTF-8.
    #[error("invalid BSON{}{}: {reason}", fmt_row(*row), fmt_path(path))]
    InvalidBson {
        /// Document index, when known.
        row: Option<usize>,
        /// Field path where the problem was found ("" for the document itself).
        path: String,
        /// What was wrong.
        reason: String,
    },

    /// Documents or schemas nest deeper than [`crate::MAX_NESTING_DEPTH`].
    #[error("nesting deeper than {limit} levels{}{}", fmt_row(*row), fmt_path(path))]
    NestingTooDeep {
        /// Document index, when known.
        row: Option<usize>,
        /// Path at which the limit was crossed.
        path: String,
        /// The limit that was crossed.
        limit: usize,
    },

    /// A value's BSON type does not fit the column's Arrow type and the decode options ask for
    /// an error ([`crate::OnMismatch::Error`], the default).
    #[error("type mismatch{}{}: expected {expected}, found {found}", fmt_row(Some(*row)), fmt_path(path))]
    TypeMismatch {
        /// Document index.
        row: usize,
        /// Field path of the value.
        path: String,
        /// What the schema asks for (a BSON `$type` alias plus, for conversions, a note).
        expected: String,
        /// The BSON type that was found (a `$type` alias).
        found: String,
    },

    /// A field name occurs twice in one document and is part of the schema.
    #[error("duplicate field{}{}", fmt_row(Some(*row)), fmt_path(path))]
    DuplicateField {
        /// Document index.
        row: usize,
        /// Path of the repeated field.
        path: String,
    },

    /// A schema (an Arrow schema or a spec) cannot be used by the codec.
    #[error("invalid schema{}: {reason}", fmt_path(path))]
    InvalidSchema {
        /// Path of the offending field.
        path: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// An Arrow value cannot be written as BSON: a key containing a NUL byte, an unsigned
    /// integer beyond `i64::MAX`, an invalid extension payload, a top-level value that is not a
    /// document.
    #[error("cannot encode{}{}: {reason}", fmt_row(Some(*row)), fmt_path(path))]
    Encode {
        /// Row of the record batch.
        row: usize,
        /// Column path.
        path: String,
        /// Why it cannot be encoded.
        reason: String,
    },

    /// A column grew past what Arrow's 32-bit offsets can address (2 GiB of string data in one
    /// chunk); lower `DecodeOptions::chunk_rows`.
    #[error("column{} exceeds 2 GiB in one chunk{}; use smaller chunks", fmt_path(path), fmt_row(*row))]
    CapacityExceeded {
        /// Document index, when known.
        row: Option<usize>,
        /// Column path.
        path: String,
    },

    /// Arrow rejected an array the codec assembled (a bug in the codec, reported rather than
    /// panicking).
    #[error("arrow: {0}")]
    Arrow(#[from] ArrowError),
}

fn fmt_row(row: Option<usize>) -> String {
    row.map(|r| format!(" at row {r}")).unwrap_or_default()
}

fn fmt_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in field '{path}'")
    }
}

impl CodecError {
    /// The document (or record batch row) index the error refers to, if any.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::InvalidBson { row, .. }
            | Self::NestingTooDeep { row, .. }
            | Self::CapacityExceeded { row, .. } => *row,
            Self::TypeMismatch { row, .. }
            | Self::DuplicateField { row, .. }
            | Self::Encode { row, .. } => Some(*row),
            Self::InvalidSchema { .. } | Self::Arrow(_) => None,
        }
    }

    /// The field path the error refers to, if any ("" is the document itself).
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::InvalidBson { path, .. }
            | Self::NestingTooDeep { path, .. }
            | Self::TypeMismatch { path, .. }
            | Self::DuplicateField { path, .. }
            | Self::InvalidSchema { path, .. }
            | Self::Encode { path, .. }
            | Self::CapacityExceeded { path, .. } => Some(path),
            Self::Arrow(_) => None,
        }
    }

    /// Shifts the row by `offset`: decoders number rows from 0 within the slice they receive;
    /// a caller decoding batch `k` of a cursor adds the rows it has already seen.
    pub fn with_row_offset(mut self, offset: usize) -> Self {
        match &mut self {
            Self::InvalidBson { row, .. }
            | Self::NestingTooDeep { row, .. }
            | Self::CapacityExceeded { row, .. } => {
                if let Some(r) = row {
                    *r = r.saturating_add(offset);
                }
            }
            Self::TypeMismatch { row, .. }
            | Self::DuplicateField { row, .. }
            | Self::Encode { row, .. } => *row = row.saturating_add(offset),
            Self::InvalidSchema { .. } | Self::Arrow(_) => {}
        }
        self
    }

    /// Sets the row of an error raised below the document level, where the row was unknown.
    pub(crate) fn at_row(mut self, at: usize) -> Self {
        match &mut self {
            Self::InvalidBson { row, .. }
            | Self::NestingTooDeep { row, .. }
            | Self::CapacityExceeded { row, .. } => *row = Some(at),
            Self::TypeMismatch { row, .. }
            | Self::DuplicateField { row, .. }
            | Self::Encode { row, .. } => *row = at,
            Self::InvalidSchema { .. } | Self::Arrow(_) => {}
        }
        self
    }

    /// Prefixes the path with a parent segment as the error travels up the nesting.
    pub(crate) fn under(mut self, parent: &str) -> Self {
        let join = |path: &mut String| {
            *path = if path.is_empty() {
                parent.to_owned()
            } else if path.starts_with('[') {
                format!("{parent}{path}")
            } else {
                format!("{parent}.{path}")
            };
        };
        match &mut self {
            Self::InvalidBson { path, .. }
            | Self::NestingTooDeep { path, .. }
            | Self::TypeMismatch { path, .. }
            | Self::DuplicateField { path, .. }
            | Self::InvalidSchema { path, .. }
            | Self::Encode { path, .. }
            | Self::CapacityExceeded { path, .. } => join(path),
            Self::Arrow(_) => {}
        }
        self
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidBson {
            row: None,
            path: String::new(),
            reason: reason.into(),
        }
    }

    pub(crate) fn schema(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidSchema {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
