//! Bounce and complaint reports at `POST /api/v1/email/bounces`: who may post, DSNs applied
//! like synchronous replies, ARF complaints suppress and withdraw consent.

use diesel::prelude::*;
use domain::db::schema::{consent_events, email_domain_pauses, email_preferences};
use e2e::smtp::SmtpSink;
use e2e::{Backend, TestApp, both_backends};
use serde_json::Value;
use uuid::Uuid;

use super::common::*;

const BOUNCE_TOKEN: &str = "mta-shared-secret-0123456789";

async fn post_report(app: &TestApp, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = app
        .http
        .post(app.url("/api/v1/email/bounces"))
        .header("Content-Type", "message/rfc822")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let reply = request.send().await.expect("request");
    let status = reply.status().as_u16();
    let bytes = reply.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn dsn(message_id: &str, recipient: &str, action: &str, status: &str, diagnostic: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.net\r\n\
To: noreply@tradefair.test\r\n\
Subject: Delivery Status Notification\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"=_dsn_1\"\r\n\
\r\n\
--=_dsn_1\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
This is the mail system at host mx.example.net.\r\n\
\r\n\
--=_dsn_1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.example.net\r\n\
Arrival-Date: Sun, 22 Nov 2026 08:00:00 +0000\r\n\
\r\n\
Final-Recipient: rfc822; {recipient}\r\n\
Action: {action}\r\n\
Status: {status}\r\n\
Diagnostic-Code: smtp; {diagnostic}\r\n\
\r\n\
--=_dsn_1\r\n\
Content-Type: message/rfc822\r\n\
\r\n\
From: Tradefair <noreply@tradefair.test>\r\n\
To: {recipient}\r\n\
Subject: =?utf-8?b?5bm/5ZGK?=\r\n\
Message-ID: {message_id}\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain\r\n\
\r\n\
original body\r\n\
\r\n\
--=_dsn_1--\r\n"
    )
}

fn arf(message_id: &str, recipient: &str, feedback_type: &str) -> String {
    format!(
        "From: <abuse@isp.example>\r\n\
To: <fbl@tradefair.test>\r\n\
Subject: FW: 广告\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"part1\"\r\n\
\r\n\
--part1\r\n\
Content-Type: text/plain; charset=\"US-ASCII\"\r\n\
\r\n\
This is an email abuse report.\r\n\
\r\n\
--part1\r\n\
Content-Type: message/feedback-report\r\n\
\r\n\
Feedback-Type: {feedback_type}\r\n\
User-Agent: SomeGenerator/1.0\r\n\
Version: 1\r\n\
Original-Mail-From: <noreply@tradefair.test>\r\n\
Original-Rcpt-To: <{recipient}>\r\n\
Received-Date: Sun, 22 Nov 2026 08:00:00 +0000\r\n\
\r\n\
--part1\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
From: Tradefair <noreply@tradefair.test>\r\n\
To: {recipient}\r\n\
Message-ID: {message_id}\r\n\
Subject: lead digest\r\n\
\r\n\
--part1--\r\n"
    )
}

async fn only_the_mta_and_operators_may_post_reports(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        fast(c);
        c.bounce_token = Some(BOUNCE_TOKEN.into());
    })
    .await;
    let body = dsn(
        "<nobody@tradefair.test>",
        "x@example.net",
        "delivered",
        "2.0.0",
        "250 ok",
    );
    let (status, reply) = post_report(&app, None, &body).await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let (status, reply) = post_report(&app, Some("not-the-secret"), &body).await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let buyer = app.signup("buyer").await;
    let (status, reply) = post_report(&app, buyer.token(), &body).await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, reply) = post_report(&app, Some(BOUNCE_TOKEN), &body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["kind"], "delivery_status");
    assert_eq!(reply["job_id"], Value::Null);
    let op = app.operator().await;
    let (status, _) = post_report(&app, op.token(), &body).await;
    assert_eq!(status, 200);
    let (status, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        "Subject: hi\r\n\r\nnot a report\r\n",
    )
    .await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (400, Some("invalid_report"))
    );
}

