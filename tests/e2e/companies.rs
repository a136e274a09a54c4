//! Companies: creation rules, credit-code validation, slugs, edits, re-verification.

use e2e::fixtures::company_body;
use e2e::{Backend, TestApp, both_backends, valid_credit_code};
use serde_json::json;

async fn supplier_creates_company_and_becomes_owner(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    assert_eq!(company["status"], "pending");
    assert_eq!(company["verified"], false);
    assert_eq!(company["slug"], "ningbo-test-precision-machinery");
    assert_eq!(company["contacts"][0]["email"], "sales@test.example.cn");
    assert_eq!(
        company["description"],
        "<p>专业生产<strong>注塑机</strong></p>"
    );
    let id = company["id"].as_str().unwrap();
    let me = app.get("/api/v1/me", owner.token()).await.expect(200).body;
    assert_eq!(me["company"]["company_id"], id);
    assert_eq!(me["company"]["role"], "owner");
    let public = app
        .get(&format!("/api/v1/companies/{id}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(public["legal_name"], "宁波测试精密机械有限公司");

    // One company per account.
    let again = app
        .post("/api/v1/companies", owner.token(), company_body(None))
        .await
        .expect(409);
    assert_eq!(again.code(), "already_in_company");
    // Buyers do not own companies.
    let buyer = app.signup("buyer").await;
    assert_eq!(
        app.post("/api/v1/companies", buyer.token(), company_body(None))
            .await
            .expect(403)
            .code(),
        "not_a_supplier"
    );
    assert_eq!(
        app.post("/api/v1/companies", None, company_body(None))
            .await
            .expect(401)
            .code(),
        "unauthenticated"
    );
}

async fn credit_code_is_validated_and_unique(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    for (code, expected) in [
        ("91350100M000100Y4", "invalid_length"),
        ("91350100M000100Y44", "invalid_check_character"),
        ("91350100M0001O0Y43", "invalid_character"),
        ("91A50100M000100Y43", "invalid_division_code"),
        ("", "invalid_length"),
    ] {
        let mut body = company_body(None);
        body["credit_code"] = json!(code);
        let reply = app
            .post("/api/v1/companies", owner.token(), body)
            .await
            .expect(400);
        let field = &reply.body["error"]["fields"][0];
        assert_eq!(field["field"], "credit_code", "{code}");
        assert_eq!(field["code"], expected, "{code}");
    }
    // Lower-case and full-width input is normalised.
    let mut body = company_body(None);
    body["credit_code"] = json!("９１３５０１００m０００１００y４３");
    let created = app
        .post("/api/v1/companies", owner.token(), body)
        .await
        .expect(201)
        .body;
    assert_eq!(created["credit_code"], "91350100M000100Y43");
    // One credit code, one company.
    let other = app.signup("supplier").await;
    let mut body = company_body(None);
    body["credit_code"] = json!("91350100M000100Y43");
    assert_eq!(
        app.post("/api/v1/companies", other.token(), body)
            .await
            .expect(409)
            .code(),
        "credit_code_taken"
    );
}

async fn required_fields_are_all_reported(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let reply = app
        .post(
            "/api/v1/companies",
            owner.token(),
            json!({"english_name": "X"}),
        )
        .await
        .expect(400);
    let fields = reply.fields();
    for f in [
        "legal_name",
        "credit_code",
        "legal_representative",
        "registered_address",
        "province",
        "city",
        "business_scope",
        "company_type",
    ] {
        assert!(
            fields.contains(&f.to_owned()),
            "{f} missing from {fields:?}"
        );
    }
    let mut body = company_body(Some("Bad Slug"));
    body["contacts"] = json!([{"name": "张三", "email": "not-an-email", "phone": "abc"}]);
    body["company_type"] = json!("factory");
    body["year_established"] = json!(1200);
    body["logo_id"] = json!("javascript:alert(1)");
    let reply = app
        .post("/api/v1/companies", owner.token(), body)
        .await
        .expect(400);
    let fields = reply.fields();
    for f in [
        "slug",
        "contacts[0].email",
        "contacts[0].phone",
        "company_type",
        "year_established",
        "logo_id",
    ] {
        assert!(
            fields.contains(&f.to_owned()),
            "{f} missing from {fields:?}"
        );
    }
}

async fn slugs_are_unique_and_derived(b: Backend) {
    let app = TestApp::spawn(b).await;
    let first = app.company(&app.signup("supplier").await).await;
    let second = app.company(&app.signup("supplier").await).await;
    assert_eq!(first["slug"], "ningbo-test-precision-machinery");
    let derived = second["slug"].as_str().unwrap();
    assert!(
        derived.starts_with("ningbo-test-precision-machinery-"),
        "{derived}"
    );
    // An explicit slug that is taken is refused, not changed.
    let third = app.signup("supplier").await;
    let reply = app
        .post(
            "/api/v1/companies",
            third.token(),
            company_body(Some("ningbo-test-precision-machinery")),
        )
        .await;
    assert_eq!(reply.expect(409).code(), "slug_taken");
}

async fn concurrent_requests_for_one_slug_give_one_winner(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (a, c) = tokio::join!(app.signup("supplier"), app.signup("supplier"));
    let (ra, rc) = tokio::join!(
        app.post(
            "/api/v1/companies",
            a.token(),
            company_body(Some("same-slug"))
        ),
        app.post(
            "/api/v1/companies",
            c.token(),
            company_body(Some("same-slug"))
        )
    );
    let mut statuses = vec![ra.status, rc.status];
    statuses.sort();
    assert_eq!(statuses, vec![201, 409], "{} / {}", ra.body, rc.body);
    let loser = if ra.status == 409 { ra } else { rc };
    assert_eq!(loser.code(), "slug_taken");
}

async fn owners_edit_and_licence_changes_need_reverification(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let id = company["id"].as_str().unwrap();
    assert_eq!(company["status"], "verified");
    let path = format!("/api/v1/companies/{id}");
    // Profile edits keep the badge and leave other fields alone.
    let edited = app
        .patch(
            &path,
            owner.token(),
            json!({"english_name": "Ningbo Test Co.", "main_products": ["模具"]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["english_name"], "Ningbo Test Co.");
    assert_eq!(edited["status"], "verified");
    assert_eq!(edited["city"], "宁波市");
    assert_eq!(edited["contacts"], company["contacts"]);
    // Licence facts go back to verification.
    let edited = app
        .patch(
            &path,
            owner.token(),
            json!({"legal_representative": "李四"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "pending");
    assert_eq!(edited["verified"], false);
    // A new credit code must still be valid and free.
    let bad = app
        .patch(
            &path,
            owner.token(),
            json!({"credit_code": "91350100M000100Y44"}),
        )
        .await
        .expect(400);
    assert_eq!(bad.fields(), vec!["credit_code"]);
    let code = valid_credit_code();
    let changed = app
        .patch(&path, owner.token(), json!({"credit_code": code}))
        .await
        .expect(200)
        .body;
    assert_eq!(changed["credit_code"], code.as_str());
    // Clearing an optional field with "".
    let cleared = app
        .patch(&path, owner.token(), json!({"english_name": ""}))
        .await
        .expect(200)
        .body;
    assert_eq!(cleared["english_name"], serde_json::Value::Null);
}

async fn operator_status_changes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let id = company["id"].as_str().unwrap();
    let act = |action: &str| format!("/api/v1/operator/companies/{id}/{action}");
    assert_eq!(
        app.post(&act("verify"), op.token(), json!({}))
            .await
            .expect(400)
            .fields(),
        vec!["reason"]
    );
    assert_eq!(
        app.post(&act("reinstate"), op.token(), json!({"reason": "x"}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    let rejected = app
        .post(
            &act("reject"),
            op.token(),
            json!({"reason": "营业执照模糊"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["status_reason"], "营业执照模糊");
    // A rejected company is hidden from the public but not from its owner.
    app.get(&format!("/api/v1/companies/{id}"), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/companies/{id}"), owner.token())
        .await
        .expect(200);
    let verified = app
        .post(
            &act("verify"),
            op.token(),
            json!({"reason": "重新提交后核验通过"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(verified["status"], "verified");
    assert!(verified["verified_at"].is_string());
    assert_eq!(
        app.post(&act("verify"), op.token(), json!({"reason": "again"}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    assert_eq!(
        app.post(&act("reject"), op.token(), json!({"reason": "late"}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    let suspended = app
        .post(
            &act("suspend"),
            op.token(),
            json!({"reason": "售假投诉成立"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(
        app.post(&act("suspend"), op.token(), json!({"reason": "again"}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    let back = app
        .post(&act("reinstate"), op.token(), json!({"reason": "整改完成"}))
        .await
        .expect(200)
        .body;
    assert_eq!(back["status"], "verified");
    let unknown = uuid::Uuid::new_v4();
    app.post(
        &format!("/api/v1/operator/companies/{unknown}/verify"),
        op.token(),
        json!({"reason": "x"}),
    )
    .await
    .expect(404);
}

both_backends!(
    supplier_creates_company_and_becomes_owner,
    credit_code_is_validated_and_unique,
    required_fields_are_all_reported,
    slugs_are_unique_and_derived,
    concurrent_requests_for_one_slug_give_one_winner,
    owners_edit_and_licence_changes_need_reverification,
    operator_status_changes,
);
