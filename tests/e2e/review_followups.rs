//! Review queue follow-ups: stale change requests are superseded instead of applied.

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};

use crate::review::{
    QUEUE, decide, decisions_told, item_id, live_product, s, subjects, unverified,
};

/// A write to the live product outside the change-request path (a data fix, an import): what a
/// change request must notice before it is applied.
async fn direct_moq_edit(app: &TestApp, product: &str, moq: i64) {
    let sql = format!("UPDATE products SET moq = {moq} WHERE id = '{product}'");
    app.with_db(move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(sql).execute(conn).expect("direct edit")
    })
    .await;
}

async fn stale_change_requests_are_superseded(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, c) = unverified(&app).await;
    let pid = live_product(&app, &op, &owner, &c, product_body()).await;
    let path = format!("/api/v1/products/{pid}");
    let live = app.get(&path, None).await.expect(200).body;
    let edit = |body: Value| {
        let (app, owner, path) = (&app, &owner, &path);
        async move { app.patch(path, owner.token(), body).await.expect(200).body }
    };

    let e = edit(json!({"title_en": "Flask Gamma 500ml"})).await;
    let cr1 = s(&e["edit"]["change_request_id"]);
    assert_eq!(e["edit"]["outcome"], "pending");
    let item = item_id(&app, &op, "change_request", &cr1).await;
    direct_moq_edit(&app, &pid, 777).await;

    // The approval is refused, names the live field that changed, and applies nothing.
    let r = decide(&app, &op, &item, "approve", json!({}))
        .await
        .expect(409);
    assert_eq!(r.code(), "change_request_stale");
    assert_eq!(r.fields(), vec!["moq"]);
    let p = app.get(&path, None).await.expect(200).body;
    assert_eq!(p["title_en"], live["title_en"]);
    assert_eq!(p["moq"], 777);
    // The request is superseded, its queue item closed with that outcome; the owner is told.
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr1}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "superseded");
    assert!(s(&cr["note"]).contains("moq"), "{cr}");
    assert!(
        !subjects(&app, &op, "kind=change_request")
            .await
            .contains(&cr1)
    );
    let closed = app
        .get(&format!("{QUEUE}/{item}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "superseded");
    let told: Vec<String> = decisions_told(&app, &owner)
        .await
        .iter()
        .filter(|n| n["subject_id"] == cr1.as_str())
        .map(|n| s(&n["data"]["decision"]))
        .collect();
    assert_eq!(told, vec!["superseded"]);
    assert_eq!(
        decide(&app, &op, &item, "approve", json!({}))
            .await
            .expect(409)
            .code(),
        "review_item_closed"
    );
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_type=change_request&subject_id={cr1}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["action"], "supersede");
    assert_eq!(audit["items"][0]["actor_id"], op.id.as_str());

    // The owner's next edit is a new request built on the live version; it applies and keeps
    // the other change.
    let e = edit(json!({"title_en": "Flask Gamma 500ml"})).await;
    let cr2 = s(&e["edit"]["change_request_id"]);
    assert_ne!(cr2, cr1);
    let item = item_id(&app, &op, "change_request", &cr2).await;
    decide(&app, &op, &item, "approve", json!({}))
        .await
        .expect(200);
    let p = app.get(&path, None).await.expect(200).body;
    assert_eq!(p["title_en"], "Flask Gamma 500ml");
    assert_eq!(p["moq"], 777);

    // Bulk approval runs the same check, item by item; rejecting a stale request still works
    // (it applies nothing).
    let e = edit(json!({"title_en": "Flask Delta 500ml"})).await;
    let stale = s(&e["edit"]["change_request_id"]);
    let stale_item = item_id(&app, &op, "change_request", &stale).await;
    let pid2 = live_product(&app, &op, &owner, &c, product_body()).await;
    let e = app
        .patch(
            &format!("/api/v1/products/{pid2}"),
            owner.token(),
            json!({"moq": 300}),
        )
        .await
        .expect(200)
        .body;
    let fresh = s(&e["edit"]["change_request_id"]);
    let fresh_item = item_id(&app, &op, "change_request", &fresh).await;
    direct_moq_edit(&app, &pid, 888).await;
    let bulk = app
        .post(
            &format!("{QUEUE}/bulk"),
            op.token(),
            json!({"ids": [stale_item, fresh_item], "decision": "approve"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(bulk["succeeded"], 1);
    assert_eq!(bulk["results"][0]["ok"], false);
    assert_eq!(bulk["results"][0]["status"], 409);
    assert_eq!(bulk["results"][0]["error"]["code"], "change_request_stale");
    assert_eq!(bulk["results"][1]["ok"], true);
    assert_eq!(
        app.get(&format!("/api/v1/products/{pid2}"), None)
            .await
            .expect(200)
            .body["moq"],
        300
    );
    let p = app.get(&path, None).await.expect(200).body;
    assert_eq!(p["title_en"], "Flask Gamma 500ml");
    assert_eq!(p["moq"], 888);

    let e = edit(json!({"title_en": "Flask Epsilon 500ml"})).await;
    let rejected = s(&e["edit"]["change_request_id"]);
    let item = item_id(&app, &op, "change_request", &rejected).await;
    direct_moq_edit(&app, &pid, 999).await;
    decide(
        &app,
        &op,
        &item,
        "reject",
        json!({"reason_code": "misleading", "note": "标题夸大"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&path, None).await.expect(200).body["title_en"],
        "Flask Gamma 500ml"
    );
}

both_backends!(stale_change_requests_are_superseded);
