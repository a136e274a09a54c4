//! Operators read the suppression list and take addresses off it (audited); mail to a removed
//! address is sent again.

use e2e::smtp::SmtpSink;
use e2e::{Backend, both_backends};

use super::common::*;

async fn operators_read_and_remove_suppressions(b: Backend) {
    let sink = SmtpSink::start();
    sink.rule("dead", 550, "5.1.1 no such user", Some(3));
    let app = app_with_sink(b, &sink, |_| {}).await;
    for to in [
        "dead1@example.net",
        "dead2@example.net",
        "dead3@other.example",
    ] {
        let id = enqueue(&app, transactional(to, None)).await;
        wait_status(&app, id, "failed", 20).await;
    }
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;

    let page = app
        .get("/api/v1/operator/email/suppressions?limit=2", op.token())
        .await
        .expect(200)
        .body;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["address"], "dead1@example.net");
    assert_eq!(items[0]["reason"], "hard_bounce");
    assert!(items[0]["detail"].as_str().unwrap().contains("5.1.1"));
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/operator/email/suppressions?limit=2&cursor={cursor}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rest["items"][0]["address"], "dead3@other.example");
    assert_eq!(rest["next_cursor"], serde_json::Value::Null);
    let prefixed = app
        .get(
            "/api/v1/operator/email/suppressions?prefix=DEAD3",
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(prefixed["items"].as_array().unwrap().len(), 1);
    let bad = app
        .get(
            "/api/v1/operator/email/suppressions?cursor=%25%25",
            op.token(),
        )
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["cursor".to_owned()]));

    let one = app
        .get(
            "/api/v1/operator/email/suppressions/dead2%40example.net",
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(one["reason"], "hard_bounce");
    assert_eq!(
        app.get(
            "/api/v1/operator/email/suppressions/nobody%40example.net",
            op.token()
        )
        .await
        .code(),
        "suppression_not_found"
    );
    assert_eq!(
        app.get("/api/v1/operator/email/suppressions", buyer.token())
            .await
            .status,
        403
    );
    assert_eq!(
        app.delete(
            "/api/v1/operator/email/suppressions/dead2%40example.net",
            buyer.token()
        )
        .await
        .status,
        403
    );

    app.delete(
        "/api/v1/operator/email/suppressions/Dead2%40Example.net?reason=mailbox%20restored",
        op.token(),
    )
    .await
    .expect(204);
    assert_eq!(suppression(&app, "dead2@example.net").await, None);
    let again = app
        .delete(
            "/api/v1/operator/email/suppressions/dead2%40example.net",
            op.token(),
        )
        .await;
    assert_eq!((again.status, again.code()), (404, "suppression_not_found"));
    let audit = app
        .get("/api/v1/operator/audit?action=unsuppress", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit["items"][0]["subject_id"], "dead2@example.net");
    assert_eq!(audit["items"][0]["reason"], "mailbox restored");
    assert_eq!(audit["items"][0]["before"]["reason"], "hard_bounce");

    // Mail to the address goes out again (the sink's rule is spent).
    let id = enqueue(&app, transactional("dead2@example.net", None)).await;
    wait_status(&app, id, "sent", 20).await;
}

both_backends!(operators_read_and_remove_suppressions);
