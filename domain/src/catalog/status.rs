//! The product status flow.
//!
//! draft ──publish──▶ published (verified company) or pending_review (otherwise)
//! pending_review ──approve──▶ published, ──reject──▶ rejected (operators, with a reason)
//! published / pending_review ──unpublish──▶ draft (members); rejected ──publish──▶ review again
//! pending_review ──request_changes (operators, with a note)──▶ draft, shown as
//! `changes_requested` until it is published again

use serde_json::json;
use uuid::Uuid;

use crate::screening;

use super::CatalogError;
use super::model::{Product, ProductRow, ProductStatus};
use super::repo::{load_product, save_product};
use super::service::product_for_write;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::company::find_company;
use crate::db::{self, DbConnection};
use crate::moderation::{record_transition, validate_reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductAction {
    Publish,
    Unpublish,
    Approve,
    Reject,
    /// Send a submission back to its owner with a note (the review queue's decision).
    RequestChanges,
}

impl ProductAction {
    fn name(self) -> &'static str {
        match self {
            ProductAction::Publish => "publish",
            ProductAction::Unpublish => "unpublish",
            ProductAction::Approve => "approve",
            ProductAction::Reject => "reject",
            ProductAction::RequestChanges => "request_changes",
        }
    }

    fn by_operator(self) -> bool {
        matches!(
            self,
            ProductAction::Approve | ProductAction::Reject | ProductAction::RequestChanges
        )
    }
}

pub fn change_product_status(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    action: ProductAction,
    reason: Option<&str>,
) -> Result<Product, CatalogError> {
    // Rejections need a reason the owner can act on; an approval may go without one.
    // Blank as the validator trims (invisible characters too) is "none"; otherwise the reason
    // is checked as sent, so its length counts what was sent (as `maxLength` does).
    let reason = match (
        action,
        reason.filter(|r| !crate::text::trim_text(r).is_empty()),
    ) {
        (ProductAction::Approve, None) => Some("approved".to_owned()),
        (ProductAction::Approve | ProductAction::Reject | ProductAction::RequestChanges, r) => {
            Some(validate_reason(r.unwrap_or("")).map_err(CatalogError::Validation)?)
        }
        _ => None,
    };
    db::transaction(conn, |conn| {
        change_product_status_in_tx(conn, actor, id, action, reason)
    })
}

/// `change_product_status` inside the caller's transaction, with the reason already checked
/// (required for operator actions).
pub(crate) fn change_product_status_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    action: ProductAction,
    reason: Option<String>,
) -> Result<Product, CatalogError> {
    let (mut row, verified) = if action.by_operator() {
        if !may_on_platform(actor, PlatformAction::Moderate) {
            return Err(CatalogError::Forbidden);
        }
        let row: ProductRow = load_product(conn, id)?.ok_or(CatalogError::NotFound)?;
        let company = find_company(conn, crate::ids::parse_db_id(&row.company_id))
            .map_err(|_| CatalogError::NotFound)?;
        (row, company.is_verified())
    } else {
        let (row, company) = product_for_write(conn, actor, id)?;
        if action == ProductAction::Publish && crate::penalty::is_restricted(conn, company.id)? {
            return Err(CatalogError::CompanyRestricted);
        }
        (row, company.is_verified())
    };
    let current = Product::from(row.clone());
    let at = now();
    let next = match (action, current.status) {
        (ProductAction::Publish, ProductStatus::Draft | ProductStatus::Rejected) => {
            // A screening rule asking for review outranks the company's verification.
            if verified && !screening::stored(conn, "product", &row.id)?.needs_review() {
                ProductStatus::Published
            } else {
                ProductStatus::PendingReview
            }
        }
        (ProductAction::Unpublish, ProductStatus::Published | ProductStatus::PendingReview) => {
            ProductStatus::Draft
        }
        (ProductAction::Approve, ProductStatus::PendingReview) => ProductStatus::Published,
        (ProductAction::Reject, ProductStatus::PendingReview | ProductStatus::Published) => {
            ProductStatus::Rejected
        }
        (ProductAction::RequestChanges, ProductStatus::PendingReview) => ProductStatus::Draft,
        (_, status) => {
            return Err(CatalogError::InvalidTransition {
                action: action.name(),
                status: status.as_str(),
            });
        }
    };
    row.status = next.as_str().to_owned();
    if next == ProductStatus::Published {
        row.published_at = Some(at);
        row.review_note = None;
    }
    // Sent back: a draft the owner sees as `changes_requested`; publishing resubmits it.
    row.changes_requested_at = match action {
        ProductAction::RequestChanges => Some(at),
        _ if next == ProductStatus::Draft => row.changes_requested_at,
        _ => None,
    };
    if let Some(reason) = &reason {
        row.review_note = Some(reason.clone());
        record_transition(
            conn,
            "product",
            id,
            action.name(),
            reason,
            actor.user_id,
            json!({"status": current.status.as_str()}),
            json!({"status": next.as_str()}),
        )?;
    }
    row.updated_at = at;
    save_product(
        conn,
        &row,
        json!({"change": action.name(), "status": next.as_str()}),
    )?;
    if action.by_operator() {
        review_webhook(conn, &row, action, reason.as_deref())?;
    }
    Ok(Product::from(row))
}

/// Tells the product's company's webhook endpoints of an operator's decision on it (through
/// the review queue or the operator's routes alike: both come through here).
fn review_webhook(
    conn: &mut DbConnection,
    row: &ProductRow,
    action: ProductAction,
    reason: Option<&str>,
) -> diesel::QueryResult<()> {
    let decision = match action {
        ProductAction::Approve => "approved",
        ProductAction::Reject => "rejected",
        _ => "changes_requested",
    };
    crate::webhook::enqueue(
        conn,
        crate::ids::parse_db_id(&row.company_id),
        crate::webhook::EventType::ProductReviewDecided,
        json!({
            "product_id": row.id,
            "company_id": row.company_id,
            "decision": decision,
            "status": row.status,
            "reason": reason,
            "decided_at": crate::ids::rfc3339(row.updated_at),
        }),
    )
}
