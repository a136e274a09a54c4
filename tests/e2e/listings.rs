//! Sell offers and buy requests: validation, who posts what, the status flow, visibility,
//! expiry to the instant (with the controllable clock), the expiry reminder, listing search in
//! Chinese and English, and a supplier's buy-leads.

use diesel::prelude::*;
use domain::db::schema::{listings, notifications, outbox};
use e2e::clock::advance_to;
use e2e::listings::*;
use e2e::{Backend, TestApp, both_backends, id_of};
use serde_json::{Value, json};
use time::Duration;

async fn listing_fields_are_validated(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let cases = [
        (json!({"kind": null}), "kind"),
        (json!({"kind": "rent"}), "kind"),
        (json!({"title": "a"}), "title"),
        (json!({"title": "x".repeat(201)}), "title"),
        (json!({"title": null}), "title"),
        (json!({"category_id": "home-goods"}), "category_id"),
        (json!({"category_id": "no-such.category"}), "category_id"),
        (json!({"category_id": null}), "category_id"),
        (json!({"quantity": 0}), "quantity"),
        (json!({"quantity": -5}), "quantity"),
        (json!({"quantity": null}), "quantity"),
        (json!({"unit": ""}), "unit"),
        (json!({"target_price": "-1"}), "target_price"),
        (json!({"target_price": "12.345"}), "target_price"),
        (json!({"currency": "RMB"}), "currency"),
        (json!({"currency": null}), "currency"),
        (json!({"target_price": null}), "target_price"),
        (json!({"incoterm": "FOBX"}), "incoterm"),
        (
            json!({"delivery_region": "港".repeat(101)}),
            "delivery_region",
        ),
        (json!({"valid_until": in_days(-1)}), "valid_until"),
        (json!({"valid_until": in_days(91)}), "valid_until"),
        (json!({"valid_until": null}), "valid_until"),
        (json!({"valid_until": "next week"}), "valid_until"),
        (
            json!({"attachments": ["https://files.example.com/a.pdf"]}),
            "attachments[0]",
        ),
        (
            json!({"attachments": (0..11).map(|_| uuid::Uuid::new_v4().to_string()).collect::<Vec<_>>()}),
            "attachments",
        ),
        (json!({"quantity": "many"}), "quantity"),
    ];
    for (patch, field) in cases {
        let reply = app
            .post(
                "/api/v1/listings",
                buyer.token(),
                with(buy_body(), patch.clone()),
            )
            .await
            .expect(400);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{patch} → {}",
            reply.body
        );
    }
    // Fields a client must not set are refused by name.
    for field in [
        "status",
        "company_id",
        "owner_id",
        "quote_count",
        "max_quotes",
    ] {
        let reply = app
            .post(
                "/api/v1/listings",
                buyer.token(),
                with(buy_body(), json!({ field: "x" })),
            )
            .await
            .expect(400);
        assert_eq!(reply.body["error"]["fields"][0]["code"], "unknown_field");
        assert_eq!(reply.fields(), vec![field.to_owned()]);
    }
    // A valid request: sanitized description, money in minor units, normalised Incoterm.
    let l = draft(&app, &buyer, buy_body()).await;
    assert_eq!(l["status"], "draft");
    assert_eq!(l["kind"], "buy");
    assert_eq!(
        l["description"],
        "<p>需要<strong>10000</strong>只，带彩盒</p>"
    );
    assert_eq!(l["target_price"], "12.50");
    assert_eq!(l["target_price_minor"], 1250);
    assert_eq!(l["incoterm"], "FOB");
    assert_eq!(l["quantity"], 10000);
    assert_eq!(l["max_quotes"], 10);
    assert_eq!(l["quote_count"], 0);
    assert!(l["company_id"].is_null());
    // No price at all is fine.
    let l = draft(
        &app,
        &buyer,
        with(buy_body(), json!({"target_price": null, "currency": null})),
    )
    .await;
    assert!(l["target_price"].is_null());
    // PATCH validates the same way and rejects `kind`.
    let path = format!("/api/v1/listings/{}", id_of(&l));
    let reply = app
        .patch(
            &path,
            buyer.token(),
            json!({"quantity": 0, "incoterm": "XYZ"}),
        )
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["quantity", "incoterm"]);
    let reply = app
        .patch(&path, buyer.token(), json!({"kind": "sell"}))
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["kind"]);
    let edited = app
        .patch(
            &path,
            buyer.token(),
            json!({"target_price": "1200", "currency": "JPY", "incoterm": ""}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["target_price_minor"], 1200);
    assert_eq!(edited["target_price"], "1200");
    assert!(edited["incoterm"].is_null());
    assert_eq!(edited["title"], l["title"]);
}

