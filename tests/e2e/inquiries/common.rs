//! Shared setup for the inquiry tests: verified companies with a published product, requests,
//! and direct reads of what the services wrote (notifications, leads) until their HTTP routes
//! exist.

use diesel::prelude::*;
use e2e::{Account, Reply, TestApp};
use serde_json::{Value, json};

pub use e2e::{join_all, supplier};

pub const INQUIRIES: &str = "/api/v1/inquiries";

pub fn product(id: &str) -> Value {
    json!({"type": "product", "id": id})
}

pub fn company(id: &str) -> Value {
    json!({"type": "company", "id": id})
}

pub fn listing(id: &str) -> Value {
    json!({"type": "listing", "id": id})
}

/// A valid inquiry body; `message` distinguishes it from others of the same buyer.
pub fn body(targets: Vec<Value>, message: &str) -> Value {
    json!({
        "subject": "询价：304不锈钢保温杯 Quotation request",
        "message": message,
        "quantity": 5000,
        "unit": "piece",
        "attachments": [],
        "targets": targets,
    })
}

pub async fn send(app: &TestApp, buyer: &Account, targets: Vec<Value>, message: &str) -> Reply {
    app.post(INQUIRIES, buyer.token(), body(targets, message))
        .await
}

/// Opens one thread with `company_id`; returns its id.
pub async fn open_thread(app: &TestApp, buyer: &Account, company_id: &str) -> String {
    let reply = send(
        app,
        buyer,
        vec![company(company_id)],
        &format!("Please quote, ref {}", uuid::Uuid::new_v4()),
    )
    .await
    .expect(201);
    thread_id(&reply.body, 0)
}

pub fn thread_id(created: &Value, i: usize) -> String {
    created["threads"][i]["id"]
        .as_str()
        .expect("thread id")
        .to_owned()
}

pub fn thread_path(id: &str, action: &str) -> String {
    if action.is_empty() {
        format!("{INQUIRIES}/{id}")
    } else {
        format!("{INQUIRIES}/{id}/{action}")
    }
}

pub async fn write(app: &TestApp, who: &Account, thread: &str, text: &str) -> Reply {
    app.post(
        &thread_path(thread, "messages"),
        who.token(),
        json!({"body": text}),
    )
    .await
}

pub async fn unread(app: &TestApp, who: &Account) -> (i64, i64) {
    let r = app
        .get(&format!("{INQUIRIES}/unread"), who.token())
        .await
        .expect(200);
    (
        r.body["as_buyer"].as_i64().expect("as_buyer"),
        r.body["as_supplier"].as_i64().expect("as_supplier"),
    )
}

/// Inserts a listing row as the listings service would (its routes are built elsewhere).
pub async fn insert_listing(
    app: &TestApp,
    owner_id: &str,
    company_id: Option<&str>,
    kind: &str,
    status: &str,
    valid_for: time::Duration,
) -> String {
    use domain::db::schema::listings as l;
    let id = uuid::Uuid::now_v7().to_string();
    let (owner, company, kind, status, i) = (
        owner_id.to_owned(),
        company_id.map(str::to_owned),
        kind.to_owned(),
        status.to_owned(),
        id.clone(),
    );
    app.with_db(move |conn| {
        let now = domain::clock::now();
        diesel::insert_into(l::table)
            .values((
                l::id.eq(i),
                l::kind.eq(kind),
                l::owner_id.eq(owner),
                l::company_id.eq(company),
                l::status.eq(status),
                l::title.eq("304 vacuum flasks, 20k pcs/month"),
                l::description.eq("Factory offer"),
                l::category_id.eq("home-goods.drinkware"),
                l::quantity.eq(20_000_i64),
                l::unit.eq("piece"),
                l::valid_until.eq(now + valid_for),
                l::attachments.eq("[]"),
                l::max_quotes.eq(10),
                l::created_at.eq(now),
                l::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("listing inserted");
    })
    .await;
    id
}

/// `(user_id, kind, subject_id, payload)` of every notification, oldest first, leaving out the
/// review decisions that setting up verified suppliers produces.
pub async fn notifications(app: &TestApp) -> Vec<(String, String, String, Value)> {
    use domain::db::schema::notifications as n;
    app.with_db(|conn| {
        n::table
            .filter(n::kind.ne("review_decision"))
            .order((n::created_at.asc(), n::id.asc()))
            .select((n::user_id, n::kind, n::subject_id, n::payload))
            .load::<(String, String, String, String)>(conn)
            .expect("notifications")
            .into_iter()
            .map(|(u, k, s, p)| (u, k, s, serde_json::from_str(&p).expect("json payload")))
            .collect()
    })
    .await
}

/// Notifications of `kind` about `thread`, as the ids of their recipients.
pub async fn recipients(app: &TestApp, kind: &str, thread: &str) -> Vec<String> {
    notifications(app)
        .await
        .into_iter()
        .filter(|(_, k, s, _)| k == kind && s == thread)
        .map(|(u, ..)| u)
        .collect()
}

/// `(company_id, buyer_id, stage)` of the lead of a thread.
pub async fn lead_of(app: &TestApp, thread: &str) -> Option<(String, String, String)> {
    use domain::db::schema::leads as l;
    let thread = thread.to_owned();
    app.with_db(move |conn| {
        l::table
            .filter(l::source_type.eq("inquiry"))
            .filter(l::source_id.eq(thread))
            .select((l::company_id, l::buyer_id, l::stage))
            .first(conn)
            .optional()
            .expect("leads")
    })
    .await
}

pub async fn count_rows(app: &TestApp, table: &'static str) -> i64 {
    use domain::db::schema::{inquiries, inquiry_messages, leads, notifications};
    app.with_db(move |conn| match table {
        "inquiries" => inquiries::table.count().get_result(conn),
        "inquiry_messages" => inquiry_messages::table.count().get_result(conn),
        "leads" => leads::table.count().get_result(conn),
        "notifications" => notifications::table
            .filter(notifications::kind.ne("review_decision"))
            .count()
            .get_result(conn),
        other => panic!("no count for {other}"),
    })
    .await
    .expect("count")
}
