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

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_token() -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Hashing(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn insert_token(
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

/// Starts a new family (one login) and returns its first token.
pub fn issue_refresh_token(conn: &mut DbConnection, user_id: Uuid) -> Result<String, AccountError> {
    db::transaction(conn, |conn| {
        insert_token(conn, user_id, &new_id().to_string())
    })
}

/// What a refresh produced.
#[derive(Debug)]
pub struct RefreshOutcome {
    pub user: User,
    pub refresh_token: String,
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
            }))
        },
    )?
}

fn revoke_family(conn: &mut DbConnection, family_id: &str) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now()))
        .execute(conn)
}

/// Logout: revokes the family of `token` if it belongs to `user_id`. Unknown tokens are ignored
/// so that logging out twice is harmless.
pub fn revoke_refresh_family(
    conn: &mut DbConnection,
    user_id: Uuid,
    token: &str,
) -> Result<(), AccountError> {
    db::transaction(conn, |conn| {
        let family: Option<String> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash(token)))
            .filter(refresh_tokens::user_id.eq(user_id.to_string()))
            .select(refresh_tokens::family_id)
            .first(conn)
            .optional()?;
        if let Some(family) = family {
            revoke_family(conn, &family)?;
        }
        Ok(())
    })
}
