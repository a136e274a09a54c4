use e2e::fixtures::product_body;
use e2e::{Backend, TestApp};

const TOKEN: &str = "metrics-secret-0f6c";

async fn scrape(app: &TestApp, base: &str, token: Option<&str>) -> (u16, String) {
    let mut request = app.http.get(format!("{base}/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("scrape");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The value of the series `name` (with its labels, as written), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

pub async fn metrics_need_the_token(b: Backend) {
    // Without a token or a metrics address there is no /metrics.
    let app = TestApp::spawn(b).await;
    let (status, _) = scrape(&app, &app.base, None).await;
    assert_eq!(status, 404);
    let app = TestApp::spawn_with(b, |c| c.metrics_token = Some(TOKEN.into())).await;
    let (status, _) = scrape(&app, &app.base, None).await;
    assert_eq!(status, 401);
    let (status, _) = scrape(&app, &app.base, Some("metrics-secret-0f6d")).await;
    assert_eq!(status, 401);
    let (status, text) = scrape(&app, &app.base, Some(TOKEN)).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("# TYPE tradefair_http_requests_total counter"),
        "{text}"
    );
}

pub async fn metrics_show_the_series_and_change(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.metrics_token = Some(TOKEN.into())).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().expect("company id").to_owned();
    let product = app.publish(&owner, &company, product_body()).await;
    app.wait_for_index().await;
    app.get("/api/v1/categories", None).await.expect(200);
    app.get(&format!("/api/v1/products/{product}"), None)
        .await
        .expect(200);
    app.get("/api/v1/search/products?q=保温杯", None)
        .await
        .expect(200);
    let (_, before) = scrape(&app, &app.base, Some(TOKEN)).await;
    let categories =
        r#"tradefair_http_requests_total{method="GET",route="/api/v1/categories",status="200"}"#;
    // Routes are counted by pattern, never by the raw path.
    let by_pattern =
        r#"tradefair_http_requests_total{method="GET",route="/api/v1/products/{id}",status="200"}"#;
    let searches = r#"tradefair_search_duration_seconds_count{kind="products"}"#;
    assert_eq!(value(&before, categories), Some(1.0), "{before}");
    assert_eq!(value(&before, by_pattern), Some(1.0), "{before}");
    assert!(!before.contains(&product), "no raw paths in labels");
    assert_eq!(value(&before, searches), Some(1.0), "{before}");
    for series in [
        r#"tradefair_http_request_duration_seconds_bucket{method="GET",route="/api/v1/categories",status="200",le="+Inf"}"#,
        r#"tradefair_db_pool_connections{state="idle"}"#,
        r#"tradefair_db_pool_connections{state="in_use"}"#,
        "tradefair_db_pool_max_connections",
        r#"tradefair_outbox_lag_events{consumer="indexer"}"#,
        r#"tradefair_outbox_lag_events{consumer="lead-matcher"}"#,
        r#"tradefair_outbox_lag_events{consumer="notification-mail"}"#,
        r#"tradefair_outbox_lag_seconds{consumer="indexer"}"#,
        r#"tradefair_mail_jobs{state="queued"}"#,
        r#"tradefair_mail_jobs{state="sent"}"#,
    ] {
        assert!(
            value(&before, series).is_some(),
            "{series} missing in\n{before}"
        );
    }
    assert_eq!(
        value(&before, "tradefair_db_pool_max_connections"),
        Some(f64::from(app.config.db_pool_size))
    );
    // The index has caught up: it lags nothing.
    assert_eq!(
        value(
            &before,
            r#"tradefair_outbox_lag_events{consumer="indexer"}"#
        ),
        Some(0.0)
    );
    app.get("/api/v1/categories", None).await.expect(200);
    app.get("/api/v1/categories", None).await.expect(200);
    app.get("/api/v1/search/products?q=flask", None)
        .await
        .expect(200);
    app.get("/api/v1/products/not-an-id", None).await;
    let (_, after) = scrape(&app, &app.base, Some(TOKEN)).await;
    assert_eq!(value(&after, categories), Some(3.0), "{after}");
    assert_eq!(value(&after, searches), Some(2.0), "{after}");
    assert_eq!(
        value(
            &after,
            r#"tradefair_http_requests_total{method="GET",route="/api/v1/products/{id}",status="404"}"#
        ),
        Some(1.0),
        "{after}"
    );
    // Paths no route knows share one label.
    app.get("/api/v1/nothing-here-1", None).await;
    app.get("/api/v1/nothing-here-2", None).await;
    let (_, last) = scrape(&app, &app.base, Some(TOKEN)).await;
    assert_eq!(
        value(
            &last,
            r#"tradefair_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        Some(2.0),
        "{last}"
    );
}

pub async fn metrics_on_a_separate_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.metrics_bind = Some("127.0.0.1:0".into())).await;
    let metrics = app.metrics_base.clone().expect("metrics address");
    assert_ne!(metrics, app.base);
    let (status, text) = scrape(&app, &metrics, None).await;
    assert_eq!(status, 200);
    assert!(text.contains("tradefair_db_pool_max_connections"), "{text}");
    // Not on the API address, and the metrics address serves nothing else.
    let (status, _) = scrape(&app, &app.base, None).await;
    assert_eq!(status, 404);
    let other = app
        .http
        .get(format!("{metrics}/api/v1/categories"))
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 404);
    let health = app
        .http
        .get(format!("{metrics}/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(health.status(), 200);
    // A token can be asked there too.
    let app = TestApp::spawn_with(b, |c| {
        c.metrics_bind = Some("127.0.0.1:0".into());
        c.metrics_token = Some(TOKEN.into());
    })
    .await;
    let metrics = app.metrics_base.clone().expect("metrics address");
    assert_eq!(scrape(&app, &metrics, None).await.0, 401);
    assert_eq!(scrape(&app, &metrics, Some(TOKEN)).await.0, 200);
}
