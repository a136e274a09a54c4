//! Ratings: who may rate (the buyer of a thread or of an accepted quote, once each), screening
//! of comments (block refuses, review holds until an operator approves), the company's one
//! reply, and the public list.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{accept, audit, credit, id_of, quote, rule, supplier, thread};

async fn who_may_rate_and_how_often(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let stranger = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    let other = supplier(&app, &op).await;
    let t = thread(&app, &buyer, &s.company).await;
    let rate = format!("/api/v1/inquiries/{t}/rating");
    let body = json!({"stars": 4, "comment": "回复及时，样品质量不错"});

    app.post(&rate, None, body.clone()).await.expect(401);
    // Whoever may not see the thread: 404; its other parties: 403.
    let reply = app
        .post(&rate, stranger.token(), body.clone())
        .await
        .expect(404);
    assert_eq!(reply.code(), "inquiry_not_found");
    app.post(&rate, other.owner.token(), body.clone())
        .await
        .expect(404);
    app.post(&rate, s.owner.token(), body.clone())
        .await
        .expect(403);
    app.post(&rate, op.token(), body.clone()).await.expect(403);
    app.post(
        &format!("/api/v1/inquiries/{}/rating", uuid::Uuid::now_v7()),
        buyer.token(),
        body.clone(),
    )
    .await
    .expect(404);
    for bad in [
        json!({"stars": 0}),
        json!({"stars": 6}),
        json!({"stars": 3, "comment": "长".repeat(2001)}),
    ] {
        let reply = app.post(&rate, buyer.token(), bad).await.expect(400);
        assert_eq!(reply.code(), "validation_failed");
    }
    let rated = app
        .post(&rate, buyer.token(), body.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(rated["status"], "published");
    assert_eq!(rated["stars"], 4);
    assert_eq!(rated["source_type"], "inquiry");
    assert_eq!(rated["rater"], "测***");
    // Once per thread.
    let reply = app
        .post(&rate, buyer.token(), json!({"stars": 1}))
        .await
        .expect(409);
    assert_eq!(reply.code(), "already_rated");
    // A second thread is a second rating.
    let t2 = thread(&app, &buyer, &s.company).await;
    app.post(
        &format!("/api/v1/inquiries/{t2}/rating"),
        buyer.token(),
        json!({"stars": 2}),
    )
    .await
    .expect(201);
    // Not a thread the company marked as spam.
    let spam = thread(&app, &stranger, &s.company).await;
    app.post(
        &format!("/api/v1/inquiries/{spam}/spam"),
        s.owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    let reply = app
        .post(
            &format!("/api/v1/inquiries/{spam}/rating"),
            stranger.token(),
            body.clone(),
        )
        .await
        .expect(409);
    assert_eq!(reply.code(), "not_rateable");

    // Quotes: only the buyer, only once accepted, once.
    let q = quote(&app, &buyer, &s.owner).await;
    let rate_quote = format!("/api/v1/quotes/{q}/rating");
    let reply = app
        .post(&rate_quote, buyer.token(), json!({"stars": 5}))
        .await
        .expect(409);
    assert_eq!(reply.code(), "not_rateable");
    accept(&app, &buyer, &q).await;
    let reply = app
        .post(&rate_quote, stranger.token(), json!({"stars": 5}))
        .await
        .expect(404);
    assert_eq!(reply.code(), "quote_not_found");
    app.post(&rate_quote, s.owner.token(), json!({"stars": 5}))
        .await
        .expect(403);
    app.post(&rate_quote, op.token(), json!({"stars": 5}))
        .await
        .expect(403);
    let rated = app
        .post(
            &rate_quote,
            buyer.token(),
            json!({"stars": 5, "comment": "按时交货"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(rated["source_type"], "quote");
    app.post(&rate_quote, buyer.token(), json!({"stars": 5}))
        .await
        .expect(409);

    // The public list: newest first, with the summary; counted in the credit profile.
    let list = app
        .get(&format!("/api/v1/companies/{}/ratings", s.company), None)
        .await
        .expect(200)
        .body;
    let stars: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stars"].as_i64().unwrap())
        .collect();
    assert_eq!(stars, vec![5, 2, 4]);
    // One buyer rated three times: only the latest counts; the others are history.
    let counts: Vec<bool> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["counts"].as_bool().unwrap())
        .collect();
    assert_eq!(counts, vec![true, false, false]);
    assert_eq!(list["summary"]["count"], 1);
    assert_eq!(list["summary"]["average"], 5.0);
    // (5 × 3.5 + 5) / 6 = 3.75
    assert_eq!(list["summary"]["bayesian_average"], 3.75);
    let paged = app
        .get(
            &format!("/api/v1/companies/{}/ratings?limit=2", s.company),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(paged["items"].as_array().unwrap().len(), 2);
    let cursor = paged["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!(
                "/api/v1/companies/{}/ratings?limit=2&cursor={cursor}",
                s.company
            ),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rest["items"][0]["stars"], 4);
    let profile = credit(&app, &s.company).await;
    assert_eq!(profile["components"]["rating_count"], 1);
    assert_eq!(profile["components"]["rating_sum"], 5);
    assert_eq!(profile["components"]["rating_bayesian_average"], 3.75);
    let s_front = app
        .get(&format!("/api/v1/storefronts/{}", s.slug), None)
        .await
        .expect(200)
        .body;
    assert_eq!(s_front["ratings"]["count"], 1);
    assert_eq!(s_front["recent_ratings"].as_array().unwrap().len(), 3);
    assert_eq!(s_front["recent_ratings"][2]["counts"], false);
    assert_eq!(s_front["recent_ratings"][0]["comment"], "按时交货");
    // Another company's list is its own.
    let theirs = app
        .get(
            &format!("/api/v1/companies/{}/ratings", other.company),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["summary"]["count"], 0);
    assert_eq!(theirs["summary"]["average"], serde_json::Value::Null);
    app.get(
        &format!("/api/v1/companies/{}/ratings", uuid::Uuid::now_v7()),
        None,
    )
    .await
    .expect(404);
}

/// Opening more threads with a supplier does not pump its score: in the credit score and the
/// public average only each buyer's latest published rating of a supplier counts; the older
/// ones stay listed as history (`counts: false`). Taking the latest down lets the one before
/// count again.
async fn one_buyer_counts_once_per_supplier(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let pumper = app.signup("buyer").await;
    let other = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    let rate = |t: String, stars: i64| {
        let app = &app;
        let who = if stars == 1 { &other } else { &pumper };
        async move {
            id_of(
                &app.post(
                    &format!("/api/v1/inquiries/{t}/rating"),
                    who.token(),
                    json!({"stars": stars}),
                )
                .await
                .expect(201)
                .body,
            )
        }
    };
    let mut pumped = Vec::new();
    for _ in 0..3 {
        let t = thread(&app, &pumper, &s.company).await;
        pumped.push(rate(t, 5).await);
    }
    let t = thread(&app, &other, &s.company).await;
    rate(t, 1).await;
    let public = format!("/api/v1/companies/{}/ratings", s.company);
    let list = app.get(&public, None).await.expect(200).body;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        4,
        "history stays visible"
    );
    let counted: Vec<(i64, bool)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["stars"].as_i64().unwrap(), r["counts"].as_bool().unwrap()))
        .collect();
    assert_eq!(counted, vec![(1, true), (5, true), (5, false), (5, false)]);
    assert_eq!(list["summary"]["count"], 2);
    assert_eq!(list["summary"]["average"], 3.0);
    let profile = credit(&app, &s.company).await;
    assert_eq!(profile["components"]["rating_count"], 2);
    assert_eq!(profile["components"]["rating_sum"], 6);

    // The pumper's newest rating replaces the earlier ones, whatever its stars.
    let t = thread(&app, &pumper, &s.company).await;
    let latest = rate(t, 2).await;
    let list = app.get(&public, None).await.expect(200).body;
    assert_eq!(list["summary"]["count"], 2);
    assert_eq!(list["summary"]["average"], 1.5);
    assert_eq!(list["items"][0]["id"], latest.as_str());
    assert_eq!(list["items"][0]["counts"], true);
    assert_eq!(
        credit(&app, &s.company).await["components"]["rating_sum"],
        3
    );
    // Operators see the same marks.
    let all = app
        .get("/api/v1/operator/ratings?status=published", op.token())
        .await
        .expect(200)
        .body;
    let marks: Vec<bool> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["counts"].as_bool().unwrap())
        .collect();
    assert_eq!(marks, vec![true, true, false, false, false]);

    // Taken down, the latest no longer counts; the pumper's previous rating does again.
    app.post(
        &format!("/api/v1/operator/ratings/{latest}/reject"),
        op.token(),
        json!({"reason": "重复评价"}),
    )
    .await
    .expect(200);
    let list = app.get(&public, None).await.expect(200).body;
    assert_eq!(list["summary"]["count"], 2);
    assert_eq!(list["summary"]["average"], 3.0);
    assert_eq!(list["items"][1]["id"], pumped[2].as_str());
    assert_eq!(list["items"][1]["counts"], true);
    assert_eq!(
        credit(&app, &s.company).await["components"]["rating_sum"],
        6
    );
}

