//! Refresh tokens: opaque 256-bit values, stored only as SHA-256, rotated on every use.
//! Presenting a token that was already used means it was copied: the whole family (every token
//! descended from the same login) is revoked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::{AccountError, AccountStatus, User, find_user};
use crate::clock::now;
use crate::db::schema::refresh_tokens;
use crate::db::{self, DbConnection};
use crate::ids::new_id;

pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

pub(super) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn random_token() -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Hashing(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

pub(super) fn insert_token(
    conn: &mut DbConnection,
    user_id: Uuid,
    family_id: &str,
) -> Result<String, AccountError> {
    let token = random_token()?;
    let at = now();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id().to_string()),
            refresh_tokens::user_id.eq(user_id.to_string()),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash(&token)),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(at + REFRESH_TOKEN_TTL),
        ))
        .execute(conn)?;
    Ok(token)
}

/// A new refresh token and the family (sign-in) it belongs to; access tokens name the family
/// so that ending it ends them too.
#[derive(Debug, Clone)]
pub struct IssuedRefresh {
    pub token: String,
    pub family_id: String,
}

/// Starts a new family (one login) and returns its first token.
pub fn issue_refresh_token(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> Result<IssuedRefresh, AccountError> {
    db::transaction(conn, |conn| {
        let family_id = new_id().to_string();
        let token = insert_token(conn, user_id, &family_id)?;
        Ok(IssuedRefresh { token, family_id })
    })
}

/// What a refresh produced.
#[derive(Debug)]
pub struct RefreshOutcome {
    pub user: User,
    pub refresh_token: String,
    pub family_id: String,
}

type TokenRow = (
    String,
    String,
    PrimitiveDateTime,
    Option<PrimitiveDateTime>,
    Option<PrimitiveDateTime>,
);

/// Exchanges a refresh token for a new one of the same family.
pub fn rotate_refresh_token(
    conn: &mut DbConnection,
    token: &str,
) -> Result<RefreshOutcome, AccountError> {
    // The reuse branch must commit its revocation and still fail, hence the nested Result.
    db::transaction(
        conn,
        |conn| -> Result<Result<RefreshOutcome, AccountError>, AccountError> {
            let row: Option<(String, TokenRow)> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_hash(token)))
                .select((
                    refresh_tokens::id,
                    (
                        refresh_tokens::user_id,
                        refresh_tokens::family_id,
                        refresh_tokens::expires_at,
                        refresh_tokens::used_at,
                        refresh_tokens::revoked_at,
                    ),
                ))
                .first(conn)
                .optional()?;
            let Some((id, (user_id, family_id, expires_at, used_at, revoked_at))) = row else {
                return Ok(Err(AccountError::InvalidRefreshToken));
            };
            let at = now();
            if revoked_at.is_some() || expires_at <= at {
                return Ok(Err(AccountError::InvalidRefreshToken));
            }
            // Claim the token; of two concurrent uses only one updates the row.
            let claimed = used_at.is_none()
                && diesel::update(refresh_tokens::table)
                    .filter(refresh_tokens::id.eq(&id))
                    .filter(refresh_tokens::used_at.is_null())
                    .set(refresh_tokens::used_at.eq(at))
                    .execute(conn)?
                    == 1;
            if !claimed {
                revoke_family(conn, &family_id)?;
                tracing::warn!(family = %family_id, "refresh token reuse: family revoked");
                return Ok(Err(AccountError::RefreshTokenReused));
            }
            let user = find_user(conn, crate::ids::parse_db_id(&user_id))?;
            if user.status != AccountStatus::Active {
                revoke_family(conn, &family_id)?;
                return Ok(Err(AccountError::Disabled));
            }
            let refresh_token = insert_token(conn, user.id, &family_id)?;
            Ok(Ok(RefreshOutcome {
                user,
                refresh_token,
                family_id,
            }))
        },
    )?
}

/// Marks every token of the family revoked. Revoked rows are what access tokens of the family
/// are checked against, so at least one row is always marked (even an already used one).
pub(super) fn revoke_family(conn: &mut DbConnection, family_id: &str) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now()))
        .execute(conn)
}

/// Logout: revokes the family the access token was issued in (`family_id`, from its claims)
/// and the family of `token` if one is sent, both only when they belong to `user_id`. Unknown
/// tokens and families are ignored so that logging out twice is harmless.
pub fn revoke_refresh_family(
    conn: &mut DbConnection,
    user_id: Uuid,
    family_id: Option<&str>,
    token: Option<&str>,
) -> Result<(), AccountError> {
    db::transaction(conn, |conn| {
        let mut families: Vec<String> = Vec::new();
        if let Some(token) = token {
            let family: Option<String> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_hash(token)))
                .filter(refresh_tokens::user_id.eq(user_id.to_string()))
                .select(refresh_tokens::family_id)
                .first(conn)
                .optional()?;
            families.extend(family);
        }
        if let Some(family) = family_id {
            let mine: i64 = refresh_tokens::table
                .filter(refresh_tokens::family_id.eq(family))
                .filter(refresh_tokens::user_id.eq(user_id.to_string()))
                .count()
                .get_result(conn)?;
            if mine > 0 {
                families.push(family.to_owned());
            }
        }
        for family in families {
            revoke_family(conn, &family)?;
        }
        Ok(())
    })
}

/// Revokes every refresh token of the account (a password change or reset), in the caller's
/// transaction.
pub(crate) fn revoke_all_families(conn: &mut DbConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::user_id.eq(user_id.to_string()))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now()))
        .execute(conn)
}

/// Whether an access token issued to `user_id` in `family_id` under `token_version` may still
/// be used: the account is active, no password change or reset happened since, and the
/// sign-in was not ended (logout, refresh-token reuse). One indexed lookup per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Valid { email_verified: bool },
    Ended,
}

pub fn session_state(
    conn: &mut DbConnection,
    user_id: Uuid,
    family_id: Option<&str>,
    token_version: i32,
) -> QueryResult<SessionState> {
    use crate::db::schema::users;
    let row: Option<(String, i32, Option<PrimitiveDateTime>)> = users::table
        .find(user_id.to_string())
        .select((
            users::status,
            users::token_version,
            users::email_verified_at,
        ))
        .first(conn)
        .optional()?;
    let Some((status, version, verified_at)) = row else {
        return Ok(SessionState::Ended);
    };
    if status != AccountStatus::Active.as_str() || version != token_version {
        return Ok(SessionState::Ended);
    }
    if let Some(family) = family_id {
        let revoked: i64 = refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_not_null())
            .count()
            .get_result(conn)?;
        if revoked > 0 {
            return Ok(SessionState::Ended);
        }
    }
    Ok(SessionState::Valid {
        email_verified: verified_at.is_some(),
    })
}
