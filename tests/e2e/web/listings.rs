//! Buy request and sell offer pages, "Quote" on a buy request and "Send inquiry" on a sell
//! offer, as a browser does them with plain forms, on both databases.

use e2e::listings::{buy_body, post_open, sell_body};
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::form_client::{Browser, refs};

async fn buy_request_pages_and_a_quote_from_the_form(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (supplier, _) = app.verified_company(&op).await;
    let buyer = app.signup("buyer").await;
    let request = post_open(&app, &buyer, buy_body()).await;
    let id = request["id"].as_str().expect("id").to_owned();
    app.wait_for_index().await;

    // The buy requests tab of the search links to the page.
    let mut visitor = Browser::new(&app);
    let list = visitor.get("/en/search?type=buy").await;
    assert_eq!(list.status, 200);
    let page_path = format!("/en/buy-requests/{id}");
    assert!(
        list.body.contains(&format!("href=\"{page_path}\"")),
        "{}",
        list.body
    );

    // A visitor sees the request and is asked to sign in to quote.
    let page = visitor.get(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("求购304不锈钢真空保温杯 500ml"));
    assert!(page.body.contains("10000 piece"));
    assert!(page.body.contains("CNY 12.50"));
    assert!(page.body.contains("FOB"));
    assert!(page.body.contains("Sign in to quote"));
    // The description is text: the request's markup is escaped, never run.
    assert!(!page.body.contains("<script>alert"));
    assert_eq!(
        visitor.get(&format!("/en/sell-offers/{id}")).await.status,
        404
    );
    assert_eq!(visitor.get("/en/buy-requests/not-a-uuid").await.status, 404);
    let form_path = format!("{page_path}/quote");
    let r = visitor.get(&form_path).await;
    assert_eq!(r.status, 303);
    assert!(
        r.location().starts_with("/en/signin?next="),
        "{}",
        r.location()
    );

    // The supplier signs in, comes back to the form and quotes.
    let mut browser = Browser::new(&app);
    let r = browser.sign_in(&supplier.email, &form_path).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), form_path);
    let detail = browser.get(&page_path).await;
    assert!(detail.body.contains(&format!("href=\"{form_path}\"")));
    assert!(detail.body.contains(">Quote<"), "{}", detail.body);
    let form = browser.get(&form_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.hidden("csrf");
    let valid_until = (time::OffsetDateTime::now_utc() + time::Duration::days(20))
        .date()
        .to_string();
    let mut fields: Vec<(&'static str, String)> = vec![
        ("unit_price", "11.80".into()),
        ("currency", "CNY".into()),
        ("moq", "2000".into()),
        ("lead_time_days", "25".into()),
        ("incoterm", "FOB".into()),
        ("valid_until", valid_until),
        ("message", "304 steel, colour box, Ningbo port.".into()),
    ];
    // Without the form's token: refused, nothing sent.
    let r = browser.post(&form_path, &refs(&fields)).await;
    assert_eq!(r.status, 403);
    fields.push(("csrf", csrf.clone()));
    // A price that is not a number is said on the field.
    let mut bad = fields.clone();
    bad[0].1 = "cheap".into();
    let r = browser.post(&form_path, &refs(&bad)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("unit_price-error"), "{}", r.body);
    assert!(
        r.body.contains("value=\"cheap\""),
        "the form keeps what was typed"
    );
    // The domain's own rules come back on the fields too.
    let mut far = fields.clone();
    far[5].1 = (time::OffsetDateTime::now_utc() + time::Duration::days(200))
        .date()
        .to_string();
    let r = browser.post(&form_path, &refs(&far)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("valid_until-error"), "{}", r.body);

    let r = browser.post(&form_path, &refs(&fields)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("{page_path}?quote=sent"));
    let after = browser.get(r.location()).await;
    assert!(after.body.contains("Your quote was sent."));
    assert!(after.body.contains("1 / "), "the count of quotes");

    // The buyer compares it through the API: the terms as typed.
    let compare = app
        .get(&format!("/api/v1/listings/{id}/quotes"), buyer.token())
        .await
        .expect(200)
        .body;
    let items = compare["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{compare}");
    assert_eq!(items[0]["unit_price"], "11.80");
    assert_eq!(items[0]["moq"], 2000);
    assert_eq!(items[0]["lead_time_days"], 25);
    assert_eq!(items[0]["incoterm"], "FOB");

    // A second quote of the same company is refused on the form, in words.
    let r = browser.post(&form_path, &refs(&fields)).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("already quoted"), "{}", r.body);

    // The buyer sees their own request without a quote button.
    let mut own = Browser::new(&app);
    own.sign_in(&buyer.email, &page_path).await;
    let mine = own.get(&page_path).await;
    assert!(mine.body.contains("This is your request"));
    assert!(!mine.body.contains(&format!("href=\"{form_path}\"")));
    // A buyer without a company is told that only suppliers quote.
    let other = app.signup("buyer").await;
    let mut another = Browser::new(&app);
    another.sign_in(&other.email, &page_path).await;
    let theirs = another.get(&page_path).await;
    assert!(theirs.body.contains("Only suppliers can quote"));

    // A closed request is gone.
    app.post(
        &format!("/api/v1/listings/{id}/close"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(visitor.get(&page_path).await.status, 404);
}

async fn a_sell_offer_page_takes_an_inquiry(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (supplier, _) = app.verified_company(&op).await;
    let offer = post_open(&app, &supplier, sell_body()).await;
    let id = offer["id"].as_str().expect("id").to_owned();
    app.wait_for_index().await;
    let buyer = app.signup("buyer").await;

    let mut browser = Browser::new(&app);
    let list = browser.get("/zh/search?type=sell").await;
    let page_path = format!("/zh/sell-offers/{id}");
    assert!(
        list.body.contains(&format!("href=\"{page_path}\"")),
        "{}",
        list.body
    );
    let page = browser.get(&page_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("LED Panel Light 600x600 40W"));
    assert!(page.body.contains("USD 6.20"));
    assert!(
        page.body.contains("/zh/company/"),
        "the seller's storefront"
    );
    assert_eq!(
        browser.get(&format!("/zh/buy-requests/{id}")).await.status,
        404
    );

    let form_path = format!("{page_path}/inquiry");
    browser.sign_in(&buyer.email, &form_path).await;
    let form = browser.get(&form_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.hidden("csrf");
    let fields: Vec<(&'static str, String)> = vec![
        ("subject", "询价：LED 面板灯".into()),
        ("message", "需要 3000 片，请报 FOB 宁波价格。".into()),
        ("quantity", "3000".into()),
        ("unit", "piece".into()),
        ("csrf", csrf),
    ];
    let r = browser.post(&form_path, &refs(&fields)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("{page_path}?inquiry=sent"));

    let inbox = app
        .get("/api/v1/inquiries?as=supplier", supplier.token())
        .await
        .expect(200)
        .body;
    let items = inbox["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{inbox}");
    assert_eq!(items[0]["about"]["type"], "listing", "{inbox}");
    assert_eq!(items[0]["about"]["id"], id.as_str());
}

/// "Report this" on a product page: sign in, pick a reason, the operators' queue has it; a
/// second report while the first is open is refused in words.
async fn a_product_is_reported_from_its_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().expect("id").to_owned();
    let product = app
        .publish(&owner, &cid, e2e::fixtures::product_body())
        .await;
    let buyer = app.signup("buyer").await;

    let mut browser = Browser::new(&app);
    let page = browser.get(&format!("/en/product/{product}")).await;
    let page = if page.status == 301 {
        browser.get(page.location()).await
    } else {
        page
    };
    let report_path = format!("/en/report?type=product&id={product}");
    assert!(
        page.body.contains(&report_path.replace('&', "&amp;")),
        "the product page links to the report form"
    );
    let r = browser.get(&report_path).await;
    assert_eq!(r.status, 303, "sign in first");
    browser.sign_in(&buyer.email, &report_path).await;
    let form = browser.get(&report_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("value=\"counterfeit\""));
    let csrf = form.hidden("csrf");
    // Without a reason: said on the field.
    let r = browser
        .post(&report_path, &[("details", "Fake brand"), ("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("reason-error"), "{}", r.body);
    let fields = [
        ("reason", "counterfeit"),
        ("details", "Fake brand logo on the lid"),
        ("csrf", csrf.as_str()),
    ];
    let r = browser.post(&report_path, &fields).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Thank you for your report"));
    let r = browser.post(&report_path, &fields).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("already reported"), "{}", r.body);

    let queue = app
        .get("/api/v1/operator/reports?status=open", op.token())
        .await
        .expect(200)
        .body;
    let items = queue["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["subject_id"], product.as_str());
    assert_eq!(items[0]["reason"], "counterfeit");
    assert_eq!(items[0]["details"], "Fake brand logo on the lid");

    // What is not public cannot be reported from here.
    let unknown = format!("/en/report?type=product&id={}", uuid::Uuid::new_v4());
    assert_eq!(browser.get(&unknown).await.status, 404);
    assert_eq!(
        browser.get("/en/report?type=message&id=x").await.status,
        404
    );
}

both_backends!(
    a_product_is_reported_from_its_page,
    buy_request_pages_and_a_quote_from_the_form,
    a_sell_offer_page_takes_an_inquiry,
);
