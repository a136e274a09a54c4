use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum LeadMailError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("subscription not found")]
    NotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("you have reached the maximum number of subscriptions")]
    TooMany,
    #[error("the link is not valid")]
    LinkInvalid,
    #[error("the link has expired; ask for a new one")]
    LinkExpired,
    #[error("this confirmation link was replaced by a newer one or consent was withdrawn since")]
    LinkSuperseded,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl From<crate::email::LinkError> for LeadMailError {
    fn from(e: crate::email::LinkError) -> LeadMailError {
        match e {
            crate::email::LinkError::Expired => LeadMailError::LinkExpired,
            _ => LeadMailError::LinkInvalid,
        }
    }
}

impl DomainError for LeadMailError {
    fn kind(&self) -> ErrorKind {
        match self {
            LeadMailError::Validation(_) | LeadMailError::LinkInvalid => ErrorKind::Validation,
            LeadMailError::NotFound | LeadMailError::CompanyNotFound => ErrorKind::NotFound,
            LeadMailError::Forbidden => ErrorKind::Forbidden,
            LeadMailError::TooMany => ErrorKind::Conflict,
            LeadMailError::LinkExpired | LeadMailError::LinkSuperseded => ErrorKind::InvalidState,
            LeadMailError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            LeadMailError::Validation(_) => "validation_failed",
            LeadMailError::NotFound => "subscription_not_found",
            LeadMailError::CompanyNotFound => "company_not_found",
            LeadMailError::Forbidden => "forbidden",
            LeadMailError::TooMany => "too_many_subscriptions",
            LeadMailError::LinkInvalid => "invalid_link",
            LeadMailError::LinkExpired => "link_expired",
            LeadMailError::LinkSuperseded => "link_superseded",
            LeadMailError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            LeadMailError::Validation(f) => f,
            _ => &[],
        }
    }
}
