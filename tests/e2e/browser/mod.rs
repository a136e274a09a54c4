//! The public site in a real headless Chromium (WebDriver), on both databases: a visitor
//! searches, filters, opens a product, signs in and sends an inquiry; the language switch; a
//! storefront's licence facts; hidden products; forms without their CSRF token; no JavaScript
//! errors on any page; and axe-core finds no serious or critical accessibility violation on the
//! home, search, product, storefront, sign-in, inquiry, error, forgotten-password, reset and
//! account pages.
//!
//! Needs `eval "$(scripts/services.sh)"` (chromedriver and axe-core); fails without it.

use e2e::browser::Browser;
use e2e::fixtures::{PASSWORD, product_body};
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

/// A verified supplier with a vacuum flask (保温杯) and a second product that also matches
/// 保温杯 but is in another category, so that a category facet changes the results.
struct Shop {
    owner: e2e::Account,
    company: String,
    slug: String,
    credit_code: String,
    flask: String,
    lid: String,
}

async fn shop(app: &TestApp) -> Shop {
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().expect("company id").to_owned();
    let mut body = product_body();
    body["title_en"] = json!("Vacuum Flask 500ml");
    let flask = app.publish(&owner, &cid, body).await;
    let mut body = product_body();
    body["title_zh"] = json!("保温杯杯盖螺丝 M4");
    body["title_en"] = json!("Lid Screw M4 for Flasks");
    body["category_id"] = json!("hardware-tools.fasteners");
    body["keywords"] = json!(["保温杯配件"]);
    let lid = app.publish(&owner, &cid, body).await;
    let slug = company["slug"].as_str().expect("slug").to_owned();
    app.wait_for_index().await;
    Shop {
        owner,
        company: cid,
        slug,
        credit_code: company["credit_code"]
            .as_str()
            .expect("credit code")
            .to_owned(),
        flask,
        lid,
    }
}

fn product_link(id: &str) -> String {
    format!("a.card-title[href*=\"/product/{id}/\"]")
}

