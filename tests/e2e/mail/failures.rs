//! Failures: temporary refusals retry, soft bounces suppress after K over ≥ 72 h, hard bounces
//! suppress at once, policy blocks pause the domain, an SMTP outage loses nothing and charges
//! nobody, per-domain limits space sends.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use domain::db::schema::{email_address_failures, email_domain_pauses, email_jobs};
use e2e::smtp::SmtpSink;
use e2e::{Backend, TestApp, both_backends};

use super::common::*;

async fn temporary_failures_retry_and_succeed(b: Backend) {
    let sink = SmtpSink::start();
    sink.rule("busy@", 451, "4.3.0 local problem, try later", Some(2));
    let app = app_with_sink(b, &sink, |_| {}).await;
    let id = enqueue(&app, transactional("busy@example.net", None)).await;
    let state = wait_status(&app, id, "sent", 30).await;
    assert_eq!(state.attempts, 3);
    assert_eq!(events(&app, id).await, vec!["deferred", "deferred", "sent"]);
    assert_eq!(sink.refused().len(), 2);
    assert_eq!(received_with(&sink, &state.message_id).len(), 1);
    // A server-side problem (4.3.0) is not held against the address.
    let failures: i64 = app
        .with_db(|conn| {
            email_address_failures::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(failures, 0);
    assert_eq!(suppression(&app, "busy@example.net").await, None);
}

async fn soft_bounces_suppress_only_after_the_limit_spread_over_72_hours(b: Backend) {
    let sink = SmtpSink::start();
    sink.rule("full@", 452, "4.2.2 mailbox full", None);
    let app = app_with_sink(b, &sink, |c| c.mail_soft_bounce_limit = 3).await;
    let id = enqueue(&app, transactional("Full@Example.net", None)).await;
    // Three soft bounces within seconds: counted, but not spread over 72 h yet.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n: i32 = app
            .with_db(|conn| {
                email_address_failures::table
                    .find("full@example.net")
                    .select(email_address_failures::soft_bounces)
                    .first(conn)
                    .optional()
                    .unwrap()
                    .unwrap_or(0)
            })
            .await;
        if n >= 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "soft bounces were not counted ({n})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(suppression(&app, "full@example.net").await, None);
    assert_ne!(job(&app, id).await.status, "failed");
    // 73 hours later the next soft bounce suppresses the address and fails the job.
    domain::clock::advance(time::Duration::hours(73));
    let state = wait_status(&app, id, "failed", 30).await;
    assert_eq!(
        suppression(&app, "full@example.net").await.as_deref(),
        Some("soft_bounce")
    );
    assert!(state.last_error.unwrap().contains("4.2.2"));
    assert_eq!(
        events(&app, id).await.last().map(String::as_str),
        Some("bounced")
    );
    assert_eq!(sink.count(), 0);
}

async fn hard_bounce_suppresses_and_nothing_more_is_sent(b: Backend) {
    let sink = SmtpSink::start();
    sink.rule("gone@", 550, "5.1.1 <gone@example.net>: user unknown", None);
    let app = app_with_sink(b, &sink, |_| {}).await;
    let first = enqueue(&app, transactional("gone@example.net", None)).await;
    let state = wait_status(&app, first, "failed", 20).await;
    assert_eq!(state.attempts, 1);
    assert!(state.last_error.unwrap().starts_with("550 "));
    assert_eq!(events(&app, first).await, vec!["bounced"]);
    assert_eq!(
        suppression(&app, "gone@example.net").await.as_deref(),
        Some("hard_bounce")
    );
    // Later mail to the address (in any case) is suppressed without a delivery attempt.
    let second = enqueue(&app, transactional("GONE@example.net", None)).await;
    let state = wait_status(&app, second, "suppressed", 20).await;
    assert_eq!(state.attempts, 0);
    settle(&app).await;
    assert_eq!(sink.refused().len(), 1, "the server saw the address once");
    assert_eq!(sink.count(), 0);
}

async fn policy_block_pauses_the_domain_and_the_jobs_wait(b: Backend) {
    let sink = SmtpSink::start();
    sink.rule(
        "@blocked.example",
        550,
        "5.7.1 message rejected by policy",
        Some(1),
    );
    let app = app_with_sink(b, &sink, |c| {
        c.mail_concurrency = 1;
        c.mail_domain_pause_secs = 3600;
    })
    .await;
    let a = enqueue(&app, transactional("a@blocked.example", None)).await;
    let state = wait_status(&app, a, "queued", 20).await;
    // Wait until the refusal was recorded (the job went back to the queue with a pause).
    let deadline = Instant::now() + Duration::from_secs(20);
    while job(&app, a).await.last_error.is_none() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = state;
    let paused_until = app
        .with_db(|conn| {
            email_domain_pauses::table
                .find("blocked.example")
                .select(email_domain_pauses::paused_until)
                .first::<time::PrimitiveDateTime>(conn)
                .unwrap()
        })
        .await;
    let now = domain::clock::now();
    assert!(paused_until > now + time::Duration::minutes(59));
    let b2 = enqueue(&app, transactional("b@blocked.example", None)).await;
    let other = enqueue(&app, transactional("c@open.example", None)).await;
    wait_status(&app, other, "sent", 20).await;
    settle(&app).await;
    let (sa, sb) = (job(&app, a).await, job(&app, b2).await);
    assert_eq!(
        (sa.status.as_str(), sb.status.as_str()),
        ("queued", "queued")
    );
    assert!(sa.next_attempt_at >= paused_until && sb.next_attempt_at >= paused_until);
    assert_eq!(sb.attempts, 0, "a job to a paused domain is not attempted");
    assert_eq!(suppression(&app, "a@blocked.example").await, None);
    assert_eq!(events(&app, a).await, vec!["deferred"]);
    // After the pause both go out.
    domain::clock::advance(time::Duration::minutes(61));
    wait_status(&app, a, "sent", 20).await;
    wait_status(&app, b2, "sent", 20).await;
    assert_eq!(sink.count(), 3);
}

async fn smtp_outage_loses_nothing_and_charges_nobody(b: Backend) {
    let sink = SmtpSink::start();
    sink.down();
    let app = app_with_sink(b, &sink, |_| {}).await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            enqueue(
                &app,
                transactional(&format!("r{i}@outage{}.example", i % 3), None),
            )
            .await,
        );
    }
    // Once the worker has tried a job, and made another pass after that, nothing was charged.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !has_tried(&app).await {
        assert!(Instant::now() < deadline, "the worker did not try to send");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.caught_up(e2e::Loop::MailWorker).await;
    let statuses: HashMap<String, i64> = app
        .with_db(|conn| {
            email_jobs::table
                .group_by(email_jobs::status)
                .select((email_jobs::status, diesel::dsl::count_star()))
                .load::<(String, i64)>(conn)
                .unwrap()
                .into_iter()
                .collect()
        })
        .await;
    assert_eq!(statuses.get("sent"), None);
    assert_eq!(statuses.get("failed"), None);
    let charged: i64 = app
        .with_db(|conn| {
            email_jobs::table
                .filter(email_jobs::attempts.gt(0))
                .filter(email_jobs::status.eq("queued"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(charged, 0, "an unreachable relay costs no attempts");
    let mut tried = 0;
    for id in &ids {
        assert!(
            events(&app, *id).await.is_empty(),
            "an outage is no deferral"
        );
        tried += usize::from(job(&app, *id).await.last_error.is_some());
    }
    assert!(tried >= 1, "the worker tried to send");
    let failures: i64 = app
        .with_db(|conn| {
            email_address_failures::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(failures, 0);

    sink.up();
    for id in &ids {
        wait_status(&app, *id, "sent", 60).await;
    }
    settle(&app).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in sink.messages() {
        *seen.entry(m.header("Message-ID").unwrap()).or_default() += 1;
    }
    assert_eq!(seen.len(), 30, "every message arrived");
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "duplicates: {duplicates:?}");
}

/// Whether the worker has tried to send any job (an outage leaves the error on the job).
async fn has_tried(app: &TestApp) -> bool {
    app.with_db(|conn| {
        email_jobs::table
            .filter(email_jobs::last_error.is_not_null())
            .count()
            .get_result::<i64>(conn)
            .unwrap()
            > 0
    })
    .await
}

async fn per_domain_limit_spaces_sends(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |c| {
        c.mail_domain_burst = 2;
        c.mail_domain_period_ms = 400;
    })
    .await;
    let started = Instant::now();
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(enqueue(&app, transactional(&format!("p{i}@limited.example"), None)).await);
    }
    let other = enqueue(&app, transactional("q@unlimited.example", None)).await;
    wait_status(&app, other, "sent", 20).await;
    for id in &ids {
        wait_status(&app, *id, "sent", 30).await;
    }
    // 2 at once, then one per 400 ms: the last of 6 no earlier than 4 × 400 ms later.
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "6 messages to one domain took only {:?}",
        started.elapsed()
    );
    for id in &ids {
        let evs = events(&app, *id).await;
        assert_eq!(evs, vec!["sent"], "waiting for the limit is not a deferral");
        assert_eq!(job(&app, *id).await.attempts, 1);
    }
}

both_backends!(
    temporary_failures_retry_and_succeed,
    soft_bounces_suppress_only_after_the_limit_spread_over_72_hours,
    hard_bounce_suppresses_and_nothing_more_is_sent,
    policy_block_pauses_the_domain_and_the_jobs_wait,
    smtp_outage_loses_nothing_and_charges_nobody,
    per_domain_limit_spaces_sends
);
