//! Report evidence files: the filer's own uploads, readable by the filer and operators only
//! (the reported company does not see them).

use e2e::media::Storage;
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

use super::files::pdf;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

async fn report_evidence_is_for_the_filer_and_operators(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let filer = app.signup("buyer").await;
    let other = app.signup("buyer").await;
    let screenshot = app.upload_image(&filer, "attachment", 120, 80).await;
    let theirs = app
        .upload(other.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let report = |files: Vec<String>| {
        json!({
            "subject_type": "company",
            "subject_id": id(&company),
            "reason": "fraud",
            "details": "收款后不发货 Took payment, never shipped",
            "evidence_urls": ["https://example.com/forum/thread/1"],
            "evidence_attachments": files,
        })
    };
    let r = app
        .post("/api/v1/reports", filer.token(), report(vec![id(&theirs)]))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["evidence_attachments[0]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");
    let filed = app
        .post(
            "/api/v1/reports",
            filer.token(),
            report(vec![id(&screenshot)]),
        )
        .await
        .expect(201)
        .body;
    let url = format!("/api/v1/media/{}/original", id(&screenshot));
    assert_eq!(filed["evidence_attachments"][0]["url"], url.as_str());
    assert_eq!(
        filed["evidence_urls"][0],
        "https://example.com/forum/thread/1"
    );
    for (who, expected) in [
        (filer.token(), 200),
        (op.token(), 200),
        (owner.token(), 404),
        (other.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }
    let queue = app
        .get("/api/v1/operator/reports", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(
        queue["items"][0]["evidence_attachments"][0]["id"],
        id(&screenshot).as_str()
    );
}

media_backends!(report_evidence_is_for_the_filer_and_operators);
