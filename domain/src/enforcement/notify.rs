//! Telling whoever answers for an item or company: the company's owners and admins, or the
//! individual owner.

use diesel::prelude::*;
use uuid::Uuid;

use super::owner::ItemOwner;
use crate::db::DbConnection;
use crate::db::schema::company_members;
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};

pub(crate) fn recipients(conn: &mut DbConnection, owner: &ItemOwner) -> QueryResult<Vec<Uuid>> {
    if let Some(company) = owner.company_id {
        let ids: Vec<String> = company_members::table
            .filter(company_members::company_id.eq(company.to_string()))
            .filter(company_members::role.eq_any(["owner", "admin"]))
            .select(company_members::user_id)
            .load(conn)?;
        return Ok(ids.iter().map(|id| parse_db_id(id)).collect());
    }
    Ok(owner.owner_id.into_iter().collect())
}

/// One notification to each recipient, in the caller's transaction.
pub(crate) fn tell_owner(
    conn: &mut DbConnection,
    owner: &ItemOwner,
    kind: NotificationKind,
    subject_type: &'static str,
    subject_id: Uuid,
    payload: serde_json::Value,
) -> QueryResult<()> {
    for user_id in recipients(conn, owner)? {
        notify(
            conn,
            NewNotification {
                user_id,
                kind,
                subject_type,
                subject_id,
                payload: payload.clone(),
            },
        )?;
    }
    Ok(())
}
