use e2e::{Backend, TestApp};
use reqwest::Method;

pub async fn unknown_methods_get_405_with_allow(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reply = app
        .call(Method::DELETE, "/api/v1/auth/login", None, None)
        .await
        .expect(405);
    assert_eq!(reply.code(), "method_not_allowed");
    assert_eq!(reply.header("allow").as_deref(), Some("POST, OPTIONS"));
    let company = format!("/api/v1/companies/{}", uuid::Uuid::new_v4());
    let reply = app
        .call(Method::PUT, &company, None, None)
        .await
        .expect(405);
    assert_eq!(
        reply.header("allow").as_deref(),
        Some("GET, HEAD, PATCH, OPTIONS")
    );
    // A method HTTP does not define is refused the same way.
    let custom = Method::from_bytes(b"BREW").expect("method");
    let reply = app
        .call(custom, "/api/v1/categories", None, None)
        .await
        .expect(405);
    assert_eq!(reply.code(), "method_not_allowed");
    // OPTIONS says what the path allows.
    let reply = app
        .call(Method::OPTIONS, "/api/v1/categories", None, None)
        .await
        .expect(204);
    assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD, OPTIONS"));
    // A literal path is not an id of its parameter sibling: GET /review-queue/bulk is the
    // literal path's missing method, not "no review item `bulk`".
    let op = app.operator().await;
    let reply = app
        .get("/api/v1/operator/review-queue/bulk", op.token())
        .await
        .expect(405);
    assert_eq!(reply.header("allow").as_deref(), Some("POST, OPTIONS"));
    // An unknown path stays 404.
    let reply = app
        .call(Method::DELETE, "/api/v1/nothing-here", None, None)
        .await
        .expect(404);
    assert_eq!(reply.code(), "route_not_found");
}

pub async fn head_works_wherever_get_does(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in ["/api/v1/categories", "/healthz", "/openapi.json", "/docs/"] {
        let get = app.http.get(app.url(path)).send().await.expect("get");
        assert_eq!(get.status(), 200, "GET {path}");
        let length = get.bytes().await.expect("body").len();
        let head = app.http.head(app.url(path)).send().await.expect("head");
        assert_eq!(head.status(), 200, "HEAD {path}");
        let announced = head
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        assert_eq!(
            announced,
            Some(length),
            "HEAD {path} announces the GET length"
        );
        assert!(
            head.bytes().await.expect("body").is_empty(),
            "HEAD {path} has no body"
        );
    }
    // HEAD needs what GET needs.
    let head = app
        .call(Method::HEAD, "/api/v1/notifications", None, None)
        .await;
    assert_eq!(head.status, 401);
    // And only where GET exists.
    let head = app
        .call(Method::HEAD, "/api/v1/auth/login", None, None)
        .await;
    assert_eq!(head.status, 405);
}
