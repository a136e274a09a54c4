//! API keys on requests: `Authorization: Bearer tfk_…`.
//!
//! One middleware (`gate`) handles every request that carries a key, before any handler:
//! it authenticates the key (401 `invalid_api_key`, `api_key_revoked`, `api_key_expired`),
//! looks up the scope the route needs in `ROUTE_SCOPES` (403 `api_key_not_allowed` for a route
//! that takes no keys, 403 `scope_missing` when the key lacks the scope), counts the request
//! against the key's own rate limit (429 with `Retry-After`), records the use (at most once a
//! minute per key) and leaves the key's principal in the request's extensions, where the
//! extractors (`AuthUser`, `MaybeUser`) find it. A successful write (any method but GET and
//! HEAD) is then recorded in the audit log as `api_key.write`, attributed to the key.
//!
//! Routes are refused unless listed: a new route takes no keys until it is given a scope here.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, ResponseError, web};
use domain::api_key::{self, KeyPrincipal, LAST_USED_GRANULARITY, SECRET_PREFIX, Scope};

use crate::error::ApiError;
use crate::limits::Quota;
use crate::observe::{note_account, note_api_key};
use crate::state::AppState;

/// The scope each route that accepts keys needs, by method and route pattern (as in the
/// OpenAPI document). Everything else refuses keys: account-level routes (sign-in, `/me`,
/// password, erasure, export), key management itself, operator routes, listings, quotes and
/// the public reads (send those without a key).
pub const ROUTE_SCOPES: &[(&str, &str, Scope)] = &[
    // The catalog: the company's profile, its products (drafts included) and their images.
    ("GET", "/api/v1/companies/{id}", Scope::CatalogRead),
    ("GET", "/api/v1/companies/{id}/products", Scope::CatalogRead),
    ("GET", "/api/v1/products/{id}", Scope::CatalogRead),
    ("GET", "/api/v1/media/{id}", Scope::CatalogRead),
    ("GET", "/api/v1/media/{id}/{variant}", Scope::CatalogRead),
    (
        "POST",
        "/api/v1/companies/{id}/products",
        Scope::CatalogWrite,
    ),
    ("PATCH", "/api/v1/products/{id}", Scope::CatalogWrite),
    ("DELETE", "/api/v1/products/{id}", Scope::CatalogWrite),
    ("POST", "/api/v1/products/{id}/publish", Scope::CatalogWrite),
    (
        "POST",
        "/api/v1/products/{id}/unpublish",
        Scope::CatalogWrite,
    ),
    ("POST", "/api/v1/media", Scope::CatalogWrite),
    // Catalog import (writes products) and export (reads them).
    (
        "POST",
        "/api/v1/companies/{id}/catalog-imports",
        Scope::CatalogWrite,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog-imports/{import_id}",
        Scope::CatalogRead,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog-imports/{import_id}/errors.csv",
        Scope::CatalogRead,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog.csv",
        Scope::CatalogRead,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/catalog.xlsx",
        Scope::CatalogRead,
    ),
    // Inquiry threads and the company's blocked buyers.
    ("GET", "/api/v1/inquiries", Scope::InquiriesRead),
    ("GET", "/api/v1/inquiries/unread", Scope::InquiriesRead),
    ("GET", "/api/v1/inquiries/{id}", Scope::InquiriesRead),
    (
        "GET",
        "/api/v1/companies/{id}/blocked-buyers",
        Scope::InquiriesRead,
    ),
    ("POST", "/api/v1/inquiries", Scope::InquiriesWrite),
    (
        "POST",
        "/api/v1/inquiries/{id}/messages",
        Scope::InquiriesWrite,
    ),
    ("POST", "/api/v1/inquiries/{id}/read", Scope::InquiriesWrite),
    (
        "POST",
        "/api/v1/inquiries/{id}/close",
        Scope::InquiriesWrite,
    ),
    ("POST", "/api/v1/inquiries/{id}/spam", Scope::InquiriesWrite),
    (
        "POST",
        "/api/v1/inquiries/{id}/assign",
        Scope::InquiriesWrite,
    ),
    (
        "POST",
        "/api/v1/companies/{id}/blocked-buyers",
        Scope::InquiriesWrite,
    ),
    (
        "DELETE",
        "/api/v1/companies/{id}/blocked-buyers/{user_id}",
        Scope::InquiriesWrite,
    ),
    // The lead inbox, its export, lead reach and the matching buy requests.
    ("GET", "/api/v1/companies/{id}/leads", Scope::LeadsRead),
    ("GET", "/api/v1/companies/{id}/leads.csv", Scope::LeadsRead),
    ("GET", "/api/v1/companies/{id}/buy-leads", Scope::LeadsRead),
    ("GET", "/api/v1/companies/{id}/lead-reach", Scope::LeadsRead),
    ("GET", "/api/v1/leads/{id}", Scope::LeadsRead),
    ("PATCH", "/api/v1/leads/{id}", Scope::LeadsWrite),
    ("POST", "/api/v1/leads/{id}/notes", Scope::LeadsWrite),
    // The company's webhook endpoints and their delivery logs.
    (
        "POST",
        "/api/v1/companies/{id}/webhooks",
        Scope::WebhooksManage,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/webhooks",
        Scope::WebhooksManage,
    ),
    (
        "DELETE",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}",
        Scope::WebhooksManage,
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/rotate-secret",
        Scope::WebhooksManage,
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/enable",
        Scope::WebhooksManage,
    ),
    (
        "GET",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries",
        Scope::WebhooksManage,
    ),
    (
        "POST",
        "/api/v1/companies/{id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay",
        Scope::WebhooksManage,
    ),
];

