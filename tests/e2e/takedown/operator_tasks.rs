//! Operators hear of new IP notices, counter-notices and appeals: one `operator_task`
//! notification per event and active operator, nobody else.

use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};

use super::common::{counter, note, notice, shop};

/// The account's `operator_task` notifications, oldest first.
async fn tasks(app: &TestApp, who: &Account) -> Vec<Value> {
    let mut items: Vec<Value> = app
        .get("/api/v1/notifications?limit=100", who.token())
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "operator_task")
        .cloned()
        .collect();
    items.reverse();
    items
}

fn events(tasks: &[Value]) -> Vec<(String, String)> {
    tasks
        .iter()
        .map(|n| {
            (
                n["data"]["event"].as_str().unwrap_or_default().to_owned(),
                n["subject_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn operators_hear_of_notices_counter_notices_and_appeals(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let other_op = app.operator().await;
    let retired = app.operator().await;
    app.disable_account(&retired.id).await;
    let shop = shop(&app, &op, "Quillnorvask").await;
    let holder = app.signup("buyer").await;

    let case = app
        .post(
            "/api/v1/takedowns",
            holder.token(),
            notice("product", &shop.product),
        )
        .await
        .expect(201)
        .body;
    let id = case["notice"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/takedowns/{id}");
    let filed = vec![("takedown_notice".to_owned(), id.clone())];
    assert_eq!(events(&tasks(&app, &op).await), filed);
    assert_eq!(events(&tasks(&app, &other_op).await), filed);
    let first = &tasks(&app, &op).await[0];
    assert_eq!(first["subject_type"], "takedown");
    assert_eq!(first["data"]["subject_id"], shop.product.as_str());

    // Operators' own steps tell no operator; the counter-notice does, once.
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/accept"),
        op.token(),
        note("权利证明充分"),
    )
    .await
    .expect(200);
    assert_eq!(tasks(&app, &op).await.len(), 1);
    app.post(
        &format!("{path}/counter-notice"),
        shop.owner.token(),
        counter(),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/keep-down"),
        op.token(),
        note("授权书与注册人不一致"),
    )
    .await
    .expect(200);
    let appeal = app
        .post(
            &format!("{path}/appeal"),
            shop.owner.token(),
            json!({"statement": "请复核授权链"}),
        )
        .await
        .expect(201)
        .body;
    let appeal_id = appeal["id"].as_str().expect("id").to_owned();
    let all = vec![
        ("takedown_notice".to_owned(), id.clone()),
        ("counter_notice".to_owned(), id.clone()),
        ("appeal".to_owned(), appeal_id.clone()),
    ];
    assert_eq!(events(&tasks(&app, &op).await), all);
    assert_eq!(events(&tasks(&app, &other_op).await), all);
    assert_eq!(tasks(&app, &op).await[2]["subject_type"], "appeal");

    // An appeal against an enforcement action is the same event.
    let hidden = app
        .post(
            &format!("/api/v1/operator/products/{}/hide", shop.product),
            op.token(),
            json!({"reason": "商品图片使用他人注册商标"}),
        )
        .await
        .expect(201)
        .body;
    let appeal = app
        .post(
            &format!(
                "/api/v1/enforcement/{}/appeal",
                hidden["id"].as_str().expect("id")
            ),
            shop.owner.token(),
            json!({"statement": "图片为自有拍摄"}),
        )
        .await
        .expect(201)
        .body;
    let last = tasks(&app, &other_op).await;
    assert_eq!(last.len(), 4);
    assert_eq!(last[3]["data"]["event"], "appeal");
    assert_eq!(last[3]["subject_id"], appeal["id"]);

    // Nobody else hears of them: not the disabled operator, not the parties.
    for who in [&holder, &shop.owner, &shop.admin] {
        assert!(tasks(&app, who).await.is_empty());
    }
    let retired_id = retired.id.clone();
    let retired_count: i64 = app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use domain::db::schema::notifications;
            notifications::table
                .filter(notifications::user_id.eq(retired_id))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(retired_count, 0);
}

both_backends!(operators_hear_of_notices_counter_notices_and_appeals);
