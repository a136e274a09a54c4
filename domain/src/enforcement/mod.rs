//! Enforcement: operators hide and unhide products and listings, warn, suspend and terminate
//! companies, each with a reason the company sees; the measures are reversed by an operator
//! (unhide, reinstate) or by an upheld appeal.
//!
//! Hiding is kept apart from an item's own status: `item_holds` has one row per cause (an
//! operator's hide, an accepted takedown notice), the public rules of products and listings
//! exclude held items, and lifting one cause leaves the others in force.

mod company;
mod error;
mod holds;
mod items;
mod model;
mod notify;
mod owner;
mod view;

pub(crate) use company::{end_suspensions, record_suspension, reverse_by_appeal};
pub use company::{terminate_company, warn_company};
pub use error::EnforcementError;
pub use holds::is_held;
pub(crate) use holds::{HeldIds, add_hold, held_ids, release_hold};
pub(crate) use items::hide_in_tx;
pub use items::{Unhidden, hide_item, unhide_item};
pub use model::{ActionKind, ActionSource, ActionSubject, EnforcementAction, Reversal};
pub(crate) use notify::tell_owner;
pub(crate) use owner::{ItemOwner, item_owner, side_of};
pub use view::{ActionFilter, get_action, list_actions, list_company_actions};
