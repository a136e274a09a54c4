//! HTTP handlers: extract, authorize, call the domain on the blocking pool, map the result.

pub mod auth;
pub mod categories;
pub mod companies;
pub mod health;
pub mod listings;
pub mod members;
pub mod operator;
pub mod pagination;
pub mod products;
pub mod quotes;
pub mod search;
pub mod storefronts;
pub mod synonyms;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route (used by the server and by the OpenAPI generator).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(auth::jwks)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(categories::list_categories)
        .service(companies::create_company)
        .service(companies::get_company)
        .service(companies::update_company)
        .service(members::list_members)
        .service(members::add_member)
        .service(members::remove_member)
        .service(products::create_product)
        .service(products::list_company_products)
        .service(products::get_product)
        .service(products::update_product)
        .service(products::delete_product)
        .service(products::publish_product)
        .service(products::unpublish_product)
        .service(storefronts::get_storefront)
        .service(search::search_products)
        .service(search::search_suppliers)
        .service(search::suggest)
        .service(operator::verify_company)
        .service(operator::reject_company)
        .service(operator::suspend_company)
        .service(operator::reinstate_company)
        .service(operator::approve_product)
        .service(operator::reject_product)
        .service(synonyms::get_synonyms)
        .service(synonyms::put_synonyms)
        .service(listings::create_listing)
        .service(listings::list_listings)
        .service(listings::get_listing)
        .service(listings::update_listing)
        .service(listings::publish_listing)
        .service(listings::close_listing)
        .service(listings::republish_listing)
        .service(listings::approve_listing)
        .service(listings::reject_listing)
        .service(listings::buy_leads)
        .service(search::search_listings)
        .service(quotes::create_quote)
        .service(quotes::list_quotes)
        .service(quotes::get_quote)
        .service(quotes::revise_quote)
        .service(quotes::accept_quote);
}
