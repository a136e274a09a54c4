//! Operator decisions on queue items. Each decision goes through the item's own service
//! (company verification, product and listing moderation, report resolution, applying a change
//! request), so the state rules stay in one place; the queue adds the claim check, the reason
//! code, its own audit entry and the owner's notification — all in one transaction per item.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::ReviewError;
use super::change::{
    ChangeRequest, ChangeRequestRow, ChangeStatus, changed_since_proposal, finish, load_row,
    stale_errors, supersede,
};
use super::model::{Decision, ItemStatus, Outcome, ReviewItem, ReviewKind};
use super::queue::load_item;
use super::reasons::ReasonCode;
use super::subject::{for_change, for_kind};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::review_items;
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};
use crate::validate::Validator;

/// Most items one bulk request decides.
pub const MAX_BULK: usize = 100;

/// Per id, in the request's order: the decided item or why it was not decided.
pub type BulkOutcome = Vec<(Uuid, Result<ReviewItem, ReviewError>)>;

/// The operator's reason (required to reject) and note to the owner (required to reject or to
/// request changes).
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
struct ValidDecision {
    decision: Decision,
    reason_code: Option<ReasonCode>,
    note: Option<String>,
}

fn validate(decision: Decision, input: &DecisionInput) -> Result<ValidDecision, Vec<FieldError>> {
    let mut v = Validator::new();
    let note = v.opt_multiline("note", input.note.as_deref(), 1000);
    let code = match input.reason_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            let parsed = ReasonCode::parse(c);
            if parsed.is_none() {
                v.push(
                    "reason_code",
                    "invalid_choice",
                    format!("must be one of: {}", ReasonCode::names()),
                );
            }
            parsed
        }
    };
    match decision {
        Decision::Approve => {
            if input
                .reason_code
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty())
            {
                v.push(
                    "reason_code",
                    "not_allowed",
                    "an approval takes no reason code",
                );
            }
        }
        Decision::Reject => {
            if input
                .reason_code
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
            {
                v.push("reason_code", "required", "a rejection needs a reason code");
            }
            if note.is_none() {
                v.push("note", "required", "tell the owner what is wrong");
            }
        }
        Decision::RequestChanges => {
            if note.is_none() {
                v.push("note", "required", "tell the owner what to change");
            }
        }
    }
    v.finish()?;
    Ok(ValidDecision {
        decision,
        reason_code: code,
        note,
    })
}

fn outcome_of(decision: Decision) -> Outcome {
    match decision {
        Decision::Approve => Outcome::Approved,
        Decision::Reject => Outcome::Rejected,
        Decision::RequestChanges => Outcome::ChangesRequested,
    }
}

/// Decides one item.
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    decision: Decision,
    input: &DecisionInput,
) -> Result<ReviewItem, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    let valid = validate(decision, input).map_err(ReviewError::Validation)?;
    decide_one(conn, actor, id, &valid)
}

