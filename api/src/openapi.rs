//! The OpenAPI document: paths come from the `#[utoipa::path]` of each registered handler, so
//! a route cannot exist undocumented. `openapi/openapi.json` is this document, committed; a
//! test fails when they differ (`UPDATE_OPENAPI=1` rewrites the file).

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
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

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/login`"))
                    .build(),
            ),
        );
        // The mail server is no account: it authenticates with a shared secret, sent the
        // same way as an access token, so the one route that takes it names both schemes.
        components.add_security_scheme(
            "bounce_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The shared secret `TRADEFAIR_BOUNCE_TOKEN`"))
                    .build(),
            ),
        );
    }
}

/// The `api_key` scheme, and on every route that accepts keys the scope it needs (from
/// `auth::api_key::ROUTE_SCOPES`, the table the server enforces).
struct ApiKeyScopes;

impl Modify for ApiKeyScopes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tfk_…")
                    .description(Some(
                        "A company's API key (`POST /api/v1/companies/{id}/api-keys`); the scope \
                         is the one the route needs",
                    ))
                    .build(),
            ),
        );
        for (method, path, scope) in crate::auth::api_key::ROUTE_SCOPES {
            let Some(item) = openapi.paths.paths.get_mut(*path) else {
                continue;
            };
            let operation = match *method {
                "GET" => item.get.as_mut(),
                "POST" => item.post.as_mut(),
                "PATCH" => item.patch.as_mut(),
                "PUT" => item.put.as_mut(),
                "DELETE" => item.delete.as_mut(),
                _ => None,
            };
            if let Some(op) = operation {
                op.security
                    .get_or_insert_with(Vec::new)
                    .push(SecurityRequirement::new("api_key", [scope.as_str()]));
            }
        }
    }
}

/// On every operation with a JSON request body, the errors its extractor (`crate::body`) answers
/// before the handler runs, where the route does not describe them itself: 400 (a body that does
/// not parse, an unknown field), 413 and 415. Generated clients and schemathesis take an
/// undocumented status for a broken contract.
struct JsonBodyErrors;

impl Modify for JsonBodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                let takes_json = matches!(
                    &op.request_body,
                    Some(RefOr::T(body)) if body.content.contains_key("application/json")
                );
                if !takes_json {
                    continue;
                }
                for (status, component) in [
                    ("400", "BadRequest"),
                    ("413", "PayloadTooLarge"),
                    ("415", "UnsupportedMediaType"),
                ] {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::Ref(Ref::new(format!("#/components/responses/{component}")))
                        });
                }
            }
        }
    }
}

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
    spec
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
