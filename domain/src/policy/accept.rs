//! Which versions an account accepted, and when.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::error::PolicyError;
use super::model::{PolicyDocument, PolicyKind};
use super::publish::current;
use crate::db::DbConnection;
use crate::db::schema::{policy_acceptances, policy_documents};
use crate::ids::new_id;

/// The current versions a new account must accept (none before an operator publishes them).
pub fn required_for_registration(conn: &mut DbConnection) -> QueryResult<Vec<PolicyDocument>> {
    let mut out = Vec::new();
    for kind in PolicyKind::ALL
        .iter()
        .filter(|k| k.accepted_at_registration())
    {
        if let Some(d) = current(conn, *kind)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// Records that `user_id` accepted `documents` now; call it in the transaction that creates
/// the account.
pub fn record_acceptance(
    conn: &mut DbConnection,
    user_id: Uuid,
    documents: &[PolicyDocument],
) -> QueryResult<()> {
    let at = crate::clock::now();
    for d in documents {
        diesel::insert_into(policy_acceptances::table)
            .values((
                policy_acceptances::id.eq(new_id().to_string()),
                policy_acceptances::user_id.eq(user_id.to_string()),
                policy_acceptances::document_id.eq(d.id.to_string()),
                policy_acceptances::accepted_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What `user_id` accepted: (kind, version, when), oldest first.
pub fn acceptances_of(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> QueryResult<Vec<(PolicyKind, i32, PrimitiveDateTime)>> {
    let rows: Vec<(String, i32, PrimitiveDateTime)> = policy_acceptances::table
        .inner_join(policy_documents::table)
        .filter(policy_acceptances::user_id.eq(user_id.to_string()))
        .order(policy_acceptances::accepted_at.asc())
        .select((
            policy_documents::kind,
            policy_documents::version,
            policy_acceptances::accepted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, v, at)| Some((PolicyKind::parse(&k)?, v, at)))
        .collect())
}

/// The current versions of the terms and the privacy notice `user_id` has not accepted: those
/// an operator published after the account registered (or before it, when the account is older
/// than any published version). The site asks the account to accept them.
pub fn pending_for(conn: &mut DbConnection, user_id: Uuid) -> QueryResult<Vec<PolicyDocument>> {
    let current = required_for_registration(conn)?;
    if current.is_empty() {
        return Ok(current);
    }
    let accepted: Vec<String> = policy_acceptances::table
        .filter(policy_acceptances::user_id.eq(user_id.to_string()))
        .select(policy_acceptances::document_id)
        .load(conn)?;
    Ok(current
        .into_iter()
        .filter(|d| !accepted.contains(&d.id.to_string()))
        .collect())
}

/// Records that `user_id` accepted version `version` of `kind`, which must be the current one
/// (a page left open while a newer version was published is `Outdated`: what was read is not
/// what is in force). Accepting a version twice records it once.
pub fn accept_current(
    conn: &mut DbConnection,
    user_id: Uuid,
    kind: PolicyKind,
    version: i32,
) -> Result<PolicyDocument, PolicyError> {
    if !kind.accepted_at_registration() {
        // Trading and safety rules bind by being published; nobody accepts them one by one.
        return Err(PolicyError::NotFound);
    }
    crate::db::transaction(conn, |conn| {
        let Some(document) = current(conn, kind)? else {
            return Err(PolicyError::NotFound);
        };
        if document.version != version {
            return Err(if version > document.version {
                PolicyError::NotFound
            } else {
                PolicyError::Outdated
            });
        }
        let already: i64 = policy_acceptances::table
            .filter(policy_acceptances::user_id.eq(user_id.to_string()))
            .filter(policy_acceptances::document_id.eq(document.id.to_string()))
            .count()
            .get_result(conn)?;
        if already == 0 {
            record_acceptance(conn, user_id, std::slice::from_ref(&document))?;
        }
        Ok(document)
    })
}