/// Decides many items the same way, each in its own transaction: one item's failure (decided
/// meanwhile, claimed by someone else, refused by its service) leaves the others decided, and
/// the result says, item by item, what happened. The input is checked once, for all.
pub fn decide_bulk(
    conn: &mut DbConnection,
    actor: &Actor,
    ids: &[Uuid],
    decision: Decision,
    input: &DecisionInput,
) -> Result<BulkOutcome, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    let mut errors = match validate(decision, input) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    };
    if ids.is_empty() || ids.len() > MAX_BULK {
        errors.push(FieldError::new(
            "ids",
            "out_of_range",
            format!("give 1 to {MAX_BULK} ids"),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            errors.push(FieldError::new(
                format!("ids[{i}]"),
                "duplicate",
                "appears twice",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ReviewError::Validation(errors));
    }
    let valid = validate(decision, input).map_err(ReviewError::Validation)?;
    Ok(ids
        .iter()
        .map(|&id| (id, decide_one(conn, actor, id, &valid)))
        .collect())
}

/// One item in its own transaction. An approval refused because the change request went stale
/// rolls back; then, in a second transaction, the request is marked superseded (its item
/// closes, the owners are told) so it does not sit in the queue as something nobody can
/// approve — and the operator still gets the 409 that says why. That marking is a clean-up:
/// if it fails, the request stays pending (the next approval finds it stale again) and the
/// answer is still the 409.
fn decide_one(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    d: &ValidDecision,
) -> Result<ReviewItem, ReviewError> {
    let result = db::transaction(conn, |conn| decide_in_tx(conn, actor, id, d));
    if matches!(result, Err(ReviewError::ChangeRequestStale(_)))
        && let Err(e) = db::transaction(conn, |conn| supersede_item(conn, actor, id))
    {
        tracing::error!(error = %e, item = %id, "stale change request not marked superseded");
    }
    result
}

/// The live fields that changed since the change request's proposal (empty while it applies).
fn stale_fields(conn: &mut DbConnection, row: &ChangeRequestRow) -> QueryResult<Vec<String>> {
    let id = parse_db_id(&row.subject_id);
    let live = match for_change(&row.subject_type) {
        Some(area) => area.live_fields(conn, id)?,
        None => None,
    };
    Ok(live
        .map(|live| changed_since_proposal(row, &live))
        .unwrap_or_default())
}

fn supersede_item(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> Result<(), ReviewError> {
    let Some(item) = load_item(conn, id)?.map(ReviewItem::from) else {
        return Ok(());
    };
    if item.status != ItemStatus::Open || item.kind != ReviewKind::ChangeRequest {
        return Ok(());
    }
    let Some(row) = load_row(conn, item.subject_id)? else {
        return Ok(());
    };
    if row.status != ChangeStatus::Pending.as_str() {
        return Ok(());
    }
    let changed = stale_fields(conn, &row)?;
    if changed.is_empty() {
        return Ok(());
    }
    let row = supersede(conn, row, &changed, actor.user_id)?;
    tell_owners(conn, &item, Outcome::Superseded, None, row.note.as_deref())?;
    Ok(())
}

fn decide_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    d: &ValidDecision,
) -> Result<ReviewItem, ReviewError> {
    let item = ReviewItem::from(load_item(conn, id)?.ok_or(ReviewError::NotFound)?);
    if item.status == ItemStatus::Closed {
        return Err(ReviewError::Closed);
    }
    if item
        .live_claim(now())
        .is_some_and(|(by, _)| by != actor.user_id)
    {
        return Err(ReviewError::ClaimedByOther);
    }
    if item.kind == ReviewKind::Report && d.decision == Decision::RequestChanges {
        return Err(ReviewError::NotApplicable {
            decision: "request_changes",
            kind: "report",
        });
    }
    let outcome = outcome_of(d.decision);
    let code = d.reason_code.map(|c| c.as_str());
    // The item is closed first, with who and why, so the service's own queue bookkeeping finds
    // nothing left to close. The condition makes a concurrent decision of the same item lose.
    let closed = diesel::update(
        review_items::table
            .find(id.to_string())
            .filter(review_items::status.eq(ItemStatus::Open.as_str())),
    )
    .set((
        review_items::status.eq(ItemStatus::Closed.as_str()),
        review_items::outcome.eq(outcome.as_str()),
        review_items::reason_code.eq(code),
        review_items::note.eq(d.note.as_deref()),
        review_items::decided_by.eq(actor.user_id.to_string()),
        review_items::closed_at.eq(now()),
        review_items::claimed_by.eq(None::<String>),
        review_items::claimed_until.eq(None::<time::PrimitiveDateTime>),
    ))
    .execute(conn)?;
    if closed == 0 {
        return Err(ReviewError::Closed);
    }
    apply(conn, actor, &item, d)?;
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: Some(actor.user_id),
            action: d.decision.as_str(),
            subject_type: "review_item",
            subject_id: &item.id.to_string(),
            before: json!({"status": "open", "kind": item.kind.as_str(), "subject_id": item.subject_id}),
            after: json!({"status": "closed", "outcome": outcome.as_str(), "reason_code": code}),
            reason: d.note.as_deref().or(code).unwrap_or("approved"),
        },
    )?;
    tell_owners(conn, &item, outcome, code, d.note.as_deref())?;
    Ok(ReviewItem::from(
        load_item(conn, id)?.ok_or(ReviewError::NotFound)?,
    ))
}

