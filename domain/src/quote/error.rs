use crate::error::{DomainError, ErrorKind, FieldError};
use crate::listing::ListingError;

#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Screening found a blocked term in the quote's text (`fields` name it).
    #[error("the quote contains content that is not allowed")]
    ContentBlocked(Vec<FieldError>),
    #[error("quote not found")]
    NotFound,
    #[error("listing not found")]
    ListingNotFound,
    #[error("you may not do this with this quote")]
    Forbidden,
    #[error("only members of a company can quote")]
    NotASupplier,
    #[error("you cannot quote on your own or your company's request")]
    OwnRequest,
    #[error("quotes are for buy requests")]
    NotABuyRequest,
    #[error("the company is suspended")]
    CompanySuspended,
    /// The company's active penalty points reached the restrict threshold.
    #[error("the company is restricted by penalty points: it may not publish or quote")]
    CompanyRestricted,
    #[error("the request is closed")]
    ListingClosed,
    #[error("the request has passed its end date")]
    ListingExpired,
    #[error("your company has already quoted on this request; revise that quote")]
    QuoteExists,
    #[error("the request has received all the quotes it takes")]
    LimitReached,
    /// Over the company's monthly quota; a new month starts in `retry_after_secs`.
    #[error("your company has used its quotes for this month")]
    QuotaExceeded { retry_after_secs: u64 },
    #[error("a quote can be revised once")]
    AlreadyRevised,
    #[error("the quote has passed its validity")]
    QuoteExpired,
    #[error("cannot {action} a quote that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl From<ListingError> for QuoteError {
    fn from(e: ListingError) -> QuoteError {
        match e {
            ListingError::NotFound => QuoteError::ListingNotFound,
            ListingError::Validation(f) => QuoteError::Validation(f),
            ListingError::Database(e) => QuoteError::Database(e),
            ListingError::CompanySuspended => QuoteError::CompanySuspended,
            ListingError::CompanyRestricted => QuoteError::CompanyRestricted,
            ListingError::Expired => QuoteError::ListingExpired,
            _ => QuoteError::Forbidden,
        }
    }
}

impl DomainError for QuoteError {
    fn kind(&self) -> ErrorKind {
        use QuoteError::*;
        match self {
            Validation(_) | ContentBlocked(_) => ErrorKind::Validation,
            NotFound | ListingNotFound => ErrorKind::NotFound,
            Forbidden | NotASupplier | OwnRequest | CompanyRestricted => ErrorKind::Forbidden,
            // The HTTP layer answers `QuotaExceeded` with 429 and `Retry-After`.
            QuotaExceeded { .. } | QuoteExists | LimitReached => ErrorKind::Conflict,
            NotABuyRequest
            | CompanySuspended
            | ListingClosed
            | ListingExpired
            | AlreadyRevised
            | QuoteExpired
            | InvalidTransition { .. } => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use QuoteError::*;
        match self {
            Validation(_) => "validation_failed",
            ContentBlocked(_) => "content_blocked",
            NotFound => "quote_not_found",
            ListingNotFound => "listing_not_found",
            Forbidden => "forbidden",
            NotASupplier => "not_a_supplier",
            OwnRequest => "own_request",
            NotABuyRequest => "not_a_buy_request",
            CompanySuspended => "company_suspended",
            CompanyRestricted => "company_restricted",
            ListingClosed => "listing_closed",
            ListingExpired => "listing_expired",
            QuoteExists => "quote_exists",
            LimitReached => "quote_limit_reached",
            QuotaExceeded { .. } => "quote_quota_exceeded",
            AlreadyRevised => "quote_already_revised",
            QuoteExpired => "quote_expired",
            InvalidTransition { .. } => "invalid_state",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            QuoteError::Validation(f) | QuoteError::ContentBlocked(f) => f,
            _ => &[],
        }
    }
}
