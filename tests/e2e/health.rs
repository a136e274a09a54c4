use e2e::{Backend, TestApp, both_backends};

async fn health_and_readiness(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(
        app.get("/healthz", None).await.expect(200).body["status"],
        "ok"
    );
    assert_eq!(
        app.get("/readyz", None).await.expect(200).body["status"],
        "ready"
    );
    let jwks = app
        .get("/.well-known/jwks.json", None)
        .await
        .expect(200)
        .body;
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
    let missing = app.get("/api/v1/nothing-here", None).await.expect(404);
    assert_eq!(missing.code(), "route_not_found");
}

async fn docs_are_served(b: Backend) {
    let app = TestApp::spawn(b).await;
    let spec = app.get("/openapi.json", None).await.expect(200).body;
    assert_eq!(spec["openapi"], "3.1.0");
    let page = app.http.get(app.url("/docs/")).send().await.expect("docs");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap_or_default().contains("swagger"));
}

both_backends!(
    health_and_readiness,
    docs_are_served,
    a_configured_signing_key_is_used
);

async fn a_configured_signing_key_is_used(b: Backend) {
    let first = TestApp::spawn(b).await;
    let account = first.signup("buyer").await;
    let key = first.config.data_dir.join("keys/jwt-ed25519.pem");
    assert!(key.exists(), "a key is generated on first start");
    // A second deployment configured with the same key file accepts the first one's tokens.
    let second = first
        .spawn_sibling(|c| {
            c.data_dir = std::env::temp_dir().join(format!("tf-{}", uuid::Uuid::new_v4().simple()));
            c.jwt_key_file = Some(key.clone());
        })
        .await;
    second.get("/api/v1/me", account.token()).await.expect(200);
    assert!(
        !second.config.data_dir.join("keys").exists(),
        "no key is generated when one is configured"
    );
    // A configured key that is missing stops the start instead of silently using another.
    let mut config = first.config.clone();
    config.bind = "127.0.0.1:0".into();
    config.jwt_key_file = Some(first.config.data_dir.join("missing.pem"));
    assert!(api::Application::build(config).await.is_err());
}
