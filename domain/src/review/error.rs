use super::subject::SubjectError;
use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("review item not found")]
    NotFound,
    #[error("change request not found")]
    ChangeRequestNotFound,
    #[error("this item has already been decided")]
    Closed,
    /// The live item changed after the change was proposed (`fields` names what changed):
    /// approving would overwrite that change with a proposal built on an older version.
    #[error(
        "the live version changed after this change was proposed; the change request is superseded"
    )]
    ChangeRequestStale(Vec<FieldError>),
    #[error("another operator is working on this item")]
    ClaimedByOther,
    #[error("{decision} does not apply to a {kind}")]
    NotApplicable {
        decision: &'static str,
        kind: &'static str,
    },
    #[error("you may not do this")]
    Forbidden,
    /// The item's own service refused the decision (its own code and status).
    #[error("{0}")]
    Subject(SubjectError),
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for ReviewError {
    fn kind(&self) -> ErrorKind {
        use ReviewError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            NotFound | ChangeRequestNotFound => ErrorKind::NotFound,
            Closed | NotApplicable { .. } => ErrorKind::InvalidState,
            ClaimedByOther | ChangeRequestStale(_) => ErrorKind::Conflict,
            Forbidden => ErrorKind::Forbidden,
            Subject(e) => e.kind(),
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use ReviewError::*;
        match self {
            Validation(_) => "validation_failed",
            NotFound => "review_item_not_found",
            ChangeRequestNotFound => "change_request_not_found",
            Closed => "review_item_closed",
            ClaimedByOther => "review_item_claimed",
            ChangeRequestStale(_) => "change_request_stale",
            NotApplicable { .. } => "decision_not_applicable",
            Forbidden => "forbidden",
            Subject(e) => e.code(),
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        use ReviewError::*;
        match self {
            Validation(f) | ChangeRequestStale(f) => f,
            Subject(e) => e.fields(),
            _ => &[],
        }
    }
}

impl From<SubjectError> for ReviewError {
    fn from(e: SubjectError) -> ReviewError {
        ReviewError::Subject(e)
    }
}
