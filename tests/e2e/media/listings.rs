//! Listing attachments: uploads (purpose `attachment`) of the owner or a colleague, attached by
//! id; readable by any signed-in account while the listing is public and among its live files,
//! always by its owner, its company and operators, never anonymously; a change request's new
//! files are public only once applied.

use e2e::listings::{buy_body, post_open, sell_body, with};
use e2e::media::Storage;
use e2e::review::{approve, s, unverified};
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

use super::files::pdf;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

fn url_of(media: &Value) -> String {
    format!("/api/v1/media/{}/original", id(media))
}

async fn buy_request_attachments_are_for_signed_in_readers(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (supplier, _) = app.verified_company(&op).await;
    let buyer = app.signup("buyer").await;
    let stranger = app.signup("buyer").await;
    let drawing = app
        .upload(buyer.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let theirs = app
        .upload(stranger.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let picture = app.upload_image(&buyer, "product_image", 80, 60).await;

    // Someone else's upload is unknown; an upload for another purpose is refused.
    for (file, code) in [(&theirs, "unknown_media"), (&picture, "wrong_purpose")] {
        let r = app
            .post(
                "/api/v1/listings",
                buyer.token(),
                with(buy_body(), json!({"attachments": [id(file)]})),
            )
            .await
            .expect(400);
        assert_eq!(r.fields(), vec!["attachments[0]"]);
        assert_eq!(r.body["error"]["fields"][0]["code"], code);
    }

    // A draft's files are its owner's (and operators').
    let listing = app
        .post(
            "/api/v1/listings",
            buyer.token(),
            with(buy_body(), json!({"attachments": [id(&drawing)]})),
        )
        .await
        .expect(201)
        .body;
    let lid = id(&listing);
    let url = url_of(&drawing);
    assert_eq!(listing["attachments"][0]["id"], id(&drawing).as_str());
    assert_eq!(listing["attachments"][0]["url"], url.as_str());
    for (who, expected) in [
        (buyer.token(), 200),
        (op.token(), 200),
        (supplier.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }

    // Published: every signed-in account reads the drawings (suppliers quote on them), as a
    // private download; nobody anonymous does.
    app.post(
        &format!("/api/v1/listings/{lid}/publish"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    let read = app
        .get(&format!("/api/v1/listings/{lid}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(read["attachments"][0]["url"], url.as_str());
    for (who, expected) in [
        (buyer.token(), 200),
        (supplier.token(), 200),
        (stranger.token(), 200),
        (op.token(), 200),
        (None, 404),
    ] {
        let (status, headers, body) = app.get_raw(&url, who, &[]).await;
        assert_eq!(status, expected, "{who:?}");
        if status == 200 {
            assert_eq!(body, pdf());
            assert_eq!(headers["cache-control"], "private, no-cache");
            assert!(
                headers["content-disposition"]
                    .to_str()
                    .unwrap_or_default()
                    .starts_with("attachment")
            );
        }
    }

    // An edit of the open request (approved at once: a buy request whose text screening finds
    // nothing) adds a second file; `[]` would remove them all.
    let sketch = app.upload_image(&buyer, "attachment", 64, 48).await;
    let edited = app
        .patch(
            &format!("/api/v1/listings/{lid}"),
            buyer.token(),
            json!({"attachments": [id(&drawing), id(&sketch)]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "applied", "{edited}");
    let files: Vec<String> = edited["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(id)
        .collect();
    assert_eq!(files, vec![id(&drawing), id(&sketch)]);
    assert_eq!(
        app.get_raw(&url_of(&sketch), supplier.token(), &[]).await.0,
        200
    );
    assert_eq!(app.get_raw(&url_of(&sketch), None, &[]).await.0, 404);
}

async fn a_sell_offers_new_files_wait_for_review(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (owner, company) = unverified(&app).await;
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let (other_supplier, _) = app.verified_company(&op).await;
    let offer = post_open(&app, &owner, sell_body()).await;
    let lid = id(&offer);
    approve(&app, &op, "sell_offer", &lid).await;

    // The owner attaches a colleague's upload; an unverified company's edit waits for review.
    let datasheet = app
        .upload(staff.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let url = url_of(&datasheet);
    let edited = app
        .patch(
            &format!("/api/v1/listings/{lid}"),
            owner.token(),
            json!({"attachments": [id(&datasheet)]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(edited["edit"]["outcome"], "pending", "{edited}");
    assert_eq!(edited["attachments"], json!([]));
    // The company and the reviewers see the proposed file; other accounts not yet.
    for (who, expected) in [
        (owner.token(), 200),
        (staff.token(), 200),
        (op.token(), 200),
        (other_supplier.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }
    approve(
        &app,
        &op,
        "change_request",
        &s(&edited["edit"]["change_request_id"]),
    )
    .await;
    let read = app
        .get(&format!("/api/v1/listings/{lid}"), other_supplier.token())
        .await
        .expect(200)
        .body;
    assert_eq!(read["attachments"][0]["url"], url.as_str());
    assert_eq!(app.get_raw(&url, other_supplier.token(), &[]).await.0, 200);
    assert_eq!(app.get_raw(&url, None, &[]).await.0, 404);
}

media_backends!(
    buy_request_attachments_are_for_signed_in_readers,
    a_sell_offers_new_files_wait_for_review,
);
