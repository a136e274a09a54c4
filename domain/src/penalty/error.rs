use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum PenaltyError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("this report already carries penalty points")]
    ReportAlreadyPenalized,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl From<crate::company::CompanyError> for PenaltyError {
    fn from(e: crate::company::CompanyError) -> PenaltyError {
        use crate::company::CompanyError;
        match e {
            CompanyError::Database(e) => PenaltyError::Database(e),
            CompanyError::NotFound => PenaltyError::CompanyNotFound,
            CompanyError::Validation(f) => PenaltyError::Validation(f),
            _ => PenaltyError::Forbidden,
        }
    }
}

impl DomainError for PenaltyError {
    fn kind(&self) -> ErrorKind {
        match self {
            PenaltyError::Validation(_) => ErrorKind::Validation,
            PenaltyError::CompanyNotFound => ErrorKind::NotFound,
            PenaltyError::Forbidden => ErrorKind::Forbidden,
            PenaltyError::ReportAlreadyPenalized => ErrorKind::Conflict,
            PenaltyError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            PenaltyError::Validation(_) => "validation_failed",
            PenaltyError::CompanyNotFound => "company_not_found",
            PenaltyError::Forbidden => "forbidden",
            PenaltyError::ReportAlreadyPenalized => "report_already_penalized",
            PenaltyError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            PenaltyError::Validation(f) => f,
            _ => &[],
        }
    }
}
