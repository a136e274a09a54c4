//! The supplier's response rate and credit score in search ranking: both are stored on the
//! company with their outbox event, and the index follows.

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

fn hits(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn responsive_suppliers_rank_higher(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (quick_owner, quick) = app.verified_company(&op).await;
    let (slow_owner, slow) = app.verified_company(&op).await;
    let quick = quick["id"].as_str().unwrap().to_owned();
    let slow = slow["id"].as_str().unwrap().to_owned();
    let mut body = product_body();
    body["title_en"] = json!("Borosilicate Glass Teapot 1200ml");
    body["title_zh"] = json!("高硼硅玻璃茶壶 1200ml");
    // The same text from both; the slow supplier's is newer, so it wins the tie at first.
    let quick_product = app.publish(&quick_owner, &quick, body.clone()).await;
    let slow_product = app.publish(&slow_owner, &slow, body).await;
    let search = "/api/v1/search/products?q=borosilicate%20teapot";
    app.wait_for_index().await;
    let before = app.get(search, None).await.expect(200).body;
    assert_eq!(
        hits(&before),
        vec![slow_product.clone(), quick_product.clone()]
    );

    let buyer = app.signup("buyer").await;
    let threads = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({"subject": "Teapot quote", "message": "Please quote 2000 pcs FOB Ningbo",
                   "targets": [{"type": "company", "id": quick}, {"type": "company", "id": slow}]}),
        )
        .await
        .expect(201)
        .body;
    let quick_thread = threads["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["company_id"] == quick.as_str())
        .expect("thread with the quick supplier")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/inquiries/{quick_thread}/messages"),
        quick_owner.token(),
        json!({"body": "USD 3.20 FOB Ningbo, 25 days"}),
    )
    .await
    .expect(201);
    // A day later the slow supplier's thread is a miss: 100 % against 0 %.
    domain::clock::advance(time::Duration::hours(25));
    let changed = app
        .with_db(|conn| domain::storefront::refresh_response_rates(conn).expect("refresh"))
        .await;
    assert_eq!(changed, 2);
    let again = app
        .with_db(|conn| domain::storefront::refresh_response_rates(conn).expect("refresh"))
        .await;
    assert_eq!(again, 0, "an unchanged rate writes nothing");
    app.wait_for_index().await;
    let after = app.get(search, None).await.expect(200).body;
    assert_eq!(hits(&after), vec![quick_product, slow_product]);
}

/// The credit score moves a result: two suppliers with the same text, the newer product first
/// on the tie; penalty points lower the newer one's credit score, and the older one's product
/// comes first.
async fn credit_moves_a_result(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (older_owner, older) = app.verified_company(&op).await;
    let (newer_owner, newer) = app.verified_company(&op).await;
    let older = older["id"].as_str().unwrap().to_owned();
    let newer = newer["id"].as_str().unwrap().to_owned();
    let mut body = product_body();
    body["title_en"] = json!("Bamboo Cutting Board 40x30cm");
    body["title_zh"] = json!("竹制砧板 40x30cm");
    let older_product = app.publish(&older_owner, &older, body.clone()).await;
    let newer_product = app.publish(&newer_owner, &newer, body).await;
    let search = "/api/v1/search/products?q=bamboo%20cutting%20board";
    app.wait_for_index().await;
    let before = app.get(search, None).await.expect(200).body;
    assert_eq!(
        hits(&before),
        vec![newer_product.clone(), older_product.clone()]
    );
    assert_eq!(before["items"][0]["company"]["credit_score"], 60.0);

    // 5 points: 60 − 2 × 5 = 50 against 60.
    app.post(
        &format!("/api/v1/operator/companies/{newer}/penalties"),
        op.token(),
        json!({"points": 5, "reason_code": "spam", "note": "重复铺货"}),
    )
    .await
    .expect(201);
    app.wait_for_index().await;
    let after = app.get(search, None).await.expect(200).body;
    assert_eq!(hits(&after), vec![older_product, newer_product]);
    assert_eq!(after["items"][0]["company"]["credit_score"], 60.0);
    assert_eq!(after["items"][1]["company"]["credit_score"], 50.0);
}

both_backends!(responsive_suppliers_rank_higher, credit_moves_a_result);
