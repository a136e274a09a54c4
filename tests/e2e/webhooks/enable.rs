//! Endpoints after registration: the list never shows a secret (registration and rotation are
//! the only answers that do), and a disabled endpoint is enabled again by an owner or admin,
//! audited, with a fresh failure window, while staff are refused.

use api::progress::Loop;
use diesel::prelude::*;
use e2e::{Backend, TestApp, both_backends, id_of};
use serde_json::{Value, json};

use super::{Receiver, all_delivered, inquiry, log, register, spawn, wait_log};

async fn endpoints(app: &TestApp, by: &e2e::Account, company: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/companies/{company}/webhooks"), by.token())
        .await
        .expect(200)
        .body
        .as_array()
        .expect("endpoints")
        .clone()
}

async fn a_disabled_endpoint_is_enabled_again_and_the_list_shows_no_secret(b: Backend) {
    // Disabled after failing for 1 s.
    let app = spawn(b, true, 1).await;
    let rx = Receiver::start().await;
    rx.answer(500, None);
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let created = register(&app, &owner, &company, &rx.url("/e"), &["inquiry.created"]).await;
    assert!(
        created["secret"].is_string(),
        "registration shows the secret"
    );
    let ep = id_of(&created);

    let list = endpoints(&app, &owner, &company).await;
    assert_eq!(list.len(), 1);
    assert!(
        list[0].get("secret").is_none(),
        "no secret in the list: {}",
        list[0]
    );
    assert!(
        !list[0].to_string().contains("whsec_"),
        "no secret anywhere: {}",
        list[0]
    );

    inquiry(&app, &buyer, &company).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while endpoints(&app, &owner, &company).await[0]["status"] != "disabled" {
        assert!(std::time::Instant::now() < deadline, "never disabled");
        app.wait_for_passes(Loop::Webhooks, 1).await;
    }

    // Staff may not enable it, nor may another company's owner see it.
    let path = format!("/api/v1/companies/{company}/webhooks/{ep}/enable");
    let r = app.post(&path, staff.token(), json!({})).await.expect(403);
    assert_eq!(r.code(), "forbidden");
    let (other, _) = app.verified_company(&operator).await;
    let r = app.post(&path, other.token(), json!({})).await.expect(404);
    assert_eq!(r.code(), "company_not_found");
    assert_eq!(
        endpoints(&app, &owner, &company).await[0]["status"],
        "disabled"
    );

    // The owner enables it once the receiver works again.
    rx.answer(200, None);
    let enabled = app
        .post(&path, owner.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(enabled["status"], "active", "{enabled}");
    assert!(enabled["disabled_at"].is_null());
    assert!(enabled["failing_since"].is_null());
    assert!(enabled.get("secret").is_none(), "{enabled}");
    // Enabling an active endpoint changes nothing.
    app.post(&path, owner.token(), json!({})).await.expect(200);
    let audited: Vec<(Option<String>, String)> = {
        let ep = ep.clone();
        app.with_db(move |conn| {
            use domain::db::schema::audit_log as a;
            a::table
                .filter(a::action.eq("webhook.enable"))
                .filter(a::subject_id.eq(ep))
                .select((a::actor_id, a::after))
                .load(conn)
                .expect("audit log")
        })
        .await
    };
    assert_eq!(audited.len(), 1, "audited once: {audited:?}");
    assert_eq!(audited[0].0.as_deref(), Some(owner.id.as_str()));

    // The failed delivery stays failed; a new event is sent and delivered.
    let before = log(&app, &owner, &company, &ep).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["status"], "failed");
    let sent = rx.got().len();
    inquiry(&app, &buyer, &company).await;
    let after = wait_log(&app, &owner, &company, &ep, |l| {
        l.len() == 2 && l[0]["status"] == "delivered"
    })
    .await;
    assert_eq!(after[1]["status"], "failed");
    assert_eq!(rx.got().len(), sent + 1);
    // Replaying the failed one delivers it too.
    let failed = after[1]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/companies/{company}/webhooks/{ep}/deliveries/{failed}/replay"),
        owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    wait_log(&app, &owner, &company, &ep, all_delivered(2)).await;

    // Rotation shows the new secret; the list still does not.
    let rotated = app
        .post(
            &format!("/api/v1/companies/{company}/webhooks/{ep}/rotate-secret"),
            owner.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert!(
        rotated["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    assert!(
        endpoints(&app, &owner, &company).await[0]
            .get("secret")
            .is_none()
    );
}

both_backends!(a_disabled_endpoint_is_enabled_again_and_the_list_shows_no_secret);