/// The scope `method` on `route` needs, if the route takes keys.
pub fn route_scope(method: &Method, route: &str) -> Option<Scope> {
    ROUTE_SCOPES
        .iter()
        .find(|(m, r, _)| *m == method.as_str() && *r == route)
        .map(|(_, _, s)| *s)
}

/// The key a request carries, if its bearer token is one.
pub(crate) fn key_secret(req: &HttpRequest) -> Option<String> {
    crate::auth::extract::bearer(req)
        .flatten()
        .filter(|t| t.starts_with(SECRET_PREFIX))
}

/// The principal the gate established for this request.
pub(crate) fn principal(req: &HttpRequest) -> Option<KeyPrincipal> {
    req.extensions().get::<KeyPrincipal>().cloned()
}

fn refuse(req: ServiceRequest, err: ApiError) -> ServiceResponse<BoxBody> {
    let response = err.error_response();
    req.into_response(response)
}

/// See the module's documentation.
pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(secret) = key_secret(req.request()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(refuse(req, ApiError::unavailable("not configured")));
    };
    let Some(route) = req.match_pattern() else {
        // No such route: the router answers (404).
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let principal = match state
        .db(move |conn| api_key::authenticate(conn, &secret))
        .await
    {
        Ok(p) => p,
        Err(e) => return Ok(refuse(req, e)),
    };
    note_account(req.request(), principal.actor.user_id);
    note_api_key(req.request(), principal.key_id);
    let method = req.method().clone();
    match route_scope(&method, &route) {
        None => {
            return Ok(refuse(
                req,
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "api_key_not_allowed",
                    "this route does not accept API keys; sign in instead",
                ),
            ));
        }
        Some(scope) if !principal.has(scope) => {
            return Ok(refuse(
                req,
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "scope_missing",
                    format!("the API key lacks the scope {scope}"),
                ),
            ));
        }
        Some(_) => {}
    }
    let quota = Quota {
        name: "api-key",
        burst: state.config.api_key_burst,
        period: Duration::from_millis(state.config.api_key_period_ms),
    };
    if let Err(e) = state
        .limiter
        .check(&quota, &principal.key_id.to_string())
        .await
    {
        return Ok(refuse(req, e));
    }
    let at = domain::clock::now();
    if principal
        .last_used_at
        .is_none_or(|last| last < at - LAST_USED_GRANULARITY)
    {
        let key_id = principal.key_id;
        // A failed record of the use is not the request's failure.
        if let Err(e) = state.db(move |conn| api_key::touch(conn, key_id, at)).await {
            tracing::warn!(error = e.message, "could not record an API key's use");
        }
    }
    req.extensions_mut().insert(principal.clone());
    let path = req.path().to_owned();
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    if method != Method::GET && method != Method::HEAD && status.is_success() {
        let method = method.to_string();
        let status = status.as_u16();
        if let Err(e) = state
            .db(move |conn| api_key::record_write(conn, &principal, &method, &route, &path, status))
            .await
        {
            tracing::error!(
                error = e.message,
                "could not record an API key's write in the audit log"
            );
        }
    }
    Ok(response)
}
