//! Ids and timestamps as export text (the current time is `clock::now`; page cursors are in
//! `paging`).
//!
//! Ids are UUIDv7 stored as lowercase text: time-ordered (so "order by id" is creation order and
//! a page cursor is just the last id) and not enumerable.

use time::PrimitiveDateTime;
use uuid::Uuid;

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A stored time as RFC 3339 UTC text (`2026-11-22T08:30:00Z`), for exports.
pub fn rfc3339(t: PrimitiveDateTime) -> String {
    t.assume_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Parses an id read from the database; ids are only ever written by `new_id`.
pub fn parse_db_id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_else(|_| {
        tracing::error!(id = text, "malformed id in database");
        Uuid::nil()
    })
}
