//! What every area error tells the HTTP layer: a kind (mapped to a status in one table in
//! `api`), a stable machine-readable code, and field errors for validation failures.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Validation,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    InvalidState,
    Internal,
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// Implemented by each area's error enum.
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> ErrorKind;
    /// Stable snake_case code, listed in docs/errors.md.
    fn code(&self) -> &'static str;
    fn fields(&self) -> &[FieldError] {
        &[]
    }
}
