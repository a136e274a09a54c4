//! In-app notifications: one's own only, unread counts, marking read; each one also requests
//! its e-mail through the outbox in the same transaction.

use diesel::prelude::*;
use domain::notification::{NewNotification, NotificationKind, notify};
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::json;
use uuid::Uuid;

async fn seed(app: &TestApp, to: &Account, kind: NotificationKind, title: &str) -> String {
    let user = Uuid::parse_str(&to.id).unwrap();
    let title = title.to_owned();
    app.with_db(move |conn| {
        notify(
            conn,
            NewNotification {
                user_id: user,
                kind,
                subject_type: "inquiry",
                subject_id: Uuid::now_v7(),
                payload: json!({"title": title}),
            },
        )
        .expect("notify")
        .expect("an active account is notified")
        .to_string()
    })
    .await
}

async fn notifications_are_personal(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.signup("buyer").await;
    let bob = app.signup("supplier").await;
    let first = seed(
        &app,
        &alice,
        NotificationKind::QuoteReceived,
        "不锈钢保温杯求购",
    )
    .await;
    let second = seed(
        &app,
        &alice,
        NotificationKind::InquiryMessage,
        "Re: LED panel",
    )
    .await;
    let bobs = seed(&app, &bob, NotificationKind::InquiryReceived, "询盘").await;

    let list = app
        .get("/api/v1/notifications", alice.token())
        .await
        .expect(200)
        .body;
    assert_eq!(list["unread"], 2);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second.as_str(), "newest first");
    assert_eq!(items[1]["kind"], "quote_received");
    assert_eq!(items[1]["data"]["title"], "不锈钢保温杯求购");
    assert!(items[1]["read_at"].is_null());

    // Someone else's notification does not exist for you.
    app.post(
        &format!("/api/v1/notifications/{bobs}/read"),
        alice.token(),
        json!({}),
    )
    .await
    .expect(404);
    app.post(
        &format!("/api/v1/notifications/{first}/read"),
        alice.token(),
        json!({}),
    )
    .await
    .expect(204);
    // Marking again is harmless.
    app.post(
        &format!("/api/v1/notifications/{first}/read"),
        alice.token(),
        json!({}),
    )
    .await
    .expect(204);
    let unread = app
        .get("/api/v1/notifications?unread=true", alice.token())
        .await
        .expect(200)
        .body;
    assert_eq!(unread["unread"], 1);
    assert_eq!(unread["items"][0]["id"], second.as_str());
    let marked = app
        .post("/api/v1/notifications/read-all", alice.token(), json!({}))
        .await
        .expect(200)
        .body;
    assert_eq!(marked["marked"], 1);
    let bob_list = app
        .get("/api/v1/notifications", bob.token())
        .await
        .expect(200)
        .body;
    assert_eq!(bob_list["unread"], 1, "bob's stay unread");
    app.get("/api/v1/notifications", None).await.expect(401);
    app.get("/api/v1/notifications?limit=500", alice.token())
        .await
        .expect(400);

    // Each notification asked for its e-mail in the same transaction.
    let ids = vec![first, second, bobs];
    let emails: i64 = app
        .with_db(move |conn| {
            use domain::db::schema::outbox;
            outbox::table
                .filter(outbox::topic.eq("email.requested"))
                .filter(outbox::entity_id.eq_any(ids))
                .count()
                .get_result(conn)
                .expect("count")
        })
        .await;
    assert_eq!(emails, 3);
}

/// Notifications (and e-mail requests) of one account, from the database.
async fn stored_for(app: &TestApp, who: &Account) -> (i64, i64) {
    let user = who.id.clone();
    app.with_db(move |conn| {
        use domain::db::schema::{notifications, outbox};
        let kept: i64 = notifications::table
            .filter(notifications::user_id.eq(&user))
            .count()
            .get_result(conn)
            .expect("count");
        let mails: i64 = outbox::table
            .filter(outbox::topic.eq("email.requested"))
            .filter(outbox::payload.like(format!("%\"user_id\":\"{user}\"%")))
            .count()
            .get_result(conn)
            .expect("count");
        (kept, mails)
    })
    .await
}

