//! Records of operator decisions, written in the transaction of the decision itself.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::moderation_decisions;
use crate::ids::{new_id, now};
use crate::validate::Validator;

pub fn record_decision(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
    action: &str,
    reason: &str,
    actor_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(moderation_decisions::table)
        .values((
            moderation_decisions::id.eq(new_id().to_string()),
            moderation_decisions::subject_type.eq(subject_type),
            moderation_decisions::subject_id.eq(subject_id.to_string()),
            moderation_decisions::action.eq(action),
            moderation_decisions::reason.eq(reason),
            moderation_decisions::actor_id.eq(actor_id.to_string()),
            moderation_decisions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every decision needs a reason the owner can read.
pub fn validate_reason(reason: &str) -> Result<String, Vec<crate::FieldError>> {
    let mut v = Validator::new();
    let reason = v.text("reason", reason, 1, 1000);
    v.finish().map(|()| reason)
}
