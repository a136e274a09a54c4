//! API keys: created by a company's owners and admins, the secret shown once, listed with their
//! last use, revoked; a key acts as its company within exactly its scopes, refused when
//! revoked, expired or unknown, limited per key, and its writes attributed in the audit log.
//! The role-by-route matrix checks the scope of every route (`matrix`, the key columns).

use e2e::fixtures::product_body;
use e2e::{Account, Backend, TestApp, both_backends, id_of};
use serde_json::{Value, json};

/// A verified company of its own owner; (owner, company id, operator).
async fn company(app: &TestApp) -> (Account, String, Account) {
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    (owner, id_of(&company), operator)
}

/// Creates a key of `company` with `scopes` as `by`; the whole answer.
async fn create_key(app: &TestApp, by: &Account, company: &str, scopes: &[&str]) -> Value {
    app.post(
        &format!("/api/v1/companies/{company}/api-keys"),
        by.token(),
        json!({"name": "ERP sync", "scopes": scopes}),
    )
    .await
    .expect(201)
    .body
}

fn secret(key: &Value) -> String {
    key["secret"].as_str().expect("secret").to_owned()
}

/// The audit entries of `action` about `subject_id`.
async fn audit(app: &TestApp, operator: &Account, action: &str, subject_id: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/operator/audit?action={action}&subject_id={subject_id}"),
        operator.token(),
    )
    .await
    .expect(200)
    .body["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn keys_are_shown_once_listed_and_revoked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (owner, company, operator) = company(&app).await;
    let keys = format!("/api/v1/companies/{company}/api-keys");

    let created = create_key(&app, &owner, &company, &["catalog:read", "leads:read"]).await;
    let key_id = id_of(&created);
    let secret = secret(&created);
    assert!(secret.starts_with("tfk_") && secret.len() > 40, "{created}");
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["scopes"], json!(["catalog:read", "leads:read"]));
    assert_eq!(created["status"], "active");
    assert_eq!(created["created_by"], owner.id.as_str());

    // The list never shows the secret again; the last use appears once the key is used.
    let list = app.get(&keys, owner.token()).await.expect(200).body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("secret").is_none(), "{list}");
    assert!(!list.to_string().contains(&secret));
    assert_eq!(list[0]["last_used_at"], Value::Null);
    app.get(
        &format!("/api/v1/companies/{company}/products"),
        Some(&secret),
    )
    .await
    .expect(200);
    let list = app.get(&keys, owner.token()).await.expect(200).body;
    assert!(list[0]["last_used_at"].is_string(), "{list}");

    // Creating and revoking are audited, attributed to the member.
    let entries = audit(&app, &operator, "api_key.create", &key_id).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor_id"], owner.id.as_str());
    assert_eq!(entries[0]["after"]["company_id"], company.as_str());

    let revoked = app
        .delete(&format!("{keys}/{key_id}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(revoked["status"], "revoked");
    let refused = app
        .get(
            &format!("/api/v1/companies/{company}/products"),
            Some(&secret),
        )
        .await
        .expect(401);
    assert_eq!(refused.code(), "api_key_revoked");
    // Revoking again changes nothing (one audit entry).
    app.delete(&format!("{keys}/{key_id}"), owner.token())
        .await
        .expect(200);
    assert_eq!(
        audit(&app, &operator, "api_key.revoke", &key_id)
            .await
            .len(),
        1
    );
    let list = app.get(&keys, owner.token()).await.expect(200).body;
    assert_eq!(list[0]["status"], "revoked");
    assert!(list[0]["revoked_at"].is_string());
}

async fn only_owners_and_admins_manage_keys(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (owner, company, operator) = company(&app).await;
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &admin, "admin").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let (other_owner, _, _) = self::company(&app).await;
    let keys = format!("/api/v1/companies/{company}/api-keys");
    let body = json!({"name": "CRM", "scopes": ["leads:read"]});

    let by_admin = create_key(&app, &admin, &company, &["leads:read"]).await;
    let key_id = id_of(&by_admin);
    // Staff: 403; the operator sees the company but manages none of its keys: 403; another
    // company's owner and a buyer: 404, as for the company's other private data.
    for who in [&staff, &operator] {
        let r = app.post(&keys, who.token(), body.clone()).await.expect(403);
        assert_eq!(r.code(), "forbidden");
        app.get(&keys, who.token()).await.expect(403);
        app.delete(&format!("{keys}/{key_id}"), who.token())
            .await
            .expect(403);
    }
    let buyer = app.signup("buyer").await;
    for who in [&other_owner, &buyer] {
        let r = app.get(&keys, who.token()).await.expect(404);
        assert_eq!(r.code(), "company_not_found");
        app.post(&keys, who.token(), body.clone()).await.expect(404);
        app.delete(&format!("{keys}/{key_id}"), who.token())
            .await
            .expect(404);
    }
    app.get(&keys, None).await.expect(401);
    // A key of another company is not found under this one.
    let (_, other_company, _) = self::company(&app).await;
    let r = app
        .delete(
            &format!("/api/v1/companies/{other_company}/api-keys/{key_id}"),
            other_owner.token(),
        )
        .await;
    assert_eq!(r.status, 404);

    // Keys manage no keys.
    let secret = secret(&by_admin);
    let r = app.get(&keys, Some(&secret)).await.expect(403);
    assert_eq!(r.code(), "api_key_not_allowed");

    // Input: known scopes, each once, at least one; a future expiry; no unknown fields.
    let r = app
        .post(
            &keys,
            owner.token(),
            json!({"name": "x", "scopes": ["catalog:read", "catalog:delete", "catalog:read"]}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["scopes[1]", "scopes[2]"], "{}", r.body);
    let r = app
        .post(&keys, owner.token(), json!({"name": "x", "scopes": []}))
        .await
        .expect(400);
    assert_eq!(r.fields(), ["scopes"]);
    let r = app
        .post(
            &keys,
            owner.token(),
            json!({"name": "x", "scopes": ["leads:read"], "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await
        .expect(400);
    assert_eq!(r.body["error"]["fields"][0]["code"], "out_of_range");
    app.post(
        &keys,
        owner.token(),
        json!({"name": "x", "scopes": ["leads:read"], "company_id": company}),
    )
    .await
    .expect(400);
}

async fn a_key_acts_as_its_company_within_its_scopes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (owner, company, operator) = company(&app).await;
    let draft = id_of(&app.product(&owner, &company).await);
    let products = format!("/api/v1/companies/{company}/products");
    let read = secret(&create_key(&app, &owner, &company, &["catalog:read"]).await);

    // catalog:read reads the company's products, drafts included, as its members do.
    let list = app.get(&products, Some(&read)).await.expect(200).body;
    assert!(list.to_string().contains(&draft), "{list}");
    let one = app
        .get(&format!("/api/v1/products/{draft}"), Some(&read))
        .await
        .expect(200)
        .body;
    assert_eq!(one["status"], "draft");
    // … but writes nothing.
    let r = app
        .post(&products, Some(&read), product_body())
        .await
        .expect(403);
    assert_eq!(r.code(), "scope_missing");
    let r = app
        .patch(
            &format!("/api/v1/products/{draft}"),
            Some(&read),
            json!({"title_en": "Changed"}),
        )
        .await
        .expect(403);
    assert_eq!(r.code(), "scope_missing");
    // Inquiries and leads need their own scopes.
    for path in [
        "/api/v1/inquiries".to_owned(),
        format!("/api/v1/companies/{company}/leads"),
    ] {
        let r = app.get(&path, Some(&read)).await.expect(403);
        assert_eq!(r.code(), "scope_missing", "{path}");
    }
    // Account-level routes take no keys at all.
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/me/password"),
        ("POST", "/api/v1/me/erasure"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/notifications"),
    ] {
        let r = app
            .call(
                method.parse().unwrap(),
                path,
                Some(&read),
                (method == "POST").then(|| json!({})).as_ref(),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (403, "api_key_not_allowed"),
            "{method} {path}"
        );
    }

    // catalog:write creates a product, attributed to the key in the audit log.
    let write = create_key(&app, &owner, &company, &["catalog:write"]).await;
    let made = app
        .post(&products, Some(&secret(&write)), product_body())
        .await
        .expect(201)
        .body;
    assert_eq!(made["company_id"], company.as_str());
    let entries = audit(&app, &operator, "api_key.write", &id_of(&write)).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor_id"], owner.id.as_str());
    assert_eq!(entries[0]["after"]["method"], "POST");
    assert_eq!(
        entries[0]["after"]["route"],
        "/api/v1/companies/{id}/products"
    );
    assert_eq!(entries[0]["after"]["status"], 201);
    // A refused write is not recorded as one.
    let r = app
        .post(&products, Some(&secret(&write)), json!({"title_en": ""}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        audit(&app, &operator, "api_key.write", &id_of(&write))
            .await
            .len(),
        1
    );

    // inquiries:read lists the company's threads.
    let inquiries = secret(&create_key(&app, &owner, &company, &["inquiries:read"]).await);
    app.get("/api/v1/inquiries", Some(&inquiries))
        .await
        .expect(200);
    let r = app.get(&products, Some(&inquiries)).await.expect(403);
    assert_eq!(r.code(), "scope_missing");

    // A key reaches only its own company: another company's draft does not exist for it.
    let (other_owner, other, _) = self::company(&app).await;
    let other_draft = id_of(&app.product(&other_owner, &other).await);
    app.get(&format!("/api/v1/products/{other_draft}"), Some(&read))
        .await
        .expect(404);
    let write = secret(&write);
    app.post(
        &format!("/api/v1/companies/{other}/products"),
        Some(&write),
        product_body(),
    )
    .await
    .expect(403);
}

async fn revoked_expired_and_unknown_keys_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (owner, company, _) = company(&app).await;
    let products = format!("/api/v1/companies/{company}/products");
    let keys = format!("/api/v1/companies/{company}/api-keys");

    let in_an_hour = (e2e::clock::now() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let expiring = app
        .post(
            &keys,
            owner.token(),
            json!({"name": "temp", "scopes": ["catalog:read"], "expires_at": in_an_hour}),
        )
        .await
        .expect(201)
        .body;
    let expiring_secret = secret(&expiring);
    app.get(&products, Some(&expiring_secret)).await.expect(200);
    e2e::clock::advance(time::Duration::hours(2));
    let r = app.get(&products, Some(&expiring_secret)).await.expect(401);
    assert_eq!(r.code(), "api_key_expired");
    assert_eq!(r.header("www-authenticate").as_deref(), Some("Bearer"));
    let list = app.get(&keys, owner.token()).await.expect(200).body;
    assert_eq!(list[0]["status"], "expired");

    // Unknown and malformed keys, on any route, even one that takes no keys.
    for bad in [
        "tfk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        format!("{expiring_secret}x"),
        "tfk_".to_owned(),
    ] {
        for path in [products.as_str(), "/api/v1/me"] {
            let r = app.get(path, Some(&bad)).await.expect(401);
            assert_eq!(r.code(), "invalid_api_key", "{bad} on {path}");
        }
    }

    // A key acts through the member who made it: when they leave the company it stops.
    let admin = app.signup("supplier").await;
    app.add_member(&owner, &company, &admin, "admin").await;
    let by_admin = secret(&create_key(&app, &admin, &company, &["catalog:read"]).await);
    app.get(&products, Some(&by_admin)).await.expect(200);
    app.delete(
        &format!("/api/v1/companies/{company}/members/{}", admin.id),
        owner.token(),
    )
    .await
    .expect(204);
    let r = app.get(&products, Some(&by_admin)).await.expect(401);
    assert_eq!(r.code(), "invalid_api_key");
}

async fn keys_are_limited_per_key(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.api_key_burst = 3;
        c.api_key_period_ms = 3_600_000;
    })
    .await;
    let (owner, company, _) = company(&app).await;
    let products = format!("/api/v1/companies/{company}/products");
    let first = secret(&create_key(&app, &owner, &company, &["catalog:read"]).await);
    let second = secret(&create_key(&app, &owner, &company, &["catalog:read"]).await);
    for _ in 0..3 {
        app.get(&products, Some(&first)).await.expect(200);
    }
    let r = app.get(&products, Some(&first)).await.expect(429);
    assert_eq!(r.code(), "rate_limited");
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry > 0);
    // Another key of the same company, and the members themselves, have their own budgets.
    app.get(&products, Some(&second)).await.expect(200);
    app.get(&products, owner.token()).await.expect(200);
}

/// Two servers on one Redis share each key's budget.
async fn a_key_budget_is_shared_through_redis(b: Backend) {
    let a = TestApp::spawn_with(b, |c| {
        c.redis_url = Some(e2e::redis_url());
        c.redis_prefix = format!("t:{}:", uuid::Uuid::new_v4().simple());
        c.api_key_burst = 3;
        c.api_key_period_ms = 3_600_000;
    })
    .await;
    let sibling = a.spawn_sibling(|_| {}).await;
    let (owner, company, _) = company(&a).await;
    let products = format!("/api/v1/companies/{company}/products");
    let key = secret(&create_key(&a, &owner, &company, &["catalog:read"]).await);
    a.get(&products, Some(&key)).await.expect(200);
    sibling.get(&products, Some(&key)).await.expect(200);
    a.get(&products, Some(&key)).await.expect(200);
    let r = sibling.get(&products, Some(&key)).await.expect(429);
    assert!(r.header("retry-after").is_some());
    a.get(&products, Some(&key)).await.expect(429);
}

both_backends!(
    a_key_budget_is_shared_through_redis,
    keys_are_shown_once_listed_and_revoked,
    only_owners_and_admins_manage_keys,
    a_key_acts_as_its_company_within_its_scopes,
    revoked_expired_and_unknown_keys_are_refused,
    keys_are_limited_per_key,
);
