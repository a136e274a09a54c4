//! What the queue needs from the areas whose items it reviews, without knowing them: each such
//! area implements `Reviewable` beside its own services, and `wiring` (`domain::wire`) registers it. A
//! new reviewable kind is its area's implementation plus one line there.

use std::sync::OnceLock;

use diesel::QueryResult;
use uuid::Uuid;

use super::change::{ChangeRequest, Fields};
use super::model::{Decision, ReviewKind};
use crate::access::Actor;
use crate::db::DbConnection;
use crate::error::DomainError;

/// The area's own error, passed through to the operator unchanged (its code and status).
pub type SubjectError = Box<dyn DomainError>;

/// The area's error as a `SubjectError`.
pub fn subject_error<E: DomainError>(e: E) -> SubjectError {
    Box::new(e)
}

/// An area whose items the queue decides.
pub trait Reviewable: Sync {
    /// The queue kinds whose decisions this area applies.
    fn kinds(&self) -> &'static [ReviewKind];

    /// Applies an operator's decision on one of its items through the area's own service, in
    /// the caller's transaction. `note` is the operator's note to the owner, if any.
    fn apply_decision(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        kind: ReviewKind,
        subject_id: Uuid,
        decision: Decision,
        note: Option<String>,
    ) -> Result<(), SubjectError>;

    /// The `subject_type` of change requests to its live items, if edits of them are reviewed.
    fn change_subject(&self) -> Option<&'static str> {
        None
    }

    /// The live item's fields in a proposal's form (`None` if it is gone): a proposal built on
    /// other values is stale.
    fn live_fields(&self, _conn: &mut DbConnection, _id: Uuid) -> QueryResult<Option<Fields>> {
        Ok(None)
    }

    /// Applies an approved change request to the live item, in the caller's transaction.
    fn apply_change(
        &self,
        _conn: &mut DbConnection,
        _cr: &ChangeRequest,
    ) -> Result<(), SubjectError> {
        Ok(())
    }
}

static REVIEWABLES: OnceLock<&'static [&'static dyn Reviewable]> = OnceLock::new();

/// Registers the reviewable areas (once; later calls keep the first).
pub fn register(areas: &'static [&'static dyn Reviewable]) {
    let _ = REVIEWABLES.set(areas);
}

fn registered() -> &'static [&'static dyn Reviewable] {
    REVIEWABLES
        .get()
        .copied()
        .expect("domain::wire() must be called before the review queue is used")
}

/// The area deciding items of `kind`.
pub(crate) fn for_kind(kind: ReviewKind) -> Option<&'static dyn Reviewable> {
    registered()
        .iter()
        .copied()
        .find(|r| r.kinds().contains(&kind))
}

/// The area whose live items change requests of `subject_type` edit.
pub(crate) fn for_change(subject_type: &str) -> Option<&'static dyn Reviewable> {
    registered()
        .iter()
        .copied()
        .find(|r| r.change_subject() == Some(subject_type))
}
