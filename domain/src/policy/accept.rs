//! Which versions an account accepted, and when.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

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
