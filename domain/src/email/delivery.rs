//! Moving jobs forward: claiming due jobs under a lease, and recording what happened to each
//! send in its own short transaction.
//!
//! At-least-once with one narrow window: between the mail server's acceptance of a message and
//! the commit of `record_outcome` (one row update and one event insert). A worker killed inside
//! that window leaves the job `sending`; when its lease expires another worker sends it again,
//! under the same Message-ID. Nothing else can send a job twice: a claim is a row lock
//! (PostgreSQL `FOR UPDATE SKIP LOCKED`) or the single SQLite writer (`BEGIN IMMEDIATE`).

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::EmailCategory;
use super::classify::{Verdict, classify};
use super::model::{EmailJob, EventKind, JobRow, JobStatus, SuppressionReason, normalize_address};
use super::suppression::{pause_domain_in_tx, suppress_in_tx};
use crate::clock::now;
use crate::db::schema::{
    email_address_failures, email_domain_pauses, email_events, email_jobs, email_preferences,
    email_suppressions,
};
use crate::db::{self, DbConnection};
use crate::ids::new_id;

/// The delivery rules a deployment configures (see the api crate's `Config`).
#[derive(Debug, Clone)]
pub struct DeliveryPolicy {
    /// How long a claim lasts; a job still `sending` after that is claimed again.
    pub lease: Duration,
    /// Jobs claimed at once by one worker.
    pub batch_size: i64,
    /// First retry delay after a temporary failure; doubles per attempt up to `retry_max`,
    /// with ±20 % jitter.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// A job that keeps failing temporarily this long after it was queued is given up.
    pub give_up_after: Duration,
    /// Soft bounces before an address is suppressed …
    pub soft_bounce_limit: i32,
    /// … when they are spread over at least this long.
    pub soft_bounce_window: Duration,
    /// How long a policy block (5.7.x) pauses sending to the recipient domain.
    pub domain_pause: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> DeliveryPolicy {
        DeliveryPolicy {
            lease: Duration::seconds(60),
            batch_size: 50,
            retry_base: Duration::seconds(60),
            retry_max: Duration::hours(1),
            give_up_after: Duration::days(5),
            soft_bounce_limit: 5,
            soft_bounce_window: Duration::hours(72),
            domain_pause: Duration::hours(1),
        }
    }
}

/// Soft-bounce counts older than this start again from one.
const SOFT_BOUNCE_MEMORY: Duration = Duration::days(30);

/// What one claim did.
#[derive(Debug, Default)]
pub struct Claim {
    /// Leased to this worker until `lease_until`: send these.
    pub jobs: Vec<EmailJob>,
    pub lease_until: Option<PrimitiveDateTime>,
    /// Marked `suppressed` (the address is on the suppression list).
    pub suppressed: usize,
    /// Marked `cancelled` (lead mail without confirmed consent).
    pub cancelled: usize,
    /// Put back until their domain's pause ends.
    pub paused: usize,
}

macro_rules! due_ids {
    ($at:expr, $limit:expr) => {
        email_jobs::table
            .filter(
                email_jobs::status
                    .eq(JobStatus::Queued.as_str())
                    .and(email_jobs::next_attempt_at.le($at))
                    .or(email_jobs::status
                        .eq(JobStatus::Sending.as_str())
                        .and(email_jobs::locked_until.lt($at))),
            )
            .order(email_jobs::next_attempt_at.asc())
            .select(email_jobs::id)
            .limit($limit)
    };
}

