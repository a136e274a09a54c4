//! Anti-spam: request rates per account and per address (in process and through Redis), the
//! daily cap of young accounts, and the same message sent to too many companies. Every limit
//! answers 429 with its code and `Retry-After`.

use e2e::{Account, Backend, Reply, TestApp, both_backends};
use time::Duration;

use super::common::*;

#[track_caller]
fn assert_429(reply: &Reply, code: &str) -> u64 {
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert_eq!(reply.code(), code, "{}", reply.body);
    let retry: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry >= 1, "Retry-After {:?}", reply.header("retry-after"));
    retry
}

fn msg(i: usize) -> String {
    format!("Request number {i}: please quote")
}

async fn requests_are_limited_per_account(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.inquiry_account_burst = 2;
        c.inquiry_account_period_secs = 600;
    })
    .await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let bystander = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    for i in 0..2 {
        send(&app, &buyer, vec![company(&a.company)], &msg(i))
            .await
            .expect(201);
    }
    let retry = assert_429(
        &send(&app, &buyer, vec![company(&a.company)], &msg(2)).await,
        "rate_limited",
    );
    assert!(retry <= 600, "{retry}");
    assert_eq!(count_rows(&app, "inquiries").await, 2);
    // Messages in existing threads are not new inquiries; other accounts keep their budget.
    let thread = open_thread(&app, &bystander, &a.company).await;
    write(&app, &a.owner, &thread, "Hello").await.expect(201);
    send(&app, &bystander, vec![company(&a.company)], &msg(9))
        .await
        .expect(201);
}

async fn requests_are_limited_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.inquiry_address_burst = 3;
        c.inquiry_address_period_secs = 600;
    })
    .await;
    let operator = app.operator().await;
    let a = supplier(&app, &operator).await;
    let mut buyers: Vec<Account> = Vec::new();
    for _ in 0..4 {
        buyers.push(app.signup("buyer").await);
    }
    for (i, buyer) in buyers[..3].iter().enumerate() {
        send(&app, buyer, vec![company(&a.company)], &msg(i))
            .await
            .expect(201);
    }
    assert_429(
        &send(&app, &buyers[3], vec![company(&a.company)], &msg(3)).await,
        "rate_limited",
    );
}

/// Two servers on one Redis under a prefix of their own share one per-account budget, and the
/// limiter's keys live under that prefix.
async fn account_limit_is_shared_through_redis(b: Backend) {
    let prefix = format!("t:{}:", uuid::Uuid::new_v4().simple());
    let p = prefix.clone();
    let app = TestApp::spawn_with(b, move |c| {
        c.redis_url = Some(e2e::redis_url());
        c.redis_prefix = p;
        c.inquiry_account_burst = 2;
        c.inquiry_account_period_secs = 600;
    })
    .await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    send(&app, &buyer, vec![company(&a.company)], &msg(0))
        .await
        .expect(201);
    send(&sibling, &buyer, vec![company(&a.company)], &msg(1))
        .await
        .expect(201);
    assert_429(
        &send(&app, &buyer, vec![company(&a.company)], &msg(2)).await,
        "rate_limited",
    );
    assert_429(
        &send(&sibling, &buyer, vec![company(&a.company)], &msg(3)).await,
        "rate_limited",
    );

    let client = redis::Client::open(e2e::redis_url()).expect("redis client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis connection");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}rl:inquiry-*"))
        .query_async(&mut conn)
        .await
        .expect("keys");
    let mut keys = keys;
    keys.sort();
    assert_eq!(
        keys,
        [
            format!("{prefix}rl:inquiry-account:{}", buyer.id),
            format!("{prefix}rl:inquiry-address:127.0.0.1"),
        ]
    );
}

