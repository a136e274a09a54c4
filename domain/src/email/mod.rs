//! The e-mail outbox and what every message needs: jobs written in the transaction of the event
//! that causes them, and signed links that work without signing in. Sending itself is not done
//! here (the `api` crate's mail worker moves jobs forward through `delivery`); composition of
//! lead mail lives in `lead_alerts`.
//!
//! - `delivery`: claiming due jobs under a lease and recording each send's outcome.
//! - `classify`: what an SMTP reply or a DSN status means (one table for both).
//! - `report`: applying delivery status notifications and complaints.
//! - `suppression`: the suppression list and recipient-domain pauses.
//! - `tracking`: open pixel and click redirects.
//! - `stats`: per-day and per-job reports.

mod classify;
mod delivery;
mod error;
mod job;
mod link;
mod model;
mod report;
mod stats;
mod suppression;
mod tracking;

pub use classify::{EnhancedCode, Verdict, classify, classify_enhanced, enhanced_code};
pub use delivery::{
    Claim, DeliveryPolicy, Outcome, SendResult, claim_due, find_by_message_id, get_job, postpone,
    record_event_in_tx, record_outcome, release, retry_delay,
};
pub use error::EmailError;
pub use job::{EmailCategory, NewEmail, enqueue, enqueue_with_id, message_id_for};
pub use link::{
    LinkError, LinkPurpose, LinkToken, link_key, sign_link, verify_link, well_formed_token,
};
pub use model::{EmailJob, EventKind, JobStatus, SuppressionReason, normalize_address};
pub use report::{
    AppliedRecipient, AppliedReport, DeliveryReport, RecipientStatus, ReportBody, apply_report,
};
pub use stats::{
    DayStats, EventCounts, JobFilter, JobReport, daily_stats, job_report, jobs_by_status, list_jobs,
};
pub use suppression::{Suppression, list_suppressions, remove_suppression, suppression_of};
pub use tracking::{CLICK_PATH, OPEN_PATH, job_exists, record_click, record_open, tracked_html};
