//! Hiding and unhiding a product or listing.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::EnforcementError;
use super::holds::{add_hold, is_held, release_hold};
use super::model::{
    ActionKind, ActionRow, ActionSource, ActionSubject, EnforcementAction, Reversal, mark_reversed,
};
use super::notify::tell_owner;
use super::owner::{item_owner, lock_item};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::enforcement_actions;
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::moderation::{record_transition, validate_reason};
use crate::notification::NotificationKind;

fn item_subject(subject_type: &str) -> Result<ActionSubject, EnforcementError> {
    match ActionSubject::parse(subject_type) {
        Some(s @ (ActionSubject::Product | ActionSubject::Listing)) => Ok(s),
        _ => Err(EnforcementError::ItemNotFound),
    }
}

/// Active operator hides of one item.
fn active_hides(
    conn: &mut DbConnection,
    subject: ActionSubject,
    id: Uuid,
) -> QueryResult<Vec<ActionRow>> {
    enforcement_actions::table
        .filter(enforcement_actions::kind.eq(ActionKind::Hide.as_str()))
        .filter(enforcement_actions::subject_type.eq(subject.as_str()))
        .filter(enforcement_actions::subject_id.eq(id.to_string()))
        .filter(enforcement_actions::reversed_at.is_null())
        .select(ActionRow::as_select())
        .load(conn)
}

/// An operator hides a product or listing (`subject_type` `product` or `listing`): it leaves
/// every public endpoint, and search with the outbox event written here.
pub fn hide_item(
    conn: &mut DbConnection,
    actor: &Actor,
    subject_type: &str,
    id: Uuid,
    reason: &str,
) -> Result<EnforcementAction, EnforcementError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EnforcementError::Forbidden);
    }
    let subject = item_subject(subject_type)?;
    let reason = validate_reason(reason).map_err(EnforcementError::Validation)?;
    db::transaction(conn, |conn| {
        hide_in_tx(
            conn,
            actor,
            subject,
            id,
            &reason,
            ActionSource::Operator,
            None,
        )
    })
}

/// `hide_item` inside the caller's transaction (resolving a report as upheld hides the item
/// in the report's transaction).
pub(crate) fn hide_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    subject: ActionSubject,
    id: Uuid,
    reason: &str,
    source: ActionSource,
    report_id: Option<Uuid>,
) -> Result<EnforcementAction, EnforcementError> {
    lock_item(conn, subject.as_str(), id)?;
    let owner = item_owner(conn, subject.as_str(), id)?.ok_or(EnforcementError::ItemNotFound)?;
    if !active_hides(conn, subject, id)?.is_empty() {
        return Err(EnforcementError::AlreadyHidden);
    }
    let was_hidden = is_held(conn, subject.as_str(), id)?;
    let row = ActionRow {
        id: new_id().to_string(),
        kind: ActionKind::Hide.as_str().to_owned(),
        subject_type: subject.as_str().to_owned(),
        subject_id: id.to_string(),
        company_id: owner.company_id.map(|c| c.to_string()),
        owner_id: owner.owner_id.map(|o| o.to_string()),
        reason: reason.to_owned(),
        source: source.as_str().to_owned(),
        report_id: report_id.map(|r| r.to_string()),
        actor_id: actor.user_id.to_string(),
        created_at: now(),
        reversed_at: None,
        reversed_by: None,
        reversal: None,
        reversal_reason: None,
    };
    diesel::insert_into(enforcement_actions::table)
        .values(&row)
        .execute(conn)?;
    let action = EnforcementAction::from(row);
    add_hold(conn, subject.as_str(), id, "enforcement", action.id)?;
    record_transition(
        conn,
        subject.as_str(),
        id,
        "hide",
        reason,
        actor.user_id,
        json!({"hidden": was_hidden}),
        json!({"hidden": true, "enforcement_action_id": action.id, "source": source.as_str(),
               "report_id": report_id}),
    )?;
    tell_owner(
        conn,
        &owner,
        NotificationKind::EnforcementAction,
        "enforcement",
        action.id,
        json!({"action": "hide", "subject_type": subject.as_str(), "subject_id": id,
               "reason": reason}),
    )?;
    Ok(action)
}

/// What unhiding did.
#[derive(Debug, Clone)]
pub struct Unhidden {
    /// The operator hides that were lifted.
    pub reversed: Vec<EnforcementAction>,
    /// Whether the item is still hidden by another cause (an accepted takedown notice).
    pub hidden: bool,
}

/// An operator lifts every operator hide of the item. A takedown keeps it hidden until the
/// takedown itself ends (restored after a counter-notice, or reversed on appeal).
pub fn unhide_item(
    conn: &mut DbConnection,
    actor: &Actor,
    subject_type: &str,
    id: Uuid,
    reason: &str,
) -> Result<Unhidden, EnforcementError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EnforcementError::Forbidden);
    }
    let subject = item_subject(subject_type)?;
    let reason = validate_reason(reason).map_err(EnforcementError::Validation)?;
    db::transaction(conn, |conn| {
        lock_item(conn, subject.as_str(), id)?;
        let owner =
            item_owner(conn, subject.as_str(), id)?.ok_or(EnforcementError::ItemNotFound)?;
        let rows = active_hides(conn, subject, id)?;
        if rows.is_empty() {
            return Err(EnforcementError::NotHidden);
        }
        let mut reversed = Vec::new();
        for mut row in rows {
            mark_reversed(conn, &mut row, actor.user_id, Reversal::Unhide, &reason)?;
            let action = EnforcementAction::from(row);
            release_hold(conn, "enforcement", action.id)?;
            reversed.push(action);
        }
        let hidden = is_held(conn, subject.as_str(), id)?;
        record_transition(
            conn,
            subject.as_str(),
            id,
            "unhide",
            &reason,
            actor.user_id,
            json!({"hidden": true}),
            json!({"hidden": hidden,
                   "reversed": reversed.iter().map(|a| a.id).collect::<Vec<_>>()}),
        )?;
        tell_owner(
            conn,
            &owner,
            NotificationKind::EnforcementAction,
            "enforcement",
            reversed[0].id,
            json!({"action": "unhide", "subject_type": subject.as_str(), "subject_id": id,
                   "reason": reason, "still_hidden": hidden}),
        )?;
        Ok(Unhidden { reversed, hidden })
    })
}
