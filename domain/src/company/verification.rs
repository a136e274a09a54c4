//! Operator decisions on a company: verify, reject, suspend, reinstate, each with a reason.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::CompanyError;
use super::model::{Company, CompanyRow, VerificationStatus};
use super::repo::save_company;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::companies;
use crate::db::{self, DbConnection};
use crate::moderation::{record_transition, validate_reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Verify,
    Reject,
    Suspend,
    Reinstate,
    /// Send a pending company back to its owner with a note: it stays `pending` and re-enters
    /// the review queue when the owner edits the profile (the review queue's decision).
    RequestChanges,
}

impl StatusAction {
    fn name(self) -> &'static str {
        match self {
            StatusAction::Verify => "verify",
            StatusAction::Reject => "reject",
            StatusAction::Suspend => "suspend",
            StatusAction::Reinstate => "reinstate",
            StatusAction::RequestChanges => "request_changes",
        }
    }
}

pub fn change_status(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    action: StatusAction,
    reason: &str,
) -> Result<Company, CompanyError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(CompanyError::Forbidden);
    }
    let reason = validate_reason(reason).map_err(CompanyError::Validation)?;
    db::transaction(conn, |conn| {
        change_status_in_tx(conn, actor, company_id, action, &reason)
    })
}

/// `change_status` inside the caller's transaction, with the reason already checked.
pub(crate) fn change_status_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    action: StatusAction,
    reason: &str,
) -> Result<Company, CompanyError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(CompanyError::Forbidden);
    }
    let reason = reason.to_owned();
    let mut row: CompanyRow = companies::table
        .find(company_id.to_string())
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(CompanyError::NotFound)?;
    let current = Company::from(row.clone());
    let at = now();
    // A terminated company is reinstated only through an upheld appeal; one that left the
    // platform is not moved at all.
    if let Some(lock) = super::standing::company_lock(conn, company_id)? {
        return Err(CompanyError::InvalidTransition {
            action: action.name(),
            status: lock,
        });
    }
    let invalid = || CompanyError::InvalidTransition {
        action: action.name(),
        status: current.status(),
    };
    match action {
        StatusAction::Verify => {
            if current.is_suspended() || current.verification_status == VerificationStatus::Verified
            {
                return Err(invalid());
            }
            row.verification_status = VerificationStatus::Verified.as_str().to_owned();
            row.verified_at = Some(at);
            row.verified_by = Some(actor.user_id.to_string());
        }
        StatusAction::Reject => {
            if current.is_suspended() || current.verification_status != VerificationStatus::Pending
            {
                return Err(invalid());
            }
            row.verification_status = VerificationStatus::Rejected.as_str().to_owned();
        }
        StatusAction::Suspend => {
            if current.is_suspended() {
                return Err(invalid());
            }
            row.suspended_at = Some(at);
        }
        StatusAction::Reinstate => {
            if !current.is_suspended() {
                return Err(invalid());
            }
            row.suspended_at = None;
        }
        StatusAction::RequestChanges => {
            if current.is_suspended() || current.verification_status != VerificationStatus::Pending
            {
                return Err(invalid());
            }
        }
    }
    row.status_reason = Some(reason.clone());
    row.updated_at = at;
    save_company(conn, &row, json!({"change": action.name()}))?;
    row.credit_score = Some((crate::seams::reactions().credit_inputs_changed)(
        conn, company_id,
    )?);
    crate::review::hooks::company_status_changed(conn, &row.id, action.name())?;
    let after = super::repo::with_standing(conn, Company::from(row))?;
    record_transition(
        conn,
        "company",
        company_id,
        action.name(),
        &reason,
        actor.user_id,
        json!({"verification": current.verification_status.as_str(), "suspended": current.is_suspended()}),
        json!({"verification": after.verification_status.as_str(), "suspended": after.is_suspended()}),
    )?;
    if matches!(action, StatusAction::Verify | StatusAction::Reject) {
        crate::webhook::enqueue(
            conn,
            company_id,
            crate::webhook::EventType::CompanyVerificationDecided,
            json!({
                "company_id": company_id,
                "decision": if action == StatusAction::Verify { "verified" } else { "rejected" },
                "reason": reason,
                "decided_at": crate::ids::rfc3339(at),
            }),
        )?;
    }
    // The company sees suspensions among the measures against it (and may appeal them).
    let suspended = match action {
        StatusAction::Suspend => Some(true),
        StatusAction::Reinstate => Some(false),
        StatusAction::Verify | StatusAction::Reject | StatusAction::RequestChanges => None,
    };
    if let Some(suspended) = suspended {
        (crate::seams::reactions().company_suspended)(
            conn,
            crate::seams::SuspensionChange {
                actor_id: actor.user_id,
                company_id,
                suspended,
                reason: &reason,
            },
        )?;
    }
    Ok(after)
}
