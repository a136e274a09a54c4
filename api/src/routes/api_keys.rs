//! A company's API keys: created, listed and revoked by its owners and admins, with a signed-in
//! account (keys cannot manage keys). How a key is used: `auth::api_key`.

use actix_web::{HttpResponse, delete, get, post, web};
use domain::api_key::{self, ApiKey, NewApiKey};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::time_fmt::{utc, utc_opt};

/// What a key may do; each route that accepts keys needs one (see the routes' `api_key`
/// security requirement).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the accepted names; the domain parses them (field errors).
pub enum ApiKeyScope {
    #[serde(rename = "catalog:read")]
    CatalogRead,
    #[serde(rename = "catalog:write")]
    CatalogWrite,
    #[serde(rename = "inquiries:read")]
    InquiriesRead,
    #[serde(rename = "inquiries:write")]
    InquiriesWrite,
    #[serde(rename = "leads:read")]
    LeadsRead,
    #[serde(rename = "leads:write")]
    LeadsWrite,
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// What the key is for (1–100 characters), e.g. the system that uses it.
    #[schema(
        format = "line",
        min_length = 1,
        max_length = 100,
        example = "ERP catalog sync"
    )]
    pub name: String,
    /// At least one; each at most once.
    #[schema(value_type = Vec<ApiKeyScope>, example = json!(["catalog:read", "catalog:write"]))]
    pub scopes: Vec<String>,
    /// When the key stops working (in the future); without it the key works until revoked.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = Vec<ApiKeyScope>)]
    pub scopes: Vec<String>,
    /// The first characters of the secret, to tell keys apart.
    #[schema(example = "tfk_Xq3v9LmA")]
    pub prefix: String,
    /// The member who created the key; the key acts as them, within its scopes.
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// The last request made with the key, to the minute; `null` if never used.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// `active`, `expired` or `revoked`.
    #[schema(example = "active")]
    pub status: &'static str,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> ApiKeyView {
        let status = if k.revoked_at.is_some() {
            "revoked"
        } else if k.expires_at.is_some_and(|e| e <= domain::clock::now()) {
            "expired"
        } else {
            "active"
        };
        ApiKeyView {
            id: k.id,
            name: k.name,
            scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            prefix: k.prefix,
            created_by: k.created_by,
            created_at: utc(k.created_at),
            expires_at: utc_opt(k.expires_at),
            last_used_at: utc_opt(k.last_used_at),
            revoked_at: utc_opt(k.revoked_at),
            status,
        }
    }
}

/// A new key with its secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// Send it as `Authorization: Bearer <secret>`. Store it now: it is never shown again.
    #[schema(example = "tfk_Xq3v9LmAbc…")]
    pub secret: String,
}

fn to_utc(t: Option<OffsetDateTime>) -> Option<time::PrimitiveDateTime> {
    t.map(|t| {
        let t = t.to_offset(time::UtcOffset::UTC);
        time::PrimitiveDateTime::new(t.date(), t.time())
    })
}

/// Creates an API key of the company.
///
/// Owners and admins, signed in (not with a key). The answer carries the secret, once.
/// Audited (`api_key.create`).
#[utoipa::path(tag = "api keys", params(("id" = Uuid, Path, description = "company id")), request_body = CreateApiKeyRequest, security(("bearer" = [])), responses(
    (status = 201, description = "The key, with its secret (shown only now)", body = CreatedApiKey),
    (status = 400, description = "validation_failed (`name`, `scopes[i]`: invalid_choice or duplicate, `expires_at`: out_of_range, `name`: too_many when the company has 50 active keys)", body = ErrorBody),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), api_key_not_allowed (sent with a key)", body = ErrorBody),
    (status = 404, description = "company_not_found (no such company, or not a member)", body = ErrorBody)))]
#[post("/api/v1/companies/{id}/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Body<CreateApiKeyRequest>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let CreateApiKeyRequest {
        name,
        scopes,
        expires_at,
    } = body.0;
    let input = NewApiKey {
        name,
        scopes,
        expires_at: to_utc(expires_at),
    };
    let (key, secret) = state
        .db(move |conn| api_key::create(conn, &user.actor, company_id, input))
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey {
        key: ApiKeyView::from(key),
        secret,
    }))
}

/// Lists the company's API keys.
///
/// Newest first, revoked and expired ones included, without their secrets (owners and admins,
/// signed in).
#[utoipa::path(tag = "api keys", params(("id" = Uuid, Path, description = "company id")), security(("bearer" = [])), responses(
    (status = 200, description = "The keys, with their last use", body = Vec<ApiKeyView>),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), api_key_not_allowed (sent with a key)", body = ErrorBody),
    (status = 404, description = "company_not_found (no such company, or not a member)", body = ErrorBody)))]
#[get("/api/v1/companies/{id}/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let company_id = id.into_inner();
    let keys = state
        .db(move |conn| api_key::list(conn, &user.actor, company_id))
        .await?;
    Ok(HttpResponse::Ok().json(keys.into_iter().map(ApiKeyView::from).collect::<Vec<_>>()))
}

/// Revokes an API key at once.
///
/// Owners and admins, signed in; revoking a revoked key changes nothing. Audited
/// (`api_key.revoke`).
#[utoipa::path(tag = "api keys", params(("id" = Uuid, Path, description = "company id"), ("key_id" = Uuid, Path, description = "API key id")), security(("bearer" = [])), responses(
    (status = 200, description = "The revoked key", body = ApiKeyView),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "forbidden (not an owner or admin of the company), api_key_not_allowed (sent with a key)", body = ErrorBody),
    (status = 404, description = "company_not_found, api_key_not_found (not a key of this company)", body = ErrorBody)))]
#[delete("/api/v1/companies/{id}/api-keys/{key_id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (company_id, key_id) = path.into_inner();
    let key = state
        .db(move |conn| api_key::revoke(conn, &user.actor, company_id, key_id))
        .await?;
    Ok(HttpResponse::Ok().json(ApiKeyView::from(key)))
}
