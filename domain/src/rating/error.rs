use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum RatingError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("the text contains content not allowed on the platform")]
    Blocked(Vec<FieldError>),
    #[error("rating not found")]
    NotFound,
    #[error("inquiry not found")]
    InquiryNotFound,
    #[error("quote not found")]
    QuoteNotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("you have already rated this {0}")]
    AlreadyRated(&'static str),
    #[error("this cannot be rated: {0}")]
    NotRateable(&'static str),
    #[error("the company has already replied to this rating")]
    AlreadyReplied,
    #[error("cannot {action} a rating that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for RatingError {
    fn kind(&self) -> ErrorKind {
        use RatingError::*;
        match self {
            Validation(_) | Blocked(_) => ErrorKind::Validation,
            NotFound | InquiryNotFound | QuoteNotFound | CompanyNotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            AlreadyRated(_) | AlreadyReplied => ErrorKind::Conflict,
            NotRateable(_) | InvalidTransition { .. } => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use RatingError::*;
        match self {
            Validation(_) => "validation_failed",
            Blocked(_) => "content_blocked",
            NotFound => "rating_not_found",
            InquiryNotFound => "inquiry_not_found",
            QuoteNotFound => "quote_not_found",
            CompanyNotFound => "company_not_found",
            Forbidden => "forbidden",
            AlreadyRated(_) => "already_rated",
            NotRateable(_) => "not_rateable",
            AlreadyReplied => "already_replied",
            InvalidTransition { .. } => "invalid_state",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            RatingError::Validation(f) | RatingError::Blocked(f) => f,
            _ => &[],
        }
    }
}
