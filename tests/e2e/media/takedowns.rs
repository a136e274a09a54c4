//! IP notice evidence files: the notifier's own uploads, readable by whoever may read the case:
//! the notifier and operators from filing on, the item's owner once the notice is served. A
//! counter-notice's files: uploads of the supplier's members, readable by the same people.

use e2e::fixtures::product_body;
use e2e::media::Storage;
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

use super::files::pdf;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

async fn notice_evidence_follows_the_case(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let product = app.publish(&owner, &id(&company), product_body()).await;
    let holder = app.signup("buyer").await;
    let other = app.signup("buyer").await;
    let certificate = app
        .upload(holder.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let theirs = app.upload_image(&other, "attachment", 50, 40).await;
    // A file is evidence enough: no URL needed with one.
    let notice = |files: Vec<String>| {
        json!({
            "subject_type": "product",
            "subject_id": product,
            "rights_type": "trademark",
            "rights_holder": "上海示例品牌管理有限公司",
            "registration_number": "第12345678号",
            "evidence_attachments": files,
            "good_faith": true,
        })
    };
    let r = app
        .post(
            "/api/v1/takedowns",
            holder.token(),
            notice(vec![id(&theirs)]),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["evidence_attachments[0]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");
    let r = app
        .post("/api/v1/takedowns", holder.token(), notice(vec![]))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["evidence_urls"]);
    let case = app
        .post(
            "/api/v1/takedowns",
            holder.token(),
            notice(vec![id(&certificate)]),
        )
        .await
        .expect(201)
        .body;
    let url = format!("/api/v1/media/{}/original", id(&certificate));
    assert_eq!(
        case["notice"]["evidence_attachments"][0]["url"],
        url.as_str(),
        "{case}"
    );
    for (who, expected) in [
        (holder.token(), 200),
        (op.token(), 200),
        (owner.token(), 404),
        (other.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }
    // Served: the owner reads the case, and so its evidence.
    app.post(
        &format!("/api/v1/operator/takedowns/{}/accept", id(&case["notice"])),
        op.token(),
        json!({"note": "trademark registration checked"}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&url, owner.token(), &[]).await.0, 200);
    assert_eq!(app.get_raw(&url, other.token(), &[]).await.0, 404);
}

async fn counter_notice_evidence_reaches_the_notifier(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let product = app.publish(&owner, &id(&company), product_body()).await;
    let holder = app.signup("buyer").await;
    let other = app.signup("buyer").await;
    let case = app
        .post(
            "/api/v1/takedowns",
            holder.token(),
            json!({
                "subject_type": "product",
                "subject_id": product,
                "rights_type": "trademark",
                "rights_holder": "上海示例品牌管理有限公司",
                "registration_number": "第12345678号",
                "evidence_urls": ["https://example.com/certificate"],
                "good_faith": true,
            }),
        )
        .await
        .expect(201)
        .body;
    let notice = id(&case["notice"]);
    app.post(
        &format!("/api/v1/operator/takedowns/{notice}/accept"),
        op.token(),
        json!({"note": "trademark registration checked"}),
    )
    .await
    .expect(200);
    let licence = app
        .upload(owner.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let theirs = app.upload_image(&other, "attachment", 50, 40).await;
    let counter = |files: Vec<String>| {
        json!({
            "statement": "我们持有该商标的授权许可，见附件。",
            "evidence_attachments": files,
            "good_faith": true,
        })
    };
    let path = format!("/api/v1/takedowns/{notice}/counter-notice");
    // Someone else's upload is unknown; the case stays accepted.
    let r = app
        .post(&path, owner.token(), counter(vec![id(&theirs)]))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["evidence_attachments[0]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");
    let r = app
        .post(&path, owner.token(), counter(vec!["not-an-id".into()]))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["evidence_attachments[0]"]);
    let case = app
        .post(&path, owner.token(), counter(vec![id(&licence)]))
        .await
        .expect(200)
        .body;
    assert_eq!(case["notice"]["status"], "countered", "{case}");
    let url = format!("/api/v1/media/{}/original", id(&licence));
    assert_eq!(
        case["notice"]["counter_evidence_attachments"][0]["url"],
        url.as_str(),
        "{case}"
    );
    let seen = app
        .get(&format!("/api/v1/takedowns/{notice}"), holder.token())
        .await
        .expect(200)
        .body;
    assert_eq!(
        seen["notice"]["counter_evidence_attachments"][0]["id"],
        id(&licence).as_str(),
        "{seen}"
    );
    for (who, expected) in [
        (holder.token(), 200),
        (op.token(), 200),
        (owner.token(), 200),
        (other.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }
    // The counter-notice is the filer's personal data: it is in their export, with its file;
    // the notifier's export lists the notice, not the statement made against it.
    let mine = app
        .get("/api/v1/me/export", owner.token())
        .await
        .expect(200)
        .body;
    let filed = &mine["counter_notices_filed"];
    assert_eq!(filed.as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(filed[0]["notice_id"], notice.as_str(), "{mine}");
    assert_eq!(filed[0]["statement"], "我们持有该商标的授权许可，见附件。");
    assert_eq!(filed[0]["evidence_attachments"][0], id(&licence).as_str());
    assert!(filed[0]["filed_at"].is_string(), "{mine}");
    let theirs = app
        .get("/api/v1/me/export", holder.token())
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["counter_notices_filed"], json!([]), "{theirs}");
    assert_eq!(
        theirs["takedown_notices_filed"][0]["id"],
        notice.as_str(),
        "{theirs}"
    );
}

media_backends!(
    notice_evidence_follows_the_case,
    counter_notice_evidence_reaches_the_notifier
);
