//! The OpenAPI document: paths come from the `#[utoipa::path]` of each registered handler, so
//! a route cannot exist undocumented. `openapi/openapi.json` is this document, committed; a
//! test fails when they differ (`UPDATE_OPENAPI=1` rewrites the file).

use actix_web::App;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{ErrorBody, ErrorDetail, FieldErrorBody};
use crate::routes::responses::{
    BadRequest, OperatorOnly, PayloadTooLarge, Unauthorized, UnsupportedMediaType,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tradefair API",
        description = "B2B marketplace backend: accounts, companies and storefronts, product catalog. \
                       Errors always have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`; \
                       docs/errors.md lists the codes.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(
        schemas(ErrorBody, ErrorDetail, FieldErrorBody),
        responses(BadRequest, Unauthorized, OperatorOnly, UnsupportedMediaType, PayloadTooLarge)
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "health"), (name = "auth"), (name = "companies"), (name = "catalog"),
        (name = "products"), (name = "storefronts"), (name = "search"),
        (name = "listings", description = "Sell offers and buy requests"),
        (name = "quotes", description = "Quotes on buy requests"),
        (name = "inquiries", description = "Inquiry threads between buyers and companies, blocked buyers"),
        (name = "leads", description = "The supplier's lead inbox (CRM)"),
        (name = "notifications"), (name = "reports", description = "Reports and transparency"),
        (name = "lead e-mail", description = "Lead subscriptions, e-mail consent and preferences, the links in lead e-mails"),
        (name = "email", description = "E-mail delivery: bounce reports, open and click tracking"),
        (name = "credit", description = "Credit profile, ratings and penalty points"),
        (name = "change requests", description = "Edits of published products and open listings, as their owners see them"),
        (name = "takedowns", description = "IP notice and takedown, counter-notices"),
        (name = "enforcement", description = "Measures against items and companies, appeals"),
        (name = "privacy", description = "Leaving the platform, data export and erasure"),
        (name = "media", description = "Uploads (images, licence scans, attachments) and their variants"),
        (name = "policies", description = "Terms of service, privacy notice and the platform's rules, in published versions"),
        (name = "api keys", description = "A company's API keys: `Authorization: Bearer tfk_…`, acting as the company within the key's scopes; a route's `api_key` security requirement names the scope it needs, routes without one refuse keys"),
        (name = "catalog-import", description = "Catalog import and export: the template, uploads of CSV or .xlsx files processed in the background, their progress and error files, the catalog as a spreadsheet"),
        (name = "webhooks", description = "A company's signed webhooks (Standard Webhooks): endpoints, secrets, the delivery log and replay"),
        (name = "operator", description = "Operators only")
    )
)]
struct ApiDoc;

mod body_errors;
mod choices;
mod security;
mod text_patterns;

use body_errors::JsonBodyErrors;
use choices::Choices;
use security::{ApiKeyScopes, BearerAuth};
use text_patterns::TextPatterns;

/// The whole document, built from the same route registration the server uses.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    let mut spec = spec;
    // After the routes: it annotates their operations.
    ApiKeyScopes.modify(&mut spec);
    JsonBodyErrors.modify(&mut spec);
    TextPatterns.modify(&mut spec);
    Choices.modify(&mut spec);
    spec
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
