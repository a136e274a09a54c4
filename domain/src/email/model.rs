use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::email_jobs;
use crate::enums::from_db;
use crate::ids::parse_db_id;

use super::EmailCategory;

crate::text_enum! {
    pub enum JobStatus {
        /// Waiting for its `next_attempt_at` (new, retrying, or its domain is paused).
        Queued => "queued",
        /// Claimed by a worker until `locked_until`; an expired lease is claimed again.
        Sending => "sending",
        /// Accepted by the mail server (or written as an `.eml` file).
        Sent => "sent",
        /// Given up: a hard bounce, a permanent refusal, or temporary failures for too long.
        Failed => "failed",
        /// Not sent: the address is on the suppression list.
        Suppressed => "suppressed",
        /// Not sent: a lead e-mail whose recipient no longer consents.
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    pub enum EventKind {
        Sent => "sent",
        Delivered => "delivered",
        Deferred => "deferred",
        Bounced => "bounced",
        Opened => "opened",
        Clicked => "clicked",
        Unsubscribed => "unsubscribed",
        Complained => "complained",
    }
}

crate::text_enum! {
    pub enum SuppressionReason {
        HardBounce => "hard_bounce",
        SoftBounce => "soft_bounce",
        Complaint => "complaint",
        Manual => "manual",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_jobs)]
pub(crate) struct JobRow {
    pub id: String,
    pub message_id: String,
    pub dedupe_key: Option<String>,
    pub category: String,
    pub kind: String,
    pub user_id: Option<String>,
    pub to_address: String,
    pub to_domain: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub list_unsubscribe: Option<String>,
    pub tracking: bool,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    pub locked_by: Option<String>,
    pub locked_until: Option<PrimitiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub sent_at: Option<PrimitiveDateTime>,
}

/// A job as stored: everything the worker needs to send it, and what operators see.
#[derive(Debug, Clone)]
pub struct EmailJob {
    pub id: Uuid,
    /// `<job id@host>`, the same on every attempt.
    pub message_id: String,
    pub category: EmailCategory,
    pub kind: String,
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub to_domain: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub list_unsubscribe: Option<String>,
    pub tracking: bool,
    pub status: JobStatus,
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    /// The worker holding the job while `sending`, and until when.
    pub locked_by: Option<String>,
    pub locked_until: Option<PrimitiveDateTime>,
    pub last_error: Option<String>,
    pub dedupe_key: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub sent_at: Option<PrimitiveDateTime>,
}

impl From<JobRow> for EmailJob {
    fn from(r: JobRow) -> EmailJob {
        EmailJob {
            id: parse_db_id(&r.id),
            message_id: r.message_id,
            category: from_db(
                &r.category,
                EmailCategory::parse,
                EmailCategory::Transactional,
            ),
            kind: r.kind,
            user_id: r.user_id.as_deref().map(parse_db_id),
            to_address: r.to_address,
            to_domain: r.to_domain,
            subject: r.subject,
            text_body: r.text_body,
            html_body: r.html_body,
            list_unsubscribe: r.list_unsubscribe,
            tracking: r.tracking,
            status: from_db(&r.status, JobStatus::parse, JobStatus::Failed),
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            locked_by: r.locked_by,
            locked_until: r.locked_until,
            last_error: r.last_error,
            dedupe_key: r.dedupe_key,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

/// Addresses are compared without regard to case (suppression list, soft-bounce counts).
pub fn normalize_address(address: &str) -> String {
    address.trim().to_lowercase()
}
