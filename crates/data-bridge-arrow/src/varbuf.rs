//! The offsets + bytes buffer behind every variable-length column.

use arrow_array::{BinaryArray, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};

use crate::error::CodecError;

/// Offsets + bytes of a variable-length column (Arrow's 32-bit layout).
pub(crate) struct VarBuf {
    offsets: Vec<i32>,
    data: Vec<u8>,
}

impl VarBuf {
    pub(crate) fn new(rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        // A guess that spares most regrowth copies for short strings (names, emails, codes).
        Self {
            offsets,
            data: Vec::with_capacity(rows * 16),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), CodecError> {
        self.data.extend_from_slice(bytes);
        self.close()
    }

    #[inline]
    pub(crate) fn close(&mut self) -> Result<(), CodecError> {
        let end = i32::try_from(self.data.len()).map_err(|_| CodecError::CapacityExceeded {
            row: None,
            path: String::new(),
        })?;
        self.offsets.push(end);
        Ok(())
    }

    #[inline]
    pub(crate) fn push_empty(&mut self) {
        let last = self.offsets.last().copied().unwrap_or(0);
        self.offsets.push(last);
    }

    fn parts(self) -> (OffsetBuffer<i32>, Buffer) {
        (
            OffsetBuffer::new(ScalarBuffer::from(self.offsets)),
            Buffer::from_vec(self.data),
        )
    }

    pub(crate) fn strings(self, nulls: Option<NullBuffer>) -> Result<StringArray, CodecError> {
        let (offsets, data) = self.parts();
        Ok(StringArray::try_new(offsets, data, nulls)?)
    }

    pub(crate) fn binaries(self, nulls: Option<NullBuffer>) -> Result<BinaryArray, CodecError> {
        let (offsets, data) = self.parts();
        Ok(BinaryArray::try_new(offsets, data, nulls)?)
    }

    /// Writes `{"v": value}` as one BSON document into the column.
    pub(crate) fn push_any(&mut self, kind: u8, value: &[u8]) -> Result<(), CodecError> {
        let total = 4 + 1 + 2 + value.len() + 1;
        let declared = i32::try_from(total).map_err(|_| CodecError::CapacityExceeded {
            row: None,
            path: String::new(),
        })?;
        self.data.extend_from_slice(&declared.to_le_bytes());
        self.data.push(kind);
        self.data.extend_from_slice(b"v\0");
        self.data.extend_from_slice(value);
        self.data.push(0);
        self.close()
    }
}
