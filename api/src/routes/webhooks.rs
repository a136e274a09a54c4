//! A company's webhook endpoints (Standard Webhooks): registered, listed, deleted and given a
//! new secret by its owners and admins (or an API key with `webhooks:manage`), enabled again
//! after the worker disabled them; the delivery log and replay. The secret is in the answers
//! that make it (registration, rotation) only, as an API key's is. Sending: `webhook_worker`. Details: docs/webhooks.md.

use actix_web::{HttpResponse, delete, get, post, web};
use domain::webhook::{self, Attempt, Delivery, Endpoint, NewEndpoint};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// The event types an endpoint can subscribe to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the accepted names; the domain parses them (field errors).
pub enum WebhookEventType {
    #[serde(rename = "inquiry.created")]
    InquiryCreated,
    #[serde(rename = "quote.accepted")]
    QuoteAccepted,
    #[serde(rename = "quote.declined")]
    QuoteDeclined,
    #[serde(rename = "company.verification_decided")]
    CompanyVerificationDecided,
    #[serde(rename = "inquiry.message_created")]
    InquiryMessageCreated,
    #[serde(rename = "lead.stage_changed")]
    LeadStageChanged,
    #[serde(rename = "product.review_decided")]
    ProductReviewDecided,
    #[serde(rename = "buy_request.matched")]
    BuyRequestMatched,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `https://` (or `http://`) on a public address; private, loopback, link-local and
    /// metadata addresses are refused.
    #[schema(example = "https://erp.example.com/hooks/tradefair")]
    pub url: String,
    /// At least one; each at most once.
    #[schema(value_type = Vec<WebhookEventType>, example = json!(["inquiry.created", "quote.accepted"]))]
    pub event_types: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointView {
    pub id: Uuid,
    pub url: String,
    #[schema(value_type = Vec<WebhookEventType>)]
    pub event_types: Vec<String>,
    /// After a rotation, until when the previous secret also signs (a second signature).
    #[serde(with = "time::serde::rfc3339::option")]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
    /// `active`, or `disabled` after failing every attempt for the configured window.
    #[schema(example = "active")]
    pub status: &'static str,
    /// Since when every attempt has failed; `null` while it answers.
    #[serde(with = "time::serde::rfc3339::option")]
    pub failing_since: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Endpoint> for WebhookEndpointView {
    fn from(e: Endpoint) -> WebhookEndpointView {
        WebhookEndpointView {
            id: e.id,
            url: e.url,
            event_types: e
                .event_types
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            previous_secret_expires_at: utc_opt(e.previous_expires_at),
            status: e.status.as_str(),
            failing_since: utc_opt(e.failing_since),
            disabled_at: utc_opt(e.disabled_at),
            created_by: e.created_by,
            created_at: utc(e.created_at),
        }
    }
}

/// An endpoint with its signing secret: the answer of registration and rotation, the only
/// times the secret is shown (listing never shows it; rotate to get a new one).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookEndpointView,
    /// The signing secret (`whsec_` + base64): verify `webhook-signature` with it. Store it
    /// now: it is not shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl From<Endpoint> for WebhookEndpointWithSecret {
    fn from(mut e: Endpoint) -> WebhookEndpointWithSecret {
        let secret = std::mem::take(&mut e.secret);
        WebhookEndpointWithSecret {
            endpoint: e.into(),
            secret,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptView {
    #[serde(with = "time::serde::rfc3339")]
    pub attempted_at: OffsetDateTime,
    /// Whether the receiver answered 2xx.
    pub succeeded: bool,
    /// The receiver's status code; `null` when it did not answer.
    pub response_code: Option<i32>,
    pub latency_ms: i64,
    /// Why it failed without a 2xx (timeout, refused address, redirect not followed, …).
    pub error: Option<String>,
}

impl From<Attempt> for WebhookAttemptView {
    fn from(a: Attempt) -> WebhookAttemptView {
        WebhookAttemptView {
            attempted_at: utc(a.attempted_at),
            succeeded: a.succeeded,
            response_code: a.response_code,
            latency_ms: a.latency_ms,
            error: a.error,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    /// The `webhook-id` header: the same on every attempt and replay.
    #[schema(example = "msg_0193a5c1b2c37d8e9f0a1b2c3d4e5f60")]
    pub id: String,
    pub endpoint_id: Uuid,
    #[schema(value_type = WebhookEventType)]
    pub event_type: String,
    /// The exact body sent: `{"type", "timestamp", "data"}`.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `pending`, `delivered` or `failed` (given up, or its endpoint disabled).
    #[schema(example = "delivered")]
    pub status: &'static str,
    pub attempt_count: i32,
    /// When a pending delivery is tried next.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_response_code: Option<i32>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The attempts, oldest first.
    pub attempts: Vec<WebhookAttemptView>,
}

impl From<Delivery> for WebhookDeliveryView {
    fn from(d: Delivery) -> WebhookDeliveryView {
        WebhookDeliveryView {
            id: d.id,
            endpoint_id: d.endpoint_id,
            event_type: d.event_type,
            payload: d.payload,
            status: d.status.as_str(),
            attempt_count: d.attempt_count,
            next_attempt_at: utc_opt(d.next_attempt_at),
            last_response_code: d.last_response_code,
            last_latency_ms: d.last_latency_ms,
            last_error: d.last_error,
            created_at: utc(d.created_at),
            attempts: d.attempts.into_iter().map(Into::into).collect(),
        }
    }
}

/// Registers a webhook endpoint of the company.
///
/// Owners and admins (or a key with `webhooks:manage`). The URL must be http(s) on a public
/// address. The answer carries the signing secret. Audited (`webhook.create`).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id")), request_body = CreateWebhookRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The endpoint, with its signing secret (shown only now and on rotation)", body = WebhookEndpointWithSecret),
    (status = 400, description = "validation_failed (`url`: invalid_url, or not_allowed for a non-public address; `event_types[i]`: invalid_choice or duplicate; `url`: too_many at 50 endpoints)", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing (a key without `webhooks:manage`)", body = ErrorBody),
    (status = 404, description = "company_not_found (no such company, or not a member)", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let CreateWebhookRequest { url, event_types } = body.0;
    let allow = state.config.webhook_allow_loopback;
    let endpoint = state
        .db(move |conn| {
            webhook::create(
                conn,
                &user.actor,
                company_id,
                NewEndpoint { url, event_types },
                allow,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(WebhookEndpointWithSecret::from(endpoint)))
}

/// Lists the company's webhook endpoints.
///
/// Newest first, disabled ones included, without their secrets (owners and admins, or a key
/// with `webhooks:manage`).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id")), security(("bearer" = [])), responses(
    (status = 200, description = "The endpoints", body = Vec<WebhookEndpointView>),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found (no such company, or not a member)", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let list = state
        .db(move |conn| webhook::list(conn, &user.actor, company_id))
        .await?;
    Ok(HttpResponse::Ok().json(
        list.into_iter()
            .map(WebhookEndpointView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Deletes a webhook endpoint with its delivery log.
///
/// Nothing more is sent to it. Audited (`webhook.delete`).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id"), ("endpoint_id" = Uuid, Path, description = "webhook endpoint id")), security(("bearer" = [])), responses(
    (status = 204, description = "Deleted"),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found, webhook_endpoint_not_found (not an endpoint of this company)", body = ErrorBody)))]
#[delete("/api/v1/companies/{id}/webhooks/{endpoint_id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, endpoint_id) = path.into_inner();
    state
        .db(move |conn| webhook::delete(conn, &user.actor, company_id, endpoint_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives a webhook endpoint a new signing secret.
///
/// The previous secret keeps signing for 24 hours (a second signature in `webhook-signature`),
/// so the receiver can switch over. Audited (`webhook.rotate_secret`).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id"), ("endpoint_id" = Uuid, Path, description = "webhook endpoint id")), security(("bearer" = [])), responses(
    (status = 200, description = "The endpoint with its new secret", body = WebhookEndpointWithSecret),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found, webhook_endpoint_not_found", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/webhooks/{endpoint_id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, endpoint_id) = path.into_inner();
    let endpoint = state
        .db(move |conn| webhook::rotate_secret(conn, &user.actor, company_id, endpoint_id))
        .await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointWithSecret::from(endpoint)))
}

/// Enables a disabled webhook endpoint again.
///
/// For a receiver that works again after the endpoint was disabled: new events are sent to it,
/// and it is disabled again only after failing for a whole new window. Deliveries failed
/// meanwhile stay failed (replay them). An active endpoint is returned as it is. Audited
/// (`webhook.enable`).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id"), ("endpoint_id" = Uuid, Path, description = "webhook endpoint id")), security(("bearer" = [])), responses(
    (status = 200, description = "The endpoint, active", body = WebhookEndpointView),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found, webhook_endpoint_not_found", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/webhooks/{endpoint_id}/enable")]
pub async fn enable_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, endpoint_id) = path.into_inner();
    let endpoint = state
        .db(move |conn| webhook::enable(conn, &user.actor, company_id, endpoint_id))
        .await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointView::from(endpoint)))
}

/// Lists a webhook endpoint's deliveries.
///
/// The latest 100, newest first, each with its attempts (status, response code, latency).
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id"), ("endpoint_id" = Uuid, Path, description = "webhook endpoint id")), security(("bearer" = [])), responses(
    (status = 200, description = "The delivery log", body = Vec<WebhookDeliveryView>),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found, webhook_endpoint_not_found", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, endpoint_id) = path.into_inner();
    let list = state
        .db(move |conn| webhook::deliveries(conn, &user.actor, company_id, endpoint_id))
        .await?;
    Ok(HttpResponse::Ok().json(
        list.into_iter()
            .map(WebhookDeliveryView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Sends a webhook delivery again.
///
/// Same `webhook-id` and body; it becomes pending and is sent at the worker's next pass.
#[utoipa::path(tag = "webhooks", params(("id" = Uuid, Path, description = "company id"), ("endpoint_id" = Uuid, Path, description = "webhook endpoint id"), ("delivery_id" = String, Path, description = "the delivery's `webhook-id`")), security(("bearer" = [])), responses(
    (status = 200, description = "The delivery, pending again", body = WebhookDeliveryView),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), scope_missing", body = ErrorBody),
    (status = 404, description = "company_not_found, webhook_endpoint_not_found, webhook_delivery_not_found", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay")]
pub async fn replay_webhook_delivery(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid, String)>,
) -> ApiResult<HttpResponse> {
    let (company_id, endpoint_id, delivery_id) = path.into_inner();
    let delivery = state
        .db(move |conn| webhook::replay(conn, &user.actor, company_id, endpoint_id, &delivery_id))
        .await?;
    Ok(HttpResponse::Ok().json(WebhookDeliveryView::from(delivery)))
}
