//! Forms: parsing `application/x-www-form-urlencoded` bodies into a 400 page instead of an
//! actix error, and CSRF protection for every state-changing form.
//!
//! CSRF: a signed-in visitor's forms carry the session's synchronizer token; the forms of a
//! visitor without a session (sign-in, registration) carry a random token that must equal the
//! `tf_csrf` cookie (double submit; the cookie is SameSite=Strict and HttpOnly). On top of
//! either, a request that a browser marks as cross-site (`Sec-Fetch-Site`) or whose `Origin`
//! is another site is refused.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::web;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::errors::PageError;
use super::lang::Lang;
use super::site::Site;
use crate::state::AppState;

pub const CSRF_COOKIE: &str = "tf_csrf";

/// A form body as `T`; anything unparsable is a 400 page.
///
/// Browsers submit a textarea's line breaks as CRLF; they count each as one character against
/// `maxlength`, and so does the domain once they are plain line feeds (it counts what it is
/// sent), so they are turned into line feeds here.
pub fn parse<T: DeserializeOwned>(
    site: &web::Data<Site>,
    lang: Lang,
    body: &[u8],
) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(&crlf_to_lf(body))
        .map_err(|_| PageError::new(site, lang, StatusCode::BAD_REQUEST))
}

/// `%0D%0A` (either case) as `%0A` in a URL-encoded body.
fn crlf_to_lf(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let is_crlf = |w: &[u8]| w.len() >= 6 && w[..6].eq_ignore_ascii_case(b"%0d%0a");
    if !body.windows(6).any(is_crlf) {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if is_crlf(&body[i..]) {
            out.extend_from_slice(b"%0A");
            i += 6;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether the browser says the request came from another site.
fn cross_site(req: &HttpRequest, site: &Site) -> bool {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if let Some(fetch_site) = header("sec-fetch-site")
        && !matches!(fetch_site.as_str(), "same-origin" | "none")
    {
        return true;
    }
    match header("origin") {
        None => false,
        Some(origin) => {
            let own = site.base_url.trim_end_matches('/');
            let host = req.connection_info().host().to_owned();
            let served = [format!("http://{host}"), format!("https://{host}")];
            origin != own && !served.contains(&origin)
        }
    }
}

/// Checks a form of a signed-in visitor against the session's token.
pub fn check_session_csrf(
    req: &HttpRequest,
    site: &web::Data<Site>,
    lang: Lang,
    expected: &str,
    sent: &str,
) -> Result<(), PageError> {
    if cross_site(req, site) || !same(expected, sent) {
        return Err(PageError::new(site, lang, StatusCode::FORBIDDEN));
    }
    Ok(())
}

/// Checks a form of a visitor without a session against the `tf_csrf` cookie.
pub fn check_cookie_csrf(
    req: &HttpRequest,
    site: &web::Data<Site>,
    lang: Lang,
    sent: &str,
) -> Result<(), PageError> {
    let cookie = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned());
    if cross_site(req, site) || !cookie.is_some_and(|c| same(&c, sent)) {
        return Err(PageError::new(site, lang, StatusCode::FORBIDDEN));
    }
    Ok(())
}

/// The visitor's double-submit token: the cookie's, or a new one (with the cookie to set).
pub fn cookie_token(
    state: &AppState,
    req: &HttpRequest,
) -> Result<(String, Option<Cookie<'static>>), getrandom::Error> {
    if let Some(c) = req.cookie(CSRF_COOKIE)
        && c.value().len() >= 32
        && c.value().len() <= 64
    {
        return Ok((c.value().to_owned(), None));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let cookie = Cookie::build(CSRF_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.public_url.starts_with("https://"))
        .finish();
    Ok((token, Some(cookie)))
}

/// A path to return to after signing in: only a path on this site (`/…`, never `//host` or a
/// scheme), else the account page.
pub fn local_next(next: Option<&str>, lang: Lang) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && n.len() <= 512 =>
        {
            n.to_owned()
        }
        _ => format!("/{}/account", lang.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(local_next(Some("/zh/product/1"), Lang::Zh), "/zh/product/1");
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil",
            "javascript:x",
            "",
        ] {
            assert_eq!(local_next(Some(bad), Lang::En), "/en/account", "{bad}");
        }
        assert_eq!(local_next(None, Lang::Zh), "/zh/account");
    }

    #[test]
    fn textarea_line_breaks_become_line_feeds() {
        assert_eq!(
            &*crlf_to_lf(b"a=x%0D%0Ay%0d%0az&b=%0D"),
            b"a=x%0Ay%0Az&b=%0D"
        );
        assert_eq!(&*crlf_to_lf(b"a=1"), b"a=1");
    }
}
