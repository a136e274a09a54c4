//! Signing in, and what `/api/v1/me` answers with and without a token.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};

use crate::auth::common::{ME, register_only, unique_email};

async fn login_returns_bearer_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    let email = unique_email("login");
    register_only(&app, &email).await;
    let reply = app.login(&email, PASSWORD).await.expect(200);
    let tokens = &reply.body;
    assert_eq!(tokens["token_type"], "Bearer", "{tokens}");
    assert_eq!(
        tokens["expires_in"].as_i64(),
        Some(app.config.access_token_ttl_secs),
        "{tokens}"
    );
    let access = tokens["access_token"].as_str().unwrap_or_default();
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default();
    assert_eq!(
        access.split('.').count(),
        3,
        "access token is a JWT: {access}"
    );
    assert!(refresh.len() >= 32, "refresh token: {refresh}");
    assert_ne!(access, refresh);
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));

    let me = app.get(ME, Some(access)).await.expect(200);
    assert!(uuid::Uuid::parse_str(me.body["id"].as_str().unwrap_or_default()).is_ok());
    assert_eq!(me.body["email"], email.as_str());
    assert_eq!(me.body["account_type"], "buyer");
    assert!(
        !me.body.to_string().to_lowercase().contains("password"),
        "{}",
        me.body
    );

    // Two logins are two sessions with different tokens.
    let again = app.login(&email, PASSWORD).await.expect(200);
    assert_ne!(again.body["refresh_token"], tokens["refresh_token"]);
    assert_ne!(again.body["access_token"], tokens["access_token"]);
}

async fn unknown_email_and_wrong_password_look_the_same(b: Backend) {
    let app = TestApp::spawn(b).await;
    let email = unique_email("known");
    register_only(&app, &email).await;

    let wrong = app.login(&email, "Wrong-Password-9931").await;
    let unknown = app.login(&unique_email("nobody"), PASSWORD).await;
    let invalid = app.login("not-an-address", PASSWORD).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert_eq!(wrong.code(), "invalid_credentials", "{}", wrong.body);
    for other in [&unknown, &invalid] {
        assert_eq!(other.status, wrong.status);
        assert_eq!(
            other.body, wrong.body,
            "bodies must not tell the cases apart"
        );
        assert_eq!(other.header("cache-control"), wrong.header("cache-control"));
        assert_eq!(
            other.header("www-authenticate"),
            wrong.header("www-authenticate")
        );
    }
    // The right password with a differently-cased address still works.
    app.login(&email.to_uppercase(), PASSWORD).await.expect(200);
}

async fn me_requires_a_bearer_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reply = app.get(ME, None).await.expect(401);
    assert_eq!(reply.code(), "unauthenticated", "{}", reply.body);
    assert_eq!(reply.header("www-authenticate").as_deref(), Some("Bearer"));

    // A token in the query string is not a credential.
    let account = app.signup("buyer").await;
    let reply = app
        .get(&format!("{ME}?access_token={}", account.access), None)
        .await
        .expect(401);
    assert_eq!(reply.code(), "unauthenticated", "{}", reply.body);
    // Nor in a cookie.
    let reply = app
        .http
        .get(app.url(ME))
        .header("Cookie", format!("access_token={}", account.access))
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status(), 401);
}

both_backends!(
    login_returns_bearer_tokens,
    unknown_email_and_wrong_password_look_the_same,
    me_requires_a_bearer_token,
);
