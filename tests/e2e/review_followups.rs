//! Review queue follow-ups: stale change requests are superseded instead of applied; a verified
//! company's profile edits that screening holds are change requests; a company that is down
//! has nothing in the queue, and gets it back when reinstated; a terminated or closed company
//! shows as such to its members and operators.

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};

use e2e::id_of;
use e2e::listings::{buy_body, post_open, sell_body, with};
use e2e::review::{
    QUEUE, decide, decisions_told, item_id, item_of, live_product, rule, s, subjects, unverified,
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

/// Edits a live product's MOQ; the id of the change request that holds it.
async fn propose_moq(app: &TestApp, owner: &e2e::Account, product: &str, moq: i64) -> String {
    let e = app
        .patch(
            &format!("/api/v1/products/{product}"),
            owner.token(),
            json!({"moq": moq}),
        )
        .await
        .expect(200)
        .body;
    s(&e["edit"]["change_request_id"])
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
    let fresh = propose_moq(&app, &owner, &pid2, 300).await;
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

async fn verified_company_profile_edits_are_change_requests(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "待审核词", "review").await;
    rule(&app, &op, "旗标词", "flag").await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = s(&company["id"]);
    let path = format!("/api/v1/companies/{cid}");
    let public = || {
        let (app, path) = (&app, &path);
        async move { app.get(path, None).await.expect(200).body }
    };
    let edit = |body: Value| {
        let (app, owner, path) = (&app, &owner, &path);
        async move { app.patch(path, owner.token(), body).await.expect(200).body }
    };

    // A clean edit goes live at once, recorded as an auto-approved change request.
    let e = edit(json!({"description": "<p>专业生产注塑机与模具</p>"})).await;
    assert_eq!(e["edit"]["outcome"], "applied");
    assert_eq!(e["edit"]["change_request_status"], "auto_approved");
    let live = public().await;
    assert_eq!(live["description"], e["description"]);
    assert_eq!(live["status"], "verified");

    // An edit screening holds leaves the public profile as it was until an operator approves.
    let e = edit(json!({
        "english_name": "Ningbo Held Machinery Co., Ltd.",
        "description": "<p>本公司产品 待审核词</p>"
    }))
    .await;
    assert_eq!(e["edit"]["outcome"], "pending");
    assert_eq!(e["edit"]["change_request_status"], "pending");
    assert_eq!(e["english_name"], live["english_name"]);
    let cr1 = s(&e["edit"]["change_request_id"]);
    assert_eq!(public().await, live);
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr1}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["subject_type"], "company");
    assert_eq!(cr["subject_id"], cid.as_str());
    assert_eq!(cr["status"], "pending");
    let fields: Vec<String> = cr["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| s(&c["field"]))
        .collect();
    assert_eq!(fields, vec!["english_name", "description"]);
    assert_eq!(cr["changes"][0]["from"], live["english_name"]);
    assert_eq!(cr["changes"][0]["to"], "Ningbo Held Machinery Co., Ltd.");
    // Other companies' members do not see it.
    let (stranger, _) = app.verified_company(&op).await;
    app.get(&format!("/api/v1/change-requests/{cr1}"), stranger.token())
        .await
        .expect(404);
    let mine = app
        .get(
            "/api/v1/change-requests?subject_type=company",
            owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"][0]["id"], cr1.as_str());
    // It waits in the queue as a change request about the company, at high risk.
    let item = item_of(&app, &op, "change_request", &cr1).await;
    assert_eq!(item["target_type"], "company");
    assert_eq!(item["target_id"], cid.as_str());
    assert_eq!(item["risk"], "high");
    decide(&app, &op, &s(&item["id"]), "approve", json!({}))
        .await
        .expect(200);
    let live = public().await;
    assert_eq!(live["english_name"], "Ningbo Held Machinery Co., Ltd.");
    assert!(s(&live["description"]).contains("待审核词"));
    assert_eq!(live["status"], "verified");
    let told: Vec<String> = decisions_told(&app, &owner)
        .await
        .iter()
        .filter(|n| n["subject_id"] == cr1.as_str())
        .map(|n| s(&n["data"]["decision"]))
        .collect();
    assert_eq!(told, vec!["approved"]);

    // A flagged edit is held too; rejected, the live profile stays.
    let e = edit(json!({"business_scope": "机械设备制造 旗标词"})).await;
    assert_eq!(e["edit"]["outcome"], "pending");
    let cr2 = s(&e["edit"]["change_request_id"]);
    let item = item_id(&app, &op, "change_request", &cr2).await;
    decide(
        &app,
        &op,
        &item,
        "reject",
        json!({"reason_code": "misleading", "note": "经营范围与执照不符"}),
    )
    .await
    .expect(200);
    assert_eq!(public().await["business_scope"], live["business_scope"]);
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr2}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "rejected");
    assert_eq!(cr["note"], "经营范围与执照不符");

    // A held edit, then a licence-fact change: the licence change goes live and sends the
    // company back to verification (as before, no change request); the held edit was built on
    // the old licence facts, so approving it is refused as stale and nothing is applied.
    let e = edit(json!({"city": "宁波市（待审核词）"})).await;
    let cr3 = s(&e["edit"]["change_request_id"]);
    let e = edit(json!({"registered_address": "浙江省宁波市北仑区新碶街道明州路 8 号"})).await;
    assert_eq!(e["edit"]["outcome"], "applied");
    assert!(e["edit"]["change_request_id"].is_null());
    assert_eq!(e["status"], "pending");
    assert_eq!(e["city"], live["city"]);
    assert!(
        subjects(&app, &op, "kind=company").await.contains(&cid),
        "back to verification"
    );
    let item = item_id(&app, &op, "change_request", &cr3).await;
    let r = decide(&app, &op, &item, "approve", json!({}))
        .await
        .expect(409);
    assert_eq!(r.code(), "change_request_stale");
    assert_eq!(r.fields(), vec!["registered_address"]);
    let now = app.get(&path, owner.token()).await.expect(200).body;
    assert_eq!(now["city"], live["city"]);
    assert_eq!(
        app.get(&format!("/api/v1/change-requests/{cr3}"), owner.token())
            .await
            .expect(200)
            .body["status"],
        "superseded"
    );
    // Not verified now: edits apply in place.
    let e = edit(json!({"city": "宁波"})).await;
    assert_eq!(e["edit"]["outcome"], "applied");
    assert!(e["edit"]["change_request_id"].is_null());
    assert_eq!(e["city"], "宁波");
}

