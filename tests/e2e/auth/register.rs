//! Registration: the answer, e-mail normalization and uniqueness, validation, and how the JSON
//! body is read (unknown fields, missing fields, content type, syntax, size).

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use crate::auth::common::{REGISTER, field_codes, raw_post, registration, unique_email};

async fn registration_answers_without_secrets(b: Backend) {
    let app = TestApp::spawn(b).await;
    let email = unique_email("new");
    let reply = app
        .post(
            REGISTER,
            None,
            json!({"email": email, "password": PASSWORD, "display_name": "李伟", "account_type": "supplier"}),
        )
        .await
        .expect(202);
    assert_eq!(
        reply.body,
        json!({"email": email, "status": "verification_sent"})
    );
    // The account exists, signs in, and is not verified yet.
    let account = app.signin(&email).await;
    let me = app
        .get("/api/v1/me", account.token())
        .await
        .expect(200)
        .body;
    assert_eq!(me["display_name"], "李伟");
    assert_eq!(me["account_type"], "supplier");
    assert_eq!(me["email_verified"], false);
    assert!(me["created_at"].is_string(), "{me}");
    assert!(me["company"].is_null(), "{me}");
    let text = me.to_string().to_lowercase();
    assert!(!text.contains("argon2"), "password hash in {me}");
    assert!(!text.contains(&PASSWORD.to_lowercase()), "password in {me}");
}

/// The number of accounts with this (normalized) address.
async fn accounts_with(app: &TestApp, email: &str) -> i64 {
    use diesel::prelude::*;
    use domain::db::schema::users;
    let email = email.to_owned();
    app.with_db(move |conn| {
        users::table
            .filter(users::email.eq(email))
            .count()
            .get_result(conn)
            .expect("count")
    })
    .await
}

async fn emails_are_normalized_and_unique_ignoring_case(b: Backend) {
    let app = TestApp::spawn(b).await;
    let local = format!("li.wei.{}", uuid::Uuid::new_v4().simple());
    let shouted = format!("  {}@Example.COM \t", local.to_uppercase());
    let stored = format!("{local}@example.com");
    let reply = app
        .post(REGISTER, None, registration(&shouted))
        .await
        .expect(202);
    assert_eq!(reply.body["email"], stored.as_str());
    let id = app.signin(&stored).await.id;

    for again in [
        stored.clone(),
        stored.to_uppercase(),
        format!(" {shouted} "),
    ] {
        let dup = app
            .post(REGISTER, None, registration(&again))
            .await
            .expect(202);
        assert_eq!(dup.body, reply.body, "{again:?}");
    }
    assert_eq!(accounts_with(&app, &stored).await, 1);
    // Any spelling signs in to the one account.
    for spelling in [stored.to_uppercase(), shouted] {
        let tokens = app.login(&spelling, PASSWORD).await.expect(200);
        let me = app
            .get("/api/v1/me", tokens.body["access_token"].as_str())
            .await
            .expect(200);
        assert_eq!(me.body["id"], id.as_str());
    }
}

async fn registration_with_a_taken_address_looks_the_same_and_tells_the_owner(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("buyer").await;
    let fresh = unique_email("fresh");
    let new = app
        .post(REGISTER, None, registration(&fresh))
        .await
        .expect(202);
    let taken = app
        .post(REGISTER, None, registration(&owner.email))
        .await
        .expect(202);
    assert_eq!(new.body["status"], taken.body["status"]);
    assert_eq!(taken.body["email"], owner.email.as_str());
    let keys = |v: &serde_json::Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(keys(&new.body), keys(&taken.body));
    assert_eq!(
        new.headers.get("content-type"),
        taken.headers.get("content-type")
    );
    // The owner is told, in one notice however often it is tried within the hour.
    app.post(REGISTER, None, registration(&owner.email))
        .await
        .expect(202);
    let (subject, text) = app
        .last_mail(&owner.email, "registration_attempt")
        .await
        .expect("the owner is told");
    assert!(subject.contains("注册"), "{subject}");
    assert!(text.contains(&owner.email), "{text}");
    let notices = {
        use diesel::prelude::*;
        use domain::db::schema::email_jobs as j;
        let to = owner.email.clone();
        app.with_db(move |conn| {
            j::table
                .filter(j::to_address.eq(to))
                .filter(j::kind.eq("registration_attempt"))
                .count()
                .get_result::<i64>(conn)
                .expect("count")
        })
        .await
    };
    assert_eq!(notices, 1);
    // The password of the attempt does not work; the owner's still does.
    app.login(&owner.email, PASSWORD).await.expect(200);
    assert_eq!(accounts_with(&app, &owner.email).await, 1);
}

async fn concurrent_registrations_of_one_address_create_one_account(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.workers = Some(2)).await;
    for _ in 0..3 {
        let local = format!("race.{}", uuid::Uuid::new_v4().simple());
        let lower = format!("{local}@example.com");
        let upper = format!("{}@EXAMPLE.COM", local.to_uppercase());
        let (first, second) = tokio::join!(
            app.post(REGISTER, None, registration(&lower)),
            app.post(REGISTER, None, registration(&upper)),
        );
        assert_eq!(
            [first.status, second.status],
            [202, 202],
            "{} / {}",
            first.body,
            second.body
        );
        assert_eq!(accounts_with(&app, &lower).await, 1);
    }
}