/// Claims up to `policy.batch_size` due jobs (queued and due, or `sending` with an expired
/// lease) for `worker`. In the same transaction, jobs to suppressed addresses are marked
/// `suppressed`, lead mail whose recipient no longer consents is `cancelled`, and jobs to a
/// paused domain wait for the end of the pause.
pub fn claim_due(
    conn: &mut DbConnection,
    worker: &str,
    policy: &DeliveryPolicy,
) -> QueryResult<Claim> {
    db::transaction(conn, |conn| {
        let at = now();
        let limit = policy.batch_size.max(1);
        let ids: Vec<String> = match conn {
            DbConnection::Pg(pg) => due_ids!(at, limit).for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(_) => due_ids!(at, limit).load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Claim::default());
        }
        let rows: Vec<JobRow> = email_jobs::table
            .filter(email_jobs::id.eq_any(&ids))
            .select(JobRow::as_select())
            .load(conn)?;
        let mut claim = Claim::default();

        let addresses: Vec<String> = rows
            .iter()
            .map(|r| normalize_address(&r.to_address))
            .collect();
        let suppressed: Vec<(String, String)> = email_suppressions::table
            .filter(email_suppressions::address.eq_any(&addresses))
            .select((email_suppressions::address, email_suppressions::reason))
            .load(conn)?;
        let domains: Vec<&str> = rows.iter().map(|r| r.to_domain.as_str()).collect();
        let pauses: Vec<(String, PrimitiveDateTime)> = email_domain_pauses::table
            .filter(email_domain_pauses::domain.eq_any(&domains))
            .filter(email_domain_pauses::paused_until.gt(at))
            .select((
                email_domain_pauses::domain,
                email_domain_pauses::paused_until,
            ))
            .load(conn)?;
        let lead_users: Vec<&str> = rows
            .iter()
            .filter(|r| r.category == EmailCategory::Lead.as_str())
            .filter_map(|r| r.user_id.as_deref())
            .collect();
        let consenting: Vec<String> = if lead_users.is_empty() {
            Vec::new()
        } else {
            email_preferences::table
                .filter(email_preferences::user_id.eq_any(&lead_users))
                .filter(email_preferences::lead_consent.eq("confirmed"))
                .select(email_preferences::user_id)
                .load(conn)?
        };

        let lease_until = at + policy.lease;
        let mut leased = Vec::new();
        for row in rows {
            let address = normalize_address(&row.to_address);
            if let Some((_, reason)) = suppressed.iter().find(|(a, _)| *a == address) {
                finish(
                    conn,
                    &row.id,
                    JobStatus::Suppressed,
                    &format!("address suppressed ({reason})"),
                )?;
                claim.suppressed += 1;
                continue;
            }
            if row.category == EmailCategory::Lead.as_str()
                && !row.user_id.as_ref().is_some_and(|u| consenting.contains(u))
            {
                finish(
                    conn,
                    &row.id,
                    JobStatus::Cancelled,
                    "the recipient does not consent to lead e-mail",
                )?;
                claim.cancelled += 1;
                continue;
            }
            if let Some((_, until)) = pauses.iter().find(|(d, _)| *d == row.to_domain) {
                diesel::update(email_jobs::table.find(&row.id))
                    .set((
                        email_jobs::status.eq(JobStatus::Queued.as_str()),
                        email_jobs::next_attempt_at.eq(*until),
                        email_jobs::locked_by.eq(None::<String>),
                        email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                    ))
                    .execute(conn)?;
                claim.paused += 1;
                continue;
            }
            leased.push(row);
        }
        if !leased.is_empty() {
            let ids: Vec<&str> = leased.iter().map(|r| r.id.as_str()).collect();
            diesel::update(email_jobs::table.filter(email_jobs::id.eq_any(&ids)))
                .set((
                    email_jobs::status.eq(JobStatus::Sending.as_str()),
                    email_jobs::locked_by.eq(worker),
                    email_jobs::locked_until.eq(lease_until),
                    email_jobs::attempts.eq(email_jobs::attempts + 1),
                ))
                .execute(conn)?;
        }
        claim.jobs = leased
            .into_iter()
            .map(|mut r| {
                r.attempts += 1;
                r.status = JobStatus::Sending.as_str().to_owned();
                EmailJob::from(r)
            })
            .collect();
        claim.lease_until = Some(lease_until);
        Ok(claim)
    })
}

fn finish(conn: &mut DbConnection, id: &str, status: JobStatus, why: &str) -> QueryResult<()> {
    diesel::update(email_jobs::table.find(id))
        .set((
            email_jobs::status.eq(status.as_str()),
            email_jobs::locked_by.eq(None::<String>),
            email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
            email_jobs::last_error.eq(why),
        ))
        .execute(conn)?;
    Ok(())
}

