use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    #[error("company not found")]
    CompanyNotFound,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl From<crate::company::CompanyError> for CreditError {
    fn from(e: crate::company::CompanyError) -> CreditError {
        match e {
            crate::company::CompanyError::Database(e) => CreditError::Database(e),
            _ => CreditError::CompanyNotFound,
        }
    }
}

impl DomainError for CreditError {
    fn kind(&self) -> ErrorKind {
        match self {
            CreditError::CompanyNotFound => ErrorKind::NotFound,
            CreditError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CreditError::CompanyNotFound => "company_not_found",
            CreditError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        &[]
    }
}
