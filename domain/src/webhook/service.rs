//! Registering, listing, deleting and rotating endpoints; the delivery log and replay; and
//! `enqueue`, which the event services call inside their own transactions.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use super::error::WebhookError;
use super::guard::{UrlCheck, check_url};
use super::model::{
    Attempt, AttemptRow, Delivery, DeliveryRow, DeliveryStatus, Endpoint, EndpointRow,
    EndpointStatus, EventType, NewEndpoint, SECRET_PREFIX,
};
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::db::schema::{companies, webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::db::{self, DbConnection};
use crate::membership::role_in;
use crate::validate::Validator;

/// How long the previous secret keeps signing after a rotation, so receivers can switch over.
pub const PREVIOUS_SECRET_GRACE: Duration = Duration::hours(24);

/// Endpoints a company may have.
const MAX_ENDPOINTS: i64 = 50;

/// Deliveries the log shows, newest first.
const LOG_LIMIT: i64 = 100;

fn new_secret() -> Result<String, WebhookError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| WebhookError::Database(diesel::result::Error::QueryBuilderError(e.into())))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// A new `webhook-id`.
pub(crate) fn new_message_id() -> String {
    format!("msg_{}", crate::ids::new_id().simple())
}

/// Owners and admins manage webhooks; other members and operators get 403; everyone else (and
/// a company that does not exist) 404.
pub(super) fn authorize(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<(), WebhookError> {
    let role = role_in(conn, company_id, actor.user_id)?;
    if may_on_company(actor, role, CompanyAction::ManageWebhooks) {
        return Ok(());
    }
    if role.is_some() {
        return Err(WebhookError::Forbidden);
    }
    if actor.is_operator() {
        let exists: i64 = companies::table
            .find(company_id.to_string())
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(WebhookError::Forbidden);
        }
    }
    Err(WebhookError::CompanyNotFound)
}

pub(super) fn endpoint_row(
    conn: &mut DbConnection,
    company_id: Uuid,
    endpoint_id: Uuid,
) -> Result<EndpointRow, WebhookError> {
    webhook_endpoints::table
        .find(endpoint_id.to_string())
        .filter(webhook_endpoints::company_id.eq(company_id.to_string()))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(WebhookError::EndpointNotFound)
}

/// Registers an endpoint; it starts active with a new secret. `allow_loopback` is the test-only
/// allowance of the server-side request forgery rules.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    input: NewEndpoint,
    allow_loopback: bool,
) -> Result<Endpoint, WebhookError> {
    authorize(conn, actor, company_id)?;
    let mut v = Validator::new();
    let url = input.url.trim().to_owned();
    if url.len() > 2000 {
        v.push("url", "too_long", "at most 2000 characters");
    } else {
        match check_url(&url, allow_loopback) {
            UrlCheck::Ok { .. } => {}
            UrlCheck::Refused(why @ "the address is not public") => {
                v.push("url", "not_allowed", why)
            }
            UrlCheck::Refused(why) => v.push("url", "invalid_url", why),
        }
    }
    let mut types: Vec<EventType> = Vec::new();
    v.check(
        !input.event_types.is_empty(),
        "event_types",
        "required",
        "subscribe to at least one event type",
    );
    for (i, name) in input.event_types.iter().enumerate() {
        match EventType::parse(name) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => v.push(format!("event_types[{i}]"), "duplicate", "listed twice"),
            None => v.push(
                format!("event_types[{i}]"),
                "invalid_choice",
                format!("one of {}", EventType::names()),
            ),
        }
    }
    v.finish().map_err(WebhookError::Validation)?;
    let secret = new_secret()?;
    db::transaction(conn, |conn| {
        let count: i64 = webhook_endpoints::table
            .filter(webhook_endpoints::company_id.eq(company_id.to_string()))
            .count()
            .get_result(conn)?;
        if count >= MAX_ENDPOINTS {
            return Err(WebhookError::Validation(vec![
                crate::error::FieldError::new(
                    "url",
                    "too_many",
                    format!("a company has at most {MAX_ENDPOINTS} webhook endpoints"),
                ),
            ]));
        }
        let at = now();
        let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
        let row = EndpointRow {
            id: crate::ids::new_id().to_string(),
            company_id: company_id.to_string(),
            created_by: actor.user_id.to_string(),
            url,
            event_types: json!(names).to_string(),
            secret,
            previous_secret: None,
            previous_expires_at: None,
            status: EndpointStatus::Active.as_str().to_owned(),
            failing_since: None,
            disabled_at: None,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(webhook_endpoints::table)
            .values(&row)
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "webhook.create",
                subject_type: "webhook_endpoint",
                subject_id: &row.id,
                before: serde_json::Value::Null,
                after: json!({"company_id": row.company_id, "url": row.url, "event_types": names}),
                reason: "",
            },
        )?;
        Ok(Endpoint::from(row))
    })
}

/// The company's endpoints, newest first.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<Vec<Endpoint>, WebhookError> {
    authorize(conn, actor, company_id)?;
    let rows: Vec<EndpointRow> = webhook_endpoints::table
        .filter(webhook_endpoints::company_id.eq(company_id.to_string()))
        .order(webhook_endpoints::created_at.desc())
        .select(EndpointRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Endpoint::from).collect())
}

