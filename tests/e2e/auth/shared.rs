//! Two server processes sharing one Redis: login budgets and logouts are seen by both.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use crate::auth::common::{LOGOUT, ME, assert_invalid_token, refresh, register_only, unique_email};
use crate::auth::common::{assert_rate_limited, assert_wrong_credentials};

const WRONG: &str = "Wrong-Password-9931";

/// A server using Redis under a prefix of its own, and a sibling with the same settings.
async fn pair(backend: Backend, configure: impl FnOnce(&mut api::Config)) -> (TestApp, TestApp) {
    let a = TestApp::spawn_with(backend, |c| {
        c.redis_url = Some(e2e::redis_url());
        c.redis_prefix = format!("t:{}:", uuid::Uuid::new_v4().simple());
        configure(c);
    })
    .await;
    let sibling = a.spawn_sibling(|_| {}).await;
    assert_ne!(a.base, sibling.base);
    assert_eq!(a.config.redis_prefix, sibling.config.redis_prefix);
    (a, sibling)
}

async fn account_budget_is_shared_through_redis(backend: Backend) {
    let (a, b) = pair(backend, |c| {
        c.login_account_burst = 3;
        c.login_account_period_secs = 600;
    })
    .await;
    let victim = unique_email("victim");
    let bystander = unique_email("bystander");
    register_only(&a, &victim).await;
    register_only(&b, &bystander).await;

    assert_wrong_credentials(&a.login(&victim, WRONG).await, "1st, server A");
    assert_wrong_credentials(&b.login(&victim, WRONG).await, "2nd, server B");
    assert_wrong_credentials(&a.login(&victim, WRONG).await, "3rd, server A");
    assert_rate_limited(&b.login(&victim, WRONG).await, "4th, server B");
    assert_rate_limited(
        &a.login(&victim, PASSWORD).await,
        "right password, server A",
    );
    assert_rate_limited(
        &b.login(&victim, PASSWORD).await,
        "right password, server B",
    );
    // Other accounts are not affected on either server.
    a.login(&bystander, PASSWORD).await.expect(200);
    b.login(&bystander, PASSWORD).await.expect(200);
}

async fn concurrent_attempts_on_two_servers_share_one_budget(backend: Backend) {
    let (a, b) = pair(backend, |c| {
        c.login_account_burst = 3;
        c.login_account_period_secs = 600;
    })
    .await;
    let victim = unique_email("victim");
    register_only(&a, &victim).await;
    let attempts = (0..8).map(|i| {
        let server = if i % 2 == 0 { &a } else { &b };
        server.login(&victim, WRONG)
    });
    let statuses: Vec<u16> = e2e::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "one budget of 3 across both servers: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
}

async fn address_budget_is_shared_through_redis(backend: Backend) {
    let (a, b) = pair(backend, |c| {
        c.login_address_burst = 4;
        c.login_address_period_secs = 600;
    })
    .await;
    let real = unique_email("real");
    register_only(&a, &real).await;
    for (i, server) in [&a, &b, &a, &b].into_iter().enumerate() {
        let reply = server.login(&unique_email("spray"), PASSWORD).await;
        assert_wrong_credentials(&reply, &format!("address attempt {}", i + 1));
    }
    assert_rate_limited(
        &a.login(&unique_email("spray"), PASSWORD).await,
        "5th, server A",
    );
    assert_rate_limited(&b.login(&real, PASSWORD).await, "right password, server B");
}

async fn logout_is_seen_by_every_server(backend: Backend) {
    let (a, b) = pair(backend, |_| {}).await;
    let account = a.signup("buyer").await;
    let other = b.login(&account.email, PASSWORD).await.expect(200);
    b.get(ME, account.token()).await.expect(200);

    a.post(
        LOGOUT,
        account.token(),
        json!({"refresh_token": account.refresh}),
    )
    .await
    .expect(204);
    assert_invalid_token(
        &b.get(ME, account.token()).await,
        "server B after logout on A",
    );
    assert_invalid_token(
        &a.get(ME, account.token()).await,
        "server A after logout on A",
    );
    refresh(&b, &account.refresh).await.expect(401);

    // The session from the other login is alive on both.
    let other_access = other.body["access_token"].as_str();
    a.get(ME, other_access).await.expect(200);
    b.get(ME, other_access).await.expect(200);

    // The other direction: log out on B, refused on A.
    b.post(LOGOUT, other_access, json!({})).await.expect(204);
    assert_invalid_token(&a.get(ME, other_access).await, "server A after logout on B");
}

both_backends!(
    account_budget_is_shared_through_redis,
    concurrent_attempts_on_two_servers_share_one_budget,
    address_budget_is_shared_through_redis,
    logout_is_seen_by_every_server,
);
