//! Storefronts: licence facts, badge, products; suspension removes everything public.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

async fn storefront_shows_licence_badge_and_products(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap();
    for _ in 0..3 {
        let p = app.product(&owner, cid).await;
        app.post(
            &format!("/api/v1/products/{}/publish", p["id"].as_str().unwrap()),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200);
    }
    app.product(&owner, cid).await; // a draft, not shown
    let slug = company["slug"].as_str().unwrap();
    let s = app
        .get(&format!("/api/v1/storefronts/{slug}?limit=2"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(s["licence"]["legal_name"], "宁波测试精密机械有限公司");
    assert_eq!(s["licence"]["credit_code"], company["credit_code"]);
    assert_eq!(s["licence"]["legal_representative"], "王建国");
    assert_eq!(
        s["licence"]["registered_address"],
        company["registered_address"]
    );
    assert_eq!(s["verification"]["verified"], true);
    assert!(s["verification"]["verified_at"].is_string());
    assert_eq!(s["member_since"], company["created_at"]);
    assert_eq!(s["contacts"][0]["name"], "王经理");
    assert_eq!(s["product_count"], 3);
    assert_eq!(s["products"]["items"].as_array().unwrap().len(), 2);
    let cursor = s["products"]["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/storefronts/{slug}?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rest["products"]["items"].as_array().unwrap().len(), 1);
    assert!(rest["products"]["next_cursor"].is_null());
    app.get("/api/v1/storefronts/no-such-shop", None)
        .await
        .expect(404);
}

async fn suspension_removes_company_from_every_public_endpoint(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap();
    let slug = company["slug"].as_str().unwrap();
    let p = app.product(&owner, cid).await;
    let pid = p["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/products/{pid}/publish"),
        owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    let buyer = app.signup("buyer").await;
    let public_paths = [
        format!("/api/v1/storefronts/{slug}"),
        format!("/api/v1/companies/{cid}"),
        format!("/api/v1/products/{pid}"),
        format!("/api/v1/companies/{cid}/products"),
    ];
    for path in &public_paths {
        app.get(path, None).await.expect(200);
    }
    app.post(
        &format!("/api/v1/operator/companies/{cid}/suspend"),
        op.token(),
        json!({"reason": "知识产权投诉成立"}),
    )
    .await
    .expect(200);
    for path in &public_paths {
        assert_eq!(app.get(path, None).await.status, 404, "{path} anonymous");
        assert_eq!(
            app.get(path, buyer.token()).await.status,
            404,
            "{path} buyer"
        );
    }
    // Members and operators still see their records; members cannot publish while suspended.
    assert_eq!(
        app.get(&format!("/api/v1/companies/{cid}"), owner.token())
            .await
            .expect(200)
            .body["status"],
        "suspended"
    );
    app.get(&format!("/api/v1/products/{pid}"), op.token())
        .await
        .expect(200);
    let code = app
        .post(
            &format!("/api/v1/companies/{cid}/products"),
            owner.token(),
            e2e::fixtures::product_body(),
        )
        .await
        .expect(409)
        .code()
        .to_owned();
    assert_eq!(code, "company_suspended");
    app.post(
        &format!("/api/v1/operator/companies/{cid}/reinstate"),
        op.token(),
        json!({"reason": "申诉成立"}),
    )
    .await
    .expect(200);
    for path in &public_paths {
        app.get(path, None).await.expect(200);
    }
}

async fn categories_are_a_bilingual_two_level_tree(b: Backend) {
    let app = TestApp::spawn(b).await;
    let tree = app.get("/api/v1/categories", None).await.expect(200).body;
    let roots = tree.as_array().unwrap();
    assert!(roots.len() >= 10, "{} top-level categories", roots.len());
    let ids: Vec<&str> = roots.iter().map(|c| c["id"].as_str().unwrap()).collect();
    for expected in [
        "machinery",
        "hardware-tools",
        "electronic-components",
        "textiles-apparel",
        "chemicals",
        "packaging-printing",
        "food-beverage",
        "building-materials",
        "auto-parts",
    ] {
        assert!(ids.contains(&expected), "{expected} missing");
    }
    for root in roots {
        assert!(!root["name_zh"].as_str().unwrap().is_empty());
        assert!(!root["name_en"].as_str().unwrap().is_empty());
        let children = root["children"].as_array().unwrap();
        assert!(!children.is_empty(), "{} has no children", root["id"]);
        for child in children {
            assert!(
                child["id"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{}.", root["id"].as_str().unwrap()))
            );
            assert_eq!(child["children"].as_array().unwrap().len(), 0);
        }
    }
}

async fn bad_bodies_get_clear_errors(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.max_body_bytes = 4096).await;
    let owner = app.signup("supplier").await;
    let send = |body: Vec<u8>, content_type: &'static str| {
        app.http
            .post(app.url("/api/v1/companies"))
            .bearer_auth(&owner.access)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let r = send(b"{not json".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "invalid_json"
    );
    let r = send(
        b"legal_name=x".to_vec(),
        "application/x-www-form-urlencoded",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 415);
    let big = format!("{{\"description\": \"{}\"}}", "保".repeat(5000));
    let r = send(big.into_bytes(), "application/json").await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "payload_too_large"
    );
    let deep = format!("{}{}", "[".repeat(3000), "]".repeat(3000));
    let r = send(deep.into_bytes(), "application/json").await.unwrap();
    assert!(r.status() == 400 || r.status() == 413, "{}", r.status());
    let r = send(b"[]".to_vec(), "application/json").await.unwrap();
    assert_eq!(r.status(), 400);
    let r = send(b"{} trailing".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Server still fine.
    app.get("/healthz", None).await.expect(200);
}

async fn demo_data_loads_and_is_served(b: Backend) {
    let app = TestApp::spawn(b).await;
    let logins = app
        .with_db(|conn| domain::demo::load(conn).expect("demo loads"))
        .await;
    assert!(logins.loaded);
    assert_eq!(logins.suppliers, 20);
    let again = app
        .with_db(|conn| domain::demo::load(conn).expect("demo loads twice"))
        .await;
    assert!(!again.loaded, "loading twice adds nothing");
    for email in [&logins.operator, &logins.buyer, &logins.supplier] {
        app.login(email, logins.password).await.expect(200);
    }
    let slug = domain::demo::data::SUPPLIERS[0].slug;
    let s = app
        .get(&format!("/api/v1/storefronts/{slug}?limit=100"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(s["verification"]["verified"], true);
    assert_eq!(s["product_count"], 15);
    let items = s["products"]["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|p| p["title_zh"].as_str().is_some_and(|t| !t.is_empty()))
    );
    // English suppliers write English titles and price in USD.
    let en = domain::demo::data::SUPPLIERS
        .iter()
        .find(|s| s.language == "en" && s.verified)
        .unwrap();
    let s = app
        .get(&format!("/api/v1/storefronts/{}", en.slug), None)
        .await
        .expect(200)
        .body;
    let first = &s["products"]["items"][0];
    assert!(first["title_en"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(first["currency"] == "USD" || first["price_on_request"] == true);

    // `seed-demo` pictures every demo product (their companies are owned by demo accounts).
    let unpictured = app
        .with_db(|conn| domain::demo::products_without_images(conn).expect("unpictured"))
        .await;
    assert_eq!(unpictured.len(), 300);

    // `seed-demo` attaches a drawing to each demo buy request, and to nobody else's.
    let outsider = app.signup("buyer").await;
    let theirs = app
        .post(
            "/api/v1/listings",
            outsider.token(),
            e2e::listings::buy_body(),
        )
        .await
        .expect(201)
        .body;
    let undrawn = app
        .with_db(|conn| domain::demo::buy_requests_without_attachments(conn).expect("undrawn"))
        .await;
    assert!(!undrawn.is_empty());
    let pool = domain::db::connect_pool(&app.db.url, 2).expect("pool");
    let store = api::media::MediaStore::from_config(&app.config).expect("store");
    let dir = app.config.data_dir.clone();
    let drawn = api::media::demo::draw_demo_buy_requests(&pool, &store, &dir)
        .await
        .expect("drawings");
    assert_eq!(drawn, undrawn.len());
    let again = api::media::demo::draw_demo_buy_requests(&pool, &store, &dir)
        .await
        .expect("drawings");
    assert_eq!(again, 0, "drawn buy requests are left alone");
    let other = app.signup("supplier").await;
    let read = app
        .get(
            &format!("/api/v1/listings/{}", undrawn[0].listing_id),
            other.token(),
        )
        .await
        .expect(200)
        .body;
    let url = read["attachments"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!url.is_empty(), "{read}");
    assert_eq!(app.get_raw(&url, other.token(), &[]).await.0, 200);
    assert_eq!(app.get_raw(&url, None, &[]).await.0, 404);
    let mine = app
        .get(
            &format!(
                "/api/v1/listings/{}",
                theirs["id"].as_str().unwrap_or_default()
            ),
            outsider.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(mine["attachments"], serde_json::json!([]), "{mine}");
}

both_backends!(
    storefront_shows_licence_badge_and_products,
    suspension_removes_company_from_every_public_endpoint,
    categories_are_a_bilingual_two_level_tree,
    bad_bodies_get_clear_errors,
    demo_data_loads_and_is_served,
);
