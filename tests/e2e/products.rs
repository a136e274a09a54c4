//! Products: validation, money in minor units, the review flow, who sees drafts.

use e2e::fixtures::product_body;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

async fn product_fields_are_validated(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let path = format!(
        "/api/v1/companies/{}/products",
        company["id"].as_str().unwrap()
    );
    let with = |patch: serde_json::Value| {
        let mut body = product_body();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (json!({"title_zh": null, "title_en": null}), "title_zh"),
        (json!({"title_zh": "", "title_en": "  "}), "title_en"),
        (json!({"category_id": "home-goods"}), "category_id"),
        (json!({"category_id": "no-such.category"}), "category_id"),
        (
            json!({"price_tiers": [{"min_quantity": 100, "unit_price": "5"}, {"min_quantity": 100, "unit_price": "4"}]}),
            "price_tiers[1].min_quantity",
        ),
        (
            json!({"price_tiers": [{"min_quantity": 100, "unit_price": "49.999"}]}),
            "price_tiers[0].unit_price",
        ),
        (
            json!({"price_tiers": [{"min_quantity": 100, "unit_price": "-1"}]}),
            "price_tiers[0].unit_price",
        ),
        (json!({"price_tiers": []}), "price_tiers"),
        (json!({"price_on_request": true}), "price_tiers"),
        (json!({"currency": "RMB"}), "currency"),
        (json!({"images": ["ftp://x/y.png"]}), "images[0]"),
        (
            json!({"keywords": ["a","b","c","d","e","f","g","h","i","j","k"]}),
            "keywords",
        ),
        (json!({"moq": 0}), "moq"),
        (json!({"lead_time_days": 400}), "lead_time_days"),
        (json!({"unit": ""}), "unit"),
    ];
    for (patch, field) in cases {
        let reply = app
            .post(&path, owner.token(), with(patch.clone()))
            .await
            .expect(400);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{patch} → {:?}",
            reply.body
        );
    }
    // Wrong JSON types name the field too.
    let reply = app
        .post(&path, owner.token(), with(json!({"moq": "many"})))
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["moq"]);
    // A price on request needs no tiers and no currency.
    let body = with(json!({"price_on_request": true, "price_tiers": [], "currency": null}));
    let created = app.post(&path, owner.token(), body).await.expect(201).body;
    assert_eq!(created["price_on_request"], true);
    assert!(created["price_min"].is_null());
}

