//! Opening inquiries: validation, targets, the 10-company fan-out, and what each thread writes.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::*;

async fn validation_reports_every_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &operator).await;

    let too_long = "长".repeat(5_001);
    let attachments: Vec<String> = (0..11).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let reply = app
        .post(
            INQUIRIES,
            buyer.token(),
            json!({
                "subject": "   ",
                "message": too_long,
                "quantity": 0,
                "attachments": attachments,
                "targets": [product(&s.product), {"type": "shop", "id": s.company}, {"type": "company", "id": "nope"}],
            }),
        )
        .await
        .expect(400);
    assert_eq!(reply.code(), "validation_failed");
    assert_eq!(
        reply.fields(),
        [
            "subject",
            "message",
            "quantity",
            "unit",
            "attachments",
            "targets[1].type",
            "targets[2].id"
        ],
        "{}",
        reply.body
    );
    let codes: Vec<&str> = reply.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        [
            "required",
            "too_long",
            "out_of_range",
            "required",
            "too_many",
            "invalid_choice",
            "invalid"
        ]
    );

    let mut bad_url = body(vec![company(&s.company)], "Hello");
    bad_url["attachments"] = json!(["javascript:alert(1)"]);
    let reply = app
        .post(INQUIRIES, buyer.token(), bad_url)
        .await
        .expect(400);
    assert_eq!(reply.fields(), ["attachments[0]"]);

    let mut unit_only = body(vec![company(&s.company)], "Hello");
    unit_only["quantity"] = json!(null);
    let reply = app
        .post(INQUIRIES, buyer.token(), unit_only)
        .await
        .expect(400);
    assert_eq!(reply.fields(), ["quantity"]);

    let reply = send(&app, &buyer, vec![], "Hello").await.expect(400);
    assert_eq!(reply.fields(), ["targets"]);
    assert_eq!(reply.body["error"]["fields"][0]["code"], "required");

    let mut smuggled = body(vec![company(&s.company)], "Hello");
    smuggled["status"] = json!("replied");
    let reply = app
        .post(INQUIRIES, buyer.token(), smuggled)
        .await
        .expect(400);
    assert_eq!(reply.fields(), ["status"]);
    assert_eq!(reply.body["error"]["fields"][0]["code"], "unknown_field");

    // Anonymous 401; operators do not send inquiries.
    app.post(INQUIRIES, None, body(vec![company(&s.company)], "Hello"))
        .await
        .expect(401);
    let reply = send(&app, &operator, vec![company(&s.company)], "Hello")
        .await
        .expect(403);
    assert_eq!(reply.code(), "forbidden");
    // Quantity and unit are optional together.
    let mut no_quantity = body(vec![company(&s.company)], "Hello");
    no_quantity["quantity"] = json!(null);
    no_quantity["unit"] = json!(null);
    let reply = app
        .post(INQUIRIES, buyer.token(), no_quantity)
        .await
        .expect(201);
    assert_eq!(reply.body["threads"][0]["quantity"], json!(null));
    assert_eq!(count_rows(&app, "inquiries").await, 1, "only the valid one");
}

async fn fan_out_to_ten_companies(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let mut suppliers = Vec::new();
    for _ in 0..11 {
        suppliers.push(supplier(&app, &operator).await);
    }
    let admin = app.signup("supplier").await;
    app.add_member(&suppliers[0].owner, &suppliers[0].company, &admin, "admin")
        .await;
    let staff = app.signup("supplier").await;
    app.add_member(&suppliers[0].owner, &suppliers[0].company, &staff, "staff")
        .await;

    // Eleven targets: refused whole.
    let eleven: Vec<_> = suppliers.iter().map(|s| product(&s.product)).collect();
    let reply = send(&app, &buyer, eleven, "Please quote").await.expect(400);
    assert_eq!(reply.fields(), ["targets"]);
    assert_eq!(reply.body["error"]["fields"][0]["code"], "too_many");
    assert_eq!(count_rows(&app, "inquiries").await, 0);

    // Ten: ten threads, one batch.
    let ten: Vec<_> = suppliers[..10]
        .iter()
        .map(|s| product(&s.product))
        .collect();
    let reply = send(&app, &buyer, ten, "Please quote 5000 pcs FOB Ningbo")
        .await
        .expect(201);
    let threads = reply.body["threads"].as_array().expect("threads");
    assert_eq!(threads.len(), 10);
    let batch = reply.body["batch_id"].as_str().expect("batch");
    for (t, s) in threads.iter().zip(&suppliers) {
        assert_eq!(t["batch_id"], batch);
        assert_eq!(t["company_id"], s.company.as_str());
        assert_eq!(t["status"], "new");
        assert_eq!(t["viewer"], "buyer");
        assert_eq!(t["unread"], false);
        assert_eq!(t["about"], json!({"type": "product", "id": s.product}));
        assert_eq!(t["buyer_id"], buyer.id.as_str());
        assert_eq!(t["quantity"], 5000);
        assert_eq!(t["unit"], "piece");
    }
    assert_eq!(count_rows(&app, "inquiries").await, 10);
    assert_eq!(count_rows(&app, "inquiry_messages").await, 10);

    // Every thread opened a lead and told the company's owners and admins (not staff).
    for (i, s) in suppliers[..10].iter().enumerate() {
        let thread = thread_id(&reply.body, i);
        assert_eq!(
            lead_of(&app, &thread).await,
            Some((s.company.clone(), buyer.id.clone(), "new".into()))
        );
        let mut expected = vec![s.owner.id.clone()];
        if i == 0 {
            expected.push(admin.id.clone());
        }
        assert_eq!(
            recipients(&app, "inquiry_received", &thread).await,
            expected
        );
    }
    assert_eq!(count_rows(&app, "leads").await, 10);
    assert_eq!(count_rows(&app, "notifications").await, 11);
    let first = notifications(&app).await.remove(0);
    assert_eq!(
        first.3["subject"],
        "询价：304不锈钢保温杯 Quotation request"
    );
    assert_eq!(first.3["buyer_name"], "测试 Tester");
    // Each notification requested its e-mail in the same transaction (the review decisions of
    // the suppliers' verification too).
    let (emails, all): (i64, i64) = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use domain::db::schema::{notifications, outbox};
            let emails = outbox::table
                .filter(outbox::topic.eq("email.requested"))
                .count()
                .get_result(conn)
                .expect("outbox");
            let all = notifications::table
                .count()
                .get_result(conn)
                .expect("notifications");
            (emails, all)
        })
        .await;
    assert_eq!(emails, all);
    assert!(all > 11, "the verifications told the owners too ({all})");

    // Targets naming the same company share its thread (the first target is its subject).
    let s = &suppliers[10];
    let reply = send(
        &app,
        &buyer,
        vec![
            company(&s.company),
            product(&s.product),
            company(&s.company),
        ],
        "One company, three targets",
    )
    .await
    .expect(201);
    assert_eq!(reply.body["threads"].as_array().map(Vec::len), Some(1));
    assert_eq!(reply.body["threads"][0]["about"]["type"], "company");
}

