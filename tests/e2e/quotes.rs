//! Quotes on buy requests: validation, who may quote, one per company, the per-request cap and
//! the monthly quota (also under concurrent requests), the one revision with its history, the
//! buyer's comparison, and accepting one quote (notifications and leads checked in the
//! database).

use diesel::prelude::*;
use domain::db::schema::{leads, notifications};
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};
use time::Duration;

use e2e::clock::advance_to;
use e2e::id_of;
use e2e::listings::{at_offset, buy_body, draft, in_days, post_open, quote_body, sell_body, with};

fn quotes_of(listing: &str) -> String {
    format!("/api/v1/listings/{listing}/quotes")
}

/// A supplier account with its own (unverified) company.
async fn supplier(app: &TestApp) -> (Account, String) {
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    (owner, id_of(&company))
}

async fn quote(app: &TestApp, who: &Account, listing: &str, body: Value) -> Value {
    app.post(&quotes_of(listing), who.token(), body)
        .await
        .expect(201)
        .body
}

async fn quote_fields_are_validated(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let (s, _) = supplier(&app).await;
    let l = id_of(&post_open(&app, &buyer, buy_body()).await);
    let cases = [
        (json!({"unit_price": null}), "unit_price"),
        (json!({"unit_price": "-1"}), "unit_price"),
        (json!({"unit_price": "0"}), "unit_price"),
        (json!({"unit_price": "1.234"}), "unit_price"),
        (json!({"currency": "XXQ"}), "currency"),
        (json!({"currency": null}), "currency"),
        (json!({"moq": 0}), "moq"),
        (json!({"lead_time_days": 400}), "lead_time_days"),
        (json!({"lead_time_days": null}), "lead_time_days"),
        (json!({"incoterm": "CIFF"}), "incoterm"),
        (json!({"valid_until": in_days(-1)}), "valid_until"),
        (json!({"valid_until": in_days(91)}), "valid_until"),
        (json!({"valid_until": null}), "valid_until"),
        (json!({"message": "字".repeat(5001)}), "message"),
        (json!({"status": "accepted"}), "status"),
        (json!({"company_id": "x"}), "company_id"),
    ];
    for (patch, field) in cases {
        let r = app
            .post(
                &quotes_of(&l),
                s.token(),
                with(quote_body("11.80"), patch.clone()),
            )
            .await
            .expect(400);
        assert!(
            r.fields().contains(&field.to_owned()),
            "{patch} → {}",
            r.body
        );
    }
    // Nothing was counted.
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["quote_count"], 0);
    // An optional message that is blank or only invisible characters is no message (a 400
    // `required` here once refused what the document allows).
    let q = quote(
        &app,
        &s,
        &l,
        with(
            quote_body("11.80"),
            json!({"message": "\u{00ad}\u{200b} \n"}),
        ),
    )
    .await;
    assert_eq!(q["message"], "");
    assert_eq!(q["status"], "live");
    assert_eq!(q["unit_price"], "11.80");
    assert_eq!(q["unit_price_minor"], 1180);
    assert_eq!(q["moq"], 1000);
    assert_eq!(q["revision"], 0);
    assert_eq!(q["listing_id"], l.as_str());
}