/// What one send attempt came to.
#[derive(Debug, Clone)]
pub enum SendResult {
    /// The server accepted the message (or the `.eml` file was written).
    Accepted { reply: Option<String> },
    /// The server answered with an error: `code` is its three-digit code, `text` the reply.
    Refused { code: Option<u16>, text: String },
    /// No answer about this message: connection refused, TLS or network failure, timeout,
    /// or a server-level 421. Not held against the recipient.
    Unavailable { error: String },
    /// The message could not be built (an unusable address, say): sending will never work.
    Unsendable { error: String },
}

/// What `record_outcome` did with the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Back to `queued` for a later attempt.
    Retrying,
    /// Back to `queued` until the recipient domain's pause ends.
    DomainPaused,
    /// Released without counting the attempt (the mail server was unreachable).
    Released,
    Failed,
    /// Failed, and the address is now suppressed.
    Suppressed,
}

/// Records the result of sending `job` in one transaction. `Accepted` is the row update plus
/// the `sent` event: this commit is what closes the duplicate window.
pub fn record_outcome(
    conn: &mut DbConnection,
    job: &EmailJob,
    result: &SendResult,
    policy: &DeliveryPolicy,
) -> QueryResult<Outcome> {
    db::transaction(conn, |conn| {
        let at = now();
        let id = job.id.to_string();
        match result {
            SendResult::Accepted { reply } => {
                diesel::update(email_jobs::table.find(&id))
                    .set((
                        email_jobs::status.eq(JobStatus::Sent.as_str()),
                        email_jobs::sent_at.eq(at),
                        email_jobs::locked_by.eq(None::<String>),
                        email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                        email_jobs::last_error.eq(None::<String>),
                    ))
                    .execute(conn)?;
                add_event(conn, job, EventKind::Sent, reply.as_deref(), at)?;
                diesel::delete(
                    email_address_failures::table.find(normalize_address(&job.to_address)),
                )
                .execute(conn)?;
                if job.category == EmailCategory::Lead
                    && let Some(user) = job.user_id
                {
                    diesel::update(email_preferences::table.find(user.to_string()))
                        .set(
                            email_preferences::unengaged_sends
                                .eq(email_preferences::unengaged_sends + 1),
                        )
                        .execute(conn)?;
                }
                Ok(Outcome::Sent)
            }
            SendResult::Unavailable { error } => {
                diesel::update(email_jobs::table.find(&id))
                    .set((
                        email_jobs::status.eq(JobStatus::Queued.as_str()),
                        email_jobs::attempts.eq(email_jobs::attempts - 1),
                        email_jobs::locked_by.eq(None::<String>),
                        email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                        email_jobs::last_error.eq(truncate(error)),
                    ))
                    .execute(conn)?;
                Ok(Outcome::Released)
            }
            SendResult::Unsendable { error } => {
                finish(conn, &id, JobStatus::Failed, &truncate(error))?;
                Ok(Outcome::Failed)
            }
            SendResult::Refused { code, text } => {
                let detail = match code {
                    Some(c) => format!("{c} {text}"),
                    None => text.clone(),
                };
                let detail = truncate(&detail);
                apply_refusal(conn, job, classify(*code, text), &detail, policy, at)
            }
        }
    })
}

