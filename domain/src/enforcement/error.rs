use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum EnforcementError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("no such product or listing")]
    ItemNotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("enforcement action not found")]
    ActionNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("an operator already hid this item")]
    AlreadyHidden,
    #[error("no operator hide of this item is in force")]
    NotHidden,
    #[error("the company was terminated; only an upheld appeal reverses that")]
    CompanyTerminated,
    #[error("the company has left the platform")]
    CompanyClosed,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for EnforcementError {
    fn kind(&self) -> ErrorKind {
        use EnforcementError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            ItemNotFound | CompanyNotFound | ActionNotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            AlreadyHidden | NotHidden | CompanyTerminated | CompanyClosed => {
                ErrorKind::InvalidState
            }
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use EnforcementError::*;
        match self {
            Validation(_) => "validation_failed",
            ItemNotFound => "item_not_found",
            CompanyNotFound => "company_not_found",
            ActionNotFound => "enforcement_action_not_found",
            Forbidden => "forbidden",
            AlreadyHidden => "already_hidden",
            NotHidden => "not_hidden",
            CompanyTerminated => "company_terminated",
            CompanyClosed => "company_closed",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            EnforcementError::Validation(f) => f,
            _ => &[],
        }
    }
}