async fn disabled_and_erased_accounts_are_not_notified(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap().to_owned();
    let admin = app.signup("supplier").await;
    app.add_member(&owner, &cid, &admin, "admin").await;
    let reporter = app.signup("buyer").await;
    let report = app
        .post(
            "/api/v1/reports",
            reporter.token(),
            json!({"subject_type": "company", "subject_id": cid, "reason": "fraud",
                   "details": "收款后不发货", "evidence_urls": ["https://evidence.example.com/1.png"]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The reporter erases the account; an operator disables the owner's account.
    app.post(
        "/api/v1/me/erasure",
        reporter.token(),
        json!({"password": e2e::fixtures::PASSWORD}),
    )
    .await
    .expect(200);
    app.disable_account(&owner.id).await;
    let owner_before = stored_for(&app, &owner).await;
    let admin_before = stored_for(&app, &admin).await;
    let reporter_before = stored_for(&app, &reporter).await;
    assert_eq!(reporter_before.0, 0, "erasure removed the notifications");

    // A warning goes to the company's owners and admins, a dismissal to the reporter.
    app.post(
        &format!("/api/v1/operator/companies/{cid}/warn"),
        op.token(),
        json!({"reason": "多次发布重复信息"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/operator/reports/{report}/resolve"),
        op.token(),
        json!({"outcome": "dismissed", "note": "未发现违规"}),
    )
    .await
    .expect(200);
    assert_eq!(stored_for(&app, &owner).await, owner_before);
    assert_eq!(stored_for(&app, &reporter).await, reporter_before);
    let admin_after = stored_for(&app, &admin).await;
    assert_eq!(admin_after.0, admin_before.0 + 1);
    assert_eq!(admin_after.1, admin_before.1 + 1);
}

/// The notification e-mails of `who` of `kind`: (subject, text), oldest first, once the lead
/// e-mail loop (which turns notifications into e-mail jobs) has caught up.
async fn mailed(app: &TestApp, who: &Account, kind: &str) -> Vec<(String, String)> {
    app.caught_up(e2e::Loop::LeadMail).await;
    let (user, kind) = (who.id.clone(), kind.to_owned());
    app.with_db(move |conn| {
        use domain::db::schema::email_jobs as j;
        j::table
            .filter(j::user_id.eq(user))
            .filter(j::kind.eq(kind))
            .order(j::created_at.asc())
            .select((j::subject, j::text_body))
            .load(conn)
            .expect("jobs")
    })
    .await
}

/// The link of a notification e-mail, as a path under the server.
fn link_in(text: &str) -> String {
    let start = text.find("/api/v1/").expect("a link");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

async fn set_language(app: &TestApp, who: &Account, lang: &str) {
    app.patch(
        "/api/v1/me/email-preferences",
        who.token(),
        json!({"language": lang}),
    )
    .await
    .expect(200);
}

/// Notification e-mails say what happened, in the recipient's language (the review decision
/// and its reason, the quote's price and terms, the start of the inquiry), and their link opens
/// the resource for the recipient.
async fn notification_emails_say_what_happened(b: Backend) {
    use e2e::listings::{buy_body, post_open, quote_body, with};
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    // An English-reading supplier whose company is not verified: its product waits for review.
    let (owner, company) = e2e::review::unverified(&app).await;
    set_language(&app, &owner, "en").await;
    let product = app
        .publish(&owner, &company, e2e::fixtures::product_body())
        .await;
    let item = e2e::review::item_id(&app, &op, "product", &product).await;
    e2e::review::decide(
        &app,
        &op,
        &item,
        "reject",
        json!({"reason_code": "other", "note": "图片与描述不符 Photos do not match"}),
    )
    .await
    .expect(200);
    let decisions = mailed(&app, &owner, "review_decision").await;
    let (subject, text) = decisions.last().expect("a review decision e-mail");
    assert_eq!(subject, "Review decision: rejected", "{text}");
    assert!(
        text.contains("Reason: 图片与描述不符 Photos do not match"),
        "{text}"
    );
    let link = link_in(text);
    assert_eq!(link, format!("/api/v1/products/{product}"));
    app.get(&link, owner.token()).await.expect(200);

    // A Chinese-reading buyer gets a verified supplier's quote: price, terms and message.
    let (seller, verified) = app.verified_company(&op).await;
    let company = e2e::id_of(&verified);
    set_language(&app, &seller, "en").await;
    let buyer = app.signup("buyer").await;
    set_language(&app, &buyer, "zh").await;
    let request = e2e::id_of(&post_open(&app, &buyer, buy_body()).await);
    let quote = app
        .post(
            &format!("/api/v1/listings/{request}/quotes"),
            seller.token(),
            with(
                quote_body("11.80"),
                json!({"message": "含税含运，可提供免费样品"}),
            ),
        )
        .await
        .expect(201)
        .body;
    let quote_id = e2e::id_of(&quote);
    let quotes = mailed(&app, &buyer, "quote_received").await;
    let (subject, text) = quotes.last().expect("a quote e-mail");
    assert!(subject.starts_with("收到新报价："), "{subject}");
    assert!(text.contains("单价：CNY 11.80"), "{text}");
    assert!(text.contains("起订量 1000"), "{text}");
    assert!(text.contains("交期 20 天"), "{text}");
    assert!(text.contains("FOB"), "{text}");
    assert!(text.contains("「含税含运，可提供免费样品」"), "{text}");
    let link = link_in(text);
    assert_eq!(link, format!("/api/v1/quotes/{quote_id}"));
    app.get(&link, buyer.token()).await.expect(200);

    // The buyer writes to the supplier: the e-mail quotes the start of the message, in English.
    let thread = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({
                "subject": "询价 LED panels",
                "message": "Please quote 5000 pcs of 600x600 panels, delivery to Hamburg.",
                "targets": [{"type": "company", "id": company}],
            }),
        )
        .await
        .expect(201)
        .body["threads"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let inquiries = mailed(&app, &seller, "inquiry_received").await;
    let (subject, text) = inquiries.last().expect("an inquiry e-mail");
    assert_eq!(subject, "New inquiry: 询价 LED panels");
    assert!(
        text.contains(
            "\u{201c}Please quote 5000 pcs of 600x600 panels, delivery to Hamburg.\u{201d}"
        ),
        "{text}"
    );
    let link = link_in(text);
    assert_eq!(link, format!("/api/v1/inquiries/{thread}"));
    app.get(&link, seller.token()).await.expect(200);
}

both_backends!(
    notifications_are_personal,
    notification_emails_say_what_happened,
    disabled_and_erased_accounts_are_not_notified
);