async fn who_may_post_what(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let loner = app.signup("supplier").await;
    let (owner, company) = app.verified_company(&op).await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &id_of(&company), &staff, "staff")
        .await;

    app.post("/api/v1/listings", None, buy_body())
        .await
        .expect(401);
    let r = app
        .post("/api/v1/listings", buyer.token(), sell_body())
        .await
        .expect(403);
    assert_eq!(r.code(), "not_a_supplier");
    let r = app
        .post("/api/v1/listings", loner.token(), sell_body())
        .await
        .expect(403);
    assert_eq!(r.code(), "not_a_supplier");
    let r = app
        .post("/api/v1/listings", op.token(), buy_body())
        .await
        .expect(403);
    assert_eq!(r.code(), "forbidden");
    // A supplier in no company posts a buy request as an individual.
    let l = draft(&app, &loner, buy_body()).await;
    assert!(l["company_id"].is_null());
    // Members: the sell offer is the company's; a buy request carries the company too.
    let sell = draft(&app, &staff, sell_body()).await;
    assert_eq!(sell["company_id"], company["id"]);
    let buy = draft(&app, &staff, buy_body()).await;
    assert_eq!(buy["company_id"], company["id"]);
    // A suspended company posts nothing.
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", id_of(&company)),
        op.token(),
        json!({"reason": "licence under review"}),
    )
    .await
    .expect(200);
    for body in [sell_body(), buy_body()] {
        let r = app
            .post("/api/v1/listings", staff.token(), body)
            .await
            .expect(409);
        assert_eq!(r.code(), "company_suspended");
    }
    // Nor edits its listings.
    let r = app
        .patch(
            &format!("/api/v1/listings/{}", id_of(&sell)),
            staff.token(),
            json!({"quantity": 10}),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "company_suspended");
}

