use e2e::{Backend, TestApp};
use reqwest::Method;

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub async fn html_has_security_headers(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in ["/api/v1/email/confirm?token=abc.def", "/docs/"] {
        let page = app.http.get(app.url(path)).send().await.expect("page");
        assert_eq!(page.status(), 200, "{path}");
        assert!(
            header(&page, "content-type").is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
        let csp = header(&page, "content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(!csp.contains("script-src 'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(
            header(&page, "x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(
            header(&page, "referrer-policy").as_deref(),
            Some("no-referrer")
        );
    }
    // Swagger UI does not send the document to an outside validator.
    let init = app
        .http
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .expect("initializer")
        .text()
        .await
        .unwrap_or_default();
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
    // JSON may load nothing at all.
    let json = app.get("/healthz", None).await;
    assert_eq!(
        json.header("content-security-policy").as_deref(),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.http
        .request(Method::OPTIONS, app.url("/api/v1/me"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("preflight")
}

pub async fn cors_is_off_by_default(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reply = preflight(&app, "https://app.example.com").await;
    assert!(header(&reply, "access-control-allow-origin").is_none());
    let get = app
        .http
        .get(app.url("/api/v1/categories"))
        .header("Origin", "https://app.example.com")
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 200);
    assert!(header(&get, "access-control-allow-origin").is_none());
}

pub async fn cors_preflights_from_listed_origins(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.cors_origins = "https://app.example.com, https://admin.example.com/".into()
    })
    .await;
    let allowed = preflight(&app, "https://admin.example.com").await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("https://admin.example.com")
    );
    let methods = header(&allowed, "access-control-allow-methods").unwrap_or_default();
    assert!(methods.contains("PATCH"), "{methods}");
    let headers = header(&allowed, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(header(&allowed, "access-control-max-age").is_some());
    let refused = preflight(&app, "https://evil.example.net").await;
    assert_eq!(refused.status(), 400);
    assert!(header(&refused, "access-control-allow-origin").is_none());
    // Answers to a listed origin carry the headers a page needs; others carry none.
    let buyer = app.signup("buyer").await;
    let get = app
        .http
        .get(app.url("/api/v1/me"))
        .bearer_auth(&buyer.access)
        .header("Origin", "https://app.example.com")
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 200);
    assert_eq!(
        header(&get, "access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    let exposed = header(&get, "access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    let other = app
        .http
        .get(app.url("/api/v1/categories"))
        .header("Origin", "https://evil.example.net")
        .send()
        .await
        .expect("get");
    assert_eq!(other.status(), 200);
    assert!(header(&other, "access-control-allow-origin").is_none());
    // A bad origin in the setting stops the start.
    let mut config = app.config.clone();
    config.bind = "127.0.0.1:0".into();
    config.cors_origins = "app.example.com/path".into();
    assert!(api::Application::build(config).await.is_err());
}
