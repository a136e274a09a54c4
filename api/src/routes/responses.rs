//! Error responses that mean the same on every route that declares them, written once as
//! OpenAPI response components (`#/components/responses/…`) so the document states each
//! meaning in one place. Errors whose meaning depends on the route (which resource is missing,
//! which role is lacking, which state conflicts) are described in that route's `responses(...)`.
//! Every one of them carries the one error body, `ErrorBody`.

use utoipa::ToResponse;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

/// The response for an error `status` with `ErrorBody` as its JSON body.
fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// 401 from the `AuthUser` and `OperatorUser` extractors.
pub struct Unauthorized;

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "Unauthorized",
            error_response(
                "Not signed in: no bearer token (`unauthenticated`), or one that is invalid, \
                 expired or revoked (`invalid_token`)",
            ),
        )
    }
}

/// 403 from the `OperatorUser` extractor.
pub struct OperatorOnly;

impl<'r> ToResponse<'r> for OperatorOnly {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "OperatorOnly",
            error_response("`forbidden`: the signed-in account is not an operator"),
        )
    }
}

/// 400 from the strict JSON body and query extractors and from the domain's validation.
pub struct BadRequest;

impl<'r> ToResponse<'r> for BadRequest {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "BadRequest",
            error_response(
                "The input is invalid: `validation_failed` (each failing field with its own \
                 code in `fields`), `content_blocked` (screening refused a text, named in \
                 `fields`), or a body or query string that does not parse \
                 (`invalid_json`, `invalid_body`, `invalid_query`); docs/errors.md lists every code",
            ),
        )
    }
}

/// 415 from the JSON body extractors (`crate::body`): a body sent as anything but
/// `application/json`.
pub struct UnsupportedMediaType;

impl<'r> ToResponse<'r> for UnsupportedMediaType {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "UnsupportedMediaType",
            error_response("`unsupported_media_type`: the body was not sent as `application/json`"),
        )
    }
}

/// 413 from the JSON body extractors: a body larger than the server accepts.
pub struct PayloadTooLarge;

impl<'r> ToResponse<'r> for PayloadTooLarge {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "PayloadTooLarge",
            error_response("`payload_too_large`: the body is larger than the server accepts"),
        )
    }
}
