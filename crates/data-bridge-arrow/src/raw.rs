//! A bounds-checked walker over BSON elements.
//!
//! The `bson` crate's raw iterator builds a `RawBsonRef` per element and validates keys as UTF-8;
//! the decoder only needs (type, key bytes, value bytes), and skips values outside the schema
//! without looking inside them, so a small walker of our own is cheaper. Every length is checked
//! against the enclosing slice: malformed input is an error, never a panic.

use crate::error::CodecError;

pub(crate) const DOUBLE: u8 = 0x01;
pub(crate) const STRING: u8 = 0x02;
pub(crate) const DOCUMENT: u8 = 0x03;
pub(crate) const ARRAY: u8 = 0x04;
pub(crate) const BINARY: u8 = 0x05;
pub(crate) const UNDEFINED: u8 = 0x06;
pub(crate) const OBJECT_ID: u8 = 0x07;
pub(crate) const BOOLEAN: u8 = 0x08;
pub(crate) const DATETIME: u8 = 0x09;
pub(crate) const NULL: u8 = 0x0A;
pub(crate) const REGEX: u8 = 0x0B;
pub(crate) const DB_POINTER: u8 = 0x0C;
pub(crate) const JAVASCRIPT: u8 = 0x0D;
pub(crate) const SYMBOL: u8 = 0x0E;
pub(crate) const JAVASCRIPT_WITH_SCOPE: u8 = 0x0F;
pub(crate) const INT32: u8 = 0x10;
pub(crate) const TIMESTAMP: u8 = 0x11;
pub(crate) const INT64: u8 = 0x12;
pub(crate) const DECIMAL128: u8 = 0x13;
pub(crate) const MIN_KEY: u8 = 0xFF;
pub(crate) const MAX_KEY: u8 = 0x7F;

/// MongoDB's `$type` alias of a BSON element type byte.
pub(crate) fn type_alias(kind: u8) -> &'static str {
    match kind {
        DOUBLE => "double",
        STRING => "string",
        DOCUMENT => "object",
        ARRAY => "array",
        BINARY => "binData",
        UNDEFINED => "undefined",
        OBJECT_ID => "objectId",
        BOOLEAN => "bool",
        DATETIME => "date",
        NULL => "null",
        REGEX => "regex",
        DB_POINTER => "dbPointer",
        JAVASCRIPT => "javaScript",
        SYMBOL => "symbol",
        JAVASCRIPT_WITH_SCOPE => "javaScriptWithScope",
        INT32 => "int",
        TIMESTAMP => "timestamp",
        INT64 => "long",
        DECIMAL128 => "decimal",
        MIN_KEY => "minKey",
        MAX_KEY => "maxKey",
        _ => "unknown",
    }
}

/// One element: its type byte, key (without terminator) and value bytes.
#[derive(Clone, Copy)]
pub(crate) struct Element<'a> {
    pub kind: u8,
    pub key: &'a [u8],
    pub value: &'a [u8],
}

#[inline]
pub(crate) fn read_i32(bytes: &[u8], at: usize) -> Result<i32, CodecError> {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => Ok(i32::from_le_bytes([a, b, c, d])),
        _ => Err(CodecError::invalid("truncated: expected a 4-byte length")),
    }
}

#[inline]
pub(crate) fn fixed<const N: usize>(value: &[u8]) -> Result<[u8; N], CodecError> {
    value
        .get(..N)
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .ok_or_else(|| CodecError::invalid("truncated value"))
}

/// Checks a document's frame (length prefix, terminator) and returns its element bytes.
#[inline]
pub(crate) fn document_body(bytes: &[u8]) -> Result<&[u8], CodecError> {
    if bytes.len() < 5 {
        return Err(CodecError::invalid("document shorter than 5 bytes"));
    }
    let declared = read_i32(bytes, 0)?;
    if usize::try_from(declared).ok() != Some(bytes.len()) {
        return Err(CodecError::invalid(format!(
            "document length prefix {declared} does not match its {} bytes",
            bytes.len()
        )));
    }
    if bytes[bytes.len() - 1] != 0 {
        return Err(CodecError::invalid("document is not NUL-terminated"));
    }
    Ok(&bytes[4..bytes.len() - 1])
}

