//! Bodies and posting of sell offers, buy requests and quotes, with times on the domain clock.

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::fixtures::id_of;
use crate::{Account, TestApp};

/// `now + by` on the domain clock (the server's: it runs in this process), whole seconds.
pub fn at_offset(by: Duration) -> OffsetDateTime {
    let t = domain::clock::now().assume_utc() + by;
    t.replace_nanosecond(0).expect("valid time")
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("format")
}

pub fn in_days(days: i64) -> String {
    rfc3339(at_offset(Duration::days(days)))
}

pub fn buy_body() -> Value {
    json!({
        "kind": "buy",
        "title": "求购304不锈钢真空保温杯 500ml",
        "description": "<p>需要<strong>10000</strong>只，带彩盒</p><script>alert(1)</script>",
        "category_id": "home-goods.drinkware",
        "quantity": 10000,
        "unit": "piece",
        "target_price": "12.50",
        "currency": "CNY",
        "delivery_region": "宁波港 Ningbo port",
        "incoterm": "fob",
        "valid_until": in_days(30)
    })
}

pub fn sell_body() -> Value {
    json!({
        "kind": "sell",
        "title": "LED Panel Light 600x600 40W, factory stock",
        "description": "<p>CE RoHS</p>",
        "category_id": "lighting.led-panel-lights",
        "quantity": 5000,
        "unit": "piece",
        "target_price": "6.20",
        "currency": "USD",
        "incoterm": "EXW",
        "valid_until": in_days(60)
    })
}

pub fn with(mut body: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().expect("patch object") {
        body[k] = v.clone();
    }
    body
}

/// Posts a listing with `publish: true`; returns it.
pub async fn post_open(app: &TestApp, who: &Account, body: Value) -> Value {
    app.post(
        "/api/v1/listings",
        who.token(),
        with(body, json!({"publish": true})),
    )
    .await
    .expect(201)
    .body
}

pub async fn draft(app: &TestApp, who: &Account, body: Value) -> Value {
    app.post("/api/v1/listings", who.token(), body)
        .await
        .expect(201)
        .body
}

/// Ids of a listing page.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// A quote on a buy request, valid for 20 days.
pub fn quote_body(price: &str) -> Value {
    json!({
        "unit_price": price,
        "currency": "CNY",
        "moq": 1000,
        "lead_time_days": 20,
        "incoterm": "FOB",
        "valid_until": in_days(20),
        "message": "可提供样品，含彩盒包装。"
    })
}
