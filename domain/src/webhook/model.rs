use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::ids::parse_db_id;

/// What every secret starts with (Standard Webhooks); the rest is base64 of 32 random bytes.
pub const SECRET_PREFIX: &str = "whsec_";

crate::text_enum! {
    /// The event types an endpoint can subscribe to: the ones that are wired to a service.
    pub enum EventType {
        /// A buyer sent the company a new inquiry (one event per thread).
        InquiryCreated => "inquiry.created",
        /// The buyer accepted the company's quote.
        QuoteAccepted => "quote.accepted",
        /// The buyer accepted another company's quote; this one is declined.
        QuoteDeclined => "quote.declined",
        /// An operator verified or rejected the company.
        CompanyVerificationDecided => "company.verification_decided",
        /// A message was posted on one of the company's threads after the first (either side).
        InquiryMessageCreated => "inquiry.message_created",
        /// One of the company's leads moved to another stage (by a member, or automatically).
        LeadStageChanged => "lead.stage_changed",
        /// An operator approved, rejected or sent back one of the company's products.
        ProductReviewDecided => "product.review_decided",
        /// The lead matcher found a new buy request the company could answer.
        BuyRequestMatched => "buy_request.matched",
    }
}

crate::text_enum! {
    pub enum EndpointStatus { Active => "active", Disabled => "disabled" }
}

crate::text_enum! {
    pub enum DeliveryStatus { Pending => "pending", Delivered => "delivered", Failed => "failed" }
}

/// What registering an endpoint needs.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: String,
    pub event_types: Vec<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct EndpointRow {
    pub id: String,
    pub company_id: String,
    pub created_by: String,
    pub url: String,
    pub event_types: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<PrimitiveDateTime>,
    pub status: String,
    pub failing_since: Option<PrimitiveDateTime>,
    pub disabled_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// An endpoint. `secret` is the current signing secret; the api shows it only in the answers
/// that create it (registration, rotation), as with API keys.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: Uuid,
    pub company_id: Uuid,
    pub created_by: Uuid,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub secret: String,
    /// Until when the previous secret still signs (after a rotation).
    pub previous_expires_at: Option<PrimitiveDateTime>,
    pub status: EndpointStatus,
    pub failing_since: Option<PrimitiveDateTime>,
    pub disabled_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl From<EndpointRow> for Endpoint {
    fn from(r: EndpointRow) -> Endpoint {
        let names: Vec<String> = serde_json::from_str(&r.event_types).unwrap_or_default();
        Endpoint {
            id: parse_db_id(&r.id),
            company_id: parse_db_id(&r.company_id),
            created_by: parse_db_id(&r.created_by),
            url: r.url,
            event_types: names.iter().filter_map(|n| EventType::parse(n)).collect(),
            secret: r.secret,
            previous_expires_at: r.previous_expires_at,
            status: EndpointStatus::parse(&r.status).unwrap_or(EndpointStatus::Disabled),
            failing_since: r.failing_since,
            disabled_at: r.disabled_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub(crate) struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    pub last_response_code: Option<i32>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub(crate) struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: PrimitiveDateTime,
    pub outcome: String,
    pub response_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

/// One attempt of the delivery log.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub attempted_at: PrimitiveDateTime,
    /// Whether the receiver answered 2xx.
    pub succeeded: bool,
    pub response_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

impl From<AttemptRow> for Attempt {
    fn from(r: AttemptRow) -> Attempt {
        Attempt {
            attempted_at: r.attempted_at,
            succeeded: r.outcome == "succeeded",
            response_code: r.response_code,
            latency_ms: r.latency_ms,
            error: r.error,
        }
    }
}

/// A delivery (one event to one endpoint) with its attempts, oldest first.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The `webhook-id`: the same on every attempt and on a replay.
    pub id: String,
    pub endpoint_id: Uuid,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempt_count: i32,
    pub next_attempt_at: Option<PrimitiveDateTime>,
    pub last_response_code: Option<i32>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub attempts: Vec<Attempt>,
}

impl Delivery {
    pub(crate) fn from_row(r: DeliveryRow, attempts: Vec<Attempt>) -> Delivery {
        let status = DeliveryStatus::parse(&r.status).unwrap_or(DeliveryStatus::Failed);
        Delivery {
            id: r.id,
            endpoint_id: parse_db_id(&r.endpoint_id),
            event_type: r.event_type,
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            status,
            attempt_count: r.attempts,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(r.next_attempt_at),
            last_response_code: r.last_response_code,
            last_latency_ms: r.last_latency_ms,
            last_error: r.last_error,
            created_at: r.created_at,
            attempts,
        }
    }
}
