//! The security schemes: bearer tokens, and API keys with the scope each route needs.

use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};

pub(super) struct BearerAuth;

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
pub(super) struct ApiKeyScopes;

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