/// The decision, through the item's own service (its area's `Reviewable`); a change request
/// is decided here and, once approved, applied by its area.
fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &ReviewItem,
    d: &ValidDecision,
) -> Result<(), ReviewError> {
    let id = item.subject_id;
    match item.kind {
        ReviewKind::ChangeRequest => {
            let row = load_row(conn, id)?.ok_or(ReviewError::ChangeRequestNotFound)?;
            if row.status != ChangeStatus::Pending.as_str() {
                return Err(ReviewError::Closed);
            }
            let cr = ChangeRequest::from(row.clone());
            let status = match d.decision {
                Decision::Approve => {
                    // The proposal was built on the live version of its time; if that changed
                    // since, applying it would silently undo the other change.
                    let changed = stale_fields(conn, &row)?;
                    if !changed.is_empty() {
                        return Err(ReviewError::ChangeRequestStale(stale_errors(&changed)));
                    }
                    for_change(&cr.subject_type)
                        .ok_or(ReviewError::ChangeRequestNotFound)?
                        .apply_change(conn, &cr)?;
                    ChangeStatus::Approved
                }
                Decision::Reject => ChangeStatus::Rejected,
                Decision::RequestChanges => ChangeStatus::ChangesRequested,
            };
            let code = d.reason_code.map(|c| c.as_str());
            finish(
                conn,
                row,
                status,
                code,
                d.note.as_deref(),
                Some(actor.user_id),
            )?;
            crate::moderation::record_transition(
                conn,
                "change_request",
                cr.id,
                d.decision.as_str(),
                d.note.as_deref().or(code).unwrap_or("approved"),
                actor.user_id,
                json!({"status": "pending", "subject_type": cr.subject_type, "subject_id": cr.subject_id}),
                json!({"status": status.as_str(), "fields": cr.changes.iter().map(|c| c.field.clone()).collect::<Vec<_>>()}),
            )?;
        }
        kind => {
            let area = for_kind(kind).ok_or(ReviewError::NotApplicable {
                decision: d.decision.as_str(),
                kind: kind.as_str(),
            })?;
            area.apply_decision(conn, actor, kind, id, d.decision, d.note.clone())?;
        }
    }
    Ok(())
}

/// Who hears of a decision: the company's owners and admins for what belongs to a company, the
/// account that posted a listing or asked for the change, the reporter of a report.
fn recipients(conn: &mut DbConnection, item: &ReviewItem) -> QueryResult<Vec<Uuid>> {
    let mut to = Vec::new();
    match item.kind {
        ReviewKind::Company | ReviewKind::Product => {}
        ReviewKind::SellOffer | ReviewKind::BuyRequest | ReviewKind::Report => {
            to.extend(item.owner_id);
        }
        ReviewKind::ChangeRequest => {
            if let Some(row) = load_row(conn, item.subject_id)? {
                to.push(parse_db_id(&row.requested_by));
                to.extend(row.owner_id.as_deref().map(parse_db_id));
            }
        }
    }
    let company_side = matches!(
        item.kind,
        ReviewKind::Company | ReviewKind::Product | ReviewKind::SellOffer
    ) || (item.kind == ReviewKind::ChangeRequest && item.company_id.is_some());
    if company_side && let Some(company) = item.company_id {
        to.extend(crate::membership::managers(conn, company)?);
    }
    let mut seen = Vec::new();
    to.retain(|u| {
        let new = !seen.contains(u);
        seen.push(*u);
        new
    });
    Ok(to)
}

pub(super) fn tell_owners(
    conn: &mut DbConnection,
    item: &ReviewItem,
    outcome: Outcome,
    reason_code: Option<&str>,
    note: Option<&str>,
) -> QueryResult<()> {
    let subject_type = match item.kind {
        ReviewKind::Company => "company",
        ReviewKind::Product => "product",
        ReviewKind::SellOffer | ReviewKind::BuyRequest => "listing",
        ReviewKind::ChangeRequest => "change_request",
        ReviewKind::Report => "report",
    };
    for user_id in recipients(conn, item)? {
        notify(
            conn,
            NewNotification {
                user_id,
                kind: NotificationKind::ReviewDecision,
                subject_type,
                subject_id: item.subject_id,
                payload: json!({
                    "review_item_id": item.id,
                    "kind": item.kind.as_str(),
                    "subject_id": item.subject_id,
                    "target_type": item.target_type,
                    "target_id": item.target_id,
                    "title": item.title,
                    "decision": outcome.as_str(),
                    "reason_code": reason_code,
                    "note": note,
                }),
            },
        )?;
    }
    Ok(())
}
