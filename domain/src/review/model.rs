//! The queue's rows and the words it uses (kinds, risk levels, outcomes, decisions).

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::review_items;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    /// What waits for an operator.
    pub enum ReviewKind {
        /// A company waiting for verification of its licence facts.
        Company => "company",
        /// A product submitted for publication.
        Product => "product",
        SellOffer => "sell_offer",
        BuyRequest => "buy_request",
        /// An edit of a published product, an open listing or a verified company's profile.
        ChangeRequest => "change_request",
        /// An open report about a product, listing, company or message.
        Report => "report",
    }
}

crate::text_enum! {
    /// How closely an operator should look (see `risk_of`).
    pub enum Risk {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

crate::text_enum! {
    pub enum ItemStatus {
        Open => "open",
        Closed => "closed",
    }
}

crate::text_enum! {
    /// How a review episode ended.
    pub enum Outcome {
        Approved => "approved",
        Rejected => "rejected",
        /// Sent back to the owner; it re-enters the queue when they resubmit.
        ChangesRequested => "changes_requested",
        /// The owner withdrew it (unpublished, closed, deleted, edited back) or it was suspended
        /// or decided outside the queue in a way that ends the review.
        Withdrawn => "withdrawn",
        /// A change request whose live item changed after it was proposed: an approval was
        /// refused (nothing applied) and the owner proposes again on the live version.
        Superseded => "superseded",
        /// The company left every public endpoint (suspended, terminated, closed): nothing of
        /// it waits for an operator meanwhile; reinstatement puts what still waits back.
        CompanyInactive => "company_inactive",
    }
}

crate::text_enum! {
    /// An operator's decision on an item.
    pub enum Decision {
        Approve => "approve",
        Reject => "reject",
        RequestChanges => "request_changes",
    }
}

crate::text_enum! {
    /// Which claims a queue listing shows.
    pub enum ClaimFilter {
        /// Items the caller holds a live claim on.
        Mine => "mine",
        /// Items nobody holds a live claim on.
        Unclaimed => "unclaimed",
        Any => "any",
    }
}

/// The risk level of an item: from what screening found in its text and how many open reports
/// there are about the item it concerns.
///
/// - `high`: screening asked for review (or would block), or 3 or more open reports;
/// - `medium`: screening flagged it, or 1 or 2 open reports;
/// - `low`: screening found nothing (or never ran) and nobody reported it.
pub fn risk_of(screening: &str, open_reports: i64) -> Risk {
    if matches!(screening, "block" | "review") || open_reports >= 3 {
        Risk::High
    } else if screening == "flag" || open_reports >= 1 {
        Risk::Medium
    } else {
        Risk::Low
    }
}

/// One review episode of one item.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub id: Uuid,
    pub kind: ReviewKind,
    /// The company, product, listing, change request or report the decision acts on.
    pub subject_id: Uuid,
    /// The marketplace object it is about: `company`, `product`, `listing` or `message`.
    pub target_type: String,
    pub target_id: Uuid,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub category_id: Option<String>,
    pub title: String,
    /// The stored screening outcome: `none` (never screened), `pass`, `flag`, `review`, `block`.
    pub screening: String,
    pub open_reports: i32,
    pub risk: Risk,
    pub status: ItemStatus,
    /// When it entered the queue (its age counts from here).
    pub entered_at: PrimitiveDateTime,
    pub claimed_by: Option<Uuid>,
    pub claimed_until: Option<PrimitiveDateTime>,
    pub outcome: Option<Outcome>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// `None` for outcomes no operator decided in the queue (auto-approval, withdrawal, a
    /// decision through the per-item operator routes).
    pub decided_by: Option<Uuid>,
    pub closed_at: Option<PrimitiveDateTime>,
}

impl ReviewItem {
    /// The claim, while it lasts.
    pub fn live_claim(&self, now: PrimitiveDateTime) -> Option<(Uuid, PrimitiveDateTime)> {
        match (self.claimed_by, self.claimed_until) {
            (Some(by), Some(until)) if until > now && self.status == ItemStatus::Open => {
                Some((by, until))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = review_items, treat_none_as_null = true)]
pub(crate) struct ReviewItemRow {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub target_type: String,
    pub target_id: String,
    pub company_id: Option<String>,
    pub owner_id: Option<String>,
    pub category_id: Option<String>,
    pub title: String,
    pub screening: String,
    pub open_reports: i32,
    pub risk: String,
    pub status: String,
    pub entered_at: PrimitiveDateTime,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<PrimitiveDateTime>,
    pub outcome: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub closed_at: Option<PrimitiveDateTime>,
}

impl From<ReviewItemRow> for ReviewItem {
    fn from(r: ReviewItemRow) -> ReviewItem {
        ReviewItem {
            id: parse_db_id(&r.id),
            kind: from_db(&r.kind, ReviewKind::parse, ReviewKind::Product),
            subject_id: parse_db_id(&r.subject_id),
            target_type: r.target_type,
            target_id: parse_db_id(&r.target_id),
            company_id: r.company_id.as_deref().map(parse_db_id),
            owner_id: r.owner_id.as_deref().map(parse_db_id),
            category_id: r.category_id,
            title: r.title,
            screening: r.screening,
            open_reports: r.open_reports,
            risk: from_db(&r.risk, Risk::parse, Risk::Low),
            status: from_db(&r.status, ItemStatus::parse, ItemStatus::Open),
            entered_at: r.entered_at,
            claimed_by: r.claimed_by.as_deref().map(parse_db_id),
            claimed_until: r.claimed_until,
            outcome: r.outcome.as_deref().and_then(Outcome::parse),
            reason_code: r.reason_code,
            note: r.note,
            decided_by: r.decided_by.as_deref().map(parse_db_id),
            closed_at: r.closed_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_levels() {
        assert_eq!(risk_of("none", 0), Risk::Low);
        assert_eq!(risk_of("pass", 0), Risk::Low);
        assert_eq!(risk_of("flag", 0), Risk::Medium);
        assert_eq!(risk_of("pass", 1), Risk::Medium);
        assert_eq!(risk_of("pass", 2), Risk::Medium);
        assert_eq!(risk_of("pass", 3), Risk::High);
        assert_eq!(risk_of("review", 0), Risk::High);
        assert_eq!(risk_of("block", 0), Risk::High);
        assert_eq!(risk_of("flag", 5), Risk::High);
    }
}
