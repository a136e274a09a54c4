//! Leaving the platform, the retention purge on the controllable clock (3 years − 1 day kept,
//! 3 years + 1 day purged), data export (the account's data and nobody else's) and erasure
//! (anonymized, no more sign-in, the supplier's thread keeps the messages).

use std::time::Instant;

use diesel::prelude::*;
use e2e::fixtures::PASSWORD;
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};
use time::{Duration, PrimitiveDateTime};

use super::common::*;

fn parse(at: &Value) -> PrimitiveDateTime {
    let t = time::OffsetDateTime::parse(
        at.as_str().expect("time"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339");
    PrimitiveDateTime::new(t.date(), t.time())
}

async fn leave(app: &TestApp, shop: &Shop) -> Value {
    app.post(
        &format!("/api/v1/companies/{}/leave", shop.company),
        shop.owner.token(),
        json!({"confirm": shop.slug, "reason": "停止经营"}),
    )
    .await
    .expect(200)
    .body
}

async fn a_company_that_leaves_disappears_and_its_members_are_released(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Tapirflask").await;
    let offer = sell_offer(&app, &shop, "Tapirpanel").await;
    let buyer = app.signup("buyer").await;
    app.wait_for_index().await;
    let path = format!("/api/v1/companies/{}/leave", shop.company);
    let body = json!({"confirm": shop.slug});
    for who in [&shop.admin, &shop.staff, &buyer] {
        app.post(&path, who.token(), body.clone()).await.expect(403);
    }
    app.post(&path, op.token(), body.clone()).await.expect(403);
    let r = app
        .post(
            &path,
            shop.owner.token(),
            json!({"confirm": "someone-else"}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["confirm"]);

    let closure = leave(&app, &shop).await;
    let since = Instant::now();
    assert_eq!(closure["members_released"], 3);
    let closed_at = parse(&closure["closed_at"]);
    assert_eq!(
        parse(&closure["records_kept_until"]),
        domain::retention::add_years(closed_at, 3)
    );
    product_search_after_indexing(&app, &shop.word, &shop.product, false, since).await;
    listing_search_after_indexing(&app, "Tapirpanel", &offer, false, since).await;
    supplier_search_after_indexing(&app, "Ningbo", &shop.company, false, since).await;
    app.get(&format!("/api/v1/storefronts/{}", shop.slug), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/products/{}", shop.product), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(404);
    // The former members belong to no company and may start another.
    let me = app
        .get("/api/v1/me", shop.owner.token())
        .await
        .expect(200)
        .body;
    assert!(me["company"].is_null(), "{me}");
    app.get(
        &format!("/api/v1/companies/{}", shop.company),
        shop.owner.token(),
    )
    .await
    .expect(404);
    app.post(&path, shop.owner.token(), body).await.expect(404);
    app.post(
        "/api/v1/companies",
        shop.staff.token(),
        e2e::fixtures::company_body(None),
    )
    .await
    .expect(201);
    // Operators keep the record; reinstating a company that left is refused.
    let record = app
        .get(&format!("/api/v1/companies/{}", shop.company), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(record["legal_name"], "宁波测试精密机械有限公司");
    app.post(
        &format!("/api/v1/operator/companies/{}/reinstate", shop.company),
        op.token(),
        reason("x"),
    )
    .await
    .expect(409);
    assert_eq!(
        app.post(
            &format!("/api/v1/operator/companies/{}/terminate", shop.company),
            op.token(),
            reason("x")
        )
        .await
        .expect(409)
        .code(),
        "company_closed"
    );
    let audit = app
        .get(
            &format!(
                "/api/v1/operator/audit?subject_id={}&action=close",
                shop.company
            ),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["before"]["members"], 3);
    assert_eq!(
        audit["items"][0]["reason"],
        "the company closed its account"
    );
}

/// Rows about `company` in the tables the purge empties.
async fn registration_rows(app: &TestApp, company: &str) -> (i64, i64) {
    let id = company.to_owned();
    app.with_db(move |conn| {
        use domain::db::schema::{moderation_decisions, screening_results};
        let decisions: i64 = moderation_decisions::table
            .filter(moderation_decisions::subject_type.eq("company"))
            .filter(moderation_decisions::subject_id.eq(&id))
            .count()
            .get_result(conn)
            .expect("count");
        let screening: i64 = screening_results::table
            .filter(screening_results::subject_type.eq("company"))
            .filter(screening_results::subject_id.eq(&id))
            .count()
            .get_result(conn)
            .expect("count");
        (decisions, screening)
    })
    .await
}

async fn purge(app: &TestApp) -> usize {
    app.with_db(|conn| domain::retention::purge_due(conn, 3).expect("purge"))
        .await
}

async fn retention_purge_removes_exactly_what_is_due(b: Backend) {
    // Years are calendar years: start far from a leap day.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let gone = shop(&app, &op, "Serowflask").await;
    let recent = shop(&app, &op, "Takinflask").await;
    let staying = shop(&app, &op, "Gauraflask").await;
    // The first leaves now, the second two days later.
    let closed = parse(&leave(&app, &gone).await["closed_at"]);
    domain::clock::advance(Duration::days(2));
    leave(&app, &recent).await;
    for shop in [&gone, &recent, &staying] {
        assert_eq!(
            registration_rows(&app, &shop.company).await,
            (1, 1),
            "verified and screened"
        );
    }
    assert_eq!(purge(&app).await, 0);

    // Now: 3 years + 1 day after the first left, 3 years − 1 day after the second.
    let target = domain::retention::add_years(closed, 3) + Duration::days(1);
    domain::clock::advance(target - domain::clock::now());
    assert_eq!(purge(&app).await, 1);
    assert_eq!(purge(&app).await, 0, "each company is purged once");

    let record = |id: String| {
        let app = &app;
        let op = &op;
        async move {
            app.get(&format!("/api/v1/companies/{id}"), op.token())
                .await
                .expect(200)
                .body
        }
    };
    let purged = record(gone.company.clone()).await;
    assert_eq!(purged["legal_name"], domain::retention::PURGED_NAME);
    assert!(
        purged["credit_code"]
            .as_str()
            .unwrap()
            .starts_with("PURGED-")
    );
    assert_eq!(purged["legal_representative"], "");
    assert_eq!(purged["registered_address"], "");
    assert_eq!(purged["contacts"], json!([]));
    assert_eq!(purged["certifications"], json!([]));
    assert!(purged["english_name"].is_null());
    assert_eq!(registration_rows(&app, &gone.company).await, (0, 0));
    // Kept: the one still within its period, and the one that never left.
    for shop in [&recent, &staying] {
        let kept = record(shop.company.clone()).await;
        assert_eq!(kept["legal_name"], "宁波测试精密机械有限公司");
        assert_eq!(kept["legal_representative"], "王建国");
        assert_eq!(registration_rows(&app, &shop.company).await, (1, 1));
    }
    // Its other records stay (not public): the product row, and the audit chain verifies.
    app.get(&format!("/api/v1/products/{}", gone.product), op.token())
        .await
        .expect(200);
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_id={}", gone.company),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["purge", "close", "verify"]);
    audit_intact(&app, &op).await;

    // Two more days: the second is due too.
    domain::clock::advance(Duration::days(2));
    assert_eq!(purge(&app).await, 1);
    assert_eq!(
        record(recent.company.clone()).await["legal_name"],
        domain::retention::PURGED_NAME
    );
    assert_eq!(
        record(staying.company.clone()).await["legal_name"],
        "宁波测试精密机械有限公司"
    );
    audit_intact(&app, &op).await;
}

/// A buyer's inquiry to the shop with a reply, a buy request quoted by the shop, and a report.
async fn buyer_activity(
    app: &TestApp,
    shop: &Shop,
    buyer: &Account,
    marker: &str,
) -> (String, String, String) {
    let thread = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({"subject": format!("询价 {marker}"), "message": format!("first message {marker}"),
                   "targets": [{"type": "company", "id": shop.company}]}),
        )
        .await
        .expect(201)
        .body["threads"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        shop.owner.token(),
        json!({"body": format!("supplier reply to {marker}")}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        buyer.token(),
        json!({"body": format!("second message {marker}")}),
    )
    .await
    .expect(201);
    let valid_until = valid_until_in_30_days();
    let request = app
        .post(
            "/api/v1/listings",
            buyer.token(),
            json!({"kind": "buy", "title": format!("求购保温杯 {marker}"), "category_id": "home-goods.drinkware",
                   "quantity": 1000, "unit": "piece", "valid_until": valid_until, "publish": true}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let quote = app
        .post(
            &format!("/api/v1/listings/{request}/quotes"),
            shop.owner.token(),
            json!({"unit_price": "11.80", "currency": "CNY", "moq": 500, "lead_time_days": 20,
                   "valid_until": valid_until, "message": format!("quote for {marker}")}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/reports",
        buyer.token(),
        json!({"subject_type": "product", "subject_id": shop.product, "reason": "other",
               "details": format!("report by {marker}")}),
    )
    .await
    .expect(201);
    (thread, request, quote)
}

fn valid_until_in_30_days() -> String {
    (domain::clock::now().assume_utc() + Duration::days(30))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

async fn export_holds_the_account_data_and_nobody_elses(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Gerenukflask").await;
    let alice = app.signup("buyer").await;
    let bob = app.signup("buyer").await;
    let (a_thread, a_request, a_quote) = buyer_activity(&app, &shop, &alice, "ALICE-7731").await;
    let (b_thread, b_request, b_quote) = buyer_activity(&app, &shop, &bob, "BOB-5521").await;

    let reply = app
        .get("/api/v1/me/export", alice.token())
        .await
        .expect(200);
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let doc = reply.body;
    assert_eq!(doc["format"], "tradefair-account-export/1");
    assert_eq!(doc["account"]["id"], alice.id.as_str());
    assert_eq!(doc["account"]["email"], alice.email.as_str());
    assert_eq!(doc["inquiries"][0]["id"], a_thread.as_str());
    let sent: Vec<&str> = doc["messages_sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        sent,
        vec!["first message ALICE-7731", "second message ALICE-7731"]
    );
    assert_eq!(doc["buy_requests"][0]["id"], a_request.as_str());
    assert_eq!(doc["quotes_received"][0]["id"], a_quote.as_str());
    assert_eq!(doc["quotes_received"][0]["unit_price"], "11.80");
    assert_eq!(doc["reports_filed"][0]["details"], "report by ALICE-7731");
    assert!(!doc["notifications"].as_array().unwrap().is_empty());
    assert!(
        doc["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] == "inquiry_message" || n["kind"] == "quote_received")
    );
    // Nothing of Bob's, nor the supplier's side of the conversation.
    let text = doc.to_string();
    for other in [&b_thread, &b_request, &b_quote, &bob.id, &bob.email] {
        assert!(!text.contains(other.as_str()), "export leaks {other}");
    }
    assert!(!text.contains("BOB-5521"));
    // Files attached to what the account wrote are in the export, by media id.
    let file = app
        .upload(alice.token(), "attachment", &e2e::media::jpeg(64, 48, 7))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = app
        .post(
            "/api/v1/listings",
            alice.token(),
            json!({"kind": "buy", "title": "求购保温杯 图纸见附件", "category_id": "home-goods.drinkware",
                   "quantity": 200, "unit": "piece",
                   "valid_until": valid_until_in_30_days(),
                   "attachments": [file]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/reports",
        alice.token(),
        json!({"subject_type": "company", "subject_id": shop.company, "reason": "other",
               "details": "second report, with a screenshot", "evidence_attachments": [file]}),
    )
    .await
    .expect(201);
    let doc = app
        .get("/api/v1/me/export", alice.token())
        .await
        .expect(200)
        .body;
    let request = doc["buy_requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == draft.as_str())
        .expect("the draft buy request is exported");
    assert_eq!(request["attachments"], json!([file]));
    let report = doc["reports_filed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["details"] == "second report, with a screenshot")
        .expect("the second report is exported");
    assert_eq!(report["evidence_attachments"], json!([file]));
    assert_eq!(doc["reports_filed"][0]["evidence_attachments"], json!([]));
    assert_eq!(doc["quotes_received"][0]["attachments"], json!([]));
    // The supplier's messages are not the buyer's (only the previews in the buyer's own
    // notifications are).
    assert!(
        !doc["messages_sent"]
            .to_string()
            .contains("supplier reply to")
    );
    assert!(!doc["inquiries"].to_string().contains("supplier reply to"));
    app.get("/api/v1/me/export", None).await.expect(401);
}

async fn erasure_anonymizes_blocks_sign_in_and_keeps_the_supplier_thread(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Saigaflask").await;
    let buyer = app.signup("buyer").await;
    let (thread, request, quote) = buyer_activity(&app, &shop, &buyer, "CAROL-1187").await;

    // Operators and company members cannot erase themselves this way.
    let erase = "/api/v1/me/erasure";
    app.post(erase, op.token(), json!({"password": PASSWORD}))
        .await
        .expect(403);
    assert_eq!(
        app.post(erase, shop.staff.token(), json!({"password": PASSWORD}))
            .await
            .expect(409)
            .code(),
        "member_of_company"
    );
    let r = app
        .post(
            erase,
            buyer.token(),
            json!({"password": "Wrong-Password-9182"}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["password"]);
    let done = app
        .post(erase, buyer.token(), json!({"password": PASSWORD}))
        .await
        .expect(200)
        .body;
    assert_eq!(done["closed_buy_requests"], 1);
    assert_eq!(done["closed_threads"], 1);

    // No more sign-in: the password, the refresh token and this access token are dead.
    app.login(&buyer.email, PASSWORD).await.expect(401);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": buyer.refresh}),
    )
    .await
    .expect(401);
    app.get("/api/v1/me", buyer.token()).await.expect(401);

    // The supplier's thread keeps the business content with an anonymized sender.
    let t = app
        .get(&format!("/api/v1/inquiries/{thread}"), shop.owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(t["inquiry"]["buyer_name"], domain::retention::ERASED_NAME);
    assert_eq!(t["inquiry"]["status"], "closed");
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    let bodies: Vec<&str> = messages
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        vec![
            "first message CAROL-1187",
            "supplier reply to CAROL-1187",
            "second message CAROL-1187"
        ]
    );
    assert_eq!(messages[0]["author_name"], domain::retention::ERASED_NAME);
    assert_eq!(messages[2]["author_name"], domain::retention::ERASED_NAME);
    assert_ne!(messages[1]["author_name"], domain::retention::ERASED_NAME);
    let text = t.to_string();
    assert!(!text.contains(&buyer.email));
    // The quote and the request stay as records; the request is closed.
    let q = app
        .get(&format!("/api/v1/quotes/{quote}"), shop.owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(q["listing_id"], request.as_str());
    let l = app
        .get(&format!("/api/v1/listings/{request}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "closed");
    // In the database: the address and name are gone, the account row is disabled.
    let id = buyer.id.clone();
    let (email, name, status) = app
        .with_db(move |conn| {
            use domain::db::schema::users;
            users::table
                .find(id)
                .select((users::email, users::display_name, users::status))
                .first::<(String, String, String)>(conn)
                .expect("user row")
        })
        .await;
    assert!(email.ends_with("@erased.invalid"), "{email}");
    assert_eq!(name, domain::retention::ERASED_NAME);
    assert_eq!(status, "disabled");
    // The e-mail address may register a new account.
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": buyer.email, "password": PASSWORD, "display_name": "New", "account_type": "buyer"}),
    )
    .await
    .expect(202);
    app.signin(&buyer.email).await;
    let audit = app
        .get(
            &format!(
                "/api/v1/operator/audit?subject_id={}&action=erase",
                buyer.id
            ),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["after"]["erased"], true);
    assert!(!audit.to_string().contains(&buyer.email));
    audit_intact(&app, &op).await;
}

both_backends!(
    a_company_that_leaves_disappears_and_its_members_are_released,
    retention_purge_removes_exactly_what_is_due,
    export_holds_the_account_data_and_nobody_elses,
    erasure_anonymizes_blocks_sign_in_and_keeps_the_supplier_thread,
);
