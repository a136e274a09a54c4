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

both_backends!(health_and_readiness, docs_are_served);
