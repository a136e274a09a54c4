//! The event types wired after the first four: a message on a thread, a lead's stage, an
//! operator's decision on a product and a buy request the lead matcher finds for a supplier.
//! Each arrives once at the loopback receiver, signed, with the data docs/webhooks.md shows.

use api::progress::Loop;
use e2e::fixtures::product_body;
use e2e::listings::{buy_body, post_open};
use e2e::{Account, Backend, TestApp, both_backends, id_of};
use serde_json::{Value, json};

use super::{Receiver, all_delivered, assert_signed, inquiry, register, spawn, wait_log};

const NEW_TYPES: [&str; 4] = [
    "inquiry.message_created",
    "lead.stage_changed",
    "product.review_decided",
    "buy_request.matched",
];

/// `member` follows buy leads for its company, with lead e-mail consent confirmed (the matcher
/// records leads only for recipients who confirmed).
async fn follow_buy_leads(app: &TestApp, member: &Account) {
    app.post(
        "/api/v1/subscriptions",
        member.token(),
        json!({"kind": "buy_leads", "frequency": "daily"}),
    )
    .await
    .expect(201);
    let token = app
        .mail_token(&member.email, "consent_confirm", "confirm")
        .await;
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/email/confirm?token={token}"),
        None,
        None,
    )
    .await
    .expect(200);
}

/// The bodies the receiver got on `path`, by event type, each checked against `secret`.
fn bodies(rx: &Receiver, path: &str, secret: &str) -> Vec<Value> {
    rx.got()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| {
            assert_signed(r, secret);
            serde_json::from_str(&r.body).expect("JSON body")
        })
        .collect()
}

fn of_type<'a>(got: &'a [Value], t: &str) -> Vec<&'a Value> {
    got.iter().filter(|v| v["type"] == t).collect()
}

async fn new_event_types_arrive_once_signed(b: Backend) {
    let app = spawn(b, true, 3600).await;
    let rx = Receiver::start().await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    // Vacuum flasks in drinkware: what the buy request below matches.
    app.publish(&owner, &company, product_body()).await;
    let rejected = app.publish(&owner, &company, product_body()).await;
    follow_buy_leads(&app, &owner).await;
    let ep = register(&app, &owner, &company, &rx.url("/new"), &NEW_TYPES).await;
    let secret = ep["secret"].as_str().unwrap().to_owned();
    let ep = id_of(&ep);

    // The company's first reply: a message, and the lead moves new → contacted by itself.
    let thread = inquiry(&app, &buyer, &company).await;
    let message = id_of(
        &app.post(
            &format!("/api/v1/inquiries/{thread}/messages"),
            owner.token(),
            json!({"body": "Yes, 5000 pieces are in stock."}),
        )
        .await
        .expect(201)
        .body,
    );
    app.post(
        &format!("/api/v1/operator/products/{rejected}/reject"),
        operator.token(),
        json!({"reason": "The photos show another brand's logo."}),
    )
    .await
    .expect(200);
    let request = id_of(&post_open(&app, &buyer, buy_body()).await);
    // The matcher works on what the index took in.
    app.wait_for_index().await;
    app.caught_up(Loop::LeadMail).await;

    wait_log(&app, &owner, &company, &ep, all_delivered(4)).await;
    let got = bodies(&rx, "/new", &secret);
    assert_eq!(got.len(), 4, "{}", json!(got));
    for t in NEW_TYPES {
        assert_eq!(of_type(&got, t).len(), 1, "{t} once: {}", json!(got));
    }
    let msg = &of_type(&got, "inquiry.message_created")[0]["data"];
    assert_eq!(msg["inquiry_id"], thread.as_str());
    assert_eq!(msg["message_id"], message.as_str());
    assert_eq!(msg["side"], "supplier");
    assert_eq!(msg["author_id"], owner.id.as_str());
    assert_eq!(msg["body"], "Yes, 5000 pieces are in stock.");
    let stage = &of_type(&got, "lead.stage_changed")[0]["data"];
    assert_eq!(stage["company_id"], company.as_str());
    assert_eq!(stage["source_type"], "inquiry");
    assert_eq!(stage["source_id"], thread.as_str());
    assert_eq!(
        (&stage["from"], &stage["to"]),
        (&json!("new"), &json!("contacted"))
    );
    assert!(stage["changed_by"].is_null(), "an automatic step: {stage}");
    let review = &of_type(&got, "product.review_decided")[0]["data"];
    assert_eq!(review["product_id"], rejected.as_str());
    assert_eq!(review["decision"], "rejected");
    assert_eq!(review["status"], "rejected");
    assert_eq!(review["reason"], "The photos show another brand's logo.");
    let matched = &of_type(&got, "buy_request.matched")[0]["data"];
    assert_eq!(matched["buy_request_id"], request.as_str());
    assert_eq!(matched["company_id"], company.as_str());
    assert_eq!(matched["subscriber_id"], owner.id.as_str());
    assert_eq!(matched["category_id"], "home-goods.drinkware");

    // A stage set by a member names them; the buyer's message is the buyer's side.
    let lead = stage["lead_id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/api/v1/leads/{lead}"),
        owner.token(),
        json!({"stage": "negotiating"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        buyer.token(),
        json!({"body": "Please send the price for 8000."}),
    )
    .await
    .expect(201);
    wait_log(&app, &owner, &company, &ep, all_delivered(6)).await;
    let got = bodies(&rx, "/new", &secret);
    assert_eq!(got.len(), 6, "{}", json!(got));
    let stages = of_type(&got, "lead.stage_changed");
    let by_hand = stages
        .iter()
        .find(|v| v["data"]["to"] == "negotiating")
        .expect("the member's change");
    assert_eq!(by_hand["data"]["from"], "contacted");
    assert_eq!(by_hand["data"]["changed_by"], owner.id.as_str());
    let messages = of_type(&got, "inquiry.message_created");
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .any(|v| v["data"]["side"] == "buyer" && v["data"]["author_id"] == buyer.id.as_str())
    );
}

both_backends!(new_event_types_arrive_once_signed);