async fn young_accounts_have_a_daily_cap(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.inquiry_new_account_daily_cap = 3;
        c.inquiry_account_burst = 100;
    })
    .await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let mut s = Vec::new();
    for _ in 0..5 {
        s.push(supplier(&app, &operator).await);
    }
    // Two threads in one request, one more an hour later: three in 24 h.
    send(
        &app,
        &buyer,
        vec![company(&s[0].company), company(&s[1].company)],
        &msg(0),
    )
    .await
    .expect(201);
    domain::clock::advance(Duration::hours(1));
    send(&app, &buyer, vec![company(&s[2].company)], &msg(1))
        .await
        .expect(201);
    let retry = assert_429(
        &send(&app, &buyer, vec![company(&s[3].company)], &msg(2)).await,
        "new_account_daily_cap",
    );
    // The first two leave the window 23 h from now.
    assert!((23 * 3600 - 5..=23 * 3600).contains(&retry), "{retry}");
    // A request larger than what is left is refused whole.
    domain::clock::advance(Duration::hours(23) + Duration::seconds(1));
    let r = send(
        &app,
        &buyer,
        vec![
            company(&s[3].company),
            company(&s[4].company),
            company(&s[0].company),
        ],
        &msg(3),
    )
    .await;
    assert_429(&r, "new_account_daily_cap");
    send(
        &app,
        &buyer,
        vec![company(&s[3].company), company(&s[4].company)],
        &msg(4),
    )
    .await
    .expect(201);
    assert_eq!(count_rows(&app, "inquiries").await, 5);
    // A request larger than the cap itself waits until the account is 7 days old.
    let fresh = app.signup("buyer").await;
    let four: Vec<_> = s[..4].iter().map(|x| company(&x.company)).collect();
    let retry = assert_429(
        &send(&app, &fresh, four.clone(), &msg(5)).await,
        "new_account_daily_cap",
    );
    assert!((7 * 86_400 - 60..=7 * 86_400).contains(&retry), "{retry}");
    // At 7 days the cap no longer applies.
    domain::clock::advance(Duration::days(7));
    send(&app, &fresh, four, &msg(5)).await.expect(201);
    for (i, x) in s.iter().enumerate() {
        send(&app, &buyer, vec![company(&x.company)], &msg(10 + i))
            .await
            .expect(201);
    }
}

/// Concurrent requests of one young buyer cannot together pass the cap: each counts after the
/// previous one committed.
async fn concurrent_requests_do_not_exceed_the_daily_cap(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.inquiry_new_account_daily_cap = 3;
        c.inquiry_account_burst = 100;
        c.workers = Some(4);
        c.db_pool_size = 8;
    })
    .await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let mut s = Vec::new();
    for _ in 0..12 {
        s.push(supplier(&app, &operator).await);
    }
    let (app, buyer) = (&app, &buyer);
    let requests: Vec<_> = s
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let target = company(&x.company);
            async move { send(app, buyer, vec![target], &msg(i)).await }
        })
        .collect();
    let replies = join_all(requests).await;
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [201, 201, 201, 429, 429, 429, 429, 429, 429, 429, 429, 429]
    );
    assert_eq!(count_rows(app, "inquiries").await, 3);
}

async fn the_same_message_to_too_many_companies_is_refused(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.inquiry_duplicate_max_companies = 3;
        c.inquiry_account_burst = 100;
    })
    .await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let mut s = Vec::new();
    for _ in 0..5 {
        s.push(supplier(&app, &operator).await);
    }
    let text = "Dear supplier, we are a big importer. Send your best price list now!";
    send(
        &app,
        &buyer,
        vec![company(&s[0].company), company(&s[1].company)],
        text,
    )
    .await
    .expect(201);
    // Spacing, case and punctuation do not make a copy new; the same company again does not
    // count twice.
    domain::clock::advance(Duration::hours(2));
    let copy = "dear SUPPLIER we are a big importer   send your best price list now";
    send(
        &app,
        &buyer,
        vec![company(&s[2].company), company(&s[0].company)],
        copy,
    )
    .await
    .expect(201);
    let retry = assert_429(
        &send(&app, &buyer, vec![company(&s[3].company)], text).await,
        "duplicate_message",
    );
    // s[1] leaves the window 22 h from now (s[0] was written to again at 2 h).
    assert!((22 * 3600 - 5..=22 * 3600).contains(&retry), "{retry}");
    // Another text goes through; another buyer's copy is their own.
    send(
        &app,
        &buyer,
        vec![company(&s[3].company)],
        "A personal note for you",
    )
    .await
    .expect(201);
    let other = app.signup("buyer").await;
    send(&app, &other, vec![company(&s[3].company)], text)
        .await
        .expect(201);
    // One request's own fan-out counts too.
    let fresh = app.signup("buyer").await;
    let four: Vec<_> = s[..4].iter().map(|x| company(&x.company)).collect();
    assert_429(&send(&app, &fresh, four, text).await, "duplicate_message");
    // After the window the copy may go out again.
    domain::clock::advance(Duration::hours(22) + Duration::seconds(1));
    send(&app, &buyer, vec![company(&s[3].company)], text)
        .await
        .expect(201);
    // The stored hash is the same for every copy.
    let hashes: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use domain::db::schema::inquiries;
            inquiries::table
                .select(inquiries::content_hash)
                .distinct()
                .load(conn)
                .expect("hashes")
        })
        .await;
    assert_eq!(hashes.len(), 2, "{hashes:?}");
    assert!(hashes.contains(&domain::inquiry::content_hash(text)));
}

both_backends!(
    requests_are_limited_per_account,
    requests_are_limited_per_address,
    account_limit_is_shared_through_redis,
    young_accounts_have_a_daily_cap,
    concurrent_requests_do_not_exceed_the_daily_cap,
    the_same_message_to_too_many_companies_is_refused,
);
