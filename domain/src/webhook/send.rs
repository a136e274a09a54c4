//! What the webhook worker needs: claiming due deliveries under a lease (a worker killed while
//! sending leaves the lease to expire, and the delivery is sent again with the same
//! `webhook-id`), recording each attempt in the log, the retry schedule, and disabling an
//! endpoint that has failed for too long (its owners and admins get an e-mail).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::model::{AttemptRow, DeliveryStatus, EndpointRow, EndpointStatus};
use crate::clock::now;
use crate::db::schema::{users, webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::db::{self, DbConnection};
use crate::email::{EmailCategory, NewEmail};
use crate::ids::{new_id, parse_db_id};

/// The retry and disabling rules (from the server's configuration).
#[derive(Debug, Clone)]
pub struct Policy {
    /// The first retry's delay; each further one doubles, up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// A delivery still failing this long after its event is given up (`failed`).
    pub give_up_after: Duration,
    /// An endpoint whose every attempt has failed for this long is disabled.
    pub disable_after: Duration,
    /// How long a claimed delivery is left to its worker before another may send it.
    pub lease: Duration,
    /// The host of the Message-IDs of the e-mail sent when an endpoint is disabled.
    pub message_id_host: String,
}

/// A claimed delivery, with what sending it needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    /// The `webhook-id`.
    pub id: String,
    pub endpoint_id: Uuid,
    pub url: String,
    /// The exact body.
    pub payload: String,
    /// The secrets that sign it: the current one, then the previous one during a rotation.
    pub secrets: Vec<String>,
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub succeeded: bool,
    pub response_code: Option<i32>,
    pub latency_ms: i64,
    /// Why it failed without an answer (timeout, refused address, connection error).
    pub error: Option<String>,
}

/// The delay before retry number `attempts` (1 after the first failure): `base · 2^(n-1)`,
/// capped, then "equal jitter" (a random point in its upper half), so endpoints that failed
/// together do not retry together.
pub fn backoff(attempts: i32, base: Duration, cap: Duration, random: u32) -> Duration {
    let exp = attempts.clamp(1, 30) - 1;
    let full = base
        .checked_mul(1i32 << exp)
        .map_or(cap, |d| d.min(cap))
        .max(Duration::ZERO);
    let half = full / 2;
    half + half * (f64::from(random) / f64::from(u32::MAX))
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    u32::from_le_bytes(b)
}

/// Claims up to `limit` due deliveries of active endpoints: each is leased (its next attempt
/// moved `policy.lease` ahead) so no other worker sends it meanwhile.
pub fn claim(
    conn: &mut DbConnection,
    limit: i64,
    policy: &Policy,
) -> QueryResult<Vec<DueDelivery>> {
    db::transaction(conn, |conn| {
        let at = now();
        let due: Vec<(String, PrimitiveDateTime, String)> = webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(at))
            .filter(webhook_endpoints::status.eq(EndpointStatus::Active.as_str()))
            .order(webhook_deliveries::next_attempt_at.asc())
            .limit(limit)
            .select((
                webhook_deliveries::id,
                webhook_deliveries::next_attempt_at,
                webhook_deliveries::payload,
            ))
            .load(conn)?;
        let mut out = Vec::new();
        for (id, next, payload) in due {
            let claimed = diesel::update(
                webhook_deliveries::table
                    .find(&id)
                    .filter(webhook_deliveries::next_attempt_at.eq(next))
                    .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
            )
            .set(webhook_deliveries::next_attempt_at.eq(at + policy.lease))
            .execute(conn)?;
            if claimed == 0 {
                continue;
            }
            let endpoint: EndpointRow = webhook_endpoints::table
                .inner_join(webhook_deliveries::table)
                .filter(webhook_deliveries::id.eq(&id))
                .select(EndpointRow::as_select())
                .first(conn)?;
            let mut secrets = vec![endpoint.secret.clone()];
            if let (Some(prev), Some(until)) = (
                endpoint.previous_secret.clone(),
                endpoint.previous_expires_at,
            ) && until > at
            {
                secrets.push(prev);
            }
            out.push(DueDelivery {
                id,
                endpoint_id: parse_db_id(&endpoint.id),
                url: endpoint.url,
                payload,
                secrets,
            });
        }
        Ok(out)
    })
}

