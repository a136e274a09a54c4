//! Sign-in, registration, the inquiry form and sign-out as a browser does them with plain
//! forms: cookies, CSRF tokens and 303 redirects, on both databases.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};

use super::form_client::{Browser, refs, urlencode};

async fn a_product(app: &TestApp) -> String {
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().expect("company id").to_owned();
    let mut body = e2e::fixtures::product_body();
    body["title_en"] = serde_json::json!("Vacuum Flask 500ml");
    let id = app.publish(&owner, &cid, body).await;
    // The supplier reads its inbox through the API at the end.
    let inbox = app
        .get("/api/v1/inquiries?as=supplier", owner.token())
        .await
        .expect(200);
    assert_eq!(inbox.body["items"].as_array().map(Vec::len), Some(0));
    format!("{id}|{}", owner.access)
}

async fn sign_in_send_an_inquiry_and_sign_out(b: Backend) {
    let app = TestApp::spawn(b).await;
    let made = a_product(&app).await;
    let (id, supplier_token) = made.split_once('|').expect("pair");
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::new(&app);

    // "Send inquiry" signs the visitor in first and comes back.
    let inquiry_path = format!("/en/product/{id}/inquiry");
    let r = browser.get(&inquiry_path).await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location(),
        format!("/en/signin?next={}", urlencode(&inquiry_path))
    );

    // A sign-in form without its token, or with another site's origin, is refused.
    let form = browser
        .get(&format!("/en/signin?next={}", urlencode(&inquiry_path)))
        .await;
    let csrf_cookie = form.set_cookie("tf_csrf").expect("csrf cookie");
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));
    let csrf = form.hidden("csrf");
    let r = browser
        .post(
            "/en/signin",
            &[
                ("email", &buyer.email),
                ("password", PASSWORD),
                ("csrf", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = browser
        .post_from(
            "/en/signin",
            "https://evil.example",
            &[
                ("email", &buyer.email),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 403);

    // A wrong password: the form again, with one message for every failure.
    let r = browser
        .post(
            "/en/signin",
            &[
                ("email", &buyer.email),
                ("password", "wrong-password-1"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("The e-mail address or password is wrong."));
    assert!(browser.cookies.iter().all(|(k, _)| k != "tf_session"));

    let r = browser.sign_in(&buyer.email, &inquiry_path).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), inquiry_path);
    let session = r.set_cookie("tf_session").expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(
        !session.contains("Secure"),
        "plain http in the test: {session}"
    );

    // The form, then a post without the session's token is refused and sends nothing.
    let form = browser.get(&inquiry_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let token = form.hidden("csrf");
    let message = "We need 5,000 pieces with our logo, delivery to Hamburg in May.";
    let r = browser
        .post(
            &inquiry_path,
            &[
                ("subject", "Flasks"),
                ("message", message),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    // A field the domain refuses comes back on the form, with the visitor's text kept.
    let r = browser
        .post(
            &inquiry_path,
            &[
                ("subject", "Flasks"),
                ("message", message),
                ("quantity", "many"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Enter a whole number."));
    assert!(r.body.contains(message));

    let r = browser
        .post(
            &inquiry_path,
            &[
                ("subject", "Flasks"),
                ("message", message),
                ("quantity", "5000"),
                ("unit", "pieces"),
                ("share_email", "on"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location().starts_with(&format!("/en/product/{id}/"))
            && r.location().ends_with("?inquiry=sent"),
        "{}",
        r.location()
    );
    let back = browser.get(r.location()).await;
    assert_eq!(back.status, 200);
    assert!(back.body.contains("Your inquiry was sent."));

    // The supplier has it, with the buyer's address shared as ticked.
    let inbox = app
        .get("/api/v1/inquiries?as=supplier", Some(supplier_token))
        .await
        .expect(200);
    let items = inbox.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", inbox.body);
    let thread_id = items[0]["id"].as_str().expect("thread id");
    let thread = app
        .get(
            &format!("/api/v1/inquiries/{thread_id}"),
            Some(supplier_token),
        )
        .await
        .expect(200);
    assert_eq!(thread.body["inquiry"]["subject"], "Flasks");
    assert_eq!(thread.body["inquiry"]["quantity"], 5000);
    assert!(thread.body.to_string().contains(message));

    // Signing out needs the session's token, ends the session, and the old cookie is dead.
    let account = browser.get("/en/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains(&buyer.email));
    let old_cookie = browser.cookie_header();
    let r = browser.post("/en/signout", &[("csrf", "forged")]).await;
    assert_eq!(r.status, 403);
    let r = browser.post("/en/signout", &[("csrf", &token)]).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/en/");
    assert!(browser.cookies.iter().all(|(k, _)| k != "tf_session"));
    let replay = browser
        .http
        .get(app.url("/en/account"))
        .header("cookie", old_cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(
        replay.status().as_u16(),
        303,
        "a copied cookie is dead after sign-out"
    );
}

async fn a_password_change_ends_browser_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::new(&app);
    let r = browser.sign_in(&buyer.email, "/en/account").await;
    assert_eq!(r.status, 303);
    assert_eq!(browser.get("/en/account").await.status, 200);
    app.post(
        "/api/v1/me/password",
        buyer.token(),
        serde_json::json!({"current_password": PASSWORD, "new_password": "Quiet-Harbour-Road-77"}),
    )
    .await
    .expect(200);
    let r = browser.get("/en/account").await;
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/en/signin?next="));
}

/// Sessions of accounts that never sign in again are removed by the periodic retention job, not
/// only at the account's next sign-in.
async fn expired_browser_sessions_are_removed(b: Backend) {
    use diesel::prelude::*;
    use domain::db::schema::web_sessions;
    let app = TestApp::spawn_with(b, |c| c.retention_purge_secs = 1).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser.sign_in(&buyer.email, "/en/account").await.status,
        303
    );
    let count = || {
        app.with_db(|conn| -> i64 { web_sessions::table.count().get_result(conn).expect("count") })
    };
    app.caught_up(e2e::Loop::RetentionPurge).await;
    assert_eq!(count().await, 1, "a live session stays");
    e2e::clock::advance(domain::account::WEB_SESSION_TTL + time::Duration::minutes(1));
    app.caught_up(e2e::Loop::RetentionPurge).await;
    assert_eq!(count().await, 0);
    let r = browser.get("/en/account").await;
    assert_eq!(r.status, 303, "the cookie names no session any more");
}

async fn unverified_visitors_are_asked_to_verify_first(b: Backend) {
    let app = TestApp::spawn(b).await;
    let made = a_product(&app).await;
    let (id, _) = made.split_once('|').expect("pair");
    let buyer = app.signup_unverified("buyer").await;
    let mut browser = Browser::new(&app);
    let inquiry_path = format!("/zh/product/{id}/inquiry");
    let r = browser.sign_in(&buyer.email, &inquiry_path).await;
    assert_eq!(r.status, 303);
    let form = browser.get(&inquiry_path).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("请先点击我们发送的链接验证邮箱"),
        "{}",
        form.body
    );
    assert!(!form.body.contains("name=\"message\""));
    // The account page's sign-out form carries the session token; a post is still refused.
    let token = browser.get("/zh/account").await.hidden("csrf");
    let r = browser
        .post(
            &inquiry_path,
            &[
                ("subject", "询价"),
                ("message", "请报价，谢谢"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
}

async fn registration_looks_the_same_for_a_taken_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    let taken = app.signup("buyer").await.email;
    let mut browser = Browser::new(&app);
    let form = browser.get("/zh/register").await;
    assert_eq!(form.status, 200);
    let csrf = form.hidden("csrf");
    let register = |email: String| {
        vec![
            ("email", email),
            ("password", "Harbor-Lantern-4821".to_owned()),
            ("display_name", "王芳".to_owned()),
            ("account_type", "supplier".to_owned()),
            ("csrf", csrf.clone()),
        ]
    };
    let fresh = format!("new-{}@example.com", uuid::Uuid::new_v4().simple());
    let r1 = browser
        .post("/zh/register", &refs(&register(fresh.clone())))
        .await;
    let r2 = browser
        .post("/zh/register", &refs(&register(taken.clone())))
        .await;
    assert_eq!((r1.status, r2.status), (200, 200));
    assert_eq!(
        r1.body.replace(&fresh, "ADDRESS"),
        r2.body.replace(&taken, "ADDRESS"),
        "the page must not tell whether the address had an account"
    );
    assert!(app.last_mail(&fresh, "verify_email").await.is_some());

    // A weak password comes back on the form in the page's language, the name kept.
    let mut weak = register(format!(
        "weak-{}@example.com",
        uuid::Uuid::new_v4().simple()
    ));
    weak[1].1 = "123".into();
    let r = browser.post("/zh/register", &refs(&weak)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("内容太短。"), "{}", r.body);
    assert!(r.body.contains("value=\"王芳\""));
}

both_backends!(
    sign_in_send_an_inquiry_and_sign_out,
    a_password_change_ends_browser_sessions,
    unverified_visitors_are_asked_to_verify_first,
    expired_browser_sessions_are_removed,
    registration_looks_the_same_for_a_taken_address,
);
