//! The hash of an entry and the check of the whole chain.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::service::EntryRow;
use crate::db::DbConnection;
use crate::db::schema::audit_log;

/// The hash the first entry chains to.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and every field, each length-prefixed so no two different
/// entries can produce the same input.
pub(crate) fn hash_of(row: &EntryRow) -> String {
    let mut h = Sha256::new();
    let at = crate::ids::rfc3339(row.at);
    let seq = row.seq.to_string();
    for part in [
        row.prev_hash.as_str(),
        seq.as_str(),
        at.as_str(),
        row.actor_id.as_deref().unwrap_or(""),
        row.action.as_str(),
        row.subject_type.as_str(),
        row.subject_id.as_str(),
        row.before.as_str(),
        row.after.as_str(),
        row.reason.as_str(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first entry that does not check out (or the first missing sequence number).
    pub seq: i64,
    pub problem: &'static str,
}

/// Walks the whole log in order; `Ok(n)` with the number of entries when every link holds.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Result<i64, Broken>> {
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_owned();
    loop {
        let batch: Vec<EntryRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(1000)
            .select(EntryRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            return Ok(Ok(expected_seq - 1));
        }
        for row in batch {
            if row.seq != expected_seq {
                return Ok(Err(Broken {
                    seq: expected_seq,
                    problem: "entry missing",
                }));
            }
            if row.prev_hash != prev {
                return Ok(Err(Broken {
                    seq: row.seq,
                    problem: "does not chain to the previous entry",
                }));
            }
            if hash_of(&row) != row.hash {
                return Ok(Err(Broken {
                    seq: row.seq,
                    problem: "content does not match its hash",
                }));
            }
            prev = row.hash;
            expected_seq += 1;
        }
    }
}
