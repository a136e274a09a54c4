//! Address verification: an unverified account signs in and browses but does not send
//! inquiries, post buy requests or quote; e-mail goes only to verified addresses; a new address
//! takes effect once verified.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use domain::db::schema::email_jobs;
use domain::notification::{NewNotification, NotificationKind, notify};
use e2e::fixtures::PASSWORD;
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};
use uuid::Uuid;

use super::common::{ME, first_field};

fn inquiry(company: &str) -> Value {
    json!({
        "subject": "询价：304不锈钢保温杯 Quotation request",
        "message": "请报价五千只，谢谢。Please quote 5,000 pieces.",
        "quantity": 5000,
        "unit": "piece",
        "targets": [{"type": "company", "id": company}],
    })
}

fn days_ahead(days: i64) -> String {
    (domain::clock::now().assume_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

fn buy_request() -> Value {
    json!({
        "kind": "buy",
        "title": "求购304不锈钢保温杯",
        "category_id": "home-goods.drinkware",
        "quantity": 10000,
        "unit": "piece",
        "valid_until": days_ahead(30),
        "publish": true,
    })
}

fn quote() -> Value {
    json!({
        "unit_price": "11.80",
        "currency": "CNY",
        "moq": 1000,
        "lead_time_days": 20,
        "valid_until": days_ahead(20),
    })
}

#[track_caller]
fn assert_unverified(reply: e2e::Reply, what: &str) {
    assert_eq!(reply.status, 403, "{what}: {}", reply.body);
    assert_eq!(reply.code(), "email_unverified", "{what}: {}", reply.body);
}

async fn an_unverified_account_browses_but_cannot_inquire_post_or_quote(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (_, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().expect("id").to_owned();

    let buyer = app.signup_unverified("buyer").await;
    let me = app.get(ME, buyer.token()).await.expect(200).body;
    assert_eq!(me["email_verified"], false, "{me}");
    app.wait_for_index().await;
    app.get("/api/v1/search/products?q=保温杯", buyer.token())
        .await
        .expect(200);
    app.get(&format!("/api/v1/companies/{company}"), buyer.token())
        .await
        .expect(200);
    assert_unverified(
        app.post("/api/v1/inquiries", buyer.token(), inquiry(&company))
            .await,
        "inquiry",
    );
    assert_unverified(
        app.post("/api/v1/listings", buyer.token(), buy_request())
            .await,
        "buy request",
    );

    // An unverified supplier with a verified company cannot quote.
    let verified_buyer = app.signup("buyer").await;
    let request = app
        .post("/api/v1/listings", verified_buyer.token(), buy_request())
        .await
        .expect(201)
        .body;
    let request = request["id"].as_str().expect("id").to_owned();
    let supplier = app.signup_unverified("supplier").await;
    let own = app.company(&supplier).await;
    app.post(
        &format!(
            "/api/v1/operator/companies/{}/verify",
            own["id"].as_str().unwrap()
        ),
        operator.token(),
        json!({"reason": "licence checked"}),
    )
    .await
    .expect(200);
    assert_unverified(
        app.post(
            &format!("/api/v1/listings/{request}/quotes"),
            supplier.token(),
            quote(),
        )
        .await,
        "quote",
    );

    // Following the link lifts all of it, with the same access tokens.
    let page = app.verify_address(&buyer.email).await;
    assert!(
        page.body
            .as_str()
            .unwrap_or_default()
            .contains(&buyer.email)
    );
    assert_eq!(
        app.get(ME, buyer.token()).await.expect(200).body["email_verified"],
        true
    );
    app.post("/api/v1/inquiries", buyer.token(), inquiry(&company))
        .await
        .expect(201);
    app.post("/api/v1/listings", buyer.token(), buy_request())
        .await
        .expect(201);
    app.verify_address(&supplier.email).await;
    app.post(
        &format!("/api/v1/listings/{request}/quotes"),
        supplier.token(),
        quote(),
    )
    .await
    .expect(201);
}

async fn verification_links_are_signed_and_expire(b: Backend) {
    let app = TestApp::spawn(b).await;
    let email = app.register("buyer").await;
    let token = app
        .mail_token(&email, "verify_email", "verify-address")
        .await;
    let (subject, text) = app.last_mail(&email, "verify_email").await.expect("mail");
    assert!(subject.contains("验证"), "{subject}");
    assert!(text.contains(&email), "{text}");
    // The GET only shows the page.
    let page = app
        .get(&format!("/api/v1/email/verify-address?token={token}"), None)
        .await
        .expect(200);
    assert!(page.body.as_str().unwrap_or_default().contains("<form"));
    let account = app.signin(&email).await;
    assert_eq!(
        app.get(ME, account.token()).await.body["email_verified"],
        false
    );
    // A tampered token is refused.
    let (claims, _) = token.split_once('.').expect("signed token");
    let forged = format!("{claims}.AAAA");
    let reply = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/email/verify-address?token={forged}"),
            None,
            None,
        )
        .await
        .expect(400);
    assert_eq!(reply.code(), "invalid_link");
    // After 48 hours the link no longer works; asking again sends a fresh one.
    domain::clock::advance(time::Duration::hours(49));
    let reply = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/email/verify-address?token={token}"),
            None,
            None,
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "link_expired");
    let sent = app
        .call(
            reqwest::Method::POST,
            "/api/v1/me/verification",
            account.token(),
            None,
        )
        .await
        .expect(202);
    assert_eq!(sent.body["status"], "verification_sent");
    app.verify_address(&email).await;
    let again = app
        .call(
            reqwest::Method::POST,
            "/api/v1/me/verification",
            account.token(),
            None,
        )
        .await
        .expect(202);
    assert_eq!(again.body["status"], "already_verified");
}

async fn mail_for(app: &TestApp, user: &Account) -> i64 {
    let user = user.id.clone();
    app.with_db(move |conn| {
        email_jobs::table
            .filter(email_jobs::user_id.eq(user))
            .filter(email_jobs::kind.eq("quote_received"))
            .count()
            .get_result(conn)
            .expect("count")
    })
    .await
}

async fn notifications_are_mailed_to_verified_addresses_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let unverified = app.signup_unverified("buyer").await;
    let verified = app.signup("buyer").await;
    for who in [&unverified, &verified] {
        let user = Uuid::parse_str(&who.id).expect("id");
        app.with_db(move |conn| {
            notify(
                conn,
                NewNotification {
                    user_id: user,
                    kind: NotificationKind::QuoteReceived,
                    subject_type: "quote",
                    subject_id: Uuid::now_v7(),
                    payload: json!({"title": "求购保温杯"}),
                },
            )
            .expect("notify")
        })
        .await;
    }
    // Both events are handled in one batch, the unverified account's first: once the verified
    // account's e-mail exists, the other was decided too.
    let settings = app.config.mail_settings();
    let deadline = Instant::now() + Duration::from_secs(20);
    while mail_for(&app, &verified).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the notification e-mail was never written"
        );
        let s = settings.clone();
        app.with_db(move |conn| domain::lead_alerts::mail_notifications(conn, &s).expect("mail"))
            .await;
    }
    assert_eq!(mail_for(&app, &unverified).await, 0);
    // The in-app notification is there all the same.
    let list = app
        .get("/api/v1/notifications", unverified.token())
        .await
        .expect(200)
        .body;
    assert_eq!(list["unread"], 1);
}

