//! Headers that keep browsers from misusing what the server sends: no MIME sniffing, no
//! referrer, no framing, and a Content-Security-Policy. HTML (the e-mail link pages, Swagger
//! UI) may load scripts, styles and images from this origin only and post forms only to it;
//! everything else (JSON, CSV) may load nothing.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// Swagger UI needs its own scripts and styles, inline style attributes, `data:` images and
/// to fetch `/openapi.json`; the e-mail pages need less than that.
pub const HTML_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

pub const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

fn is_html(response: &ServiceResponse<impl MessageBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let policy = if is_html(&response) {
        HTML_POLICY
    } else {
        DATA_POLICY
    };
    let headers = response.headers_mut();
    // A response that sets its own policy keeps it: uploaded files are served with `sandbox`,
    // and pages may allow more than the default.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Pages send `strict-origin-when-cross-origin` so that links out of the site still tell
    // where they came from; everything else sends none.
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    Ok(response)
}