/// Deletes an endpoint with its delivery log; nothing more is sent to it.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    endpoint_id: Uuid,
) -> Result<(), WebhookError> {
    authorize(conn, actor, company_id)?;
    db::transaction(conn, |conn| {
        let row = endpoint_row(conn, company_id, endpoint_id)?;
        let deliveries = webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(&row.id))
            .select(webhook_deliveries::id);
        diesel::delete(
            webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
        )
        .execute(conn)?;
        diesel::delete(
            webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(&row.id)),
        )
        .execute(conn)?;
        diesel::delete(webhook_endpoints::table.find(&row.id)).execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "webhook.delete",
                subject_type: "webhook_endpoint",
                subject_id: &row.id,
                before: json!({"company_id": row.company_id, "url": row.url}),
                after: serde_json::Value::Null,
                reason: "",
            },
        )?;
        Ok(())
    })
}

/// Gives the endpoint a new secret; the previous one keeps signing (a second signature in
/// `webhook-signature`) for `PREVIOUS_SECRET_GRACE`. Rotation changes only the secret.
pub fn rotate_secret(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    endpoint_id: Uuid,
) -> Result<Endpoint, WebhookError> {
    authorize(conn, actor, company_id)?;
    let secret = new_secret()?;
    db::transaction(conn, |conn| {
        let mut row = endpoint_row(conn, company_id, endpoint_id)?;
        let at = now();
        row.previous_secret = Some(std::mem::replace(&mut row.secret, secret));
        row.previous_expires_at = Some(at + PREVIOUS_SECRET_GRACE);
        row.updated_at = at;
        diesel::update(webhook_endpoints::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "webhook.rotate_secret",
                subject_type: "webhook_endpoint",
                subject_id: &row.id,
                before: serde_json::Value::Null,
                after: serde_json::Value::Null,
                reason: "",
            },
        )?;
        Ok(Endpoint::from(row))
    })
}

fn attempts_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<AttemptRow>> {
    webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(ids))
        .order((
            webhook_attempts::attempted_at.asc(),
            webhook_attempts::id.asc(),
        ))
        .select(AttemptRow::as_select())
        .load(conn)
}

/// The endpoint's delivery log: its latest deliveries, newest first, each with its attempts.
pub fn deliveries(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    endpoint_id: Uuid,
) -> Result<Vec<Delivery>, WebhookError> {
    authorize(conn, actor, company_id)?;
    let endpoint = endpoint_row(conn, company_id, endpoint_id)?;
    let rows: Vec<DeliveryRow> = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(&endpoint.id))
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(LOG_LIMIT)
        .select(DeliveryRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut attempts = attempts_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine: Vec<Attempt> = attempts
                .extract_if(.., |a| a.delivery_id == r.id)
                .map(Attempt::from)
                .collect();
            Delivery::from_row(r, mine)
        })
        .collect())
}

/// Sends a delivery again, with the same `webhook-id` and body: it becomes pending, due now.
/// The worker sends only to active endpoints: a replay on a disabled one waits until it is
/// enabled again (`enable`).
pub fn replay(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    endpoint_id: Uuid,
    delivery_id: &str,
) -> Result<Delivery, WebhookError> {
    authorize(conn, actor, company_id)?;
    db::transaction(conn, |conn| {
        let endpoint = endpoint_row(conn, company_id, endpoint_id)?;
        let mut row: DeliveryRow = webhook_deliveries::table
            .find(delivery_id)
            .filter(webhook_deliveries::endpoint_id.eq(&endpoint.id))
            .select(DeliveryRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(WebhookError::DeliveryNotFound)?;
        let at = now();
        diesel::update(webhook_deliveries::table.find(&row.id))
            .set((
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::updated_at.eq(at),
            ))
            .execute(conn)?;
        row.status = DeliveryStatus::Pending.as_str().to_owned();
        row.next_attempt_at = at;
        let attempts = attempts_of(conn, std::slice::from_ref(&row.id))?
            .into_iter()
            .map(Attempt::from)
            .collect();
        Ok(Delivery::from_row(row, attempts))
    })
}

/// Writes one delivery of `event` for every active endpoint of the company that subscribes to
/// it. Call it inside the transaction of the event: the delivery commits with it or not at all.
/// The body is `{"type", "timestamp", "data"}` and never changes afterwards.
pub fn enqueue(
    conn: &mut DbConnection,
    company_id: Uuid,
    event: EventType,
    data: serde_json::Value,
) -> QueryResult<()> {
    let endpoints: Vec<(String, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::company_id.eq(company_id.to_string()))
        .filter(webhook_endpoints::status.eq(EndpointStatus::Active.as_str()))
        .select((webhook_endpoints::id, webhook_endpoints::event_types))
        .load(conn)?;
    let at = now();
    let stamp = crate::ids::rfc3339(at);
    for (endpoint_id, types) in endpoints {
        let types: Vec<String> = serde_json::from_str(&types).unwrap_or_default();
        if !types.iter().any(|t| t == event.as_str()) {
            continue;
        }
        let body = json!({"type": event.as_str(), "timestamp": stamp, "data": data});
        diesel::insert_into(webhook_deliveries::table)
            .values(&DeliveryRow {
                id: new_message_id(),
                endpoint_id,
                event_type: event.as_str().to_owned(),
                payload: body.to_string(),
                status: DeliveryStatus::Pending.as_str().to_owned(),
                attempts: 0,
                next_attempt_at: at,
                last_response_code: None,
                last_latency_ms: None,
                last_error: None,
                created_at: at,
                updated_at: at,
            })
            .execute(conn)?;
    }
    Ok(())
}
