//! Forged, altered, expired and misdirected access tokens are all 401 `invalid_token`.
//! Each test first shows that a token we sign ourselves with the server's key and honest claims
//! is accepted, so each refusal is due to the one thing changed.

use e2e::{Account, Backend, TestApp, both_backends};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::auth::common::{
    ME, ServerKey, assert_invalid_token, b64url, b64url_json, foreign_ed25519_key,
    get_with_authorization, now, payload_of, sign_ed,
};

/// Honest claims for `account`, as the server would issue them.
fn honest_claims(account: &Account) -> Value {
    let issued = payload_of(&account.access);
    let t = now();
    json!({
        "sub": account.id,
        "iss": issued["iss"],
        "aud": "tradefair-api",
        "exp": t + 300,
        "iat": t,
        "jti": uuid::Uuid::new_v4().to_string(),
        "act": issued["act"],
        "typ": "access",
    })
}

async fn setup(b: Backend) -> (TestApp, Account, ServerKey) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    let key = ServerKey::of(&app).await;
    // The control: our own signature with honest claims passes.
    let control = key.sign(Some(&key.kid), &honest_claims(&account));
    let me = app.get(ME, Some(&control)).await.expect(200);
    assert_eq!(me.body["id"], account.id.as_str());
    (app, account, key)
}

async fn expired_and_misaddressed_tokens_are_refused(b: Backend) {
    let (app, account, key) = setup(b).await;
    let base = honest_claims(&account);
    let t = now();
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut c = base.clone();
    c["exp"] = json!(t - 31 - 30);
    c["iat"] = json!(t - 1000);
    cases.push(("expired beyond the leeway", c));
    let mut c = base.clone();
    c["exp"] = json!(t - 86_400);
    c["iat"] = json!(t - 90_000);
    cases.push(("expired yesterday", c));
    let mut c = base.clone();
    c["aud"] = json!("some-other-api");
    cases.push(("wrong aud", c));
    let mut c = base.clone();
    c["aud"] = json!(["some-other-api"]);
    cases.push(("wrong aud list", c));
    let mut c = base.clone();
    c["iss"] = json!("https://evil.example.com");
    cases.push(("wrong iss", c));
    for typ in ["refresh", "id", "", "ACCESS"] {
        let mut c = base.clone();
        c["typ"] = json!(typ);
        cases.push(("typ other than access", c));
    }
    for missing in ["exp", "aud", "iss", "sub", "typ", "jti", "act"] {
        let mut c = base.clone();
        c.as_object_mut().expect("object").remove(missing);
        cases.push((missing, c));
    }
    let mut c = base.clone();
    c["sub"] = json!("not-a-uuid");
    cases.push(("sub not a uuid", c));
    let mut c = base.clone();
    c["act"] = json!("superuser");
    cases.push(("unknown act", c));
    for (what, claims) in cases {
        let token = key.sign(Some(&key.kid), &claims);
        assert_invalid_token(&app.get(ME, Some(&token)).await, what);
    }
}

async fn key_selection_and_algorithm_are_enforced(b: Backend) {
    let (app, account, key) = setup(b).await;
    let claims = honest_claims(&account);

    let token = key.sign(None, &claims);
    assert_invalid_token(&app.get(ME, Some(&token)).await, "missing kid");
    let token = key.sign(Some("0011223344556677"), &claims);
    assert_invalid_token(&app.get(ME, Some(&token)).await, "unknown kid");
    let token = key.sign(Some(""), &claims);
    assert_invalid_token(&app.get(ME, Some(&token)).await, "empty kid");

    let token = sign_ed(&foreign_ed25519_key(), Some(&key.kid), &claims);
    assert_invalid_token(&app.get(ME, Some(&token)).await, "other key, same kid");

    // alg: none, with and without the trailing dot, in several spellings.
    for alg in ["none", "None", "NONE"] {
        let header = json!({"alg": alg, "typ": "JWT", "kid": key.kid});
        let unsigned = format!("{}.{}", b64url_json(&header), b64url_json(&claims));
        assert_invalid_token(
            &app.get(ME, Some(&format!("{unsigned}."))).await,
            "alg none",
        );
        assert_invalid_token(&app.get(ME, Some(&unsigned)).await, "alg none, two parts");
    }

    // HMAC keyed with what the server publishes (raw public key, its base64url, the JWK set).
    let secrets: Vec<Vec<u8>> = vec![
        key.public.clone(),
        key.x.clone().into_bytes(),
        key.pem.clone().into_bytes(),
    ];
    for secret in secrets {
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let mut header = Header::new(alg);
            header.kid = Some(key.kid.clone());
            let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&secret))
                .expect("sign");
            assert_invalid_token(&app.get(ME, Some(&token)).await, "HMAC with public key");
        }
    }
}

async fn altered_tokens_are_refused(b: Backend) {
    let (app, account, _key) = setup(b).await;
    let other = app.signup("supplier").await;
    let mut parts = account
        .access
        .split('.')
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert_eq!(parts.len(), 3);
    let payload = payload_of(&account.access);

    let mut forged = Vec::new();
    let mut p = payload.clone();
    p["sub"] = json!(other.id);
    forged.push(("sub changed to another user", p));
    let mut p = payload.clone();
    p["act"] = json!("operator");
    forged.push(("act changed to operator", p));
    let mut p = payload.clone();
    p["exp"] = json!(now() + 10 * 365 * 86_400);
    forged.push(("exp extended", p));
    for (what, p) in forged {
        let token = format!("{}.{}.{}", parts[0], b64url_json(&p), parts[2]);
        assert_invalid_token(&app.get(ME, Some(&token)).await, what);
    }

    // One bit of the signature flipped.
    let mut sig = parts[2].clone().into_bytes();
    sig[3] = if sig[3] == b'A' { b'B' } else { b'A' };
    let tampered_sig = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        String::from_utf8_lossy(&sig)
    );
    assert_invalid_token(&app.get(ME, Some(&tampered_sig)).await, "signature bit");
    // Header swapped for one naming another algorithm, same signature.
    parts[0] = b64url_json(&json!({"alg": "HS256", "typ": "JWT"}));
    assert_invalid_token(&app.get(ME, Some(&parts.join("."))).await, "header swapped");

    // The original still works: nothing above touched it.
    app.get(ME, account.token()).await.expect(200);
}

async fn non_access_tokens_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.signup("buyer").await;
    assert_invalid_token(
        &app.get(ME, Some(&account.refresh)).await,
        "refresh token as bearer",
    );
    for garbage in [
        "garbage",
        "a.b.c",
        "a.b",
        "....",
        "eyJhbGciOiJFZERTQSJ9.e30.",
        &b64url(&[0xff; 64]),
        &format!("{}x", account.access),
        &account.access[..account.access.len() - 10],
    ] {
        assert_invalid_token(&app.get(ME, Some(garbage)).await, garbage);
    }
    // A Bearer header that is present but empty is not "anonymous".
    let reply = get_with_authorization(&app, ME, "Bearer ").await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    // Another scheme is not a bearer token.
    let reply = get_with_authorization(&app, ME, &format!("Basic {}", account.access)).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
}

both_backends!(
    expired_and_misaddressed_tokens_are_refused,
    key_selection_and_algorithm_are_enforced,
    altered_tokens_are_refused,
    non_access_tokens_are_refused,
);
