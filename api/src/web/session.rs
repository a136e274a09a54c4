//! Who is signed in to the web pages: an HttpOnly, SameSite=Lax cookie (Secure when the site is
//! served over https) naming a server-side session (`domain::account::web_session`), which ends
//! when the account's sign-ins end. Public pages do not read it: they are the same for every
//! visitor (cacheable), and the header links to `/{lang}/account`, which does.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use domain::account::{self, WebSession};

use crate::error::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tf_session";

/// A signed-in visitor: the session and the cookie value that names it.
pub struct SignedIn {
    pub token: String,
    pub session: WebSession,
}

/// The session the request's cookie names, if it is live.
pub async fn current(state: &AppState, req: &HttpRequest) -> Result<Option<SignedIn>, ApiError> {
    let Some(token) = req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty() && t.len() <= 128)
    else {
        return Ok(None);
    };
    let lookup = token.clone();
    let session = state
        .db(move |conn| account::web_session(conn, &lookup))
        .await?;
    Ok(session.map(|session| SignedIn { token, session }))
}

fn secure(state: &AppState) -> bool {
    state.config.public_url.starts_with("https://")
}

/// The cookie that carries a new session.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(state))
        .max_age(CookieDuration::seconds(
            account::WEB_SESSION_TTL.whole_seconds(),
        ))
        .finish()
}

/// The cookie that removes the session cookie.
pub fn cleared_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(state))
        .finish();
    c.make_removal();
    c
}