async fn dsn_reports_are_applied_like_smtp_replies(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |c| c.bounce_token = Some(BOUNCE_TOKEN.into())).await;
    let hard = enqueue(&app, transactional("gone@example.net", None)).await;
    let delivered = enqueue(&app, transactional("fine@example.net", None)).await;
    let blocked = enqueue(&app, transactional("someone@strict.example", None)).await;
    let mut ids = Vec::new();
    for id in [hard, delivered, blocked] {
        ids.push(wait_status(&app, id, "sent", 20).await.message_id);
    }

    // Failed with 5.1.1: suppressed, bounced.
    let (status, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            &ids[0],
            "gone@example.net",
            "failed",
            "5.1.1",
            "550 5.1.1 user unknown",
        ),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["job_id"], hard.to_string());
    assert_eq!(reply["recipients"][0]["outcome"], "hard_bounce");
    assert_eq!(reply["recipients"][0]["suppressed"], true);
    assert_eq!(
        suppression(&app, "gone@example.net").await.as_deref(),
        Some("hard_bounce")
    );
    assert_eq!(events(&app, hard).await, vec!["sent", "bounced"]);
    // The same report again changes nothing more.
    post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            &ids[0],
            "gone@example.net",
            "failed",
            "5.1.1",
            "550 5.1.1 user unknown",
        ),
    )
    .await;
    assert_eq!(events(&app, hard).await, vec!["sent", "bounced"]);

    // Delayed, then delivered.
    let (_, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            &ids[1],
            "fine@example.net",
            "delayed",
            "4.4.1",
            "connection timed out",
        ),
    )
    .await;
    assert_eq!(reply["recipients"][0]["outcome"], "deferred");
    let (_, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            &ids[1],
            "fine@example.net",
            "delivered",
            "2.0.0",
            "250 2.0.0 ok",
        ),
    )
    .await;
    assert_eq!(reply["recipients"][0]["outcome"], "delivered");
    assert_eq!(
        events(&app, delivered).await,
        vec!["sent", "deferred", "delivered"]
    );
    assert_eq!(suppression(&app, "fine@example.net").await, None);

    // A policy block pauses the recipient domain, not the address.
    let (_, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            &ids[2],
            "someone@strict.example",
            "failed",
            "5.7.1",
            "550 5.7.1 spam policy",
        ),
    )
    .await;
    assert_eq!(reply["recipients"][0]["outcome"], "policy_block");
    assert_eq!(suppression(&app, "someone@strict.example").await, None);
    let paused: i64 = app
        .with_db(|conn| {
            email_domain_pauses::table
                .filter(email_domain_pauses::domain.eq("strict.example"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(paused, 1);

    // A report about a message that is not ours still suppresses a hard-bounced address.
    let (_, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &dsn(
            "<unknown@elsewhere>",
            "Stranger@Example.org",
            "failed",
            "5.1.1",
            "550 no such user",
        ),
    )
    .await;
    assert_eq!(reply["job_id"], Value::Null);
    assert_eq!(
        suppression(&app, "stranger@example.org").await.as_deref(),
        Some("hard_bounce")
    );
}

async fn abuse_complaints_suppress_and_withdraw_lead_consent(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |c| c.bounce_token = Some(BOUNCE_TOKEN.into())).await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, false).await;
    let id = enqueue(&app, lead(&buyer, false)).await;
    let message_id = wait_status(&app, id, "sent", 20).await.message_id;
    let (status, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &arf(&message_id, &buyer.email, "abuse"),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["kind"], "feedback");
    assert_eq!(reply["job_id"], id.to_string());
    assert_eq!(reply["recipients"][0]["outcome"], "complaint");
    assert_eq!(
        suppression(&app, &buyer.email).await.as_deref(),
        Some("complaint")
    );
    assert_eq!(events(&app, id).await, vec!["sent", "complained"]);
    let uid = buyer.id.clone();
    let (consent_state, withdrawn_events) = app
        .with_db(move |conn| {
            let c: String = email_preferences::table
                .find(&uid)
                .select(email_preferences::lead_consent)
                .first(conn)
                .unwrap();
            let e: Vec<(String, String)> = consent_events::table
                .filter(consent_events::user_id.eq(&uid))
                .select((consent_events::event, consent_events::method))
                .load(conn)
                .unwrap();
            (c, e)
        })
        .await;
    assert_eq!(consent_state, "withdrawn");
    assert_eq!(
        withdrawn_events,
        vec![("withdrawn".to_owned(), "complaint".to_owned())]
    );
    // Nothing more goes to the complainant.
    let next = enqueue(&app, transactional(&buyer.email, None)).await;
    wait_status(&app, next, "suppressed", 20).await;

    // A non-abuse feedback report is accepted and ignored.
    let other = app.signup("buyer").await;
    let (status, reply) = post_report(
        &app,
        Some(BOUNCE_TOKEN),
        &arf("<x@y>", &other.email, "not-spam"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply["recipients"][0]["outcome"], "ignored");
    assert_eq!(suppression(&app, &other.email).await, None);
    let _ = Uuid::nil();
}

both_backends!(
    only_the_mta_and_operators_may_post_reports,
    dsn_reports_are_applied_like_smtp_replies,
    abuse_complaints_suppress_and_withdraw_lead_consent
);
