//! Errors as pages: 404 for what does not exist or is hidden, 410 for a deleted product, 429
//! and 503 with `Retry-After`, 500 without any detail (the cause goes to the log).

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};

use super::lang::Lang;
use super::page::{self, Meta};
use super::site::Site;
use crate::error::ApiError;

pub struct PageError {
    pub status: StatusCode,
    pub retry_after_secs: Option<u64>,
    lang: Lang,
    site: web::Data<Site>,
}

impl PageError {
    pub fn new(site: &web::Data<Site>, lang: Lang, status: StatusCode) -> PageError {
        PageError {
            status,
            retry_after_secs: None,
            lang,
            site: site.clone(),
        }
    }

    /// A domain or search failure as a page: the API's status (the one table in
    /// `crate::error`), except that validation failures of a page's query are a 400 page.
    pub fn from_api(site: &web::Data<Site>, lang: Lang, e: ApiError) -> PageError {
        PageError {
            retry_after_secs: e.retry_after_secs,
            ..PageError::new(site, lang, e.status)
        }
    }
}

impl fmt::Debug for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageError({})", self.status)
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "page error {}", self.status)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        error_page(&self.site, self.lang, self.status, self.retry_after_secs)
    }
}

/// The error page for `status` (only the status's own text: never a message from a cause).
pub fn error_page(
    site: &Site,
    lang: Lang,
    status: StatusCode,
    retry_after_secs: Option<u64>,
) -> HttpResponse {
    let kind = match status.as_u16() {
        400 => "bad_request",
        403 => "forbidden",
        404 => "not_found",
        410 => "gone",
        429 => "too_many",
        503 => "unavailable",
        s if s < 500 => "bad_request",
        _ => "server_error",
    };
    let title = super::i18n::t(lang, &format!("error.{kind}.title"));
    let meta = Meta {
        title,
        description: String::new(),
        path: None,
        noindex: true,
        ..Meta::default()
    };
    let mut response = page::render(
        site,
        lang,
        status,
        "error.html",
        meta,
        minijinja::context! { kind, status => status.as_u16() },
    );
    if let Some(secs) = retry_after_secs {
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    response
}