/// Walks the elements of a document body (the bytes between the length prefix and terminator).
pub(crate) struct Elements<'a> {
    body: &'a [u8],
    pos: usize,
}

impl<'a> Elements<'a> {
    #[inline]
    pub(crate) fn new(body: &'a [u8]) -> Self {
        Self { body, pos: 0 }
    }

    /// Opens a complete document (length prefix included).
    #[inline]
    pub(crate) fn of_document(bytes: &'a [u8]) -> Result<Self, CodecError> {
        document_body(bytes).map(Self::new)
    }

    #[inline]
    pub(crate) fn next_element(&mut self) -> Result<Option<Element<'a>>, CodecError> {
        let body = self.body;
        let Some(&kind) = body.get(self.pos) else {
            return Ok(None);
        };
        let key_start = self.pos + 1;
        let rest = body.get(key_start..).unwrap_or_default();
        // Keys are short: a plain scan beats memchr's setup cost here.
        let key_len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| CodecError::invalid("field name is not NUL-terminated"))?;
        let key = &rest[..key_len];
        let value_start = key_start + key_len + 1;
        let remaining = body.len().saturating_sub(value_start);
        let size = value_size(kind, body, value_start).map_err(|e| e.under_key(key))?;
        if size > remaining {
            return Err(CodecError::invalid(format!(
                "{} value needs {size} bytes, {remaining} left",
                type_alias(kind)
            ))
            .under_key(key));
        }
        let value = &body[value_start..value_start + size];
        self.pos = value_start + size;
        Ok(Some(Element { kind, key, value }))
    }
}

/// Size of the value starting at `at`; checks only what is needed to find its end.
#[inline]
fn value_size(kind: u8, body: &[u8], at: usize) -> Result<usize, CodecError> {
    let length = |extra: usize| -> Result<usize, CodecError> {
        let n = read_i32(body, at)?;
        usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_add(extra))
            .ok_or_else(|| CodecError::invalid(format!("negative length {n}")))
    };
    let cstring = |from: usize| -> Result<usize, CodecError> {
        let rest = body.get(from..).unwrap_or_default();
        memchr::memchr(0, rest)
            .map(|n| n + 1)
            .ok_or_else(|| CodecError::invalid("unterminated C string"))
    };
    Ok(match kind {
        DOUBLE | DATETIME | TIMESTAMP | INT64 => 8,
        INT32 => 4,
        OBJECT_ID => 12,
        DECIMAL128 => 16,
        BOOLEAN => 1,
        NULL | UNDEFINED | MIN_KEY | MAX_KEY => 0,
        STRING | JAVASCRIPT | SYMBOL => {
            let size = length(4)?;
            check_string_frame(body.get(at..).unwrap_or_default(), size)?;
            size
        }
        DOCUMENT | ARRAY => {
            let size = length(0)?;
            if size < 5 {
                return Err(CodecError::invalid(format!(
                    "document length {size} below 5"
                )));
            }
            size
        }
        BINARY => length(5)?,
        REGEX => {
            let pattern = cstring(at)?;
            pattern + cstring(at + pattern)?
        }
        DB_POINTER => {
            let size = length(4)?;
            check_string_frame(body.get(at..).unwrap_or_default(), size)?;
            size + 12
        }
        JAVASCRIPT_WITH_SCOPE => {
            let size = length(0)?;
            if size < 14 {
                return Err(CodecError::invalid(format!(
                    "code with scope length {size} below 14"
                )));
            }
            size
        }
        other => {
            return Err(CodecError::invalid(format!(
                "unknown element type 0x{other:02x}"
            )));
        }
    })
}

/// A string value is `len, bytes, NUL` with `len` counting the NUL.
#[inline]
fn check_string_frame(value: &[u8], size: usize) -> Result<(), CodecError> {
    if size < 5 {
        return Err(CodecError::invalid("string length below 1"));
    }
    match value.get(size - 1) {
        Some(0) => Ok(()),
        Some(_) => Err(CodecError::invalid("string is not NUL-terminated")),
        None => Err(CodecError::invalid(
            "string runs past the end of its document",
        )),
    }
}

