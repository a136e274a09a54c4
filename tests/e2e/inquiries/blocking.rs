//! A company blocks a buyer: no new threads with it, no messages in its threads.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::*;

fn blocks(company: &str) -> String {
    format!("/api/v1/companies/{company}/blocked-buyers")
}

async fn blocked_buyers_cannot_write_to_the_company(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let other = supplier(&app, &operator).await;
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &admin, "admin").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let thread = open_thread(&app, &buyer, &a.company).await;
    let block = json!({"user_id": buyer.id, "reason": "sent 40 copies of the same ad"});

    // Who may block: owners and admins.
    for who in [&staff, &other.owner, &buyer, &operator] {
        let r = app
            .post(&blocks(&a.company), who.token(), block.clone())
            .await
            .expect(403);
        assert_eq!(r.code(), "forbidden");
    }
    app.post(&blocks(&a.company), None, block.clone())
        .await
        .expect(401);
    let r = app
        .post(&blocks(&a.company), admin.token(), block.clone())
        .await
        .expect(201);
    assert_eq!(r.body["user_id"], buyer.id.as_str());
    assert_eq!(r.body["blocked_by"], admin.id.as_str());
    assert_eq!(r.body["display_name"], "测试 Tester");
    // Blocking again replaces the reason.
    let r = app
        .post(
            &blocks(&a.company),
            a.owner.token(),
            json!({"user_id": buyer.id, "reason": "spam"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["reason"], "spam");
    assert_eq!(r.body["blocked_by"], admin.id.as_str());

    // Who sees the list: members and operators.
    for who in [&a.owner, &admin, &staff, &operator] {
        let r = app.get(&blocks(&a.company), who.token()).await.expect(200);
        assert_eq!(r.body.as_array().map(Vec::len), Some(1));
        assert_eq!(r.body[0]["user_id"], buyer.id.as_str());
    }
    for who in [&buyer, &other.owner] {
        let r = app.get(&blocks(&a.company), who.token()).await.expect(404);
        assert_eq!(r.code(), "company_not_found");
    }

    // The buyer cannot open a thread with A, alone or among others, nor write in A's thread;
    // the answer names neither the company nor the reason.
    let before = count_rows(&app, "inquiries").await;
    let r = send(&app, &buyer, vec![company(&a.company)], "Hello again")
        .await
        .expect(403);
    assert_eq!(r.code(), "blocked");
    let r = send(
        &app,
        &buyer,
        vec![company(&other.company), product(&a.product)],
        "To both",
    )
    .await
    .expect(403);
    assert_eq!(r.code(), "blocked");
    assert_eq!(r.fields(), Vec::<String>::new());
    let text = r.body.to_string();
    assert!(
        !text.contains("spam") && !text.contains(&a.company),
        "{text}"
    );
    assert_eq!(
        count_rows(&app, "inquiries").await,
        before,
        "nothing sent to B either"
    );
    let r = write(&app, &buyer, &thread, "Why no answer?")
        .await
        .expect(403);
    assert_eq!(r.code(), "blocked");
    // The buyer still reads the thread; the company still answers; B is unaffected.
    app.get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    write(&app, &staff, &thread, "We do not sell to you.")
        .await
        .expect(201);
    send(&app, &buyer, vec![company(&other.company)], "Only B")
        .await
        .expect(201);

    // Errors of the block routes.
    let r = app
        .post(
            &blocks(&a.company),
            a.owner.token(),
            json!({"user_id": uuid::Uuid::now_v7()}),
        )
        .await
        .expect(404);
    assert_eq!(r.code(), "account_not_found");
    let r = app
        .post(
            &blocks(&a.company),
            a.owner.token(),
            json!({"user_id": staff.id}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["user_id"]);
    let r = app
        .post(
            &blocks(&a.company),
            a.owner.token(),
            json!({"user_id": buyer.id, "reason": "x".repeat(501)}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["reason"]);
    let r = app
        .post(
            &blocks(&uuid::Uuid::now_v7().to_string()),
            a.owner.token(),
            block.clone(),
        )
        .await
        .expect(404);
    assert_eq!(r.code(), "company_not_found");

    // Unblocking: owners and admins; then the buyer writes again.
    let unblock = format!("{}/{}", blocks(&a.company), buyer.id);
    app.delete(&unblock, staff.token()).await.expect(403);
    app.delete(&unblock, other.owner.token()).await.expect(403);
    app.delete(&unblock, a.owner.token()).await.expect(204);
    let r = app.delete(&unblock, a.owner.token()).await.expect(404);
    assert_eq!(r.code(), "block_not_found");
    let r = app
        .get(&blocks(&a.company), a.owner.token())
        .await
        .expect(200);
    assert_eq!(r.body, json!([]));
    write(&app, &buyer, &thread, "Thanks for unblocking")
        .await
        .expect(201);
    send(&app, &buyer, vec![company(&a.company)], "New request")
        .await
        .expect(201);
}

both_backends!(blocked_buyers_cannot_write_to_the_company);
