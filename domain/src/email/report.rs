//! Asynchronous reports about sent mail: delivery status notifications (RFC 3464) and abuse
//! complaints (ARF, RFC 5965). The api crate parses the MIME; this applies what it says with
//! the same rules as a synchronous SMTP reply.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::EmailError;
use super::classify::{Verdict, classify};
use super::delivery::{DeliveryPolicy, add_event, count_soft_bounce, find_by_message_id, truncate};
use super::model::{EmailJob, EventKind, SuppressionReason, normalize_address};
use super::suppression::{pause_domain_in_tx, suppress_in_tx};
use crate::clock::now;
use crate::db::schema::{consent_events, email_events, email_preferences, users};
use crate::db::{self, DbConnection};
use crate::ids::{new_id, parse_db_id};

/// One recipient's part of a delivery status notification.
#[derive(Debug, Clone, Default)]
pub struct RecipientStatus {
    /// `Final-Recipient` (or `Original-Recipient`) without its address type.
    pub address: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// `Diagnostic-Code`, e.g. `smtp; 550 5.1.1 user unknown`.
    pub diagnostic: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ReportBody {
    DeliveryStatus(Vec<RecipientStatus>),
    /// `Feedback-Type` (`abuse`, `fraud`, `not-spam`, …) and the complaining recipient when the
    /// report names one (`Original-Rcpt-To`).
    Feedback {
        feedback_type: String,
        recipient: Option<String>,
    },
}

/// A parsed report.
#[derive(Debug, Clone)]
pub struct DeliveryReport {
    /// The Message-ID of our original message, from `Original-Message-ID` or the returned
    /// message's own headers.
    pub message_id: Option<String>,
    pub body: ReportBody,
}

/// What was done, per recipient.
#[derive(Debug, Clone)]
pub struct AppliedRecipient {
    pub address: String,
    pub action: String,
    pub status: Option<String>,
    /// `delivered`, `deferred`, `soft_bounce`, `hard_bounce`, `policy_block`, `rejected`,
    /// `complaint` or `ignored`.
    pub outcome: &'static str,
    pub suppressed: bool,
}

#[derive(Debug, Clone)]
pub struct AppliedReport {
    pub job_id: Option<Uuid>,
    pub kind: &'static str,
    pub recipients: Vec<AppliedRecipient>,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Delivered => "delivered",
        Verdict::Transient => "deferred",
        Verdict::SoftBounce => "soft_bounce",
        Verdict::HardBounce => "hard_bounce",
        Verdict::PolicyBlock => "policy_block",
        Verdict::Rejected => "rejected",
    }
}

/// Records a report's event once per job: a report posted twice counts once.
fn event_once(
    conn: &mut DbConnection,
    job: Option<&EmailJob>,
    event: EventKind,
    detail: Option<&str>,
    at: PrimitiveDateTime,
) -> QueryResult<()> {
    let Some(job) = job else { return Ok(()) };
    if event != EventKind::Deferred {
        let seen: i64 = email_events::table
            .filter(email_events::job_id.eq(job.id.to_string()))
            .filter(email_events::event.eq(event.as_str()))
            .count()
            .get_result(conn)?;
        if seen > 0 {
            return Ok(());
        }
    }
    add_event(conn, job, event, detail, at)
}

