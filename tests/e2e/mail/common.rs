//! Helpers of the mail tests: a server whose worker sends to a loopback SMTP sink, jobs queued
//! with `domain::email::enqueue` as the composer queues them, and reads of job state.

use std::time::{Duration, Instant};

use api::Config;
use diesel::prelude::*;
use domain::db::schema::{email_events, email_jobs, email_preferences};
use domain::email::{EmailCategory, NewEmail};
use e2e::smtp::SmtpSink;
use e2e::{Account, Backend, TestApp};
use uuid::Uuid;

/// Fast settings: the worker polls often, retries after a second, and an outage is retried
/// within a second.
pub fn fast(config: &mut Config) {
    config.mail_poll_ms = 50;
    config.mail_retry_base_secs = 1;
    config.mail_retry_max_secs = 1;
    config.mail_outage_backoff_max_ms = 500;
    config.mail_smtp_timeout_secs = 5;
    config.mail_lease_secs = 30;
    config.public_url = "https://tradefair.test".into();
    config.mail_from = "Tradefair <noreply@tradefair.test>".into();
}

/// A server whose worker sends to `sink`.
pub async fn app_with_sink(
    b: Backend,
    sink: &SmtpSink,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(b, |c| {
        fast(c);
        c.smtp_url = Some(url);
        configure(c);
    })
    .await
}

/// A plain transactional message to `to`.
pub fn transactional(to: &str, user: Option<&Account>) -> NewEmail {
    NewEmail {
        category: EmailCategory::Transactional,
        kind: "inquiry_received".into(),
        user_id: user.map(|u| Uuid::parse_str(&u.id).unwrap()),
        to_address: to.into(),
        subject: "您有新的询盘 New inquiry".into(),
        text_body: "A buyer sent you an inquiry.\nhttps://shop.example/inquiries/1\n".into(),
        html_body: "<html><body><p>A buyer sent you an <a href=\"https://shop.example/inquiries/1?a=1&amp;b=2\">inquiry</a>.</p></body></html>".into(),
        list_unsubscribe: None,
        tracking: false,
        dedupe_key: None,
    }
}

/// A lead message to `user` with an unsubscribe link.
pub fn lead(user: &Account, tracking: bool) -> NewEmail {
    NewEmail {
        category: EmailCategory::Lead,
        kind: "lead_digest".into(),
        user_id: Some(Uuid::parse_str(&user.id).unwrap()),
        to_address: user.email.clone(),
        subject: "广告 AD: 3 new products match 保温杯".into(),
        text_body: "3 new products match your search.\n".into(),
        html_body: concat!(
            "<html><body><h1>新品 New products</h1>",
            "<p><a href=\"https://tradefair.test/products/1\">Flask</a> ",
            "<a href='https://shop.example/p?x=1&amp;y=2'>Shop</a></p>",
            "<p><a href=\"https://tradefair.test/api/v1/email/unsubscribe/tok\">退订 Unsubscribe</a> ",
            "<a href=\"https://tradefair.test/api/v1/email/preferences/tok\">Preferences</a></p>",
            "</body></html>"
        )
        .into(),
        list_unsubscribe: Some("https://tradefair.test/api/v1/email/unsubscribe/tok".into()),
        tracking,
        dedupe_key: None,
    }
}

/// Queues a job as the composer does (in a transaction), and wakes the worker.
pub async fn enqueue(app: &TestApp, email: NewEmail) -> Uuid {
    let host = app.config.message_id_host();
    app.with_db(move |conn| {
        domain::db::transaction(conn, |conn| domain::email::enqueue(conn, email, &host))
            .expect("enqueue")
            .expect("not a duplicate")
    })
    .await
}

/// Gives `user` confirmed lead consent (what the lead's double opt-in ends in).
pub async fn consent(app: &TestApp, user: &Account, tracking: bool) {
    let id = user.id.clone();
    app.with_db(move |conn| {
        let at = domain::clock::now();
        diesel::insert_into(email_preferences::table)
            .values((
                email_preferences::user_id.eq(&id),
                email_preferences::language.eq("zh"),
                email_preferences::lead_consent.eq("confirmed"),
                email_preferences::consent_confirmed_at.eq(at),
                email_preferences::tracking_enabled.eq(tracking),
                email_preferences::unengaged_sends.eq(0),
                email_preferences::updated_at.eq(at),
            ))
            .execute(conn)
            .expect("preferences");
    })
    .await;
}

