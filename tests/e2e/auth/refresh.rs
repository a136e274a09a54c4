//! Refresh-token rotation, reuse detection by family, and logout.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use crate::auth::common::{LOGOUT, ME, assert_invalid_token, refresh};

fn token(reply: &e2e::Reply, name: &str) -> String {
    reply.body[name].as_str().unwrap_or_default().to_owned()
}

async fn refresh_rotates_the_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("supplier").await;
    let reply = refresh(&app, &account.refresh).await.expect(200);
    assert_eq!(reply.body["token_type"], "Bearer", "{}", reply.body);
    assert_eq!(
        reply.body["expires_in"].as_i64(),
        Some(app.config.access_token_ttl_secs)
    );
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    let access = token(&reply, "access_token");
    let next = token(&reply, "refresh_token");
    assert!(!next.is_empty());
    assert_ne!(next, account.refresh, "rotation gives a new refresh token");
    assert_ne!(access, account.access);
    let me = app.get(ME, Some(&access)).await.expect(200);
    assert_eq!(me.body["id"], account.id.as_str());
    assert_eq!(me.body["account_type"], "supplier");
    // The new refresh token rotates in turn.
    let third = refresh(&app, &next).await.expect(200);
    assert_ne!(token(&third, "refresh_token"), next);
}

async fn reusing_a_refresh_token_revokes_its_family(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    // A second login: another family.
    let other = app.login(&account.email, PASSWORD).await.expect(200);
    let other_refresh = token(&other, "refresh_token");

    let rotated = refresh(&app, &account.refresh).await.expect(200);
    let next = token(&rotated, "refresh_token");

    let reused = refresh(&app, &account.refresh).await.expect(401);
    assert_eq!(reused.code(), "refresh_token_reused", "{}", reused.body);
    assert_eq!(reused.header("www-authenticate").as_deref(), Some("Bearer"));

    let dead = refresh(&app, &next).await;
    assert_eq!(
        dead.status, 401,
        "the family's newest token dies too: {}",
        dead.body
    );
    assert!(
        ["invalid_refresh_token", "refresh_token_reused"].contains(&dead.code()),
        "{}",
        dead.body
    );
    // Presenting the old one again stays refused.
    refresh(&app, &account.refresh).await.expect(401);

    // The other login is untouched.
    let fine = refresh(&app, &other_refresh).await.expect(200);
    app.get(ME, fine.body["access_token"].as_str())
        .await
        .expect(200);
}

async fn unknown_refresh_tokens_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    for garbage in [
        "garbage".to_owned(),
        String::new(),
        account.access.clone(),
        format!("{}x", account.refresh),
        account.refresh.to_uppercase(),
    ] {
        let reply = refresh(&app, &garbage).await.expect(401);
        assert_eq!(
            reply.code(),
            "invalid_refresh_token",
            "{garbage:?}: {}",
            reply.body
        );
    }
    // None of that harmed the real token.
    refresh(&app, &account.refresh).await.expect(200);
    let reply = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": account.refresh, "user_id": account.id}),
        )
        .await
        .expect(400);
    assert_eq!(reply.code(), "validation_failed");
}

async fn concurrent_refreshes_succeed_once(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.workers = Some(2)).await;
    for _ in 0..5 {
        let account = app.signup("buyer").await;
        let (first, second) = tokio::join!(
            refresh(&app, &account.refresh),
            refresh(&app, &account.refresh),
        );
        let mut statuses = [first.status, second.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 401],
            "exactly one of two concurrent refreshes wins: {} / {}",
            first.body,
            second.body
        );
    }
}

async fn logout_ends_the_session_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let other = app.login(&account.email, PASSWORD).await.expect(200);
    app.get(ME, account.token()).await.expect(200);

    let reply = app
        .post(
            LOGOUT,
            account.token(),
            json!({"refresh_token": account.refresh}),
        )
        .await
        .expect(204);
    assert!(reply.body.is_null(), "{}", reply.body);

    assert_invalid_token(
        &app.get(ME, account.token()).await,
        "access token after logout",
    );
    let reply = refresh(&app, &account.refresh).await.expect(401);
    assert_eq!(reply.code(), "invalid_refresh_token", "{}", reply.body);
    // Logging out again with the dead token is refused too.
    app.post(
        LOGOUT,
        account.token(),
        json!({"refresh_token": account.refresh}),
    )
    .await
    .expect(401);

    // The other session is still alive.
    app.get(ME, other.body["access_token"].as_str())
        .await
        .expect(200);
    refresh(&app, &token(&other, "refresh_token"))
        .await
        .expect(200);
}

async fn logout_revokes_the_rotated_family(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let rotated = refresh(&app, &account.refresh).await.expect(200);
    let access = token(&rotated, "access_token");
    let next = token(&rotated, "refresh_token");
    app.post(LOGOUT, Some(&access), json!({"refresh_token": next}))
        .await
        .expect(204);
    assert_invalid_token(&app.get(ME, Some(&access)).await, "after logout");
    refresh(&app, &next).await.expect(401);
}

async fn logout_needs_an_access_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let reply = app
        .post(LOGOUT, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(401);
    assert_eq!(reply.code(), "unauthenticated", "{}", reply.body);
    let reply = app
        .post(
            LOGOUT,
            Some("garbage"),
            json!({"refresh_token": account.refresh}),
        )
        .await
        .expect(401);
    assert_eq!(reply.code(), "invalid_token", "{}", reply.body);
    // Someone else's access token cannot end this account's refresh family.
    let stranger = app.signup("buyer").await;
    app.post(
        LOGOUT,
        stranger.token(),
        json!({"refresh_token": account.refresh}),
    )
    .await
    .expect(204);
    // Nothing was revoked.
    app.get(ME, account.token()).await.expect(200);
    refresh(&app, &account.refresh).await.expect(200);
}

both_backends!(
    refresh_rotates_the_token,
    reusing_a_refresh_token_revokes_its_family,
    unknown_refresh_tokens_are_refused,
    concurrent_refreshes_succeed_once,
    logout_ends_the_session_at_once,
    logout_revokes_the_rotated_family,
    logout_needs_an_access_token,
);
