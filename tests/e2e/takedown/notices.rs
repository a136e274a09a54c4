//! IP notice and takedown: filing rules, who sees a case, acceptance hides the item everywhere
//! (from search once the index applies it) and tells the supplier, the counter-notice window on the controllable clock
//! (day 14 taken, day 16 refused with `counter_notice_window_closed`), restore, keep down,
//! final by time, and appeals against a takedown.

use std::time::Instant;

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;
use time::Duration;

use super::common::*;

const TAKEDOWNS: &str = "/api/v1/takedowns";

async fn filing_rules_and_who_sees_a_case(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Quokkaflask").await;
    let holder = app.signup("buyer").await;
    let stranger = app.signup("supplier").await;
    let draft = id_of(&app.product(&shop.owner, &shop.company).await);

    // Proof of rights is required, field by field.
    for (change, field) in [
        (json!({"good_faith": false}), "good_faith"),
        (json!({"evidence_urls": []}), "evidence_urls"),
        (json!({"evidence_urls": ["ftp://x"]}), "evidence_urls[0]"),
        (json!({"rights_type": "design"}), "rights_type"),
        (json!({"registration_number": " "}), "registration_number"),
        (json!({"rights_holder": ""}), "rights_holder"),
        (json!({"subject_type": "company"}), "subject_type"),
    ] {
        let mut body = notice("product", &shop.product);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post(TAKEDOWNS, holder.token(), body).await.expect(400);
        assert_eq!(r.fields(), vec![field], "{change}");
    }
    // What the notifier cannot see, and the supplier's own items, cannot be noticed.
    let r = app
        .post(TAKEDOWNS, holder.token(), notice("product", &draft))
        .await
        .expect(400);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_subject");
    let r = app
        .post(
            TAKEDOWNS,
            shop.staff.token(),
            notice("product", &shop.product),
        )
        .await
        .expect(400);
    assert_eq!(r.body["error"]["fields"][0]["code"], "own_item");
    // Operators decide notices; anonymous callers sign in first.
    app.post(TAKEDOWNS, op.token(), notice("product", &shop.product))
        .await
        .expect(403);
    app.post(TAKEDOWNS, None, notice("product", &shop.product))
        .await
        .expect(401);

    let case = app
        .post(TAKEDOWNS, holder.token(), notice("product", &shop.product))
        .await
        .expect(201)
        .body;
    assert_eq!(case["notice"]["status"], "submitted");
    assert_eq!(case["notice"]["item_hidden"], false);
    assert_eq!(case["notice"]["company_id"], shop.company.as_str());
    assert_eq!(steps(&case), vec!["filed"]);
    assert_eq!(case["timeline"][0]["party"], "notifier");
    let id = case["notice"]["id"].as_str().unwrap().to_owned();
    let path = format!("{TAKEDOWNS}/{id}");
    assert_eq!(
        app.post(TAKEDOWNS, holder.token(), notice("product", &shop.product))
            .await
            .expect(409)
            .code(),
        "duplicate_notice"
    );

    // Before the operator acts, the supplier is not party to it; strangers never are.
    app.get(&path, holder.token()).await.expect(200);
    app.get(&path, op.token()).await.expect(200);
    for who in [&shop.owner, &shop.staff, &stranger] {
        assert_eq!(
            app.get(&path, who.token()).await.expect(404).code(),
            "takedown_not_found"
        );
    }
    app.get(&path, None).await.expect(401);
    let mine = app.get(TAKEDOWNS, holder.token()).await.expect(200).body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let theirs = app
        .get(TAKEDOWNS, shop.owner.token())
        .await
        .expect(200)
        .body;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    // A rejected notice never reaches the supplier and changes nothing.
    let rejected = app
        .post(
            &format!("/api/v1/operator/takedowns/{id}/reject"),
            op.token(),
            note("注册号与商品类别不符"),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rejected["notice"]["status"], "rejected");
    assert_eq!(steps(&rejected), vec!["filed", "rejected"]);
    app.get(&path, shop.owner.token()).await.expect(404);
    assert_product_public(&app, &shop, &shop.product, true).await;
    assert!(
        !notification_kinds(&app, &shop.owner)
            .await
            .contains(&"takedown_update".into())
    );
    assert_eq!(
        notification_kinds(&app, &holder).await,
        vec!["takedown_update"]
    );
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/accept"),
        op.token(),
        note("again"),
    )
    .await
    .expect(409);
    // Operators list cases by status; others may not.
    let listed = app
        .get("/api/v1/operator/takedowns?status=rejected", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(listed["items"][0]["id"], id.as_str());
    app.get("/api/v1/operator/takedowns?status=lost", op.token())
        .await
        .expect(400);
    app.get("/api/v1/operator/takedowns", holder.token())
        .await
        .expect(403);
}

