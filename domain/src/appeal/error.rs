use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("appeal not found")]
    NotFound,
    #[error("enforcement action not found")]
    ActionNotFound,
    #[error("takedown case not found")]
    TakedownNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("this was already appealed; an action is appealed once")]
    AlreadyAppealed,
    #[error("cannot appeal: {0}")]
    NotAppealable(&'static str),
    #[error("the appeal is already decided")]
    AlreadyDecided,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for AppealError {
    fn kind(&self) -> ErrorKind {
        use AppealError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            NotFound | ActionNotFound | TakedownNotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            AlreadyAppealed => ErrorKind::Conflict,
            NotAppealable(_) | AlreadyDecided => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use AppealError::*;
        match self {
            Validation(_) => "validation_failed",
            NotFound => "appeal_not_found",
            ActionNotFound => "enforcement_action_not_found",
            TakedownNotFound => "takedown_not_found",
            Forbidden => "forbidden",
            AlreadyAppealed => "already_appealed",
            NotAppealable(_) => "not_appealable",
            AlreadyDecided => "appeal_decided",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            AppealError::Validation(f) => f,
            _ => &[],
        }
    }
}

impl From<crate::enforcement::EnforcementError> for AppealError {
    fn from(e: crate::enforcement::EnforcementError) -> AppealError {
        use crate::enforcement::EnforcementError as E;
        match e {
            E::Database(d) => AppealError::Database(d),
            E::Validation(f) => AppealError::Validation(f),
            E::Forbidden => AppealError::Forbidden,
            _ => AppealError::ActionNotFound,
        }
    }
}

impl From<crate::takedown::TakedownError> for AppealError {
    fn from(e: crate::takedown::TakedownError) -> AppealError {
        use crate::takedown::TakedownError as E;
        match e {
            E::Database(d) => AppealError::Database(d),
            E::Validation(f) => AppealError::Validation(f),
            E::Forbidden => AppealError::Forbidden,
            E::InvalidState { .. } => {
                AppealError::NotAppealable("the takedown is no longer in force")
            }
            _ => AppealError::TakedownNotFound,
        }
    }
}
