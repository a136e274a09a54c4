//! CORS for browser clients on other origins: off unless `TRADEFAIR_CORS_ORIGINS` lists them.
//! A preflight from a listed origin is answered with the methods and headers the API uses; one
//! from any other origin is refused (400), and answers to other origins carry no CORS headers,
//! so browsers do not hand them to the page. Clients that are not browsers are not affected.

use actix_cors::Cors;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName};

use crate::config::Config;

/// Checks the configured origins (at start, so a typo stops the server rather than every
/// worker): `*`, or `http(s)://host[:port]` each.
pub fn check_origins(config: &Config) -> anyhow::Result<()> {
    for origin in config.cors_origins() {
        if origin == "*" {
            continue;
        }
        let uri: actix_web::http::Uri = origin.parse().map_err(|e| {
            anyhow::anyhow!("TRADEFAIR_CORS_ORIGINS: {origin:?} is not an origin: {e}")
        })?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        let bare = uri.path_and_query().is_none_or(|p| p.as_str() == "/");
        anyhow::ensure!(
            scheme_ok && uri.host().is_some() && bare,
            "TRADEFAIR_CORS_ORIGINS: {origin:?} is not an origin (http(s)://host[:port])"
        );
    }
    Ok(())
}

/// The CORS middleware for `config`, or `None` when no origin is allowed. Call
/// `check_origins` first.
pub fn cors(config: &Config) -> Option<Cors> {
    let origins = config.cors_origins();
    if origins.is_empty() {
        return None;
    }
    let request_id = HeaderName::from_static(crate::observe::request_id::HEADER);
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            request_id.clone(),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            header::LOCATION,
            header::CONTENT_DISPOSITION,
            request_id,
        ])
        .max_age(3600);
    for origin in &origins {
        cors = if origin == "*" {
            // Tokens travel in a header, never in cookies, so any origin is safe to allow.
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    Some(cors)
}
