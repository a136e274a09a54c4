//! `PATCH /api/v1/me`: display name, e-mail language and contact preferences.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::{ME, first_field};

async fn the_profile_can_be_edited(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let before = app.get(ME, account.token()).await.expect(200).body;
    assert_eq!(before["language"], "zh");

    let after = app
        .patch(
            ME,
            account.token(),
            json!({"display_name": "  Li Wei 李伟 ", "language": "en", "tracking_enabled": false}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(after["display_name"], "Li Wei 李伟");
    assert_eq!(after["language"], "en");
    assert_eq!(after["email"], before["email"]);
    assert_eq!(app.get(ME, account.token()).await.body, after);
    let prefs = app
        .get("/api/v1/me/email-preferences", account.token())
        .await
        .expect(200)
        .body;
    assert_eq!(prefs["language"], "en");
    assert_eq!(prefs["tracking_enabled"], false);

    // Only what is sent changes.
    let again = app
        .patch(ME, account.token(), json!({"language": "zh"}))
        .await
        .expect(200)
        .body;
    assert_eq!(again["display_name"], "Li Wei 李伟");
    assert_eq!(again["language"], "zh");

    for (body, field, code) in [
        (json!({"display_name": "  "}), "display_name", "required"),
        (json!({"language": "fr"}), "language", "invalid_choice"),
        (json!({"email": "x@example.com"}), "email", "unknown_field"),
        (
            json!({"account_type": "operator"}),
            "account_type",
            "unknown_field",
        ),
    ] {
        let reply = app.patch(ME, account.token(), body).await.expect(400);
        assert_eq!(first_field(&reply), (field.into(), code.into()));
    }
    app.patch(ME, None, json!({"language": "en"}))
        .await
        .expect(401);
}

both_backends!(the_profile_can_be_edited);
