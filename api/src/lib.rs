//! Tradefair's HTTP API: thin handlers over the domain, auth, limits, OpenAPI.

pub mod app;
pub mod auth;
pub mod background;
pub mod body;
pub mod client_addr;
pub mod config;
pub mod cors;
pub mod error;
pub mod lead_mail;
pub mod limits;
pub mod logging;
pub mod mail;
pub mod media;
pub mod methods;
pub mod observe;
pub mod openapi;
pub mod progress;
pub mod routes;
pub mod search_filters;
pub mod security_headers;
pub mod state;
pub mod strict_json;
pub mod time_fmt;
pub mod web;
pub mod webhook_worker;

// The web pages' interface text: api/locales/{zh,en}.yml, compiled in.
rust_i18n::i18n!("locales", fallback = "en");

pub use app::Application;
pub use config::Config;
