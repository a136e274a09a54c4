//! Screening rules: operators manage them; blocked words are refused through the usual
//! evasions while ordinary text with similar words passes; `review` holds a verified company's
//! product for an operator; `flag` lets it through and records the hit with the item.

use diesel::prelude::*;
use e2e::fixtures::{company_body, product_body};
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};

async fn rule(app: &TestApp, op: &Account, body: Value) -> String {
    app.post("/api/v1/operator/rules", op.token(), body)
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn standard_rules(app: &TestApp, op: &Account) {
    rule(app, op, json!({"kind": "term", "text": "象牙", "action": "block", "category": "prohibited_goods", "exceptions": ["象牙白", "象牙色"]})).await;
    rule(app, op, json!({"kind": "term", "text": "viagra", "action": "block", "category": "prohibited_goods"})).await;
    rule(app, op, json!({"kind": "term", "text": "replica rolex", "action": "block", "category": "counterfeit"})).await;
    rule(app, op, json!({"kind": "term", "text": "电子烟", "action": "review", "category": "prohibited_goods"})).await;
    rule(app, op, json!({"kind": "pattern", "text": r"1[3-9]\d{9}", "action": "flag", "category": "contact_harvesting"})).await;
}

async fn operators_manage_rules(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let path = "/api/v1/operator/rules";
    for (body, field) in [
        (
            json!({"text": "象牙", "action": "block", "category": "prohibited_goods"}),
            "kind",
        ),
        (
            json!({"kind": "term", "text": "象", "action": "block", "category": "prohibited_goods"}),
            "text",
        ),
        (
            json!({"kind": "term", "text": " . ", "action": "block", "category": "prohibited_goods"}),
            "text",
        ),
        (
            json!({"kind": "pattern", "text": "(unclosed", "action": "flag", "category": "other"}),
            "text",
        ),
        (
            json!({"kind": "pattern", "text": "a*", "action": "flag", "category": "other"}),
            "text",
        ),
        (
            json!({"kind": "term", "text": "象牙", "action": "delete", "category": "prohibited_goods"}),
            "action",
        ),
        (
            json!({"kind": "term", "text": "象牙", "action": "block", "category": "bad"}),
            "category",
        ),
    ] {
        let reply = app.post(path, op.token(), body.clone()).await.expect(400);
        assert_eq!(reply.fields(), vec![field], "{body}");
    }
    let id = rule(
        &app,
        &op,
        json!({"kind": "term", "text": "象牙", "action": "block", "category": "prohibited_goods"}),
    )
    .await;
    let tested = app
        .post(
            &format!("{path}/test"),
            op.token(),
            json!({"text": "天然象 牙雕刻"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(tested["outcome"], "block");
    assert_eq!(tested["hits"][0]["excerpt"], "象 牙");
    let disabled = app
        .patch(
            &format!("{path}/{id}"),
            op.token(),
            json!({"enabled": false}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["text"], "象牙", "absent fields keep their value");
    let tested = app
        .post(
            &format!("{path}/test"),
            op.token(),
            json!({"text": "天然象牙雕刻"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        tested["outcome"], "pass",
        "a disabled rule no longer applies"
    );
    let all = app.get(path, op.token()).await.expect(200).body;
    assert_eq!(all.as_array().unwrap().len(), 1);
    app.patch(
        &format!("{path}/{}", uuid::Uuid::now_v7()),
        op.token(),
        json!({"enabled": true}),
    )
    .await
    .expect(404);
}

async fn evasions_are_blocked_and_ordinary_text_passes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    standard_rules(&app, &op).await;
    let (owner, company) = app.verified_company(&op).await;
    let path = format!(
        "/api/v1/companies/{}/products",
        company["id"].as_str().unwrap()
    );
    let with_title = |title: &str| {
        let mut body = product_body();
        body["title_zh"] = json!(title);
        body
    };
    for title in [
        "天然象牙雕刻摆件",
        "天然象 牙雕刻摆件",
        "天然象．牙雕刻", // full-width full stop
        "天然象*牙雕刻",
        "天然象　牙", // ideographic space
        "VIAGRA 100mg",
        "v i a g r a 100mg",
        "v1agra 100mg",
        "ｖｉａｇｒａ 100mg", // full width
        "viаgrа 100mg",       // Cyrillic а
        "Replica  R0LEX Submariner",
    ] {
        let reply = app
            .post(&path, owner.token(), with_title(title))
            .await
            .expect(400);
        assert_eq!(reply.code(), "content_blocked", "{title}");
        assert_eq!(reply.fields(), vec!["title_zh"], "{title}");
    }
    // Traditional script and words hidden in the description or keywords are caught too.
    let mut body = product_body();
    body["description"] = json!("<p>純天然<b>象</b>牙</p>");
    let reply = app.post(&path, owner.token(), body).await.expect(400);
    assert_eq!(reply.fields(), vec!["description"]);
    let mut body = product_body();
    body["keywords"] = json!(["保温杯", "Ｖ-I-A-G-R-A"]);
    app.post(&path, owner.token(), body).await.expect(400);

    for title in [
        "象牙白陶瓷餐具套装",
        "象牙色 PVC 地板",
        "Specialist CNC machining service",
        "Rolex-style watch display stand",
        "304不锈钢真空保温杯 500ml",
    ] {
        app.post(&path, owner.token(), with_title(title))
            .await
            .expect(201);
    }
    // Company profiles are screened as well.
    let supplier = app.signup("supplier").await;
    let mut profile = company_body(None);
    profile["main_products"] = json!(["象 牙 工艺品"]);
    let reply = app
        .post("/api/v1/companies", supplier.token(), profile)
        .await
        .expect(400);
    assert_eq!(reply.code(), "content_blocked");
    assert_eq!(reply.fields(), vec!["main_products"]);
}

async fn review_holds_and_flag_records(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    standard_rules(&app, &op).await;
    let (owner, company) = app.verified_company(&op).await;
    let company_id = company["id"].as_str().unwrap().to_owned();
    // A verified company's product normally goes live at once; a `review` hit holds it.
    let mut body = product_body();
    body["title_zh"] = json!("電子煙 批發");
    let held = app.publish(&owner, &company_id, body).await;
    let product = app
        .get(&format!("/api/v1/products/{held}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(product["status"], "pending_review");
    // A `flag` hit lets it through and is stored with the item, with the rule and the words.
    let mut body = product_body();
    body["description"] = json!("<p>联系电话 壹叁捌-1234-5678</p>");
    let flagged = app.publish(&owner, &company_id, body).await;
    let product = app
        .get(&format!("/api/v1/products/{flagged}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(product["status"], "published");
    let stored: Vec<(String, String)> = app
        .with_db(move |conn| {
            use domain::db::schema::screening_results as r;
            r::table
                .filter(r::subject_type.eq("product"))
                .filter(r::subject_id.eq_any(vec![held, flagged]))
                .order(r::subject_id.asc())
                .select((r::outcome, r::hits))
                .load(conn)
                .expect("results")
        })
        .await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].0, "review");
    assert_eq!(stored[1].0, "flag");
    assert!(stored[1].1.contains("壹叁捌-1234-5678"), "{}", stored[1].1);
    // Editing a published product into a `review` hit holds the edit for an operator (a change
    // request); the published version stays live meanwhile.
    let mut body = product_body();
    body["title_zh"] = json!("普通保温杯");
    let clean = app.publish(&owner, &company_id, body).await;
    let edited = app
        .patch(
            &format!("/api/v1/products/{clean}"),
            owner.token(),
            json!({"title_en": "e-cigarette 电子烟 holder"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "published");
    assert_eq!(edited["title_en"], product_body()["title_en"]);
    assert_eq!(edited["edit"]["outcome"], "pending");
}

async fn listings_and_messages_are_screened(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    standard_rules(&app, &op).await;
    let (owner, company) = app.verified_company(&op).await;
    let company_id = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    let sell = |title: &str| {
        let mut body = e2e::listings::sell_body();
        body["title"] = json!(title);
        body["publish"] = json!(true);
        body
    };
    let reply = app
        .post(
            "/api/v1/listings",
            owner.token(),
            sell("天然象 牙 工艺品现货"),
        )
        .await
        .expect(400);
    assert_eq!(reply.code(), "content_blocked");
    assert_eq!(reply.fields(), vec!["title"]);
    // A verified company's offer opens at once, unless screening asks for review.
    let held = app
        .post("/api/v1/listings", owner.token(), sell("電子煙 OEM 供应"))
        .await
        .expect(201)
        .body;
    assert_eq!(held["status"], "pending_review");
    let open = app
        .post(
            "/api/v1/listings",
            owner.token(),
            sell("象牙白陶瓷茶具 现货供应"),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(open["status"], "open");
    let mut buy = e2e::listings::buy_body();
    buy["description"] = json!("<p>求购 v-i-a-g-r-a</p>");
    let reply = app
        .post("/api/v1/listings", buyer.token(), buy)
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["description"]);

    // Inquiries: a blocked word refuses the whole request; a later message too.
    let inquiry = |message: &str| {
        json!({"subject": "询价", "message": message,
               "targets": [{"type": "company", "id": company_id}]})
    };
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("请报价 replica rolex 1000只"),
        )
        .await
        .expect(400);
    assert_eq!(reply.code(), "content_blocked");
    assert_eq!(reply.fields(), vec!["message"]);
    let thread = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("请报价保温杯1000只，电话 138-1234-5678"),
        )
        .await
        .expect(201)
        .body["threads"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = app
        .post(
            &format!("/api/v1/inquiries/{thread}/messages"),
            owner.token(),
            json!({"body": "我们也有象牙制品"}),
        )
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["body"]);
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        owner.token(),
        json!({"body": "您好，已报价，请查收"}),
    )
    .await
    .expect(201);
    let outcomes: Vec<String> = app
        .with_db(|conn| {
            use domain::db::schema::screening_results as r;
            r::table
                .filter(r::subject_type.eq("message"))
                .order(r::screened_at.asc())
                .select(r::outcome)
                .load(conn)
                .expect("results")
        })
        .await;
    assert_eq!(
        outcomes,
        vec!["flag", "pass"],
        "the first message hit the mobile-number flag"
    );
}

both_backends!(
    operators_manage_rules,
    evasions_are_blocked_and_ordinary_text_passes,
    review_holds_and_flag_records,
    listings_and_messages_are_screened
);