fn apply_refusal(
    conn: &mut DbConnection,
    job: &EmailJob,
    verdict: Verdict,
    detail: &str,
    policy: &DeliveryPolicy,
    at: PrimitiveDateTime,
) -> QueryResult<Outcome> {
    let id = job.id.to_string();
    let address = normalize_address(&job.to_address);
    match verdict {
        // A 2xx among errors cannot happen; treat it as accepted to be safe from loops.
        Verdict::Delivered => {
            diesel::update(email_jobs::table.find(&id))
                .set((
                    email_jobs::status.eq(JobStatus::Sent.as_str()),
                    email_jobs::sent_at.eq(at),
                    email_jobs::locked_by.eq(None::<String>),
                    email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                ))
                .execute(conn)?;
            add_event(conn, job, EventKind::Sent, Some(detail), at)?;
            Ok(Outcome::Sent)
        }
        Verdict::HardBounce => {
            suppress_in_tx(conn, &address, SuppressionReason::HardBounce, Some(detail))?;
            finish(conn, &id, JobStatus::Failed, detail)?;
            add_event(conn, job, EventKind::Bounced, Some(detail), at)?;
            Ok(Outcome::Suppressed)
        }
        Verdict::Rejected => {
            finish(conn, &id, JobStatus::Failed, detail)?;
            add_event(conn, job, EventKind::Bounced, Some(detail), at)?;
            Ok(Outcome::Failed)
        }
        Verdict::PolicyBlock => {
            let until = pause_domain_in_tx(conn, &job.to_domain, at + policy.domain_pause, detail)?;
            diesel::update(email_jobs::table.find(&id))
                .set((
                    email_jobs::status.eq(JobStatus::Queued.as_str()),
                    email_jobs::next_attempt_at.eq(until),
                    email_jobs::locked_by.eq(None::<String>),
                    email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                    email_jobs::last_error.eq(detail),
                ))
                .execute(conn)?;
            add_event(conn, job, EventKind::Deferred, Some(detail), at)?;
            Ok(Outcome::DomainPaused)
        }
        Verdict::SoftBounce | Verdict::Transient => {
            if verdict == Verdict::SoftBounce
                && count_soft_bounce(conn, &address, policy, at, detail)?
            {
                finish(conn, &id, JobStatus::Failed, detail)?;
                add_event(conn, job, EventKind::Bounced, Some(detail), at)?;
                return Ok(Outcome::Suppressed);
            }
            if at - job.created_at >= policy.give_up_after {
                let why = format!("gave up after {} attempts: {detail}", job.attempts);
                finish(conn, &id, JobStatus::Failed, &truncate(&why))?;
                add_event(conn, job, EventKind::Bounced, Some(&why), at)?;
                return Ok(Outcome::Failed);
            }
            let next = at + retry_delay(policy, job.attempts);
            diesel::update(email_jobs::table.find(&id))
                .set((
                    email_jobs::status.eq(JobStatus::Queued.as_str()),
                    email_jobs::next_attempt_at.eq(next),
                    email_jobs::locked_by.eq(None::<String>),
                    email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
                    email_jobs::last_error.eq(detail),
                ))
                .execute(conn)?;
            add_event(conn, job, EventKind::Deferred, Some(detail), at)?;
            Ok(Outcome::Retrying)
        }
    }
}

/// Counts one soft bounce of `address`; true when it is now suppressed (`soft_bounce_limit`
/// failures spread over at least `soft_bounce_window`).
pub(crate) fn count_soft_bounce(
    conn: &mut DbConnection,
    address: &str,
    policy: &DeliveryPolicy,
    at: PrimitiveDateTime,
    detail: &str,
) -> QueryResult<bool> {
    let current: Option<(i32, PrimitiveDateTime, PrimitiveDateTime)> =
        email_address_failures::table
            .find(address)
            .select((
                email_address_failures::soft_bounces,
                email_address_failures::first_failure_at,
                email_address_failures::last_failure_at,
            ))
            .first(conn)
            .optional()?;
    let (count, first) = match current {
        Some((n, first, last)) if at - last < SOFT_BOUNCE_MEMORY => {
            diesel::update(email_address_failures::table.find(address))
                .set((
                    email_address_failures::soft_bounces.eq(n + 1),
                    email_address_failures::last_failure_at.eq(at),
                ))
                .execute(conn)?;
            (n + 1, first)
        }
        Some(_) => {
            diesel::update(email_address_failures::table.find(address))
                .set((
                    email_address_failures::soft_bounces.eq(1),
                    email_address_failures::first_failure_at.eq(at),
                    email_address_failures::last_failure_at.eq(at),
                ))
                .execute(conn)?;
            (1, at)
        }
        None => {
            // The write transaction serialises writers on SQLite; on PostgreSQL a concurrent
            // first failure of the same address would abort this transaction and the job is
            // simply retried.
            diesel::insert_into(email_address_failures::table)
                .values((
                    email_address_failures::address.eq(address),
                    email_address_failures::soft_bounces.eq(1),
                    email_address_failures::first_failure_at.eq(at),
                    email_address_failures::last_failure_at.eq(at),
                ))
                .execute(conn)?;
            (1, at)
        }
    };
    if count >= policy.soft_bounce_limit.max(1) && at - first >= policy.soft_bounce_window {
        let why = format!("{count} soft bounces since {first}: {detail}");
        suppress_in_tx(conn, address, SuppressionReason::SoftBounce, Some(&why))?;
        return Ok(true);
    }
    Ok(false)
}

