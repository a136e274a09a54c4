//! Login throttling in process: per account and per client address.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};

use crate::auth::common::{
    assert_rate_limited, assert_wrong_credentials, into_reply, register_only, unique_email,
};

const WRONG: &str = "Wrong-Password-9931";

async fn login_attempts_are_limited_per_account(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.login_account_burst = 3;
        c.login_account_period_secs = 600;
    })
    .await;
    let victim = unique_email("victim");
    let bystander = unique_email("bystander");
    register_only(&app, &victim).await;
    register_only(&app, &bystander).await;

    for i in 1..=3 {
        assert_wrong_credentials(&app.login(&victim, WRONG).await, &format!("attempt {i}"));
    }
    let reply = app.login(&victim, WRONG).await;
    assert_rate_limited(&reply, "4th attempt");
    let retry: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry <= 600, "Retry-After {retry} is within one period");
    assert_rate_limited(&app.login(&victim, PASSWORD).await, "right password");
    // Other spellings of the address are the same account.
    assert_rate_limited(
        &app.login(&format!("  {} ", victim.to_uppercase()), PASSWORD)
            .await,
        "upper-case address",
    );
    // Another account from the same address is not affected.
    app.login(&bystander, PASSWORD).await.expect(200);
    assert_wrong_credentials(&app.login(&bystander, WRONG).await, "bystander");
}

async fn login_attempts_are_limited_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.login_address_burst = 4;
        c.login_address_period_secs = 600;
    })
    .await;
    let real = unique_email("real");
    register_only(&app, &real).await;
    for i in 1..=4 {
        let reply = app
            .login(&unique_email(&format!("spray{i}")), PASSWORD)
            .await;
        assert_wrong_credentials(&reply, &format!("address attempt {i}"));
    }
    assert_rate_limited(
        &app.login(&unique_email("spray5"), PASSWORD).await,
        "5th address attempt",
    );
    assert_rate_limited(
        &app.login(&real, PASSWORD).await,
        "right password from the same address",
    );
    // Without `trust_proxy`, forged forwarding headers do not buy a fresh budget.
    for forged in ["203.0.113.7", "198.51.100.1, 10.0.0.1"] {
        let response = app
            .http
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", forged)
            .header(
                "Forwarded",
                format!("for={}", forged.split(',').next().unwrap_or(forged)),
            )
            .json(&serde_json::json!({"email": unique_email("forged"), "password": PASSWORD}))
            .send()
            .await
            .expect("sent");
        assert_rate_limited(&into_reply(response).await, forged);
    }
    // Registration is not a login attempt and is not throttled by it.
    register_only(&app, &unique_email("later")).await;
}

async fn concurrent_attempts_do_not_exceed_the_budget(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.login_account_burst = 3;
        c.login_account_period_secs = 600;
        c.workers = Some(2);
    })
    .await;
    let victim = unique_email("victim");
    register_only(&app, &victim).await;
    let attempts = (0..8).map(|_| app.login(&victim, WRONG));
    let replies = e2e::join_all(attempts).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "burst of 3: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
}

both_backends!(
    login_attempts_are_limited_per_account,
    login_attempts_are_limited_per_address,
    concurrent_attempts_do_not_exceed_the_budget,
);
