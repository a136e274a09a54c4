//! Penalty points: operators record them (audited, told to the company); active points cross
//! the warn, restrict and suspend thresholds (configurable); points expire; an upheld report
//! can carry points. The company and operators read the history.

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{
    audit, buy_request, credit, id_of, notifications, penalize, quote_terms, supplier,
};

fn sell_offer(publish: bool) -> serde_json::Value {
    json!({
        "kind": "sell",
        "title": "LED Panel Light 600x600 40W",
        "category_id": "lighting.led-panel-lights",
        "quantity": 5000,
        "unit": "piece",
        "valid_until": super::common::days_ahead(30),
        "publish": publish,
    })
}

async fn thresholds_warn_restrict_and_suspend(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    let staff = app.signup("supplier").await;
    app.add_member(&s.owner, &s.company, &staff, "staff").await;
    let penalties = format!("/api/v1/operator/companies/{}/penalties", s.company);

    // Operators only; the fields are checked.
    let body = json!({"points": 5, "reason_code": "spam", "note": "重复铺货"});
    app.post(&penalties, None, body.clone()).await.expect(401);
    app.post(&penalties, s.owner.token(), body.clone())
        .await
        .expect(403);
    for (bad, field) in [
        (
            json!({"points": 0, "reason_code": "spam", "note": "x"}),
            "points",
        ),
        (
            json!({"points": 101, "reason_code": "spam", "note": "x"}),
            "points",
        ),
        (
            json!({"points": 3, "reason_code": "rude", "note": "x"}),
            "reason_code",
        ),
        (
            json!({"points": 3, "reason_code": "spam", "note": " "}),
            "note",
        ),
        (
            json!({"points": 3, "reason_code": "spam", "note": "x", "subject_type": "product"}),
            "subject_id",
        ),
        (
            json!({"points": 3, "reason_code": "spam", "note": "x", "report_id": "nope"}),
            "report_id",
        ),
    ] {
        let reply = app.post(&penalties, op.token(), bad).await.expect(400);
        assert_eq!(reply.fields(), vec![field]);
    }
    // An item of another company is refused.
    let other = supplier(&app, &op).await;
    let reply = app
        .post(
            &penalties,
            op.token(),
            json!({"points": 3, "reason_code": "spam", "note": "x",
                   "subject_type": "product", "subject_id": other.product}),
        )
        .await
        .expect(400);
    assert_eq!(
        reply.body["error"]["fields"][0]["code"],
        "subject_of_another_company"
    );
    app.post(
        &format!(
            "/api/v1/operator/companies/{}/penalties",
            uuid::Uuid::now_v7()
        ),
        op.token(),
        body.clone(),
    )
    .await
    .expect(404);

    // 5 points: below every threshold (6 / 12 / 24).
    let first = app
        .post(
            &penalties,
            op.token(),
            json!({"points": 5, "reason_code": "spam", "note": "重复铺货",
                   "subject_type": "product", "subject_id": s.product}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(
        first["standing"],
        json!({"active_points": 5, "level": "none", "restricted": false})
    );
    assert_eq!(first["penalty"]["subject_id"], s.product.as_str());
    assert_eq!(first["penalty"]["active"], true);
    assert_eq!(first["suspended"], false);
    let told = notifications(&app, &s.owner, "penalty_recorded").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["points"], 5);
    assert_eq!(told[0]["note"], "重复铺货");
    assert!(
        notifications(&app, &staff, "penalty_recorded")
            .await
            .is_empty()
    );
    let entries = audit(&app, &op, &s.company, "penalty_recorded").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor_id"], op.id.as_str());
    assert_eq!(entries[0]["after"]["active_points"], 5);

    // 7: warned.
    let warned = penalize(&app, &op, &s.company, 2).await;
    assert_eq!(warned["standing"]["level"], "warn");
    assert_eq!(warned["standing"]["restricted"], false);
    let moves = notifications(&app, &s.owner, "penalty_level_changed").await;
    assert_eq!(moves.len(), 1);
    assert_eq!(
        (moves[0]["from"].as_str(), moves[0]["to"].as_str()),
        (Some("none"), Some("warn"))
    );
    let warned_product = id_of(&app.product(&s.owner, &s.company).await);
    app.post(
        &format!("/api/v1/products/{warned_product}/publish"),
        s.owner.token(),
        json!({}),
    )
    .await
    .expect(200);

    // 12: restricted. No publishing of products or listings, no quotes; drafts still.
    let restricted = penalize(&app, &op, &s.company, 5).await;
    assert_eq!(
        restricted["standing"],
        json!({"active_points": 12, "level": "restrict", "restricted": true})
    );
    let draft = id_of(&app.product(&staff, &s.company).await);
    let reply = app
        .post(
            &format!("/api/v1/products/{draft}/publish"),
            staff.token(),
            json!({}),
        )
        .await
        .expect(403);
    assert_eq!(reply.code(), "company_restricted");
    let reply = app
        .post("/api/v1/listings", s.owner.token(), sell_offer(true))
        .await
        .expect(403);
    assert_eq!(reply.code(), "company_restricted");
    let offer = id_of(
        &app.post("/api/v1/listings", s.owner.token(), sell_offer(false))
            .await
            .expect(201)
            .body,
    );
    let reply = app
        .post(
            &format!("/api/v1/listings/{offer}/publish"),
            s.owner.token(),
            json!({}),
        )
        .await
        .expect(403);
    assert_eq!(reply.code(), "company_restricted");
    let request = id_of(
        &app.post("/api/v1/listings", buyer.token(), buy_request())
            .await
            .expect(201)
            .body,
    );
    let reply = app
        .post(
            &format!("/api/v1/listings/{request}/quotes"),
            s.owner.token(),
            quote_terms(),
        )
        .await
        .expect(403);
    assert_eq!(reply.code(), "company_restricted");
    // Unpublishing is still possible, and the storefront is still public.
    app.post(
        &format!("/api/v1/products/{}/unpublish", s.product),
        s.owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/storefronts/{}", s.slug), None)
        .await
        .expect(200);
    // Another company is not affected.
    let theirs = id_of(&app.product(&other.owner, &other.company).await);
    app.post(
        &format!("/api/v1/products/{theirs}/publish"),
        other.owner.token(),
        json!({}),
    )
    .await
    .expect(200);

    // The history: members and operators, newest first; 404 for everyone else.
    let history = format!("/api/v1/companies/{}/penalties", s.company);
    for who in [&s.owner, &staff, &op] {
        let page = app.get(&history, who.token()).await.expect(200).body;
        let points: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["points"].as_i64().unwrap())
            .collect();
        assert_eq!(points, vec![5, 2, 5]);
        assert_eq!(page["standing"]["active_points"], 12);
        assert_eq!(page["standing"]["level"], "restrict");
    }
    app.get(&history, None).await.expect(401);
    app.get(&history, buyer.token()).await.expect(404);
    app.get(&history, other.owner.token()).await.expect(404);

    // 24: suspended through the ordinary suspension; it leaves every public endpoint.
    let published = app
        .publish(&other.owner, &other.company, product_body())
        .await;
    app.wait_for_index().await;
    let search = || app.get("/api/v1/search/products?q=vacuum%20flask", None);
    let ids = |hits: serde_json::Value| -> Vec<String> {
        hits["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = ids(search().await.expect(200).body);
    assert!(
        before.contains(&warned_product) && before.contains(&published),
        "{before:?}"
    );
    let suspended = penalize(&app, &op, &s.company, 12).await;
    assert_eq!(suspended["suspended"], true);
    assert_eq!(suspended["standing"]["level"], "suspend");
    let company = app
        .get(&format!("/api/v1/companies/{}", s.company), s.owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(company["status"], "suspended");
    assert!(
        company["status_reason"]
            .as_str()
            .unwrap()
            .contains("24 active penalty points")
    );
    app.get(&format!("/api/v1/companies/{}", s.company), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/storefronts/{}", s.slug), None)
        .await
        .expect(404);
    let suspend = audit(&app, &op, &s.company, "suspend").await;
    assert_eq!(suspend.len(), 1);
    assert_eq!(suspend[0]["actor_id"], op.id.as_str());
    let raised = audit(&app, &op, &s.company, "penalty_level_raised").await;
    let levels: Vec<&str> = raised
        .iter()
        .map(|e| e["after"]["penalty_level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["suspend", "restrict", "warn"]);
    app.wait_for_index().await;
    let after = ids(search().await.expect(200).body);
    assert!(!after.contains(&warned_product), "{after:?}");
    assert!(after.contains(&published), "{after:?}");
    // The credit profile counts the active points (capped at 20).
    let profile = credit(&app, &other.company).await;
    assert_eq!(profile["components"]["active_penalty_points"], 0);
    let profile = app
        .get(
            &format!("/api/v1/companies/{}/credit", s.company),
            s.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(profile["components"]["active_penalty_points"], 24);
    assert_eq!(profile["contributions"]["penalties"], -40.0);
    assert_eq!(profile["penalty_level"], "suspend");

    // Reinstated while its points are still that high: public again but restricted, and the
    // next violation suspends it again.
    app.post(
        &format!("/api/v1/operator/companies/{}/reinstate", s.company),
        op.token(),
        json!({"reason": "整改完成"}),
    )
    .await
    .expect(200);
    let reply = app
        .post(
            &format!("/api/v1/products/{draft}/publish"),
            staff.token(),
            json!({}),
        )
        .await
        .expect(403);
    assert_eq!(reply.code(), "company_restricted");
    let again = penalize(&app, &op, &s.company, 1).await;
    assert_eq!(again["suspended"], true);
    assert_eq!(again["standing"]["active_points"], 25);
    assert_eq!(audit(&app, &op, &s.company, "suspend").await.len(), 2);
}

async fn relax(app: &TestApp) -> usize {
    let policy = app.config.penalty_policy();
    app.with_db(move |conn| domain::penalty::relax_levels(conn, &policy).unwrap())
        .await
}

/// Points count for the configured time; when they expire the level eases (audited as the
/// system) and publishing works again.
async fn points_expire_and_the_level_eases(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.penalty_validity_days = 30;
        c.penalty_restrict_points = 10;
    })
    .await;
    let op = app.operator().await;
    let s = supplier(&app, &op).await;
    let first = penalize(&app, &op, &s.company, 10).await;
    assert_eq!(first["standing"]["level"], "restrict");
    assert_eq!(
        first["penalty"]["expires_at"].as_str().unwrap()[..10],
        super::common::date_ahead(30)
    );
    assert_eq!(relax(&app).await, 0);
    domain::clock::advance(time::Duration::days(29));
    assert_eq!(relax(&app).await, 0, "still active");
    domain::clock::advance(time::Duration::days(2));
    assert_eq!(relax(&app).await, 1);
    assert_eq!(relax(&app).await, 0);
    let eased = audit(&app, &op, &s.company, "penalty_level_lowered").await;
    assert_eq!(eased.len(), 1);
    assert_eq!(eased[0]["actor_id"], serde_json::Value::Null);
    assert_eq!(eased[0]["after"]["penalty_level"], "none");
    let moves = notifications(&app, &s.owner, "penalty_level_changed").await;
    assert_eq!(moves.last().unwrap()["to"], "none");
    // The clock moved past the tokens' lifetime: sign in again.
    let owner = app
        .login(&s.owner.email, e2e::fixtures::PASSWORD)
        .await
        .expect(200);
    let token = owner.body["access_token"].as_str().unwrap().to_owned();
    let draft = id_of(
        &app.post(
            &format!("/api/v1/companies/{}/products", s.company),
            Some(&token),
            product_body(),
        )
        .await
        .expect(201)
        .body,
    );
    app.post(
        &format!("/api/v1/products/{draft}/publish"),
        Some(&token),
        json!({}),
    )
    .await
    .expect(200);
    let page = app
        .get(
            &format!("/api/v1/companies/{}/penalties", s.company),
            Some(&token),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        page["standing"],
        json!({"active_points": 0, "level": "none", "restricted": false})
    );
    assert_eq!(page["items"][0]["active"], false);
    assert_eq!(
        credit(&app, &s.company).await["components"]["active_penalty_points"],
        0
    );
}

/// Upholding a report may carry points against the company the item belongs to.
async fn an_upheld_report_can_carry_points(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    let report = |subject_type: &'static str, subject_id: String| {
        let app = &app;
        let buyer = &buyer;
        async move {
            id_of(
                &app.post(
                    "/api/v1/reports",
                    buyer.token(),
                    json!({"subject_type": subject_type, "subject_id": subject_id, "reason": "counterfeit"}),
                )
                .await
                .expect(201)
                .body,
            )
        }
    };
    let resolve = |id: &str| format!("/api/v1/operator/reports/{id}/resolve");
    let penalty = json!({"points": 3, "reason_code": "counterfeit", "note": "假冒品牌"});

    // Dismissing carries no points; the fields are checked.
    let r1 = report("product", s.product.clone()).await;
    let reply = app
        .post(
            &resolve(&r1),
            op.token(),
            json!({"outcome": "dismissed", "note": "证据不足", "penalty": penalty}),
        )
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["penalty"]);
    let reply = app
        .post(
            &resolve(&r1),
            op.token(),
            json!({"outcome": "upheld", "note": "x", "penalty": {"points": 0, "reason_code": "counterfeit", "note": "x"}}),
        )
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["penalty.points"]);

    let upheld = app
        .post(
            &resolve(&r1),
            op.token(),
            json!({"outcome": "upheld", "note": "已核实", "penalty": penalty}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(upheld["status"], "upheld");
    let page = app
        .get(
            &format!("/api/v1/companies/{}/penalties", s.company),
            s.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let p = &page["items"][0];
    assert_eq!(p["report_id"], r1.as_str());
    assert_eq!(
        (p["subject_type"].as_str(), p["subject_id"].as_str()),
        (Some("product"), Some(s.product.as_str()))
    );
    assert_eq!(p["points"], 3);
    assert_eq!(p["reason_code"], "counterfeit");
    let profile = credit(&app, &s.company).await;
    assert_eq!(profile["components"]["upheld_complaints"], 1);
    assert_eq!(profile["components"]["active_penalty_points"], 3);
    // One penalty per report.
    let reply = app
        .post(
            &format!("/api/v1/operator/companies/{}/penalties", s.company),
            op.token(),
            json!({"points": 2, "reason_code": "counterfeit", "note": "x", "report_id": r1}),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "report_already_penalized");

    // An upheld report without points still counts as a complaint; one about another company
    // cannot carry this company's points; an open one carries none.
    let r2 = report("company", s.company.clone()).await;
    app.post(
        &resolve(&r2),
        op.token(),
        json!({"outcome": "upheld", "note": "已核实"}),
    )
    .await
    .expect(200);
    assert_eq!(
        credit(&app, &s.company).await["components"]["upheld_complaints"],
        2
    );
    let other = supplier(&app, &op).await;
    let r3 = report("product", other.product.clone()).await;
    let link = |report: &str| json!({"points": 2, "reason_code": "counterfeit", "note": "x", "report_id": report});
    let reply = app
        .post(
            &format!("/api/v1/operator/companies/{}/penalties", s.company),
            op.token(),
            link(&r3),
        )
        .await
        .expect(400);
    assert_eq!(
        reply.body["error"]["fields"][0]["code"],
        "report_not_upheld"
    );
    app.post(
        &resolve(&r3),
        op.token(),
        json!({"outcome": "upheld", "note": "已核实"}),
    )
    .await
    .expect(200);
    let reply = app
        .post(
            &format!("/api/v1/operator/companies/{}/penalties", s.company),
            op.token(),
            link(&r3),
        )
        .await
        .expect(400);
    assert_eq!(
        reply.body["error"]["fields"][0]["code"],
        "report_of_another_company"
    );
    assert_eq!(
        credit(&app, &other.company).await["components"]["upheld_complaints"],
        1
    );
    app.post(
        &format!("/api/v1/operator/companies/{}/penalties", other.company),
        op.token(),
        link(&r3),
    )
    .await
    .expect(201);

    // A buy request of an individual buyer belongs to no company: no points to give.
    let request = id_of(
        &app.post("/api/v1/listings", buyer.token(), buy_request())
            .await
            .expect(201)
            .body,
    );
    let reporter = app.signup("buyer").await;
    let r4 = id_of(
        &app.post(
            "/api/v1/reports",
            reporter.token(),
            json!({"subject_type": "listing", "subject_id": request, "reason": "fraud"}),
        )
        .await
        .expect(201)
        .body,
    );
    let reply = app
        .post(
            &resolve(&r4),
            op.token(),
            json!({"outcome": "upheld", "note": "x", "penalty": penalty}),
        )
        .await
        .expect(400);
    assert_eq!(reply.body["error"]["fields"][0]["code"], "no_company");
    // Nothing of the refused resolution was kept.
    let mine = app
        .get("/api/v1/reports", reporter.token())
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"][0]["status"], "open");
}

both_backends!(
    thresholds_warn_restrict_and_suspend,
    points_expire_and_the_level_eases,
    an_upheld_report_can_carry_points,
);
