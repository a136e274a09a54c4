use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum LeadError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("lead not found")]
    NotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not do this with this lead")]
    Forbidden,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
    #[error("could not write the export")]
    Export(#[from] csv::Error),
}

impl DomainError for LeadError {
    fn kind(&self) -> ErrorKind {
        match self {
            LeadError::Validation(_) => ErrorKind::Validation,
            LeadError::NotFound | LeadError::CompanyNotFound => ErrorKind::NotFound,
            LeadError::Forbidden => ErrorKind::Forbidden,
            LeadError::Database(_) | LeadError::Export(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            LeadError::Validation(_) => "validation_failed",
            LeadError::NotFound => "lead_not_found",
            LeadError::CompanyNotFound => "company_not_found",
            LeadError::Forbidden => "forbidden",
            LeadError::Database(_) | LeadError::Export(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            LeadError::Validation(f) => f,
            _ => &[],
        }
    }
}
