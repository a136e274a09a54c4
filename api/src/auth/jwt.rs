//! Access tokens: short-lived EdDSA JWTs with `kid`, `iss`, `aud`, `exp`. Only EdDSA is
//! accepted (no `none`, no HMAC confusion); `typ` separates access tokens from anything else
//! we may sign later.

use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::keys::JwtKeys;
use crate::error::ApiError;

pub const AUDIENCE: &str = "tradefair-api";
const ACCESS_TYP: &str = "access";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    /// Account type: buyer, supplier or operator.
    pub act: String,
    pub typ: String,
    /// The sign-in (refresh-token family) this token was issued in: ending it ends the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<String>,
    /// The account's token version when issued; a password change or reset raises it.
    #[serde(default)]
    pub ver: i32,
}

/// Who a token is for and which sign-in it belongs to.
pub struct Subject<'a> {
    pub user_id: Uuid,
    pub account_type: &'a str,
    pub family_id: &'a str,
    pub token_version: i32,
}

pub fn issue(
    keys: &JwtKeys,
    issuer: &str,
    ttl_secs: i64,
    subject: Subject<'_>,
) -> Result<(String, Claims), ApiError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = Claims {
        sub: subject.user_id.to_string(),
        iss: issuer.to_owned(),
        aud: AUDIENCE.to_owned(),
        exp: now + ttl_secs,
        iat: now,
        jti: Uuid::now_v7().to_string(),
        act: subject.account_type.to_owned(),
        typ: ACCESS_TYP.to_owned(),
        fam: Some(subject.family_id.to_owned()),
        ver: subject.token_version,
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.kid.clone());
    let token = encode(&header, &claims, &keys.encoding).map_err(|e| ApiError::internal(&e))?;
    Ok((token, claims))
}

fn invalid() -> ApiError {
    ApiError::unauthenticated("invalid_token", "the access token is invalid or expired")
}

pub fn verify(keys: &JwtKeys, issuer: &str, token: &str) -> Result<Claims, ApiError> {
    let header = decode_header(token).map_err(|_| invalid())?;
    // The key is chosen by `kid` from our own in-memory set only; anything else is refused.
    if header.alg != Algorithm::EdDSA || header.kid.as_deref() != Some(keys.kid.as_str()) {
        return Err(invalid());
    }
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = 30;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
    let data = decode::<Claims>(token, &keys.decoding, &validation).map_err(|_| invalid())?;
    if data.claims.typ != ACCESS_TYP {
        return Err(invalid());
    }
    Ok(data.claims)
}
