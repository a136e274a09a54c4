//! Browser sessions of the web pages. The cookie holds an opaque 256-bit token, stored here only
//! as SHA-256. Each session is bound to a sign-in (a refresh-token family whose only token is
//! never handed out) and to the account's token version, so everything that ends API sign-ins
//! (logout, refresh-token reuse, password change or reset, a disabled or erased account) ends
//! the browser session too, through the same `session_state` check. Each session carries its
//! own CSRF token (a synchronizer token) for the forms it renders.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::refresh::{insert_token, random_token, revoke_family, token_hash};
use super::{AccountError, SessionState, User, find_user, session_state};
use crate::clock::now;
use crate::db::schema::web_sessions;
use crate::db::{self, DbConnection};
use crate::ids::{new_id, parse_db_id};

/// How long a browser session lasts from sign-in (no sliding renewal: sign in again).
pub const WEB_SESSION_TTL: Duration = Duration::days(14);

/// What the browser gets at sign-in: the cookie value and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct StartedWebSession {
    pub token: String,
    pub csrf_token: String,
}

/// A live browser session.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub user: User,
    pub email_verified: bool,
    pub csrf_token: String,
}

/// Starts a browser session for an authenticated account (a new sign-in of its own). Expired
/// sessions of the account are removed on the way.
pub fn start_web_session(
    conn: &mut DbConnection,
    user_id: Uuid,
) -> Result<StartedWebSession, AccountError> {
    db::transaction(conn, |conn| {
        let user = find_user(conn, user_id)?;
        let at = now();
        diesel::delete(
            web_sessions::table
                .filter(web_sessions::user_id.eq(user_id.to_string()))
                .filter(web_sessions::expires_at.le(at)),
        )
        .execute(conn)?;
        let family_id = new_id().to_string();
        // The family's anchor row: revoking the family marks it, and `session_state` reads it.
        insert_token(conn, user_id, &family_id)?;
        let token = random_token()?;
        let csrf_token = random_token()?;
        diesel::insert_into(web_sessions::table)
            .values((
                web_sessions::id.eq(new_id().to_string()),
                web_sessions::token_hash.eq(token_hash(&token)),
                web_sessions::user_id.eq(user_id.to_string()),
                web_sessions::family_id.eq(&family_id),
                web_sessions::token_version.eq(user.token_version),
                web_sessions::csrf_token.eq(&csrf_token),
                web_sessions::created_at.eq(at),
                web_sessions::expires_at.eq(at + WEB_SESSION_TTL),
            ))
            .execute(conn)?;
        Ok(StartedWebSession { token, csrf_token })
    })
}

/// Removes every expired browser session; returns how many. Sign-in removes an account's own
/// expired rows, but an account that never signs in again would keep them forever: the
/// periodic retention job calls this.
pub fn remove_expired_web_sessions(conn: &mut DbConnection) -> Result<usize, AccountError> {
    let at = now();
    db::transaction(conn, |conn| {
        Ok(
            diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(at)))
                .execute(conn)?,
        )
    })
}

type SessionRow = (String, String, i32, String, PrimitiveDateTime);

/// The live session the cookie `token` names, or `None` (unknown, expired or ended).
pub fn web_session(
    conn: &mut DbConnection,
    token: &str,
) -> Result<Option<WebSession>, AccountError> {
    let row: Option<SessionRow> = web_sessions::table
        .filter(web_sessions::token_hash.eq(token_hash(token)))
        .select((
            web_sessions::user_id,
            web_sessions::family_id,
            web_sessions::token_version,
            web_sessions::csrf_token,
            web_sessions::expires_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user_id, family_id, version, csrf_token, expires_at)) = row else {
        return Ok(None);
    };
    if expires_at <= now() {
        return Ok(None);
    }
    let user_id = parse_db_id(&user_id);
    match session_state(conn, user_id, Some(&family_id), version)? {
        SessionState::Ended => Ok(None),
        SessionState::Valid { email_verified } => Ok(Some(WebSession {
            user: find_user(conn, user_id)?,
            email_verified,
            csrf_token,
        })),
    }
}

/// Sign-out: removes the session and ends its sign-in. Unknown tokens are ignored, so signing
/// out twice is harmless.
pub fn end_web_session(conn: &mut DbConnection, token: &str) -> Result<(), AccountError> {
    db::transaction(conn, |conn| {
        let family: Option<String> = web_sessions::table
            .filter(web_sessions::token_hash.eq(token_hash(token)))
            .select(web_sessions::family_id)
            .first(conn)
            .optional()?;
        if let Some(family) = family {
            diesel::delete(
                web_sessions::table.filter(web_sessions::token_hash.eq(token_hash(token))),
            )
            .execute(conn)?;
            revoke_family(conn, &family)?;
        }
        Ok(())
    })
}
