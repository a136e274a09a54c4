//! Registration: the answer, e-mail normalization and uniqueness, validation, and how the JSON
//! body is read (unknown fields, missing fields, content type, syntax, size).

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use crate::auth::common::{REGISTER, field_codes, raw_post, registration, unique_email};

async fn registration_returns_the_user_without_secrets(b: Backend) {
    let app = TestApp::spawn(b).await;
    let email = unique_email("new");
    let reply = app
        .post(
            REGISTER,
            None,
            json!({"email": email, "password": PASSWORD, "display_name": "李伟", "account_type": "supplier"}),
        )
        .await
        .expect(201);
    let user = &reply.body;
    assert!(
        uuid::Uuid::parse_str(user["id"].as_str().unwrap_or_default()).is_ok(),
        "{user}"
    );
    assert_eq!(user["email"], email.as_str());
    assert_eq!(user["display_name"], "李伟");
    assert_eq!(user["account_type"], "supplier");
    assert!(user["created_at"].is_string(), "{user}");
    assert!(user["company"].is_null(), "{user}");
    let text = user.to_string().to_lowercase();
    assert!(!text.contains("password"), "password field in {user}");
    assert!(!text.contains("argon2"), "password hash in {user}");
    assert!(
        !text.contains(&PASSWORD.to_lowercase()),
        "password in {user}"
    );
}

async fn emails_are_normalized_and_unique_ignoring_case(b: Backend) {
    let app = TestApp::spawn(b).await;
    let local = format!("li.wei.{}", uuid::Uuid::new_v4().simple());
    let shouted = format!("  {}@Example.COM \t", local.to_uppercase());
    let stored = format!("{local}@example.com");
    let reply = app
        .post(REGISTER, None, registration(&shouted))
        .await
        .expect(201);
    assert_eq!(reply.body["email"], stored.as_str());

    for again in [
        stored.clone(),
        stored.to_uppercase(),
        format!(" {shouted} "),
    ] {
        let dup = app
            .post(REGISTER, None, registration(&again))
            .await
            .expect(409);
        assert_eq!(dup.code(), "email_taken", "{again:?}: {}", dup.body);
    }
    // Any spelling signs in to the one account.
    let id = reply.body["id"].as_str().unwrap_or_default().to_owned();
    for spelling in [stored.to_uppercase(), shouted] {
        let tokens = app.login(&spelling, PASSWORD).await.expect(200);
        let me = app
            .get("/api/v1/me", tokens.body["access_token"].as_str())
            .await
            .expect(200);
        assert_eq!(me.body["id"], id.as_str());
    }
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
        let mut statuses = [first.status, second.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [201, 409],
            "one account per address: {} / {}",
            first.body,
            second.body
        );
        let loser = if first.status == 409 { &first } else { &second };
        assert_eq!(loser.code(), "email_taken", "{}", loser.body);
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
    assert_eq!(reply.status, 201, "{}", reply.body);
}

both_backends!(
    registration_returns_the_user_without_secrets,
    emails_are_normalized_and_unique_ignoring_case,
    concurrent_registrations_of_one_address_create_one_account,
    invalid_registrations_name_the_field,
    unknown_and_missing_fields_are_refused,
    body_must_be_small_well_formed_json,
);
