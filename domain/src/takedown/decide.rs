//! Operator decisions: accept or reject a notice, restore the item or keep it down after a
//! counter-notice; and the reversal of a takedown on appeal.

use serde_json::json;
use time::Duration;
use uuid::Uuid;

use super::TakedownError;
use super::model::{
    EventParty, Notice, NoticeRow, TakedownStatus, load_notice, record_event, save_notice,
};
use super::notify::{Whom, tell};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::{self, DbConnection};
use crate::enforcement::{add_hold, release_hold};
use crate::ids::parse_db_id;
use crate::moderation::record_transition;
use crate::validate::Validator;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakedownDecision {
    /// `submitted` → `accepted`: the item is hidden, the supplier told, the window opens.
    Accept,
    /// `submitted` → `rejected`.
    Reject,
    /// `countered` → `restored`: the counter-notice is accepted, the item shows again.
    Restore,
    /// `countered` → `kept_down`.
    KeepDown,
}

impl TakedownDecision {
    pub fn name(self) -> &'static str {
        match self {
            TakedownDecision::Accept => "accept",
            TakedownDecision::Reject => "reject",
            TakedownDecision::Restore => "restore",
            TakedownDecision::KeepDown => "keep_down",
        }
    }
}

fn validate_note(note: &str) -> Result<String, TakedownError> {
    let mut v = Validator::new();
    let note = v.multiline("note", note, 1, 2000);
    v.finish().map_err(TakedownError::Validation)?;
    Ok(note)
}

/// An operator's decision with a note both sides read. `counter_window_days` fixes the
/// counter-notice deadline of an accepted notice.
pub fn decide_notice(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    decision: TakedownDecision,
    note: &str,
    counter_window_days: i64,
) -> Result<Notice, TakedownError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(TakedownError::Forbidden);
    }
    let note = validate_note(note)?;
    db::transaction(conn, |conn| {
        let mut row = load_notice(conn, id)?.ok_or(TakedownError::NotFound)?;
        super::finalize::settle(conn, &mut row)?;
        let at = now();
        let current = row.status_at(at);
        let (next, from_ok) = match decision {
            TakedownDecision::Accept => (
                TakedownStatus::Accepted,
                current == TakedownStatus::Submitted,
            ),
            TakedownDecision::Reject => (
                TakedownStatus::Rejected,
                current == TakedownStatus::Submitted,
            ),
            TakedownDecision::Restore => (
                TakedownStatus::Restored,
                current == TakedownStatus::Countered,
            ),
            TakedownDecision::KeepDown => (
                TakedownStatus::KeptDown,
                current == TakedownStatus::Countered,
            ),
        };
        if !from_ok {
            return Err(TakedownError::InvalidState {
                action: decision.name(),
                status: current.as_str(),
            });
        }
        row.status = next.as_str().to_owned();
        row.updated_at = at;
        let subject = parse_db_id(&row.subject_id);
        match decision {
            TakedownDecision::Accept => {
                row.decided_at = Some(at);
                row.decided_by = Some(actor.user_id.to_string());
                row.counter_deadline = Some(at + Duration::days(counter_window_days));
                add_hold(conn, &row.subject_type, subject, "takedown", id)?;
            }
            TakedownDecision::Reject => {
                row.decided_at = Some(at);
                row.decided_by = Some(actor.user_id.to_string());
                row.closed_at = Some(at);
            }
            TakedownDecision::Restore => {
                row.closed_at = Some(at);
                release_hold(conn, "takedown", id)?;
            }
            TakedownDecision::KeepDown => {
                row.closed_at = Some(at);
            }
        }
        save_notice(conn, &row)?;
        let kind = match decision {
            TakedownDecision::KeepDown => "kept_down",
            TakedownDecision::Accept => "accepted",
            TakedownDecision::Reject => "rejected",
            TakedownDecision::Restore => "restored",
        };
        record_event(
            conn,
            &row.id,
            at,
            Some(actor.user_id),
            EventParty::Operator,
            kind,
            &note,
        )?;
        record_transition(
            conn,
            "takedown",
            id,
            decision.name(),
            &note,
            actor.user_id,
            json!({"status": current.as_str()}),
            json!({"status": next.as_str(), "item_hidden": next.holds_item(),
                   "subject_type": row.subject_type, "subject_id": row.subject_id,
                   "counter_deadline": row.counter_deadline.map(crate::ids::rfc3339)}),
        )?;
        // A rejected notice never concerned the supplier; every other step both sides hear of.
        let whom = if decision == TakedownDecision::Reject {
            Whom::Notifier
        } else {
            Whom::Both
        };
        tell(conn, &row, whom, kind, &note)?;
        Ok(row.notice_at(at))
    })
}

/// An upheld appeal reverses a final or kept-down takedown, in the appeal's transaction: the
/// item shows again unless something else holds it.
pub(crate) fn reverse_by_appeal(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    note: &str,
) -> Result<NoticeRow, TakedownError> {
    let mut row = load_notice(conn, id)?.ok_or(TakedownError::NotFound)?;
    super::finalize::settle(conn, &mut row)?;
    let at = now();
    let current = row.status_at(at);
    if !matches!(current, TakedownStatus::Final | TakedownStatus::KeptDown) {
        return Err(TakedownError::InvalidState {
            action: "reverse",
            status: current.as_str(),
        });
    }
    row.status = TakedownStatus::Reversed.as_str().to_owned();
    row.closed_at = Some(at);
    row.updated_at = at;
    save_notice(conn, &row)?;
    release_hold(conn, "takedown", id)?;
    record_event(
        conn,
        &row.id,
        at,
        Some(actor.user_id),
        EventParty::Operator,
        "appeal_upheld",
        note,
    )?;
    record_transition(
        conn,
        "takedown",
        id,
        "reverse",
        note,
        actor.user_id,
        json!({"status": current.as_str()}),
        json!({"status": "reversed", "item_hidden": false}),
    )?;
    tell(conn, &row, Whom::Notifier, "appeal_upheld", note)?;
    Ok(row)
}
