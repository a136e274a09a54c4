//! Matching new products and listings against lead subscriptions with the search endpoint's
//! own queries: candidate keys prune (`keys`, `registry`), a cheap text check prunes again
//! (`prefilter`), the search query decides (`verify`).

mod consumer;
mod keys;
mod prefilter;
mod registry;
mod verify;

pub use consumer::{
    ItemMatches, LeadMatcher, MATCHER_CONSUMER, Step, match_all_brute_force, match_item,
};
pub use keys::{Rarity, rarity_in};
pub use registry::{Entry, Registry};
pub use verify::ItemKind;
