//! Open pixel and click redirect with signed tokens, tracking only where allowed, and the
//! operator reports that count them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use domain::db::schema::email_preferences;
use e2e::smtp::SmtpSink;
use e2e::{Backend, TestApp, both_backends};
use mail_parser::MessageParser;
use serde_json::Value;

use super::common::*;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The tokens of every tracking URL of `kind` (`open` or `click`) in `html`.
fn tokens(html: &str, kind: &str) -> Vec<String> {
    let marker = format!("https://tradefair.test/api/v1/email/{kind}/");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn unengaged(app: &TestApp, user: &str) -> i32 {
    let user = user.to_owned();
    app.with_db(move |conn| {
        email_preferences::table
            .find(user)
            .select(email_preferences::unengaged_sends)
            .first(conn)
            .unwrap()
    })
    .await
}

async fn opens_and_clicks_are_recorded_through_signed_tokens(b: Backend) {
    // The report is per calendar day (UTC): start mid-morning.
    e2e::clock::pin_ordinary();
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |_| {}).await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, true).await;
    let id = enqueue(&app, lead(&buyer, true)).await;
    let message_id = wait_status(&app, id, "sent", 20).await.message_id;
    let m = &received_with(&sink, &message_id)[0];
    let parsed = MessageParser::default().parse(&m.data).unwrap();
    let html = parsed.body_html(0).unwrap().into_owned();
    let opens = tokens(&html, "open");
    let clicks = tokens(&html, "click");
    assert_eq!(opens.len(), 1, "one pixel: {html}");
    assert_eq!(clicks.len(), 2, "both content links are tracked: {html}");
    // Unsubscribe and preferences links are never rewritten.
    assert!(html.contains("href=\"https://tradefair.test/api/v1/email/unsubscribe/tok\""));
    assert!(html.contains("href=\"https://tradefair.test/api/v1/email/preferences/tok\""));
    // The plain-text part is what was queued.
    assert_eq!(
        parsed
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .as_deref(),
        Some("3 new products match your search.\n")
    );
    assert_eq!(unengaged(&app, &buyer.id).await, 1);

    // The pixel: a GIF that is never cached; two opens.
    for _ in 0..2 {
        let reply = app
            .http
            .get(app.url(&format!("/api/v1/email/open/{}", opens[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), 200);
        assert_eq!(reply.headers()["content-type"], "image/gif");
        assert!(
            reply.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("no-store")
        );
        let body = reply.bytes().await.unwrap();
        assert_eq!(&body[..6], b"GIF89a");
    }
    assert_eq!(
        unengaged(&app, &buyer.id).await,
        0,
        "an open resets the unengaged count"
    );

    // The click redirect goes to the signed target, unescaped.
    let http = no_redirects();
    let reply = http
        .get(app.url(&format!("/api/v1/email/click/{}", clicks[1])))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 302);
    assert_eq!(
        reply.headers()["location"],
        "https://shop.example/p?x=1&y=2"
    );

    // A token whose target was changed is refused and redirects nowhere.
    let (claims, tag) = clicks[0].split_once('.').unwrap();
    let mut json: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
    json["d"] = Value::String("https://evil.example/phish".into());
    let forged = format!(
        "{}.{tag}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&json).unwrap())
    );
    for bad in [forged.as_str(), "garbage", opens[0].as_str()] {
        let reply = http
            .get(app.url(&format!("/api/v1/email/click/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), 404, "{bad}");
        assert!(reply.headers().get("location").is_none());
    }
    let reply = app
        .get(&format!("/api/v1/email/open/{}", clicks[0]), None)
        .await;
    assert_eq!((reply.status, reply.code()), (404, "invalid_link"));
    assert_eq!(
        events(&app, id).await,
        vec!["sent", "opened", "opened", "clicked"]
    );

    // Reports: per day (opened counts the message once) and per job.
    let op = app.operator().await;
    let today = domain::clock::now().date();
    let day = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    // The buyer's verification e-mail is sent that day too.
    let account_mail = account_mail_sent(&app).await as i64;
    let stats = app
        .get(
            // Days are trimmed, as every filter is (the document's pattern admits the space).
            &format!("/api/v1/operator/email/stats?from=%20{day}&to={day}%20"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(stats["days"].as_array().unwrap().len(), 1);
    let d = &stats["days"][0];
    assert_eq!(d["day"], day.as_str());
    assert_eq!(
        (
            d["sent"].as_i64(),
            d["opened"].as_i64(),
            d["opens"].as_i64()
        ),
        (Some(1 + account_mail), Some(1), Some(2))
    );
    assert_eq!(
        (d["clicked"].as_i64(), d["clicks"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(stats["totals"]["sent"], 1 + account_mail);
    let detail = app
        .get(&format!("/api/v1/operator/email/jobs/{id}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(detail["kind"], "lead_digest");
    assert_eq!(detail["status"], "sent");
    assert_eq!(detail["message_id"], message_id.as_str());
    assert_eq!(
        (
            detail["counts"]["sent"].as_i64(),
            detail["counts"]["opens"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(detail["counts"]["clicks"], 1);
    let digests = app
        .get(
            "/api/v1/operator/email/jobs?kind=lead_digest&status=sent",
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(digests["items"].as_array().unwrap().len(), 1);
    assert_eq!(digests["items"][0]["id"], id.to_string());
    let none = app
        .get("/api/v1/operator/email/jobs?kind=lead_instant", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let bad = app
        .get("/api/v1/operator/email/jobs?status=lost", op.token())
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["status".to_owned()]));
    let bad = app
        .get("/api/v1/operator/email/stats?from=yesterday", op.token())
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["from".to_owned()]));
    // The calendar's last day has no next day to end the range at: a 400, not a panic.
    let bad = app
        .get(
            "/api/v1/operator/email/stats?from=9999-12-30&to=9999-12-31",
            op.token(),
        )
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["to".to_owned()]));
    assert_eq!(
        app.get("/api/v1/operator/email/stats", buyer.token())
            .await
            .status,
        403
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/operator/email/jobs/{}", uuid::Uuid::now_v7()),
            op.token()
        )
        .await
        .code(),
        "email_job_not_found"
    );
}

async fn without_tracking_there_is_no_pixel_and_links_are_untouched(b: Backend) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |_| {}).await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, false).await;
    let id = enqueue(&app, lead(&buyer, false)).await;
    let message_id = wait_status(&app, id, "sent", 20).await.message_id;
    let m = &received_with(&sink, &message_id)[0];
    let parsed = MessageParser::default().parse(&m.data).unwrap();
    let html = parsed.body_html(0).unwrap().into_owned();
    assert!(tokens(&html, "open").is_empty());
    assert!(tokens(&html, "click").is_empty());
    assert!(html.contains("href='https://shop.example/p?x=1&amp;y=2'"));
    assert_eq!(html, lead(&buyer, false).html_body);
}

both_backends!(
    opens_and_clicks_are_recorded_through_signed_tokens,
    without_tracking_there_is_no_pixel_and_links_are_untouched
);
