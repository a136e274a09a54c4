use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("the text contains content not allowed on the platform")]
    Blocked(Vec<FieldError>),
    #[error("product not found")]
    NotFound,
    #[error("company not found")]
    CompanyNotFound,
    #[error("you may not change this product")]
    Forbidden,
    #[error("the company is suspended")]
    CompanySuspended,
    /// The company's active penalty points reached the restrict threshold.
    #[error("the company is restricted by penalty points: it may not publish or quote")]
    CompanyRestricted,
    #[error("cannot {action} a product that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for CatalogError {
    fn kind(&self) -> ErrorKind {
        match self {
            CatalogError::Validation(_) | CatalogError::Blocked(_) => ErrorKind::Validation,
            CatalogError::NotFound | CatalogError::CompanyNotFound => ErrorKind::NotFound,
            CatalogError::Forbidden | CatalogError::CompanyRestricted => ErrorKind::Forbidden,
            CatalogError::CompanySuspended | CatalogError::InvalidTransition { .. } => {
                ErrorKind::InvalidState
            }
            CatalogError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CatalogError::Validation(_) => "validation_failed",
            CatalogError::Blocked(_) => "content_blocked",
            CatalogError::NotFound => "product_not_found",
            CatalogError::CompanyNotFound => "company_not_found",
            CatalogError::Forbidden => "forbidden",
            CatalogError::CompanySuspended => "company_suspended",
            CatalogError::CompanyRestricted => "company_restricted",
            CatalogError::InvalidTransition { .. } => "invalid_state",
            CatalogError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            CatalogError::Validation(f) | CatalogError::Blocked(f) => f,
            _ => &[],
        }
    }
}