async fn prices_are_exact_minor_units(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let product = app.product(&owner, company["id"].as_str().unwrap()).await;
    assert_eq!(product["status"], "draft");
    assert_eq!(product["price_tiers"][0]["unit_price"], "49.90");
    assert_eq!(product["price_tiers"][0]["unit_price_minor"], 4990);
    assert_eq!(product["price_tiers"][1]["unit_price_minor"], 4250);
    assert_eq!(product["price_min"], "42.50");
    assert_eq!(product["price_max"], "49.90");
    assert_eq!(product["currency"], "CNY");
    let id = product["id"].as_str().unwrap();
    let edited = app
        .patch(
            &format!("/api/v1/products/{id}"),
            owner.token(),
            json!({"currency": "JPY", "price_tiers": [{"min_quantity": 10, "unit_price": "1200"}]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["price_tiers"][0]["unit_price_minor"], 1200);
    assert_eq!(edited["price_max"], "1200");
    // Untouched fields keep their values.
    assert_eq!(edited["title_zh"], product["title_zh"]);
    assert_eq!(edited["attributes"], product["attributes"]);
}

async fn unverified_company_products_go_through_review(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let product = app.product(&owner, company["id"].as_str().unwrap()).await;
    let id = product["id"].as_str().unwrap();
    let at = |suffix: &str| format!("/api/v1/products/{id}{suffix}");

    app.get(&at(""), None).await.expect(404);
    let pending = app
        .post(&at("/publish"), owner.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(pending["status"], "pending_review");
    app.get(&at(""), None).await.expect(404);
    assert_eq!(
        app.post(&at("/publish"), owner.token(), json!({}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );

    let reject = format!("/api/v1/operator/products/{id}/reject");
    assert_eq!(
        app.post(&reject, op.token(), json!({}))
            .await
            .expect(400)
            .fields(),
        vec!["reason"]
    );
    let rejected = app
        .post(&reject, op.token(), json!({"reason": "图片含联系方式"}))
        .await
        .expect(200)
        .body;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["review_note"], "图片含联系方式");
    // Editing a rejected product makes it a draft again; publishing sends it back to review.
    let edited = app
        .patch(&at(""), owner.token(), json!({"images": []}))
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "draft");
    app.post(&at("/publish"), owner.token(), json!({}))
        .await
        .expect(200);
    let approved = app
        .post(
            &format!("/api/v1/operator/products/{id}/approve"),
            op.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(approved["status"], "published");
    assert!(approved["published_at"].is_string());
    assert_eq!(app.get(&at(""), None).await.expect(200).body["id"], id);
    // An unverified company's edit of a published product is a change request: the published
    // version stays live until an operator approves it (the review tests cover the rest).
    let edited = app
        .patch(&at(""), owner.token(), json!({"title_en": "Changed"}))
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "published");
    assert_eq!(edited["title_en"], product["title_en"]);
    assert_eq!(edited["edit"]["outcome"], "pending");
    assert_eq!(edited["edit"]["change_request_status"], "pending");
    let public = app.get(&at(""), None).await.expect(200).body;
    assert_eq!(public["title_en"], product["title_en"]);
}

async fn verified_company_publishes_directly(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let product = app.product(&owner, company["id"].as_str().unwrap()).await;
    let id = product["id"].as_str().unwrap();
    let published = app
        .post(
            &format!("/api/v1/products/{id}/publish"),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(published["status"], "published");
    let edited = app
        .patch(
            &format!("/api/v1/products/{id}"),
            owner.token(),
            json!({"moq": 50}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["status"], "published");
    assert_eq!(
        app.get(&format!("/api/v1/products/{id}"), None)
            .await
            .expect(200)
            .body["moq"],
        50
    );
    let draft = app
        .post(
            &format!("/api/v1/products/{id}/unpublish"),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(draft["status"], "draft");
    app.get(&format!("/api/v1/products/{id}"), None)
        .await
        .expect(404);
    app.delete(&format!("/api/v1/products/{id}"), owner.token())
        .await
        .expect(204);
    app.get(&format!("/api/v1/products/{id}"), owner.token())
        .await
        .expect(404);
    app.delete(&format!("/api/v1/products/{id}"), owner.token())
        .await
        .expect(404);
}

async fn other_suppliers_cannot_read_drafts_or_write(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner_a, company_a) = app.verified_company(&op).await;
    let (owner_b, _) = app.verified_company(&op).await;
    let a = company_a["id"].as_str().unwrap();
    let draft = app.product(&owner_a, a).await;
    let draft_id = draft["id"].as_str().unwrap();
    let public = app.product(&owner_a, a).await;
    let public_id = public["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/products/{public_id}/publish"),
        owner_a.token(),
        json!({}),
    )
    .await
    .expect(200);

    // Drafts do not exist for outsiders.
    app.get(&format!("/api/v1/products/{draft_id}"), owner_b.token())
        .await
        .expect(404);
    app.patch(
        &format!("/api/v1/products/{draft_id}"),
        owner_b.token(),
        json!({"moq": 1}),
    )
    .await
    .expect(404);
    app.delete(&format!("/api/v1/products/{draft_id}"), owner_b.token())
        .await
        .expect(404);
    app.post(
        &format!("/api/v1/products/{draft_id}/publish"),
        owner_b.token(),
        json!({}),
    )
    .await
    .expect(404);
    // Published products are visible but not writable.
    app.get(&format!("/api/v1/products/{public_id}"), owner_b.token())
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/products/{public_id}"),
        owner_b.token(),
        json!({"moq": 1}),
    )
    .await
    .expect(403);
    app.delete(&format!("/api/v1/products/{public_id}"), owner_b.token())
        .await
        .expect(403);
    app.post(
        &format!("/api/v1/products/{public_id}/unpublish"),
        owner_b.token(),
        json!({}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/api/v1/companies/{a}/products"),
        owner_b.token(),
        e2e::fixtures::product_body(),
    )
    .await
    .expect(403);
    app.patch(
        &format!("/api/v1/companies/{a}"),
        owner_b.token(),
        json!({"city": "深圳市"}),
    )
    .await
    .expect(403);
    // Nothing changed.
    let after = app
        .get(&format!("/api/v1/products/{draft_id}"), owner_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(after["moq"], draft["moq"]);
    assert_eq!(after["updated_at"], draft["updated_at"]);
    // The company's own list shows drafts to members only.
    let own = app
        .get(&format!("/api/v1/companies/{a}/products"), owner_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    let outside = app
        .get(
            &format!("/api/v1/companies/{a}/products?status=draft"),
            owner_b.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(outside["items"].as_array().unwrap().len(), 0);
    let outside = app
        .get(&format!("/api/v1/companies/{a}/products"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(outside["items"].as_array().unwrap().len(), 1);
    assert_eq!(outside["items"][0]["id"], public_id);
}

async fn lists_are_cursor_paged_without_gaps(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap();
    let mut ids = Vec::new();
    for _ in 0..7 {
        let id = app
            .publish(&owner, cid, e2e::fixtures::product_body())
            .await;
        ids.push(id);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/api/v1/companies/{cid}/products?limit=3");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&path, None).await.expect(200).body;
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    ids.reverse();
    assert_eq!(seen, ids, "newest first, no duplicates, no gaps");
    for bad in [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "cursor=not-a-cursor",
    ] {
        let reply = app
            .get(&format!("/api/v1/companies/{cid}/products?{bad}"), None)
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }
    app.get(
        &format!("/api/v1/companies/{cid}/products?status=sold"),
        owner.token(),
    )
    .await
    .expect(400);
}

async fn sku_is_unique_per_company_and_private(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap().to_owned();
    let products = format!("/api/v1/companies/{cid}/products");
    let with_sku = |sku: &str| {
        let mut body = product_body();
        body["sku"] = json!(sku);
        body
    };
    let first = app
        .post(&products, owner.token(), with_sku(" A-1 "))
        .await
        .expect(201)
        .body;
    assert_eq!(first["sku"], "A-1");
    let taken = app
        .post(&products, owner.token(), with_sku("A-1"))
        .await
        .expect(400);
    assert_eq!(taken.fields(), vec!["sku"]);
    assert_eq!(taken.body["error"]["fields"][0]["code"], "duplicate");
    let long = app
        .post(&products, owner.token(), with_sku(&"x".repeat(65)))
        .await
        .expect(400);
    assert_eq!(long.fields(), vec!["sku"]);
    // Another company has its own codes.
    let (other, other_company) = app.verified_company(&op).await;
    app.post(
        &format!(
            "/api/v1/companies/{}/products",
            other_company["id"].as_str().unwrap()
        ),
        other.token(),
        with_sku("A-1"),
    )
    .await
    .expect(201);

    // Published, the product shows its SKU to the company only.
    let id = first["id"].as_str().unwrap();
    let at = format!("/api/v1/products/{id}");
    app.post(&format!("{at}/publish"), owner.token(), json!({}))
        .await
        .expect(200);
    assert!(app.get(&at, None).await.expect(200).body["sku"].is_null());
    assert!(app.get(&at, other.token()).await.expect(200).body["sku"].is_null());
    let public = app.get(&products, None).await.expect(200).body;
    assert!(public["items"][0]["sku"].is_null());
    let own = app.get(&products, owner.token()).await.expect(200).body;
    assert_eq!(own["items"][0]["sku"], "A-1");
    // A new code on a published product is written at once (no change request holds it),
    // and a code in use by another product is refused there too.
    let second = app
        .post(&products, owner.token(), with_sku("B-1"))
        .await
        .expect(201)
        .body;
    app.patch(&at, owner.token(), json!({"sku": "A-2"}))
        .await
        .expect(200);
    assert_eq!(
        app.get(&at, owner.token()).await.expect(200).body["sku"],
        "A-2"
    );
    let clash = app
        .patch(&at, owner.token(), json!({"sku": "B-1"}))
        .await
        .expect(400);
    assert_eq!(clash.fields(), vec!["sku"]);
    // Blank clears; a deleted product frees its code.
    let second_at = format!("/api/v1/products/{}", second["id"].as_str().unwrap());
    let cleared = app
        .patch(&second_at, owner.token(), json!({"sku": ""}))
        .await
        .expect(200)
        .body;
    assert!(cleared["sku"].is_null());
    app.delete(&at, owner.token()).await.expect(204);
    app.post(&products, owner.token(), with_sku("A-2"))
        .await
        .expect(201);
}

/// An edit of a draft that changes nothing writes nothing: the product keeps its `updated_at`
/// and no event reaches the index or webhooks (a re-imported catalog's unchanged rows take this
/// path). A real change does both.
async fn an_edit_that_changes_nothing_writes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let cid = company["id"].as_str().unwrap().to_owned();
    let draft = app
        .post(
            &format!("/api/v1/companies/{cid}/products"),
            owner.token(),
            product_body(),
        )
        .await
        .expect(201)
        .body;
    let id = draft["id"].as_str().unwrap().to_owned();
    let events = || {
        let id = id.clone();
        app.with_db(move |conn| {
            use diesel::prelude::*;
            use domain::db::schema::outbox;
            outbox::table
                .filter(outbox::entity_id.eq(id))
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
    };
    let before = events().await;
    domain::clock::advance(time::Duration::minutes(5));
    let path = format!("/api/v1/products/{id}");
    let same = app
        .patch(&path, owner.token(), product_body())
        .await
        .expect(200)
        .body;
    assert_eq!(same["edit"]["outcome"], "applied", "{same}");
    assert_eq!(same["updated_at"], draft["updated_at"]);
    assert_eq!(events().await, before);
    let mut changed = product_body();
    changed["moq"] = json!(200);
    let after = app
        .patch(&path, owner.token(), changed)
        .await
        .expect(200)
        .body;
    assert_eq!(after["moq"], 200);
    assert_ne!(after["updated_at"], draft["updated_at"]);
    assert_eq!(events().await, before + 1);
}

both_backends!(
    an_edit_that_changes_nothing_writes_nothing,
    sku_is_unique_per_company_and_private,
    product_fields_are_validated,
    prices_are_exact_minor_units,
    unverified_company_products_go_through_review,
    verified_company_publishes_directly,
    other_suppliers_cannot_read_drafts_or_write,
    lists_are_cursor_paged_without_gaps,
);
