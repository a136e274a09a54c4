//! Helpers shared by the auth scenarios: raw requests, registration without signing in, and
//! hand-made access tokens signed with the server's own key or with attackers' keys.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use e2e::fixtures::PASSWORD;
use e2e::{Reply, TestApp};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

pub const ME: &str = "/api/v1/me";
pub const REGISTER: &str = "/api/v1/auth/register";
pub const REFRESH: &str = "/api/v1/auth/refresh";
pub const LOGOUT: &str = "/api/v1/auth/logout";

/// A fresh address for this test.
pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// `(field, code)` of every field error.
pub fn field_codes(reply: &Reply) -> Vec<(String, String)> {
    reply.body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
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

/// A valid registration body.
pub fn registration(email: &str) -> Value {
    json!({"email": email, "password": PASSWORD, "display_name": "测试 Tester", "account_type": "buyer"})
}

/// Registers an account without signing in (signing in would spend login budget).
pub async fn register_only(app: &TestApp, email: &str) -> Reply {
    app.post(REGISTER, None, registration(email))
        .await
        .expect(202)
}

/// Sends `body` as-is with the given content type.
pub async fn raw_post(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let response = app
        .http
        .post(app.url(path))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("request sent");
    into_reply(response).await
}

/// Sends a GET with an `Authorization` header value of our choosing.
pub async fn get_with_authorization(app: &TestApp, path: &str, value: &str) -> Reply {
    let response = app
        .http
        .get(app.url(path))
        .header("Authorization", value)
        .send()
        .await
        .expect("request sent");
    into_reply(response).await
}

pub async fn into_reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("response body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        body,
        headers,
    }
}

pub async fn refresh(app: &TestApp, token: &str) -> Reply {
    app.post(REFRESH, None, json!({"refresh_token": token}))
        .await
}

/// Asserts that `/api/v1/me` refuses `token` with 401 `invalid_token`.
#[track_caller]
pub fn assert_invalid_token(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status, 401,
        "{what}: expected 401, body {}",
        reply.body
    );
    assert_eq!(reply.code(), "invalid_token", "{what}: body {}", reply.body);
    assert_eq!(
        reply.header("www-authenticate").as_deref(),
        Some("Bearer"),
        "{what}: WWW-Authenticate"
    );
}

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64url_json(value: &Value) -> String {
    b64url(&serde_json::to_vec(value).expect("json"))
}

/// The decoded payload of a JWT issued by the server.
pub fn payload_of(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url payload"))
        .expect("JSON payload")
}

/// The server's signing key, read from its data dir as an operator with file access (or a
/// thief) would, plus what the server publishes about it.
pub struct ServerKey {
    pub kid: String,
    /// The raw Ed25519 public key from the JWK set.
    pub public: Vec<u8>,
    /// The JWK's `x`, as published.
    pub x: String,
    pub pem: String,
}

impl ServerKey {
    pub async fn of(app: &TestApp) -> ServerKey {
        let jwks = app
            .get("/.well-known/jwks.json", None)
            .await
            .expect(200)
            .body;
        let key = &jwks["keys"][0];
        let kid = key["kid"].as_str().expect("kid").to_owned();
        let x = key["x"].as_str().expect("x").to_owned();
        let public = URL_SAFE_NO_PAD.decode(&x).expect("x is base64url");
        let pem = std::fs::read_to_string(app.config.data_dir.join("keys/jwt-ed25519.pem"))
            .expect("signing key file");
        ServerKey {
            kid,
            public,
            x,
            pem,
        }
    }

    pub fn encoding(&self) -> EncodingKey {
        EncodingKey::from_ed_pem(self.pem.as_bytes()).expect("server key PEM")
    }

    /// Signs `claims` with the server's key; `kid` as given.
    pub fn sign(&self, kid: Option<&str>, claims: &Value) -> String {
        sign_ed(&self.encoding(), kid, claims)
    }
}

pub fn sign_ed(key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

/// A fresh Ed25519 key that the server has never seen, as PKCS#8 PEM (RFC 8410 layout:
/// a fixed 16-byte prefix then the 32-byte seed).
pub fn foreign_ed25519_key() -> EncodingKey {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    der.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        STANDARD.encode(&der)
    );
    EncodingKey::from_ed_pem(pem.as_bytes()).expect("foreign key PEM")
}

/// Unix time now.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[track_caller]
pub fn assert_rate_limited(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 429, "{what}: {}", reply.body);
    assert_eq!(reply.code(), "rate_limited", "{what}: {}", reply.body);
    let retry = reply
        .header("retry-after")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(
        retry >= 1,
        "{what}: Retry-After {:?}",
        reply.header("retry-after")
    );
}

#[track_caller]
pub fn assert_wrong_credentials(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 401, "{what}: {}", reply.body);
    assert_eq!(
        reply.code(),
        "invalid_credentials",
        "{what}: {}",
        reply.body
    );
}
