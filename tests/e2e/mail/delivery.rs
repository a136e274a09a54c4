//! Sending: one message per job with stable headers, lead mail only with consent, `.eml` files
//! without SMTP.

use std::time::Duration;

use domain::email::{EmailCategory, SendResult};
use e2e::smtp::SmtpSink;
use e2e::{Backend, TestApp, both_backends};
use mail_parser::{MessageParser, MimeHeaders};

use super::common::*;

async fn lead_mail_is_sent_once_with_stable_headers(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |_| {}).await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, false).await;
    let id = enqueue(&app, lead(&buyer, false)).await;
    let state = wait_status(&app, id, "sent", 20).await;
    assert_eq!(state.message_id, format!("<{id}@tradefair.test>"));
    assert_eq!(state.attempts, 1);
    settle(&app).await;
    let got = received_with(&sink, &state.message_id);
    assert_eq!(got.len(), 1, "exactly one copy");
    assert_eq!(count_except_account_mail(&app, &sink).await, 1);
    let m = &got[0];
    assert_eq!(m.to, vec![buyer.email.clone()]);
    assert_eq!(m.from, "noreply@tradefair.test");
    assert_eq!(
        m.header("List-Unsubscribe").as_deref(),
        Some("<https://tradefair.test/api/v1/email/unsubscribe/tok>")
    );
    assert_eq!(
        m.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(m.header("Date").is_some());
    let parsed = MessageParser::default().parse(&m.data).expect("MIME");
    assert_eq!(
        parsed.subject(),
        Some("广告 AD: 3 new products match 保温杯")
    );
    assert_eq!(
        parsed.message_id(),
        Some(format!("{id}@tradefair.test").as_str())
    );
    let ct = parsed.content_type().expect("content type");
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    assert_eq!(
        parsed
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .as_deref(),
        Some("3 new products match your search.\n")
    );
    let html = parsed.body_html(0).expect("html part");
    assert!(
        html.contains("href=\"https://tradefair.test/products/1\""),
        "tracking off: links untouched"
    );
    assert!(
        !html.contains("/api/v1/email/open/"),
        "tracking off: no pixel"
    );
    assert_eq!(events(&app, id).await, vec!["sent"]);
    // The send counts towards the recipient's unengaged sends.
    let uid = buyer.id.clone();
    let unengaged: i32 = app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use domain::db::schema::email_preferences as p;
            p::table
                .find(uid)
                .select(p::unengaged_sends)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(unengaged, 1);

    // A transactional message has no unsubscribe headers.
    let other = enqueue(&app, transactional("someone@example.net", None)).await;
    let state = wait_status(&app, other, "sent", 20).await;
    let m = &received_with(&sink, &state.message_id)[0];
    assert_eq!(m.header("List-Unsubscribe"), None);
    assert_eq!(m.header("List-Unsubscribe-Post"), None);
}

async fn lead_mail_without_consent_is_cancelled(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |_| {}).await;
    let buyer = app.signup("buyer").await;
    // No preferences row: no consent.
    let id = enqueue(&app, lead(&buyer, false)).await;
    let state = wait_status(&app, id, "cancelled", 20).await;
    assert_eq!(state.attempts, 0);
    settle(&app).await;
    assert_eq!(count_except_account_mail(&app, &sink).await, 0);
    assert!(events(&app, id).await.is_empty());
}

async fn without_smtp_url_messages_are_eml_files(b: Backend) {
    let app = TestApp::spawn_with(b, fast).await;
    let id = enqueue(&app, transactional("files@example.net", None)).await;
    let state = wait_status(&app, id, "sent", 20).await;
    let dir = app.config.data_dir.join("mail");
    let path = dir.join(format!("{id}.eml"));
    let bytes = std::fs::read(&path).expect("the .eml file");
    let parsed = MessageParser::default().parse(&bytes).expect("MIME");
    assert_eq!(
        parsed.message_id(),
        Some(state.message_id.trim_matches(['<', '>']))
    );
    assert_eq!(parsed.subject(), Some("您有新的询盘 New inquiry"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".eml"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );

    // An existing file for the job counts as sent and is not rewritten.
    let transport =
        api::smtp::transport::Transport::new(None, &app.config.data_dir, 1, Duration::from_secs(5))
            .unwrap();
    let job = app
        .with_db(move |conn| domain::email::get_job(conn, id).unwrap().unwrap())
        .await;
    let composer =
        api::smtp::message::Composer::new(&app.config.mail_from, None, "https://x").unwrap();
    let again = composer.build(&job, b"key").unwrap();
    match transport.send(&job, &again).await {
        SendResult::Accepted { reply } => {
            assert_eq!(
                reply.as_deref(),
                Some("file already written by an earlier attempt")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(job.category, EmailCategory::Transactional);
}

async fn retries_send_the_same_bytes_under_the_same_message_id(b: Backend) {
    let sink = SmtpSink::start();
    // The first attempt is refused temporarily; the second is accepted.
    sink.rule("again@", 451, "4.3.0 try again later", Some(1));
    let app = app_with_sink(b, &sink, |_| {}).await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, true).await;
    let mut email = lead(&buyer, true);
    email.to_address = "again@example.net".into();
    let id = enqueue(&app, email).await;
    let state = wait_status(&app, id, "sent", 20).await;
    assert_eq!(state.attempts, 2);
    let job = app
        .with_db(move |conn| domain::email::get_job(conn, id).unwrap().unwrap())
        .await;
    let composer =
        api::smtp::message::Composer::new(&app.config.mail_from, None, &app.config.public_url)
            .unwrap();
    let key = app
        .with_db(|conn| domain::email::link_key(conn).unwrap())
        .await;
    // What a later retry would send is byte-identical to what was delivered.
    let rebuilt = composer.build(&job, &key).unwrap();
    let delivered = &received_with(&sink, &state.message_id)[0];
    let normalize = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace("\r\n", "\n")
            .trim_end()
            .to_owned()
    };
    assert_eq!(normalize(&rebuilt.bytes), normalize(&delivered.data));
}

both_backends!(
    lead_mail_is_sent_once_with_stable_headers,
    lead_mail_without_consent_is_cancelled,
    without_smtp_url_messages_are_eml_files,
    retries_send_the_same_bytes_under_the_same_message_id
);
