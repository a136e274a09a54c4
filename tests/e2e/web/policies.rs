//! The platform's rules: published by operators in versions, readable by everyone (API and
//! pages), linked from every footer, and accepted at registration with the acceptance
//! recorded; the transparency page. On both databases.

use e2e::fixtures::PASSWORD;
use e2e::{Backend, TestApp, both_backends};
use serde_json::{Value, json};

use super::form_client::{Browser, refs};

fn doc(title_en: &str, body_en: &str) -> Value {
    json!({
        "title_zh": format!("{title_en}（中文）"),
        "title_en": title_en,
        "body_zh": "第一段。\n\n第二段。",
        "body_en": body_en,
        "change_note": "first"
    })
}

fn registration(email: &str, accept: Option<bool>) -> Value {
    let mut body = json!({
        "email": email, "password": PASSWORD, "display_name": "条款 Tester",
        "account_type": "buyer"
    });
    if let Some(a) = accept {
        body["accept_terms"] = json!(a);
    }
    body
}

async fn rules_are_versioned_public_and_accepted_at_registration(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let buyer = app.signup("buyer").await;

    // Nothing published: nothing to accept, registration as before.
    let r = app.get("/api/v1/policies", None).await.expect(200);
    assert_eq!(r.body["items"], json!([]));
    app.get("/api/v1/policies/terms", None).await.expect(404);
    assert_eq!(app.get("/en/rules/terms", None).await.status, 404);
    app.post(
        "/api/v1/auth/register",
        None,
        registration("early@example.com", None),
    )
    .await
    .expect(202);

    // Only operators publish; both languages are required; unknown kinds do not exist.
    let r = app
        .post(
            "/api/v1/operator/policies/terms",
            buyer.token(),
            doc("Terms", "Be fair."),
        )
        .await
        .expect(403);
    assert_eq!(r.code(), "forbidden");
    let r = app
        .post(
            "/api/v1/operator/policies/terms",
            op.token(),
            json!({"title_zh": "", "title_en": "Terms", "body_zh": "x", "body_en": "y"}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["title_zh"]);
    app.post(
        "/api/v1/operator/policies/recipes",
        op.token(),
        doc("Recipes", "No."),
    )
    .await
    .expect(404);

    let v1 = app
        .post(
            "/api/v1/operator/policies/terms",
            op.token(),
            doc("Terms of Service", "Be fair.\n\nPay on time."),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(v1["version"], 1);
    app.post(
        "/api/v1/operator/policies/privacy",
        op.token(),
        doc("Privacy Notice", "We keep little."),
    )
    .await
    .expect(201);
    // The publication is in the audit trail.
    let audit = app
        .get("/api/v1/operator/audit?action=policy.publish", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2), "{audit}");

    // Registration now needs the acceptance.
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            registration("late@example.com", None),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["accept_terms"]);
    app.post(
        "/api/v1/auth/register",
        None,
        registration("late@example.com", Some(true)),
    )
    .await
    .expect(202);
    let late = app.signin("late@example.com").await;
    let accepted = app
        .get("/api/v1/me/policy-acceptances", late.token())
        .await
        .expect(200)
        .body;
    let pairs: Vec<(String, i64)> = accepted["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_owned(),
                a["version"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(sorted, vec![("privacy".into(), 1), ("terms".into(), 1)]);
    // Times are RFC 3339 strings, as the document says (they were arrays of numbers once).
    let rfc3339 = |v: &Value| {
        v.as_str().is_some_and(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).is_ok()
        })
    };
    assert!(rfc3339(&accepted["items"][0]["accepted_at"]), "{accepted}");
    // The account registered before there were terms accepted none.
    let early = app.signin("early@example.com").await;
    let none = app
        .get("/api/v1/me/policy-acceptances", early.token())
        .await
        .expect(200)
        .body;
    assert_eq!(none["items"], json!([]));

    // A second version: the current one changes, the first stays readable.
    app.post(
        "/api/v1/operator/policies/terms",
        op.token(),
        doc("Terms of Service", "Be fair.\n\nPay within 30 days."),
    )
    .await
    .expect(201);
    let current = app
        .get("/api/v1/policies/terms", None)
        .await
        .expect(200)
        .body;
    assert_eq!(current["version"], 2);
    assert!(rfc3339(&current["published_at"]), "{current}");
    let versions = app
        .get("/api/v1/policies/terms/versions", None)
        .await
        .expect(200)
        .body;
    assert_eq!(versions["items"].as_array().map(Vec::len), Some(2));
    let first = app
        .get("/api/v1/policies/terms/versions/1", None)
        .await
        .expect(200)
        .body;
    assert_eq!(first["body_en"], "Be fair.\n\nPay on time.");
    app.get("/api/v1/policies/terms/versions/9", None)
        .await
        .expect(404);

    // Pages: the footer links, the index, the current and an older version.
    let mut visitor = Browser::new(&app);
    let home = visitor.get("/en/").await;
    for link in [
        "/en/rules",
        "/en/rules/terms",
        "/en/rules/privacy",
        "/en/transparency",
    ] {
        assert!(
            home.body.contains(&format!("href=\"{link}\"")),
            "footer links {link}"
        );
    }
    let index = visitor.get("/en/rules").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("Terms of Service"));
    assert!(index.body.contains("Privacy Notice"));
    let terms = visitor.get("/en/rules/terms").await;
    assert_eq!(terms.status, 200);
    assert!(
        terms
            .body
            .contains("<p class=\"prose\">Pay within 30 days.</p>"),
        "{}",
        terms.body
    );
    assert!(terms.body.contains("Version 2"));
    assert!(!terms.body.contains("noindex"));
    let old = visitor.get("/en/rules/terms?version=1").await;
    assert_eq!(old.status, 200);
    assert!(old.body.contains("Pay on time."));
    assert!(old.body.contains("This is an earlier version."));
    assert!(
        old.body.contains("noindex"),
        "an old version is not indexed"
    );
    assert!(
        old.body.contains("<link rel=\"canonical\" href=\"http"),
        "the current version is canonical"
    );
    let zh = visitor.get("/zh/rules/terms").await;
    assert!(
        zh.body.contains("第二段。"),
        "the Chinese text on the Chinese page"
    );
    assert_eq!(visitor.get("/en/rules/terms?version=7").await.status, 404);
    assert_eq!(visitor.get("/en/rules/terms?version=x").await.status, 400);
    assert_eq!(visitor.get("/en/rules/recipes").await.status, 404);
    assert_eq!(visitor.get("/en/rules/safety-rules").await.status, 404);
    let transparency = visitor.get("/en/transparency").await;
    assert_eq!(transparency.status, 200);
    assert!(transparency.body.contains("Transparency report"));
    assert!(transparency.body.contains("IP notices"));

    // The registration page asks for the acceptance, with links to what is accepted.
    let mut browser = Browser::new(&app);
    let form = browser.get("/en/register").await;
    assert!(form.body.contains("name=\"accept_terms\""));
    assert!(form.body.contains("href=\"/en/rules/terms\""));
    assert!(form.body.contains("(Version 2)"));
    let csrf = form.hidden("csrf");
    let mut fields: Vec<(&'static str, String)> = vec![
        ("email", "page@example.com".into()),
        ("password", PASSWORD.into()),
        ("display_name", "Page Tester".into()),
        ("account_type", "buyer".into()),
        ("csrf", csrf),
    ];
    let r = browser.post("/en/register", &refs(&fields)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("accept_terms-error"), "{}", r.body);
    fields.push(("accept_terms", "on".into()));
    let r = browser.post("/en/register", &refs(&fields)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = app.signin("page@example.com").await;
    let accepted = app
        .get("/api/v1/me/policy-acceptances", page.token())
        .await
        .expect(200)
        .body;
    let terms = accepted["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["kind"] == "terms")
        .cloned()
        .expect("terms accepted");
    assert_eq!(terms["version"], 2, "the version current at registration");
}

/// A newer version of the terms is asked of accounts that accepted an older one: listed as
/// pending, accepted through the API (only the current version) or on the page the sign-in
/// leads to, and recorded.
async fn a_newer_version_is_asked_at_sign_in_and_recorded(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    for kind in ["terms", "privacy"] {
        app.post(
            &format!("/api/v1/operator/policies/{kind}"),
            op.token(),
            doc("Terms", "Be fair."),
        )
        .await
        .expect(201);
    }
    let mut accounts = Vec::new();
    for email in ["api@example.com", "web@example.com"] {
        app.post(
            "/api/v1/auth/register",
            None,
            registration(email, Some(true)),
        )
        .await
        .expect(202);
        accounts.push(app.signin(email).await);
    }
    let pending = |who: &e2e::Account| {
        let (app, token) = (&app, who.token().map(str::to_owned));
        async move {
            app.get("/api/v1/me/policy-acceptances", token.as_deref())
                .await
                .expect(200)
                .body
        }
    };
    assert_eq!(pending(&accounts[0]).await["pending"], json!([]));

    let mut second = doc("Terms of Service", "Be fair.\n\nPay within 30 days.");
    second["change_note"] = json!("Payment terms added");
    app.post("/api/v1/operator/policies/terms", op.token(), second)
        .await
        .expect(201);
    let listed = pending(&accounts[0]).await;
    let asked = listed["pending"].as_array().expect("pending").clone();
    assert_eq!(asked.len(), 1, "{listed}");
    assert_eq!(
        (
            &asked[0]["kind"],
            &asked[0]["version"],
            &asked[0]["change_note"]
        ),
        (&json!("terms"), &json!(2), &json!("Payment terms added"))
    );

    // Through the API: only the current version of a kind an account accepts.
    let accept = |body: Value| {
        let (app, token) = (&app, accounts[0].token().map(str::to_owned));
        async move {
            app.post("/api/v1/me/policy-acceptances", token.as_deref(), body)
                .await
        }
    };
    let r = accept(json!({"kind": "terms", "version": 1}))
        .await
        .expect(409);
    assert_eq!(r.code(), "policy_outdated");
    let r = accept(json!({"kind": "terms", "version": 3}))
        .await
        .expect(404);
    assert_eq!(r.code(), "policy_not_found");
    let r = accept(json!({"kind": "safety_rules", "version": 1}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["kind"]);
    let r = accept(json!({"kind": "terms", "version": 0}))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["version"]);
    app.post(
        "/api/v1/me/policy-acceptances",
        None,
        json!({"kind": "terms", "version": 2}),
    )
    .await
    .expect(401);
    let done = accept(json!({"kind": "terms", "version": 2}))
        .await
        .expect(200)
        .body;
    assert_eq!(done["pending"], json!([]));
    // Accepting again records nothing more.
    let again = accept(json!({"kind": "terms", "version": 2}))
        .await
        .expect(200)
        .body;
    assert_eq!(again["items"], done["items"]);
    let versions: Vec<(String, i64)> = done["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_owned(),
                a["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(versions.contains(&("terms".into(), 1)) && versions.contains(&("terms".into(), 2)));

    // Signed out, the page and its form lead to the sign-in.
    let mut stranger = Browser::new(&app);
    let r = stranger.get("/en/account/policies").await;
    assert_eq!(
        (r.status, r.location()),
        (303, "/en/signin?next=%2Fen%2Faccount%2Fpolicies")
    );
    let r = stranger
        .post(
            "/en/account/policies",
            &[("csrf", "x"), ("terms_version", "2")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/en/signin?next="));

    // On the site: signing in leads to the acceptance page first, then where the visitor was
    // going.
    let mut browser = Browser::new(&app);
    let r = browser.sign_in("web@example.com", "/en/search").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/en/account/policies?next=%2Fen%2Fsearch");
    let page = browser.get(r.location()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/en/rules/terms\""));
    assert!(page.body.contains("Payment terms added"));
    assert_eq!(page.hidden("terms_version"), "2");
    let account = browser.get("/en/account").await;
    assert!(account.body.contains("href=\"/en/account/policies\""));
    let csrf = page.hidden("csrf");
    let r = browser
        .post(
            "/en/account/policies",
            &[
                ("csrf", &csrf),
                ("next", "/en/search"),
                ("terms_version", "2"),
            ],
        )
        .await;
    assert_eq!((r.status, r.location()), (303, "/en/search"), "{}", r.body);
    assert_eq!(pending(&accounts[1]).await["pending"], json!([]));
    // Nothing left to accept: the page sends the visitor on.
    let r = browser.get("/en/account/policies").await;
    assert_eq!((r.status, r.location()), (303, "/en/account"));
    let account = browser.get("/en/account").await;
    assert!(!account.body.contains("href=\"/en/account/policies\""));
    // A form without the session's token is refused.
    let r = browser
        .post(
            "/en/account/policies",
            &[("csrf", "forged"), ("terms_version", "2")],
        )
        .await;
    assert_eq!(r.status, 403);
}

both_backends!(
    rules_are_versioned_public_and_accepted_at_registration,
    a_newer_version_is_asked_at_sign_in_and_recorded
);
