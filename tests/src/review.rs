//! The review queue as an operator drives it: queue pages, decisions, and what owners are told.

use std::collections::BTreeSet;

use serde_json::{Value, json};

pub use crate::fixtures::rule;
use crate::{Account, TestApp};

pub const QUEUE: &str = "/api/v1/operator/review-queue";

pub fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The open items of the queue for `query` (every page).
pub async fn queue(app: &TestApp, op: &Account, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if query.is_empty() { "" } else { "&" };
        let path = match &cursor {
            Some(c) => format!("{QUEUE}?{query}{sep}limit=100&cursor={c}"),
            None => format!("{QUEUE}?{query}{sep}limit=100"),
        };
        let page = app.get(&path, op.token()).await.expect(200).body;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// Subject ids of the open items for `query`.
pub async fn subjects(app: &TestApp, op: &Account, query: &str) -> BTreeSet<String> {
    queue(app, op, query)
        .await
        .iter()
        .map(|i| s(&i["subject_id"]))
        .collect()
}

/// The open item of a subject.
pub async fn item_of(app: &TestApp, op: &Account, kind: &str, subject: &str) -> Value {
    let items = queue(app, op, &format!("kind={kind}")).await;
    items
        .into_iter()
        .find(|i| i["subject_id"] == subject)
        .unwrap_or_else(|| panic!("no open {kind} item for {subject}"))
}

pub async fn item_id(app: &TestApp, op: &Account, kind: &str, subject: &str) -> String {
    s(&item_of(app, op, kind, subject).await["id"])
}

pub async fn decide(
    app: &TestApp,
    op: &Account,
    item: &str,
    action: &str,
    body: Value,
) -> crate::Reply {
    app.post(&format!("{QUEUE}/{item}/{action}"), op.token(), body)
        .await
}

/// Approves the subject's open item.
pub async fn approve(app: &TestApp, op: &Account, kind: &str, subject: &str) -> Value {
    let item = item_id(app, op, kind, subject).await;
    decide(app, op, &item, "approve", json!({}))
        .await
        .expect(200)
        .body
}

/// An unverified company (C) and its owner.
pub async fn unverified(app: &TestApp) -> (Account, String) {
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    (owner, s(&company["id"]))
}

/// A product of `company`, published (through the queue when the company is not verified).
pub async fn live_product(
    app: &TestApp,
    op: &Account,
    owner: &Account,
    company: &str,
    body: Value,
) -> String {
    let id = app.publish(owner, company, body).await;
    let p = app
        .get(&format!("/api/v1/products/{id}"), owner.token())
        .await
        .expect(200)
        .body;
    if p["status"] == "pending_review" {
        approve(app, op, "product", &id).await;
    }
    id
}

/// The review decisions the account was told of.
pub async fn decisions_told(app: &TestApp, who: &Account) -> Vec<Value> {
    let page = app
        .get("/api/v1/notifications?limit=100", who.token())
        .await
        .expect(200)
        .body;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "review_decision")
        .cloned()
        .collect()
}
