use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("the company has already left the platform")]
    AlreadyClosed,
    #[error("the account belongs to a company; leave it (or close the company) first")]
    MemberOfCompany,
    #[error("account not found")]
    AccountNotFound,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for RetentionError {
    fn kind(&self) -> ErrorKind {
        use RetentionError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            CompanyNotFound | AccountNotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            AlreadyClosed | MemberOfCompany => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use RetentionError::*;
        match self {
            Validation(_) => "validation_failed",
            CompanyNotFound => "company_not_found",
            Forbidden => "forbidden",
            AlreadyClosed => "company_closed",
            MemberOfCompany => "member_of_company",
            AccountNotFound => "account_not_found",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            RetentionError::Validation(f) => f,
            _ => &[],
        }
    }
}
