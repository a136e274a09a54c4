//! The one review queue and change requests.
//!
//! Everything that waits for an operator — companies waiting for verification, products, sell
//! offers and buy requests under review, change requests to published items, open reports —
//! is a row of `review_items`, opened in the transaction that puts it up for review and closed
//! in the one that decides it (`hooks`). Operators list it with filters (`queue`), claim items
//! for a while (`claim`) and approve, reject or request changes, one by one or in bulk
//! (`decide`), through each item's own service: the area implements `Reviewable` (`subject`)
//! and `wiring` (`domain::wire`) registers it, so the queue knows none of the areas it reviews. Edits to
//! live items are change requests (`change`): the live version stays public until the change
//! is approved, unless the rules approve it at once.

mod change;
mod claim;
mod decide;
mod error;
pub(crate) mod hooks;
mod model;
mod queue;
mod reasons;
mod subject;

pub use change::{
    ChangeRequest, ChangeRequestFilter, ChangeStatus, FieldChange, get_change_request,
    list_change_requests,
};
pub(crate) use change::{Fields, Proposal, open_change, submit as submit_change};
pub use claim::{claim, release};
pub use decide::{BulkOutcome, DecisionInput, MAX_BULK, decide, decide_bulk};
pub use error::ReviewError;
pub use model::{
    ClaimFilter, Decision, ItemStatus, Outcome, ReviewItem, ReviewKind, Risk, risk_of,
};
pub use queue::{QueueFilter, ReviewItemDetail, get_item, list_queue};
pub use reasons::ReasonCode;
pub use subject::{Reviewable, SubjectError, register, subject_error};
