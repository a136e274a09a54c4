use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::{inquiries, inquiry_messages};
use crate::enums::from_db;
use crate::ids::parse_db_id;
use crate::json_col::from_json;

crate::text_enum! {
    /// `new` until the company's first message (`replied`); either side closes (`closed`); a
    /// member marks it `spam`. `closed` and `spam` take no more messages.
    pub enum InquiryStatus {
        New => "new",
        Replied => "replied",
        Closed => "closed",
        Spam => "spam",
    }
}

crate::text_enum! {
    /// What the buyer wrote about: a product, a sell offer, or the company's storefront.
    pub enum SubjectType {
        Product => "product",
        Listing => "listing",
        Company => "company",
    }
}

crate::text_enum! {
    /// The side of a thread a message or a read marker belongs to.
    pub enum Side {
        Buyer => "buyer",
        Supplier => "supplier",
    }
}

/// One thread: a buyer and a company.
#[derive(Debug, Clone)]
pub struct Inquiry {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub buyer_id: Uuid,
    pub company_id: Uuid,
    pub subject_type: SubjectType,
    pub subject_id: Uuid,
    pub subject: String,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    pub status: InquiryStatus,
    pub assigned_to: Option<Uuid>,
    pub first_response_at: Option<PrimitiveDateTime>,
    pub buyer_read_at: Option<PrimitiveDateTime>,
    pub supplier_read_at: Option<PrimitiveDateTime>,
    pub last_message_at: PrimitiveDateTime,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl Inquiry {
    /// Whether `side` has a message from the other side it has not read. Each side's own
    /// message moves its read marker, so "the last message is after my marker" means exactly
    /// "the other side wrote after I last read".
    pub fn unread_for(&self, side: Side) -> bool {
        let marker = match side {
            Side::Buyer => self.buyer_read_at,
            Side::Supplier => self.supplier_read_at,
        };
        marker.is_none_or(|at| self.last_message_at > at)
    }

    /// Whether the thread takes messages.
    pub fn is_open(&self) -> bool {
        matches!(self.status, InquiryStatus::New | InquiryStatus::Replied)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = inquiries, treat_none_as_null = true)]
pub(crate) struct InquiryRow {
    pub id: String,
    pub batch_id: String,
    pub buyer_id: String,
    pub company_id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub subject: String,
    pub quantity: Option<i64>,
    pub unit: Option<String>,
    pub status: String,
    pub assigned_to: Option<String>,
    pub content_hash: String,
    pub first_response_at: Option<PrimitiveDateTime>,
    pub buyer_read_at: Option<PrimitiveDateTime>,
    pub supplier_read_at: Option<PrimitiveDateTime>,
    pub last_message_at: PrimitiveDateTime,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// The buyer chose to show their e-mail address to the company in this thread.
    pub buyer_shares_email: bool,
}

impl From<InquiryRow> for Inquiry {
    fn from(r: InquiryRow) -> Inquiry {
        Inquiry {
            id: parse_db_id(&r.id),
            batch_id: parse_db_id(&r.batch_id),
            buyer_id: parse_db_id(&r.buyer_id),
            company_id: parse_db_id(&r.company_id),
            subject_type: from_db(&r.subject_type, SubjectType::parse, SubjectType::Company),
            subject_id: parse_db_id(&r.subject_id),
            subject: r.subject,
            quantity: r.quantity,
            unit: r.unit,
            status: from_db(&r.status, InquiryStatus::parse, InquiryStatus::Closed),
            assigned_to: r.assigned_to.as_deref().map(parse_db_id),
            first_response_at: r.first_response_at,
            buyer_read_at: r.buyer_read_at,
            supplier_read_at: r.supplier_read_at,
            last_message_at: r.last_message_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// One message of a thread, with its author's display name.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: Uuid,
    pub inquiry_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub side: Side,
    pub body: String,
    pub attachments: Vec<String>,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inquiry_messages)]
pub(crate) struct MessageRow {
    pub id: String,
    pub inquiry_id: String,
    pub author_id: String,
    pub side: String,
    pub body: String,
    pub attachments: String,
    pub created_at: PrimitiveDateTime,
}

impl MessageRow {
    pub fn into_message(self, author_name: String) -> Message {
        Message {
            id: parse_db_id(&self.id),
            inquiry_id: parse_db_id(&self.inquiry_id),
            author_id: parse_db_id(&self.author_id),
            author_name,
            side: from_db(&self.side, Side::parse, Side::Buyer),
            body: self.body,
            attachments: from_json(&self.attachments),
            created_at: self.created_at,
        }
    }
}
