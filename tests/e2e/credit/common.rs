//! Shared setup for the credit tests: threads, accepted quotes, penalties and direct reads of
//! what the services wrote.

use diesel::prelude::*;
use e2e::{Account, TestApp};
use serde_json::{Value, json};

pub use e2e::fixtures::rule;
pub use e2e::{id_of, supplier};

/// A new inquiry thread from `buyer` to `company`; its id.
pub async fn thread(app: &TestApp, buyer: &Account, company: &str) -> String {
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({
                "subject": "询价 Quotation request",
                "message": format!("Please quote 5000 pcs ({})", uuid::Uuid::new_v4()),
                "targets": [{"type": "company", "id": company}],
            }),
        )
        .await
        .expect(201);
    reply.body["threads"][0]["id"]
        .as_str()
        .expect("thread id")
        .to_owned()
}

/// An RFC 3339 time `days` ahead on the domain clock.
pub fn days_ahead(days: i64) -> String {
    (domain::clock::now().assume_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// The domain clock's date `days` ahead, `YYYY-MM-DD`.
pub fn date_ahead(days: i64) -> String {
    (domain::clock::now().date() + time::Duration::days(days)).to_string()
}

pub fn buy_request() -> Value {
    json!({
        "kind": "buy",
        "title": "求购304不锈钢保温杯",
        "category_id": "home-goods.drinkware",
        "quantity": 10000,
        "unit": "piece",
        "valid_until": days_ahead(30),
        "publish": true,
    })
}

pub fn quote_terms() -> Value {
    json!({
        "unit_price": "11.80",
        "currency": "CNY",
        "moq": 1000,
        "lead_time_days": 20,
        "valid_until": days_ahead(20),
    })
}

/// `supplier`'s quote on a new open buy request of `buyer`; the quote's id (not accepted).
pub async fn quote(app: &TestApp, buyer: &Account, supplier: &Account) -> String {
    let listing = id_of(
        &app.post("/api/v1/listings", buyer.token(), buy_request())
            .await
            .expect(201)
            .body,
    );
    id_of(
        &app.post(
            &format!("/api/v1/listings/{listing}/quotes"),
            supplier.token(),
            quote_terms(),
        )
        .await
        .expect(201)
        .body,
    )
}

pub async fn accept(app: &TestApp, buyer: &Account, quote: &str) {
    app.post(
        &format!("/api/v1/quotes/{quote}/accept"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
}

/// Records `points` against `company`; the reply body.
pub async fn penalize(app: &TestApp, op: &Account, company: &str, points: i32) -> Value {
    app.post(
        &format!("/api/v1/operator/companies/{company}/penalties"),
        op.token(),
        json!({"points": points, "reason_code": "misleading_information", "note": "参数与实物不符"}),
    )
    .await
    .expect(201)
    .body
}

pub async fn credit(app: &TestApp, company: &str) -> Value {
    app.get(&format!("/api/v1/companies/{company}/credit"), None)
        .await
        .expect(200)
        .body
}

/// The payloads of `user`'s notifications of `kind`, oldest first.
pub async fn notifications(app: &TestApp, user: &Account, kind: &str) -> Vec<Value> {
    let user = user.id.clone();
    let kind = kind.to_owned();
    app.with_db(move |conn| {
        use domain::db::schema::notifications;
        notifications::table
            .filter(notifications::user_id.eq(user))
            .filter(notifications::kind.eq(kind))
            .order(notifications::id.asc())
            .select(notifications::payload)
            .load::<String>(conn)
            .expect("notifications")
            .iter()
            .map(|p| serde_json::from_str(p).expect("json"))
            .collect()
    })
    .await
}

/// Audit entries about `subject_id` with `action`, newest first.
pub async fn audit(app: &TestApp, op: &Account, subject_id: &str, action: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/operator/audit?subject_id={subject_id}&action={action}"),
        op.token(),
    )
    .await
    .expect(200)
    .body["items"]
        .as_array()
        .expect("items")
        .clone()
}
