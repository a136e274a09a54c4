use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::listings;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    /// A sell offer (供应) by a company, or a buy request (求购) by any account.
    pub enum ListingKind {
        Sell => "sell",
        Buy => "buy",
    }
}

crate::text_enum! {
    /// The stored status. `expired` is never stored: see `ListingState`.
    pub enum ListingStatus {
        Draft => "draft",
        PendingReview => "pending_review",
        Open => "open",
        Closed => "closed",
        Rejected => "rejected",
    }
}

crate::text_enum! {
    /// The status a reader sees: the stored one, except that an open listing whose
    /// `valid_until` has come is `expired`, exactly from that instant.
    pub enum ListingState {
        Draft => "draft",
        PendingReview => "pending_review",
        Open => "open",
        Expired => "expired",
        Closed => "closed",
        Rejected => "rejected",
    }
}

crate::text_enum! {
    /// Incoterms 2020.
    pub enum Incoterm {
        Exw => "EXW",
        Fca => "FCA",
        Fas => "FAS",
        Fob => "FOB",
        Cfr => "CFR",
        Cif => "CIF",
        Cpt => "CPT",
        Cip => "CIP",
        Dap => "DAP",
        Dpu => "DPU",
        Ddp => "DDP",
    }
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub id: Uuid,
    pub kind: ListingKind,
    pub owner_id: Uuid,
    pub company_id: Option<Uuid>,
    pub status: ListingStatus,
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub quantity: i64,
    pub unit: String,
    /// Unit price in minor units of `currency`: the asking price of a sell offer, the target
    /// price of a buy request.
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub delivery_region: Option<String>,
    pub incoterm: Option<Incoterm>,
    pub valid_until: PrimitiveDateTime,
    pub attachments: Vec<String>,
    pub quote_count: i32,
    pub max_quotes: i32,
    pub review_note: Option<String>,
    pub expiry_notified_at: Option<PrimitiveDateTime>,
    pub published_at: Option<PrimitiveDateTime>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// When an operator sent the submission back: the listing is then a draft its owner sees as
    /// `changes_requested` until publishing it again.
    pub changes_requested_at: Option<PrimitiveDateTime>,
}

impl Listing {
    /// Open and not yet at its end date.
    pub fn is_live(&self, now: PrimitiveDateTime) -> bool {
        self.status == ListingStatus::Open && self.valid_until > now
    }

    /// What a reader sees at `now`.
    pub fn state(&self, now: PrimitiveDateTime) -> ListingState {
        match self.status {
            ListingStatus::Draft => ListingState::Draft,
            ListingStatus::PendingReview => ListingState::PendingReview,
            ListingStatus::Open if self.valid_until <= now => ListingState::Expired,
            ListingStatus::Open => ListingState::Open,
            ListingStatus::Closed => ListingState::Closed,
            ListingStatus::Rejected => ListingState::Rejected,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
pub(crate) struct ListingRow {
    pub id: String,
    pub kind: String,
    pub owner_id: String,
    pub company_id: Option<String>,
    pub status: String,
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub quantity: i64,
    pub unit: String,
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub delivery_region: Option<String>,
    pub incoterm: Option<String>,
    pub valid_until: PrimitiveDateTime,
    pub attachments: String,
    pub quote_count: i32,
    pub max_quotes: i32,
    pub review_note: Option<String>,
    pub expiry_notified_at: Option<PrimitiveDateTime>,
    pub published_at: Option<PrimitiveDateTime>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub changes_requested_at: Option<PrimitiveDateTime>,
}

impl From<ListingRow> for Listing {
    fn from(r: ListingRow) -> Listing {
        Listing {
            id: parse_db_id(&r.id),
            kind: from_db(&r.kind, ListingKind::parse, ListingKind::Buy),
            owner_id: parse_db_id(&r.owner_id),
            company_id: r.company_id.as_deref().map(parse_db_id),
            status: from_db(&r.status, ListingStatus::parse, ListingStatus::Draft),
            title: r.title,
            description: r.description,
            category_id: r.category_id,
            quantity: r.quantity,
            unit: r.unit,
            price_minor: r.price_minor,
            currency: r.currency,
            delivery_region: r.delivery_region,
            incoterm: r.incoterm.as_deref().and_then(Incoterm::parse),
            valid_until: r.valid_until,
            attachments: from_json(&r.attachments),
            quote_count: r.quote_count,
            max_quotes: r.max_quotes,
            review_note: r.review_note,
            expiry_notified_at: r.expiry_notified_at,
            published_at: r.published_at,
            closed_at: r.closed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            changes_requested_at: r.changes_requested_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_open_listing_expires_at_its_end_to_the_microsecond() {
        let end = datetime!(2026-12-01 12:00);
        let listing = Listing {
            id: Uuid::nil(),
            kind: ListingKind::Buy,
            owner_id: Uuid::nil(),
            company_id: None,
            status: ListingStatus::Open,
            title: "t".into(),
            description: String::new(),
            category_id: "c".into(),
            quantity: 1,
            unit: "piece".into(),
            price_minor: None,
            currency: None,
            delivery_region: None,
            incoterm: None,
            valid_until: end,
            attachments: vec![],
            quote_count: 0,
            max_quotes: 10,
            review_note: None,
            expiry_notified_at: None,
            published_at: None,
            closed_at: None,
            created_at: end,
            updated_at: end,
            changes_requested_at: None,
        };
        let before = end - time::Duration::microseconds(1);
        assert_eq!(listing.state(before), ListingState::Open);
        assert!(listing.is_live(before));
        assert_eq!(listing.state(end), ListingState::Expired);
        assert!(!listing.is_live(end));
        let closed = Listing {
            status: ListingStatus::Closed,
            ..listing
        };
        assert_eq!(closed.state(end), ListingState::Closed);
    }
}
