use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use crate::db::schema::quotes;
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::listing::Incoterm;

crate::text_enum! {
    pub enum QuoteStatus {
        /// Open for the buyer to accept.
        Live => "live",
        Accepted => "accepted",
        /// The buyer accepted another quote.
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// The terms of a quote: what a revision replaces and `quote_revisions` keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTerms {
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    pub message: String,
    /// Media ids (purpose `attachment`); absent in revisions kept before quotes took files.
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub company_id: Uuid,
    pub author_id: Uuid,
    pub status: QuoteStatus,
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<Incoterm>,
    pub valid_until: PrimitiveDateTime,
    pub message: String,
    /// Media ids (uploads with purpose `attachment`), in order.
    pub attachments: Vec<String>,
    /// 0 as first sent, 1 once revised (a quote is revised at most once).
    pub revision: i32,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl Quote {
    pub fn terms(&self) -> QuoteTerms {
        QuoteTerms {
            unit_price_minor: self.unit_price_minor,
            currency: self.currency.clone(),
            moq: self.moq,
            lead_time_days: self.lead_time_days,
            incoterm: self.incoterm.map(|i| i.as_str().to_owned()),
            valid_until: self.valid_until.assume_utc(),
            message: self.message.clone(),
            attachments: self.attachments.clone(),
        }
    }
}

/// Earlier terms of a quote.
#[derive(Debug, Clone)]
pub struct QuoteRevision {
    /// The revision number these terms had.
    pub revision: i32,
    pub terms: QuoteTerms,
    /// When they were replaced.
    pub replaced_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = quotes, treat_none_as_null = true)]
pub(crate) struct QuoteRow {
    pub id: String,
    pub listing_id: String,
    pub company_id: String,
    pub author_id: String,
    pub status: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub moq: i64,
    pub lead_time_days: i32,
    pub incoterm: Option<String>,
    pub valid_until: PrimitiveDateTime,
    pub message: String,
    pub revision: i32,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// JSON list of media ids.
    pub attachments: String,
}

impl From<QuoteRow> for Quote {
    fn from(r: QuoteRow) -> Quote {
        Quote {
            id: parse_db_id(&r.id),
            listing_id: parse_db_id(&r.listing_id),
            company_id: parse_db_id(&r.company_id),
            author_id: parse_db_id(&r.author_id),
            status: from_db(&r.status, QuoteStatus::parse, QuoteStatus::Live),
            unit_price_minor: r.unit_price_minor,
            currency: r.currency,
            moq: r.moq,
            lead_time_days: r.lead_time_days,
            incoterm: r.incoterm.as_deref().and_then(Incoterm::parse),
            valid_until: r.valid_until,
            message: r.message,
            attachments: crate::json_col::from_json(&r.attachments),
            revision: r.revision,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