/// Records one attempt: the log row, the delivery's state (delivered, retried later with
/// backoff, or given up) and the endpoint's failure streak. Disables an endpoint that has
/// failed for `policy.disable_after` and queues an e-mail to each of the company's owners and
/// admins; returns whether it queued any (the caller wakes the mail worker).
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery_id: &str,
    result: &AttemptResult,
    policy: &Policy,
) -> QueryResult<bool> {
    db::transaction(conn, |conn| {
        let at = now();
        let Some((endpoint_id, attempts, created_at)): Option<(String, i32, PrimitiveDateTime)> =
            webhook_deliveries::table
                .find(delivery_id)
                .select((
                    webhook_deliveries::endpoint_id,
                    webhook_deliveries::attempts,
                    webhook_deliveries::created_at,
                ))
                .first(conn)
                .optional()?
        else {
            // Deleted with its endpoint meanwhile.
            return Ok(false);
        };
        diesel::insert_into(webhook_attempts::table)
            .values(&AttemptRow {
                id: new_id().to_string(),
                delivery_id: delivery_id.to_owned(),
                attempted_at: at,
                outcome: if result.succeeded {
                    "succeeded"
                } else {
                    "failed"
                }
                .to_owned(),
                response_code: result.response_code,
                latency_ms: result.latency_ms,
                error: result.error.clone(),
            })
            .execute(conn)?;
        let attempts = attempts + 1;
        let (status, next) = if result.succeeded {
            (DeliveryStatus::Delivered, at)
        } else if at - created_at >= policy.give_up_after {
            (DeliveryStatus::Failed, at)
        } else {
            let delay = backoff(attempts, policy.retry_base, policy.retry_cap, random_u32());
            (DeliveryStatus::Pending, at + delay)
        };
        diesel::update(webhook_deliveries::table.find(delivery_id))
            .set((
                webhook_deliveries::status.eq(status.as_str()),
                webhook_deliveries::attempts.eq(attempts),
                webhook_deliveries::next_attempt_at.eq(next),
                webhook_deliveries::last_response_code.eq(result.response_code),
                webhook_deliveries::last_latency_ms.eq(Some(result.latency_ms)),
                webhook_deliveries::last_error.eq(&result.error),
                webhook_deliveries::updated_at.eq(at),
            ))
            .execute(conn)?;
        let endpoint: EndpointRow = webhook_endpoints::table
            .find(&endpoint_id)
            .select(EndpointRow::as_select())
            .first(conn)?;
        if result.succeeded {
            if endpoint.failing_since.is_some() {
                diesel::update(webhook_endpoints::table.find(&endpoint_id))
                    .set(webhook_endpoints::failing_since.eq(None::<PrimitiveDateTime>))
                    .execute(conn)?;
            }
            return Ok(false);
        }
        let Some(since) = endpoint.failing_since else {
            diesel::update(webhook_endpoints::table.find(&endpoint_id))
                .set(webhook_endpoints::failing_since.eq(Some(at)))
                .execute(conn)?;
            return Ok(false);
        };
        if endpoint.status != EndpointStatus::Active.as_str() || at - since < policy.disable_after {
            return Ok(false);
        }
        disable(conn, &endpoint, at, policy)
    })
}

/// Disables the endpoint, gives up its pending deliveries and tells the company's owners and
/// admins by e-mail.
fn disable(
    conn: &mut DbConnection,
    endpoint: &EndpointRow,
    at: PrimitiveDateTime,
    policy: &Policy,
) -> QueryResult<bool> {
    diesel::update(webhook_endpoints::table.find(&endpoint.id))
        .set((
            webhook_endpoints::status.eq(EndpointStatus::Disabled.as_str()),
            webhook_endpoints::disabled_at.eq(Some(at)),
            webhook_endpoints::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(&endpoint.id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
        webhook_deliveries::last_error.eq(Some("endpoint disabled")),
        webhook_deliveries::updated_at.eq(at),
    ))
    .execute(conn)?;
    let managers = crate::membership::managers(conn, parse_db_id(&endpoint.company_id))?;
    let mut queued = false;
    for user_id in managers {
        let email: Option<String> = users::table
            .find(user_id.to_string())
            .select(users::email)
            .first(conn)
            .optional()?;
        let Some(email) = email else { continue };
        let text = format!(
            "The webhook endpoint {url} has failed every delivery since {since} and was \
             disabled. Nothing more is sent to it. Check the receiver, then enable the endpoint \
             again (its failed deliveries can be replayed); its delivery log shows each \
             attempt.\n",
            url = endpoint.url,
            since = endpoint
                .failing_since
                .map(crate::ids::rfc3339)
                .unwrap_or_default(),
        );
        let html = format!("<p>{}</p>", ammonia::clean_text(&text));
        queued |= crate::email::enqueue(
            conn,
            NewEmail {
                category: EmailCategory::Transactional,
                kind: "webhook_disabled".into(),
                user_id: Some(user_id),
                to_address: email,
                subject: "A webhook endpoint was disabled".into(),
                text_body: text,
                html_body: html,
                list_unsubscribe: None,
                tracking: false,
                dedupe_key: Some(format!(
                    "webhook_disabled:{}:{}:{user_id}",
                    endpoint.id,
                    crate::ids::rfc3339(at)
                )),
            },
            &policy.message_id_host,
        )?
        .is_some();
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let base = Duration::seconds(5);
        let cap = Duration::hours(10);
        assert_eq!(backoff(1, base, cap, u32::MAX), Duration::seconds(5));
        assert_eq!(backoff(1, base, cap, 0), Duration::milliseconds(2500));
        assert_eq!(backoff(4, base, cap, u32::MAX), Duration::seconds(40));
        assert_eq!(backoff(30, base, cap, u32::MAX), cap);
        let mid = backoff(3, base, cap, u32::MAX / 2);
        assert!(
            mid > Duration::seconds(10) && mid < Duration::seconds(20),
            "{mid}"
        );
    }
}
