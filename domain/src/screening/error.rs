use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("rule not found")]
    NotFound,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for ScreeningError {
    fn kind(&self) -> ErrorKind {
        match self {
            ScreeningError::Validation(_) => ErrorKind::Validation,
            ScreeningError::NotFound => ErrorKind::NotFound,
            ScreeningError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ScreeningError::Validation(_) => "validation_failed",
            ScreeningError::NotFound => "rule_not_found",
            ScreeningError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            ScreeningError::Validation(f) => f,
            _ => &[],
        }
    }
}
