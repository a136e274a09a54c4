use e2e::{Backend, TestApp};

async fn get_with_id(
    app: &TestApp,
    path: &str,
    id: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = app.http.get(app.url(path)).header("X-Request-Id", id);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

fn id_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("every response has X-Request-Id")
        .to_owned()
}

pub async fn request_ids_are_echoed_and_in_5xx_bodies(b: Backend) {
    let app = TestApp::spawn(b).await;
    let first = id_of(&app.http.get(app.url("/healthz")).send().await.expect("get"));
    let second = id_of(&app.http.get(app.url("/healthz")).send().await.expect("get"));
    assert_ne!(first, second, "each request has its own id");
    assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
    // Without a trusted proxy a client cannot choose its id (it would forge log lines).
    let reply = get_with_id(&app, "/healthz", "client-chosen", None).await;
    assert_ne!(id_of(&reply), "client-chosen");
    // 4xx bodies stay as they are; errors of the server carry the id.
    let missing = app.get("/api/v1/nothing-here", None).await.expect(404);
    assert!(missing.body["error"].get("request_id").is_none());
    let buyer = app.signup("buyer").await;
    app.with_db(|conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query("ALTER TABLE notifications RENAME TO notifications_gone")
            .execute(conn)
            .expect("rename table")
    })
    .await;
    let reply = app
        .get("/api/v1/notifications", buyer.token())
        .await
        .expect(500);
    assert_eq!(reply.code(), "internal");
    let id = reply.header("x-request-id").expect("header");
    assert_eq!(
        reply.body["error"]["request_id"],
        id.as_str(),
        "{}",
        reply.body
    );
}

pub async fn request_ids_from_a_trusted_proxy(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.trust_proxy = true).await;
    let reply = get_with_id(&app, "/healthz", "edge-7f3a.42", None).await;
    assert_eq!(id_of(&reply), "edge-7f3a.42");
    // Something that does not look like an id is replaced even from a trusted proxy.
    let reply = get_with_id(&app, "/healthz", "a b <script>", None).await;
    assert_ne!(id_of(&reply), "a b <script>");
    // Trusting the proxy for addresses but not for ids is possible.
    let app = TestApp::spawn_with(b, |c| {
        c.trust_proxy = true;
        c.trust_request_id = Some(false);
    })
    .await;
    let reply = get_with_id(&app, "/healthz", "edge-7f3a.42", None).await;
    assert_ne!(id_of(&reply), "edge-7f3a.42");
}
