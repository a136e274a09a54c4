//! One module per public page. Each handler: parse the path and query, call the domain or the
//! search index on the blocking pool (`AppState::db`, `web::block`), render.

pub mod account;
pub mod account_settings;
pub mod directory;
pub mod home;
pub mod inquiry;
pub mod listing;
pub mod password;
pub mod policy;
pub mod policy_acceptance;
pub mod product;
pub mod quote;
pub mod report;
pub mod search;
pub mod storefront;
mod view;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::errors::{PageError, error_page};
use super::lang::Lang;
use super::site::Site;

/// The language of a page under `/{lang}/`.
pub(crate) fn lang_of(req: &HttpRequest) -> Lang {
    req.match_info()
        .get("lang")
        .and_then(Lang::parse)
        .unwrap_or(Lang::Zh)
}

/// Unknown addresses under a language prefix.
pub async fn not_found(req: HttpRequest, site: web::Data<Site>) -> HttpResponse {
    let lang = req
        .path()
        .split('/')
        .nth(1)
        .and_then(Lang::parse)
        .unwrap_or(Lang::Zh);
    error_page(&site, lang, StatusCode::NOT_FOUND, None)
}

pub(crate) type PageResult = Result<HttpResponse, PageError>;

/// The path of a product page after the language prefix.
pub(crate) fn product_path_of(id: &str, title_en: Option<&str>) -> String {
    view::product_path(id, title_en)
}

/// The path of a storefront after the language prefix.
pub(crate) fn storefront_path(slug: &str) -> String {
    format!("/company/{slug}")
}
