use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum TakedownError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("takedown case not found")]
    NotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("you already have an open notice about this item")]
    Duplicate,
    #[error("cannot {action} a takedown that is {status}")]
    InvalidState {
        action: &'static str,
        status: &'static str,
    },
    #[error("the counter-notice window ended at {deadline}")]
    CounterWindowClosed { deadline: String },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for TakedownError {
    fn kind(&self) -> ErrorKind {
        use TakedownError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            NotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            Duplicate => ErrorKind::Conflict,
            InvalidState { .. } | CounterWindowClosed { .. } => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use TakedownError::*;
        match self {
            Validation(_) => "validation_failed",
            NotFound => "takedown_not_found",
            Forbidden => "forbidden",
            Duplicate => "duplicate_notice",
            InvalidState { .. } => "invalid_state",
            CounterWindowClosed { .. } => "counter_notice_window_closed",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            TakedownError::Validation(f) => f,
            _ => &[],
        }
    }
}
