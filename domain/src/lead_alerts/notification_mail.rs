//! Delivers the e-mails that notifications ask for (`email.requested` outbox events). These
//! are transactional (about the recipient's own inquiries, quotes and listings) and need no
//! lead consent; a suppressed address still gets none.

use diesel::prelude::*;
use uuid::Uuid;

use super::compose;
use super::consent::{preferences_in_tx, verified_contact};
use super::matches::{claim_step, consumer_position};
use super::model::MailSettings;
use crate::access::AccountStatus;
use crate::db::schema::{email_suppressions, users};
use crate::db::{self, DbConnection};
use crate::email::enqueue;
use crate::outbox::{self, topic};

pub const NOTIFICATION_CONSUMER: &str = "notification-mail";

/// Turns the next batch of requested notification e-mails into jobs; returns the jobs written.
/// Events above a gap in outbox ids are handled at once and again once the gap closes: the
/// dedupe key (`notification:<id>`) makes the second time a no-op.
pub fn mail_notifications(
    conn: &mut DbConnection,
    settings: &MailSettings,
) -> QueryResult<Vec<Uuid>> {
    let from = consumer_position(conn, NOTIFICATION_CONSUMER)?;
    let events = outbox::read_after(conn, from, 500)?;
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let to = outbox::advance(from, &events, crate::clock::now());
    db::transaction(conn, |conn| {
        if !claim_step(conn, NOTIFICATION_CONSUMER, from, to)? {
            return Ok(Vec::new());
        }
        let mut jobs = Vec::new();
        for e in events.iter().filter(|e| e.topic == topic::EMAIL_REQUESTED) {
            let Ok(payload) = serde_json::from_str::<serde_json::Value>(&e.payload) else {
                continue;
            };
            let Some(user) = payload
                .get("user_id")
                .and_then(|u| u.as_str())
                .and_then(|u| Uuid::parse_str(u).ok())
            else {
                continue;
            };
            // An account disabled or erased after the event was recorded gets no e-mail.
            let active: i64 = users::table
                .find(user.to_string())
                .filter(users::status.eq(AccountStatus::Active.as_str()))
                .count()
                .get_result(conn)?;
            if active == 0 {
                continue;
            }
            let Ok((address, name)) = verified_contact(conn, user) else {
                continue;
            };
            let blocked: i64 = email_suppressions::table
                .find(address.to_lowercase())
                .count()
                .get_result(conn)?;
            if blocked > 0 {
                continue;
            }
            let prefs = preferences_in_tx(conn, user)?;
            let kind = payload.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            let data = payload.get("data").cloned().unwrap_or_default();
            let subject_type = payload
                .get("subject_type")
                .and_then(|t| t.as_str())
                .unwrap_or("");
            let subject_id = payload
                .get("subject_id")
                .and_then(|i| i.as_str())
                .and_then(|i| Uuid::parse_str(i).ok())
                .unwrap_or(Uuid::nil());
            let mut email = compose::notification_email(
                settings,
                prefs.language,
                &address,
                &name,
                compose::NotificationAbout {
                    kind,
                    subject_type,
                    subject_id,
                    data: &data,
                },
            );
            email.user_id = Some(user);
            email.dedupe_key = Some(format!("notification:{}", e.entity_id));
            if let Some(id) = enqueue(conn, email, &settings.message_id_host)? {
                jobs.push(id);
            }
        }
        Ok(jobs)
    })
}
