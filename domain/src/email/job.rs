use diesel::prelude::*;
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::email_jobs;
use crate::db::unique_violation_on;
use crate::ids::new_id;

crate::text_enum! {
    pub enum EmailCategory {
        /// Caused by the recipient's own business (an inquiry, a quote): needs no lead consent.
        Transactional => "transactional",
        /// Lead follow-up (matches, digests): only with confirmed consent, always unsubscribable.
        Lead => "lead",
        /// The double opt-in confirmation and re-permission requests.
        Consent => "consent",
    }
}

/// A fully composed message. The worker sends exactly this; nothing is re-rendered later, so a
/// retry sends the same bytes under the same Message-ID.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub category: EmailCategory,
    /// What caused it (`lead_instant`, `lead_digest`, `consent_confirm`, a notification kind, …).
    pub kind: String,
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The one-click unsubscribe URL (RFC 8058); lead mail always has one.
    pub list_unsubscribe: Option<String>,
    /// Whether the worker may add the open pixel and rewrite links for click tracking.
    pub tracking: bool,
    /// The same event replayed makes no second job (e.g. `notification:<id>`).
    pub dedupe_key: Option<String>,
}

/// The stable Message-ID of a job: the same on every attempt, so receivers and bounce reports
/// can name it.
pub fn message_id_for(job_id: Uuid, host: &str) -> String {
    format!("<{job_id}@{host}>")
}

/// Queues one message; call it inside the transaction of the event. Returns `None` when a job
/// with the same dedupe key already exists (the event was already handled).
///
/// The transaction must be the caller's: a unique violation aborts a PostgreSQL transaction, so
/// the dedupe key is checked first and the insert is the guard for races.
pub fn enqueue(
    conn: &mut DbConnection,
    email: NewEmail,
    message_id_host: &str,
) -> QueryResult<Option<Uuid>> {
    enqueue_with_id(conn, new_id(), email, message_id_host)
}

/// As `enqueue`, with the job id chosen by the caller (links in the message name it).
pub fn enqueue_with_id(
    conn: &mut DbConnection,
    id: Uuid,
    email: NewEmail,
    message_id_host: &str,
) -> QueryResult<Option<Uuid>> {
    if let Some(key) = &email.dedupe_key {
        let exists: i64 = email_jobs::table
            .filter(email_jobs::dedupe_key.eq(key))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
    }
    let at = now();
    let domain = email
        .to_address
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    let inserted = diesel::insert_into(email_jobs::table)
        .values((
            email_jobs::id.eq(id.to_string()),
            email_jobs::message_id.eq(message_id_for(id, message_id_host)),
            email_jobs::dedupe_key.eq(&email.dedupe_key),
            email_jobs::category.eq(email.category.as_str()),
            email_jobs::kind.eq(&email.kind),
            email_jobs::user_id.eq(email.user_id.map(|u| u.to_string())),
            email_jobs::to_address.eq(&email.to_address),
            email_jobs::to_domain.eq(domain),
            email_jobs::subject.eq(&email.subject),
            email_jobs::text_body.eq(&email.text_body),
            email_jobs::html_body.eq(&email.html_body),
            email_jobs::list_unsubscribe.eq(&email.list_unsubscribe),
            email_jobs::tracking.eq(email.tracking),
            email_jobs::status.eq("queued"),
            email_jobs::attempts.eq(0),
            email_jobs::next_attempt_at.eq(at),
            email_jobs::created_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(Some(id)),
        Err(e) if unique_violation_on(&e, "email_jobs", "dedupe_key") => Ok(None),
        Err(e) => Err(e),
    }
}
