//! The public transparency figures: takedowns and appeals per month by outcome with the median
//! handling time, next to the existing report figures (exact times with a frozen clock).

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;
use time::Duration;

use super::common::*;

async fn takedowns_and_appeals_are_counted_by_outcome(b: Backend) {
    // The figures are per calendar month and the clock moves 20 hours: start mid-month.
    e2e::clock::pin_ordinary();
    domain::clock::freeze();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let one = shop(&app, &op, "Fossaflask").await;
    let two = shop(&app, &op, "Okapiflask").await;
    let offer = sell_offer(&app, &one, "Okapipanel").await;
    let extra = app
        .publish(&two.owner, &two.company, e2e::fixtures::product_body())
        .await;
    let holder = app.signup("buyer").await;
    let file = |subject_type: &'static str, id: String| {
        let app = &app;
        let holder = &holder;
        async move {
            app.post(
                "/api/v1/takedowns",
                holder.token(),
                notice(subject_type, &id),
            )
            .await
            .expect(201)
            .body["notice"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let n1 = file("product", one.product.clone()).await;
    let n2 = file("product", two.product.clone()).await;
    let n3 = file("listing", offer.clone()).await;
    let _pending = file("product", extra.clone()).await;
    let decide = |id: String, what: &'static str| {
        let app = &app;
        let op = &op;
        async move {
            app.post(
                &format!("/api/v1/operator/takedowns/{id}/{what}"),
                op.token(),
                note("decided"),
            )
            .await
            .expect(200);
        }
    };
    domain::clock::advance(Duration::hours(2));
    decide(n1, "accept").await; // 2 h
    domain::clock::advance(Duration::hours(2));
    decide(n2, "reject").await; // 4 h
    domain::clock::advance(Duration::hours(4));
    decide(n3.clone(), "accept").await; // 8 h
    app.post(
        &format!("/api/v1/takedowns/{n3}/counter-notice"),
        one.owner.token(),
        counter(),
    )
    .await
    .expect(200);
    decide(n3, "restore").await;

    // Three appeals filed at one instant: upheld after 10 h, rejected after 12 h, one open.
    let company = format!("/api/v1/operator/companies/{}", two.company);
    let mut actions = Vec::new();
    for _ in 0..2 {
        actions.push(
            app.post(&format!("{company}/warn"), op.token(), reason("重复铺货"))
                .await
                .expect(201)
                .body["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    actions.push(
        app.post(
            &format!("/api/v1/operator/products/{extra}/hide"),
            op.token(),
            reason("待核"),
        )
        .await
        .expect(201)
        .body["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let mut appeals = Vec::new();
    for action in &actions {
        appeals.push(
            app.post(
                &format!("/api/v1/enforcement/{action}/appeal"),
                two.owner.token(),
                json!({"statement": "请复核"}),
            )
            .await
            .expect(201)
            .body["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    domain::clock::advance(Duration::hours(10));
    app.post(
        &format!("/api/v1/operator/appeals/{}/decide", appeals[0]),
        op.token(),
        json!({"outcome": "upheld", "note": "撤销警告"}),
    )
    .await
    .expect(200);
    domain::clock::advance(Duration::hours(2));
    app.post(
        &format!("/api/v1/operator/appeals/{}/decide", appeals[1]),
        op.token(),
        json!({"outcome": "rejected", "note": "维持"}),
    )
    .await
    .expect(200);

    let figures = app.get("/api/v1/transparency", None).await.expect(200).body;
    assert!(
        figures["reports"].as_array().unwrap().is_empty(),
        "{figures}"
    );
    let t = &figures["takedowns"][0];
    assert_eq!(t["received"], 4, "{t}");
    assert_eq!(t["pending"], 1);
    assert_eq!(t["rejected"], 1);
    assert_eq!(t["taken_down"], 1);
    assert_eq!(t["restored"], 1);
    assert_eq!(t["counter_notices"], 1);
    assert_eq!(t["median_handling_hours"], 4.0);
    let a = &figures["appeals"][0];
    assert_eq!(a["received"], 3, "{a}");
    assert_eq!(a["upheld"], 1);
    assert_eq!(a["rejected"], 1);
    assert_eq!(a["open"], 1);
    assert_eq!(a["against_enforcement"], 3);
    assert_eq!(a["against_takedowns"], 0);
    assert_eq!(a["median_handling_hours"], 11.0);
    let month = t["month"].as_str().unwrap();
    assert_eq!(month.len(), 7);
    // The upheld appeal withdrew the first warning.
    let seen = app
        .get(
            &format!("/api/v1/enforcement/{}", actions[0]),
            two.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(seen["in_force"], false);
    assert_eq!(seen["reversal"], "appeal");
}

both_backends!(takedowns_and_appeals_are_counted_by_outcome);
