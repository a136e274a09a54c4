use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Not a member of the company (nor an operator): the company's keys are not theirs to see.
    #[error("company not found")]
    CompanyNotFound,
    #[error("only the company's owners and admins manage its API keys")]
    Forbidden,
    #[error("API key not found")]
    NotFound,
    /// Unknown or malformed secret, or a key whose creator no longer belongs to the company.
    #[error("the API key is invalid")]
    Invalid,
    #[error("the API key was revoked")]
    Revoked,
    #[error("the API key has expired")]
    Expired,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for ApiKeyError {
    fn kind(&self) -> ErrorKind {
        use ApiKeyError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            CompanyNotFound | NotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            Invalid | Revoked | Expired => ErrorKind::Unauthenticated,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use ApiKeyError::*;
        match self {
            Validation(_) => "validation_failed",
            CompanyNotFound => "company_not_found",
            Forbidden => "forbidden",
            NotFound => "api_key_not_found",
            Invalid => "invalid_api_key",
            Revoked => "api_key_revoked",
            Expired => "api_key_expired",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            ApiKeyError::Validation(f) => f,
            _ => &[],
        }
    }
}
