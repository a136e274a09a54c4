//! The public web pages at the HTML level: canonical, hreflang, JSON-LD, the sitemap, 404/410,
//! a hidden product gone from page, search and sitemap, security headers.

mod form_client;
mod listings;
mod pages;
mod password;
mod policies;
mod session;
