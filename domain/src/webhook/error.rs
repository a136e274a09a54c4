use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Not a member of the company (nor an operator): its endpoints are not theirs to see.
    #[error("company not found")]
    CompanyNotFound,
    #[error("only the company's owners and admins manage its webhooks")]
    Forbidden,
    #[error("webhook endpoint not found")]
    EndpointNotFound,
    #[error("webhook delivery not found")]
    DeliveryNotFound,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for WebhookError {
    fn kind(&self) -> ErrorKind {
        use WebhookError::*;
        match self {
            Validation(_) => ErrorKind::Validation,
            CompanyNotFound | EndpointNotFound | DeliveryNotFound => ErrorKind::NotFound,
            Forbidden => ErrorKind::Forbidden,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use WebhookError::*;
        match self {
            Validation(_) => "validation_failed",
            CompanyNotFound => "company_not_found",
            Forbidden => "forbidden",
            EndpointNotFound => "webhook_endpoint_not_found",
            DeliveryNotFound => "webhook_delivery_not_found",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            WebhookError::Validation(f) => f,
            _ => &[],
        }
    }
}