/// The UTF-8 payload of a framed string value (length prefix and NUL removed).
#[inline]
pub(crate) fn string_bytes(value: &[u8]) -> &[u8] {
    value
        .get(4..value.len().saturating_sub(1))
        .unwrap_or_default()
}

/// Checks a field name (array keys included: every BSON reader may rely on them being UTF-8).
#[inline]
pub(crate) fn check_key(key: &[u8]) -> Result<(), CodecError> {
    if key.is_ascii() || simdutf8::basic::from_utf8(key).is_ok() {
        Ok(())
    } else {
        Err(CodecError::invalid("invalid UTF-8 in field name"))
    }
}

#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, CodecError> {
    simdutf8::basic::from_utf8(bytes).map_err(|_| CodecError::invalid("invalid UTF-8 in string"))
}

/// A C string value (regex parts): bytes up to the first NUL.
#[inline]
pub(crate) fn split_cstring(value: &[u8]) -> Result<(&[u8], &[u8]), CodecError> {
    let n = memchr::memchr(0, value).ok_or_else(|| CodecError::invalid("unterminated C string"))?;
    Ok((&value[..n], &value[n + 1..]))
}

/// Binary value: (subtype, payload). Subtype 2 (old binary) carries a second length, removed.
#[inline]
pub(crate) fn binary_parts(value: &[u8]) -> Result<(u8, &[u8]), CodecError> {
    let subtype = *value
        .get(4)
        .ok_or_else(|| CodecError::invalid("truncated binary"))?;
    let data = &value[5..];
    if subtype == 2 {
        let inner = read_i32(data, 0)?;
        if usize::try_from(inner).ok() != Some(data.len().saturating_sub(4)) || data.len() < 4 {
            return Err(CodecError::invalid(
                "old binary (subtype 2) inner length mismatch",
            ));
        }
        return Ok((2, &data[4..]));
    }
    Ok((subtype, data))
}

/// Code with scope: (code string bytes, scope document bytes).
pub(crate) fn code_with_scope_parts(value: &[u8]) -> Result<(&[u8], &[u8]), CodecError> {
    let string_len = usize::try_from(read_i32(value, 4)?)
        .map_err(|_| CodecError::invalid("negative string length in code with scope"))?;
    let string_end = 8usize
        .checked_add(string_len)
        .filter(|&end| end <= value.len())
        .ok_or_else(|| CodecError::invalid("code with scope string runs past its value"))?;
    check_string_frame(&value[4..], string_len + 4)?;
    let code = &value[8..string_end - 1];
    let scope = &value[string_end..];
    document_body(scope)?;
    Ok((code, scope))
}

/// Validates a value completely (nested documents, strings, booleans) down to `depth_left`
/// levels; used where raw bytes are kept (the `any` column) and so must be sound.
pub(crate) fn validate_value(kind: u8, value: &[u8], depth_left: usize) -> Result<(), CodecError> {
    match kind {
        STRING | JAVASCRIPT | SYMBOL => utf8(string_bytes(value)).map(drop),
        DB_POINTER => {
            let size = value.len() - 12;
            utf8(string_bytes(&value[..size])).map(drop)
        }
        BOOLEAN => match value.first() {
            Some(0 | 1) => Ok(()),
            _ => Err(CodecError::invalid("boolean byte is neither 0 nor 1")),
        },
        BINARY => binary_parts(value).map(drop),
        REGEX => {
            let (pattern, rest) = split_cstring(value)?;
            let (options, _) = split_cstring(rest)?;
            utf8(pattern)?;
            utf8(options).map(drop)
        }
        DOCUMENT | ARRAY => validate_document(value, depth_left),
        JAVASCRIPT_WITH_SCOPE => {
            let (code, scope) = code_with_scope_parts(value)?;
            utf8(code)?;
            validate_document(scope, depth_left)
        }
        _ => Ok(()),
    }
}

