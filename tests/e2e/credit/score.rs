//! Credit scores match the published formula (docs/credit.md) on a fixed history built through
//! the API, computed here by hand; the score is shown on the storefront and in search results.

use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};

use super::common::{accept, penalize, quote, supplier, thread};

/// docs/credit.md, formula version 1, written out independently of the server's code.
fn by_hand(
    verified: bool,
    days: f64,
    response: Option<f64>,
    stars: &[f64],
    complaints: f64,
    points: f64,
) -> f64 {
    let v = if verified { 25.0 } else { 0.0 };
    let tenure = 15.0 * days.min(1825.0) / 1825.0;
    let response = 20.0 * response.unwrap_or(0.5);
    let n = stars.len() as f64;
    let bayes = (5.0 * 3.5 + stars.iter().sum::<f64>()) / (5.0 + n);
    let ratings = 40.0 * (bayes - 1.0) / 4.0;
    let complaints = -5.0 * complaints.min(6.0);
    let points = -2.0 * points.min(20.0);
    let score = (v + tenure + response + ratings + complaints + points).clamp(0.0, 100.0);
    (score * 10.0).round() / 10.0
}

async fn credit_scores_match_the_formula_on_a_fixed_history(b: Backend) {
    // Every request happens at the same instant until the test moves the clock.
    domain::clock::freeze();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let s = supplier(&app, &op).await;
    let buyers = [
        app.signup("buyer").await,
        app.signup("buyer").await,
        app.signup("buyer").await,
    ];
    // Three threads; the company answers two of them within 24 hours.
    let mut threads = Vec::new();
    for buyer in &buyers {
        threads.push(thread(&app, buyer, &s.company).await);
    }
    for t in &threads[..2] {
        app.post(
            &format!("/api/v1/inquiries/{t}/messages"),
            s.owner.token(),
            json!({"body": "USD 3.20 FOB Ningbo"}),
        )
        .await
        .expect(201);
    }
    // Ratings: 5, 4 and 2 on the threads, 3 on an accepted quote, four buyers.
    for (buyer, (t, stars)) in buyers.iter().zip(threads.iter().zip([5, 4, 2])) {
        app.post(
            &format!("/api/v1/inquiries/{t}/rating"),
            buyer.token(),
            json!({"stars": stars}),
        )
        .await
        .expect(201);
    }
    // A fourth buyer rates the quote: one buyer's ratings of a supplier count once (the
    // latest), so each rating here is a different buyer's.
    let quote_buyer = app.signup("buyer").await;
    let q = quote(&app, &quote_buyer, &s.owner).await;
    accept(&app, &quote_buyer, &q).await;
    app.post(
        &format!("/api/v1/quotes/{q}/rating"),
        quote_buyer.token(),
        json!({"stars": 3}),
    )
    .await
    .expect(201);
    // One upheld complaint carrying 3 points, one dismissed, and 2 more points.
    let report = |subject_type: &'static str, subject_id: String| {
        let app = &app;
        let reporter = &buyers[1];
        async move {
            app.post(
                "/api/v1/reports",
                reporter.token(),
                json!({"subject_type": subject_type, "subject_id": subject_id, "reason": "counterfeit"}),
            )
            .await
            .expect(201)
            .body["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let upheld = report("product", s.product.clone()).await;
    app.post(
        &format!("/api/v1/operator/reports/{upheld}/resolve"),
        op.token(),
        json!({"outcome": "upheld", "note": "已核实",
               "penalty": {"points": 3, "reason_code": "counterfeit", "note": "假冒"}}),
    )
    .await
    .expect(200);
    let dismissed = report("company", s.company.clone()).await;
    app.post(
        &format!("/api/v1/operator/reports/{dismissed}/resolve"),
        op.token(),
        json!({"outcome": "dismissed", "note": "证据不足"}),
    )
    .await
    .expect(200);
    penalize(&app, &op, &s.company, 2).await;

    // Right now: day 0, no response data yet.
    let now = super::common::credit(&app, &s.company).await;
    let expected_now = by_hand(true, 0.0, None, &[5.0, 4.0, 2.0, 3.0], 1.0, 5.0);
    assert_eq!(now["score"], expected_now, "{now}");
    assert_eq!(expected_now, 45.0);

    // A day later the third thread is a miss (2 of 3 answered: 67 %); then 100 more days pass.
    domain::clock::advance(time::Duration::hours(25));
    app.with_db(|conn| domain::storefront::refresh_response_rates(conn).expect("refresh"))
        .await;
    domain::clock::advance(time::Duration::days(100));
    let changed = app
        .with_db(|conn| domain::credit::refresh_credit(conn).expect("refresh"))
        .await;
    assert!(changed >= 1);
    let again = app
        .with_db(|conn| domain::credit::refresh_credit(conn).expect("refresh"))
        .await;
    assert_eq!(again, 0, "a recomputation with nothing new writes nothing");

    let profile = super::common::credit(&app, &s.company).await;
    assert_eq!(profile["formula_version"], 1);
    assert_eq!(
        profile["components"],
        json!({
            "verified": true,
            "days_on_platform": 101,
            "response_rate_pct": 67,
            "rating_count": 4,
            "rating_sum": 14,
            "rating_bayesian_average": 3.5,
            "upheld_complaints": 1,
            "active_penalty_points": 5,
        })
    );
    let expected = by_hand(true, 101.0, Some(0.67), &[5.0, 4.0, 2.0, 3.0], 1.0, 5.0);
    assert_eq!(profile["score"], expected, "{profile}");
    // 25 + 15 × 101 / 1825 + 20 × 0.67 + 40 × (3.5 − 1) / 4 − 5 − 2 × 5 = 49.230…
    assert_eq!(expected, 49.2);
    let c = &profile["contributions"];
    assert_eq!(c["verification"], 25.0);
    assert_eq!(c["tenure"], 0.8301);
    assert_eq!(c["response"], 13.4);
    assert_eq!(c["ratings"], 25.0);
    assert_eq!(c["complaints"], -5.0);
    assert_eq!(c["penalties"], -10.0);
    // Anyone can recompute it from the published inputs.
    let k = &profile["components"];
    let recomputed = by_hand(
        k["verified"].as_bool().unwrap(),
        k["days_on_platform"].as_f64().unwrap(),
        k["response_rate_pct"].as_f64().map(|p| p / 100.0),
        &[5.0, 4.0, 2.0, 3.0],
        k["upheld_complaints"].as_f64().unwrap(),
        k["active_penalty_points"].as_f64().unwrap(),
    );
    assert_eq!(profile["score"], recomputed);

    // The same score on the storefront, the company, and in product and supplier search.
    let storefront = app
        .get(&format!("/api/v1/storefronts/{}", s.slug), None)
        .await
        .expect(200)
        .body;
    assert_eq!(storefront["credit"]["score"], 49.2);
    let company = app
        .get(&format!("/api/v1/companies/{}", s.company), None)
        .await
        .expect(200)
        .body;
    assert_eq!(company["credit_score"], 49.2);
    app.wait_for_index().await;
    let hits = app
        .get("/api/v1/search/products?q=vacuum%20flask", None)
        .await
        .expect(200)
        .body;
    let hit = find(&hits, "id", &s.product);
    assert_eq!(hit["company"]["credit_score"], 49.2);
    let suppliers = app
        .get("/api/v1/search/suppliers", None)
        .await
        .expect(200)
        .body;
    assert_eq!(find(&suppliers, "id", &s.company)["credit_score"], 49.2);
}

fn find<'a>(results: &'a Value, key: &str, id: &str) -> &'a Value {
    results["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[key] == id)
        .unwrap_or_else(|| panic!("{id} not in {results}"))
}

both_backends!(credit_scores_match_the_formula_on_a_fixed_history);
