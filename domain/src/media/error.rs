use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Also for media the actor may not read: their existence is not theirs to know.
    #[error("media not found")]
    NotFound,
    /// Over the account's daily upload quota; a new UTC day starts in `retry_after_secs`.
    #[error("you have used your uploads for today ({what})")]
    QuotaExceeded {
        what: &'static str,
        retry_after_secs: u64,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for MediaError {
    fn kind(&self) -> ErrorKind {
        match self {
            MediaError::Validation(_) => ErrorKind::Validation,
            MediaError::NotFound => ErrorKind::NotFound,
            // The HTTP layer answers `QuotaExceeded` with 429 and `Retry-After`.
            MediaError::QuotaExceeded { .. } => ErrorKind::Conflict,
            MediaError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            MediaError::Validation(_) => "validation_failed",
            MediaError::NotFound => "media_not_found",
            MediaError::QuotaExceeded { .. } => "upload_quota_exceeded",
            MediaError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            MediaError::Validation(f) => f,
            _ => &[],
        }
    }
}
