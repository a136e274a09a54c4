//! Quote attachments: uploads of the quoting company's members, readable by that company, the
//! buy request's owner and operators; not by another company, nor anonymously. A revision keeps
//! the replaced list in its history.

use e2e::listings::{buy_body, post_open, quote_body, with};
use e2e::media::Storage;
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

use super::files::pdf;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

async fn quote_attachments_are_for_both_companies(b: Backend, st: Storage) {
    let app = TestApp::spawn_media(b, st).await;
    let op = app.operator().await;
    let (quoter, company) = app.verified_company(&op).await;
    let staff = app.signup("supplier").await;
    app.add_member(&quoter, &id(&company), &staff, "staff")
        .await;
    // The request comes from a supplier, so two companies are on the two sides.
    let (requester, _) = app.verified_company(&op).await;
    let (third, _) = app.verified_company(&op).await;
    let request = post_open(&app, &requester, buy_body()).await;
    let path = format!("/api/v1/listings/{}/quotes", id(&request));

    let price_list = app
        .upload(staff.token(), "attachment", &pdf())
        .await
        .expect(201)
        .body;
    let foreign = app.upload_image(&third, "attachment", 40, 30).await;
    let r = app
        .post(
            &path,
            quoter.token(),
            with(quote_body("11.80"), json!({"attachments": [id(&foreign)]})),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["attachments[0]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");

    // A colleague's upload is the company's.
    let quote = app
        .post(
            &path,
            quoter.token(),
            with(
                quote_body("11.80"),
                json!({"attachments": [id(&price_list)]}),
            ),
        )
        .await
        .expect(201)
        .body;
    let url = format!("/api/v1/media/{}/original", id(&price_list));
    assert_eq!(quote["attachments"][0]["url"], url.as_str());
    let seen = app
        .get(&format!("/api/v1/quotes/{}", id(&quote)), requester.token())
        .await
        .expect(200)
        .body;
    assert_eq!(seen["attachments"][0]["id"], id(&price_list).as_str());
    for (who, expected) in [
        (quoter.token(), 200),
        (staff.token(), 200),
        (requester.token(), 200),
        (op.token(), 200),
        (third.token(), 404),
        (None, 404),
    ] {
        assert_eq!(app.get_raw(&url, who, &[]).await.0, expected, "{who:?}");
    }

    // The one revision replaces the files; the history keeps the old list, still readable.
    let drawing = app.upload_image(&quoter, "attachment", 64, 48).await;
    let revised = app
        .patch(
            &format!("/api/v1/quotes/{}", id(&quote)),
            quoter.token(),
            json!({"attachments": [id(&drawing)]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(revised["attachments"][0]["id"], id(&drawing).as_str());
    let detail = app
        .get(&format!("/api/v1/quotes/{}", id(&quote)), requester.token())
        .await
        .expect(200)
        .body;
    assert_eq!(
        detail["history"][0]["attachments"][0]["id"],
        id(&price_list).as_str()
    );
    let new_url = format!("/api/v1/media/{}/original", id(&drawing));
    assert_eq!(app.get_raw(&new_url, requester.token(), &[]).await.0, 200);
    assert_eq!(app.get_raw(&new_url, third.token(), &[]).await.0, 404);
    assert_eq!(app.get_raw(&url, requester.token(), &[]).await.0, 200);
}

media_backends!(quote_attachments_are_for_both_companies);
