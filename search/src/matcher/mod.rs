//! Matching new products and listings against lead subscriptions with the search endpoint's
//! own rules: subscriptions that decide alike share one rule (`registry`), candidate keys prune
//! (`keys`), the item's own terms and values decide products (`prefilter`, `verify`), and the
//! search query restricted to the item decides the rest (listings, which must also be live).

mod consumer;
mod intern;
mod keys;
mod prefilter;
mod program;
mod registry;
mod verify;

pub use consumer::{
    ItemMatches, LeadMatcher, MATCHER_CONSUMER, Step, match_all_brute_force, match_item,
};
pub use keys::{Rarity, rarity_in};
pub use registry::{Entry, Registry};
pub use verify::ItemKind;