/// Puts jobs this worker claimed but did not try back in the queue, without counting an
/// attempt (the worker is stopping, or the mail server went away mid-batch).
pub fn release(conn: &mut DbConnection, worker: &str, ids: &[Uuid]) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    db::transaction(conn, |conn| {
        diesel::update(
            email_jobs::table
                .filter(email_jobs::id.eq_any(&ids))
                .filter(email_jobs::status.eq(JobStatus::Sending.as_str()))
                .filter(email_jobs::locked_by.eq(worker)),
        )
        .set((
            email_jobs::status.eq(JobStatus::Queued.as_str()),
            email_jobs::attempts.eq(email_jobs::attempts - 1),
            email_jobs::locked_by.eq(None::<String>),
            email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)
    })
}

/// Delays one job (a per-domain sending limit said "not yet") without counting an attempt.
pub fn postpone(
    conn: &mut DbConnection,
    worker: &str,
    id: Uuid,
    until: PrimitiveDateTime,
) -> QueryResult<()> {
    db::transaction(conn, |conn| {
        diesel::update(
            email_jobs::table
                .find(id.to_string())
                .filter(email_jobs::status.eq(JobStatus::Sending.as_str()))
                .filter(email_jobs::locked_by.eq(worker)),
        )
        .set((
            email_jobs::status.eq(JobStatus::Queued.as_str()),
            email_jobs::attempts.eq(email_jobs::attempts - 1),
            email_jobs::next_attempt_at.eq(until),
            email_jobs::locked_by.eq(None::<String>),
            email_jobs::locked_until.eq(None::<PrimitiveDateTime>),
        ))
        .execute(conn)?;
        Ok(())
    })
}

/// The delay before attempt `attempts + 1`: `retry_base · 2^(attempts-1)`, at most
/// `retry_max`, ±20 % jitter so that jobs failing together do not retry together.
pub fn retry_delay(policy: &DeliveryPolicy, attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 30) - 1;
    let base = policy.retry_base.whole_milliseconds().max(1) as f64;
    let max = policy.retry_max.whole_milliseconds().max(1) as f64;
    let delay = (base * 2f64.powi(exp)).min(max);
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => 0.8 + 0.4 * f64::from(byte[0]) / 255.0,
        Err(_) => 1.0,
    };
    Duration::milliseconds((delay * jitter) as i64)
}

pub(crate) fn add_event(
    conn: &mut DbConnection,
    job: &EmailJob,
    event: EventKind,
    detail: Option<&str>,
    at: PrimitiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(email_events::table)
        .values((
            email_events::id.eq(new_id().to_string()),
            email_events::job_id.eq(job.id.to_string()),
            email_events::user_id.eq(job.user_id.map(|u| u.to_string())),
            email_events::event.eq(event.as_str()),
            email_events::detail.eq(detail.map(truncate)),
            email_events::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records an event on a job inside the caller's transaction (e.g. `Unsubscribed` when a
/// one-click unsubscribe names the job it came from); false when there is no such job.
pub fn record_event_in_tx(
    conn: &mut DbConnection,
    job_id: Uuid,
    event: EventKind,
    detail: Option<&str>,
) -> QueryResult<bool> {
    let Some(job) = get_job(conn, job_id)? else {
        return Ok(false);
    };
    add_event(conn, &job, event, detail, now())?;
    Ok(true)
}

/// Keeps stored error texts short.
pub(crate) fn truncate(text: &str) -> String {
    const MAX: usize = 500;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Loads one job.
pub fn get_job(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<EmailJob>> {
    Ok(email_jobs::table
        .find(id.to_string())
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .map(EmailJob::from))
}

/// The job a bounce or complaint report names by its Message-ID (`<…>` or bare).
pub fn find_by_message_id(
    conn: &mut DbConnection,
    message_id: &str,
) -> QueryResult<Option<EmailJob>> {
    let bare = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    if bare.is_empty() {
        return Ok(None);
    }
    Ok(email_jobs::table
        .filter(email_jobs::message_id.eq(format!("<{bare}>")))
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .map(EmailJob::from))
}