async fn a_new_address_takes_effect_once_verified(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let new = format!("moved-{}@example.com", Uuid::new_v4().simple());

    let reply = app
        .post(
            "/api/v1/me/email",
            account.token(),
            json!({"email": new, "current_password": "wrong-password"}),
        )
        .await
        .expect(400);
    assert_eq!(
        first_field(&reply),
        ("current_password".into(), "incorrect".into())
    );

    app.post(
        "/api/v1/me/email",
        account.token(),
        json!({"email": new.to_uppercase(), "current_password": PASSWORD}),
    )
    .await
    .expect(202);
    let me = app.get(ME, account.token()).await.expect(200).body;
    assert_eq!(
        me["email"],
        account.email.as_str(),
        "not before it is verified"
    );
    assert_eq!(me["pending_email"], new.as_str());
    assert_eq!(me["email_verified"], true);
    app.login(&new, PASSWORD).await.expect(401);

    app.verify_address(&new).await;
    let me = app.get(ME, account.token()).await.expect(200).body;
    assert_eq!(me["email"], new.as_str());
    assert!(me["pending_email"].is_null(), "{me}");
    assert_eq!(me["email_verified"], true);
    app.login(&new, PASSWORD).await.expect(200);
    app.login(&account.email, PASSWORD).await.expect(401);

    // An address that has an account answers the same, and its owner is told.
    let other = app.signup("supplier").await;
    app.post(
        "/api/v1/me/email",
        account.token(),
        json!({"email": other.email, "current_password": PASSWORD}),
    )
    .await
    .expect(202);
    assert!(
        app.last_mail(&other.email, "registration_attempt")
            .await
            .is_some()
    );
    assert!(
        app.last_mail(&other.email, "verify_email")
            .await
            .is_some_and(|(_, t)| !t.contains(&new))
    );
    assert_eq!(
        app.get(ME, account.token()).await.body["email"],
        new.as_str()
    );
}

async fn demo_accounts_are_verified(b: Backend) {
    let app = TestApp::spawn(b).await;
    let logins = app
        .with_db(|conn| domain::demo::load(conn).expect("demo data"))
        .await;
    for email in [&logins.buyer, &logins.supplier, &logins.operator] {
        let tokens = app.login(email, logins.password).await.expect(200).body;
        let me = app
            .get(ME, tokens["access_token"].as_str())
            .await
            .expect(200)
            .body;
        assert_eq!(me["email_verified"], true, "{me}");
    }
}

both_backends!(
    an_unverified_account_browses_but_cannot_inquire_post_or_quote,
    verification_links_are_signed_and_expire,
    notifications_are_mailed_to_verified_addresses_only,
    a_new_address_takes_effect_once_verified,
    demo_accounts_are_verified,
);
