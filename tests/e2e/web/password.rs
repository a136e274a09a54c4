//! A forgotten password, a password change, an address change and the account links of the
//! e-mails, through the site's own pages (plain forms), on both databases.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};

use super::form_client::Browser;

const NEW_PASSWORD: &str = "Copper-Lantern-Orchard-58";

async fn a_forgotten_password_is_reset_through_the_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::new(&app);

    let signin = browser.get("/en/signin").await;
    assert!(signin.body.contains("href=\"/en/forgot-password\""));
    let form = browser.get("/en/forgot-password").await;
    assert_eq!(form.status, 200);
    let csrf = form.hidden("csrf");
    let r = browser
        .post(
            "/en/forgot-password",
            &[("email", &buyer.email), ("csrf", "")],
        )
        .await;
    assert_eq!(r.status, 403, "a form without its token is refused");

    // The same answer for an address with an account and one without.
    let known = browser
        .post(
            "/en/forgot-password",
            &[("email", &buyer.email), ("csrf", &csrf)],
        )
        .await;
    let unknown = browser
        .post(
            "/en/forgot-password",
            &[("email", "nobody-here@example.com"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert!(known.body.contains("Check your e-mail"), "{}", known.body);
    assert_eq!(
        known.body.replace(&csrf, ""),
        unknown.body.replace(&csrf, "")
    );
    assert!(
        app.last_mail("nobody-here@example.com", "password_reset")
            .await
            .is_none()
    );

    // The e-mail's link opens the site's page in the account's language.
    let (_, text) = app
        .last_mail(&buyer.email, "password_reset")
        .await
        .expect("reset e-mail");
    assert!(text.contains("/zh/reset-password?token="), "{text}");
    let token = app
        .mail_token(&buyer.email, "password_reset", "reset-password")
        .await;

    let form = browser
        .get(&format!("/en/reset-password?token={token}"))
        .await;
    assert_eq!(form.status, 200);
    assert_eq!(form.hidden("token"), token);
    let csrf = form.hidden("csrf");
    // A weak password comes back on the form, and the link still works.
    let r = browser
        .post(
            "/en/reset-password",
            &[
                ("token", &token),
                ("new_password", "1234567890"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("field-error"), "{}", r.body);
    let r = browser
        .post(
            "/en/reset-password",
            &[
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Your new password is set"));
    app.login(&buyer.email, NEW_PASSWORD).await.expect(200);
    app.login(&buyer.email, PASSWORD).await.expect(401);
    app.get("/api/v1/me", buyer.token()).await.expect(401);

    // The link works once.
    let r = browser
        .post(
            "/en/reset-password",
            &[
                ("token", &token),
                ("new_password", "Another-Quilt-Harbor-91"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("has been used already"), "{}", r.body);
    assert!(r.body.contains("href=\"/en/forgot-password\""));
    // A link that is not a token at all.
    let r = browser.get("/en/reset-password?token=%3Cscript%3E").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("This link is not valid."));
    assert!(!r.body.contains("<script>"));
}

async fn the_account_page_changes_the_password_and_the_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::new(&app);
    let r = browser.sign_in(&buyer.email, "/en/account").await;
    assert_eq!(r.status, 303);
    let page = browser.get("/en/account").await;
    assert_eq!(page.status, 200);
    let csrf = page.hidden("csrf");

    // The session's token is required; a wrong current password is a field error.
    let change = |current: &'static str, csrf: String| {
        vec![
            ("current_password", current.to_owned()),
            ("new_password", NEW_PASSWORD.to_owned()),
            ("csrf", csrf),
        ]
    };
    let form = change(PASSWORD, "forged".into());
    let r = browser.post("/en/account/password", &pairs(&form)).await;
    assert_eq!(r.status, 403);
    let form = change("not-my-password-1", csrf.clone());
    let r = browser.post("/en/account/password", &pairs(&form)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("This is not the account"), "{}", r.body);
    app.login(&buyer.email, PASSWORD).await.expect(200);

    let form = change(PASSWORD, csrf.clone());
    let r = browser.post("/en/account/password", &pairs(&form)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/en/account?done=password");
    assert!(
        r.set_cookie("tf_session").is_some(),
        "this browser stays signed in"
    );
    let page = browser.get(r.location()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Your password is changed."));
    // Every other session ended: the API token from before the change.
    app.get("/api/v1/me", buyer.token()).await.expect(401);
    app.login(&buyer.email, NEW_PASSWORD).await.expect(200);

    // A new address: pending until the link sent to it is followed.
    let csrf = page.hidden("csrf");
    let new_email = format!("new-{}", buyer.email);
    let r = browser
        .post(
            "/en/account/email",
            &[
                ("email", &new_email),
                ("current_password", "wrong-password-22"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(&new_email), "the typed address is kept");
    let r = browser
        .post(
            "/en/account/email",
            &[
                ("email", &new_email),
                ("current_password", NEW_PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = browser.get(r.location()).await;
    assert!(page.body.contains("We sent a link to the new address."));
    assert!(page.body.contains("Waiting for confirmation:"));
    assert!(page.body.contains(&new_email));

    let (_, text) = app
        .last_mail(&new_email, "verify_email")
        .await
        .expect("verification e-mail to the new address");
    assert!(text.contains("/verify-address?token="), "{text}");
    assert!(!text.contains("/api/v1/email/verify-address"), "{text}");
    let token = app
        .mail_token(&new_email, "verify_email", "verify-address")
        .await;
    // A fresh browser, as from the mail program: the GET only shows the button.
    let mut mail_browser = Browser::new(&app);
    let form = mail_browser
        .get(&format!("/en/verify-address?token={token}"))
        .await;
    assert_eq!(form.status, 200);
    app.login(&new_email, NEW_PASSWORD).await.expect(401);
    let csrf = form.hidden("csrf");
    let r = mail_browser
        .post("/en/verify-address", &[("token", &token), ("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Address verified"));
    assert!(r.body.contains(&new_email));
    app.login(&new_email, NEW_PASSWORD).await.expect(200);
    let page = browser.get("/en/account").await;
    assert!(!page.body.contains("Waiting for confirmation:"));
}

async fn signed_out_posts_go_to_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut browser = Browser::new(&app);
    for path in [
        "/en/account/password",
        "/en/account/email",
        "/en/account/verification",
    ] {
        let r = browser.post(path, &[("csrf", "x")]).await;
        assert_eq!(r.status, 303, "{path}");
        assert_eq!(r.location(), "/en/signin?next=%2Fen%2Faccount", "{path}");
    }
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

both_backends!(
    a_forgotten_password_is_reset_through_the_pages,
    the_account_page_changes_the_password_and_the_address,
    signed_out_posts_go_to_sign_in,
);