async fn accepted_notice_hides_and_counter_notice_on_day_14_is_taken(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Wombatflask").await;
    let holder = app.signup("buyer").await;
    let stranger = app.signup("buyer").await;
    app.wait_for_index().await;
    assert_eq!(
        product_search(&app, &shop.word).await,
        vec![shop.product.clone()]
    );
    let id = app
        .post(TAKEDOWNS, holder.token(), notice("product", &shop.product))
        .await
        .expect(201)
        .body["notice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("{TAKEDOWNS}/{id}");

    let accepted_at = domain::clock::now();
    let case = app
        .post(
            &format!("/api/v1/operator/takedowns/{id}/accept"),
            op.token(),
            note("权利证明充分，商品已下架"),
        )
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    assert_eq!(case["notice"]["status"], "accepted");
    assert_eq!(case["notice"]["item_hidden"], true);
    // The window is 15 days from acceptance.
    let deadline = time::OffsetDateTime::parse(
        case["notice"]["counter_deadline"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expected = accepted_at.assume_utc() + Duration::days(15);
    assert!(
        (deadline - expected).abs() < Duration::seconds(5),
        "{deadline} vs {expected}"
    );
    // Hidden from every public endpoint at once and from search once the index applies it.
    product_search_after_indexing(&app, &shop.word, &shop.product, false, since).await;
    assert_product_public(&app, &shop, &shop.product, false).await;
    app.get(
        &format!("/api/v1/products/{}", shop.product),
        shop.staff.token(),
    )
    .await
    .expect(200);
    let inquiry = app
        .post(
            "/api/v1/inquiries",
            stranger.token(),
            json!({"subject": "Quote", "message": "Please quote 1000 pcs",
                   "targets": [{"type": "product", "id": shop.product}]}),
        )
        .await
        .expect(400);
    assert_eq!(inquiry.fields(), vec!["targets[0].id"]);
    // The supplier is told and now sees the case, every step time-stamped.
    assert!(
        notification_kinds(&app, &shop.owner)
            .await
            .contains(&"takedown_update".into())
    );
    assert!(
        notification_kinds(&app, &shop.admin)
            .await
            .contains(&"takedown_update".into())
    );
    let seen = app.get(&path, shop.staff.token()).await.expect(200).body;
    assert_eq!(steps(&seen), vec!["filed", "accepted"]);
    assert_eq!(seen["timeline"][1]["party"], "operator");
    assert_eq!(seen["timeline"][1]["note"], "权利证明充分，商品已下架");
    assert!(seen["timeline"][1]["at"].is_string());
    app.get(&path, stranger.token()).await.expect(404);
    let theirs = app
        .get(TAKEDOWNS, shop.owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["items"][0]["id"], id.as_str());

    // Only owners and admins answer; the notifier and operators do not.
    let counter_path = format!("{path}/counter-notice");
    app.post(&counter_path, shop.staff.token(), counter())
        .await
        .expect(403);
    app.post(&counter_path, holder.token(), counter())
        .await
        .expect(403);
    app.post(&counter_path, op.token(), counter())
        .await
        .expect(403);
    app.post(&counter_path, stranger.token(), counter())
        .await
        .expect(404);
    let mut no_faith = counter();
    no_faith["good_faith"] = json!(false);
    app.post(&counter_path, shop.admin.token(), no_faith)
        .await
        .expect(400);
    // The operator cannot decide a counter-notice that does not exist.
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/restore"),
        op.token(),
        note("too early"),
    )
    .await
    .expect(409);

    // Day 14: taken; the item stays hidden until the operator decides.
    domain::clock::advance(Duration::days(14));
    let countered = app
        .post(&counter_path, shop.admin.token(), counter())
        .await
        .expect(200)
        .body;
    assert_eq!(countered["notice"]["status"], "countered");
    assert_eq!(countered["notice"]["item_hidden"], true);
    assert_eq!(
        steps(&countered),
        vec!["filed", "accepted", "counter_notice"]
    );
    assert_eq!(countered["timeline"][2]["party"], "supplier");
    assert_eq!(
        app.post(&counter_path, shop.owner.token(), counter())
            .await
            .expect(409)
            .code(),
        "invalid_state"
    );
    let for_holder = app.get(&path, holder.token()).await.expect(200).body;
    assert_eq!(
        for_holder["notice"]["counter_statement"],
        "本店为品牌授权经销商，授权书编号 SH-2026-0815"
    );
    // Still down after the deadline while the counter-notice waits for a decision.
    domain::clock::advance(Duration::days(3));
    let waiting = app.get(&path, holder.token()).await.expect(200).body;
    assert_eq!(waiting["notice"]["status"], "countered");
    assert_product_public(&app, &shop, &shop.product, false).await;

    // The operator restores the item: back on every endpoint and in search.
    let restored = app
        .post(
            &format!("/api/v1/operator/takedowns/{id}/restore"),
            op.token(),
            note("授权书真实有效，恢复商品"),
        )
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    assert_eq!(restored["notice"]["status"], "restored");
    assert_eq!(restored["notice"]["item_hidden"], false);
    assert_eq!(
        steps(&restored),
        vec!["filed", "accepted", "counter_notice", "restored"]
    );
    product_search_after_indexing(&app, &shop.word, &shop.product, true, since).await;
    assert_product_public(&app, &shop, &shop.product, true).await;
    // Nothing to appeal: the takedown no longer stands.
    let r = app
        .post(
            &format!("{path}/appeal"),
            shop.owner.token(),
            json!({"statement": "x"}),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "not_appealable");

    // Every step is in the audit log.
    let audit = app
        .get(
            &format!("/api/v1/operator/audit?subject_id={id}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["restore", "counter_notice", "accept", "file"]);
    assert_eq!(audit["items"][2]["before"]["status"], "submitted");
    assert_eq!(audit["items"][2]["after"]["status"], "accepted");
    audit_intact(&app, &op).await;
}

async fn counter_notice_on_day_16_is_refused_and_the_takedown_is_final(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Numbatflask").await;
    let holder = app.signup("buyer").await;
    app.wait_for_index().await;
    let id = app
        .post(TAKEDOWNS, holder.token(), notice("product", &shop.product))
        .await
        .expect(201)
        .body["notice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("{TAKEDOWNS}/{id}");
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/accept"),
        op.token(),
        note("权利证明充分"),
    )
    .await
    .expect(200);

    domain::clock::advance(Duration::days(16));
    let r = app
        .post(
            &format!("{path}/counter-notice"),
            shop.owner.token(),
            counter(),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "counter_notice_window_closed");
    // Final from the deadline on, before any job ran; the step shows at the deadline.
    let case = app.get(&path, shop.owner.token()).await.expect(200).body;
    assert_eq!(case["notice"]["status"], "final");
    assert_eq!(case["notice"]["item_hidden"], true);
    assert_eq!(steps(&case), vec!["filed", "accepted", "final"]);
    assert_eq!(case["timeline"][2]["party"], "system");
    assert_eq!(
        case["timeline"][2]["at"],
        case["notice"]["counter_deadline"]
    );
    let finals = app
        .get("/api/v1/operator/takedowns?status=final", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(finals["items"][0]["id"], id.as_str());
    // The periodic job stores it once.
    assert_eq!(
        app.with_db(|conn| domain::takedown::finalize_due(conn).expect("finalize"))
            .await,
        1
    );
    assert_eq!(
        app.with_db(|conn| domain::takedown::finalize_due(conn).expect("finalize"))
            .await,
        0
    );
    let case = app.get(&path, holder.token()).await.expect(200).body;
    assert_eq!(steps(&case), vec!["filed", "accepted", "final"]);
    assert_product_public(&app, &shop, &shop.product, false).await;

    // The company appeals once (owners and admins); the notifier and staff cannot.
    let appeal = json!({"statement": "商标权利人已于上月书面授权本公司使用",
                        "evidence_urls": ["https://evidence.example.com/authorisation.pdf"]});
    app.post(
        &format!("{path}/appeal"),
        shop.staff.token(),
        appeal.clone(),
    )
    .await
    .expect(403);
    app.post(&format!("{path}/appeal"), holder.token(), appeal.clone())
        .await
        .expect(403);
    let filed = app
        .post(
            &format!("{path}/appeal"),
            shop.admin.token(),
            appeal.clone(),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(filed["status"], "open");
    assert_eq!(filed["target_type"], "takedown");
    assert_eq!(
        app.post(&format!("{path}/appeal"), shop.owner.token(), appeal)
            .await
            .expect(409)
            .code(),
        "already_appealed"
    );
    let appeal_id = filed["id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/appeals/{appeal_id}"), shop.staff.token())
        .await
        .expect(200);
    app.get(&format!("/api/v1/appeals/{appeal_id}"), holder.token())
        .await
        .expect(404);
    // Upheld: the takedown is reversed in the same transaction and the item shows again.
    let decided = app
        .post(
            &format!("/api/v1/operator/appeals/{appeal_id}/decide"),
            op.token(),
            json!({"outcome": "upheld", "note": "授权书核实无误"}),
        )
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    assert_eq!(decided["status"], "upheld");
    assert_eq!(decided["decision_note"], "授权书核实无误");
    product_search_after_indexing(&app, &shop.word, &shop.product, true, since).await;
    assert_product_public(&app, &shop, &shop.product, true).await;
    let case = app.get(&path, shop.owner.token()).await.expect(200).body;
    assert_eq!(case["notice"]["status"], "reversed");
    assert_eq!(case["appeal"]["status"], "upheld");
    assert_eq!(
        steps(&case),
        vec!["filed", "accepted", "final", "appealed", "appeal_upheld"]
    );
    assert!(
        notification_kinds(&app, &shop.owner)
            .await
            .contains(&"appeal_decided".into())
    );
    app.post(
        &format!("/api/v1/operator/appeals/{appeal_id}/decide"),
        op.token(),
        json!({"outcome": "rejected", "note": "again"}),
    )
    .await
    .expect(409);
    audit_intact(&app, &op).await;
}

async fn listings_kept_down_and_a_shorter_window(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.counter_notice_days = 3).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Bilbyflask").await;
    let holder = app.signup("buyer").await;
    let offer = sell_offer(&app, &shop, "Bilbypanel").await;
    app.wait_for_index().await;
    assert_eq!(
        listing_search(&app, "Bilbypanel").await,
        vec![offer.clone()]
    );
    let id = app
        .post(TAKEDOWNS, holder.token(), notice("listing", &offer))
        .await
        .expect(201)
        .body["notice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("{TAKEDOWNS}/{id}");
    let case = app
        .post(
            &format!("/api/v1/operator/takedowns/{id}/accept"),
            op.token(),
            note("外观专利侵权"),
        )
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    listing_search_after_indexing(&app, "Bilbypanel", &offer, false, since).await;
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/listings/{offer}"), holder.token())
        .await
        .expect(404);
    app.get(&format!("/api/v1/listings/{offer}"), shop.staff.token())
        .await
        .expect(200);
    let open = app.get("/api/v1/listings", None).await.expect(200).body;
    assert!(
        !open["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == offer.as_str())
    );
    // The configured window: 3 days.
    let accepted = time::OffsetDateTime::parse(
        case["timeline"][1]["at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let deadline = time::OffsetDateTime::parse(
        case["notice"]["counter_deadline"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(deadline - accepted, Duration::days(3));

    domain::clock::advance(Duration::days(2));
    app.post(
        &format!("{path}/counter-notice"),
        shop.owner.token(),
        counter(),
    )
    .await
    .expect(200);
    let kept = app
        .post(
            &format!("/api/v1/operator/takedowns/{id}/keep-down"),
            op.token(),
            note("授权书与注册人不一致"),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(kept["notice"]["status"], "kept_down");
    assert_eq!(kept["notice"]["item_hidden"], true);
    assert!(notification_kinds(&app, &holder).await.len() >= 3);
    // An appeal that is rejected leaves it down.
    let appeal_id = app
        .post(
            &format!("{path}/appeal"),
            shop.owner.token(),
            json!({"statement": "请复核"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open_appeals = app
        .get("/api/v1/operator/appeals?status=open", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(open_appeals["items"][0]["id"], appeal_id.as_str());
    app.post(
        &format!("/api/v1/operator/appeals/{appeal_id}/decide"),
        op.token(),
        json!({"outcome": "maybe", "note": "x"}),
    )
    .await
    .expect(400);
    app.post(
        &format!("/api/v1/operator/appeals/{appeal_id}/decide"),
        shop.owner.token(),
        json!({"outcome": "upheld", "note": "x"}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/api/v1/operator/appeals/{appeal_id}/decide"),
        op.token(),
        json!({"outcome": "rejected", "note": "维持下架决定"}),
    )
    .await
    .expect(200);
    let case = app.get(&path, shop.owner.token()).await.expect(200).body;
    assert_eq!(case["notice"]["status"], "kept_down");
    assert_eq!(case["appeal"]["status"], "rejected");
    assert_eq!(
        steps(&case),
        vec![
            "filed",
            "accepted",
            "counter_notice",
            "kept_down",
            "appealed",
            "appeal_rejected"
        ]
    );
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(404);
}

both_backends!(
    filing_rules_and_who_sees_a_case,
    accepted_notice_hides_and_counter_notice_on_day_14_is_taken,
    counter_notice_on_day_16_is_refused_and_the_takedown_is_final,
    listings_kept_down_and_a_shorter_window,
);
