//! Reports: filing (what one can see, once while open), operator resolution with a note the
//! reporter sees, the audit entry, and the public transparency figures with handling times.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;
use time::Duration;

async fn reports_are_filed_resolved_and_counted(b: Backend) {
    // The figures are per calendar month and the clock moves hours: start mid-month.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company_id = company["id"].as_str().unwrap().to_owned();
    let product = app
        .publish(&owner, &company_id, e2e::fixtures::product_body())
        .await;
    let draft = app.product(&owner, &company_id).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let buyer = app.signup("buyer").await;
    let other = app.signup("buyer").await;

    let report = |subject_type: &str, id: &str, reason: &str| {
        json!({"subject_type": subject_type, "subject_id": id, "reason": reason,
               "details": "假冒品牌，商标与官网不符", "evidence_urls": ["https://evidence.example.com/1.png"]})
    };
    let filed = app
        .post(
            "/api/v1/reports",
            buyer.token(),
            report("product", &product, "counterfeit"),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(filed["status"], "open");
    let first = filed["id"].as_str().unwrap().to_owned();
    // Once while open.
    assert_eq!(
        app.post(
            "/api/v1/reports",
            buyer.token(),
            report("product", &product, "fraud")
        )
        .await
        .expect(409)
        .code(),
        "duplicate_report"
    );
    // What the reporter cannot see cannot be reported; bad input names the field.
    for (body, field) in [
        (report("product", &draft, "counterfeit"), "subject_id"),
        (report("product", "not-an-id", "counterfeit"), "subject_id"),
        (report("planet", &product, "counterfeit"), "subject_type"),
        (report("product", &product, "ugly"), "reason"),
        (
            json!({"subject_type": "product", "subject_id": product, "reason": "other", "evidence_urls": ["javascript:alert(1)"]}),
            "evidence_urls[0]",
        ),
    ] {
        let reply = app
            .post("/api/v1/reports", other.token(), body.clone())
            .await
            .expect(400);
        assert_eq!(reply.fields(), vec![field], "{body}");
    }
    app.post(
        "/api/v1/reports",
        None,
        report("company", &company_id, "fraud"),
    )
    .await
    .expect(401);
    let second = app
        .post(
            "/api/v1/reports",
            other.token(),
            report("company", &company_id, "fraud"),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let third = app
        .post(
            "/api/v1/reports",
            other.token(),
            report("product", &product, "spam"),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The operator's queue.
    let open = app
        .get("/api/v1/operator/reports?status=open", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(open["items"].as_array().unwrap().len(), 3);
    let companies = app
        .get("/api/v1/operator/reports?subject_type=company", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(companies["items"][0]["id"], second.as_str());
    app.get("/api/v1/operator/reports?status=late", op.token())
        .await
        .expect(400);

    // Handling takes 5 hours for the first and 1 hour for the second.
    domain::clock::advance(Duration::hours(1));
    app.post(
        &format!("/api/v1/operator/reports/{second}/resolve"),
        op.token(),
        json!({"outcome": "dismissed", "note": "资质齐全，未发现问题"}),
    )
    .await
    .expect(200);
    domain::clock::advance(Duration::hours(4));
    let resolved = app
        .post(
            &format!("/api/v1/operator/reports/{first}/resolve"),
            op.token(),
            json!({"outcome": "upheld", "note": "商品已下架"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(resolved["status"], "upheld");
    app.post(
        &format!("/api/v1/operator/reports/{first}/resolve"),
        op.token(),
        json!({"outcome": "dismissed", "note": "again"}),
    )
    .await
    .expect(409);
    app.post(
        &format!("/api/v1/operator/reports/{third}/resolve"),
        op.token(),
        json!({"outcome": "open", "note": "x"}),
    )
    .await
    .expect(400);

    // The reporter sees the outcome and the note; a closed report allows a new one.
    let mine = app
        .get("/api/v1/reports", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["status"], "upheld");
    assert_eq!(mine["items"][0]["resolution_note"], "商品已下架");
    app.post(
        "/api/v1/reports",
        buyer.token(),
        report("product", &product, "fraud"),
    )
    .await
    .expect(201);

    // The decision is in the audit log.
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_id={first}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["action"], "upheld");

    // Public figures: 4 received this month, 1 upheld, 1 dismissed, 2 open, median of 5 h and 1 h.
    let figures = app.get("/api/v1/transparency", None).await.expect(200).body;
    let month = &figures["reports"][0];
    assert_eq!(month["received"], 4);
    assert_eq!(month["upheld"], 1);
    assert_eq!(month["dismissed"], 1);
    assert_eq!(month["open"], 2);
    assert_eq!(month["median_handling_hours"], 3.0);
}

both_backends!(reports_are_filed_resolved_and_counted);
