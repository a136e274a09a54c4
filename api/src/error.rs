//! The one JSON error shape and the one table from error kind to HTTP status.
//!
//! `{"error": {"code": "…", "message": "…", "fields": [{"field", "code", "message"}]}}`.
//! Internal errors are logged with their cause and answered with an opaque message.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::{DomainError, ErrorKind, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The input field, as a path (`price_tiers[0].unit_price`).
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code; the README lists them.
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldErrorBody>,
    /// On server errors (5xx) only: the request's id, as in the `X-Request-Id` header and on
    /// every server log line of the request. Quote it when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Every failure has this body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
}

/// Error kind → HTTP status: the only place this mapping exists.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Validation => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict | ErrorKind::InvalidState => StatusCode::CONFLICT,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: vec![],
            retry_after_secs: None,
        }
    }

    pub fn from_domain<E: DomainError>(err: E) -> ApiError {
        let kind = err.kind();
        if kind == ErrorKind::Internal {
            return ApiError::internal(&err);
        }
        ApiError {
            status: status_for(kind),
            code: err.code(),
            message: err.to_string(),
            fields: err.fields().to_vec(),
            retry_after_secs: None,
        }
    }

    /// The same error with its field names under `prefix` (a nested body's errors).
    pub fn prefix_fields(mut self, prefix: &str) -> ApiError {
        for f in &mut self.fields {
            f.field = format!("{prefix}{}", f.field);
        }
        self
    }

    pub fn validation(fields: Vec<FieldError>) -> ApiError {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                "validation_failed",
                "invalid input",
            )
        }
    }

    pub fn internal(err: &dyn std::error::Error) -> ApiError {
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }

    pub fn unauthenticated(code: &'static str, message: &str) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "you may not do this")
    }

    pub fn unavailable(message: &str) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            message,
        )
    }

    pub fn rate_limited(retry_after_secs: u64) -> ApiError {
        ApiError {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many attempts; try again later",
            )
        }
    }

    /// The `error` object of the body (also used inside bulk results).
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code.to_owned(),
            message: self.message.clone(),
            fields: self
                .fields
                .iter()
                .map(|f| FieldErrorBody {
                    field: f.field.clone(),
                    code: f.code.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            request_id: None,
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.detail(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(self.body())
    }
}

macro_rules! from_domain_errors {
    ($($t:ty),+) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> ApiError { ApiError::from_domain(e) }
        }
    )+};
}

from_domain_errors!(
    domain::account::AccountError,
    domain::company::CompanyError,
    domain::catalog::CatalogError,
    domain::synonyms::SynonymError,
    domain::lead::LeadError,
    domain::screening::ScreeningError,
    domain::report::ReportError,
    domain::listing::ListingError,
    domain::lead_alerts::LeadMailError,
    domain::email::EmailError,
    domain::credit::CreditError,
    domain::penalty::PenaltyError,
    domain::rating::RatingError,
    domain::review::ReviewError,
    domain::enforcement::EnforcementError,
    domain::takedown::TakedownError,
    domain::appeal::AppealError,
    domain::retention::RetentionError,
    domain::policy::PolicyError,
    domain::api_key::ApiKeyError,
    domain::webhook::WebhookError
);

/// Inquiry errors go through the table, except the anti-spam refusals: 429 with the rule's own
/// code and `Retry-After`.
impl From<domain::inquiry::InquiryError> for ApiError {
    fn from(e: domain::inquiry::InquiryError) -> ApiError {
        if let domain::inquiry::InquiryError::Throttled {
            rule,
            retry_after_secs,
            message,
        } = &e
        {
            return ApiError {
                retry_after_secs: Some((*retry_after_secs).max(1)),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, rule.code(), message.clone())
            };
        }
        ApiError::from_domain(e)
    }
}

/// Quotes go through the table too, except the monthly quota: 429 with `Retry-After` (the
/// seconds until the next calendar month, UTC), as for every other limit.
impl From<domain::quote::QuoteError> for ApiError {
    fn from(e: domain::quote::QuoteError) -> ApiError {
        match e {
            domain::quote::QuoteError::QuotaExceeded { retry_after_secs } => ApiError {
                retry_after_secs: Some(retry_after_secs.max(1)),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, e.code(), e.to_string())
            },
            other => ApiError::from_domain(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        ApiError::internal(&e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