#[derive(Debug, Clone)]
pub struct JobState {
    pub status: String,
    pub attempts: i32,
    pub message_id: String,
    pub last_error: Option<String>,
    pub next_attempt_at: time::PrimitiveDateTime,
}

pub async fn job(app: &TestApp, id: Uuid) -> JobState {
    app.with_db(move |conn| {
        let (status, attempts, message_id, last_error, next_attempt_at) = email_jobs::table
            .find(id.to_string())
            .select((
                email_jobs::status,
                email_jobs::attempts,
                email_jobs::message_id,
                email_jobs::last_error,
                email_jobs::next_attempt_at,
            ))
            .first::<(String, i32, String, Option<String>, time::PrimitiveDateTime)>(conn)
            .expect("job");
        JobState {
            status,
            attempts,
            message_id,
            last_error,
            next_attempt_at,
        }
    })
    .await
}

/// Waits until the job has `status`; fails the test after `secs`.
pub async fn wait_status(app: &TestApp, id: Uuid, status: &str, secs: u64) -> JobState {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let state = job(app, id).await;
        if state.status == status {
            return state;
        }
        assert!(
            Instant::now() < deadline,
            "job {id} is {state:?}, expected {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The job's events, oldest first.
pub async fn events(app: &TestApp, id: Uuid) -> Vec<String> {
    app.with_db(move |conn| {
        email_events::table
            .filter(email_events::job_id.eq(id.to_string()))
            .order((email_events::created_at.asc(), email_events::id.asc()))
            .select(email_events::event)
            .load::<String>(conn)
            .expect("events")
    })
    .await
}

/// The suppression reason of an address, if suppressed.
pub async fn suppression(app: &TestApp, address: &str) -> Option<String> {
    let address = address.to_owned();
    app.with_db(move |conn| {
        domain::email::suppression_of(conn, &address)
            .expect("suppression")
            .map(|s| s.reason.as_str().to_owned())
    })
    .await
}

/// Messages the sink received, by Message-ID.
pub fn received_with(sink: &SmtpSink, message_id: &str) -> Vec<e2e::smtp::Received> {
    sink.messages()
        .into_iter()
        .filter(|m| m.header("Message-ID").as_deref() == Some(message_id))
        .collect()
}

/// The kinds of the e-mails about an account itself (the verification every signup sends).
pub const ACCOUNT_MAIL: [&str; 3] = ["verify_email", "password_reset", "registration_attempt"];

/// How many messages the sink received besides the account e-mails.
pub async fn count_except_account_mail(app: &TestApp, sink: &SmtpSink) -> usize {
    let ids: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use domain::db::schema::email_jobs as j;
            j::table
                .filter(j::kind.eq_any(ACCOUNT_MAIL))
                .select(j::message_id)
                .load(conn)
                .expect("jobs")
        })
        .await;
    sink.messages()
        .iter()
        .filter(|m| m.header("Message-ID").is_none_or(|id| !ids.contains(&id)))
        .count()
}

/// Waits until every account e-mail queued so far is sent (so that counts are settled).
pub async fn account_mail_sent(app: &TestApp) -> usize {
    let ids: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use domain::db::schema::email_jobs as j;
            j::table
                .filter(j::kind.eq_any(ACCOUNT_MAIL))
                .select(j::id)
                .load(conn)
                .expect("jobs")
        })
        .await;
    for id in &ids {
        wait_status(app, Uuid::parse_str(id).expect("id"), "sent", 20).await;
    }
    ids.len()
}

/// Waits until the mail worker has made a pass that started after the call: whatever it would
/// still do with the jobs queued so far (send a copy again, attempt a suppressed address) it
/// has done.
pub async fn settle(app: &TestApp) {
    app.caught_up(e2e::Loop::MailWorker).await;
}
