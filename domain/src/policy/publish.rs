//! Publishing a version and reading them.

use diesel::prelude::*;
use serde_json::json;

use super::error::PolicyError;
use super::model::{PolicyDocument, PolicyInput, PolicyKind, PolicyRow};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::policy_documents;
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::validate::Validator;

pub const MAX_BODY_CHARS: usize = 100_000;

/// Publishes the next version of `kind` (audited). Versions count from 1 per kind.
pub fn publish(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: PolicyKind,
    input: PolicyInput,
) -> Result<PolicyDocument, PolicyError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(PolicyError::Forbidden);
    }
    let mut v = Validator::new();
    let title_zh = v.text("title_zh", &input.title_zh, 1, 100);
    let title_en = v.text("title_en", &input.title_en, 1, 100);
    let body_zh = v.multiline("body_zh", &input.body_zh, 1, MAX_BODY_CHARS);
    let body_en = v.multiline("body_en", &input.body_en, 1, MAX_BODY_CHARS);
    let change_note = v.multiline("change_note", &input.change_note, 0, 1000);
    v.finish().map_err(PolicyError::Validation)?;
    db::transaction(conn, |conn| {
        // The write lock of the transaction (BEGIN IMMEDIATE on SQLite) and the unique
        // (kind, version) key keep two publications from taking one number.
        let last: Option<i32> = policy_documents::table
            .filter(policy_documents::kind.eq(kind.as_str()))
            .select(diesel::dsl::max(policy_documents::version))
            .first(conn)?;
        let row = PolicyRow {
            id: new_id().to_string(),
            kind: kind.as_str().to_owned(),
            version: last.unwrap_or(0) + 1,
            title_zh,
            title_en,
            body_zh,
            body_en,
            change_note,
            published_by: actor.user_id.to_string(),
            published_at: now(),
        };
        diesel::insert_into(policy_documents::table)
            .values(&row)
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "policy.publish",
                subject_type: "policy",
                subject_id: &row.id,
                before: serde_json::Value::Null,
                after: json!({
                    "kind": row.kind,
                    "version": row.version,
                    "title_zh": row.title_zh,
                    "title_en": row.title_en,
                    "change_note": row.change_note,
                }),
                reason: "",
            },
        )?;
        Ok(PolicyDocument::from(row))
    })
}

/// The newest version of `kind`, if any was published.
pub fn current(conn: &mut DbConnection, kind: PolicyKind) -> QueryResult<Option<PolicyDocument>> {
    let row: Option<PolicyRow> = policy_documents::table
        .filter(policy_documents::kind.eq(kind.as_str()))
        .order(policy_documents::version.desc())
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(PolicyDocument::from))
}

/// The newest version of every kind that has one, in the order of `PolicyKind::ALL`.
pub fn current_all(conn: &mut DbConnection) -> QueryResult<Vec<PolicyDocument>> {
    let mut out = Vec::new();
    for kind in PolicyKind::ALL {
        if let Some(d) = current(conn, *kind)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// One version of `kind`.
pub fn version(
    conn: &mut DbConnection,
    kind: PolicyKind,
    number: i32,
) -> Result<PolicyDocument, PolicyError> {
    policy_documents::table
        .filter(policy_documents::kind.eq(kind.as_str()))
        .filter(policy_documents::version.eq(number))
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .map(PolicyDocument::from)
        .ok_or(PolicyError::NotFound)
}

/// Every version of `kind`, newest first.
pub fn versions(conn: &mut DbConnection, kind: PolicyKind) -> QueryResult<Vec<PolicyDocument>> {
    let rows: Vec<PolicyRow> = policy_documents::table
        .filter(policy_documents::kind.eq(kind.as_str()))
        .order(policy_documents::version.desc())
        .select(PolicyRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(PolicyDocument::from).collect())
}
