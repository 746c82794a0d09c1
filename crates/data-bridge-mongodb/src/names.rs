//! Database and collection names checked before they reach the server.
//!
//! An allowlist rather than the server's denylist: names that need quoting in shells, URLs or
//! file systems are refused here with a message, instead of failing later in surprising ways.

use crate::error::{EngineError, Result};

/// Longest database name the server accepts (bytes).
pub const MAX_DATABASE_NAME_BYTES: usize = 63;
/// Longest collection name we accept (bytes); the server limits the whole namespace to 255.
pub const MAX_COLLECTION_NAME_BYTES: usize = 255;
/// Longest `database.collection` namespace the server accepts (bytes).
pub const MAX_NAMESPACE_BYTES: usize = 255;

/// Databases the server reserves for itself.
const SYSTEM_DATABASES: [&str; 3] = ["admin", "local", "config"];

fn describe(c: char) -> String {
    match c {
        '\0' => "a NUL byte".to_owned(),
        '$' => "'$'".to_owned(),
        c if c.is_whitespace() || c.is_control() => format!("the character {c:?}"),
        c => format!("'{c}'"),
    }
}

fn check_chars(kind: &str, name: &str, allowed: impl Fn(char) -> bool) -> Result<()> {
    if name.is_empty() {
        return Err(EngineError::invalid(format!(
            "{kind} name must not be empty"
        )));
    }
    if let Some(c) = name.chars().find(|c| !allowed(*c)) {
        return Err(EngineError::invalid(format!(
            "invalid {kind} name {name:?}: contains {} (allowed: letters, digits, '_', '-'{})",
            describe(c),
            if kind == "collection" { ", '.'" } else { "" }
        )));
    }
    Ok(())
}

/// Checks a database name; `admin`, `local` and `config` need `allow_system`.
pub fn validate_database_name(name: &str, allow_system: bool) -> Result<()> {
    check_chars("database", name, |c| {
        c.is_alphanumeric() || c == '_' || c == '-'
    })?;
    if name.len() > MAX_DATABASE_NAME_BYTES {
        return Err(EngineError::invalid(format!(
            "database name is {} bytes long; the limit is {MAX_DATABASE_NAME_BYTES}",
            name.len()
        )));
    }
    if !allow_system && SYSTEM_DATABASES.contains(&name) {
        return Err(EngineError::invalid(format!(
            "{name:?} is a system database: pass allow_system=True to use it"
        )));
    }
    Ok(())
}

/// Checks a collection name; `system.*` needs `allow_system`.
pub fn validate_collection_name(name: &str, allow_system: bool) -> Result<()> {
    check_chars("collection", name, |c| {
        c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
    })?;
    if name.len() > MAX_COLLECTION_NAME_BYTES {
        return Err(EngineError::invalid(format!(
            "collection name is {} bytes long; the limit is {MAX_COLLECTION_NAME_BYTES}",
            name.len()
        )));
    }
    if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(EngineError::invalid(format!(
            "invalid collection name {name:?}: empty segment between dots"
        )));
    }
    if !allow_system && name.starts_with("system.") {
        return Err(EngineError::invalid(format!(
            "{name:?} is a system collection: pass allow_system=True to use it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        assert!(validate_database_name("shop_2024-eu", false).is_ok());
        assert!(validate_collection_name("orders.archive", false).is_ok());
        assert!(validate_collection_name("système", false).is_ok());
    }

    #[test]
    fn refuses_bad_names() {
        for bad in ["", "a$b", "a\0b", "a.b", "a b", "a/b"] {
            assert!(validate_database_name(bad, false).is_err(), "{bad:?}");
        }
        for bad in ["", "$cmd", "a\0b", ".a", "a.", "a..b", "a b"] {
            assert!(validate_collection_name(bad, false).is_err(), "{bad:?}");
        }
        assert!(validate_collection_name(&"x".repeat(256), false).is_err());
        assert!(validate_database_name(&"x".repeat(64), false).is_err());
    }

    #[test]
    fn system_names_need_opt_in() {
        assert!(validate_collection_name("system.views", false).is_err());
        assert!(validate_collection_name("system.views", true).is_ok());
        assert!(validate_database_name("admin", false).is_err());
        assert!(validate_database_name("admin", true).is_ok());
    }

    #[test]
    fn message_names_the_character() {
        let err = validate_collection_name("a$b", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'$'"), "{err}");
    }
}
