//! A sign-in ends as a whole: logout (with or without a body), reuse of a spent refresh token,
//! and a disabled account end its access tokens on their next request, not when they expire.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{LOGOUT, ME, REFRESH, assert_ended, field, post_empty};

async fn logout_without_a_body_ends_the_whole_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let other = app.login(&account.email, PASSWORD).await.expect(200).body;
    // A refresh inside the sign-in: two access tokens and the current refresh token.
    let rotated = app
        .post(REFRESH, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(200)
        .body;
    let access = field(&rotated, "access_token");
    app.get(ME, account.token()).await.expect(200);

    let reply = post_empty(&app, LOGOUT, Some(&access)).await.expect(204);
    assert!(reply.body.is_null(), "{}", reply.body);

    assert_ended(
        &app.get(ME, Some(&access)).await,
        "the token used to log out",
    );
    assert_ended(
        &app.get(ME, account.token()).await,
        "an earlier access token of the same sign-in",
    );
    let reply = app
        .post(
            REFRESH,
            None,
            json!({"refresh_token": field(&rotated, "refresh_token")}),
        )
        .await
        .expect(401);
    assert_eq!(reply.code(), "invalid_refresh_token", "{}", reply.body);

    // Another sign-in of the same account is untouched.
    app.get(ME, Some(&field(&other, "access_token")))
        .await
        .expect(200);
    app.post(
        REFRESH,
        None,
        json!({"refresh_token": field(&other, "refresh_token")}),
    )
    .await
    .expect(200);
}

async fn logout_with_an_empty_json_object_or_a_token_works_too(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    app.post(LOGOUT, account.token(), json!({}))
        .await
        .expect(204);
    assert_ended(&app.get(ME, account.token()).await, "after logout with {}");
    app.post(REFRESH, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(401);
    // A body that is sent is still checked.
    let again = app.signup("buyer").await;
    let reply = app
        .post(LOGOUT, again.token(), json!({"refresh": "x"}))
        .await
        .expect(400);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.body);
    app.get(ME, again.token()).await.expect(200);
}

async fn reuse_of_a_spent_refresh_token_ends_the_familys_access_tokens_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let other = app.login(&account.email, PASSWORD).await.expect(200).body;
    let rotated = app
        .post(REFRESH, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(200)
        .body;
    let access = field(&rotated, "access_token");
    app.get(ME, Some(&access)).await.expect(200);

    // The spent token is presented again (it was copied).
    let reply = app
        .post(REFRESH, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(401);
    assert_eq!(reply.code(), "refresh_token_reused", "{}", reply.body);

    assert_ended(
        &app.get(ME, Some(&access)).await,
        "the family's newest access token",
    );
    assert_ended(
        &app.get(ME, account.token()).await,
        "the family's first access token",
    );
    app.post(
        REFRESH,
        None,
        json!({"refresh_token": field(&rotated, "refresh_token")}),
    )
    .await
    .expect(401);
    // The account's other sign-in is a different family.
    app.get(ME, Some(&field(&other, "access_token")))
        .await
        .expect(200);
}

async fn disabling_an_account_ends_its_access_tokens_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("supplier").await;
    let bystander = app.signup("supplier").await;
    app.get(ME, account.token()).await.expect(200);
    app.disable_account(&account.id).await;
    assert_ended(
        &app.get(ME, account.token()).await,
        "a disabled account's token",
    );
    app.post(REFRESH, None, json!({"refresh_token": account.refresh}))
        .await
        .expect(403);
    app.get(ME, bystander.token()).await.expect(200);
}

both_backends!(
    logout_without_a_body_ends_the_whole_sign_in,
    logout_with_an_empty_json_object_or_a_token_works_too,
    reuse_of_a_spent_refresh_token_ends_the_familys_access_tokens_at_once,
    disabling_an_account_ends_its_access_tokens_at_once,
);
