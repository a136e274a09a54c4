use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("only operators publish the platform's rules")]
    Forbidden,
    #[error("no such document or version")]
    NotFound,
    #[error("a newer version was published since; read it and accept that one")]
    Outdated,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for PolicyError {
    fn kind(&self) -> ErrorKind {
        match self {
            PolicyError::Validation(_) => ErrorKind::Validation,
            PolicyError::Forbidden => ErrorKind::Forbidden,
            PolicyError::NotFound => ErrorKind::NotFound,
            PolicyError::Outdated => ErrorKind::Conflict,
            PolicyError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            PolicyError::Validation(_) => "validation_failed",
            PolicyError::Forbidden => "forbidden",
            PolicyError::NotFound => "policy_not_found",
            PolicyError::Outdated => "policy_outdated",
            PolicyError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            PolicyError::Validation(f) => f,
            _ => &[],
        }
    }
}
