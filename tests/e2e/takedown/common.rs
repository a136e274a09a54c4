//! Shared setup: a verified company with members and a published product whose title carries a
//! word no other item has, and helpers that check public visibility and search once the index caught up.

use std::time::Instant;

use e2e::fixtures::product_body;
use e2e::{Account, TestApp};
use serde_json::{Value, json};

pub use e2e::id_of;

pub struct Shop {
    pub owner: Account,
    pub admin: Account,
    pub staff: Account,
    pub company: String,
    pub slug: String,
    pub product: String,
    /// A word only this shop's product title has.
    pub word: String,
}

/// A verified company with an admin and a staff member and one published product.
pub async fn shop(app: &TestApp, op: &Account, word: &str) -> Shop {
    let (owner, company) = app.verified_company(op).await;
    let company_id = id_of(&company);
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company_id, &admin, "admin").await;
    app.add_member(&owner, &company_id, &staff, "staff").await;
    let mut body = product_body();
    body["title_en"] = json!(format!("{word} vacuum flask"));
    let product = app.publish(&owner, &company_id, body).await;
    Shop {
        owner,
        admin,
        staff,
        slug: company["slug"].as_str().expect("slug").to_owned(),
        company: company_id,
        product,
        word: word.to_owned(),
    }
}

pub fn notice(subject_type: &str, id: &str) -> Value {
    json!({
        "subject_type": subject_type,
        "subject_id": id,
        "rights_type": "trademark",
        "rights_holder": "上海示例品牌管理有限公司",
        "registration_number": "第12345678号",
        "description": "商品标题与图片使用我方注册商标",
        "evidence_urls": ["https://evidence.example.com/certificate.pdf"],
        "good_faith": true,
    })
}

pub fn counter() -> Value {
    json!({
        "statement": "本店为品牌授权经销商，授权书编号 SH-2026-0815",
        "evidence_urls": ["https://evidence.example.com/licence.pdf"],
        "good_faith": true,
    })
}

pub fn note(text: &str) -> Value {
    json!({"note": text})
}

pub fn reason(text: &str) -> Value {
    json!({"reason": text})
}

pub async fn product_search(app: &TestApp, word: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/search/products?q={word}"), None)
        .await
        .expect(200);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

pub async fn listing_search(app: &TestApp, word: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/search/listings?q={word}"), None)
        .await
        .expect(200);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

pub async fn supplier_search(app: &TestApp, word: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/search/suppliers?q={word}"), None)
        .await
        .expect(200);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// Waits until this server's search index has applied every outbox event written so far (the
/// change and its outbox event were committed together before the request returned). The 1 s
/// freshness target is measured by `scripts/bench/freshness.sh`, not asserted here: a loaded CI
/// machine must not fail a functional test; 20 s means the event was never applied.
pub async fn index_caught_up(app: &TestApp, since: Instant) {
    app.wait_for_index().await;
    println!("index caught up after {:?}", since.elapsed());
}

/// Once the index caught up, product search for `word` finds `id` (or no longer does).
pub async fn product_search_after_indexing(
    app: &TestApp,
    word: &str,
    id: &str,
    expected: bool,
    since: Instant,
) {
    index_caught_up(app, since).await;
    let found = product_search(app, word).await.iter().any(|p| p == id);
    assert_eq!(found, expected, "product search for {word:?} and {id}");
}

pub async fn listing_search_after_indexing(
    app: &TestApp,
    word: &str,
    id: &str,
    expected: bool,
    since: Instant,
) {
    index_caught_up(app, since).await;
    let found = listing_search(app, word).await.iter().any(|l| l == id);
    assert_eq!(found, expected, "listing search for {word:?} and {id}");
}

pub async fn supplier_search_after_indexing(
    app: &TestApp,
    word: &str,
    id: &str,
    expected: bool,
    since: Instant,
) {
    index_caught_up(app, since).await;
    let found = supplier_search(app, word).await.iter().any(|c| c == id);
    assert_eq!(found, expected, "supplier search for {word:?} and {id}");
}

/// The product is shown on every public endpoint (product, company list, storefront), or on
/// none of them.
pub async fn assert_product_public(app: &TestApp, shop: &Shop, id: &str, public: bool) {
    let status = app
        .get(&format!("/api/v1/products/{id}"), None)
        .await
        .status;
    assert_eq!(status, if public { 200 } else { 404 }, "GET product {id}");
    let list = app
        .get(
            &format!("/api/v1/companies/{}/products", shop.company),
            None,
        )
        .await;
    let in_list = list.status == 200
        && list.body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["id"] == id));
    assert_eq!(in_list, public, "company product list: {}", list.body);
    let front = app
        .get(&format!("/api/v1/storefronts/{}", shop.slug), None)
        .await;
    let in_front = front.status == 200
        && front.body["products"]["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["id"] == id));
    assert_eq!(in_front, public, "storefront: {}", front.body);
}

/// A sell offer of the shop, open at once (the company is verified); its id.
pub async fn sell_offer(app: &TestApp, shop: &Shop, word: &str) -> String {
    let valid_until = (domain::clock::now().assume_utc() + time::Duration::days(30))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    let l = app
        .post(
            "/api/v1/listings",
            shop.owner.token(),
            json!({"kind": "sell", "title": format!("{word} LED panel light 600x600"),
                   "category_id": "lighting.led-panel-lights", "quantity": 5000, "unit": "piece",
                   "valid_until": valid_until, "publish": true}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(l["status"], "open", "{l}");
    id_of(&l)
}

/// The kinds of the account's notifications, newest first.
pub async fn notification_kinds(app: &TestApp, who: &Account) -> Vec<String> {
    app.get("/api/v1/notifications?limit=100", who.token())
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The timeline's step kinds, in order.
pub fn steps(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub async fn audit_intact(app: &TestApp, op: &Account) {
    let v = app
        .get("/api/v1/operator/audit/verify", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(v["intact"], true, "{v}");
}
