//! Signed webhooks (Standard Webhooks): a company's owners and admins register HTTP endpoints
//! for event types; each event writes one delivery per matching active endpoint in the event's
//! own transaction (`enqueue`), so the delivery table is the webhooks' outbox: an event that
//! commits is delivered, one that rolls back never is. The api's webhook worker sends them
//! (`claim`, `record_attempt`), signed with the endpoint's secret, and retries with the
//! same `webhook-id` until a 2xx or until it gives up.
//!
//! The areas that raise events sit above this module and call `enqueue` directly (a downward
//! call); this module knows none of them.

mod enable;
mod error;
mod guard;
mod model;
mod send;
mod service;
mod sign;

pub use enable::enable;
pub use error::WebhookError;
pub use guard::{UrlCheck, check_url, ip_allowed, is_public_ip};
pub use model::{
    Attempt, Delivery, DeliveryStatus, Endpoint, EndpointStatus, EventType, NewEndpoint,
    SECRET_PREFIX,
};
pub use send::{AttemptResult, DueDelivery, Policy, backoff, claim, record_attempt};
pub use service::{
    PREVIOUS_SECRET_GRACE, create, delete, deliveries, enqueue, list, replay, rotate_secret,
};
pub use sign::{sign, signature_header};
