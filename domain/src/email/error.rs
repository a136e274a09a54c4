use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("e-mail job not found")]
    JobNotFound,
    #[error("the address is not suppressed")]
    SuppressionNotFound,
    #[error("the link is invalid")]
    InvalidLink,
    #[error("you may not do this")]
    Forbidden,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for EmailError {
    fn kind(&self) -> ErrorKind {
        match self {
            EmailError::Validation(_) => ErrorKind::Validation,
            EmailError::JobNotFound | EmailError::SuppressionNotFound | EmailError::InvalidLink => {
                ErrorKind::NotFound
            }
            EmailError::Forbidden => ErrorKind::Forbidden,
            EmailError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            EmailError::Validation(_) => "validation_failed",
            EmailError::JobNotFound => "email_job_not_found",
            EmailError::SuppressionNotFound => "suppression_not_found",
            EmailError::InvalidLink => "invalid_link",
            EmailError::Forbidden => "forbidden",
            EmailError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            EmailError::Validation(f) => f,
            _ => &[],
        }
    }
}
