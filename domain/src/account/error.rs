use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error("e-mail address or password is wrong")]
    InvalidCredentials,
    #[error("this account is disabled")]
    Disabled,
    #[error("the refresh token is invalid or expired")]
    InvalidRefreshToken,
    #[error("the refresh token was already used; every session of its family is revoked")]
    RefreshTokenReused,
    #[error("account not found")]
    NotFound,
    #[error(
        "verify your e-mail address first (see the link we sent; POST /api/v1/me/verification resends it)"
    )]
    EmailUnverified,
    #[error("the link is not valid")]
    LinkInvalid,
    #[error("the link has expired")]
    LinkExpired,
    #[error("the link was already used or a newer one replaced it")]
    LinkSuperseded,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl From<crate::email::LinkError> for AccountError {
    fn from(e: crate::email::LinkError) -> AccountError {
        match e {
            crate::email::LinkError::Expired => AccountError::LinkExpired,
            _ => AccountError::LinkInvalid,
        }
    }
}

impl DomainError for AccountError {
    fn kind(&self) -> ErrorKind {
        match self {
            AccountError::Validation(_) | AccountError::LinkInvalid => ErrorKind::Validation,
            AccountError::EmailTaken => ErrorKind::Conflict,
            AccountError::InvalidCredentials
            | AccountError::InvalidRefreshToken
            | AccountError::RefreshTokenReused => ErrorKind::Unauthenticated,
            AccountError::Disabled | AccountError::EmailUnverified => ErrorKind::Forbidden,
            AccountError::NotFound => ErrorKind::NotFound,
            AccountError::LinkExpired | AccountError::LinkSuperseded => ErrorKind::InvalidState,
            AccountError::Database(_) | AccountError::Hashing(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AccountError::Validation(_) => "validation_failed",
            AccountError::EmailTaken => "email_taken",
            AccountError::InvalidCredentials => "invalid_credentials",
            AccountError::Disabled => "account_disabled",
            AccountError::InvalidRefreshToken => "invalid_refresh_token",
            AccountError::RefreshTokenReused => "refresh_token_reused",
            AccountError::NotFound => "account_not_found",
            AccountError::EmailUnverified => "email_unverified",
            AccountError::LinkInvalid => "invalid_link",
            AccountError::LinkExpired => "link_expired",
            AccountError::LinkSuperseded => "link_superseded",
            AccountError::Database(_) | AccountError::Hashing(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            AccountError::Validation(f) => f,
            _ => &[],
        }
    }
}