/// Applies a report: finds the job by Message-ID, records `delivered` / `deferred` /
/// `bounced` / `complained` events on it, suppresses hard-bounced and complaining addresses,
/// counts soft bounces, pauses domains on policy blocks, and withdraws the lead consent of a
/// recipient who complained. Address-level rules apply even when no job is found.
pub fn apply_report(
    conn: &mut DbConnection,
    report: &DeliveryReport,
    policy: &DeliveryPolicy,
) -> Result<AppliedReport, EmailError> {
    db::transaction(conn, |conn| {
        let at = now();
        let job = match &report.message_id {
            Some(id) => find_by_message_id(conn, id)?,
            None => None,
        };
        let mut applied = AppliedReport {
            job_id: job.as_ref().map(|j| j.id),
            kind: match report.body {
                ReportBody::DeliveryStatus(_) => "delivery_status",
                ReportBody::Feedback { .. } => "feedback",
            },
            recipients: Vec::new(),
        };
        match &report.body {
            ReportBody::DeliveryStatus(recipients) => {
                for r in recipients {
                    let address = job
                        .as_ref()
                        .map(|j| j.to_address.clone())
                        .or_else(|| r.address.clone());
                    let Some(address) = address.map(|a| normalize_address(&a)) else {
                        continue;
                    };
                    let domain = address
                        .rsplit_once('@')
                        .map(|(_, d)| d.to_owned())
                        .unwrap_or_default();
                    let text = format!(
                        "{} {}",
                        r.status.as_deref().unwrap_or(""),
                        r.diagnostic.as_deref().unwrap_or("")
                    );
                    let detail = truncate(text.trim());
                    let action = r.action.to_ascii_lowercase();
                    let mut suppressed = false;
                    let outcome = match action.as_str() {
                        "delivered" | "relayed" | "expanded" => {
                            event_once(
                                conn,
                                job.as_ref(),
                                EventKind::Delivered,
                                Some(&action),
                                at,
                            )?;
                            "delivered"
                        }
                        "delayed" => {
                            event_once(conn, job.as_ref(), EventKind::Deferred, Some(&detail), at)?;
                            if classify(None, &text) == Verdict::SoftBounce {
                                suppressed =
                                    count_soft_bounce(conn, &address, policy, at, &detail)?;
                            }
                            "deferred"
                        }
                        "failed" => {
                            // A failure without a usable status is a permanent refusal.
                            let verdict = match classify(None, &text) {
                                Verdict::Delivered | Verdict::Transient => Verdict::Rejected,
                                v => v,
                            };
                            event_once(conn, job.as_ref(), EventKind::Bounced, Some(&detail), at)?;
                            match verdict {
                                Verdict::HardBounce => {
                                    suppress_in_tx(
                                        conn,
                                        &address,
                                        SuppressionReason::HardBounce,
                                        Some(&detail),
                                    )?;
                                    suppressed = true;
                                }
                                Verdict::SoftBounce => {
                                    suppressed =
                                        count_soft_bounce(conn, &address, policy, at, &detail)?;
                                }
                                Verdict::PolicyBlock if !domain.is_empty() => {
                                    pause_domain_in_tx(
                                        conn,
                                        &domain,
                                        at + policy.domain_pause,
                                        &detail,
                                    )?;
                                }
                                _ => {}
                            }
                            verdict_name(verdict)
                        }
                        _ => "ignored",
                    };
                    applied.recipients.push(AppliedRecipient {
                        address,
                        action,
                        status: r.status.clone(),
                        outcome,
                        suppressed,
                    });
                }
            }
            ReportBody::Feedback {
                feedback_type,
                recipient,
            } => {
                let address = job
                    .as_ref()
                    .map(|j| j.to_address.clone())
                    .or_else(|| recipient.clone())
                    .map(|a| normalize_address(&a));
                let kind = feedback_type.to_ascii_lowercase();
                if let Some(address) = address {
                    let abuse = kind == "abuse";
                    if abuse {
                        suppress_in_tx(
                            conn,
                            &address,
                            SuppressionReason::Complaint,
                            Some("abuse report"),
                        )?;
                        event_once(conn, job.as_ref(), EventKind::Complained, Some(&kind), at)?;
                        let user = match job.as_ref().and_then(|j| j.user_id) {
                            Some(u) => Some(u),
                            None => users::table
                                .filter(users::email.eq(&address))
                                .select(users::id)
                                .first::<String>(conn)
                                .optional()?
                                .map(|u| parse_db_id(&u)),
                        };
                        if let Some(user) = user {
                            withdraw_consent(conn, user, &address, at)?;
                        }
                    }
                    applied.recipients.push(AppliedRecipient {
                        address,
                        action: kind,
                        status: None,
                        outcome: if abuse { "complaint" } else { "ignored" },
                        suppressed: abuse,
                    });
                }
            }
        }
        Ok(applied)
    })
}

/// A complaint withdraws lead consent: the preference row (when there is one) says
/// `withdrawn`, and the consent record gets a `withdrawn` event by `complaint`.
fn withdraw_consent(
    conn: &mut DbConnection,
    user: Uuid,
    address: &str,
    at: PrimitiveDateTime,
) -> QueryResult<()> {
    diesel::update(email_preferences::table.find(user.to_string()))
        .set((
            email_preferences::lead_consent.eq("withdrawn"),
            email_preferences::consent_withdrawn_at.eq(at),
            email_preferences::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::insert_into(consent_events::table)
        .values((
            consent_events::id.eq(new_id().to_string()),
            consent_events::user_id.eq(user.to_string()),
            consent_events::email.eq(address),
            consent_events::event.eq("withdrawn"),
            consent_events::method.eq("complaint"),
            consent_events::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