async fn invalid_registrations_name_the_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let cases = [
        ("email", "not-an-email", "email", "invalid_email"),
        ("email", "a@localhost", "email", "invalid_email"),
        ("password", "Sh0rt!x", "password", "too_short"),
        ("password", "password123", "password", "too_common"),
        ("password", "1234567890", "password", "too_common"),
        ("display_name", "", "display_name", "required"),
        ("display_name", "   ", "display_name", "required"),
        ("account_type", "operator", "account_type", "invalid_choice"),
        ("account_type", "admin", "account_type", "invalid_choice"),
    ];
    for (key, value, field, code) in cases {
        let mut body = registration(&unique_email("bad"));
        body[key] = json!(value);
        let reply = app.post(REGISTER, None, body).await;
        assert_eq!(reply.status, 400, "{key}={value:?}: {}", reply.body);
        assert_eq!(reply.code(), "validation_failed", "{key}={value:?}");
        assert!(
            field_codes(&reply).contains(&(field.to_owned(), code.to_owned())),
            "{key}={value:?}: expected {field}/{code} in {}",
            reply.body
        );
    }
    // Every problem at once.
    let reply = app
        .post(
            REGISTER,
            None,
            json!({"email": "nope", "password": "short", "display_name": "", "account_type": "operator"}),
        )
        .await
        .expect(400);
    let mut fields = reply.fields();
    fields.sort();
    assert_eq!(
        fields,
        ["account_type", "display_name", "email", "password"],
        "{}",
        reply.body
    );
}

async fn unknown_and_missing_fields_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    for extra in ["role", "account_type_override", "status", "id"] {
        let mut body = registration(&unique_email("smuggle"));
        body[extra] = json!("operator");
        let reply = app.post(REGISTER, None, body).await.expect(400);
        assert_eq!(reply.code(), "validation_failed", "{extra}: {}", reply.body);
        assert_eq!(
            field_codes(&reply),
            [(extra.to_owned(), "unknown_field".to_owned())],
            "{extra}: {}",
            reply.body
        );
    }
    for missing in ["email", "password", "display_name", "account_type"] {
        let mut body = registration(&unique_email("missing"));
        body.as_object_mut().expect("object").remove(missing);
        let reply = app.post(REGISTER, None, body).await.expect(400);
        assert_eq!(
            reply.code(),
            "validation_failed",
            "{missing}: {}",
            reply.body
        );
        assert_eq!(
            field_codes(&reply),
            [(missing.to_owned(), "required".to_owned())],
            "{missing}: {}",
            reply.body
        );
    }
    let reply = app.post(REGISTER, None, json!({})).await.expect(400);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.body);
    let reply = app.post(REGISTER, None, json!([])).await.expect(400);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.body);
    let mut body = registration(&unique_email("type"));
    body["email"] = json!(42);
    let reply = app.post(REGISTER, None, body).await.expect(400);
    assert_eq!(
        field_codes(&reply),
        [("email".to_owned(), "invalid_type".to_owned())],
        "{}",
        reply.body
    );
}

async fn body_must_be_small_well_formed_json(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.max_body_bytes = 1024).await;
    let good = serde_json::to_vec(&registration(&unique_email("raw"))).expect("json");

    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let reply = raw_post(&app, REGISTER, content_type, good.clone()).await;
        assert_eq!(reply.status, 415, "{content_type}: {}", reply.body);
        assert_eq!(reply.code(), "unsupported_media_type", "{content_type}");
    }
    let reply = app
        .http
        .post(app.url(REGISTER))
        .body(good.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status(), 415, "no content type");

    for broken in [
        &b"{\"email\": "[..],
        &b"{'email': 'x@example.com'}"[..],
        &b"not json"[..],
        &b""[..],
    ] {
        let reply = raw_post(&app, REGISTER, "application/json", broken.to_vec()).await;
        assert_eq!(
            reply.status,
            400,
            "{:?}: {}",
            String::from_utf8_lossy(broken),
            reply.body
        );
        assert_eq!(reply.code(), "invalid_json", "{}", reply.body);
    }
    // Trailing data after one valid object is not JSON either.
    let mut trailing = good.clone();
    trailing.extend_from_slice(b" {}");
    let reply = raw_post(&app, REGISTER, "application/json", trailing).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.code(), "invalid_json", "{}", reply.body);

    let mut big = registration(&unique_email("big"));
    big["display_name"] = json!("x".repeat(4096));
    let reply = raw_post(
        &app,
        REGISTER,
        "application/json",
        serde_json::to_vec(&big).expect("json"),
    )
    .await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.code(), "payload_too_large", "{}", reply.body);

    // The well-formed body still works with the same settings, and `charset` is accepted.
    let reply = raw_post(&app, REGISTER, "application/json; charset=utf-8", good).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
}

both_backends!(
    registration_answers_without_secrets,
    emails_are_normalized_and_unique_ignoring_case,
    registration_with_a_taken_address_looks_the_same_and_tells_the_owner,
    concurrent_registrations_of_one_address_create_one_account,
    invalid_registrations_name_the_field,
    unknown_and_missing_fields_are_refused,
    body_must_be_small_well_formed_json,
);
