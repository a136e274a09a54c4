//! Response metrics on a fixed event history built through the API with a controlled clock.

use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};
use time::Duration;

use super::common::*;

async fn storefront(app: &TestApp, slug: &str) -> (Value, Value, Value) {
    let s = app
        .get(&format!("/api/v1/storefronts/{slug}"), None)
        .await
        .expect(200)
        .body;
    (
        s["response_rate"].clone(),
        s["median_first_response_secs"].clone(),
        s["inquiries_received_30d"].clone(),
    )
}

async fn response_rate_and_median_on_a_fixed_history(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    // Response times are measured to the second: stop the clock so that the time the requests
    // themselves take (seconds, on a loaded CI machine) does not count.
    domain::clock::freeze();
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let h = Duration::hours;

    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(null), json!(null), json!(0))
    );
    // t = 0: five threads.
    let mut t = Vec::new();
    for _ in 0..5 {
        t.push(open_thread(&app, &buyer, &a.company).await);
    }
    // Young and unanswered: received, but not yet missed.
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(null), json!(null), json!(5))
    );
    // 1 h: an answer. 2 h: one marked spam. 3 h: an answer. 30 h: a late answer. The fifth
    // gets only the buyer's own follow-up, which is no response.
    domain::clock::advance(h(1));
    write(&app, &staff, &t[0], "Answer after 1 h")
        .await
        .expect(201);
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(1.0), json!(3600), json!(5)),
        "one answered, four still inside their 24 h"
    );
    domain::clock::advance(h(1));
    app.post(&thread_path(&t[3], "spam"), staff.token(), json!({}))
        .await
        .expect(200);
    domain::clock::advance(h(1));
    write(&app, &a.owner, &t[1], "Answer after 3 h")
        .await
        .expect(201);
    write(&app, &buyer, &t[4], "Hello? Anyone?")
        .await
        .expect(201);
    domain::clock::advance(h(27));
    write(&app, &staff, &t[2], "Answer after 30 h")
        .await
        .expect(201);

    // 3 of 5 within 24 h; median of 1 h, 2 h, 3 h, 30 h = (2 h + 3 h) / 2.
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(0.6), json!(9000), json!(5))
    );
    let company = uuid::Uuid::parse_str(&a.company).expect("uuid");
    let m = app
        .with_db(move |conn| {
            domain::inquiry::response_metrics(conn, company, domain::clock::now()).expect("metrics")
        })
        .await;
    assert_eq!(
        (m.received, m.decided, m.answered_within_24h, m.responded),
        (5, 5, 3, 4)
    );

    // A new unanswered thread does not count until its 24 h have passed …
    let late = open_thread(&app, &buyer, &a.company).await;
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(0.6), json!(9000), json!(6))
    );
    // … then it is a miss: 3 of 6.
    domain::clock::advance(h(24) + Duration::seconds(1));
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(0.5), json!(9000), json!(6))
    );
    // Answering it late changes the median (1 h, 2 h, 3 h, 24 h, 30 h → 3 h), not the rate.
    write(&app, &staff, &late, "Sorry for the delay")
        .await
        .expect(201);
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(0.5), json!(10800), json!(6))
    );
    // Another company's history is its own.
    let other = supplier(&app, &operator).await;
    assert_eq!(
        storefront(&app, &other.slug).await,
        (json!(null), json!(null), json!(0))
    );
    // After 30 days the history is out of the period.
    domain::clock::advance(Duration::days(30));
    assert_eq!(
        storefront(&app, &a.slug).await,
        (json!(null), json!(null), json!(0))
    );
}

both_backends!(response_rate_and_median_on_a_fixed_history);
