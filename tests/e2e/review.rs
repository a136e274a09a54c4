//! The one review queue and change requests: every kind in the queue with its filters and risk,
//! claims, approve / reject / request changes on every kind with what the owner sees, bulk
//! decisions with partial failure, edits of live items that keep the live version (in reads
//! and in search) until approved, auto-approval, and one open change request per item.

use std::collections::BTreeSet;

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};
use time::Duration;

use e2e::id_of;
use e2e::listings::{buy_body, post_open, sell_body, with};
use e2e::review::*;

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search(app: &TestApp, what: &str, q: &str) -> Vec<String> {
    let page = app
        .get(&format!("/api/v1/search/{what}?q={}", enc(q)), None)
        .await
        .expect(200)
        .body;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| s(&h["id"]))
        .collect()
}

/// Once the index has applied every change so far, search for `q` finds exactly `expected`.
async fn search_until(app: &TestApp, what: &str, q: &str, expected: &[&str]) {
    app.wait_for_index().await;
    let want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(search(app, what, q).await, want, "search {what} for {q:?}");
}

async fn queue_lists_every_kind_with_filters(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "待审核词", "review").await;
    rule(&app, &op, "旗标词", "flag").await;
    let (a_owner, a) = app.verified_company(&op).await;
    let a = s(&a["id"]);
    let (c_owner, c) = unverified(&app).await;
    let product_c = app.publish(&c_owner, &c, product_body()).await;
    let sell_c = id_of(&post_open(&app, &c_owner, sell_body()).await);
    let buyer = app.signup("buyer").await;
    let buy = post_open(
        &app,
        &buyer,
        with(buy_body(), json!({"title": "求购 待审核词 保温杯"})),
    )
    .await;
    assert_eq!(buy["status"], "pending_review");
    let buy = id_of(&buy);
    let live_a = live_product(&app, &op, &a_owner, &a, product_body()).await;
    let edit = app
        .patch(
            &format!("/api/v1/products/{live_a}"),
            a_owner.token(),
            json!({"title_en": "Vacuum flask 旗标词"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edit["edit"]["outcome"], "pending");
    let cr = s(&edit["edit"]["change_request_id"]);
    let report = app
        .post(
            "/api/v1/reports",
            buyer.token(),
            json!({"subject_type": "product", "subject_id": live_a, "reason": "counterfeit"}),
        )
        .await
        .expect(201)
        .body;
    let report = s(&report["id"]);

    // Every kind, each with what it is about; A's verification is no longer waiting.
    let all = queue(&app, &op, "").await;
    let kinds: BTreeSet<String> = all.iter().map(|i| s(&i["kind"])).collect();
    assert_eq!(
        kinds,
        set(&[
            "buy_request",
            "change_request",
            "company",
            "product",
            "report",
            "sell_offer"
        ])
    );
    assert_eq!(all.len(), 6, "{all:#?}");
    for (kind, subject) in [
        ("company", &c),
        ("product", &product_c),
        ("sell_offer", &sell_c),
        ("buy_request", &buy),
        ("change_request", &cr),
        ("report", &report),
    ] {
        assert_eq!(
            subjects(&app, &op, &format!("kind={kind}")).await,
            set(&[subject.as_str()]),
            "{kind}"
        );
    }
    let cr_item = item_of(&app, &op, "change_request", &cr).await;
    assert_eq!(cr_item["target_type"], "product");
    assert_eq!(cr_item["target_id"], live_a.as_str());
    assert_eq!(cr_item["company_id"], a.as_str());
    assert_eq!(cr_item["category_id"], "home-goods.drinkware");
    assert_eq!(cr_item["screening"], "flag");
    assert_eq!(cr_item["open_reports"], 1);
    assert_eq!(cr_item["status"], "open");
    assert!(cr_item["claimed_by"].is_null());
    let report_item = item_of(&app, &op, "report", &report).await;
    assert_eq!(report_item["target_id"], live_a.as_str());
    assert_eq!(report_item["owner_id"], buyer.id.as_str());
    let company_item = item_of(&app, &op, "company", &c).await;
    assert_eq!(company_item["title"], "宁波测试精密机械有限公司");
    assert!(company_item["category_id"].is_null());

    // Risk: screening `review` is high; a flag or 1–2 open reports medium; nothing low.
    assert_eq!(subjects(&app, &op, "risk=high").await, set(&[&buy]));
    assert_eq!(
        subjects(&app, &op, "risk=medium").await,
        set(&[&cr, &report])
    );
    assert_eq!(
        subjects(&app, &op, "risk=low").await,
        set(&[&c, &product_c, &sell_c])
    );
    // Two more reports make three: everything about that product is high now.
    let mut reports = vec![report.clone()];
    for _ in 0..2 {
        let other = app.signup("buyer").await;
        let r = app
            .post(
                "/api/v1/reports",
                other.token(),
                json!({"subject_type": "product", "subject_id": live_a, "reason": "fraud"}),
            )
            .await
            .expect(201)
            .body;
        reports.push(s(&r["id"]));
    }
    let mut high: Vec<&str> = reports.iter().map(String::as_str).collect();
    high.extend([buy.as_str(), cr.as_str()]);
    assert_eq!(subjects(&app, &op, "risk=high").await, set(&high));
    assert_eq!(
        item_of(&app, &op, "change_request", &cr).await["open_reports"],
        3
    );

    // Category: top-level or second-level; items without one never match.
    let drinkware: Vec<&str> = reports
        .iter()
        .map(String::as_str)
        .chain([product_c.as_str(), buy.as_str(), cr.as_str()])
        .collect();
    assert_eq!(
        subjects(&app, &op, "category=home-goods").await,
        set(&drinkware)
    );
    assert_eq!(
        subjects(&app, &op, "category=home-goods.drinkware").await,
        set(&drinkware)
    );
    assert_eq!(
        subjects(&app, &op, "category=lighting").await,
        set(&[&sell_c])
    );
    assert!(subjects(&app, &op, "category=apparel").await.is_empty());

    // Age counts from entering the queue.
    domain::clock::advance(Duration::hours(3));
    let newer = app.publish(&c_owner, &c, product_body()).await;
    let old = subjects(&app, &op, "age_min_hours=2").await;
    assert_eq!(old.len(), 8);
    assert!(!old.contains(&newer));
    assert!(
        subjects(&app, &op, "age_min_hours=0")
            .await
            .contains(&newer)
    );
    let aged = item_of(&app, &op, "company", &c).await;
    assert!(aged["age_secs"].as_i64().unwrap() >= 3 * 3600, "{aged}");

    // Oldest first, in pages.
    let first = app
        .get(&format!("{QUEUE}?limit=4"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    assert_eq!(first["items"][0]["subject_id"], c.as_str());
    let cursor = s(&first["next_cursor"]);
    let second = app
        .get(&format!("{QUEUE}?limit=4&cursor={cursor}"), op.token())
        .await
        .expect(200)
        .body;
    let third = app
        .get(
            &format!("{QUEUE}?limit=4&cursor={}", s(&second["next_cursor"])),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert!(third["next_cursor"].is_null());
    let paged: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().iter().map(|i| s(&i["id"])))
        .collect();
    let all: Vec<String> = queue(&app, &op, "")
        .await
        .iter()
        .map(|i| s(&i["id"]))
        .collect();
    assert_eq!(paged, all);
    assert_eq!(all.len(), 9);
    assert_eq!(
        all.last(),
        Some(&item_id(&app, &op, "product", &newer).await)
    );

    // Claims.
    let other_op = app.operator().await;
    let claimed = item_id(&app, &op, "sell_offer", &sell_c).await;
    app.post(&format!("{QUEUE}/{claimed}/claim"), op.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(subjects(&app, &op, "claimed=mine").await, set(&[&sell_c]));
    assert!(subjects(&app, &other_op, "claimed=mine").await.is_empty());
    let unclaimed = subjects(&app, &other_op, "claimed=unclaimed").await;
    assert_eq!(unclaimed.len(), 8);
    assert!(!unclaimed.contains(&sell_c));
    assert_eq!(
        subjects(&app, &op, "kind=sell_offer&claimed=unclaimed&risk=low").await,
        BTreeSet::new()
    );

    // Bad filters name the field.
    let r = app
        .get(
            &format!("{QUEUE}?kind=widget&risk=severe&claimed=theirs&age_min_hours=-1"),
            op.token(),
        )
        .await
        .expect(400);
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, vec!["age_min_hours", "claimed", "kind", "risk"]);
    let r = app
        .get(&format!("{QUEUE}?limit=0"), op.token())
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["limit"]);
}

async fn claims_conflict_and_run_out(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.review_claim_minutes = 5).await;
    let op1 = app.operator().await;
    let op2 = app.operator().await;
    let (_, c) = unverified(&app).await;
    let item = item_id(&app, &op1, "company", &c).await;
    let at = |action: &str| format!("{QUEUE}/{item}/{action}");

    let claimed = app
        .post(&at("claim"), op1.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(claimed["claimed_by"], op1.id.as_str());
    let until = time::OffsetDateTime::parse(
        claimed["claimed_until"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let minutes = (until - domain::clock::now().assume_utc()).whole_seconds();
    assert!(
        (290..=300).contains(&minutes),
        "claim lasts 5 minutes: {minutes}"
    );
    // Another operator's live claim: 409 for claiming, deciding and releasing.
    for action in ["claim", "release"] {
        let r = app
            .post(&at(action), op2.token(), json!({}))
            .await
            .expect(409);
        assert_eq!(r.code(), "review_item_claimed", "{action}");
    }
    let r = decide(&app, &op2, &item, "approve", json!({}))
        .await
        .expect(409);
    assert_eq!(r.code(), "review_item_claimed");
    let r = app
        .post(
            &format!("{QUEUE}/bulk"),
            op2.token(),
            json!({"ids": [item], "decision": "approve"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["results"][0]["status"], 409);
    assert_eq!(r.body["results"][0]["error"]["code"], "review_item_claimed");
    // Claiming again extends one's own claim; releasing frees it.
    app.post(&at("claim"), op1.token(), json!({}))
        .await
        .expect(200);
    let released = app
        .post(&at("release"), op1.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert!(released["claimed_by"].is_null());
    assert!(released["claimed_until"].is_null());
    // Releasing what nobody holds changes nothing.
    app.post(&at("release"), op2.token(), json!({}))
        .await
        .expect(200);
    // A claim runs out by itself.
    app.post(&at("claim"), op2.token(), json!({}))
        .await
        .expect(200);
    domain::clock::advance(Duration::minutes(6));
    let shown = item_of(&app, &op1, "company", &c).await;
    assert!(shown["claimed_by"].is_null(), "{shown}");
    app.post(&at("claim"), op1.token(), json!({}))
        .await
        .expect(200);
    let decided = decide(&app, &op1, &item, "approve", json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(decided["status"], "closed");
    assert_eq!(decided["outcome"], "approved");
    assert_eq!(decided["decided_by"], op1.id.as_str());
    assert!(decided["claimed_by"].is_null());
    // Decided items are not claimed or decided again.
    for action in ["claim", "release", "approve"] {
        let r = app
            .post(&at(action), op2.token(), json!({}))
            .await
            .expect(409);
        assert_eq!(r.code(), "review_item_closed", "{action}");
    }
    let missing = uuid::Uuid::now_v7();
    let r = app
        .post(&format!("{QUEUE}/{missing}/claim"), op1.token(), json!({}))
        .await
        .expect(404);
    assert_eq!(r.code(), "review_item_not_found");
    // Claims and decisions are in the audit log.
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_type=review_item&subject_id={item}"),
            op1.token(),
        )
        .await
        .expect(200)
        .body;
    let actions: Vec<String> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(&e["action"]))
        .collect();
    assert_eq!(
        actions,
        vec!["approve", "claim", "claim", "release", "claim", "claim"]
    );
}

async fn company_decisions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (o1, c1) = unverified(&app).await;
    let (o2, c2) = unverified(&app).await;
    let (o3, c3) = unverified(&app).await;
    let i1 = item_id(&app, &op, "company", &c1).await;
    let i2 = item_id(&app, &op, "company", &c2).await;
    let i3 = item_id(&app, &op, "company", &c3).await;

    // The reason rules.
    for (action, body, fields) in [
        ("reject", json!({"note": "x"}), vec!["reason_code"]),
        ("reject", json!({"reason_code": "other"}), vec!["note"]),
        (
            "reject",
            json!({"reason_code": "ugly", "note": "x"}),
            vec!["reason_code"],
        ),
        ("request-changes", json!({}), vec!["note"]),
        (
            "approve",
            json!({"reason_code": "other"}),
            vec!["reason_code"],
        ),
    ] {
        let r = decide(&app, &op, &i1, action, body).await.expect(400);
        assert_eq!(r.fields(), fields, "{action}");
    }
    let r = decide(&app, &op, &i1, "approve", json!({"verdict": "yes"}))
        .await
        .expect(400);
    assert_eq!(r.code(), "validation_failed");

    let approved = decide(&app, &op, &i1, "approve", json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(approved["outcome"], "approved");
    let company = app
        .get(&format!("/api/v1/companies/{c1}"), o1.token())
        .await
        .expect(200)
        .body;
    assert_eq!(company["status"], "verified");
    assert_eq!(company["verified"], true);
    let told = decisions_told(&app, &o1).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["subject_type"], "company");
    assert_eq!(told[0]["data"]["decision"], "approved");

    let note = "营业执照号码与国家企业信用信息公示系统不一致";
    decide(
        &app,
        &op,
        &i2,
        "reject",
        json!({"reason_code": "licence_mismatch", "note": note}),
    )
    .await
    .expect(200);
    let company = app
        .get(&format!("/api/v1/companies/{c2}"), o2.token())
        .await
        .expect(200)
        .body;
    assert_eq!(company["status"], "rejected");
    assert_eq!(company["status_reason"], note);
    let told = decisions_told(&app, &o2).await;
    assert_eq!(told[0]["data"]["decision"], "rejected");
    assert_eq!(told[0]["data"]["reason_code"], "licence_mismatch");
    assert_eq!(told[0]["data"]["note"], note);

    // Changes requested: the company stays pending and leaves the queue until its owner edits
    // the profile, which resubmits it.
    let note = "请补充英文名称与联系人";
    let sent_back = decide(&app, &op, &i3, "request-changes", json!({"note": note}))
        .await
        .expect(200)
        .body;
    assert_eq!(sent_back["outcome"], "changes_requested");
    let company = app
        .get(&format!("/api/v1/companies/{c3}"), o3.token())
        .await
        .expect(200)
        .body;
    assert_eq!(company["status"], "pending");
    assert_eq!(company["status_reason"], note);
    assert_eq!(
        decisions_told(&app, &o3).await[0]["data"]["decision"],
        "changes_requested"
    );
    assert!(subjects(&app, &op, "kind=company").await.is_empty());
    app.patch(
        &format!("/api/v1/companies/{c3}"),
        o3.token(),
        json!({"english_name": "Ningbo Example Machinery Co., Ltd."}),
    )
    .await
    .expect(200);
    let again = item_of(&app, &op, "company", &c3).await;
    assert_ne!(again["id"], i3.as_str());
    decide(&app, &op, &s(&again["id"]), "approve", json!({}))
        .await
        .expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/companies/{c3}"), None)
            .await
            .expect(200)
            .body["status"],
        "verified"
    );
    // The item history keeps each episode.
    let closed = app
        .get(&format!("{QUEUE}/{i3}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["note"], note);
    assert_eq!(closed["decided_by"], op.id.as_str());
}

async fn product_and_listing_decisions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "待审核词", "review").await;
    let (owner, c) = unverified(&app).await;
    let buyer = app.signup("buyer").await;

    // Products.
    let p1 = app.publish(&owner, &c, product_body()).await;
    let p2 = app.publish(&owner, &c, product_body()).await;
    let p3 = app.publish(&owner, &c, product_body()).await;
    approve(&app, &op, "product", &p1).await;
    let p = app
        .get(&format!("/api/v1/products/{p1}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(p["status"], "published");
    let i2 = item_id(&app, &op, "product", &p2).await;
    decide(
        &app,
        &op,
        &i2,
        "reject",
        json!({"reason_code": "counterfeit", "note": "图片含他人注册商标"}),
    )
    .await
    .expect(200);
    let p = app
        .get(&format!("/api/v1/products/{p2}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(p["status"], "rejected");
    assert_eq!(p["review_note"], "图片含他人注册商标");
    let i3 = item_id(&app, &op, "product", &p3).await;
    decide(
        &app,
        &op,
        &i3,
        "request-changes",
        json!({"reason_code": "incomplete", "note": "请补充材质与容量参数"}),
    )
    .await
    .expect(200);
    let p = app
        .get(&format!("/api/v1/products/{p3}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(p["status"], "changes_requested");
    assert_eq!(p["review_note"], "请补充材质与容量参数");
    app.get(&format!("/api/v1/products/{p3}"), None)
        .await
        .expect(404);
    assert!(subjects(&app, &op, "kind=product").await.is_empty());
    // The owner edits it in place (it is not public) and resubmits by publishing.
    let edited = app
        .patch(
            &format!("/api/v1/products/{p3}"),
            owner.token(),
            json!({"attributes": [{"name": "容量", "value": "500ml"}]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "changes_requested");
    assert_eq!(edited["edit"]["outcome"], "applied");
    assert!(edited["edit"]["change_request_id"].is_null());
    let resubmitted = app
        .post(
            &format!("/api/v1/products/{p3}/publish"),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(resubmitted["status"], "pending_review");
    assert_ne!(item_id(&app, &op, "product", &p3).await, i3);
    let told = decisions_told(&app, &owner).await;
    let about = |id: &str| {
        told.iter()
            .find(|n| n["subject_id"] == id)
            .unwrap_or_else(|| panic!("no notification about {id}"))
            .clone()
    };
    assert_eq!(about(&p1)["data"]["decision"], "approved");
    assert_eq!(about(&p2)["data"]["reason_code"], "counterfeit");
    assert_eq!(about(&p3)["data"]["decision"], "changes_requested");
    assert_eq!(about(&p3)["data"]["note"], "请补充材质与容量参数");

    // Sell offers.
    let s1 = id_of(&post_open(&app, &owner, sell_body()).await);
    let s2 = id_of(&post_open(&app, &owner, sell_body()).await);
    let s3 = id_of(&post_open(&app, &owner, sell_body()).await);
    let l = approve(&app, &op, "sell_offer", &s1).await;
    assert_eq!(l["outcome"], "approved");
    assert_eq!(
        app.get(&format!("/api/v1/listings/{s1}"), None)
            .await
            .expect(200)
            .body["status"],
        "open"
    );
    let i = item_id(&app, &op, "sell_offer", &s2).await;
    decide(
        &app,
        &op,
        &i,
        "reject",
        json!({"reason_code": "misleading", "note": "价格与描述不符"}),
    )
    .await
    .expect(200);
    let l = app
        .get(&format!("/api/v1/listings/{s2}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "rejected");
    assert_eq!(l["review_note"], "价格与描述不符");
    let i = item_id(&app, &op, "sell_offer", &s3).await;
    decide(
        &app,
        &op,
        &i,
        "request-changes",
        json!({"note": "请注明功率与色温"}),
    )
    .await
    .expect(200);
    let l = app
        .get(&format!("/api/v1/listings/{s3}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "changes_requested");
    assert_eq!(l["review_note"], "请注明功率与色温");
    let l = app
        .post(
            &format!("/api/v1/listings/{s3}/publish"),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "pending_review");
    assert_eq!(subjects(&app, &op, "kind=sell_offer").await, set(&[&s3]));

    // Buy requests (held by a `review` rule).
    let held = || with(buy_body(), json!({"title": "求购 待审核词 保温杯"}));
    let b1 = id_of(&post_open(&app, &buyer, held()).await);
    let b2 = id_of(&post_open(&app, &buyer, held()).await);
    let b3 = id_of(&post_open(&app, &buyer, held()).await);
    approve(&app, &op, "buy_request", &b1).await;
    assert_eq!(
        app.get(&format!("/api/v1/listings/{b1}"), None)
            .await
            .expect(200)
            .body["status"],
        "open"
    );
    let i = item_id(&app, &op, "buy_request", &b2).await;
    decide(
        &app,
        &op,
        &i,
        "reject",
        json!({"reason_code": "prohibited_goods", "note": "不得求购此类商品"}),
    )
    .await
    .expect(200);
    let i = item_id(&app, &op, "buy_request", &b3).await;
    decide(
        &app,
        &op,
        &i,
        "request-changes",
        json!({"note": "请删除敏感词后重新发布"}),
    )
    .await
    .expect(200);
    let l = app
        .get(&format!("/api/v1/listings/{b3}"), buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "changes_requested");
    let told = decisions_told(&app, &buyer).await;
    assert_eq!(told.len(), 3);
    let b2_told = told
        .iter()
        .find(|n| n["subject_id"] == b2.as_str())
        .unwrap();
    assert_eq!(b2_told["subject_type"], "listing");
    assert_eq!(b2_told["data"]["reason_code"], "prohibited_goods");
    assert_eq!(b2_told["data"]["note"], "不得求购此类商品");
    // Every decision is in the audit log twice: the item's own transition and the queue's.
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_id={b2}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["action"], "reject");
    assert_eq!(audit["items"][0]["reason"], "不得求购此类商品");
    let audit = app
        .get(
            "/api/v1/operator/audit?subject_type=review_item&action=reject",
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        audit["items"][0]["after"]["reason_code"],
        "prohibited_goods"
    );
}

async fn change_request_decisions(b: Backend) {
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
    let e = edit(json!({"title_en": "Flask Alpha 500ml"})).await;
    let cr1 = s(&e["edit"]["change_request_id"]);
    let i = item_id(&app, &op, "change_request", &cr1).await;
    // The operator sees the diff with the item.
    let detail = app
        .get(&format!("{QUEUE}/{i}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(detail["kind"], "change_request");
    assert_eq!(
        detail["change_request"]["changes"],
        json!([{"field": "title_en", "from": live["title_en"], "to": "Flask Alpha 500ml"}])
    );
    decide(
        &app,
        &op,
        &i,
        "reject",
        json!({"reason_code": "misleading", "note": "标题与图片不符"}),
    )
    .await
    .expect(200);
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr1}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "rejected");
    assert_eq!(cr["reason_code"], "misleading");
    assert_eq!(cr["note"], "标题与图片不符");
    assert_eq!(
        app.get(&path, None).await.expect(200).body["title_en"],
        live["title_en"]
    );

    // A new edit after a decision is a new change request; sent back, the next edit resubmits
    // it (same request, next revision, re-entering the queue), built on the proposal.
    let e = edit(json!({"title_en": "Flask Beta 500ml"})).await;
    let cr2 = s(&e["edit"]["change_request_id"]);
    assert_ne!(cr1, cr2);
    let i = item_id(&app, &op, "change_request", &cr2).await;
    decide(
        &app,
        &op,
        &i,
        "request-changes",
        json!({"note": "请同时更新起订量"}),
    )
    .await
    .expect(200);
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr2}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "changes_requested");
    assert_eq!(cr["note"], "请同时更新起订量");
    assert!(subjects(&app, &op, "kind=change_request").await.is_empty());
    let e = edit(json!({"moq": 500})).await;
    assert_eq!(e["edit"]["change_request_id"], cr2.as_str());
    assert_eq!(e["edit"]["outcome"], "pending");
    assert_eq!(e["moq"], live["moq"]);
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr2}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "pending");
    assert_eq!(cr["revision"], 1);
    assert!(cr["note"].is_null());
    let fields: Vec<String> = cr["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(&c["field"]))
        .collect();
    assert_eq!(fields, vec!["title_en", "moq"]);
    let again = item_id(&app, &op, "change_request", &cr2).await;
    assert_ne!(again, i);
    decide(&app, &op, &again, "approve", json!({}))
        .await
        .expect(200);
    let p = app.get(&path, None).await.expect(200).body;
    assert_eq!(p["title_en"], "Flask Beta 500ml");
    assert_eq!(p["moq"], 500);
    assert_eq!(p["status"], "published");
    let mine = app
        .get(
            &format!("/api/v1/change-requests?subject_id={pid}"),
            owner.token(),
        )
        .await
        .expect(200)
        .body;
    let statuses: Vec<String> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(&c["status"]))
        .collect();
    assert_eq!(statuses, vec!["approved", "rejected"], "newest first");
    let told = decisions_told(&app, &owner).await;
    let on_changes: Vec<String> = told
        .iter()
        .filter(|n| n["subject_type"] == "change_request")
        .map(|n| s(&n["data"]["decision"]))
        .collect();
    assert_eq!(
        on_changes,
        vec!["approved", "changes_requested", "rejected"]
    );
    // The change was audited with its fields.
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_type=change_request&subject_id={cr2}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["action"], "approve");
    assert_eq!(
        audit["items"][0]["after"]["fields"],
        json!(["title_en", "moq"])
    );
}

async fn report_decisions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, a) = app.verified_company(&op).await;
    let pid = live_product(&app, &op, &owner, &s(&a["id"]), product_body()).await;
    let mut reporters = Vec::new();
    let mut reports = Vec::new();
    for _ in 0..3 {
        let buyer = app.signup("buyer").await;
        let r = app
            .post(
                "/api/v1/reports",
                buyer.token(),
                json!({"subject_type": "product", "subject_id": pid, "reason": "counterfeit"}),
            )
            .await
            .expect(201)
            .body;
        reports.push(s(&r["id"]));
        reporters.push(buyer);
    }
    // Approving a report upholds it; rejecting dismisses it; the reporter reads the note.
    let i = item_id(&app, &op, "report", &reports[0]).await;
    decide(
        &app,
        &op,
        &i,
        "approve",
        json!({"note": "已核实，商品已处理"}),
    )
    .await
    .expect(200);
    let i = item_id(&app, &op, "report", &reports[1]).await;
    decide(
        &app,
        &op,
        &i,
        "reject",
        json!({"reason_code": "no_violation", "note": "未发现侵权"}),
    )
    .await
    .expect(200);
    for (who, status, note) in [
        (&reporters[0], "upheld", "已核实，商品已处理"),
        (&reporters[1], "dismissed", "未发现侵权"),
    ] {
        let mine = app
            .get("/api/v1/reports", who.token())
            .await
            .expect(200)
            .body;
        assert_eq!(mine["items"][0]["status"], status);
        assert_eq!(mine["items"][0]["resolution_note"], note);
        assert_eq!(decisions_told(&app, who).await.len(), 1);
    }
    // Changes cannot be requested of a report; the item stays open.
    let i = item_id(&app, &op, "report", &reports[2]).await;
    let r = decide(&app, &op, &i, "request-changes", json!({"note": "x"}))
        .await
        .expect(409);
    assert_eq!(r.code(), "decision_not_applicable");
    assert_eq!(
        subjects(&app, &op, "kind=report").await,
        set(&[&reports[2]])
    );
    // Resolving through the report route closes the item too (no queue decider).
    app.post(
        &format!("/api/v1/operator/reports/{}/resolve", reports[2]),
        op.token(),
        json!({"outcome": "dismissed", "note": "重复举报"}),
    )
    .await
    .expect(200);
    assert!(subjects(&app, &op, "kind=report").await.is_empty());
    let closed = app
        .get(&format!("{QUEUE}/{i}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(closed["outcome"], "rejected");
    assert!(closed["decided_by"].is_null());
}

async fn bulk_decisions_report_each_item(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let other_op = app.operator().await;
    let (owner, c) = unverified(&app).await;
    let mut products = Vec::new();
    for _ in 0..4 {
        products.push(app.publish(&owner, &c, product_body()).await);
    }
    let mut items = Vec::new();
    for p in &products {
        items.push(item_id(&app, &op, "product", p).await);
    }
    // The third is claimed by another operator, the fourth already decided.
    app.post(
        &format!("{QUEUE}/{}/claim", items[2]),
        other_op.token(),
        json!({}),
    )
    .await
    .expect(200);
    decide(&app, &op, &items[3], "approve", json!({}))
        .await
        .expect(200);
    let missing = uuid::Uuid::now_v7().to_string();
    let bulk = format!("{QUEUE}/bulk");

    // Wrong as a whole: nothing is decided.
    for (body, fields) in [
        (
            json!({"ids": [items[0]], "decision": "reject", "note": "x"}),
            vec!["reason_code"],
        ),
        (
            json!({"ids": [items[0], items[0]], "decision": "approve"}),
            vec!["ids[1]"],
        ),
        (json!({"ids": [], "decision": "approve"}), vec!["ids"]),
        (
            json!({"ids": [items[0]], "decision": "maybe"}),
            vec!["decision"],
        ),
    ] {
        let r = app.post(&bulk, op.token(), body).await.expect(400);
        assert_eq!(r.fields(), fields);
    }
    let too_many: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let r = app
        .post(
            &bulk,
            op.token(),
            json!({"ids": too_many, "decision": "approve"}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["ids"]);
    assert_eq!(subjects(&app, &op, "kind=product").await.len(), 3);

    // Each item on its own.
    let r = app
        .post(
            &bulk,
            op.token(),
            json!({"ids": [items[0], items[1], items[2], items[3], missing], "decision": "approve"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(r["succeeded"], 2);
    assert_eq!(r["failed"], 3);
    let results = r["results"].as_array().unwrap();
    let got: Vec<(String, u64, String)> = results
        .iter()
        .map(|x| {
            (
                s(&x["id"]),
                x["status"].as_u64().unwrap(),
                s(&x["error"]["code"]),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (items[0].clone(), 200, String::new()),
            (items[1].clone(), 200, String::new()),
            (items[2].clone(), 409, "review_item_claimed".into()),
            (items[3].clone(), 409, "review_item_closed".into()),
            (missing.clone(), 404, "review_item_not_found".into()),
        ]
    );
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["item"]["outcome"], "approved");
    assert!(results[2]["item"].is_null());
    for (p, status) in [
        (&products[0], "published"),
        (&products[1], "published"),
        (&products[2], "pending_review"),
    ] {
        assert_eq!(
            app.get(&format!("/api/v1/products/{p}"), owner.token())
                .await
                .expect(200)
                .body["status"],
            status
        );
    }
    // Mixed kinds: the item's own rules refuse what does not apply to it.
    let (a_owner, a) = app.verified_company(&op).await;
    let pid = live_product(&app, &op, &a_owner, &s(&a["id"]), product_body()).await;
    let buyer = app.signup("buyer").await;
    let report = app
        .post(
            "/api/v1/reports",
            buyer.token(),
            json!({"subject_type": "product", "subject_id": pid, "reason": "spam"}),
        )
        .await
        .expect(201)
        .body;
    let report_item = item_id(&app, &op, "report", &s(&report["id"])).await;
    let fresh = app.publish(&owner, &c, product_body()).await;
    let fresh_item = item_id(&app, &op, "product", &fresh).await;
    let r = app
        .post(
            &bulk,
            op.token(),
            json!({"ids": [fresh_item, report_item], "decision": "request_changes", "note": "请补充说明"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(r["results"][0]["ok"], true);
    assert_eq!(r["results"][1]["status"], 409);
    assert_eq!(r["results"][1]["error"]["code"], "decision_not_applicable");
    assert_eq!(
        app.get(&format!("/api/v1/products/{fresh}"), owner.token())
            .await
            .expect(200)
            .body["status"],
        "changes_requested"
    );
}

async fn change_requests_keep_the_live_version(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "旗标词", "flag").await;
    // An unverified company's product, approved once.
    let (c_owner, c) = unverified(&app).await;
    let mut body = product_body();
    body["title_en"] = json!("Zephyrqua Vacuum Flask 500ml");
    let pc = live_product(&app, &op, &c_owner, &c, body).await;
    // A verified company whose edit screening flags.
    let (a_owner, a) = app.verified_company(&op).await;
    let mut body = product_body();
    body["title_en"] = json!("Quokkafield Vacuum Flask 500ml");
    let pa = live_product(&app, &op, &a_owner, &s(&a["id"]), body).await;
    // An unverified company's sell offer, approved once.
    let sell = post_open(
        &app,
        &c_owner,
        with(
            sell_body(),
            json!({"title": "Glimmerwick LED Panel Light 600x600"}),
        ),
    )
    .await;
    let sc = id_of(&sell);
    approve(&app, &op, "sell_offer", &sc).await;
    search_until(&app, "products", "Zephyrqua", &[&pc]).await;
    search_until(&app, "products", "Quokkafield", &[&pa]).await;
    search_until(&app, "listings", "Glimmerwick", &[&sc]).await;

    let edited = app
        .patch(
            &format!("/api/v1/products/{pc}"),
            c_owner.token(),
            json!({"title_en": "Marbleton Vacuum Flask 500ml"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending");
    assert_eq!(edited["title_en"], "Zephyrqua Vacuum Flask 500ml");
    let edited = app
        .patch(
            &format!("/api/v1/products/{pa}"),
            a_owner.token(),
            json!({"title_en": "Driftmoor Vacuum Flask 旗标词"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending");
    assert_eq!(edited["status"], "published");
    let edited = app
        .patch(
            &format!("/api/v1/listings/{sc}"),
            c_owner.token(),
            json!({"title": "Brambleton LED Panel Light 600x600"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending");
    assert_eq!(edited["status"], "open");
    assert_eq!(edited["title"], "Glimmerwick LED Panel Light 600x600");

    // Everyone, the owner included, reads the live version; search holds it too.
    for who in [None, c_owner.token()] {
        let p = app
            .get(&format!("/api/v1/products/{pc}"), who)
            .await
            .expect(200)
            .body;
        assert_eq!(p["title_en"], "Zephyrqua Vacuum Flask 500ml");
        let l = app
            .get(&format!("/api/v1/listings/{sc}"), who)
            .await
            .expect(200)
            .body;
        assert_eq!(l["title"], "Glimmerwick LED Panel Light 600x600");
    }
    assert_eq!(
        app.get(&format!("/api/v1/products/{pa}"), None)
            .await
            .expect(200)
            .body["title_en"],
        "Quokkafield Vacuum Flask 500ml"
    );
    app.wait_for_index().await;
    assert_eq!(
        search(&app, "products", "Zephyrqua").await,
        vec![pc.clone()]
    );
    assert!(search(&app, "products", "Marbleton").await.is_empty());
    assert_eq!(
        search(&app, "products", "Quokkafield").await,
        vec![pa.clone()]
    );
    assert!(search(&app, "products", "Driftmoor").await.is_empty());
    assert_eq!(
        search(&app, "listings", "Glimmerwick").await,
        vec![sc.clone()]
    );
    assert!(search(&app, "listings", "Brambleton").await.is_empty());
    // The owner sees the pending change with its diff.
    let mine = app
        .get(
            &format!("/api/v1/change-requests?status=pending&subject_type=product&subject_id={pc}"),
            c_owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        mine["items"][0]["changes"],
        json!([{"field": "title_en", "from": "Zephyrqua Vacuum Flask 500ml", "to": "Marbleton Vacuum Flask 500ml"}])
    );
    let listing_cr = app
        .get(
            "/api/v1/change-requests?subject_type=listing",
            c_owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(listing_cr["items"][0]["subject_id"], sc.as_str());

    // Approved: applied, and search follows.
    for (kind, subject) in [("product", &pc), ("product", &pa)] {
        let cr = app
            .get(
                &format!("/api/v1/change-requests?subject_type={kind}&subject_id={subject}"),
                op.token(),
            )
            .await
            .expect(200)
            .body;
        approve(&app, &op, "change_request", &s(&cr["items"][0]["id"])).await;
    }
    approve(
        &app,
        &op,
        "change_request",
        &s(&listing_cr["items"][0]["id"]),
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/products/{pc}"), None)
            .await
            .expect(200)
            .body["title_en"],
        "Marbleton Vacuum Flask 500ml"
    );
    assert_eq!(
        app.get(&format!("/api/v1/listings/{sc}"), None)
            .await
            .expect(200)
            .body["title"],
        "Brambleton LED Panel Light 600x600"
    );
    search_until(&app, "products", "Marbleton", &[&pc]).await;
    search_until(&app, "products", "Zephyrqua", &[]).await;
    search_until(&app, "products", "Driftmoor", &[&pa]).await;
    search_until(&app, "products", "Quokkafield", &[]).await;
    search_until(&app, "listings", "Brambleton", &[&sc]).await;
    search_until(&app, "listings", "Glimmerwick", &[]).await;
    // The applied version carries the proposal's screening outcome.
    let outcome: String = app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use domain::db::schema::screening_results as r;
            r::table
                .filter(r::subject_type.eq("product"))
                .filter(r::subject_id.eq(pa))
                .select(r::outcome)
                .first(conn)
                .expect("screened")
        })
        .await;
    assert_eq!(outcome, "flag");
}

async fn verified_clean_edits_are_auto_approved(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "旗标词", "flag").await;
    let (owner, a) = app.verified_company(&op).await;
    let pid = live_product(&app, &op, &owner, &s(&a["id"]), product_body()).await;
    let path = format!("/api/v1/products/{pid}");
    let edited = app
        .patch(
            &path,
            owner.token(),
            json!({"title_en": "Larchwood Vacuum Flask 750ml", "moq": 50}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "applied");
    assert_eq!(edited["edit"]["change_request_status"], "auto_approved");
    assert_eq!(edited["title_en"], "Larchwood Vacuum Flask 750ml");
    assert_eq!(edited["moq"], 50);
    let cr_id = s(&edited["edit"]["change_request_id"]);
    let p = app.get(&path, None).await.expect(200).body;
    assert_eq!(p["title_en"], "Larchwood Vacuum Flask 750ml");
    search_until(&app, "products", "Larchwood", &[&pid]).await;
    let cr = app
        .get(&format!("/api/v1/change-requests/{cr_id}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(cr["status"], "auto_approved");
    assert!(cr["decided_at"].is_string());
    let fields: Vec<String> = cr["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(&c["field"]))
        .collect();
    assert_eq!(fields, vec!["title_en", "moq"]);
    assert!(subjects(&app, &op, "kind=change_request").await.is_empty());
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?action=auto_approve&subject_id={cr_id}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert!(audit["items"][0]["actor_id"].is_null());
    // A flagged edit of the same verified company waits.
    let edited = app
        .patch(&path, owner.token(), json!({"title_zh": "保温杯 旗标词"}))
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending");
    assert_eq!(edited["title_zh"], product_body()["title_zh"]);
    // A buyer's open buy request follows the publish rule: a clean edit applies at once.
    let buyer = app.signup("buyer").await;
    let buy = id_of(&post_open(&app, &buyer, buy_body()).await);
    let edited = app
        .patch(
            &format!("/api/v1/listings/{buy}"),
            buyer.token(),
            json!({"quantity": 12000}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["change_request_status"], "auto_approved");
    assert_eq!(edited["quantity"], 12000);
    // A verified company's sell offer too; its draft is edited in place, without a request.
    let sell = id_of(&post_open(&app, &owner, sell_body()).await);
    let edited = app
        .patch(
            &format!("/api/v1/listings/{sell}"),
            owner.token(),
            json!({"target_price": "5.90"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "applied");
    assert_eq!(edited["target_price"], "5.90");
    let cr = app
        .get(
            &format!(
                "/api/v1/change-requests/{}",
                s(&edited["edit"]["change_request_id"])
            ),
            owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        cr["changes"],
        json!([{"field": "target_price", "from": "6.20", "to": "5.90"}])
    );
    let draft = app.product(&owner, &s(&a["id"])).await;
    let edited = app
        .patch(
            &format!("/api/v1/products/{}", s(&draft["id"])),
            owner.token(),
            json!({"moq": 7}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "applied");
    assert!(edited["edit"]["change_request_id"].is_null());
    assert_eq!(edited["moq"], 7);
}

async fn one_open_change_request_per_item(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, c) = unverified(&app).await;
    let pid = live_product(&app, &op, &owner, &c, product_body()).await;
    let path = format!("/api/v1/products/{pid}");
    let live = app.get(&path, None).await.expect(200).body;
    let first = app
        .patch(&path, owner.token(), json!({"title_en": "Flask Gamma"}))
        .await
        .expect(200)
        .body;
    let cr = s(&first["edit"]["change_request_id"]);
    let item = item_id(&app, &op, "change_request", &cr).await;
    // A second edit replaces the proposal (built on it), in the same request and queue item.
    let second = app
        .patch(&path, owner.token(), json!({"moq": 777}))
        .await
        .expect(200)
        .body;
    assert_eq!(second["edit"]["change_request_id"], cr.as_str());
    let shown = app
        .get(&format!("/api/v1/change-requests/{cr}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(shown["revision"], 1);
    assert_eq!(
        shown["changes"],
        json!([
            {"field": "title_en", "from": live["title_en"], "to": "Flask Gamma"},
            {"field": "moq", "from": live["moq"], "to": 777}
        ])
    );
    let open = queue(&app, &op, "kind=change_request").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], item.as_str());
    // An edit back to the live version leaves nothing to review: the request is withdrawn.
    let back = app
        .patch(
            &path,
            owner.token(),
            json!({"title_en": live["title_en"], "moq": live["moq"]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(back["edit"]["outcome"], "applied");
    assert!(back["edit"]["change_request_id"].is_null());
    let shown = app
        .get(&format!("/api/v1/change-requests/{cr}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(shown["status"], "withdrawn");
    assert!(queue(&app, &op, "kind=change_request").await.is_empty());
    let closed = app
        .get(&format!("{QUEUE}/{item}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(closed["outcome"], "withdrawn");
    // Unpublishing withdraws an open request; approving a withdrawn one is refused.
    let third = app
        .patch(&path, owner.token(), json!({"title_en": "Flask Delta"}))
        .await
        .expect(200)
        .body;
    let cr3 = s(&third["edit"]["change_request_id"]);
    assert_ne!(cr3, cr);
    let item3 = item_id(&app, &op, "change_request", &cr3).await;
    app.post(&format!("{path}/unpublish"), owner.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/change-requests/{cr3}"), owner.token())
            .await
            .expect(200)
            .body["status"],
        "withdrawn"
    );
    let r = decide(&app, &op, &item3, "approve", json!({}))
        .await
        .expect(409);
    assert_eq!(r.code(), "review_item_closed");
    // Only the item's company (and operators) see its change requests.
    let (other, _) = app.verified_company(&op).await;
    let buyer = app.signup("buyer").await;
    for who in [&other, &buyer] {
        let r = app
            .get(&format!("/api/v1/change-requests/{cr3}"), who.token())
            .await
            .expect(404);
        assert_eq!(r.code(), "change_request_not_found");
        let list = app
            .get("/api/v1/change-requests", who.token())
            .await
            .expect(200)
            .body;
        assert!(list["items"].as_array().unwrap().is_empty());
    }
    app.get(&format!("/api/v1/change-requests/{cr3}"), op.token())
        .await
        .expect(200);
    let r = app
        .get("/api/v1/change-requests?status=maybe", owner.token())
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["status"]);
}

/// The migration puts what was already waiting into the queue: run its down and up again on a
/// database with waiting items of every kind.
async fn migration_queues_what_was_already_waiting(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    rule(&app, &op, "待审核词", "review").await;
    let (c_owner, c) = unverified(&app).await;
    let product = app.publish(&c_owner, &c, product_body()).await;
    let sell = id_of(&post_open(&app, &c_owner, sell_body()).await);
    let buyer = app.signup("buyer").await;
    let buy = id_of(
        &post_open(
            &app,
            &buyer,
            with(buy_body(), json!({"title": "求购 待审核词 保温杯"})),
        )
        .await,
    );
    let (a_owner, a) = app.verified_company(&op).await;
    let live = live_product(&app, &op, &a_owner, &s(&a["id"]), product_body()).await;
    let report = app
        .post(
            "/api/v1/reports",
            buyer.token(),
            json!({"subject_type": "product", "subject_id": live, "reason": "counterfeit"}),
        )
        .await
        .expect(201)
        .body;
    let report = s(&report["id"]);
    let dir = match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let root = format!(
        "{}/../migrations/{dir}/2026-11-22-000013_review_queue",
        env!("CARGO_MANIFEST_DIR")
    );
    let down = std::fs::read_to_string(format!("{root}/down.sql")).expect("down.sql");
    let up = std::fs::read_to_string(format!("{root}/up.sql")).expect("up.sql");
    app.with_db(move |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute(&down).expect("down");
        conn.batch_execute(&up).expect("up");
    })
    .await;
    let items = queue(&app, &op, "").await;
    let got: BTreeSet<(String, String, String, String)> = items
        .iter()
        .map(|i| {
            (
                s(&i["kind"]),
                s(&i["subject_id"]),
                s(&i["risk"]),
                s(&i["id"]),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String, String)> = [
        ("company", &c, "low"),
        ("product", &product, "low"),
        ("sell_offer", &sell, "low"),
        ("buy_request", &buy, "high"),
        ("report", &report, "medium"),
    ]
    .iter()
    .map(|(k, id, risk)| {
        (
            k.to_string(),
            id.to_string(),
            risk.to_string(),
            id.to_string(),
        )
    })
    .collect();
    assert_eq!(got, want);
    let report_item = item_of(&app, &op, "report", &report).await;
    assert_eq!(report_item["target_id"], live.as_str());
    assert_eq!(report_item["category_id"], "home-goods.drinkware");
    assert_eq!(report_item["open_reports"], 1);
    // They are decided like any other item.
    decide(&app, &op, &product, "approve", json!({}))
        .await
        .expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/products/{product}"), None)
            .await
            .expect(200)
            .body["status"],
        "published"
    );
}

/// The per-item operator routes (outside the queue) close the queue item and tell the owners
/// once, with the operator's reason, as a decision in the queue does.
async fn per_item_routes_tell_owners_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, c) = unverified(&app).await;
    let p1 = app.publish(&owner, &c, product_body()).await;
    let p2 = app.publish(&owner, &c, product_body()).await;
    app.post(
        &format!("/api/v1/operator/products/{p1}/approve"),
        op.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/products/{p2}/reject"),
        op.token(),
        json!({"reason": "图片含他人注册商标"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/companies/{c}/verify"),
        op.token(),
        json!({"reason": "营业执照核验通过"}),
    )
    .await
    .expect(200);
    // Nothing of theirs is left in the queue.
    for (kind, id) in [("product", &p1), ("product", &p2), ("company", &c)] {
        let open = queue(&app, &op, &format!("kind={kind}")).await;
        assert!(
            open.iter().all(|i| i["subject_id"] != id.as_str()),
            "{kind} {id}"
        );
    }
    let told = decisions_told(&app, &owner).await;
    let about = |id: &str| -> Vec<Value> {
        told.iter()
            .filter(|n| n["subject_id"] == id)
            .cloned()
            .collect()
    };
    let (n1, n2, nc) = (about(&p1), about(&p2), about(&c));
    assert_eq!((n1.len(), n2.len(), nc.len()), (1, 1, 1), "{told:?}");
    assert_eq!(n1[0]["data"]["decision"], "approved");
    assert_eq!(n2[0]["data"]["decision"], "rejected");
    assert_eq!(n2[0]["data"]["note"], "图片含他人注册商标");
    assert_eq!(nc[0]["data"]["decision"], "approved");
}

/// The operator sees the pictures and files of what they decide: attached ones and proposed
/// ones (not public yet, readable by operators), a company's licence scan (private).
async fn review_items_show_their_pictures_and_files(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let owner = app.signup("supplier").await;
    let scan = s(&app.upload_image(&owner, "licence_scan", 40, 30).await["id"]);
    let mut company = e2e::fixtures::company_body(None);
    company["licence_scan_id"] = json!(scan);
    let c = s(&app
        .post("/api/v1/companies", owner.token(), company)
        .await
        .expect(201)
        .body["id"]);
    let media_of = |item: String| {
        let (app, op) = (&app, &op);
        async move {
            let detail = app
                .get(&format!("{QUEUE}/{item}"), op.token())
                .await
                .expect(200)
                .body;
            detail["media"].as_array().cloned().unwrap_or_default()
        }
    };
    let company_media = media_of(item_id(&app, &op, "company", &c).await).await;
    assert_eq!(company_media.len(), 1);
    assert_eq!(company_media[0]["id"], scan.as_str());
    assert_eq!(company_media[0]["purpose"], "licence_scan");

    let cover = s(&app.upload_image(&owner, "product_image", 300, 200).await["id"]);
    let mut body = product_body();
    body["images"] = json!([cover]);
    let pid = app.publish(&owner, &c, body).await;
    let product_media = media_of(item_id(&app, &op, "product", &pid).await).await;
    let ids: Vec<&str> = product_media
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, [cover.as_str()]);
    approve(&app, &op, "product", &pid).await;

    // An edit adding a picture: the live one first, then the proposed one.
    let added = s(&app.upload_image(&owner, "product_image", 200, 300).await["id"]);
    let e = app
        .patch(
            &format!("/api/v1/products/{pid}"),
            owner.token(),
            json!({"images": [cover, added]}),
        )
        .await
        .expect(200)
        .body;
    let cr = s(&e["edit"]["change_request_id"]);
    let media = media_of(item_id(&app, &op, "change_request", &cr).await).await;
    let ids: Vec<&str> = media.iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(ids, [cover.as_str(), added.as_str()]);
    let thumbnail = media[1]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "thumbnail")
        .expect("a thumbnail")["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(thumbnail, format!("/api/v1/media/{added}/thumbnail"));
    // The proposed picture is not public until approved; the operator reads it.
    assert_eq!(app.get_raw(&thumbnail, None, &[]).await.0, 404);
    assert_eq!(app.get_raw(&thumbnail, op.token(), &[]).await.0, 200);
}

both_backends!(
    migration_queues_what_was_already_waiting,
    per_item_routes_tell_owners_once,
    queue_lists_every_kind_with_filters,
    claims_conflict_and_run_out,
    company_decisions,
    product_and_listing_decisions,
    change_request_decisions,
    report_decisions,
    bulk_decisions_report_each_item,
    change_requests_keep_the_live_version,
    verified_clean_edits_are_auto_approved,
    one_open_change_request_per_item,
    review_items_show_their_pictures_and_files,
);
