//! Verification details: the licence scan (an upload of the company's own) and expiry, the badge with its date and
//! operator, licence changes sending a company back to verification (audited), and the expiry
//! warnings at 30 and 7 days (configurable), each once, on a controllable clock.

use e2e::fixtures::company_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{audit, credit, date_ahead, id_of, notifications};

async fn licence_details_and_the_verification_badge(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let owner = app.signup("supplier").await;
    let mut body = company_body(None);
    // Only a media id of one's own licence scan upload; the expiry is a date that has not
    // passed, or long-term.
    let logo = app.upload_image(&owner, "company_logo", 20, 20).await;
    let strangers = app.upload_image(&op, "licence_scan", 20, 20).await;
    for (field, value, code) in [
        (
            "licence_scan_id",
            "https://img.example.com/licence.jpg",
            "invalid",
        ),
        ("licence_scan_id", "javascript:alert(1)", "invalid"),
        (
            "licence_scan_id",
            logo["id"].as_str().unwrap(),
            "wrong_purpose",
        ),
        (
            "licence_scan_id",
            strangers["id"].as_str().unwrap(),
            "unknown_media",
        ),
        ("licence_expires_on", "2020-01-01", "licence_expired"),
        ("licence_expires_on", "31/12/2030", "invalid_date"),
        ("licence_expires_on", "9999-12-31", "invalid_date"),
    ] {
        let mut bad = body.clone();
        bad[field] = json!(value);
        let reply = app
            .post("/api/v1/companies", owner.token(), bad)
            .await
            .expect(400);
        assert_eq!(reply.fields(), vec![field], "{value}");
        assert_eq!(reply.body["error"]["fields"][0]["code"], code, "{value}");
    }
    let scan = app.upload_image(&owner, "licence_scan", 40, 30).await;
    body["licence_scan_id"] = scan["id"].clone();
    body["licence_expires_on"] = json!("长期");
    let company = app
        .post("/api/v1/companies", owner.token(), body)
        .await
        .expect(201)
        .body;
    let id = id_of(&company);
    let slug = company["slug"].as_str().unwrap().to_owned();
    assert_eq!(company["licence_expires_on"], "long_term");
    assert_eq!(company["licence_expired"], false);
    assert_eq!(company["verified_by"], serde_json::Value::Null);
    // A new unverified company starts at 35.0 (docs/credit.md).
    assert_eq!(company["credit_score"], 35.0);

    let storefront = format!("/api/v1/storefronts/{slug}");
    let s = app.get(&storefront, None).await.expect(200).body;
    assert_eq!(s["licence"]["scan_on_file"], true);
    // The scan itself is private: the company's members and operators only.
    let scan_url = format!("/api/v1/media/{}/original", scan["id"].as_str().unwrap());
    assert_eq!(app.get_raw(&scan_url, None, &[]).await.0, 404);
    let stranger = app.signup("buyer").await;
    assert_eq!(app.get_raw(&scan_url, stranger.token(), &[]).await.0, 404);
    assert_eq!(app.get_raw(&scan_url, op.token(), &[]).await.0, 200);
    let (status, headers, _) = app.get_raw(&scan_url, owner.token(), &[]).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(s["licence"]["expires_on"], "long_term");
    assert_eq!(s["verification"]["verified"], false);
    assert_eq!(s["verification"]["verified_by"], serde_json::Value::Null);

    let verified = app
        .post(
            &format!("/api/v1/operator/companies/{id}/verify"),
            op.token(),
            json!({"reason": "营业执照与公示系统一致"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["verified_by"], op.id.as_str());
    assert!(verified["verified_at"].is_string());
    assert_eq!(verified["credit_score"], 60.0);
    let s = app.get(&storefront, None).await.expect(200).body;
    assert_eq!(s["verification"]["verified"], true);
    assert_eq!(s["verification"]["verified_at"], verified["verified_at"]);
    // The operator's display name (`tradefair create-operator` in the fixture: "Operator").
    assert_eq!(s["verification"]["verified_by"], "Operator");
    assert_eq!(s["credit"]["score"], 60.0);
    assert_eq!(s["credit"]["formula_version"], 1);
}

/// Every licence fact sends a verified company back to `pending` (one rule, audited); other
/// profile edits do not.
async fn licence_changes_send_a_company_back_to_verification(b: Backend) {
    // Licence dates count whole days: start mid-morning so no midnight passes unplanned.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let id = id_of(&company);
    let path = format!("/api/v1/companies/{id}");
    let edited = app
        .patch(
            &path,
            owner.token(),
            json!({"description": "<p>新的介绍</p>", "main_products": ["注塑机"]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "verified");
    assert!(audit(&app, &op, &id, "licence_changed").await.is_empty());

    let new_scan = app.upload_image(&owner, "licence_scan", 41, 30).await;
    let changes = [
        json!({"licence_scan_id": new_scan["id"]}),
        json!({"licence_expires_on": date_ahead(400)}),
        json!({"legal_representative": "李四"}),
        json!({"registered_address": "浙江省宁波市北仑区新碶街道明州路1号"}),
        json!({"legal_name": "宁波新名精密机械有限公司"}),
        json!({"credit_code": e2e::valid_credit_code()}),
        json!({"licence_expires_on": "long_term"}),
    ];
    for (n, change) in changes.iter().enumerate() {
        let after = app
            .patch(&path, owner.token(), change.clone())
            .await
            .expect(200)
            .body;
        assert_eq!(after["status"], "pending", "{change}");
        assert_eq!(after["verified"], false);
        assert_eq!(after["verified_by"], serde_json::Value::Null);
        assert_eq!(
            after["status_reason"],
            "licence facts changed; awaiting re-verification"
        );
        // Verification points are gone from the credit score at once.
        assert_eq!(credit(&app, &id).await["components"]["verified"], false);
        let entries = audit(&app, &op, &id, "licence_changed").await;
        assert_eq!(entries.len(), n + 1, "{change}");
        assert_eq!(entries[0]["actor_id"], owner.id.as_str());
        assert_eq!(entries[0]["before"]["verification"], "verified");
        assert_eq!(entries[0]["after"]["verification"], "pending");
        let field = change.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!(entries[0]["after"]["changed"], json!([field]));
        app.post(
            &format!("/api/v1/operator/companies/{id}/verify"),
            op.token(),
            json!({"reason": "新执照已核验"}),
        )
        .await
        .expect(200);
    }
    // The same value again is no change.
    let same = app
        .patch(
            &path,
            owner.token(),
            json!({"licence_expires_on": "long_term"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(same["status"], "verified");
    // A pending company's licence change is audited too, and it stays pending.
    let pending_owner = app.signup("supplier").await;
    let pending = id_of(&app.company(&pending_owner).await);
    let after = app
        .patch(
            &format!("/api/v1/companies/{pending}"),
            pending_owner.token(),
            json!({"licence_scan_id": app.upload_image(&pending_owner, "licence_scan", 20, 20).await["id"]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(after["status"], "pending");
    let entries = audit(&app, &op, &pending, "licence_changed").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["reason"], "licence facts changed");
}

/// Warnings at 30 and 7 days before the licence ends and once when it has ended, each sent
/// once to the owners and admins (not staff), however often the job runs.
async fn licence_expiry_warnings_once_each(b: Backend) {
    // Licence dates count whole days: start mid-morning so no midnight passes unplanned.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let id = id_of(&company);
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &id, &admin, "admin").await;
    app.add_member(&owner, &id, &staff, "staff").await;
    app.patch(
        &format!("/api/v1/companies/{id}"),
        owner.token(),
        json!({"licence_expires_on": date_ahead(40)}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/companies/{id}/verify"),
        op.token(),
        json!({"reason": "执照已核验"}),
    )
    .await
    .expect(200);
    let run =
        || app.with_db(|conn| domain::company::notify_licence_expiry(conn, &[30, 7]).unwrap());

    assert_eq!(run().await, 0, "40 days left: nothing due");
    domain::clock::advance(time::Duration::days(10));
    assert_eq!(run().await, 1, "30 days left");
    assert_eq!(run().await, 0, "claimed once");
    domain::clock::advance(time::Duration::days(22));
    assert_eq!(run().await, 0, "8 days left: the 30-day warning is sent");
    domain::clock::advance(time::Duration::days(1));
    assert_eq!(run().await, 1, "7 days left");
    assert_eq!(run().await, 0);
    for who in [&owner, &admin] {
        let warned = notifications(&app, who, "licence_expiring").await;
        let days: Vec<i64> = warned
            .iter()
            .map(|n| n["days_left"].as_i64().unwrap())
            .collect();
        assert_eq!(days, vec![30, 7]);
        assert_eq!(warned[0]["licence_expires_on"], date_ahead(7));
        assert_eq!(warned[1]["warning_days"], 7);
    }
    assert!(
        notifications(&app, &staff, "licence_expiring")
            .await
            .is_empty()
    );
    let path = format!("/api/v1/companies/{id}");
    assert_eq!(
        app.get(&path, None).await.expect(200).body["licence_expired"],
        false
    );

    // Valid through its last day; expired the day after.
    domain::clock::advance(time::Duration::days(7));
    assert_eq!(run().await, 0);
    domain::clock::advance(time::Duration::days(1));
    assert_eq!(run().await, 1, "expired");
    assert_eq!(run().await, 0);
    assert_eq!(
        notifications(&app, &owner, "licence_expired").await.len(),
        1
    );
    assert_eq!(
        notifications(&app, &admin, "licence_expired").await.len(),
        1
    );
    let c = app.get(&path, None).await.expect(200).body;
    assert_eq!(c["licence_expired"], true);
    // Still verified (an operator decides), but the badge earns no credit without a licence.
    assert_eq!(c["status"], "verified");
    let slug = c["slug"].as_str().unwrap();
    let s = app
        .get(&format!("/api/v1/storefronts/{slug}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(s["licence"]["expired"], true);
    let profile = credit(&app, &id).await;
    assert_eq!(profile["components"]["verified"], false);
    assert_eq!(profile["contributions"]["verification"], 0.0);
}

/// `serve` runs the warnings periodically with the configured days.
async fn licence_warnings_run_periodically(b: Backend) {
    // Licence dates count whole days: start mid-morning so no midnight passes unplanned.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn_with(b, |c| {
        c.credit_refresh_secs = 1;
        c.licence_warning_days = "10".into();
    })
    .await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let id = id_of(&company);
    app.patch(
        &format!("/api/v1/companies/{id}"),
        owner.token(),
        json!({"licence_expires_on": date_ahead(12)}),
    )
    .await
    .expect(200);
    app.caught_up(e2e::Loop::CreditJobs).await;
    assert!(
        notifications(&app, &owner, "licence_expiring")
            .await
            .is_empty()
    );
    domain::clock::advance(time::Duration::days(3));
    app.caught_up(e2e::Loop::CreditJobs).await;
    let warned = notifications(&app, &owner, "licence_expiring").await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0]["days_left"], 9);
    assert_eq!(warned[0]["warning_days"], 10);
}

both_backends!(
    licence_details_and_the_verification_badge,
    licence_changes_send_a_company_back_to_verification,
    licence_expiry_warnings_once_each,
    licence_warnings_run_periodically,
);
