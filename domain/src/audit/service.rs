use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::chain::{GENESIS, hash_of};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::audit_log;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub(crate) struct EntryRow {
    pub seq: i64,
    pub at: PrimitiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What one entry records.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// `None` for the system (e.g. a rule or a schedule), never for an operator's action.
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub reason: &'a str,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: PrimitiveDateTime,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub reason: String,
    pub hash: String,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id.as_deref().map(crate::ids::parse_db_id),
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            before: serde_json::from_str(&r.before).unwrap_or_default(),
            after: serde_json::from_str(&r.after).unwrap_or_default(),
            reason: r.reason,
            hash: r.hash,
        }
    }
}

/// Appends one entry; call it inside the transaction of the change. Appends are serialized (an
/// advisory lock on PostgreSQL; SQLite's write transactions already are), so the chain never
/// forks and sequence numbers have no gaps.
pub fn append(conn: &mut DbConnection, change: Change<'_>) -> QueryResult<i64> {
    if let DbConnection::Pg(_) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(5551212)").execute(conn)?;
    }
    let last: Option<(i64, String)> = audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut row = EntryRow {
        seq,
        at: now(),
        actor_id: change.actor_id.map(|a| a.to_string()),
        action: change.action.to_owned(),
        subject_type: change.subject_type.to_owned(),
        subject_id: change.subject_id.to_owned(),
        before: change.before.to_string(),
        after: change.after.to_string(),
        reason: change.reason.to_owned(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = hash_of(&row);
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(seq)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<PrimitiveDateTime>,
    pub to: Option<PrimitiveDateTime>,
    /// Entries with a smaller sequence number (the previous page's last `seq`).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Entries matching the filter, newest first.
pub fn list(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table
        .order(audit_log::seq.desc())
        .limit(f.limit)
        .select(EntryRow::as_select())
        .into_boxed();
    if let Some(actor) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(actor.to_string()));
    }
    if let Some(t) = &f.subject_type {
        q = q.filter(audit_log::subject_type.eq(t.clone()));
    }
    if let Some(id) = &f.subject_id {
        q = q.filter(audit_log::subject_id.eq(id.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_log::at.lt(to));
    }
    if let Some(before) = f.before_seq {
        q = q.filter(audit_log::seq.lt(before));
    }
    Ok(q.load(conn)?.into_iter().map(AuditEntry::from).collect())
}
