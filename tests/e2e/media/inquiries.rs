//! Inquiry attachments: the author's own uploads (or, answering, a colleague's); readable by the
//! thread's participants and operators, downloads only, 404 to everyone else.

use e2e::media::Storage;
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

use super::files::pdf;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

async fn inquiry_attachments_are_for_the_threads_participants(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &id(&company), &staff, "staff").await;
    let buyer = app.signup("buyer").await;
    let other_buyer = app.signup("buyer").await;
    let spec = app
        .upload(buyer.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let not_mine = app
        .upload(other_buyer.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let inquiry = |attachments: Value| {
        json!({
            "subject": "询价：图纸附件 Drawing attached",
            "message": format!("Please quote per the drawing ({})", uuid::Uuid::new_v4()),
            "quantity": 500,
            "unit": "piece",
            "attachments": attachments,
            "targets": [{"type": "company", "id": id(&company)}],
        })
    };
    let r = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry(json!([id(&not_mine)])),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["attachments[0]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");
    let created = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry(json!([id(&spec)])),
        )
        .await
        .expect(201)
        .body;
    let thread = created["threads"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!thread.is_empty(), "{created}");
    let t = app
        .get(&format!("/api/v1/inquiries/{thread}"), owner.token())
        .await
        .expect(200)
        .body;
    let url = t["messages"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(url, format!("/api/v1/media/{}/original", id(&spec)));
    for (who, expected) in [
        (owner.token(), 200),
        (staff.token(), 200),
        (buyer.token(), 200),
        (op.token(), 200),
        (other_buyer.token(), 404),
        (None, 404),
    ] {
        let (status, headers, body) = app.get_raw(&url, who, &[]).await;
        assert_eq!(status, expected, "{who:?}");
        if status == 200 {
            assert_eq!(body, pdf());
            assert!(
                headers["content-disposition"]
                    .to_str()
                    .unwrap_or_default()
                    .starts_with("attachment")
            );
            assert_eq!(headers["content-security-policy"], "sandbox");
        }
    }
    // The owner answers with a file the staff member uploaded.
    let quote = app.upload_image(&staff, "attachment", 60, 40).await;
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        owner.token(),
        json!({"body": "报价单见附件", "attachments": [id(&quote)]}),
    )
    .await
    .expect(201);
    let quote_url = format!("/api/v1/media/{}/original", id(&quote));
    assert_eq!(app.get_raw(&quote_url, buyer.token(), &[]).await.0, 200);
    assert_eq!(
        app.get_raw(&quote_url, other_buyer.token(), &[]).await.0,
        404
    );
}

media_backends!(inquiry_attachments_are_for_the_threads_participants);