/// The inquiry threads the supplier has received (through the API).
async fn inbox(app: &TestApp, shop: &Shop) -> Vec<serde_json::Value> {
    app.get("/api/v1/inquiries?as=supplier", shop.owner.token())
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn visitor_searches_signs_in_and_sends_an_inquiry(b: Backend) {
    let app = TestApp::spawn(b).await;
    let shop = shop(&app).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::open(&app).await;

    // Home: search 保温杯 from the big search box.
    browser.goto("/zh/").await;
    browser.assert_accessible().await;
    // Typing offers suggestions from the index (the small script's only job).
    browser.fill("#q-home", "保温").await;
    let offered = browser.suggestions().await;
    assert!(offered.iter().any(|s| s.starts_with("保温")), "{offered:?}");
    browser.fill("#q-home", "保温杯").await;
    browser.click("form.search.big button[type=submit]").await;
    let path = browser
        .expect_path("the search page", |p| p.starts_with("/zh/search?"))
        .await;
    assert!(path.contains("q=%E4%BF%9D%E6%B8%A9%E6%9D%AF"), "{path}");
    assert!(browser.has(&product_link(&shop.flask)).await);
    assert!(browser.has(&product_link(&shop.lid)).await);
    assert!(browser.text(".summary").await.contains('2'));
    browser.assert_accessible().await;

    // A category facet narrows the results to the flask.
    browser
        .click(".facet a[href*=\"category=home%2Dgoods\"]")
        .await;
    let path = browser
        .expect_path("the filtered search", |p| p.contains("category="))
        .await;
    assert!(path.contains("q=%E4%BF%9D%E6%B8%A9%E6%9D%AF"), "{path}");
    assert!(browser.has(&product_link(&shop.flask)).await);
    assert!(
        !browser.has(&product_link(&shop.lid)).await,
        "the facet filters"
    );
    // The category group offers to clear its filter.
    assert!(browser.has(".facet p a").await);
    browser.assert_accessible().await;

    // English: "vacuum flask" from the header's search box, then the product.
    browser.goto("/en/").await;
    browser.fill("#q-top", "vacuum flask").await;
    browser
        .click("header form.search button[type=submit]")
        .await;
    browser
        .expect_path("the English search", |p| p.starts_with("/en/search?"))
        .await;
    let results = browser.text(&product_link(&shop.flask)).await;
    assert_eq!(results, "Vacuum Flask 500ml");
    browser.click(&product_link(&shop.flask)).await;
    let product_path = browser
        .expect_path("the product page", |p| {
            p.starts_with(&format!("/en/product/{}/", shop.flask))
        })
        .await;
    assert_eq!(browser.text("h1").await, "Vacuum Flask 500ml");
    assert!(browser.text(".tiers").await.contains("42.50"));
    browser.assert_accessible().await;

    // Switching language keeps the page.
    browser.click("header nav a[hreflang=\"zh\"]").await;
    browser
        .expect_path("the Chinese product page", |p| {
            p.starts_with(&format!("/zh/product/{}/", shop.flask))
        })
        .await;
    assert_eq!(browser.text("h1").await, "304不锈钢真空保温杯 500ml");
    assert!(browser.text("main").await.contains("最小起订量"));
    browser.click("header nav a[hreflang=\"en\"]").await;
    browser
        .expect_path("the English product page again", |p| p == product_path)
        .await;

    // Send inquiry: sign in first, then the form.
    browser.click("a.button[href$=\"/inquiry\"]").await;
    let inquiry_path = format!("/en/product/{}/inquiry", shop.flask);
    browser
        .expect_path("the sign-in page", |p| p.starts_with("/en/signin?next="))
        .await;
    browser.assert_accessible().await;
    browser.fill("#email", &buyer.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser
        .expect_path("the inquiry form", |p| p == inquiry_path)
        .await;
    browser.assert_accessible().await;
    browser.fill("#subject", "Flasks with our logo").await;
    let message = "We need 5,000 pieces with our logo, delivery to Hamburg in May.";
    browser.fill("#message", message).await;
    browser.fill("#quantity", "5000").await;
    browser.fill("#unit", "pieces").await;
    browser.click("main form button[type=submit]").await;
    browser
        .expect_path("the product page with the notice", |p| {
            p.starts_with(&format!("/en/product/{}/", shop.flask)) && p.ends_with("?inquiry=sent")
        })
        .await;
    let notice = browser.text("p.notice[role=status]").await;
    assert!(notice.starts_with("Your inquiry was sent."), "{notice}");

    // The supplier has it.
    let items = inbox(&app, &shop).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["subject"], "Flasks with our logo");

    browser.assert_no_script_errors().await;
    // Every request of this visit succeeded: no failed page, stylesheet or other resource.
    let severe: Vec<_> = browser
        .console()
        .await
        .into_iter()
        .filter(|e| e.level == "SEVERE")
        .collect();
    assert!(severe.is_empty(), "{severe:#?}");
    browser.close().await;
}

async fn storefront_hidden_products_and_forms_without_csrf(b: Backend) {
    let app = TestApp::spawn(b).await;
    let shop = shop(&app).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::open(&app).await;

    // The storefront shows the licence facts (guideline 第十四条).
    browser.goto(&format!("/zh/company/{}", shop.slug)).await;
    let licence = browser.text("section.licence").await;
    assert!(licence.contains(&shop.credit_code), "{licence}");
    assert!(licence.contains("王建国"), "{licence}");
    assert!(licence.contains("宁波测试精密机械有限公司"), "{licence}");
    browser.assert_accessible().await;
    browser.goto(&format!("/en/company/{}", shop.slug)).await;
    assert!(
        browser
            .text("section.licence")
            .await
            .contains(&shop.credit_code)
    );

    // Both products are public; then the supplier unpublishes one and an operator hides the
    // other: both pages are 404 and both leave search and the sitemap.
    browser
        .goto("/zh/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF")
        .await;
    assert!(browser.has(&product_link(&shop.flask)).await);
    assert!(browser.has(&product_link(&shop.lid)).await);
    app.post(
        &format!("/api/v1/products/{}/unpublish", shop.lid),
        shop.owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    let op = app.operator().await;
    app.post(
        &format!("/api/v1/operator/products/{}/hide", shop.flask),
        op.token(),
        json!({"reason": "虚假宣传"}),
    )
    .await
    .expect(201);
    app.wait_for_index().await;
    for id in [&shop.flask, &shop.lid] {
        browser.goto(&format!("/en/product/{id}")).await;
        assert_eq!(browser.text("section.error h1").await, "Page not found");
        let log = browser.console().await;
        assert!(
            log.iter().any(|e| e.source == "network"
                && e.message.contains(&format!("/en/product/{id}"))
                && e.message.contains("404")),
            "the browser saw a 404 for {id}: {log:#?}"
        );
    }
    browser.assert_accessible().await;
    browser
        .goto("/zh/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF")
        .await;
    assert!(!browser.has(&product_link(&shop.flask)).await);
    assert!(!browser.has(&product_link(&shop.lid)).await);
    let mut sitemap = String::new();
    let index = app.http.get(app.url("/sitemap.xml")).send().await.unwrap();
    let index = index.text().await.unwrap();
    for loc in index.split("<loc>").skip(1) {
        let file = &loc[..loc.find("</loc>").expect("closed loc")];
        let path = file.replace(&app.config.public_url, "");
        let text = app.http.get(app.url(&path)).send().await.unwrap();
        sitemap.push_str(&text.text().await.unwrap());
    }
    assert!(
        sitemap.contains(&format!("/company/{}", shop.slug)),
        "{sitemap}"
    );
    assert!(!sitemap.contains(&shop.flask) && !sitemap.contains(&shop.lid));

    // A sign-in form posted without its CSRF token is refused.
    browser.goto("/en/signin").await;
    browser.fill("#email", &buyer.email).await;
    browser.fill("#password", PASSWORD).await;
    browser
        .execute(
            "document.querySelector('main form input[name=csrf]').remove()",
            vec![],
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("section.error h1").await, "Not allowed");
    assert!(
        browser
            .console()
            .await
            .iter()
            .any(|e| e.source == "network" && e.message.contains("403")),
        "the browser saw a 403"
    );
    browser.assert_accessible().await;
    // Not signed in: the account page still sends the visitor to sign in.
    browser.goto("/en/account").await;
    browser
        .expect_path("the sign-in page", |p| p.starts_with("/en/signin?next="))
        .await;

    // Signed in, an inquiry form without its token is refused too, and nothing is sent.
    let mut body = product_body();
    body["title_en"] = json!("Travel Mug 350ml");
    let mug = app.publish(&shop.owner, &shop.company, body).await;
    browser.fill("#email", &buyer.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser
        .expect_path("the account page", |p| p == "/en/account")
        .await;
    browser.goto(&format!("/en/product/{mug}/inquiry")).await;
    browser.fill("#subject", "Mugs").await;
    browser.fill("#message", "Please quote 1,000 mugs.").await;
    browser
        .execute(
            "document.querySelector('main form input[name=csrf]').remove()",
            vec![],
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("section.error h1").await, "Not allowed");
    assert!(inbox(&app, &shop).await.is_empty(), "nothing was sent");

    browser.assert_no_script_errors().await;

    // The two checks can fail: a script error thrown in the page is read back from the log, and
    // axe-core reports an image without a text alternative.
    browser
        .execute(
            "setTimeout(() => { throw new Error('tradefair-probe'); }, 0);\
             const img = document.createElement('img');\
             img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';\
             document.querySelector('main').appendChild(img);",
            vec![],
        )
        .await;
    let violations = browser.axe().await;
    assert!(
        violations.iter().any(|v| v.id == "image-alt"),
        "{violations:#?}"
    );
    let errors: Vec<_> = browser
        .console()
        .await
        .into_iter()
        .filter(|e| e.is_script_error())
        .collect();
    assert!(
        errors.len() == 1 && errors[0].message.contains("tradefair-probe"),
        "{errors:#?}"
    );
    browser.close().await;
}

/// "Forgot your password?" from the sign-in page, the e-mailed link, signing in with the new
/// password and changing it again on the account page.
async fn a_forgotten_password_and_the_account_page(b: Backend) {
    const RESET_TO: &str = "Copper-Lantern-Orchard-58";
    const CHANGE_TO: &str = "Willow-Granite-Beacon-37";
    let app = TestApp::spawn(b).await;
    let buyer = app.signup("buyer").await;
    let mut browser = Browser::open(&app).await;
    browser.goto("/en/signin").await;
    browser.click("main a[href='/en/forgot-password']").await;
    browser
        .expect_path("the forgotten-password page", |p| {
            p == "/en/forgot-password"
        })
        .await;
    browser.assert_accessible().await;
    browser.fill("#email", &buyer.email).await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("main h1").await, "Check your e-mail");

    let token = app
        .mail_token(&buyer.email, "password_reset", "reset-password")
        .await;
    browser
        .goto(&format!("/en/reset-password?token={token}"))
        .await;
    browser.assert_accessible().await;
    browser.fill("#new_password", RESET_TO).await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("main h1").await, "Your new password is set");
    browser.click("main a.button").await;
    browser
        .expect_path("the sign-in page", |p| p.starts_with("/en/signin"))
        .await;
    browser.fill("#email", &buyer.email).await;
    browser.fill("#password", RESET_TO).await;
    browser.click("main form button[type=submit]").await;
    browser
        .expect_path("the account page", |p| p == "/en/account")
        .await;
    browser.assert_accessible().await;

    browser.fill("#pw_current", RESET_TO).await;
    browser.fill("#new_password", CHANGE_TO).await;
    browser
        .click("form[action='/en/account/password'] button[type=submit]")
        .await;
    browser
        .expect_path("the account page with the notice", |p| {
            p == "/en/account?done=password"
        })
        .await;
    let notice = browser.text("p.notice[role=status]").await;
    assert!(notice.starts_with("Your password is changed."), "{notice}");
    app.login(&buyer.email, CHANGE_TO).await.expect(200);
    browser.assert_no_script_errors().await;
    browser.close().await;
}

both_backends!(
    visitor_searches_signs_in_and_sends_an_inquiry,
    storefront_hidden_products_and_forms_without_csrf,
    a_forgotten_password_and_the_account_page,
);
