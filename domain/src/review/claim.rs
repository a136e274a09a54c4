//! Claims: an operator takes an item for a while so two operators do not review the same one.
//! A claim ends by itself after the configured time; another operator's live claim is a 409.
//! The claim is taken with one conditional UPDATE, so two operators cannot both win it.

use diesel::prelude::*;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use super::ReviewError;
use super::model::{ItemStatus, ReviewItem};
use super::queue::load_item;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::review_items;
use crate::db::{self, DbConnection};

/// Why an item cannot be had: decided, or held by someone else.
fn refusal(item: &ReviewItem, actor: &Actor) -> Option<ReviewError> {
    if item.status == ItemStatus::Closed {
        return Some(ReviewError::Closed);
    }
    match item.live_claim(now()) {
        Some((by, _)) if by != actor.user_id => Some(ReviewError::ClaimedByOther),
        _ => None,
    }
}

/// Claims the item for `ttl` (again: extends one's own claim).
pub fn claim(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    ttl: Duration,
) -> Result<ReviewItem, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    db::transaction(conn, |conn| {
        let at = now();
        let me = actor.user_id.to_string();
        let taken = diesel::update(
            review_items::table
                .find(id.to_string())
                .filter(review_items::status.eq(ItemStatus::Open.as_str()))
                .filter(
                    review_items::claimed_by
                        .is_null()
                        .or(review_items::claimed_by.eq(&me))
                        .or(review_items::claimed_until.le(at))
                        .or(review_items::claimed_until.is_null()),
                ),
        )
        .set((
            review_items::claimed_by.eq(&me),
            review_items::claimed_until.eq(at + ttl),
        ))
        .execute(conn)?;
        let item = ReviewItem::from(load_item(conn, id)?.ok_or(ReviewError::NotFound)?);
        if taken == 0 {
            return Err(refusal(&item, actor).unwrap_or(ReviewError::ClaimedByOther));
        }
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "claim",
                subject_type: "review_item",
                subject_id: &item.id.to_string(),
                before: json!(null),
                after: json!({"claimed_until": crate::ids::rfc3339(at + ttl)}),
                reason: "claimed for review",
            },
        )?;
        Ok(item)
    })
}

/// Gives one's claim back. Releasing an item nobody holds changes nothing; another operator's
/// live claim is theirs to release (409).
pub fn release(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ReviewItem, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    db::transaction(conn, |conn| {
        let item = ReviewItem::from(load_item(conn, id)?.ok_or(ReviewError::NotFound)?);
        if let Some(e) = refusal(&item, actor) {
            return Err(e);
        }
        if item.live_claim(now()).is_none() {
            return Ok(item);
        }
        diesel::update(
            review_items::table
                .find(id.to_string())
                .filter(review_items::claimed_by.eq(actor.user_id.to_string())),
        )
        .set((
            review_items::claimed_by.eq(None::<String>),
            review_items::claimed_until.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "release",
                subject_type: "review_item",
                subject_id: &item.id.to_string(),
                before: json!({"claimed_by": actor.user_id}),
                after: json!(null),
                reason: "claim released",
            },
        )?;
        Ok(ReviewItem::from(
            load_item(conn, id)?.ok_or(ReviewError::NotFound)?,
        ))
    })
}