async fn comments_are_screened(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    rule(&app, &op, "骗子公司", "block").await;
    rule(&app, &op, "加微信", "review").await;
    let t = thread(&app, &buyer, &s.company).await;
    let rate = format!("/api/v1/inquiries/{t}/rating");
    // Blocked through the usual evasions (spaces, full-width forms).
    for comment in ["这就是骗子公司", "骗 子 公 司！", "騙子公司"] {
        let reply = app
            .post(
                &rate,
                buyer.token(),
                json!({"stars": 1, "comment": comment}),
            )
            .await
            .expect(400);
        assert_eq!(reply.code(), "content_blocked", "{comment}");
        assert_eq!(reply.fields(), vec!["comment"]);
    }
    // A review hit holds the rating: hidden and not counted until an operator approves it.
    let held = app
        .post(
            &rate,
            buyer.token(),
            json!({"stars": 5, "comment": "质量好，详情加微信聊"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(held["status"], "held");
    let held_id = id_of(&held);
    let public = format!("/api/v1/companies/{}/ratings", s.company);
    assert_eq!(
        app.get(&public, None).await.expect(200).body["summary"]["count"],
        0
    );
    assert_eq!(
        credit(&app, &s.company).await["components"]["rating_count"],
        0
    );
    // The company cannot see it, so cannot reply.
    app.post(
        &format!("/api/v1/ratings/{held_id}/reply"),
        s.owner.token(),
        json!({"reply": "谢谢"}),
    )
    .await
    .expect(404);
    let queue = app
        .get("/api/v1/operator/ratings", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    assert_eq!(queue["items"][0]["id"], held_id.as_str());
    app.get("/api/v1/operator/ratings", buyer.token())
        .await
        .expect(403);
    app.get("/api/v1/operator/ratings?status=pending", op.token())
        .await
        .expect(400);
    let approved = app
        .post(
            &format!("/api/v1/operator/ratings/{held_id}/approve"),
            op.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(approved["status"], "published");
    app.post(
        &format!("/api/v1/operator/ratings/{held_id}/approve"),
        op.token(),
        json!({}),
    )
    .await
    .expect(409);
    assert_eq!(
        app.get(&public, None).await.expect(200).body["summary"]["count"],
        1
    );
    assert_eq!(
        credit(&app, &s.company).await["components"]["rating_sum"],
        5
    );
    let entries = audit(&app, &op, &held_id, "approve").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["before"]["status"], "held");

    // Operators take a rating down with a reason; it leaves the list and the profile.
    let reply = app
        .post(
            &format!("/api/v1/operator/ratings/{held_id}/reject"),
            op.token(),
            json!({}),
        )
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["reason"]);
    let rejected = app
        .post(
            &format!("/api/v1/operator/ratings/{held_id}/reject"),
            op.token(),
            json!({"reason": "含站外联系方式"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["moderation_note"], "含站外联系方式");
    assert_eq!(
        app.get(&public, None).await.expect(200).body["summary"]["count"],
        0
    );
    assert_eq!(
        credit(&app, &s.company).await["components"]["rating_count"],
        0
    );
    // A flagged rating is published (the hit is kept with it).
    rule(&app, &op, "物流", "flag").await;
    let t2 = thread(&app, &buyer, &s.company).await;
    let flagged = app
        .post(
            &format!("/api/v1/inquiries/{t2}/rating"),
            buyer.token(),
            json!({"stars": 4, "comment": "物流很快"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(flagged["status"], "published");
}

async fn the_company_replies_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;
    let s = supplier(&app, &op).await;
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&s.owner, &s.company, &admin, "admin").await;
    app.add_member(&s.owner, &s.company, &staff, "staff").await;
    let other = supplier(&app, &op).await;
    rule(&app, &op, "骗子公司", "block").await;
    let t = thread(&app, &buyer, &s.company).await;
    let rating = id_of(
        &app.post(
            &format!("/api/v1/inquiries/{t}/rating"),
            buyer.token(),
            json!({"stars": 3}),
        )
        .await
        .expect(201)
        .body,
    );
    let path = format!("/api/v1/ratings/{rating}/reply");
    let body = json!({"reply": "感谢反馈，我们会改进包装"});
    app.post(&path, None, body.clone()).await.expect(401);
    for who in [&staff, &buyer, &other.owner, &op] {
        let reply = app.post(&path, who.token(), body.clone()).await.expect(403);
        assert_eq!(reply.code(), "forbidden");
    }
    app.post(&path, s.owner.token(), json!({"reply": ""}))
        .await
        .expect(400);
    let reply = app
        .post(&path, admin.token(), json!({"reply": "你才是骗子公司"}))
        .await
        .expect(400);
    assert_eq!(reply.code(), "content_blocked");
    let replied = app
        .post(&path, admin.token(), body.clone())
        .await
        .expect(200)
        .body;
    assert_eq!(replied["reply"], "感谢反馈，我们会改进包装");
    assert!(replied["replied_at"].is_string());
    let reply = app
        .post(&path, s.owner.token(), json!({"reply": "再补充一句"}))
        .await
        .expect(409);
    assert_eq!(reply.code(), "already_replied");
    let list = app
        .get(&format!("/api/v1/companies/{}/ratings", s.company), None)
        .await
        .expect(200)
        .body;
    assert_eq!(list["items"][0]["reply"], "感谢反馈，我们会改进包装");
    app.post(
        &format!("/api/v1/ratings/{}/reply", uuid::Uuid::now_v7()),
        s.owner.token(),
        body,
    )
    .await
    .expect(404);
}

both_backends!(
    who_may_rate_and_how_often,
    one_buyer_counts_once_per_supplier,
    comments_are_screened,
    the_company_replies_once,
);