/// Validates every element of a document, recursively, within the nesting limit.
pub(crate) fn validate_document(bytes: &[u8], depth_left: usize) -> Result<(), CodecError> {
    if depth_left == 0 {
        return Err(CodecError::NestingTooDeep {
            row: None,
            path: String::new(),
            limit: crate::MAX_NESTING_DEPTH,
        });
    }
    let mut elements = Elements::of_document(bytes)?;
    while let Some(element) = elements.next_element()? {
        check_key(element.key).map_err(|e| e.under_key(element.key))?;
        validate_value(element.kind, element.value, depth_left - 1)
            .map_err(|e| e.under_key(element.key))?;
    }
    Ok(())
}

impl CodecError {
    /// `under` for a raw key (lossy for non-UTF-8 keys, which only matter in messages).
    pub(crate) fn under_key(self, key: &[u8]) -> Self {
        self.under(&String::from_utf8_lossy(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &[u8]) -> Vec<u8> {
        let mut bytes = ((body.len() + 5) as i32).to_le_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes.push(0);
        bytes
    }

    /// (type, key, value) of each element.
    type Owned = (u8, Vec<u8>, Vec<u8>);

    fn walk(bytes: &[u8]) -> Result<Vec<Owned>, CodecError> {
        let mut elements = Elements::of_document(bytes)?;
        let mut out = Vec::new();
        while let Some(e) = elements.next_element()? {
            out.push((e.kind, e.key.to_vec(), e.value.to_vec()));
        }
        Ok(out)
    }

    #[test]
    fn walks_fixed_and_variable_sized_values() {
        let mut body = vec![
            INT32, b'a', 0, 1, 0, 0, 0, STRING, b'b', 0, 3, 0, 0, 0, b'h', b'i', 0,
        ];
        body.extend_from_slice(&[REGEX, b'r', 0, b'x', 0, b'i', 0, MIN_KEY, b'm', 0]);
        let elements = walk(&doc(&body)).unwrap();
        assert_eq!(elements.len(), 4);
        assert_eq!(string_bytes(&elements[1].2), b"hi");
        assert_eq!(elements[2].2, b"x\0i\0");
        assert!(elements[3].2.is_empty());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let body = [
            STRING, b'b', 0, 3, 0, 0, 0, b'h', b'i', 0, DOUBLE, b'd', 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let full = doc(&body);
        for cut in 0..body.len() {
            // A well-framed document whose last element is cut short, unless the cut falls
            // between elements (0 or 10 bytes in).
            let whole_elements = cut == 0 || cut == 10;
            assert_eq!(
                walk(&doc(&body[..cut])).is_ok(),
                whole_elements,
                "cut {cut}"
            );
        }
        assert!(walk(&full[..full.len() - 1]).is_err());
    }

    #[test]
    fn string_frames_are_checked() {
        // Length 0 (no room for the NUL), a missing NUL, a length past the end.
        for value in [[0u8, 0, 0, 0, 0], [2, 0, 0, 0, b'x'], [9, 0, 0, 0, 0]] {
            let mut body = vec![STRING, b's', 0];
            body.extend_from_slice(&value);
            assert!(walk(&doc(&body)).is_err(), "{value:?}");
        }
    }

    #[test]
    fn old_binary_loses_its_inner_length_and_checks_it() {
        let value = [6, 0, 0, 0, 2, 2, 0, 0, 0, 7, 7];
        assert_eq!(binary_parts(&value).unwrap(), (2, &[7u8, 7][..]));
        let bad = [6, 0, 0, 0, 2, 9, 0, 0, 0, 7, 7];
        assert!(binary_parts(&bad).is_err());
    }

    #[test]
    fn unknown_types_and_bad_keys_are_errors() {
        assert!(walk(&doc(&[0x42, b'k', 0])).is_err());
        assert!(walk(&doc(&[INT32, b'k'])).is_err());
        assert!(check_key(b"caf\xc3\xa9").is_ok());
        assert!(check_key(b"\xff").is_err());
    }
}