/// The subjects of the company's open queue items, by kind (reports aside).
async fn open_for(app: &TestApp, op: &e2e::Account, subjects_of: &[(&str, &str)]) -> Vec<String> {
    let mut open = Vec::new();
    for (kind, subject) in subjects_of {
        if subjects(app, op, &format!("kind={kind}"))
            .await
            .contains(*subject)
        {
            open.push(format!("{kind}:{subject}"));
        }
    }
    open
}

async fn inactive_companies_leave_the_queue(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, c) = unverified(&app).await;
    let slug = s(&app
        .get(&format!("/api/v1/companies/{c}"), owner.token())
        .await
        .expect(200)
        .body["slug"]);
    // Everything of the company that waits: its verification, a product under review, a sell
    // offer under review, a change request to a live product.
    let live = live_product(&app, &op, &owner, &c, product_body()).await;
    let waiting = app.publish(&owner, &c, product_body()).await;
    let offer = id_of(&post_open(&app, &owner, sell_body()).await);
    let change = propose_moq(&app, &owner, &live, 250).await;
    let buyer = app.signup("buyer").await;
    let report = s(&app
        .post(
            "/api/v1/reports",
            buyer.token(),
            json!({"subject_type": "product", "subject_id": live, "reason": "counterfeit",
                   "details": "假冒品牌", "evidence_urls": ["https://evidence.example.com/1.png"]}),
        )
        .await
        .expect(201)
        .body["id"]);
    let all = [
        ("company", c.as_str()),
        ("product", waiting.as_str()),
        ("sell_offer", offer.as_str()),
        ("change_request", change.as_str()),
    ];
    let expected: Vec<String> = all.iter().map(|(k, s)| format!("{k}:{s}")).collect();
    assert_eq!(open_for(&app, &op, &all).await, expected);
    let product_item = item_id(&app, &op, "product", &waiting).await;
    let told_before = decisions_told(&app, &owner).await.len();
    let company_path = format!("/api/v1/operator/companies/{c}");

    // Suspended: nothing of it is in the queue; the items closed as company_inactive; the
    // report stays for the reporter; the owners get no review decisions for it.
    app.post(
        &format!("{company_path}/suspend"),
        op.token(),
        json!({"reason": "涉嫌售假，暂停经营"}),
    )
    .await
    .expect(200);
    assert!(open_for(&app, &op, &all).await.is_empty());
    assert!(subjects(&app, &op, "kind=report").await.contains(&report));
    let closed = app
        .get(&format!("{QUEUE}/{product_item}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "company_inactive");
    assert_eq!(closed["note"], "the company was suspended");
    assert_eq!(decisions_told(&app, &owner).await.len(), told_before);
    // The items keep their state: the change request is still pending for its owner.
    assert_eq!(
        app.get(&format!("/api/v1/change-requests/{change}"), owner.token())
            .await
            .expect(200)
            .body["status"],
        "pending"
    );

    // Reinstated: what still waits is back, as new queue items.
    app.post(
        &format!("{company_path}/reinstate"),
        op.token(),
        json!({"reason": "核查无误，恢复经营"}),
    )
    .await
    .expect(200);
    assert_eq!(open_for(&app, &op, &all).await, expected);
    assert_ne!(item_id(&app, &op, "product", &waiting).await, product_item);

    // Terminated: gone again; an upheld appeal brings it back.
    let action = app
        .post(
            &format!("{company_path}/terminate"),
            op.token(),
            json!({"reason": "售假屡教不改"}),
        )
        .await
        .expect(201)
        .body;
    assert!(open_for(&app, &op, &all).await.is_empty());
    // Its members and operators see it as terminated (the public sees nothing).
    let profile = format!("/api/v1/companies/{c}");
    for who in [&owner, &op] {
        assert_eq!(
            app.get(&profile, who.token()).await.expect(200).body["status"],
            "terminated"
        );
    }
    app.get(&profile, None).await.expect(404);
    let closed = item_of(&app, &op, "report", &report).await;
    assert_eq!(closed["status"], "open");
    let appeal = app
        .post(
            &format!("/api/v1/enforcement/{}/appeal", s(&action["id"])),
            owner.token(),
            json!({"statement": "已整改"}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("/api/v1/operator/appeals/{}/decide", s(&appeal["id"])),
        op.token(),
        json!({"outcome": "upheld", "note": "整改到位"}),
    )
    .await
    .expect(200);
    assert_eq!(open_for(&app, &op, &all).await, expected);
    assert_eq!(
        app.get(&profile, owner.token()).await.expect(200).body["status"],
        "pending"
    );
    let back_item = item_id(&app, &op, "product", &waiting).await;

    // The company leaves: gone for good.
    app.post(
        &format!("/api/v1/companies/{c}/leave"),
        owner.token(),
        json!({"confirm": slug}),
    )
    .await
    .expect(200);
    assert!(open_for(&app, &op, &all).await.is_empty());
    assert_eq!(
        app.get(&profile, op.token()).await.expect(200).body["status"],
        "closed"
    );
    let item = app
        .get(&format!("{QUEUE}/{back_item}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(item["outcome"], "company_inactive");
    assert_eq!(item["note"], "the company left the platform");
}

/// The listing ids search finds for `q`, once the index has caught up.
async fn listing_hits(app: &TestApp, q: &str) -> Vec<String> {
    app.wait_for_index().await;
    app.get(&format!("/api/v1/search/listings?q={q}"), None)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// Erasing a buyer's account closes their open buy request through the listing's one write
/// path: the change request waiting on it is withdrawn with it (and leaves the queue), and the
/// search index drops the request.
async fn erasure_closes_the_buy_request_and_its_pending_change(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "待审核词", "review").await;
    let buyer = app.signup("buyer").await;
    let request = id_of(
        &post_open(
            &app,
            &buyer,
            with(buy_body(), json!({"title": "求购保温杯 Quillbrook"})),
        )
        .await,
    );
    assert_eq!(
        listing_hits(&app, "Quillbrook").await,
        vec![request.clone()]
    );
    let edited = app
        .patch(
            &format!("/api/v1/listings/{request}"),
            buyer.token(),
            json!({"title": "求购保温杯 Quillbrook 待审核词"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending");
    let cr = s(&edited["edit"]["change_request_id"]);
    assert!(
        subjects(&app, &op, "kind=change_request")
            .await
            .contains(&cr)
    );

    let done = app
        .post(
            "/api/v1/me/erasure",
            buyer.token(),
            json!({"password": e2e::fixtures::PASSWORD}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(done["closed_buy_requests"], 1);
    let listing = app
        .get(&format!("/api/v1/listings/{request}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(listing["status"], "closed");
    let change = app
        .get(&format!("/api/v1/change-requests/{cr}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(change["status"], "withdrawn");
    assert!(
        !subjects(&app, &op, "kind=change_request")
            .await
            .contains(&cr)
    );
    assert!(listing_hits(&app, "Quillbrook").await.is_empty());
}

both_backends!(
    stale_change_requests_are_superseded,
    verified_company_profile_edits_are_change_requests,
    inactive_companies_leave_the_queue,
    erasure_closes_the_buy_request_and_its_pending_change,
);
