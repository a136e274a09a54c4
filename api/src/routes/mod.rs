//! HTTP handlers: extract, authorize, call the domain on the blocking pool, map the result.

pub mod account;
pub mod account_links;
pub mod api_keys;
pub mod appeals;
pub mod audit;
pub mod auth;
pub mod blocked_buyers;
pub mod catalog_import;
pub mod categories;
pub mod change_requests;
pub mod companies;
pub mod credit;
pub mod email;
pub mod email_links;
pub mod enforcement;
pub mod health;
pub mod inquiries;
pub mod leads;
pub mod listings;
pub mod media;
pub mod members;
pub mod notifications;
pub mod operator;
pub mod pagination;
pub mod penalties;
pub mod policies;
pub mod products;
pub mod quotes;
pub mod ratings;
pub mod reports;
pub mod responses;
pub mod retention;
pub mod review;
pub mod review_media;
pub mod rules;
pub mod search;
pub mod storefronts;
pub mod subscriptions;
pub mod synonyms;
pub mod takedowns;
pub mod webhooks;

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
        .service(account::update_me)
        .service(account::change_password)
        .service(account::change_email)
        .service(account::resend_verification)
        .service(account::request_reset)
        .service(account::confirm_reset)
        .service(account_links::verify_page)
        .service(account_links::verify)
        .service(account_links::reset_page)
        .service(account_links::reset)
        .service(categories::list_categories)
        .service(policies::list_policies)
        .service(policies::get_policy)
        .service(policies::list_versions)
        .service(policies::get_version)
        .service(policies::publish_policy)
        .service(policies::my_acceptances)
        .service(policies::accept_policy)
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
        .service(leads::list_leads)
        .service(leads::export_leads)
        .service(leads::get_lead)
        .service(leads::update_lead)
        .service(leads::add_lead_note)
        .service(subscriptions::create_subscription)
        .service(subscriptions::list_subscriptions)
        .service(subscriptions::get_subscription)
        .service(subscriptions::update_subscription)
        .service(subscriptions::delete_subscription)
        .service(subscriptions::get_preferences)
        .service(subscriptions::update_preferences)
        .service(subscriptions::consent_record)
        .service(subscriptions::request_consent)
        .service(subscriptions::withdraw_consent)
        .service(subscriptions::lead_reach)
        .service(email_links::confirm_page)
        .service(email_links::confirm)
        .service(email_links::unsubscribe_page)
        .service(email_links::unsubscribe)
        .service(email_links::preferences_page)
        .service(notifications::list_notifications)
        .service(notifications::mark_all_read)
        .service(notifications::mark_read)
        .service(rules::list_rules)
        .service(rules::create_rule)
        .service(rules::test_rules)
        .service(rules::update_rule)
        .service(audit::list_audit)
        .service(audit::verify_audit)
        .service(reports::file_report)
        .service(reports::my_reports)
        .service(reports::list_reports)
        .service(reports::resolve_report)
        .service(reports::transparency)
        // `/inquiries/unread` before `/inquiries/{id}`, which would take "unread" as an id.
        .service(inquiries::create_inquiry)
        .service(inquiries::list_inquiries)
        .service(inquiries::unread_inquiries)
        .service(inquiries::get_inquiry)
        .service(inquiries::post_message)
        .service(inquiries::read_inquiry)
        .service(inquiries::assign_inquiry)
        .service(inquiries::close_inquiry)
        .service(inquiries::mark_spam)
        .service(blocked_buyers::block_buyer)
        .service(blocked_buyers::list_blocked_buyers)
        .service(blocked_buyers::unblock_buyer)
        .service(api_keys::create_api_key)
        .service(api_keys::list_api_keys)
        .service(api_keys::revoke_api_key)
        .service(catalog_import::template_csv)
        .service(catalog_import::template_xlsx)
        .service(catalog_import::start_import)
        .service(catalog_import::get_import)
        .service(catalog_import::import_errors)
        .service(catalog_import::export_csv)
        .service(catalog_import::export_xlsx)
        .service(webhooks::create_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::delete_webhook)
        .service(webhooks::rotate_webhook_secret)
        .service(webhooks::enable_webhook)
        .service(webhooks::list_webhook_deliveries)
        .service(webhooks::replay_webhook_delivery)
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
        .service(quotes::accept_quote)
        .service(email::post_report)
        .service(email::open_pixel)
        .service(email::click_redirect)
        .service(email::email_stats)
        .service(email::list_email_jobs)
        .service(email::get_email_job)
        .service(email::list_suppressions)
        .service(email::get_suppression)
        .service(email::remove_suppression)
        .service(credit::get_credit)
        .service(penalties::record_penalty)
        .service(penalties::list_penalties)
        .service(ratings::rate_inquiry)
        .service(ratings::rate_quote)
        .service(ratings::list_company_ratings)
        .service(ratings::reply_to_rating)
        .service(ratings::list_ratings_for_review)
        .service(ratings::approve_rating)
        .service(ratings::reject_rating)
        // The review queue: `/bulk` before `/{id}`, which would take "bulk" as an id.
        .service(review::list_queue)
        .service(review::bulk)
        .service(review::get_item)
        .service(review::claim)
        .service(review::release)
        .service(review::approve)
        .service(review::reject)
        .service(review::request_changes)
        .service(change_requests::list_change_requests)
        .service(change_requests::get_change_request);
    configure_takedown(cfg);
}

/// IP notice and takedown, enforcement, appeals, retention and data rights.
fn configure_takedown(cfg: &mut ServiceConfig) {
    cfg.service(takedowns::file_notice)
        .service(takedowns::my_notices)
        .service(takedowns::get_case)
        .service(takedowns::counter_notice)
        .service(appeals::appeal_takedown)
        .service(takedowns::list_notices)
        .service(takedowns::accept_notice)
        .service(takedowns::reject_notice)
        .service(takedowns::restore_item)
        .service(takedowns::keep_down)
        .service(enforcement::hide_product)
        .service(enforcement::unhide_product)
        .service(enforcement::hide_listing)
        .service(enforcement::unhide_listing)
        .service(enforcement::warn_company)
        .service(enforcement::terminate_company)
        .service(enforcement::list_actions)
        .service(enforcement::company_actions)
        .service(enforcement::get_action)
        .service(appeals::appeal_enforcement)
        .service(appeals::get_appeal)
        .service(appeals::list_appeals)
        .service(appeals::decide_appeal)
        .service(retention::leave_company)
        .service(retention::export_me)
        .service(retention::erase_me);
    configure_media(cfg);
}

/// Uploads and the serving of media.
fn configure_media(cfg: &mut ServiceConfig) {
    cfg.service(media::upload_media)
        .service(media::get_media)
        .service(media::get_variant);
}
