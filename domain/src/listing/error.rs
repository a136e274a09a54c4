use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("the text contains content not allowed on the platform")]
    ContentBlocked(Vec<FieldError>),
    #[error("listing not found")]
    NotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not change this listing")]
    Forbidden,
    /// Operators post nothing; sell offers need a company.
    #[error("only members of a company can post sell offers")]
    NotASupplier,
    #[error("operators cannot post listings")]
    OperatorsCannotPost,
    #[error("the company is suspended")]
    CompanySuspended,
    /// The company's active penalty points reached the restrict threshold.
    #[error("the company is restricted by penalty points: it may not publish or quote")]
    CompanyRestricted,
    #[error("the listing has passed its end date; republish it with a new one")]
    Expired,
    #[error("a buy request cannot be edited once it has received a quote")]
    HasQuotes,
    #[error("cannot {action} a listing that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for ListingError {
    fn kind(&self) -> ErrorKind {
        use ListingError::*;
        match self {
            Validation(_) | ContentBlocked(_) => ErrorKind::Validation,
            NotFound | CompanyNotFound => ErrorKind::NotFound,
            Forbidden | NotASupplier | OperatorsCannotPost | CompanyRestricted => {
                ErrorKind::Forbidden
            }
            CompanySuspended | Expired | HasQuotes | InvalidTransition { .. } => {
                ErrorKind::InvalidState
            }
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use ListingError::*;
        match self {
            Validation(_) => "validation_failed",
            ContentBlocked(_) => "content_blocked",
            NotFound => "listing_not_found",
            CompanyNotFound => "company_not_found",
            Forbidden | OperatorsCannotPost => "forbidden",
            NotASupplier => "not_a_supplier",
            CompanySuspended => "company_suspended",
            CompanyRestricted => "company_restricted",
            Expired => "listing_expired",
            HasQuotes => "listing_has_quotes",
            InvalidTransition { .. } => "invalid_state",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            ListingError::Validation(f) | ListingError::ContentBlocked(f) => f,
            _ => &[],
        }
    }
}
