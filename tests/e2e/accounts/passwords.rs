//! Password change (with the current password) and reset by e-mail (signed, single use, short,
//! the same answer for every address, throttled); both end every other session.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{ME, NEW_PASSWORD, REFRESH, assert_ended, field, first_field};

const RESET: &str = "/api/v1/auth/password-reset";
const RESET_CONFIRM: &str = "/api/v1/auth/password-reset/confirm";

async fn changing_the_password_ends_every_other_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let other = app.login(&account.email, PASSWORD).await.expect(200).body;

    let reply = app
        .post(
            "/api/v1/me/password",
            account.token(),
            json!({"current_password": "not-it-at-all", "new_password": NEW_PASSWORD}),
        )
        .await
        .expect(400);
    assert_eq!(
        first_field(&reply),
        ("current_password".into(), "incorrect".into())
    );
    let reply = app
        .post(
            "/api/v1/me/password",
            account.token(),
            json!({"current_password": PASSWORD, "new_password": "password123"}),
        )
        .await
        .expect(400);
    assert_eq!(first_field(&reply).0, "new_password");
    app.get(ME, account.token()).await.expect(200);

    let fresh = app
        .post(
            "/api/v1/me/password",
            account.token(),
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await
        .expect(200)
        .body;
    assert_ended(
        &app.get(ME, account.token()).await,
        "the token that changed it",
    );
    assert_ended(
        &app.get(ME, Some(&field(&other, "access_token"))).await,
        "another session",
    );
    for refresh in [account.refresh.clone(), field(&other, "refresh_token")] {
        app.post(REFRESH, None, json!({"refresh_token": refresh}))
            .await
            .expect(401);
    }
    // The answer is a new sign-in that works.
    app.get(ME, Some(&field(&fresh, "access_token")))
        .await
        .expect(200);
    app.post(
        REFRESH,
        None,
        json!({"refresh_token": field(&fresh, "refresh_token")}),
    )
    .await
    .expect(200);
    app.login(&account.email, PASSWORD).await.expect(401);
    app.login(&account.email, NEW_PASSWORD).await.expect(200);
}

async fn a_reset_link_sets_a_new_password_once_and_ends_every_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("supplier").await;
    let other = app.login(&account.email, PASSWORD).await.expect(200).body;

    let known = app
        .post(RESET, None, json!({"email": account.email.to_uppercase()}))
        .await
        .expect(202);
    let unknown = app
        .post(RESET, None, json!({"email": "nobody-here@example.com"}))
        .await
        .expect(202);
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.body, json!({"status": "reset_requested"}));
    assert!(
        app.last_mail("nobody-here@example.com", "password_reset")
            .await
            .is_none()
    );

    let token = app
        .mail_token(&account.email, "password_reset", "reset-password")
        .await;
    // The link opens a page with a form; nothing changes yet.
    let page = app
        .get(&format!("/api/v1/email/reset-password?token={token}"), None)
        .await
        .expect(200);
    assert!(
        page.body
            .as_str()
            .unwrap_or_default()
            .contains("new_password")
    );
    app.get(ME, account.token()).await.expect(200);

    let reply = app
        .post(
            RESET_CONFIRM,
            None,
            json!({"token": token, "new_password": "1234567890"}),
        )
        .await
        .expect(400);
    assert_eq!(first_field(&reply).0, "new_password");
    app.post(
        RESET_CONFIRM,
        None,
        json!({"token": token, "new_password": NEW_PASSWORD}),
    )
    .await
    .expect(204);

    for access in [account.access.clone(), field(&other, "access_token")] {
        assert_ended(
            &app.get(ME, Some(&access)).await,
            "a session before the reset",
        );
    }
    for refresh in [account.refresh.clone(), field(&other, "refresh_token")] {
        app.post(REFRESH, None, json!({"refresh_token": refresh}))
            .await
            .expect(401);
    }
    app.login(&account.email, PASSWORD).await.expect(401);
    app.login(&account.email, NEW_PASSWORD).await.expect(200);

    // Single use.
    let reply = app
        .post(
            RESET_CONFIRM,
            None,
            json!({"token": token, "new_password": "Another-Quilt-Harbor-91"}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "link_superseded", "{}", reply.body);
    app.login(&account.email, NEW_PASSWORD).await.expect(200);
}

async fn the_reset_form_works_and_links_expire(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup_unverified("buyer").await;
    app.post(RESET, None, json!({"email": account.email}))
        .await
        .expect(202);
    let token = app
        .mail_token(&account.email, "password_reset", "reset-password")
        .await;
    // The page's form posts form-encoded; following the link also proves the address.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/email/reset-password?token={token}")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("new_password={}", NEW_PASSWORD.replace('-', "%2D")))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    let tokens = app
        .login(&account.email, NEW_PASSWORD)
        .await
        .expect(200)
        .body;
    let me = app
        .get(ME, Some(&field(&tokens, "access_token")))
        .await
        .expect(200)
        .body;
    assert_eq!(me["email_verified"], true);

    // A link older than 30 minutes no longer works.
    app.post(RESET, None, json!({"email": account.email}))
        .await
        .expect(202);
    let token = app
        .mail_token(&account.email, "password_reset", "reset-password")
        .await;
    domain::clock::advance(time::Duration::minutes(31));
    let reply = app
        .post(
            RESET_CONFIRM,
            None,
            json!({"token": token, "new_password": "Another-Quilt-Harbor-91"}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "link_expired", "{}", reply.body);
}

async fn reset_requests_are_throttled_per_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            app.post(RESET, None, json!({"email": account.email}))
                .await
                .status,
        );
    }
    assert_eq!(statuses[..3], [202, 202, 202]);
    assert_eq!(statuses[3..], [429, 429]);
    // Another address is not affected.
    app.post(RESET, None, json!({"email": "someone-else@example.com"}))
        .await
        .expect(202);
}

both_backends!(
    changing_the_password_ends_every_other_session,
    a_reset_link_sets_a_new_password_once_and_ends_every_session,
    the_reset_form_works_and_links_expire,
    reset_requests_are_throttled_per_address,
);