async fn status_flow(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (verified_owner, _) = app.verified_company(&op).await;
    let pending_owner = app.signup("supplier").await;
    app.company(&pending_owner).await;
    let at = |id: &str, suffix: &str| format!("/api/v1/listings/{id}{suffix}");

    // A buy request opens on publish.
    let id = id_of(&draft(&app, &buyer, buy_body()).await);
    let l = app
        .post(&at(&id, "/publish"), buyer.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
    assert!(l["published_at"].is_string());
    assert_eq!(l["accepting_quotes"], true);
    let r = app
        .post(&at(&id, "/publish"), buyer.token(), json!({}))
        .await
        .expect(409);
    assert_eq!(r.code(), "invalid_state");
    // Republishing an open listing makes no sense.
    let r = app
        .post(
            &at(&id, "/republish"),
            buyer.token(),
            json!({"valid_until": in_days(10)}),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "invalid_state");
    // Close, then no edits, no second close; republish needs a new date.
    let l = app
        .post(&at(&id, "/close"), buyer.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "closed");
    assert!(l["closed_at"].is_string());
    assert_eq!(l["accepting_quotes"], false);
    assert_eq!(
        app.post(&at(&id, "/close"), buyer.token(), json!({}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    assert_eq!(
        app.patch(&at(&id, ""), buyer.token(), json!({"quantity": 5}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    let r = app
        .post(&at(&id, "/republish"), buyer.token(), json!({}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["valid_until"]);
    let r = app
        .post(
            &at(&id, "/republish"),
            buyer.token(),
            json!({"valid_until": in_days(91)}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["valid_until"]);
    let until = in_days(45);
    let l = app
        .post(
            &at(&id, "/republish"),
            buyer.token(),
            json!({"valid_until": until}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
    assert_eq!(l["valid_until"], until);
    assert!(l["closed_at"].is_null());

    // `publish: true` on create: a verified company's sell offer opens at once…
    let sell = post_open(&app, &verified_owner, sell_body()).await;
    assert_eq!(sell["status"], "open");
    // …an unverified company's waits for an operator.
    let pending = post_open(&app, &pending_owner, sell_body()).await;
    assert_eq!(pending["status"], "pending_review");
    let pid = id_of(&pending);
    app.get(&at(&pid, ""), None).await.expect(404);
    app.get(&at(&pid, ""), op.token()).await.expect(200);
    let r = app
        .post(
            &format!("/api/v1/operator/listings/{pid}/reject"),
            op.token(),
            json!({}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["reason"]);
    let rejected = app
        .post(
            &format!("/api/v1/operator/listings/{pid}/reject"),
            op.token(),
            json!({"reason": "图片与描述不符"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["review_note"], "图片与描述不符");
    app.get(&at(&pid, ""), None).await.expect(404);
    // Approve only what is under review.
    assert_eq!(
        app.post(
            &format!("/api/v1/operator/listings/{pid}/approve"),
            op.token(),
            json!({}),
        )
        .await
        .expect(409)
        .code(),
        "invalid_state"
    );
    // Editing a rejected listing makes it a draft; publishing sends it to review again.
    let l = app
        .patch(
            &at(&pid, ""),
            pending_owner.token(),
            json!({"title": "LED Panel Light 600x600 36W"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "draft");
    let l = app
        .post(&at(&pid, "/publish"), pending_owner.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "pending_review");
    assert!(l["review_note"].is_null());
    // A reason of invisible characters only is no reason, as an absent one (the validator
    // trims them; schemathesis sent U+FE02 U+1680 and got 400 "required").
    let l = app
        .post(
            &format!("/api/v1/operator/listings/{pid}/approve"),
            op.token(),
            json!({"reason": "\u{fe02}\u{1680}"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
    app.get(&at(&pid, ""), None).await.expect(200);
    // An unverified company's edit of an open sell offer is a change request: the open
    // version stays live until an operator approves it (the review tests cover the rest).
    let l = app
        .patch(
            &at(&pid, ""),
            pending_owner.token(),
            json!({"quantity": 100}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
    assert_ne!(l["quantity"], 100);
    assert_eq!(l["edit"]["outcome"], "pending");
    app.get(&at(&pid, ""), None).await.expect(200);
    // Operators take an open listing down; decisions are recorded.
    let l = app
        .post(
            &format!("/api/v1/operator/listings/{}/reject", id_of(&sell)),
            op.token(),
            json!({"reason": "prohibited item"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "rejected");
    let decisions: i64 = app
        .with_db(|conn| {
            domain::db::schema::moderation_decisions::table
                .filter(domain::db::schema::moderation_decisions::subject_type.eq("listing"))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(decisions, 3);
    // Operators moderate; nobody else does.
    app.post(
        &format!("/api/v1/operator/listings/{id}/reject"),
        buyer.token(),
        json!({"reason": "x"}),
    )
    .await
    .expect(403);
    // A draft whose end date passed cannot be published before it gets a new one.
    let d = id_of(
        &draft(
            &app,
            &buyer,
            with(buy_body(), json!({"valid_until": in_days(1)})),
        )
        .await,
    );
    domain::clock::advance(Duration::days(2));
    let r = app
        .post(&at(&d, "/publish"), buyer.token(), json!({}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["valid_until"]);
    app.patch(
        &at(&d, ""),
        buyer.token(),
        json!({"valid_until": in_days(5)}),
    )
    .await
    .expect(200);
    let l = app
        .post(&at(&d, "/publish"), buyer.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
}

async fn visibility_and_lists(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let other_buyer = app.signup("buyer").await;
    let (owner_a, company_a) = app.verified_company(&op).await;
    let staff_a = app.signup("supplier").await;
    app.add_member(&owner_a, &id_of(&company_a), &staff_a, "staff")
        .await;
    let (owner_b, _) = app.verified_company(&op).await;
    let at = |id: &str| format!("/api/v1/listings/{id}");

    let draft_buy = id_of(&draft(&app, &buyer, buy_body()).await);
    let open_buy = id_of(&post_open(&app, &buyer, buy_body()).await);
    let draft_sell = id_of(&draft(&app, &owner_a, sell_body()).await);
    let open_sell = id_of(&post_open(&app, &owner_a, sell_body()).await);
    let staff_buy_draft = id_of(&draft(&app, &staff_a, buy_body()).await);
    let closed_buy = id_of(&post_open(&app, &buyer, buy_body()).await);
    app.post(
        &format!("{}/close", at(&closed_buy)),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);

    // Reads: (listing, who, expected)
    let expect = [
        (&draft_buy, None, 404),
        (&draft_buy, other_buyer.token(), 404),
        (&draft_buy, owner_a.token(), 404),
        (&draft_buy, buyer.token(), 200),
        (&draft_buy, op.token(), 200),
        (&open_buy, None, 200),
        (&closed_buy, None, 200),
        (&draft_sell, None, 404),
        (&draft_sell, owner_b.token(), 404),
        (&draft_sell, staff_a.token(), 200),
        (&draft_sell, op.token(), 200),
        (&open_sell, None, 200),
        // A member's draft buy request is theirs, not the company's.
        (&staff_buy_draft, owner_a.token(), 404),
        (&staff_buy_draft, staff_a.token(), 200),
    ];
    for (id, token, status) in expect {
        let r = app.get(&at(id), token).await;
        assert_eq!(r.status, status, "GET {id} as {token:?}: {}", r.body);
        if status == 404 {
            assert_eq!(r.code(), "listing_not_found");
        }
    }
    // Writes: those who see but do not own get 403, those who do not see get 404.
    let patch = json!({"quantity": 7});
    let writes = [
        (&open_buy, other_buyer.token(), 403),
        (&open_buy, owner_a.token(), 403),
        (&open_buy, op.token(), 403),
        (&draft_buy, other_buyer.token(), 404),
        (&open_sell, owner_b.token(), 403),
        (&open_sell, staff_a.token(), 200),
        (&draft_sell, owner_b.token(), 404),
        (&staff_buy_draft, owner_a.token(), 404),
    ];
    for (id, token, status) in writes {
        let r = app.patch(&at(id), token, patch.clone()).await;
        assert_eq!(r.status, status, "PATCH {id} as {token:?}: {}", r.body);
    }
    app.post(
        &format!("{}/close", at(&open_buy)),
        other_buyer.token(),
        json!({}),
    )
    .await
    .expect(403);
    app.post(
        &format!("{}/publish", at(&draft_buy)),
        other_buyer.token(),
        json!({}),
    )
    .await
    .expect(404);

    // The public list: open listings only, newest first, with filters.
    let page = app.get("/api/v1/listings", None).await.expect(200).body;
    assert_eq!(ids(&page), vec![open_sell.clone(), open_buy.clone()]);
    let page = app
        .get("/api/v1/listings?kind=buy", None)
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![open_buy.clone()]);
    let page = app
        .get("/api/v1/listings?category=lighting", None)
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![open_sell.clone()]);
    let page = app
        .get("/api/v1/listings?category=home-goods.drinkware", None)
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![open_buy.clone()]);
    let page = app
        .get("/api/v1/listings?limit=1", None)
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![open_sell.clone()]);
    let next = page["next_cursor"].as_str().expect("cursor");
    let page = app
        .get(&format!("/api/v1/listings?limit=1&cursor={next}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![open_buy.clone()]);
    assert!(page["next_cursor"].is_null());
    for bad in ["kind=rent", "status=draft", "status=bogus", "limit=0"] {
        app.get(&format!("/api/v1/listings?{bad}"), None)
            .await
            .expect(400);
    }
    app.get("/api/v1/listings?mine=true", None)
        .await
        .expect(401);
    // Mine: every state; a member sees the company's sell offers, not colleagues' requests.
    let mine = app
        .get("/api/v1/listings?mine=true", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(
        ids(&mine),
        vec![closed_buy.clone(), open_buy.clone(), draft_buy.clone()]
    );
    let mine = app
        .get("/api/v1/listings?mine=true&status=closed", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&mine), vec![closed_buy.clone()]);
    let mine = app
        .get("/api/v1/listings?mine=true", owner_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&mine), vec![open_sell.clone(), draft_sell.clone()]);
    let mine = app
        .get("/api/v1/listings?mine=true&kind=buy", staff_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&mine), vec![staff_buy_draft.clone()]);

    // A suspended company's listings leave every public view; members still see them.
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", id_of(&company_a)),
        op.token(),
        json!({"reason": "licence under review"}),
    )
    .await
    .expect(200);
    app.get(&at(&open_sell), None).await.expect(404);
    app.get(&at(&open_sell), staff_a.token()).await.expect(200);
    let page = app.get("/api/v1/listings", None).await.expect(200).body;
    assert_eq!(ids(&page), vec![open_buy.clone()]);
}

async fn expiry_is_exact_to_the_instant(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let supplier = app.signup("supplier").await;
    let company = app.company(&supplier).await;
    let late = app.signup("supplier").await;
    app.company(&late).await;
    let end = at_offset(Duration::days(2));
    let l = post_open(
        &app,
        &buyer,
        with(buy_body(), json!({"valid_until": rfc3339(end)})),
    )
    .await;
    let id = id_of(&l);
    let path = format!("/api/v1/listings/{id}");
    let quote = quote_body("11.80");

    // One second before the end: open, listed, quotable.
    advance_to(end - Duration::seconds(1));
    let l = app.get(&path, None).await.expect(200).body;
    assert_eq!(l["status"], "open");
    assert_eq!(l["accepting_quotes"], true);
    let page = app.get("/api/v1/listings", None).await.expect(200).body;
    assert_eq!(ids(&page), vec![id.clone()]);
    let q = app
        .post(&format!("{path}/quotes"), supplier.token(), quote.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(q["company_id"], company["id"]);

    // At the end: expired, unlisted, no quotes, no edits, no revisions.
    advance_to(end);
    let l = app.get(&path, None).await.expect(200).body;
    assert_eq!(l["status"], "expired");
    assert_eq!(l["accepting_quotes"], false);
    let page = app.get("/api/v1/listings", None).await.expect(200).body;
    assert!(ids(&page).is_empty());
    let r = app
        .post(&format!("{path}/quotes"), late.token(), quote.clone())
        .await
        .expect(409);
    assert_eq!(r.code(), "listing_expired");
    let r = app
        .patch(
            &format!("/api/v1/quotes/{}", id_of(&q)),
            supplier.token(),
            json!({"unit_price": "10.00"}),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "listing_expired");
    let r = app
        .patch(&path, buyer.token(), json!({"quantity": 5}))
        .await
        .expect(409);
    assert_eq!(r.code(), "listing_expired");
    let mine = app
        .get("/api/v1/listings?mine=true&status=expired", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&mine), vec![id.clone()]);
    let mine = app
        .get("/api/v1/listings?mine=true&status=open", buyer.token())
        .await
        .expect(200)
        .body;
    assert!(ids(&mine).is_empty());
    // Republished with a new date it is open again.
    let l = app
        .post(
            &format!("{path}/republish"),
            buyer.token(),
            json!({"valid_until": in_days(20)}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(l["status"], "open");
    app.post(&format!("{path}/quotes"), late.token(), quote)
        .await
        .expect(201);
}

async fn edit_refused_after_the_first_quote(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let supplier = app.signup("supplier").await;
    app.company(&supplier).await;
    let id = id_of(&post_open(&app, &buyer, buy_body()).await);
    let path = format!("/api/v1/listings/{id}");
    app.patch(&path, buyer.token(), json!({"quantity": 12000}))
        .await
        .expect(200);
    app.post(
        &format!("{path}/quotes"),
        supplier.token(),
        quote_body("11.80"),
    )
    .await
    .expect(201);
    let r = app
        .patch(&path, buyer.token(), json!({"quantity": 20000}))
        .await
        .expect(409);
    assert_eq!(r.code(), "listing_has_quotes");
    let l = app.get(&path, None).await.expect(200).body;
    assert_eq!(l["quantity"], 12000);
    assert_eq!(l["quote_count"], 1);
    // Closing is still the buyer's to do.
    app.post(&format!("{path}/close"), buyer.token(), json!({}))
        .await
        .expect(200);
}

fn expiring_notifications(
    conn: &mut domain::db::DbConnection,
    user: &str,
) -> Vec<(String, String)> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::kind.eq("listing_expiring"))
        .select((notifications::subject_id, notifications::payload))
        .load(conn)
        .expect("notifications")
}

async fn remind(app: &TestApp) -> usize {
    app.with_db(|conn| domain::listing::notify_expiring_listings(conn).expect("reminders"))
        .await
}

async fn owners_are_reminded_once_before_the_end(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let l = post_open(
        &app,
        &buyer,
        with(buy_body(), json!({"valid_until": in_days(3)})),
    )
    .await;
    let id = id_of(&l);
    // A draft ending as soon is no one's concern yet.
    draft(
        &app,
        &buyer,
        with(buy_body(), json!({"valid_until": in_days(3)})),
    )
    .await;
    assert_eq!(remind(&app).await, 0);
    // 25 hours before the end: not yet.
    domain::clock::advance(Duration::days(2) - Duration::hours(1));
    assert_eq!(remind(&app).await, 0);
    // 23 hours before: once.
    domain::clock::advance(Duration::hours(2));
    assert_eq!(remind(&app).await, 1);
    assert_eq!(remind(&app).await, 0);
    let user = buyer.id.clone();
    let rows = app
        .with_db(move |conn| expiring_notifications(conn, &user))
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, id);
    let payload: Value = serde_json::from_str(&rows[0].1).expect("payload");
    assert_eq!(payload["listing_id"], id.as_str());
    assert_eq!(payload["title"], l["title"]);
    let emails: i64 = app
        .with_db(|conn| {
            outbox::table
                .filter(outbox::topic.eq("email.requested"))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(emails, 1);
    // A new end date earns a new reminder when it comes near.
    app.post(
        &format!("/api/v1/listings/{id}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/listings/{id}/republish"),
        buyer.token(),
        json!({"valid_until": in_days(10)}),
    )
    .await
    .expect(200);
    assert_eq!(remind(&app).await, 0);
    domain::clock::advance(Duration::days(9) + Duration::hours(1));
    assert_eq!(remind(&app).await, 1);
    let user = buyer.id.clone();
    let rows = app
        .with_db(move |conn| expiring_notifications(conn, &user))
        .await;
    assert_eq!(rows.len(), 2);
}

async fn serve_sends_reminders_periodically(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.expiry_check_secs = 1).await;
    let buyer = app.signup("buyer").await;
    let l = post_open(
        &app,
        &buyer,
        with(
            buy_body(),
            json!({"valid_until": rfc3339(at_offset(Duration::hours(10)))}),
        ),
    )
    .await;
    let id = id_of(&l);
    app.caught_up(e2e::Loop::ExpiryReminders).await;
    let user = buyer.id.clone();
    let rows = app
        .with_db(move |conn| expiring_notifications(conn, &user))
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, id);
    // The column records it.
    let lid = id.clone();
    let notified: Option<time::PrimitiveDateTime> = app
        .with_db(move |conn| {
            listings::table
                .find(lid)
                .select(listings::expiry_notified_at)
                .first(conn)
                .expect("listing")
        })
        .await;
    assert!(notified.is_some());
    // Another tick changes nothing.
    app.caught_up(e2e::Loop::ExpiryReminders).await;
    let user = buyer.id.clone();
    let rows = app
        .with_db(move |conn| expiring_notifications(conn, &user))
        .await;
    assert_eq!(rows.len(), 1);
}

async fn search_ids(app: &TestApp, query: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/search/listings?{query}"), None)
        .await
        .expect(200);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn listing_search_in_chinese_and_english(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&op).await;
    let flask = id_of(&post_open(&app, &buyer, buy_body()).await);
    let panel = id_of(&post_open(&app, &owner, sell_body()).await);
    let bolts = id_of(
        &post_open(
            &app,
            &buyer,
            with(
                buy_body(),
                json!({
                    "title": "Need zinc plated hex bolts M8, 200000 pcs",
                    "description": "<p>GB5782, delivery to Shanghai</p>",
                    "category_id": "hardware-tools.fasteners",
                    "delivery_region": "Shanghai port",
                    "valid_until": in_days(5),
                }),
            ),
        )
        .await,
    );
    let unpublished = id_of(&draft(&app, &buyer, buy_body()).await);
    let closed = id_of(&post_open(&app, &buyer, buy_body()).await);
    app.post(
        &format!("/api/v1/listings/{closed}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;

    // Chinese, with sub-words; English with stemming, typos and model numbers.
    assert_eq!(search_ids(&app, &q("保温杯")).await, vec![flask.clone()]);
    assert_eq!(
        search_ids(&app, &q("不锈钢 保温杯")).await,
        vec![flask.clone()]
    );
    assert_eq!(
        search_ids(&app, &q("LED panel 600x600")).await,
        vec![panel.clone()]
    );
    assert_eq!(search_ids(&app, &q("hex bolt")).await, vec![bolts.clone()]);
    assert_eq!(
        search_ids(&app, &q("platted bolts")).await,
        vec![bolts.clone()]
    );
    assert_eq!(search_ids(&app, &q("shanghai")).await, vec![bolts.clone()]);
    // Traditional script and full-width forms are normalised.
    assert_eq!(search_ids(&app, &q("保溫杯")).await, vec![flask.clone()]);
    // Filters.
    let all = search_ids(&app, "").await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(!all.contains(&unpublished) && !all.contains(&closed));
    let mut buys = search_ids(&app, "kind=buy").await;
    buys.sort();
    let mut want = vec![flask.clone(), bolts.clone()];
    want.sort();
    assert_eq!(buys, want);
    assert_eq!(search_ids(&app, "kind=sell").await, vec![panel.clone()]);
    assert_eq!(
        search_ids(&app, "category=hardware-tools").await,
        vec![bolts.clone()]
    );
    assert_eq!(
        search_ids(&app, "category=home-goods.drinkware&kind=buy").await,
        vec![flask.clone()]
    );
    assert_eq!(
        search_ids(&app, "sort=newest").await,
        vec![bolts.clone(), panel.clone(), flask.clone()]
    );
    // The hit carries what a list shows.
    let r = app
        .get(&format!("/api/v1/search/listings?{}", q("LED")), None)
        .await
        .expect(200)
        .body;
    let hit = &r["items"][0];
    assert_eq!(hit["kind"], "sell");
    assert_eq!(hit["target_price"], "6.20");
    assert_eq!(hit["currency"], "USD");
    assert_eq!(hit["incoterm"], "EXW");
    assert_eq!(hit["company"]["id"], company["id"]);
    assert_eq!(hit["company"]["verified"], true);
    assert!(hit["highlight"].as_str().unwrap().contains("<b>"), "{hit}");
    assert_eq!(r["total"], 1);
    let r = app
        .get(&format!("/api/v1/search/listings?{}", q("保温杯")), None)
        .await
        .expect(200)
        .body;
    assert!(r["items"][0]["company"].is_null());
    assert_eq!(r["items"][0]["delivery_region"], "宁波港 Ningbo port");
    // Product search never returns listings.
    let r = app
        .get(&format!("/api/v1/search/products?{}", q("保温杯")), None)
        .await
        .expect(200)
        .body;
    assert_eq!(r["total"], 0);
    for bad in ["kind=rent", "sort=price_asc", "limit=0", "cursor=zzz"] {
        app.get(&format!("/api/v1/search/listings?{bad}"), None)
            .await
            .expect(400);
    }

    // Expired at query time: the bolts request ends in 5 days.
    domain::clock::advance(Duration::days(5) + Duration::seconds(1));
    assert!(search_ids(&app, &q("bolts")).await.is_empty());
    assert_eq!(search_ids(&app, "").await.len(), 2);
    domain::clock::advance(-(Duration::days(5) + Duration::seconds(1)));
    assert_eq!(search_ids(&app, &q("bolts")).await, vec![bolts.clone()]);

    // Closing, rejecting and suspending remove; reinstating restores.
    app.post(
        &format!("/api/v1/listings/{bolts}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/listings/{flask}/reject"),
        op.token(),
        json!({"reason": "duplicate"}),
    )
    .await
    .expect(200);
    let cid = id_of(&company);
    app.post(
        &format!("/api/v1/operator/companies/{cid}/suspend"),
        op.token(),
        json!({"reason": "licence under review"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert!(search_ids(&app, "").await.is_empty());
    app.post(
        &format!("/api/v1/operator/companies/{cid}/reinstate"),
        op.token(),
        json!({"reason": "licence checked"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert_eq!(search_ids(&app, "").await, vec![panel.clone()]);
    // An index rebuilt from the database holds the same.
    app.stop().await;
    std::fs::write(
        app.config.data_dir.join("search/CURRENT"),
        "idx-does-not-exist",
    )
    .expect("write CURRENT");
    let rebuilt = app.restart().await;
    rebuilt.wait_for_index().await;
    assert_eq!(search_ids(&rebuilt, "").await, vec![panel.clone()]);
    assert_eq!(search_ids(&rebuilt, &q("LED 面板灯")).await, vec![panel]);
}

async fn buy_leads_match_categories_and_products(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let other_buyer = app.signup("buyer").await;
    // Company A makes vacuum flasks (a published product in drinkware) and lists
    // "注塑机" and "CNC machining" as main products (the fixture's company).
    let (owner_a, company_a) = app.verified_company(&op).await;
    let a = id_of(&company_a);
    let staff_a = app.signup("supplier").await;
    app.add_member(&owner_a, &a, &staff_a, "staff").await;
    app.publish(&owner_a, &a, e2e::fixtures::product_body())
        .await;
    let (owner_b, company_b) = app.verified_company(&op).await;

    // By category (drinkware).
    let by_category = id_of(
        &post_open(
            &app,
            &buyer,
            with(
                buy_body(),
                json!({"title": "求购儿童水杯 5000个", "description": "", "category_id": "home-goods.drinkware"}),
            ),
        )
        .await,
    );
    // By a main product phrase, in another category.
    let by_phrase = id_of(
        &post_open(
            &app,
            &other_buyer,
            with(
                buy_body(),
                json!({"title": "Looking for CNC machining of aluminium parts", "description": "", "category_id": "machinery.cnc-machine-tools"}),
            ),
        )
        .await,
    );
    // By a product keyword, in another category ("vacuum flask", stemmed: "flasks").
    let by_keyword = id_of(
        &post_open(
            &app,
            &buyer,
            with(
                buy_body(),
                json!({"title": "Vacuum flasks as promotional gifts", "description": "", "category_id": "home-goods.storage"}),
            ),
        )
        .await,
    );
    // Not matching: another category, other words.
    post_open(
        &app,
        &buyer,
        with(
            buy_body(),
            json!({"title": "采购办公椅 200把", "description": "", "category_id": "home-goods.furniture"}),
        ),
    )
    .await;
    // Matching but A's own member's request: not a lead for A.
    post_open(&app, &staff_a, buy_body()).await;
    // Matching but a sell offer, a draft, a closed request, or one that ends soon.
    post_open(
        &app,
        &owner_b,
        with(sell_body(), json!({"category_id": "home-goods.drinkware"})),
    )
    .await;
    draft(&app, &buyer, buy_body()).await;
    let closed = id_of(&post_open(&app, &buyer, buy_body()).await);
    app.post(
        &format!("/api/v1/listings/{closed}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    let ending = id_of(
        &post_open(
            &app,
            &buyer,
            with(
                buy_body(),
                json!({"valid_until": rfc3339(at_offset(Duration::hours(2)))}),
            ),
        )
        .await,
    );
    app.wait_for_index().await;

    let path = format!("/api/v1/companies/{a}/buy-leads");
    let page = app.get(&path, staff_a.token()).await.expect(200).body;
    assert_eq!(
        ids(&page),
        vec![
            ending.clone(),
            by_keyword.clone(),
            by_phrase.clone(),
            by_category.clone()
        ],
        "newest first"
    );
    assert_eq!(page["total"], 4);
    // Relevance: all four, in some order.
    let mut relevant = ids(&app
        .get(&format!("{path}?sort=relevance"), owner_a.token())
        .await
        .expect(200)
        .body);
    relevant.sort();
    let mut want = vec![
        ending.clone(),
        by_keyword.clone(),
        by_phrase.clone(),
        by_category.clone(),
    ];
    want.sort();
    assert_eq!(relevant, want);
    // Paging.
    let first = app
        .get(&format!("{path}?limit=3"), owner_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&first).len(), 3);
    let next = first["next_cursor"].as_str().expect("cursor").to_owned();
    let second = app
        .get(&format!("{path}?limit=3&cursor={next}"), owner_a.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&second), vec![by_category.clone()]);
    // Two hours later the short request has ended.
    domain::clock::advance(Duration::hours(2));
    let page = app.get(&path, staff_a.token()).await.expect(200).body;
    assert_eq!(
        ids(&page),
        vec![by_keyword.clone(), by_phrase.clone(), by_category.clone()]
    );
    // Members and operators only.
    app.get(&path, op.token()).await.expect(200);
    app.get(&path, None).await.expect(401);
    assert_eq!(
        app.get(&path, buyer.token()).await.expect(404).code(),
        "company_not_found"
    );
    app.get(&path, owner_b.token()).await.expect(404);
    app.get(&format!("{path}?sort=price"), staff_a.token())
        .await
        .expect(400);
    // B has no published products: only its main products match (the CNC request).
    let page = app
        .get(
            &format!("/api/v1/companies/{}/buy-leads", id_of(&company_b)),
            owner_b.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&page), vec![by_phrase.clone()]);
}

both_backends!(
    listing_fields_are_validated,
    who_may_post_what,
    status_flow,
    visibility_and_lists,
    expiry_is_exact_to_the_instant,
    edit_refused_after_the_first_quote,
    owners_are_reminded_once_before_the_end,
    serve_sends_reminders_periodically,
    listing_search_in_chinese_and_english,
    buy_leads_match_categories_and_products,
);