async fn only_public_targets_are_addressable(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &operator).await;
    let other = supplier(&app, &operator).await;
    let draft = app.product(&s.owner, &s.company).await["id"]
        .as_str()
        .expect("draft")
        .to_owned();
    let suspended = supplier(&app, &operator).await;
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", suspended.company),
        operator.token(),
        json!({"reason": "licence revoked"}),
    )
    .await
    .expect(200);
    // A pending (unverified) company is public and can be written to.
    let pending_owner = app.signup("supplier").await;
    let pending = app.company(&pending_owner).await["id"]
        .as_str()
        .expect("pending")
        .to_owned();
    let day = time::Duration::days(1);
    let sell = insert_listing(&app, &s.owner.id, Some(&s.company), "sell", "open", day).await;
    let buy = insert_listing(&app, &buyer.id, None, "buy", "open", day).await;
    let closed = insert_listing(&app, &s.owner.id, Some(&s.company), "sell", "closed", day).await;
    let draft_listing =
        insert_listing(&app, &s.owner.id, Some(&s.company), "sell", "draft", day).await;
    let expired = insert_listing(
        &app,
        &other.owner.id,
        Some(&other.company),
        "sell",
        "open",
        time::Duration::seconds(-1),
    )
    .await;

    let reply = send(
        &app,
        &buyer,
        vec![
            product(&s.product),
            product(&draft),
            company(&suspended.company),
            product(&suspended.product),
            listing(&buy),
            listing(&closed),
            listing(&draft_listing),
            listing(&expired),
            company(&uuid::Uuid::now_v7().to_string()),
            listing(&sell),
        ],
        "Hello",
    )
    .await
    .expect(400);
    assert_eq!(
        reply.fields(),
        [
            "targets[1].id",
            "targets[2].id",
            "targets[3].id",
            "targets[4].id",
            "targets[5].id",
            "targets[6].id",
            "targets[7].id",
            "targets[8].id"
        ],
        "{}",
        reply.body
    );
    assert!(
        reply.body["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .all(|f| f["code"] == "not_found")
    );
    assert_eq!(count_rows(&app, "inquiries").await, 0, "all or nothing");

    // An open sell offer addresses its company; so does a pending company's storefront.
    let reply = send(
        &app,
        &buyer,
        vec![listing(&sell), company(&pending)],
        "Offer",
    )
    .await
    .expect(201);
    assert_eq!(reply.body["threads"][0]["company_id"], s.company.as_str());
    assert_eq!(
        reply.body["threads"][0]["about"],
        json!({"type": "listing", "id": sell})
    );
    assert_eq!(reply.body["threads"][1]["company_id"], pending.as_str());

    // The sell offer stops being addressable the instant it ends.
    let ending = insert_listing(
        &app,
        &s.owner.id,
        Some(&s.company),
        "sell",
        "open",
        time::Duration::hours(2),
    )
    .await;
    send(&app, &buyer, vec![listing(&ending)], "Before the end")
        .await
        .expect(201);
    domain::clock::advance(time::Duration::hours(2) + time::Duration::seconds(1));
    let reply = send(&app, &buyer, vec![listing(&ending)], "After the end")
        .await
        .expect(400);
    assert_eq!(reply.fields(), ["targets[0].id"]);

    // Suppliers may inquire, but not to their own company.
    let reply = send(
        &app,
        &s.owner,
        vec![company(&other.company), product(&s.product)],
        "From a supplier",
    )
    .await
    .expect(400);
    assert_eq!(reply.fields(), ["targets[1].id"]);
    assert_eq!(reply.body["error"]["fields"][0]["code"], "own_company");
    let reply = send(
        &app,
        &s.owner,
        vec![company(&other.company)],
        "From a supplier",
    )
    .await
    .expect(201);
    assert_eq!(reply.body["threads"][0]["buyer_id"], s.owner.id.as_str());
}

both_backends!(
    validation_reports_every_field,
    fan_out_to_ten_companies,
    only_public_targets_are_addressable,
);
