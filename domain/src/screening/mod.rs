//! Screening: operator-managed words, phrases and patterns applied to what users write
//! (products, listings, company profiles, inquiry messages) on create and edit, resistant to the
//! usual evasions (see `normalize`). The outcome and the matched rules are kept with the item.

mod engine;
mod error;
mod model;
mod normalize;
mod rules;
mod verdict;

pub use engine::{Engine, Hit};
pub use error::ScreeningError;
pub use model::{Rule, RuleAction, RuleCategory, RuleKind};
pub use normalize::{fold, skeleton_of};
pub use rules::{MAX_EXCEPTIONS, RuleInput, create_rule, list_rules, update_rule};
pub use verdict::{Verdict, current_rules, record, record_new, screen, stored, try_text};
