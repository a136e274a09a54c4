//! The public web site: server-rendered HTML pages beside the JSON API, in the same binary.
//!
//! Page handlers call `domain` and `search` directly on the blocking pool, like the JSON
//! handlers, and share only the plumbing (`AppState`, `Config`, `ApiError`); they never call a
//! JSON route module and no JSON route module calls them (a test in `web::layering` checks it).

pub mod assets;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod jsonld;
pub mod lang;
#[cfg(test)]
mod layering;
pub mod page;
pub mod pages;
pub mod seo;
pub mod session;
pub mod site;

use actix_web::web;

pub use site::Site;

/// Registers the page routes. Every page lives under `/zh/` or `/en/` (the language is part of
/// the URL, so each language version has its own canonical address for search engines).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home::root))
        .route("/robots.txt", web::get().to(seo::robots))
        .route("/sitemap.xml", web::get().to(seo::sitemap_index))
        .route(
            "/sitemaps/products/{start}.xml",
            web::get().to(seo::sitemap_products),
        )
        .route(
            "/sitemaps/suppliers.xml",
            web::get().to(seo::sitemap_suppliers),
        )
        .route(
            "/sitemaps/listings.xml",
            web::get().to(seo::sitemap_listings),
        )
        .route("/assets/{name}", web::get().to(assets::serve))
        .service(
            web::scope("/{lang:zh|en}")
                .route("", web::get().to(pages::home::home_without_slash))
                .route("/", web::get().to(pages::home::home))
                .route("/search", web::get().to(pages::search::search))
                .route("/category/{id}", web::get().to(pages::search::category))
                // Before `/product/{id}/{slug}`, which would take `inquiry` for a slug.
                .route(
                    "/product/{id}/inquiry",
                    web::get().to(pages::inquiry::inquiry_form),
                )
                .route(
                    "/product/{id}/inquiry",
                    web::post().to(pages::inquiry::send_inquiry),
                )
                .route("/product/{id}", web::get().to(pages::product::product))
                .route(
                    "/product/{id}/{slug}",
                    web::get().to(pages::product::product_slug),
                )
                .route(
                    "/company/{slug}",
                    web::get().to(pages::storefront::storefront),
                )
                .route("/suppliers", web::get().to(pages::directory::directory))
                .route(
                    "/buy-requests/{id}",
                    web::get().to(pages::listing::buy_request),
                )
                .route(
                    "/buy-requests/{id}/quote",
                    web::get().to(pages::quote::quote_form),
                )
                .route(
                    "/buy-requests/{id}/quote",
                    web::post().to(pages::quote::send_quote),
                )
                .route(
                    "/sell-offers/{id}",
                    web::get().to(pages::listing::sell_offer),
                )
                .route(
                    "/sell-offers/{id}/inquiry",
                    web::get().to(pages::inquiry::sell_offer_inquiry_form),
                )
                .route(
                    "/sell-offers/{id}/inquiry",
                    web::post().to(pages::inquiry::send_sell_offer_inquiry),
                )
                .route("/report", web::get().to(pages::report::report_form))
                .route("/report", web::post().to(pages::report::send_report))
                .route("/rules", web::get().to(pages::policy::rules_index))
                .route("/rules/{kind}", web::get().to(pages::policy::policy_page))
                .route("/transparency", web::get().to(pages::policy::transparency))
                .route("/signin", web::get().to(pages::account::signin_form))
                .route("/signin", web::post().to(pages::account::signin))
                .route("/register", web::get().to(pages::account::register_form))
                .route("/register", web::post().to(pages::account::register))
                .route(
                    "/forgot-password",
                    web::get().to(pages::password::forgot_form),
                )
                .route("/forgot-password", web::post().to(pages::password::forgot))
                .route(
                    "/reset-password",
                    web::get().to(pages::password::reset_form),
                )
                .route("/reset-password", web::post().to(pages::password::reset))
                .route(
                    "/verify-address",
                    web::get().to(pages::password::verify_form),
                )
                .route("/verify-address", web::post().to(pages::password::verify))
                .route(
                    "/account",
                    web::get().to(pages::account_settings::account_page),
                )
                .route(
                    "/account/policies",
                    web::get().to(pages::policy_acceptance::accept_form),
                )
                .route(
                    "/account/policies",
                    web::post().to(pages::policy_acceptance::accept),
                )
                .route(
                    "/account/password",
                    web::post().to(pages::account_settings::change_password),
                )
                .route(
                    "/account/email",
                    web::post().to(pages::account_settings::change_email),
                )
                .route(
                    "/account/verification",
                    web::post().to(pages::account_settings::resend_verification),
                )
                .route("/signout", web::post().to(pages::account::signout))
                .default_service(web::to(pages::not_found)),
        );
}
