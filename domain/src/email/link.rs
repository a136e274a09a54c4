//! Signed links in e-mail (confirm, unsubscribe, preferences, open pixel, click redirect).
//!
//! A link carries its claims in the clear and an HMAC-SHA256 over them, keyed by a secret kept in
//! the database so that every process on it accepts every other's links. A link can only be
//! used for the purpose it was made for, and a click link only redirects to the URL it was
//! signed with (no open redirect).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::app_secrets;

const SECRET_NAME: &str = "email_link_key";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    ConfirmConsent,
    Unsubscribe,
    Preferences,
    Open,
    Click,
    /// Proves an address is its owner's (`d`: the address).
    VerifyEmail,
    /// Sets a new password (`d`: the account's token version, so one use spends it).
    ResetPassword,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkToken {
    #[serde(rename = "p")]
    pub purpose: LinkPurpose,
    #[serde(rename = "u")]
    pub user_id: Uuid,
    /// The e-mail job the link was sent in (tracking, unsubscribe attribution).
    #[serde(rename = "j", default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<Uuid>,
    /// Purpose-specific data: the target URL of a click link, the address a confirmation is for.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Unix seconds; `None` never expires (unsubscribe links must keep working).
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("the link is malformed or its signature does not match")]
    Invalid,
    #[error("the link was made for something else")]
    WrongPurpose,
    #[error("the link has expired")]
    Expired,
}

/// The signing key, created on first use (call it outside a transaction: on PostgreSQL the
/// losing insert of a race would abort the surrounding one). Two processes racing both insert; the loser's insert
/// fails on the primary key and both then read the one that won.
pub fn link_key(conn: &mut DbConnection) -> QueryResult<Vec<u8>> {
    let read = |conn: &mut DbConnection| -> QueryResult<Option<String>> {
        app_secrets::table
            .find(SECRET_NAME)
            .select(app_secrets::value)
            .first(conn)
            .optional()
    };
    if let Some(v) = read(conn)? {
        return Ok(URL_SAFE_NO_PAD.decode(v).unwrap_or_default());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    let inserted = diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(SECRET_NAME),
            app_secrets::value.eq(URL_SAFE_NO_PAD.encode(bytes)),
            app_secrets::created_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(bytes.to_vec()),
        Err(e) if crate::db::is_unique_violation(&e) => {
            let v = read(conn)?.ok_or(diesel::result::Error::NotFound)?;
            Ok(URL_SAFE_NO_PAD.decode(v).unwrap_or_default())
        }
        Err(e) => Err(e),
    }
}

fn mac(key: &[u8], body: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(body.as_bytes());
    m
}

/// `base64url(claims).base64url(hmac)`: URL-safe, no padding.
pub fn sign_link(key: &[u8], token: &LinkToken) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(token).expect("claims serialize"));
    let tag = mac(key, &body).finalize().into_bytes();
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// Checks the signature, the purpose and the expiry (against the domain clock).
pub fn verify_link(key: &[u8], text: &str, purpose: LinkPurpose) -> Result<LinkToken, LinkError> {
    let (body, tag) = text.split_once('.').ok_or(LinkError::Invalid)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| LinkError::Invalid)?;
    mac(key, body)
        .verify_slice(&tag)
        .map_err(|_| LinkError::Invalid)?;
    let claims = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| LinkError::Invalid)?;
    let token: LinkToken = serde_json::from_slice(&claims).map_err(|_| LinkError::Invalid)?;
    if token.purpose != purpose {
        return Err(LinkError::WrongPurpose);
    }
    if let Some(exp) = token.expires_at
        && now().assume_utc().unix_timestamp() >= exp
    {
        return Err(LinkError::Expired);
    }
    Ok(token)
}

/// Whether `token` has the shape of a signed link token (URL-safe base64 and dots, bounded), so
/// that a page can refuse anything else before it reaches a form or a query.
pub fn well_formed_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 2048
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(purpose: LinkPurpose) -> LinkToken {
        LinkToken {
            purpose,
            user_id: Uuid::nil(),
            job_id: None,
            data: Some("https://example.com/x".into()),
            expires_at: None,
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        let key = b"k".repeat(32);
        let t = token(LinkPurpose::Click);
        let s = sign_link(&key, &t);
        assert_eq!(verify_link(&key, &s, LinkPurpose::Click), Ok(t.clone()));
        assert_eq!(
            verify_link(&key, &s, LinkPurpose::Unsubscribe),
            Err(LinkError::WrongPurpose)
        );
        assert_eq!(
            verify_link(b"other-key", &s, LinkPurpose::Click),
            Err(LinkError::Invalid)
        );
        let mut other = t;
        other.data = Some("https://evil.example/".into());
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap()),
            s.split_once('.').unwrap().1
        );
        assert_eq!(
            verify_link(&key, &forged, LinkPurpose::Click),
            Err(LinkError::Invalid)
        );
    }

    #[test]
    fn expiry_is_checked() {
        let key = b"k".repeat(32);
        let mut t = token(LinkPurpose::ConfirmConsent);
        t.expires_at = Some(now().assume_utc().unix_timestamp() - 1);
        let s = sign_link(&key, &t);
        assert_eq!(
            verify_link(&key, &s, LinkPurpose::ConfirmConsent),
            Err(LinkError::Expired)
        );
    }
}
