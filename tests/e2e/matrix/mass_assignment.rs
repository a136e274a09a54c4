//! Mass assignment: fields a client must never set are refused by name (400 `unknown_field`)
//! on every write body, and nothing is stored.

use e2e::fixtures::{PASSWORD, company_body, product_body};
use e2e::{Backend, Reply};
use serde_json::{Value, json};

use crate::matrix::world::{World, new_email, registration};

/// The smuggled fields, with values an attacker would want.
fn smuggled(world: &World) -> Vec<(&'static str, Value)> {
    vec![
        ("status", json!("verified")),
        ("verified", json!(true)),
        ("verification_status", json!("verified")),
        ("company_id", json!(world.company_b)),
        ("role", json!("owner")),
        ("owner_id", json!(world.owner_b.id)),
        ("credit_score", json!(999)),
    ]
}

fn with(mut body: Value, field: &str, value: &Value) -> Value {
    body[field] = value.clone();
    body
}

#[track_caller]
fn assert_refused(reply: Reply, what: &str, field: &str) {
    assert_eq!(
        reply.status, 400,
        "{what} with `{field}`: expected 400, got {}: {}",
        reply.status, reply.body
    );
    let named = reply.body["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["field"] == field && f["code"] == "unknown_field");
    assert!(
        named,
        "{what} with `{field}`: the error must name the field as unknown_field: {}",
        reply.body
    );
}

pub async fn mass_assignment_is_refused(b: Backend) {
    let w = World::build(b).await;
    let app = &w.app;
    let fields = smuggled(&w);

    // Register: no account comes into being.
    for (field, value) in &fields {
        let email = new_email("smuggler");
        let reply = app
            .post(
                "/api/v1/auth/register",
                None,
                with(registration(&email, "supplier"), field, value),
            )
            .await;
        assert_refused(reply, "POST /api/v1/auth/register", field);
        let login = app.login(&email, PASSWORD).await;
        assert_eq!(login.status, 401, "{field}: the account must not exist");
    }

    // Create company: the supplier stays in no company.
    let supplier = app.signup("supplier").await;
    for (field, value) in &fields {
        let reply = app
            .post(
                "/api/v1/companies",
                supplier.token(),
                with(company_body(None), field, value),
            )
            .await;
        assert_refused(reply, "POST /api/v1/companies", field);
        let me = app.get("/api/v1/me", supplier.token()).await.expect(200);
        assert_eq!(
            me.body["company"],
            Value::Null,
            "{field}: no company stored"
        );
    }
    let created = app.company(&supplier).await;
    assert_eq!(created["status"], "pending");
    assert_eq!(created["verified"], false);

    // Patch company: A's profile is byte-for-byte what it was.
    let company_path = format!("/api/v1/companies/{}", w.company_a);
    let before = app.get(&company_path, None).await.expect(200).body;
    for (field, value) in &fields {
        let body = with(json!({"description": "<p>smuggled</p>"}), field, value);
        let reply = app.patch(&company_path, w.owner_a.token(), body).await;
        assert_refused(reply, "PATCH /api/v1/companies/{id}", field);
        let after = app.get(&company_path, None).await.expect(200).body;
        assert_eq!(after, before, "{field}: company A changed");
    }

    // Create product: A's catalog (every status) is what it was.
    let list_path = format!("/api/v1/companies/{}/products?limit=100", w.company_a);
    let catalog = |r: Reply| r.expect(200).body["items"].clone();
    let before = catalog(app.get(&list_path, w.owner_a.token()).await);
    for (field, value) in &fields {
        let reply = app
            .post(
                &format!("/api/v1/companies/{}/products", w.company_a),
                w.owner_a.token(),
                with(product_body(), field, value),
            )
            .await;
        assert_refused(reply, "POST /api/v1/companies/{id}/products", field);
        let after = catalog(app.get(&list_path, w.owner_a.token()).await);
        assert_eq!(after, before, "{field}: a product was stored");
    }
    let b_list = format!("/api/v1/companies/{}/products", w.company_b);
    let b_items = catalog(app.get(&b_list, w.owner_b.token()).await);
    assert_eq!(b_items, json!([]), "nothing landed in B through company_id");

    // Patch product: A's draft is what it was.
    let product_path = format!("/api/v1/products/{}", w.draft_a);
    let before = app
        .get(&product_path, w.owner_a.token())
        .await
        .expect(200)
        .body;
    for (field, value) in &fields {
        let body = with(json!({"title_en": "smuggled"}), field, value);
        let reply = app.patch(&product_path, w.owner_a.token(), body).await;
        assert_refused(reply, "PATCH /api/v1/products/{id}", field);
        let after = app
            .get(&product_path, w.owner_a.token())
            .await
            .expect(200)
            .body;
        assert_eq!(after, before, "{field}: the draft changed");
    }

    // The supply-and-demand and moderation bodies refuse them too (each area's own tests check
    // that nothing is stored on a refused write).
    let lead = w.fresh_lead_a().await;
    let notice = w.fresh_notice_on_a("accepted").await;
    let appeal = w.fresh_appeal_of_a().await;
    let warning = w.fresh_warning_of_a().await;
    let eraser = app.signup("buyer").await;
    let writes: Vec<(&str, String, &e2e::Account, Value)> = vec![
        (
            "POST",
            "/api/v1/takedowns".into(),
            &w.owner_b,
            crate::matrix::world::notice_body(&w.published_a),
        ),
        (
            "POST",
            format!("/api/v1/takedowns/{notice}/counter-notice"),
            &w.owner_a,
            crate::matrix::world::counter_notice_body(),
        ),
        (
            "POST",
            format!("/api/v1/enforcement/{warning}/appeal"),
            &w.owner_a,
            json!({"statement": "smuggled"}),
        ),
        (
            "POST",
            format!("/api/v1/operator/appeals/{appeal}/decide"),
            &w.operator,
            json!({"outcome": "rejected", "note": "smuggled"}),
        ),
        (
            "POST",
            format!("/api/v1/operator/products/{}/hide", w.published_a),
            &w.operator,
            json!({"reason": "smuggled"}),
        ),
        (
            "POST",
            format!("/api/v1/companies/{}/leave", w.company_a),
            &w.owner_a,
            json!({"confirm": "not-the-slug-of-a"}),
        ),
        (
            "POST",
            "/api/v1/me/erasure".into(),
            &eraser,
            json!({"password": PASSWORD}),
        ),
        (
            "POST",
            "/api/v1/listings".into(),
            &w.buyer,
            e2e::listings::buy_body(),
        ),
        (
            "POST",
            "/api/v1/inquiries".into(),
            &w.buyer,
            json!({"subject": "询价", "message": "请报价",
                   "targets": [{"type": "company", "id": w.company_a}]}),
        ),
        (
            "PATCH",
            format!("/api/v1/leads/{lead}"),
            &w.owner_a,
            json!({"stage": "won"}),
        ),
        (
            "POST",
            "/api/v1/reports".into(),
            &w.buyer,
            json!({"subject_type": "company", "subject_id": w.company_a, "reason": "other"}),
        ),
        (
            "POST",
            "/api/v1/operator/rules".into(),
            &w.operator,
            json!({"kind": "term", "text": "走私", "action": "flag", "category": "other"}),
        ),
    ];
    for (method, path, who, body) in &writes {
        for (field, value) in &fields {
            let reply = app
                .call(
                    method.parse().expect("method"),
                    path,
                    who.token(),
                    Some(&with(body.clone(), field, value)),
                )
                .await;
            assert_refused(reply, &format!("{method} {path}"), field);
        }
    }
}
