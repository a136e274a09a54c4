//! Tradefair's business rules and persistence.
//!
//! Plain types and services. A service is a function taking a connection; it opens its own
//! transaction and writes outbox rows in it. Nothing here knows of HTTP, the search index,
//! Redis or SMTP (CI checks this with `cargo tree`).

pub mod access;
pub mod account;
pub mod api_key;
pub mod appeal;
pub mod audit;
pub mod catalog;
pub mod catalog_import;
pub mod clock;
pub mod company;
pub mod credit;
pub mod db;
pub mod demo;
pub mod email;
pub mod enforcement;
pub mod enums;
pub mod error;
pub mod ids;
pub mod inquiry;
mod json_col;
pub mod lead;
pub mod lead_alerts;
pub mod listing;
pub mod media;
pub mod media_access;
pub mod membership;
pub mod moderation;
pub mod notification;
pub mod outbox;
pub mod paging;
pub mod penalty;
pub mod policy;
pub mod quote;
pub mod rating;
pub mod report;
pub mod retention;
pub mod review;
pub mod screening;
pub mod seams;
pub mod spreadsheet;
pub mod storefront;
pub mod synonyms;
pub mod takedown;
pub mod text;
pub mod validate;
pub mod webhook;
mod wiring;

pub use access::Actor;
pub use error::{DomainError, ErrorKind, FieldError};
pub use wiring::wire;

/// Whether this build has the test-only features (a clock tests can move, cheap password
/// hashes). The end-to-end tests crate enables them, and cargo unifies features per build, so a
/// binary built together with it has them too: `serve` warns, since such a build must never run
/// a real marketplace.
pub const TEST_BUILD: bool = cfg!(any(feature = "test-clock", feature = "test-fast-hash"));
