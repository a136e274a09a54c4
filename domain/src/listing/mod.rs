//! Supply and demand listings (供求信息): sell offers by companies and buy requests by any
//! buyer or supplier account, with their review flow, exact expiry and search documents.
//!
//! Every write goes through `repo::save_listing`, which also writes the `listing.changed`
//! outbox event search follows. The only other writes are the conditional counter UPDATEs of a
//! new quote and of the expiry reminder, which change nothing search holds.

mod attachments;
mod change;
mod error;
mod expiry;
mod input;
mod model;
pub(crate) mod repo;
mod reviewable;
mod search_view;
mod service;
mod sitemap;
mod status;

pub use change::ListingEdit;
pub use error::ListingError;
pub use expiry::{EXPIRY_NOTICE, notify_expiring_listings};
pub use input::{ListingInput, MAX_ATTACHMENTS, MAX_QUANTITY, MAX_VALIDITY, to_micros};
pub(crate) use input::{check_amount, check_currency, check_incoterm, check_valid_until};
pub use model::{Incoterm, Listing, ListingKind, ListingState, ListingStatus};
pub(crate) use reviewable::ListingReview;
pub use search_view::{
    ListingSearchDoc, MAX_PROFILE_PHRASES, SupplierProfile, listing_ids_of_company,
    listing_search_doc, live_public_listings, profile_of, public_listing_ids_after,
    supplier_profile,
};
pub use service::{ListingFilter, create_listing, get_listing, list_listings, update_listing};
pub use sitemap::sitemap_listings;
pub(crate) use status::close_buy_requests_of;
pub use status::{
    ListingDecision, close_listing, moderate_listing, publish_listing, republish_listing,
};
