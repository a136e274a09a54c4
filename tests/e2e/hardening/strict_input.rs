use e2e::fixtures::product_body;
use e2e::{Backend, TestApp};
use serde_json::{Value, json};

fn field_codes(reply: &e2e::Reply) -> Vec<(String, String)> {
    reply.body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_owned(),
                        f["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_field(reply: &e2e::Reply, field: &str, code: &str) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.body);
    assert!(
        field_codes(reply).contains(&(field.to_owned(), code.to_owned())),
        "expected {field}: {code} in {}",
        reply.body
    );
}

pub async fn arrays_are_refused_where_objects_are_expected(b: Backend) {
    let app = TestApp::spawn(b).await;
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            json!(["buyer@example.com", "Harbor-Lantern-4821"]),
        )
        .await
        .expect(400);
    assert_eq!(login.code(), "validation_failed");
    assert_eq!(field_codes(&login)[0].1, "invalid_type", "{}", login.body);
    let register = app
        .post(
            "/api/v1/auth/register",
            None,
            json!(["new@example.com", "Harbor-Lantern-4821", "名字", "buyer"]),
        )
        .await
        .expect(400);
    assert_eq!(register.code(), "validation_failed");
    // Nested objects too: a price tier as an array of its fields.
    let supplier = app.signup("supplier").await;
    let company = app.company(&supplier).await;
    let company = company["id"].as_str().expect("company id");
    let mut body = product_body();
    body["price_tiers"] = json!([[100, "49.90"]]);
    let reply = app
        .post(
            &format!("/api/v1/companies/{company}/products"),
            supplier.token(),
            body,
        )
        .await;
    assert_field(&reply, "price_tiers[0]", "invalid_type");
    // Objects are still fine.
    app.post(
        &format!("/api/v1/companies/{company}/products"),
        supplier.token(),
        product_body(),
    )
    .await
    .expect(201);
}

async fn product_with(app: &TestApp, changes: Value) -> e2e::Reply {
    let supplier = app.signup("supplier").await;
    let company = app.company(&supplier).await;
    let company = company["id"].as_str().expect("company id").to_owned();
    let mut body = product_body();
    for (k, v) in changes.as_object().expect("object") {
        body[k] = v.clone();
    }
    app.post(
        &format!("/api/v1/companies/{company}/products"),
        supplier.token(),
        body,
    )
    .await
}

pub async fn control_and_direction_characters_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    // The right-to-left override makes "exe.gpj" read as "jpg.exe".
    let reply = product_with(&app, json!({"title_en": "Flask \u{202E}exe.gpj"})).await;
    assert_field(&reply, "title_en", "bidi_control");
    let reply = product_with(&app, json!({"title_zh": "保温杯\u{2066}广告\u{2069}"})).await;
    assert_field(&reply, "title_zh", "bidi_control");
    // One-line fields take no line breaks, tabs or escape sequences.
    let reply = product_with(&app, json!({"title_en": "Flask\nSecond line"})).await;
    assert_field(&reply, "title_en", "invalid_characters");
    let reply = product_with(&app, json!({"unit": "pie\tce"})).await;
    assert_field(&reply, "unit", "invalid_characters");
    let reply = product_with(&app, json!({"keywords": ["\u{001B}[31mred"]})).await;
    assert_field(&reply, "keywords[0]", "invalid_characters");
    // Rich text is checked as multi-line text: no direction overrides.
    let reply = product_with(&app, json!({"description": "<p>好\u{202D}</p>"})).await;
    assert_field(&reply, "description", "bidi_control");
    // Names at registration too.
    let reply = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "bidi@example.com", "password": "Harbor-Lantern-4821",
                   "display_name": "Admin\u{202E}", "account_type": "buyer"}),
        )
        .await;
    assert_field(&reply, "display_name", "bidi_control");
    // And messages: line breaks are fine there, other controls are not.
    let (buyer, product) = buyer_and_product(&app).await;
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("询价", "第一行\n第二行\u{0007}", &product),
        )
        .await;
    assert_field(&reply, "message", "invalid_characters");
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("询价\u{202B}", "您好", &product),
        )
        .await;
    assert_field(&reply, "subject", "bidi_control");
}

pub async fn invisible_only_text_is_empty(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reply = product_with(
        &app,
        json!({"title_zh": "\u{200B}\u{200B}", "title_en": "\u{FEFF}\u{2060} \u{3164}"}),
    )
    .await;
    assert_field(&reply, "title_zh", "required");
    assert_field(&reply, "title_en", "required");
    let reply = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "zw@example.com", "password": "Harbor-Lantern-4821",
                   "display_name": "\u{200B}\u{200C}\u{200D}", "account_type": "buyer"}),
        )
        .await;
    assert_field(&reply, "display_name", "required");
    let (buyer, product) = buyer_and_product(&app).await;
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("询价", "\u{200B}\u{00AD}\u{2800}", &product),
        )
        .await;
    assert_field(&reply, "message", "required");
    // Invisible characters around real text are trimmed like spaces.
    let reply = product_with(&app, json!({"title_en": "\u{200B}Vacuum Flask\u{FEFF}"}))
        .await
        .expect(201);
    assert_eq!(reply.body["title_en"], "Vacuum Flask");
}

pub async fn multiline_text_keeps_its_lines(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (buyer, product) = buyer_and_product(&app).await;
    let reply = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            inquiry("询价", "第一行\r\n\t第二行", &product),
        )
        .await
        .expect(201);
    let thread = reply.body["threads"][0]["id"]
        .as_str()
        .expect("thread id")
        .to_owned();
    let thread = app
        .get(&format!("/api/v1/inquiries/{thread}"), buyer.token())
        .await
        .expect(200);
    assert!(
        thread.body.to_string().contains("第一行\\n\\t第二行"),
        "{}",
        thread.body
    );
}

/// A buyer and a published product of a verified company.
async fn buyer_and_product(app: &TestApp) -> (e2e::Account, String) {
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().expect("company id").to_owned();
    let product = app.publish(&owner, &company, product_body()).await;
    (app.signup("buyer").await, product)
}

fn inquiry(subject: &str, message: &str, product: &str) -> Value {
    json!({
        "subject": subject,
        "message": message,
        "quantity": 500,
        "unit": "piece",
        "targets": [{"type": "product", "id": product}],
    })
}
