//! Only the buyer, the company's members and operators see a thread; everyone else gets the
//! same 404 on every thread route, whether the thread exists or not.

use e2e::{Account, Backend, Reply, TestApp, both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use super::common::*;

/// Every thread route with a valid body.
fn routes(thread: &str, member: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, thread_path(thread, ""), None),
        (
            Method::POST,
            thread_path(thread, "messages"),
            Some(json!({"body": "Are you still there?"})),
        ),
        (Method::POST, thread_path(thread, "read"), Some(json!({}))),
        (
            Method::POST,
            thread_path(thread, "assign"),
            Some(json!({"user_id": member})),
        ),
        (Method::POST, thread_path(thread, "close"), Some(json!({}))),
        (Method::POST, thread_path(thread, "spam"), Some(json!({}))),
    ]
}

async fn call(
    app: &TestApp,
    who: Option<&Account>,
    route: &(Method, String, Option<Value>),
) -> Reply {
    app.call(
        route.0.clone(),
        &route.1,
        who.map(|a| a.access.as_str()),
        route.2.as_ref(),
    )
    .await
}

async fn strangers_get_404_on_every_thread_route(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let other_supplier = supplier(&app, &operator).await;
    let third_buyer = app.signup("buyer").await;
    let lone_supplier = app.signup("supplier").await;
    let thread = open_thread(&app, &buyer, &a.company).await;
    let missing = uuid::Uuid::now_v7().to_string();

    for (name, who) in [
        ("third buyer", &third_buyer),
        ("another company's owner", &other_supplier.owner),
        ("supplier without a company", &lone_supplier),
    ] {
        let existing = routes(&thread, &a.owner.id);
        let absent = routes(&missing, &a.owner.id);
        for (route, route_missing) in existing.iter().zip(&absent) {
            let reply = call(&app, Some(who), route).await;
            assert_eq!(
                reply.status, 404,
                "{name}: {} {}: {}",
                route.0, route.1, reply.body
            );
            assert_eq!(reply.code(), "inquiry_not_found", "{name}: {}", route.1);
            // Exactly what a thread that does not exist answers.
            let absent = call(&app, Some(who), route_missing).await;
            assert_eq!(absent.status, 404);
            assert_eq!(absent.body, reply.body, "{name}: {}", route.1);
        }
        // Nor in their lists or counts.
        for side in ["buyer", "supplier"] {
            let list = app
                .get(&format!("{INQUIRIES}?as={side}"), who.token())
                .await
                .expect(200);
            assert_eq!(list.body["items"], json!([]), "{name} as {side}");
        }
        assert_eq!(unread(&app, who).await, (0, 0), "{name}");
    }
    // Anonymous: 401 everywhere.
    for route in routes(&thread, &a.owner.id) {
        assert_eq!(call(&app, None, &route).await.status, 401, "{}", route.1);
    }
    // Operators read but do not write.
    let expected = [200, 403, 403, 403, 403, 403];
    for (route, status) in routes(&thread, &a.owner.id).iter().zip(expected) {
        let reply = call(&app, Some(&operator), route).await;
        assert_eq!(reply.status, status, "operator {}: {}", route.1, reply.body);
    }
    let seen = app
        .get(&thread_path(&thread, ""), operator.token())
        .await
        .expect(200);
    assert_eq!(seen.body["inquiry"]["viewer"], "operator");
    assert_eq!(seen.body["inquiry"]["unread"], false);
    assert_eq!(seen.body["messages"].as_array().map(Vec::len), Some(1));
    // Nothing the strangers or the operator sent was written.
    assert_eq!(count_rows(&app, "inquiry_messages").await, 1);
    let thread_now = app
        .get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(thread_now.body["inquiry"]["status"], "new");

    // A member who leaves the company loses the thread.
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    app.get(&thread_path(&thread, ""), staff.token())
        .await
        .expect(200);
    app.delete(
        &format!("/api/v1/companies/{}/members/{}", a.company, staff.id),
        a.owner.token(),
    )
    .await
    .expect(204);
    let reply = app.get(&thread_path(&thread, ""), staff.token()).await;
    assert_eq!(reply.status, 404);
    // The parties see it.
    app.get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    app.get(&thread_path(&thread, ""), a.owner.token())
        .await
        .expect(200);
}

both_backends!(strangers_get_404_on_every_thread_route);
