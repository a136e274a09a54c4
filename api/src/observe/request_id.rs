//! The request id: taken from `X-Request-Id` when the proxy in front is trusted to set it,
//! otherwise generated; answered in the same header and inside every 5xx body.

use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use serde_json::{Value, json};

pub const HEADER: &str = "x-request-id";

/// The id of the request being served, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// An incoming id is taken only if it is short and plain (it ends up in logs and headers).
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/+=@".contains(c))
}

pub fn request_id(headers: &HeaderMap, trusted: bool) -> String {
    if trusted
        && let Some(id) = headers
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|id| acceptable(id))
    {
        return id.to_owned();
    }
    uuid::Uuid::now_v7().to_string()
}

/// The body of a server error with `request_id` added to its `error`; a body that is not the
/// API's JSON error (a framework's text) is replaced by one.
pub fn error_body_with_id(body: &[u8], id: &str) -> Bytes {
    let mut value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match value.get_mut("error").and_then(Value::as_object_mut) {
        Some(error) => {
            error.insert("request_id".into(), Value::String(id.to_owned()));
        }
        None => {
            value = json!({"error": {
                "code": "internal",
                "message": "internal server error",
                "fields": [],
                "request_id": id,
            }});
        }
    }
    Bytes::from(value.to_string())
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static(HEADER),
            HeaderValue::from_str(id).expect("header"),
        );
        h
    }

    #[test]
    fn an_incoming_id_is_taken_only_when_trusted_and_plain() {
        assert_eq!(request_id(&headers("abc-123"), true), "abc-123");
        assert_ne!(request_id(&headers("abc-123"), false), "abc-123");
        let generated = request_id(&headers("a b\"c"), true);
        assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
        assert_ne!(
            request_id(&headers(&"x".repeat(129)), true),
            "x".repeat(129)
        );
    }

    #[test]
    fn the_id_joins_the_error_or_replaces_a_foreign_body() {
        let body =
            br#"{"error":{"code":"internal","message":"internal server error","fields":[]}}"#;
        let out: Value = serde_json::from_slice(&error_body_with_id(body, "r1")).expect("json");
        assert_eq!(out["error"]["request_id"], "r1");
        assert_eq!(out["error"]["code"], "internal");
        let out: Value =
            serde_json::from_slice(&error_body_with_id(b"upstream broke", "r2")).expect("json");
        assert_eq!(out["error"]["request_id"], "r2");
        assert_eq!(out["error"]["code"], "internal");
    }
}
