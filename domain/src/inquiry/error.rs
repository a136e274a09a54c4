use crate::error::{DomainError, ErrorKind, FieldError};

/// Why an anti-spam rule refused a new inquiry (the API answers 429 with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamRule {
    /// An account younger than the configured age reached its daily number of new threads.
    NewAccountDailyCap,
    /// The same message text went to more than the configured number of companies in 24 h.
    DuplicateMessage,
}

impl SpamRule {
    pub fn code(self) -> &'static str {
        match self {
            SpamRule::NewAccountDailyCap => "new_account_daily_cap",
            SpamRule::DuplicateMessage => "duplicate_message",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InquiryError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("the text contains content not allowed on the platform")]
    ContentBlocked(Vec<FieldError>),
    /// Also what anyone who is not a party to the thread gets, whether it exists or not.
    #[error("inquiry not found")]
    NotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("account not found")]
    AccountNotFound,
    #[error("this buyer is not blocked")]
    BlockNotFound,
    #[error("you may not do this")]
    Forbidden,
    /// The company does not accept inquiries or messages from this account; deliberately says
    /// nothing more (not which company, not the reason it gave).
    #[error("you cannot send inquiries or messages to this company")]
    Blocked,
    #[error("the inquiry is closed; start a new inquiry")]
    Closed,
    #[error("the company is suspended")]
    CompanySuspended,
    #[error("{message}")]
    Throttled {
        rule: SpamRule,
        retry_after_secs: u64,
        message: String,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl InquiryError {
    pub(crate) fn field(field: impl Into<String>, code: &str, message: &str) -> InquiryError {
        InquiryError::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl DomainError for InquiryError {
    /// `Throttled` has no kind of its own: the API turns it into a 429 before this table is
    /// consulted (see `api/src/error.rs`).
    fn kind(&self) -> ErrorKind {
        use InquiryError::*;
        match self {
            Validation(_) | ContentBlocked(_) => ErrorKind::Validation,
            NotFound | CompanyNotFound | AccountNotFound | BlockNotFound => ErrorKind::NotFound,
            Forbidden | Blocked => ErrorKind::Forbidden,
            Closed | CompanySuspended => ErrorKind::InvalidState,
            Throttled { .. } => ErrorKind::Conflict,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use InquiryError::*;
        match self {
            Validation(_) => "validation_failed",
            ContentBlocked(_) => "content_blocked",
            NotFound => "inquiry_not_found",
            CompanyNotFound => "company_not_found",
            AccountNotFound => "account_not_found",
            BlockNotFound => "block_not_found",
            Forbidden => "forbidden",
            Blocked => "blocked",
            Closed => "inquiry_closed",
            CompanySuspended => "company_suspended",
            Throttled { rule, .. } => rule.code(),
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            InquiryError::Validation(f) | InquiryError::ContentBlocked(f) => f,
            _ => &[],
        }
    }
}
