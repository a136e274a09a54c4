//! Records of operator decisions, written in the transaction of the decision itself.

use diesel::prelude::*;
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::moderation_decisions;
use crate::ids::new_id;
use crate::validate::Validator;

/// Records an operator decision that has no state to show and appends it to the audit log
/// (`before` and `after` are empty objects, as the audit entry's schema says).
pub fn record_decision(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
    action: &str,
    reason: &str,
    actor_id: Uuid,
) -> QueryResult<()> {
    record_transition(
        conn,
        subject_type,
        subject_id,
        action,
        reason,
        actor_id,
        serde_json::json!({}),
        serde_json::json!({}),
    )
}

/// Records an operator decision that moved a state, with the state before and after.
#[allow(clippy::too_many_arguments)]
pub fn record_transition(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: Uuid,
    action: &str,
    reason: &str,
    actor_id: Uuid,
    before: serde_json::Value,
    after: serde_json::Value,
) -> QueryResult<()> {
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: Some(actor_id),
            action,
            subject_type,
            subject_id: &subject_id.to_string(),
            before,
            after,
            reason,
        },
    )?;
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
    let reason = v.multiline("reason", reason, 1, 1000);
    v.finish().map(|()| reason)
}
