use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::RatingError;
use super::model::{Rating, RatingStatus};
use super::service::{load_row, to_rating};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::ratings;
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::moderation::{record_transition, validate_reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingDecision {
    /// A held rating is published (and counted).
    Approve,
    /// A held or published rating is taken down, with a reason the rater sees.
    Reject,
}

/// An operator decides on a rating; audited, and the company's credit profile follows.
pub fn moderate_rating(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    decision: RatingDecision,
    reason: Option<&str>,
) -> Result<Rating, RatingError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(RatingError::Forbidden);
    }
    // Blank as the validator trims (invisible characters too) is "none"; otherwise the reason
    // is checked as sent, so its length counts what was sent (as `maxLength` does).
    let reason = match (
        decision,
        reason.filter(|r| !crate::text::trim_text(r).is_empty()),
    ) {
        (RatingDecision::Approve, None) => "approved".to_owned(),
        (_, r) => validate_reason(r.unwrap_or("")).map_err(RatingError::Validation)?,
    };
    db::transaction(conn, |conn| {
        let row = load_row(conn, id)?.ok_or(RatingError::NotFound)?;
        let current = RatingStatus::parse(&row.status).unwrap_or(RatingStatus::Held);
        let (action, next) = match (decision, current) {
            (RatingDecision::Approve, RatingStatus::Held) => ("approve", RatingStatus::Published),
            (RatingDecision::Reject, RatingStatus::Held | RatingStatus::Published) => {
                ("reject", RatingStatus::Rejected)
            }
            (d, status) => {
                return Err(RatingError::InvalidTransition {
                    action: if d == RatingDecision::Approve {
                        "approve"
                    } else {
                        "reject"
                    },
                    status: status.as_str(),
                });
            }
        };
        diesel::update(ratings::table.find(&row.id))
            .set((
                ratings::status.eq(next.as_str()),
                ratings::moderation_note.eq(&reason),
                ratings::moderated_by.eq(actor.user_id.to_string()),
                ratings::moderated_at.eq(now()),
            ))
            .execute(conn)?;
        record_transition(
            conn,
            "rating",
            id,
            action,
            &reason,
            actor.user_id,
            json!({"status": current.as_str()}),
            json!({"status": next.as_str()}),
        )?;
        crate::credit::recompute_in_tx(conn, parse_db_id(&row.company_id))?;
        let row = load_row(conn, id)?.ok_or(RatingError::NotFound)?;
        Ok(to_rating(conn, row)?)
    })
}
