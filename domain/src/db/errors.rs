//! Recognising constraint violations the same way on both backends.
//!
//! PostgreSQL reports the constraint name; SQLite reports `UNIQUE constraint failed: table.column`.
//! Constraints are named `<table>_<column>_key` in the PostgreSQL migrations so one check serves both.

use diesel::result::{DatabaseErrorKind, Error};

pub fn is_unique_violation(err: &Error) -> bool {
    matches!(
        err,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// True when `err` is a unique violation on `table.column`.
pub fn unique_violation_on(err: &Error, table: &str, column: &str) -> bool {
    let Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = err else {
        return false;
    };
    if info
        .constraint_name()
        .is_some_and(|name| name == format!("{table}_{column}_key"))
    {
        return true;
    }
    info.message().contains(&format!("{table}.{column}"))
}