async fn who_may_quote(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let loner = app.signup("supplier").await;
    let (a, a_id) = supplier(&app).await;
    let a_staff = app.signup("supplier").await;
    app.add_member(&a, &a_id, &a_staff, "staff").await;
    let (b_owner, b_id) = supplier(&app).await;
    let l = id_of(&post_open(&app, &buyer, buy_body()).await);
    let body = quote_body("11.80");

    app.post(&quotes_of(&l), None, body.clone())
        .await
        .expect(401);
    for who in [&buyer, &loner, &op] {
        let r = app
            .post(&quotes_of(&l), who.token(), body.clone())
            .await
            .expect(403);
        assert_eq!(r.code(), "not_a_supplier");
    }
    // Not on your own request, nor on one of your company.
    let own = id_of(&post_open(&app, &a, buy_body()).await);
    for who in [&a, &a_staff] {
        let r = app
            .post(&quotes_of(&own), who.token(), body.clone())
            .await
            .expect(403);
        assert_eq!(r.code(), "own_request");
    }
    // Not on a sell offer, not on what you cannot see.
    let (seller, _) = app.verified_company(&op).await;
    let sell = id_of(&post_open(&app, &seller, sell_body()).await);
    assert_eq!(
        app.post(&quotes_of(&sell), a.token(), body.clone())
            .await
            .expect(409)
            .code(),
        "not_a_buy_request"
    );
    let hidden = id_of(&draft(&app, &buyer, buy_body()).await);
    assert_eq!(
        app.post(&quotes_of(&hidden), a.token(), body.clone())
            .await
            .expect(404)
            .code(),
        "listing_not_found"
    );
    // One quote per company: a colleague's second one is refused too.
    quote(&app, &a, &l, body.clone()).await;
    for who in [&a, &a_staff] {
        let r = app
            .post(&quotes_of(&l), who.token(), body.clone())
            .await
            .expect(409);
        assert_eq!(r.code(), "quote_exists");
    }
    // A closed request takes none.
    let closed = id_of(&post_open(&app, &buyer, buy_body()).await);
    app.post(
        &format!("/api/v1/listings/{closed}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.post(&quotes_of(&closed), a.token(), body.clone())
            .await
            .expect(409)
            .code(),
        "listing_closed"
    );
    // A suspended company quotes nothing.
    app.post(
        &format!("/api/v1/operator/companies/{b_id}/suspend"),
        op.token(),
        json!({"reason": "licence under review"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.post(&quotes_of(&l), b_owner.token(), body)
            .await
            .expect(409)
            .code(),
        "company_suspended"
    );
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["quote_count"], 1);
}

async fn the_quote_cap_holds_under_concurrency(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.quotes_per_request = 3).await;
    let buyer = app.signup("buyer").await;
    let l = post_open(&app, &buyer, buy_body()).await;
    assert_eq!(l["max_quotes"], 3);
    let l = id_of(&l);
    let mut suppliers = Vec::new();
    for _ in 0..6 {
        suppliers.push(supplier(&app).await.0);
    }
    let body = quote_body("11.80");
    let path = quotes_of(&l);
    let (r1, r2, r3, r4, r5) = tokio::join!(
        app.post(&path, suppliers[0].token(), body.clone()),
        app.post(&path, suppliers[1].token(), body.clone()),
        app.post(&path, suppliers[2].token(), body.clone()),
        app.post(&path, suppliers[3].token(), body.clone()),
        app.post(&path, suppliers[4].token(), body.clone()),
    );
    let replies = [r1, r2, r3, r4, r5];
    let created = replies.iter().filter(|r| r.status == 201).count();
    let refused: Vec<_> = replies.iter().filter(|r| r.status != 201).collect();
    assert_eq!(created, 3, "{replies:?}");
    for r in &refused {
        assert_eq!(
            (r.status, r.code()),
            (409, "quote_limit_reached"),
            "{}",
            r.body
        );
    }
    let r = app
        .post(&path, suppliers[5].token(), body)
        .await
        .expect(409);
    assert_eq!(r.code(), "quote_limit_reached");
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["quote_count"], 3);
    assert_eq!(listing["accepting_quotes"], false);
    let n: i64 = app
        .with_db(move |conn| {
            domain::db::schema::quotes::table
                .filter(domain::db::schema::quotes::listing_id.eq(l))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(n, 3);
}

async fn the_monthly_quota_holds_and_rolls_over(b: Backend) {
    // Mid-month, so the first part stays in one month whatever the date of the run.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn_with(b, |c| c.monthly_quote_quota = 2).await;
    let buyer = app.signup("buyer").await;
    let (s, _) = supplier(&app).await;
    let mut requests = Vec::new();
    for _ in 0..4 {
        requests.push(id_of(&post_open(&app, &buyer, buy_body()).await));
    }
    // Concurrent quotes of one company on four requests: exactly the quota goes through.
    let body = quote_body("11.80");
    let paths: Vec<String> = requests.iter().map(|r| quotes_of(r)).collect();
    let (r1, r2, r3, r4) = tokio::join!(
        app.post(&paths[0], s.token(), body.clone()),
        app.post(&paths[1], s.token(), body.clone()),
        app.post(&paths[2], s.token(), body.clone()),
        app.post(&paths[3], s.token(), body.clone()),
    );
    let replies = [r1, r2, r3, r4];
    assert_eq!(
        replies.iter().filter(|r| r.status == 201).count(),
        2,
        "{replies:?}"
    );
    for r in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(
            (r.status, r.code()),
            (429, "quote_quota_exceeded"),
            "{}",
            r.body
        );
        let wait: i64 = r
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        let (_, end) = domain::quote::month_of(domain::clock::now());
        let left = (end - domain::clock::now()).whole_seconds();
        assert!(wait > 0 && (wait - left).abs() <= 5, "{wait} vs {left}");
    }
    // Another company has its own quota.
    let (other, _) = supplier(&app).await;
    let free = replies
        .iter()
        .position(|r| r.status != 201)
        .expect("a refused one");
    quote(&app, &other, &requests[free], body.clone()).await;
    // The next calendar month (UTC) starts a new count.
    let (_, end) = domain::quote::month_of(domain::clock::now());
    advance_to(end.assume_utc() + Duration::minutes(1));
    // A quote made now: the first body's validity may have ended with the old month.
    let body = quote_body("11.80");
    let fresh = id_of(&post_open(&app, &buyer, buy_body()).await);
    quote(&app, &s, &fresh, body.clone()).await;
    let another = id_of(&post_open(&app, &buyer, buy_body()).await);
    quote(&app, &s, &another, body.clone()).await;
    let third = id_of(&post_open(&app, &buyer, buy_body()).await);
    assert_eq!(
        app.post(&quotes_of(&third), s.token(), body)
            .await
            .expect(429)
            .code(),
        "quote_quota_exceeded"
    );
}

async fn a_quote_is_revised_once_with_history(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (s, s_id) = supplier(&app).await;
    let colleague = app.signup("supplier").await;
    app.add_member(&s, &s_id, &colleague, "staff").await;
    let (stranger, _) = supplier(&app).await;
    let l = id_of(&post_open(&app, &buyer, buy_body()).await);
    let q = quote(&app, &s, &l, quote_body("11.80")).await;
    let path = format!("/api/v1/quotes/{}", id_of(&q));

    // Who may revise: the quoting company's members; the buyer sees it but may not.
    app.patch(&path, None, json!({"unit_price": "11.00"}))
        .await
        .expect(401);
    app.patch(&path, buyer.token(), json!({"unit_price": "11.00"}))
        .await
        .expect(403);
    app.patch(&path, op.token(), json!({"unit_price": "11.00"}))
        .await
        .expect(403);
    app.patch(&path, stranger.token(), json!({"unit_price": "11.00"}))
        .await
        .expect(404);
    let r = app
        .patch(&path, colleague.token(), json!({"currency": "USD"}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["unit_price"]);
    let r = app
        .patch(&path, colleague.token(), json!({"moq": 0}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["moq"]);
    let revised = app
        .patch(
            &path,
            colleague.token(),
            json!({"unit_price": "11.00", "lead_time_days": 15, "message": "降价并缩短交期"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(revised["revision"], 1);
    assert_eq!(revised["unit_price"], "11.00");
    assert_eq!(revised["lead_time_days"], 15);
    assert_eq!(revised["moq"], 1000, "untouched terms stay");
    let r = app
        .patch(&path, s.token(), json!({"unit_price": "10.00"}))
        .await
        .expect(409);
    assert_eq!(r.code(), "quote_already_revised");

    // The history: the terms as first sent.
    for who in [&buyer, &s, &colleague, &op] {
        let d = app.get(&path, who.token()).await.expect(200).body;
        assert_eq!(d["unit_price"], "11.00");
        assert_eq!(d["listing_title"], "求购304不锈钢真空保温杯 500ml");
        let history = d["history"].as_array().expect("history");
        assert_eq!(history.len(), 1, "{d}");
        assert_eq!(history[0]["revision"], 0);
        assert_eq!(history[0]["unit_price"], "11.80");
        assert_eq!(history[0]["lead_time_days"], 20);
        assert_eq!(history[0]["message"], "可提供样品，含彩盒包装。");
    }
    app.get(&path, stranger.token()).await.expect(404);
    app.get(&path, None).await.expect(401);
    app.get(
        "/api/v1/quotes/0190a0a0-0000-7000-8000-000000000000",
        buyer.token(),
    )
    .await
    .expect(404);
    // The buyer heard of the quote and of its revision.
    let user = buyer.id.clone();
    let kinds: Vec<String> = app
        .with_db(move |conn| {
            notifications::table
                .filter(notifications::user_id.eq(user))
                .order(notifications::id.asc())
                .select(notifications::payload)
                .load::<String>(conn)
                .expect("notifications")
        })
        .await;
    assert_eq!(kinds.len(), 2);
    let revised_flags: Vec<bool> = kinds
        .iter()
        .map(|p| {
            serde_json::from_str::<Value>(p).unwrap()["revised"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(revised_flags, vec![false, true]);
}

async fn the_buyer_compares_quotes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let other_buyer = app.signup("buyer").await;
    let (a, company_a) = app.verified_company(&op).await;
    let (b_owner, _) = supplier(&app).await;
    let (c, company_c) = app.verified_company(&op).await;
    let (d, _) = supplier(&app).await;
    let l = id_of(
        &post_open(
            &app,
            &buyer,
            with(
                buy_body(),
                json!({"quantity": 1000, "currency": "CNY", "target_price": "12.00"}),
            ),
        )
        .await,
    );
    let qa = quote(
        &app,
        &a,
        &l,
        with(
            quote_body("12.50"),
            json!({"moq": 500, "lead_time_days": 30}),
        ),
    )
    .await;
    let qb = quote(
        &app,
        &b_owner,
        &l,
        with(
            quote_body("11.80"),
            json!({"moq": 2000, "lead_time_days": 45}),
        ),
    )
    .await;
    let qc = quote(
        &app,
        &c,
        &l,
        with(
            quote_body("1.60"),
            json!({"currency": "USD", "moq": 1000, "lead_time_days": 10}),
        ),
    )
    .await;
    let order =
        |v: &Value| -> Vec<String> { v["items"].as_array().unwrap().iter().map(id_of).collect() };
    let path = quotes_of(&l);

    let cmp = app.get(&path, buyer.token()).await.expect(200).body;
    assert_eq!(cmp["quantity"], 1000);
    assert_eq!(cmp["own_only"], false);
    // Price: CNY (the request's currency) by price, then USD.
    assert_eq!(order(&cmp), vec![id_of(&qb), id_of(&qa), id_of(&qc)]);
    let items = cmp["items"].as_array().unwrap();
    let b_item = &items[0];
    assert_eq!(b_item["total_at_requested_quantity"]["amount"], "11800.00");
    assert_eq!(b_item["total_at_requested_quantity"]["minor"], 1_180_000);
    assert_eq!(b_item["total_at_requested_quantity"]["currency"], "CNY");
    assert_eq!(b_item["moq_exceeds_quantity"], true);
    assert_eq!(b_item["company"]["verified"], false);
    let a_item = &items[1];
    assert_eq!(a_item["total_at_requested_quantity"]["amount"], "12500.00");
    assert_eq!(a_item["moq_exceeds_quantity"], false);
    assert_eq!(a_item["company"]["id"], company_a["id"]);
    assert_eq!(a_item["company"]["verified"], true);
    let c_item = &items[2];
    assert_eq!(c_item["total_at_requested_quantity"]["amount"], "1600.00");
    assert_eq!(c_item["total_at_requested_quantity"]["currency"], "USD");
    assert_eq!(
        c_item["moq_exceeds_quantity"], false,
        "MOQ equal to the quantity is fine"
    );
    assert_eq!(c_item["company"]["id"], company_c["id"]);
    let by = |sort: &str| {
        let app = &app;
        let path = path.clone();
        let buyer = buyer.clone();
        let sort = sort.to_owned();
        async move {
            order(
                &app.get(&format!("{path}?sort={sort}"), buyer.token())
                    .await
                    .expect(200)
                    .body,
            )
        }
    };
    assert_eq!(by("price").await, vec![id_of(&qb), id_of(&qa), id_of(&qc)]);
    assert_eq!(
        by("lead_time").await,
        vec![id_of(&qc), id_of(&qa), id_of(&qb)]
    );
    assert_eq!(
        by("verified").await,
        vec![id_of(&qa), id_of(&qc), id_of(&qb)]
    );
    app.get(&format!("{path}?sort=cheapest"), buyer.token())
        .await
        .expect(400);
    // Operators see everything; a quoting company sees its own quote only.
    assert_eq!(
        order(&app.get(&path, op.token()).await.expect(200).body).len(),
        3
    );
    let own = app.get(&path, a.token()).await.expect(200).body;
    assert_eq!(own["own_only"], true);
    assert_eq!(order(&own), vec![id_of(&qa)]);
    // Others who can see the request: 403; who cannot: 404; anonymous: 401.
    app.get(&path, d.token()).await.expect(403);
    app.get(&path, other_buyer.token()).await.expect(403);
    app.get(&path, None).await.expect(401);
    let hidden = id_of(&draft(&app, &other_buyer, buy_body()).await);
    app.get(&quotes_of(&hidden), buyer.token())
        .await
        .expect(404);
    let sell = id_of(&post_open(&app, &a, sell_body()).await);
    assert_eq!(
        app.get(&quotes_of(&sell), a.token())
            .await
            .expect(409)
            .code(),
        "not_a_buy_request"
    );
}

fn notes_of(conn: &mut domain::db::DbConnection, user: &str) -> Vec<String> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .order(notifications::id.asc())
        .select(notifications::kind)
        .load(conn)
        .expect("notifications")
}

async fn accepting_a_quote_tells_every_bidder(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let (a, a_id) = supplier(&app).await;
    let a_staff = app.signup("supplier").await;
    app.add_member(&a, &a_id, &a_staff, "staff").await;
    let (b_owner, _) = supplier(&app).await;
    let (c, _) = supplier(&app).await;
    let (late, _) = supplier(&app).await;
    let l = id_of(&post_open(&app, &buyer, buy_body()).await);
    let qa = id_of(&quote(&app, &a, &l, quote_body("12.50")).await);
    let qb = id_of(&quote(&app, &b_owner, &l, quote_body("11.80")).await);
    let qc = id_of(&quote(&app, &c, &l, quote_body("12.00")).await);
    // Each quote opened a lead at `quoted` for its company, with the buyer.
    let lead_stage = |quote: String| {
        app.with_db(move |conn| {
            leads::table
                .filter(leads::source_type.eq("quote"))
                .filter(leads::source_id.eq(quote))
                .select((leads::stage, leads::buyer_id))
                .first::<(String, String)>(conn)
                .expect("lead")
        })
    };
    assert_eq!(
        lead_stage(qa.clone()).await,
        ("quoted".into(), buyer.id.clone())
    );
    let accept = |q: &str| format!("/api/v1/quotes/{q}/accept");
    // Only the buyer accepts.
    app.post(&accept(&qb), None, json!({})).await.expect(401);
    app.post(&accept(&qb), b_owner.token(), json!({}))
        .await
        .expect(403);
    app.post(&accept(&qb), late.token(), json!({}))
        .await
        .expect(404);

    let accepted = app
        .post(&accept(&qb), buyer.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(accepted["status"], "accepted");
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["status"], "closed");
    let cmp = app
        .get(&quotes_of(&l), buyer.token())
        .await
        .expect(200)
        .body;
    let statuses: std::collections::HashMap<String, String> = cmp["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (id_of(q), q["status"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(statuses[&qa], "declined");
    assert_eq!(statuses[&qb], "accepted");
    assert_eq!(statuses[&qc], "declined");

    // Notifications, in the database: the buyer got one per quote; the winner's members
    // `quote_accepted`; every member of every other bidder `quote_not_chosen`.
    let notes = |user: &Account| {
        let id = user.id.clone();
        app.with_db(move |conn| notes_of(conn, &id))
    };
    assert_eq!(notes(&buyer).await, vec!["quote_received"; 3]);
    assert_eq!(notes(&b_owner).await, vec!["quote_accepted"]);
    assert_eq!(notes(&a).await, vec!["quote_not_chosen"]);
    assert_eq!(notes(&a_staff).await, vec!["quote_not_chosen"]);
    assert_eq!(notes(&c).await, vec!["quote_not_chosen"]);
    assert!(notes(&late).await.is_empty());
    let emails: i64 = app
        .with_db(|conn| {
            domain::db::schema::outbox::table
                .filter(domain::db::schema::outbox::topic.eq("email.requested"))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(emails, 3 + 1 + 3);
    // Leads: won for the winner, lost for the others.
    assert_eq!(lead_stage(qb.clone()).await.0, "won");
    assert_eq!(lead_stage(qa.clone()).await.0, "lost");
    assert_eq!(lead_stage(qc.clone()).await.0, "lost");

    // Done is done.
    assert_eq!(
        app.post(&accept(&qb), buyer.token(), json!({}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    assert_eq!(
        app.post(&accept(&qa), buyer.token(), json!({}))
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    assert_eq!(
        app.post(&quotes_of(&l), late.token(), quote_body("9.90"))
            .await
            .expect(409)
            .code(),
        "listing_closed"
    );
    assert_eq!(
        app.patch(
            &format!("/api/v1/quotes/{qa}"),
            a.token(),
            json!({"unit_price": "9.00"})
        )
        .await
        .expect(409)
        .code(),
        "invalid_state"
    );
    let r = app
        .post(
            &format!("/api/v1/listings/{l}/republish"),
            buyer.token(),
            json!({"valid_until": in_days(10)}),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "invalid_state");
}

async fn accepting_after_the_end_date_within_the_quotes_validity(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let (s, _) = supplier(&app).await;
    let (t, _) = supplier(&app).await;
    let l = id_of(
        &post_open(
            &app,
            &buyer,
            with(buy_body(), json!({"valid_until": in_days(5)})),
        )
        .await,
    );
    let short = id_of(
        &quote(
            &app,
            &s,
            &l,
            with(quote_body("11.80"), json!({"valid_until": in_days(6)})),
        )
        .await,
    );
    let long = id_of(
        &quote(
            &app,
            &t,
            &l,
            with(quote_body("12.80"), json!({"valid_until": in_days(30)})),
        )
        .await,
    );
    // The request has ended; its quotes still stand until their own validity.
    advance_to(at_offset(Duration::days(7)));
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["status"], "expired");
    assert_eq!(
        app.post(
            &format!("/api/v1/quotes/{short}/accept"),
            buyer.token(),
            json!({})
        )
        .await
        .expect(409)
        .code(),
        "quote_expired"
    );
    app.post(
        &format!("/api/v1/quotes/{long}/accept"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    let listing = app
        .get(&format!("/api/v1/listings/{l}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(listing["status"], "closed");
}

both_backends!(
    quote_fields_are_validated,
    who_may_quote,
    the_quote_cap_holds_under_concurrency,
    the_monthly_quota_holds_and_rolls_over,
    a_quote_is_revised_once_with_history,
    the_buyer_compares_quotes,
    accepting_a_quote_tells_every_bidder,
    accepting_after_the_end_date_within_the_quotes_validity,
);
