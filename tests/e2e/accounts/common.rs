//! Helpers of the account scenarios.

use e2e::{Reply, TestApp};
use reqwest::Method;
use serde_json::Value;

pub const ME: &str = "/api/v1/me";
pub const LOGOUT: &str = "/api/v1/auth/logout";
pub const REFRESH: &str = "/api/v1/auth/refresh";
pub const NEW_PASSWORD: &str = "Quilt-Harbor-Lantern-77";

/// A POST without any body at all.
pub async fn post_empty(app: &TestApp, path: &str, token: Option<&str>) -> Reply {
    app.call(Method::POST, path, token, None).await
}

/// Asserts that `token` no longer opens `/me` (401 `invalid_token`).
#[track_caller]
pub fn assert_ended(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 401, "{what}: {}", reply.body);
    assert_eq!(reply.code(), "invalid_token", "{what}: {}", reply.body);
}

pub fn field(body: &Value, name: &str) -> String {
    body[name].as_str().unwrap_or_default().to_owned()
}

/// `(field, code)` of the first field error.
pub fn first_field(reply: &Reply) -> (String, String) {
    let f = &reply.body["error"]["fields"][0];
    (field(f, "field"), field(f, "code"))
}
