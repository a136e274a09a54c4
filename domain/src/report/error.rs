use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("report not found")]
    NotFound,
    #[error("you already have an open report about this")]
    Duplicate,
    #[error("the report is already resolved")]
    AlreadyResolved,
    #[error("you may not do this")]
    Forbidden,
    /// Penalty points carried by the resolution were refused.
    #[error("{0}")]
    Penalty(Box<crate::penalty::PenaltyError>),
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for ReportError {
    fn kind(&self) -> ErrorKind {
        match self {
            ReportError::Validation(_) => ErrorKind::Validation,
            ReportError::NotFound => ErrorKind::NotFound,
            ReportError::Duplicate => ErrorKind::Conflict,
            ReportError::AlreadyResolved => ErrorKind::InvalidState,
            ReportError::Forbidden => ErrorKind::Forbidden,
            ReportError::Penalty(e) => e.kind(),
            ReportError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ReportError::Validation(_) => "validation_failed",
            ReportError::NotFound => "report_not_found",
            ReportError::Duplicate => "duplicate_report",
            ReportError::AlreadyResolved => "invalid_state",
            ReportError::Forbidden => "forbidden",
            ReportError::Penalty(e) => e.code(),
            ReportError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            ReportError::Validation(f) => f,
            ReportError::Penalty(e) => e.fields(),
            _ => &[],
        }
    }
}
